"""Checkers for the exercise notebooks: ``check_<name>(student_function)``.

Each checker runs the student's function on fixed small cases first, then on random
ones drawn from a fixed seed, and compares every answer with the library (which is
itself compared with the loop oracle in :mod:`conv_teach.reference`, case by case).

* A stub that still raises ``NotImplementedError`` gets a friendly "not implemented yet"
  and no exception, so an untouched student notebook runs from top to bottom.
* A wrong answer raises ``AssertionError`` with the failing case, the expected and
  received shapes and values, and a hint when the answer equals one of the classic
  mistakes of :mod:`conv_teach.exercises.hints`.
* A right answer prints what was checked. Every checker returns True when all cases
  pass and False for a stub.

``draw=True`` (or, by default, running inside a notebook) also draws the student's
matrix next to the right one with the differing cells marked (:func:`show_diff`).
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

__all__ = ["check_pad2D", "check_im2col_one_channel", "check_im2col", "check_conv2D_gemm",
           "check_col2im", "check_fixed_im2col", "check_out_shapes", "show_diff",
           "NOT_IMPLEMENTED"]

SEED = 0
NOT_IMPLEMENTED = "not implemented yet"
#: arrays up to this many entries are printed in full in a report
PRINT_LIMIT = 120

#: one test case: ``params`` (shown to the student), ``args`` (passed to the function),
#: ``expected`` (the right answer) and ``mutations()`` -> [(hint key, wrong answer), ...]
Case = namedtuple("Case", "params args expected mutations extract", defaults=(None,))


# ----------------------------------------------------------------------------------------
# the engine


class _Stub(Exception):
    """The student's function still raises NotImplementedError."""


def _in_notebook():
    ip = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(ip).__name__ == "ZMQInteractiveShell"


def _fmt_params(params):
    return ", ".join(f"{key}={val}" for key, val in params.items())


def _call(student, case):
    """Call ``student`` on copies of the case's arrays (so it cannot spoil the case)."""
    return student(*[a.copy() if isinstance(a, np.ndarray) else a for a in case.args])


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


def _case_line(case):
    return "  case: " + _fmt_params(case.params)


def _report(title, k, n_cases, case, got, keys):
    exp, got_a = np.asarray(case.expected), np.asarray(got)
    lines = [f"{title}: case {k + 1} of {n_cases} failed.", _case_line(case)]
    if got_a.shape != exp.shape:
        lines.append(f"  returned shape {got_a.shape}, expected {exp.shape}.")
    else:
        bad = ~np.isclose(got_a, exp, rtol=1e-6, atol=1e-8)
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        lines.append(f"  shapes agree {exp.shape}, but {int(bad.sum())} of {exp.size} values "
                     f"differ (first at index {first}: expected {exp[first]:g}, "
                     f"got {got_a[first]:g}).")
    lines += ["  Hint: " + H.HINTS[key] for key in keys]
    lines += ["expected:", _fmt_array(exp), "received:", _fmt_array(got_a)]
    return "\n".join(lines)


def _run_one(title, student, case, k, n_cases, draw, probe=None):
    """Run one case: returns None if right, raises _Stub or AssertionError otherwise."""
    try:
        args = [a.copy() if isinstance(a, np.ndarray) else a for a in case.args]
        got = student(*args)
    except NotImplementedError as e:
        raise _Stub from e
    except Exception as e:  # the student's code crashed: say on which case, keep the traceback
        raise AssertionError(f"{title}: case {k + 1} of {n_cases} raised {type(e).__name__}: "
                             f"{e}\n{_case_line(case)}") from e
    for name, before, after in zip(_arg_names(case), case.args, args):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after):
            raise AssertionError(f"{title}: case {k + 1} of {n_cases}: your function changed its "
                                 f"input {name}; work on a new array instead (e.g. np.zeros(...)).\n"
                                 f"{_case_line(case)}")
    extra = ""
    if case.extract is not None:
        got, extra = case.extract(got)
        if got is None:
            raise AssertionError(f"{title}: case {k + 1} of {n_cases}: {extra}\n{_case_line(case)}")
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{title}: case {k + 1} of {n_cases}: returned {type(got).__name__}, "
                             f"expected an array of shape {np.shape(case.expected)}.\n"
                             f"{_case_line(case)}") from None
    if not _equal(got, case.expected):
        keys = diagnose(case.expected, got, case.mutations())
        more = probe(student, case, got) if probe is not None else None
        if more and more not in keys:
            keys.insert(0, more)
        if draw or (draw is None and _in_notebook()):
            _draw(case.expected, got)
        raise AssertionError(_report(title, k, n_cases, case, got, keys))
    if extra:
        raise AssertionError(f"{title}: case {k + 1} of {n_cases}: the array is right, but "
                             f"{extra}\n{_case_line(case)}")


def _arg_names(case):
    """Names for the positional arguments, for messages (``X`` or ``X_col`` first)."""
    first = "X_col" if "X_shape" in case.params else ("x" if "x.shape" in case.params else "X")
    return [first, "the second argument", "the third argument", "the fourth argument",
            "the fifth argument", "the sixth argument"]


def _stub_message(title):
    print(f"{title}: {NOT_IMPLEMENTED}. Your function still raises NotImplementedError: "
          f"replace `raise NotImplementedError()` with your code and run this cell again.")
    return False


def _refine(report, student, later_cases):
    """Drop the hints of ``report`` that later cases contradict.

    On one case two mistakes can give the same answer (dilation 1 off by one and counted
    twice both space taps 3 apart). A hint survives if, on every later case the student
    also gets wrong, that mistake still reproduces the answer.
    """
    keys = [k for k in H.HINTS if "  Hint: " + H.HINTS[k] in report]
    if len(keys) < 2:
        return report
    alive = list(keys)
    for case in later_cases:
        try:
            got = _call(student, case)
            if case.extract is not None:
                got, _ = case.extract(got)
            got = np.asarray(got, dtype=float)
        except Exception:
            continue
        if _equal(got, case.expected):
            continue
        here = diagnose(case.expected, got, case.mutations())
        narrowed = [k for k in alive if k in here]
        if narrowed:
            alive = narrowed
    for k in keys:
        if k not in alive:
            report = report.replace("\n  Hint: " + H.HINTS[k], "")
    return report


def _run(title, student, cases, n_fixed, keys, draw=None, probe=None):
    """Run ``student`` on every case; print what was checked, or raise AssertionError."""
    v.check_student_function(title, student, f"{title}({title[6:]})")
    try:
        for k, case in enumerate(cases):
            try:
                _run_one(title, student, case, k, len(cases), draw, probe)
            except AssertionError as e:
                refined = _refine(str(e), student, cases[k + 1:])
                if refined == str(e):
                    raise
                raise AssertionError(refined) from e.__cause__
    except _Stub:
        return _stub_message(title)
    print(f"{title}: all {len(cases)} cases pass ({_summary(cases, n_fixed, keys)}).")
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


def check_pad2D(student_pad2D, n_random=8, draw=None):
    """Check ``student_pad2D(X, pad, kernel_shape=None, stride=1) -> (X_pad, p)``.

    ``pad`` may be an int, ``(rows, cols)``, ``(top, bottom, left, right)``, ``'valid'`` or
    ``'same'`` (``ceil(in/stride)`` outputs per axis, the odd zero after); ``p`` is the
    padding used, ``(top, bottom, left, right)``. ``stride`` is an int or a (rows, cols) pair.

    Returns
    -------
    bool
        True if every case passes, False for a stub. Raises AssertionError otherwise.
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
                probe=_nonzero_pad_probe)


def _nonzero_pad_probe(student, case, got):
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
            return None, ("return a pair (X_pad, p) with p = (top, bottom, left, right); "
                          f"got a {type(got).__name__}.")
        X_pad, p = got
        try:
            p = tuple(int(v) for v in p)
        except TypeError:
            return X_pad, f"p should be a 4-tuple (top, bottom, left, right), got {p!r}."
        if p != tuple(expected_p):
            return X_pad, f"the returned p is {p}, expected {tuple(expected_p)} (top, bottom, left, right)."
        return X_pad, ""
    return extract


def check_im2col_one_channel(student_fn, n_random=6, draw=None):
    """Check ``student_fn(x, kernel_shape, stride, dilation) -> x_col`` for ONE image and channel.

    ``x`` has shape (rows, cols) and is already padded; ``kernel_shape = (fr, fc)``; stride
    and dilation are (rows, cols) pairs. ``x_col`` has shape (fr*fc, out_rows*out_cols):
    row ``ki*fc + kj``, column ``i*out_cols + j``.
    """
    fixed = [g for g in IM2COL_FIXED if g[0][0] == 1 and g[0][3] == 1 and g[4] == 0]
    cases, n_fixed = _im2col_cases(n_random, fixed, ch_max=1, batch_max=1, pads=False)
    one = []
    for c in cases:
        X, W_shape, _, s, d = c.args
        params = {"x.shape": X.shape[1:3], "kernel_shape": W_shape[:2], "stride": s, "dilation": d}
        one.append(Case(params, (X[0, :, :, 0], W_shape[:2], s, d), c.expected, c.mutations))
    return _run("check_im2col_one_channel", student_fn, one, n_fixed, ["stride", "dilation"], draw)


def check_im2col(student_im2col, n_random=8, draw=None):
    """Check ``student_im2col(X, W_shape, pad, stride, dilation) -> X_col`` (many channels, a batch).

    ``X`` is NHWC, ``W_shape = (fr, fc, in_ch, out_ch)``, ``pad`` any pad2D form, stride and
    dilation (rows, cols) pairs. ``X_col`` has conv_teach's layout (in_ch*fr*fc,
    out_rows*out_cols*n_ex); a ``(X_col, p)`` pair is accepted too.
    """
    cases, n_fixed = _im2col_cases(n_random)
    return _run("check_im2col", student_im2col, cases, n_fixed,
                ["pad", "stride", "dilation"], draw)


def check_conv2D_gemm(student_conv2D, n_random=6, draw=None):
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
                ["pad", "stride", "dilation"], draw)


def _overwrite_probe(student, case, got):
    """Feed columns of ones: summing gives window counts (up to fr*fc), overwriting gives 1s."""
    X_col, X_shape, W_shape, pad, s, d = case.args
    counts = col2im(np.ones(np.shape(X_col)), X_shape, W_shape, pad, s, d)
    if counts.max() <= 1:
        return None
    try:
        ones = np.asarray(student(np.ones(np.shape(X_col)), X_shape, W_shape, pad, s, d), float)
    except Exception:
        return None
    if ones.shape == counts.shape and ones.max() <= 1 + 1e-9 and np.any(ones > 0):
        return "overwrite"
    return None


def check_col2im(student_col2im, n_random=8, draw=None):
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
                ["pad", "stride", "dilation"], draw, probe=_overwrite_probe)


#: geometries that tell exercise 6's five bugs apart (tests/test_exercises.py proves it)
FIXED_IM2COL_CASES = [
    ((1, 4, 5, 1), (2, 2), (1, 1), (0, 0), 0),
    ((1, 5, 6, 2), (2, 2), (1, 1), (0, 0), "same"),
    ((2, 6, 7, 2), (2, 3), (2, 1), (1, 1), "same"),
    ((1, 7, 7, 1), (2, 2), (1, 2), (0, 1), (1, 0, 0, 1)),
]


def remaining_bugs(student_fn, cases):
    """The subsets of exercise 6's bugs that reproduce ``student_fn`` on every case, smallest first."""
    outs = [_first_of_pair(_call(student_fn, c))[0] for c in cases]
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


def check_fixed_im2col(student_im2col, n_random=8, draw=None):
    """Check exercise 6's repaired im2col, and name the planted bugs that are still there.

    Same contract as :func:`check_im2col`. When the function is wrong, the report says which
    of the five planted bugs (:data:`hints.BROKEN_IM2COL_BUGS`) it still has, if its output
    is exactly the original code with some of them fixed.
    """
    title = "check_fixed_im2col"
    v.check_student_function(title, student_im2col, f"{title}(fixed_im2col)")
    rng = np.random.default_rng(SEED)
    probe_cases = [_im2col_case(rng, *g) for g in FIXED_IM2COL_CASES]
    try:
        try:
            left = remaining_bugs(student_im2col, probe_cases)
        except NotImplementedError:
            raise _Stub from None
        except Exception:
            left = []        # crashed: the case-by-case run below reports where
        if left and left[0]:
            bugs = left[0]
            lines = [f"{title}: {len(bugs)} of the {len(H.BROKEN_IM2COL_BUGS)} bugs "
                     f"{'is' if len(bugs) == 1 else 'are'} still there"
                     f" (checked on {len(probe_cases)} cases):"]
            lines += [f"  - {H.HINTS[b]}" for b in bugs]
            raise AssertionError("\n".join(lines))
        cases, n_fixed = _im2col_cases(n_random)
        cases = probe_cases + cases
        for k, case in enumerate(cases):
            _run_one(title, student_im2col, case, k, len(cases), draw)
    except _Stub:
        return _stub_message(title)
    print(f"{title}: all {len(H.BROKEN_IM2COL_BUGS)} bugs fixed; all {len(cases)} cases pass "
          f"({_summary(cases, n_fixed + len(probe_cases), ['pad', 'stride', 'dilation'])}).")
    return True


def check_out_shapes(student_answers, questions=None):
    """Check ``student_answers() -> list of output shapes`` for exercise 1's questions.

    ``questions`` defaults to :data:`conv_teach.exercises.questions.SHAPE_QUESTIONS`; each
    answer is compared with :func:`conv_teach.conv_out_shape`.
    """
    from .questions import SHAPE_QUESTIONS, shape_mistake, describe
    qs = SHAPE_QUESTIONS if questions is None else questions
    title = "check_out_shapes"
    v.check_student_function(title, student_answers, f"{title}(my_shapes)")
    try:
        answers = student_answers()
    except NotImplementedError:
        return _stub_message(title)
    answers = list(answers)
    if len(answers) != len(qs):
        raise AssertionError(f"{title}: {len(qs)} questions but {len(answers)} answers.")
    wrong = []
    for k, (q, a) in enumerate(zip(qs, answers)):
        right = conv_out_shape(*q)
        try:
            a = tuple(int(v) for v in a)
        except TypeError:
            a = a
        if a != right:
            hint = shape_mistake(q, a)
            wrong.append(f"  question {k + 1} ({describe(q)}): you said {a}, it is {right}."
                         + (f"\n    Hint: {hint}" if hint else ""))
    if wrong:
        raise AssertionError(f"{title}: {len(wrong)} of {len(qs)} answers wrong:\n" + "\n".join(wrong))
    print(f"{title}: all {len(qs)} shapes right.")
    return True
