"""Checkers for the exercise notebooks: ``check_<name>(student_function)``.

Each checker runs the student's function on fixed small cases first, then on random
ones drawn from a fixed seed, and compares every answer with the library (which is
itself compared with the loop oracle in :mod:`conv_teach.reference`, case by case).

* A stub that still raises ``NotImplementedError`` gets a friendly "not implemented yet"
  and no exception, so an untouched student notebook runs from top to bottom
  (``grading=True``, used by the hidden tests, makes a stub fail instead).
* A wrong answer raises :class:`~conv_teach.exercises.feedback.CheckFailed` (an
  ``AssertionError``) whose report reads top-down: what was checked, the failing case,
  expected against received (in a notebook also drawn, :func:`show_diff`), and a hint when
  the answer equals one of the classic mistakes of :mod:`conv_teach.exercises.hints`.
* An answer that is not an array of numbers (None, text, a torch tensor, complex, NaN), that
  runs past the time limit (:mod:`~conv_teach.exercises.limits`), that changes its input, or
  that calls the library function the exercise is about (:mod:`~conv_teach.exercises.taught`)
  gets a sentence saying so.
* A right answer prints what was checked. Every checker returns True when all cases
  pass and False for a stub.
"""
import sys
from collections import namedtuple
from itertools import combinations

import numpy as np

from .. import _validate as v
from .. import reference as ref
from ..im2col import col2im, im2col
from ..pad import pad2D
from ..conv import conv2D
from ..shapes import conv_out_shape
from . import hints as H
from . import limits
from .feedback import CheckFailed, NotAFunction, answer_problem, pad_problem, shape_problem
from .limits import TimeLimitExceeded, time_limit as _time_limit
from .taught import watch

__all__ = ["check_pad2D", "check_im2col_one_channel", "check_im2col", "check_conv2D_gemm",
           "check_col2im", "check_fixed_im2col", "check_out_shapes", "show_diff",
           "NOT_IMPLEMENTED", "CheckFailed"]

SEED = 0
NOT_IMPLEMENTED = "not implemented yet"
#: arrays up to this many entries are printed in full in a report
PRINT_LIMIT = 120

#: one test case: ``params`` (shown to the student), ``args`` (passed to the function),
#: ``expected`` (the right answer) and ``mutations()`` -> [(hint key, wrong answer), ...]
Case = namedtuple("Case", "params args expected mutations extract", defaults=(None,))

#: what each checker compares with, and so what the answer may not call (conv_teach names)
TAUGHT = {
    "check_pad2D": ("pad2D", "same_pad"),
    "check_im2col_one_channel": ("im2col", "im2col_loops"),
    "check_im2col": ("im2col", "im2col_loops"),
    "check_conv2D_gemm": ("conv2D", "conv2D_loops"),
    "check_col2im": ("col2im", "col2im_loops"),
    "check_fixed_im2col": ("im2col", "im2col_loops"),
    "check_out_shapes": ("conv_out_shape", "conv_out_len", "conv2D", "conv2D_loops"),
}


# ----------------------------------------------------------------------------------------
# the engine


class _Stub(Exception):
    """The student's function still raises NotImplementedError."""


class _Unusable(Exception):
    """A case's ``extract`` cannot find the answer in what the function returned."""


class _Run(namedtuple("_Run", "title student cases n_fixed summary draw limit taught what",
                      defaults=(None,))):
    """One checker run: what is checked (``what``: the report's first line), against what,
    and how."""

    @property
    def fn(self):
        name = getattr(self.student, "__name__", "")
        return name if name.isidentifier() else "function"

    @property
    def checked(self):
        return self.what or (f"{self.title} compared your {self.fn} with "
                             f"conv_teach.{self.taught[0]} on {len(self.cases)} cases:\n"
                             f"  {self.summary}.")


def _in_notebook():
    ip = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(ip).__name__ == "ZMQInteractiveShell"


def _fmt_params(params):
    return ", ".join(f"{key}={val}" for key, val in params.items())


def _start(title, student, example, time_limit):
    """Check the arguments of a checker call; returns the time limit in seconds."""
    __tracebackhide__ = True
    try:
        v.check_student_function(title, student, example)
    except TypeError as e:
        raise NotAFunction(str(e)) from None
    limit = limits.TIME_LIMIT if time_limit is None else time_limit
    if not (isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0):
        raise v.bad_number(title, "time_limit", time_limit, "a number of seconds > 0 "
                           "(math.inf for none)")
    return limit


def _call(run, args):
    """The student's function on copies of ``args`` (so it cannot spoil the case), under the
    time limit, with the taught library functions watched. Returns (result, copies, calls)."""
    __tracebackhide__ = True
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    with watch(run.taught, run.student) as calls:
        with _time_limit(run.limit):
            got = run.student(*copies)
    return got, copies, calls


def _guarded(run, k, args):
    """:func:`_call`, with the ways it can go wrong turned into reports."""
    __tracebackhide__ = True
    try:
        got, copies, calls = _call(run, args)
    except NotImplementedError:
        raise _Stub from None
    except TimeLimitExceeded:
        _fail(run, k, [f"Your {run.fn} ran longer than {run.limit:g} s and was stopped: an "
                       f"endless loop (a `while` whose condition never changes)? If it is "
                       f"only slow, pass time_limit=<seconds> to {run.title}."])
    except Exception as e:   # the student's code crashed: say on which case, keep its frames
        _fail(run, k, [f"Your {run.fn} raised {type(e).__name__}: {e}"], cause=e)
    if calls:
        names = sorted(set(calls), key=calls.index)
        raise CheckFailed(
            f"{run.title}: your {run.fn} calls {' and '.join(names)}, the function this "
            f"exercise asks you to write, so comparing it with the library proves nothing.",
            details=[f"Write it without {' or '.join(f'conv_teach.{t}' for t in run.taught)}."])
    return got, copies


def _fail(run, k, details, hints=(), cause=None, picture=None):
    """Raise the report of case ``k`` (``picture = (expected, received)`` is drawn in a notebook)."""
    __tracebackhide__ = True
    where = (f"Case {k + 1} of {len(run.cases)} failed: {_fmt_params(run.cases[k].params)}"
             if k is not None else "")
    shown = False
    if picture is not None and (run.draw or (run.draw is None and _in_notebook())):
        report = CheckFailed(run.checked, where, details)
        print(report.evidence())          # what was checked, the case, the numbers ...
        _draw(*picture)                    # ... the picture, then the verdict and the hint
        shown = True
    verdict = (f"{run.title}: case {k + 1} of {len(run.cases)} failed (the numbers and the "
               f"picture are above)." if k is not None else "")
    raise CheckFailed(run.checked, where, details, hints, verdict, shown) from cause


def _fmt_array(a):
    a = np.asarray(a)
    if a.size > PRINT_LIMIT:
        return f"(array of shape {a.shape}, too big to print)"
    if a.ndim == 4:   # NHWC: print example 0, channel by channel, as images
        return "\n".join(f"[example 0, channel {c}]\n{np.array2string(a[0, :, :, c], precision=3)}"
                         for c in range(a.shape[3]))
    return np.array2string(a, precision=3, max_line_width=110)


def _equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-8)


def diagnose(expected, got, mutations):
    """Hint keys whose wrong answer equals ``got`` (first found first, no repeats)."""
    keys = []
    for key, wrong in mutations:
        if key not in keys and not _equal(wrong, expected) and _equal(wrong, got):
            keys.append(key)
    if not keys and np.shape(got) == np.shape(expected):
        if np.allclose(np.sort(np.ravel(got)), np.sort(np.ravel(expected))):
            keys.append("same_values_wrong_order")
    return keys


def _difference(expected, got, fn):
    """The line that says how ``got`` differs from ``expected`` (shapes, or values)."""
    exp = np.asarray(expected)
    if got.shape != exp.shape:
        return f"Your {fn} returned shape {got.shape}, expected {exp.shape}."
    bad = ~np.isclose(got, exp, rtol=1e-6, atol=1e-8)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"Shapes agree {exp.shape}, but {int(bad.sum())} of {exp.size} values differ "
            f"(first at index {first}: expected {exp[first]:g}, got {got[first]:g}).")


def _answer(run, k, got):
    """The student's answer to case ``k`` as a float array, plus the remark of ``extract``."""
    __tracebackhide__ = True
    case, extra = run.cases[k], ""
    if case.extract is not None and got is not None:     # None: "forgot return?" below
        try:
            got, extra = case.extract(got)
        except _Unusable as e:
            _fail(run, k, [str(e)])
    why = answer_problem(got, run.fn)
    if why is not None:
        _fail(run, k, [why[0].upper() + why[1:]])
    return np.asarray(got, dtype=float), extra


def _run_one(run, k, probe=None):
    """Run case ``k``: returns None if right, raises _Stub or CheckFailed otherwise."""
    __tracebackhide__ = True
    case = run.cases[k]
    got, copies = _guarded(run, k, case.args)
    for name, before, after in zip(_arg_names(case), case.args, copies):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after):
            _fail(run, k, [f"Your {run.fn} changed its input {name}; work on a new array "
                           "instead (e.g. np.zeros(...))."])
    got, extra = _answer(run, k, got)
    if not _equal(got, case.expected):
        keys = diagnose(case.expected, got, case.mutations())
        more = probe(run, case, got) if probe is not None else None
        if more and more not in keys:
            keys.insert(0, more)
        keys = _refine(run, keys, run.cases[k + 1:])
        details = [_difference(case.expected, got, run.fn),
                   "expected:", _fmt_array(case.expected), "received:", _fmt_array(got)]
        _fail(run, k, details, [H.HINTS[key] for key in keys], picture=(case.expected, got))
    if extra:
        _fail(run, k, [f"The array is right, but {extra}"])


def _arg_names(case):
    """Names for the positional arguments, for messages (``X`` or ``X_col`` first)."""
    first = "X_col" if "X_shape" in case.params else ("x" if "x.shape" in case.params else "X")
    return [first, "the second argument", "the third argument", "the fourth argument",
            "the fifth argument", "the sixth argument"]


def _stub_message(title, grading=False):
    __tracebackhide__ = True
    message = (f"{title}: {NOT_IMPLEMENTED}. Your function still raises NotImplementedError: "
               f"replace `raise NotImplementedError()` with your code and run this cell again.")
    print(message)
    if grading:
        raise CheckFailed(message) from None
    return False


def _refine(run, keys, later_cases):
    """Drop the hint keys that later cases contradict.

    On one case two mistakes can give the same answer (dilation 1 off by one and counted
    twice both space taps 3 apart). A hint survives if, on every later case the student
    also gets wrong, that mistake still reproduces the answer.
    """
    if len(keys) < 2:
        return keys
    alive = list(keys)
    for case in later_cases:
        try:
            got = _call(run, case.args)[0]
            if case.extract is not None:
                got, _ = case.extract(got)
            got = np.asarray(got, dtype=float)
        except (Exception, TimeLimitExceeded):
            continue
        if _equal(got, case.expected):
            continue
        here = diagnose(case.expected, got, case.mutations())
        narrowed = [key for key in alive if key in here]
        if narrowed:
            alive = narrowed
    return alive


def _run(title, student, cases, n_fixed, keys, draw=None, probe=None, time_limit=None,
         grading=False):
    """Run ``student`` on every case; print what was checked, or raise CheckFailed."""
    __tracebackhide__ = True
    limit = _start(title, student, f"{title}({title[6:]})", time_limit)
    run = _Run(title, student, cases, n_fixed, _summary(cases, n_fixed, keys), draw, limit,
               TAUGHT[title])
    try:
        for k in range(len(cases)):
            _run_one(run, k, probe)
    except _Stub:
        return _stub_message(title, grading)
    print(f"{title}: all {len(cases)} cases pass ({run.summary}).")
    return True


def show_diff(expected, received, axes=None):
    """Draw the received matrix next to the expected one, differing cells outlined in red.

    See :func:`conv_teach.exercises.picture.show_diff` (imports matplotlib when called).
    """
    from .picture import show_diff as draw
    return draw(expected, received, axes)


def _draw(expected, got):
    from IPython.display import display
    import matplotlib.pyplot as plt
    fig = show_diff(expected, got)
    display(fig)
    plt.close(fig)


def _summary(cases, n_fixed, keys):
    """'5 fixed + 8 random cases (seed 0); stride in {(1, 1), (1, 2)}; ...' from the cases."""
    parts = [f"{n_fixed} fixed + {len(cases) - n_fixed} random from seed {SEED}"]
    for key in keys:
        vals = sorted({repr(c.params[key]) for c in cases if key in c.params})
        if vals:
            parts.append(f"{key} in {{{', '.join(vals)}}}")
    return "; ".join(parts)


def _verify(name, library, oracle):
    """The library and the loop oracle must agree on every case we grade with."""
    if np.shape(library) != np.shape(oracle) or not np.allclose(library, oracle):
        raise RuntimeError(f"internal error: conv_teach.{name} disagrees with its loop reference "
                           "on a grading case; please report this to your teacher.")
    return library


def _data(rng, shape):
    """Small integers stored as floats: easy to read in a report, exact to compare."""
    return rng.integers(1, 10, size=shape).astype(float)


# ----------------------------------------------------------------------------------------
# the cases


def _random_geometry(rng, ch_max=3, batch_max=2, pads=True):
    """A random valid geometry ``(X_shape, kernel, stride, dilation, pad)``; all pairs."""
    while True:
        fr, fc = (int(v) for v in rng.integers(1, 4, size=2))
        s = tuple(int(v) for v in rng.integers(1, 3, size=2))
        d = tuple(int(v) for v in rng.integers(0, 2, size=2))
        rows, cols = (int(v) for v in rng.integers(3, 7, size=2))
        n, ch = int(rng.integers(1, batch_max + 1)), int(rng.integers(1, ch_max + 1))
        pad = [0, 1, (1, 0), (0, 1, 1, 0), "same", "valid"][int(rng.integers(0, 6))] if pads else 0
        try:
            conv_out_shape((n, rows, cols, ch), (fr, fc, ch, 1), s, pad, d)
        except ValueError:
            continue
        return (n, rows, cols, ch), (fr, fc), s, d, pad


def _resolved_pad(X_shape, kernel, s, d, pad):
    return pad2D(np.zeros(X_shape), pad, kernel, s, d)[1]


#: fixed im2col geometries, simple first: (X_shape, kernel, stride, dilation, pad)
IM2COL_FIXED = [
    ((1, 3, 3, 1), (2, 2), (1, 1), (0, 0), 0),
    ((1, 4, 5, 1), (2, 3), (1, 1), (0, 0), 0),
    ((1, 5, 6, 1), (2, 2), (2, 1), (0, 0), 0),
    ((1, 5, 7, 1), (2, 2), (1, 2), (0, 0), 0),
    ((1, 6, 7, 1), (2, 3), (1, 1), (1, 1), 0),
    ((1, 7, 8, 1), (2, 2), (1, 1), (2, 1), 0),
    ((1, 4, 5, 1), (3, 3), (1, 1), (0, 0), 1),
    ((1, 4, 5, 1), (2, 2), (1, 1), (0, 0), "same"),
    ((1, 3, 4, 2), (2, 2), (1, 1), (0, 0), 0),
    ((2, 3, 4, 1), (2, 2), (1, 1), (0, 0), 0),
    ((2, 6, 7, 2), (3, 2), (2, 1), (1, 0), (1, 0, 0, 1)),
]


def _im2col_case(rng, X_shape, kernel, s, d, pad, with_pad=True):
    X = _data(rng, X_shape)
    W_shape = kernel + (X_shape[3], 1)
    X_col = _verify("im2col", im2col(X, W_shape, pad, s, d)[0], ref.im2col_loops(X, W_shape, pad, s, d))
    p = _resolved_pad(X_shape, kernel, s, d, pad)
    params = {"X.shape": X_shape, "W_shape": W_shape}
    if with_pad:
        params["pad"] = pad
    params.update(stride=s, dilation=d)
    return Case(params, (X, W_shape, pad, s, d), X_col,
                lambda: H.im2col_mutations(X, kernel, s, d, p), _first_of_pair)


def _first_of_pair(got):
    """Accept the library's ``(X_col, p)`` as well as a bare ``X_col``."""
    if isinstance(got, tuple) and len(got) == 2:
        return got[0], ""
    return got, ""


def _im2col_cases(n_random, fixed=IM2COL_FIXED, **kw):
    rng = np.random.default_rng(SEED)
    cases = [_im2col_case(rng, *g) for g in fixed]
    cases += [_im2col_case(rng, *_random_geometry(rng, **kw)) for _ in range(n_random)]
    return cases, len(fixed)


# ----------------------------------------------------------------------------------------
# the checkers


_COMMON_PARAMETERS = """
    Parameters
    ----------
    student_fn : callable
        The student's function (the function itself, not its result).
    n_random : int
        Random cases after the fixed ones (seed 0); the hidden tests use more.
    draw : bool, optional
        Draw expected against received when an answer is wrong; default: in a notebook.
    time_limit : float, optional
        Seconds one call of the function may take before it is stopped; default
        :data:`conv_teach.exercises.limits.TIME_LIMIT` (5 s, or ``$CONV_TEACH_TIME_LIMIT``),
        ``math.inf`` for none.
    grading : bool
        If True (the hidden tests), a stub raises CheckFailed instead of returning False.

    Returns
    -------
    bool
        True if every case passes, False for a stub.

    Raises
    ------
    CheckFailed
        (an AssertionError) with the report, for a wrong answer.
    TypeError
        If ``student_fn`` is not callable (often: its result was passed).
"""


def _doc(fn):
    fn.__doc__ = fn.__doc__.rstrip() + "\n" + _COMMON_PARAMETERS
    return fn


@_doc
def check_pad2D(student_pad2D, n_random=8, draw=None, time_limit=None, grading=False):
    """Check ``student_pad2D(X, pad, kernel_shape=None, stride=1) -> (X_pad, p)``.

    ``pad`` may be an int, ``(rows, cols)``, ``(top, bottom, left, right)``, ``'valid'`` or
    ``'same'`` (``ceil(in/stride)`` outputs per axis, the odd zero after); ``p`` is the
    padding used, ``(top, bottom, left, right)``, 4 ints. ``stride`` is an int or a
    (rows, cols) pair. The answer may not call ``conv_teach.pad2D`` or ``same_pad``.
    """
    rng = np.random.default_rng(SEED)
    fixed = [((1, 2, 3, 1), 1, None, 1), ((1, 3, 2, 1), (1, 2), None, 1),
             ((2, 2, 3, 2), (1, 0, 2, 0), None, 1), ((1, 3, 3, 1), "valid", None, 1),
             ((1, 4, 5, 1), "same", (3, 3), 1), ((1, 4, 5, 1), "same", (2, 4), 1),
             ((1, 5, 6, 1), "same", (3, 2), 2), ((1, 6, 7, 2), "same", (3, 3), (2, 3))]
    specs = list(fixed)
    for _ in range(n_random):
        shape = ((int(rng.integers(1, 3)),) + tuple(int(v) for v in rng.integers(2, 7, 2))
                 + (int(rng.integers(1, 3)),))
        choice = int(rng.integers(0, 4))
        pad = [int(rng.integers(0, 3)), tuple(int(v) for v in rng.integers(0, 3, 2)),
               tuple(int(v) for v in rng.integers(0, 3, 4)), "same"][choice]
        kern = tuple(int(v) for v in rng.integers(1, 5, 2)) if pad == "same" else None
        specs.append((shape, pad, kern, tuple(int(v) for v in rng.integers(1, 3, 2))))
    cases = []
    for shape, pad, kern, stride in specs:
        X = _data(rng, shape)
        X_pad, p = pad2D(X, pad, kern, stride)
        # the oracle: X written into zeros at offset (top, left), sizes from the formula
        oracle = np.zeros((shape[0], shape[1] + p[0] + p[1], shape[2] + p[2] + p[3], shape[3]))
        oracle[:, p[0]:p[0] + shape[1], p[2]:p[2] + shape[2]] = X
        _verify("pad2D", X_pad, oracle)
        params = {"X.shape": shape, "pad": pad}
        same = None
        if pad == "same":
            params.update(kernel_shape=kern, stride=stride)
            same = (kern, stride if isinstance(stride, tuple) else (stride, stride), (0, 0))
        cases.append(Case(params, (X, pad, kern, stride), X_pad,
                          lambda X=X, p=p, same=same: H.pad_mutations(X, p, same),
                          _pad_extract(p)))
    return _run("check_pad2D", student_pad2D, cases, len(fixed), ["pad", "stride"], draw,
                _nonzero_pad_probe, time_limit, grading)


def _nonzero_pad_probe(run, case, got):
    """X sits in the right place but the border is not all zeros (edge or constant fill)."""
    X, exp = case.args[0], np.asarray(case.expected)
    if got.shape != exp.shape:
        return None
    mask = np.ones(exp.shape, bool)
    # where X sits in the expected answer: the cells that differ from a zero border
    p = pad2D(X, *case.args[1:])[1]
    mask[:, p[0]:p[0] + X.shape[1], p[2]:p[2] + X.shape[2]] = False
    if np.allclose(got[~mask], exp[~mask]) and np.any(got[mask] != 0):
        return "pad_not_zero"
    return None


def _pad_extract(expected_p):
    def extract(got):
        if not (isinstance(got, tuple) and len(got) == 2):
            raise _Unusable("Return a pair (X_pad, p) with p = (top, bottom, left, right); "
                            f"got a {type(got).__name__}.")
        X_pad, p = got
        why = pad_problem(p)
        if why is not None:
            return X_pad, why
        p = tuple(int(v) for v in p)
        if p != tuple(expected_p):
            return X_pad, f"the returned p is {p}, expected {tuple(expected_p)} (top, bottom, left, right)."
        return X_pad, ""
    return extract


@_doc
def check_im2col_one_channel(student_fn, n_random=6, draw=None, time_limit=None, grading=False):
    """Check ``student_fn(x, kernel_shape, stride, dilation) -> x_col`` for ONE image and channel.

    ``x`` has shape (rows, cols) and is already padded; ``kernel_shape = (fr, fc)``; stride
    and dilation are (rows, cols) pairs. ``x_col`` has shape (fr*fc, out_rows*out_cols):
    row ``ki*fc + kj``, column ``i*out_cols + j``. There is no batch here, so the hints
    speak of ``i*out_cols + j`` (:data:`hints.ONE_CHANNEL`).
    """
    fixed = [g for g in IM2COL_FIXED if g[0][0] == 1 and g[0][3] == 1 and g[4] == 0]
    cases, n_fixed = _im2col_cases(n_random, fixed, ch_max=1, batch_max=1, pads=False)
    one = []
    for c in cases:
        X, W_shape, _, s, d = c.args
        params = {"x.shape": X.shape[1:3], "kernel_shape": W_shape[:2], "stride": s, "dilation": d}
        one.append(Case(params, (X[0, :, :, 0], W_shape[:2], s, d), c.expected,
                        lambda m=c.mutations: [(H.ONE_CHANNEL.get(k, k), w) for k, w in m()]))
    return _run("check_im2col_one_channel", student_fn, one, n_fixed, ["stride", "dilation"],
                draw, None, time_limit, grading)


@_doc
def check_im2col(student_im2col, n_random=8, draw=None, time_limit=None, grading=False):
    """Check ``student_im2col(X, W_shape, pad, stride, dilation) -> X_col`` (many channels, a batch).

    ``X`` is NHWC, ``W_shape = (fr, fc, in_ch, out_ch)``, ``pad`` any pad2D form, stride and
    dilation (rows, cols) pairs. ``X_col`` has conv_teach's layout (in_ch*fr*fc,
    out_rows*out_cols*n_ex); a ``(X_col, p)`` pair is accepted too.
    """
    cases, n_fixed = _im2col_cases(n_random)
    return _run("check_im2col", student_im2col, cases, n_fixed,
                ["pad", "stride", "dilation"], draw, None, time_limit, grading)


@_doc
def check_conv2D_gemm(student_conv2D, n_random=6, draw=None, time_limit=None, grading=False):
    """Check ``student_conv2D(X, W, stride, pad, dilation) -> Z`` (im2col plus one matmul).

    ``Z`` has shape (n_ex, out_rows, out_cols, out_ch). Cross-correlation, no bias.
    """
    rng = np.random.default_rng(SEED)
    geoms = list(IM2COL_FIXED) + [_random_geometry(rng) for _ in range(n_random)]
    cases = []
    for k, (X_shape, kernel, s, d, pad) in enumerate(geoms):
        X = _data(rng, X_shape)
        out_ch = 1 + k % 3
        W = _data(rng, kernel + (X_shape[3], out_ch)) - 5
        Z = _verify("conv2D", conv2D(X, W, s, pad, d), ref.conv2D_loops(X, W, s, pad, d))
        p = _resolved_pad(X_shape, kernel, s, d, pad)
        params = {"X.shape": X_shape, "W.shape": W.shape, "stride": s, "pad": pad, "dilation": d}
        cases.append(Case(params, (X, W, s, pad, d), Z,
                          lambda X=X, W=W, s=s, d=d, p=p: H.conv_mutations(X, W, s, d, p)))
    return _run("check_conv2D_gemm", student_conv2D, cases, len(IM2COL_FIXED),
                ["pad", "stride", "dilation"], draw, None, time_limit, grading)


def _overwrite_probe(run, case, got):
    """Feed columns of ones: summing gives window counts (up to fr*fc), overwriting gives 1s."""
    X_col, X_shape, W_shape, pad, s, d = case.args
    counts = col2im(np.ones(np.shape(X_col)), X_shape, W_shape, pad, s, d)
    if counts.max() <= 1:
        return None
    try:
        ones = np.asarray(_call(run, (np.ones(np.shape(X_col)), X_shape, W_shape, pad, s, d))[0],
                          float)
    except (Exception, TimeLimitExceeded):
        return None
    if ones.shape == counts.shape and ones.max() <= 1 + 1e-9 and np.any(ones > 0):
        return "overwrite"
    return None


@_doc
def check_col2im(student_col2im, n_random=8, draw=None, time_limit=None, grading=False):
    """Check ``student_col2im(X_col, X_shape, W_shape, pad, stride, dilation) -> X`` (NHWC).

    Every entry of ``X_col`` is added to the pixel im2col read it from; pixels read by
    several windows get the sum (col2im is im2col's adjoint, not its inverse).
    """
    rng = np.random.default_rng(SEED)
    geoms = list(IM2COL_FIXED) + [_random_geometry(rng) for _ in range(n_random)]
    cases = []
    for X_shape, kernel, s, d, pad in geoms:
        W_shape = kernel + (X_shape[3], 1)
        out = conv_out_shape(X_shape, W_shape, s, pad, d)
        X_col = _data(rng, (X_shape[3] * kernel[0] * kernel[1], out[1] * out[2] * X_shape[0]))
        X = _verify("col2im", col2im(X_col, X_shape, W_shape, pad, s, d),
                    ref.col2im_loops(X_col, X_shape, W_shape, pad, s, d))
        p = _resolved_pad(X_shape, kernel, s, d, pad)
        params = {"X_shape": X_shape, "W_shape": W_shape, "pad": pad, "stride": s, "dilation": d}
        cases.append(Case(params, (X_col, X_shape, W_shape, pad, s, d), X,
                          lambda X_col=X_col, X_shape=X_shape, kernel=kernel, s=s, d=d, p=p:
                          H.col2im_mutations(X_col, X_shape, kernel, s, d, p)))
    return _run("check_col2im", student_col2im, cases, len(IM2COL_FIXED),
                ["pad", "stride", "dilation"], draw, _overwrite_probe, time_limit, grading)


#: geometries that tell exercise 6's five bugs apart (tests/test_exercises.py proves it)
FIXED_IM2COL_CASES = [
    ((1, 4, 5, 1), (2, 2), (1, 1), (0, 0), 0),
    ((1, 5, 6, 2), (2, 2), (1, 1), (0, 0), "same"),
    ((2, 6, 7, 2), (2, 3), (2, 1), (1, 1), "same"),
    ((1, 7, 7, 1), (2, 2), (1, 2), (0, 1), (1, 0, 0, 1)),
]


def remaining_bugs(run, cases):
    """The subsets of exercise 6's bugs that reproduce the student's function on every case,
    smallest first."""
    __tracebackhide__ = True
    outs = [_first_of_pair(_guarded(run, k, c.args)[0])[0] for k, c in enumerate(cases)]
    if any(answer_problem(out, run.fn) for out in outs):
        return []            # not arrays: the case-by-case run below says what they are
    found = []
    for size in range(len(H.BROKEN_IM2COL_BUGS) + 1):
        for bugs in combinations(H.BROKEN_IM2COL_BUGS, size):
            if all(_equal(out, _gather_bugs(c, bugs)) for c, out in zip(cases, outs)):
                found.append(bugs)
        if found:
            return found
    return found


def _gather_bugs(case, bugs):
    X, W_shape, pad, s, d = case.args
    p = _resolved_pad(X.shape, W_shape[:2], s, d, pad)
    return H.gather(X, W_shape[:2], **H.broken_im2col_knobs(bugs, s, d, p))


@_doc
def check_fixed_im2col(student_im2col, n_random=8, draw=None, time_limit=None, grading=False):
    """Check exercise 6's repaired im2col, and name the planted bugs that are still there.

    Same contract as :func:`check_im2col`. When the function is wrong, the report says which
    of the five planted bugs (:data:`hints.BROKEN_IM2COL_BUGS`) it still has, if its output
    is exactly the original code with some of them fixed.
    """
    __tracebackhide__ = True
    title = "check_fixed_im2col"
    limit = _start(title, student_im2col, f"{title}(fixed_im2col)", time_limit)
    rng = np.random.default_rng(SEED)
    probe_cases = [_im2col_case(rng, *g) for g in FIXED_IM2COL_CASES]
    cases, n_fixed = _im2col_cases(n_random)
    cases = probe_cases + cases
    run = _Run(title, student_im2col, cases, n_fixed + len(probe_cases),
               _summary(cases, n_fixed + len(probe_cases), ["pad", "stride", "dilation"]), draw,
               limit, TAUGHT[title])
    try:
        left = remaining_bugs(run, probe_cases)
        if left and left[0]:
            bugs = left[0]
            raise CheckFailed(
                f"{title}: {len(bugs)} of the {len(H.BROKEN_IM2COL_BUGS)} bugs "
                f"{'is' if len(bugs) == 1 else 'are'} still there (checked on "
                f"{len(probe_cases)} cases that tell the five apart):",
                details=[f"  - {H.HINTS[b]}" for b in bugs]) from None
        for k in range(len(cases)):
            _run_one(run, k)
    except _Stub:
        return _stub_message(title, grading)
    print(f"{title}: all {len(H.BROKEN_IM2COL_BUGS)} bugs fixed; all {len(cases)} cases pass "
          f"({run.summary}).")
    return True


def check_out_shapes(student_answers, questions=None, time_limit=None, grading=False):
    """Check ``student_answers() -> list of output shapes`` for exercise 1's questions.

    ``questions`` defaults to :data:`conv_teach.exercises.questions.SHAPE_QUESTIONS`; each
    answer is compared with :func:`conv_teach.conv_out_shape` (which the answer may not call).
    ``time_limit`` and ``grading`` as in :func:`check_pad2D`. Returns True when all are
    right, False for a stub; raises CheckFailed with a hint per wrong answer.
    """
    __tracebackhide__ = True
    from .questions import SHAPE_QUESTIONS, shape_mistake, describe
    qs = SHAPE_QUESTIONS if questions is None else questions
    title = "check_out_shapes"
    limit = _start(title, student_answers, f"{title}(my_shapes)", time_limit)
    fn = getattr(student_answers, "__name__", "function")
    checked = (f"{title} compared what your {fn}() returns with conv_teach.conv_out_shape "
               f"on {len(qs)} questions.")
    run = _Run(title, student_answers, [], 0, "", False, limit, TAUGHT[title], checked)
    try:
        answers = _guarded(run, None, ())[0]
    except _Stub:
        return _stub_message(title, grading)
    if answers is None:
        raise CheckFailed(checked, details=[f"Your {run.fn} returned None: did you forget "
                                            "`return`?"])
    if isinstance(answers, (str, bytes)) or not hasattr(answers, "__iter__"):
        raise CheckFailed(checked, details=[
            f"Your {run.fn} returned {answers!r:.60} ({type(answers).__name__}); return a list "
            f"of {len(qs)} shapes, one 4-tuple per question."])
    answers = list(answers)
    if len(answers) != len(qs):
        raise CheckFailed(checked, details=[f"{len(qs)} questions but {len(answers)} answers."])
    wrong = []
    for k, (q, a) in enumerate(zip(qs, answers)):
        right = conv_out_shape(*q)
        why = shape_problem(a)
        if why is not None:
            wrong.append(f"  question {k + 1} ({describe(q)}): {why}")
            continue
        a = tuple(int(v) for v in a)
        if a != right:
            hint = shape_mistake(q, a)
            wrong.append(f"  question {k + 1} ({describe(q)}): you said {a}, it is {right}."
                         + (f"\n    Hint: {hint}" if hint else ""))
    if wrong:
        raise CheckFailed(checked, details=[f"{len(wrong)} of {len(qs)} answers wrong:", *wrong])
    print(f"{title}: all {len(qs)} shapes right.")
    return True
