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

This module builds the cases and holds the checkers; :mod:`~conv_teach.exercises.runner`
calls the student's function on them and words the report.
"""
from itertools import combinations

import numpy as np

from .. import reference as ref
from ..im2col import col2im, im2col
from ..pad import pad2D
from ..conv import conv2D
from ..shapes import conv_out_shape
from . import hints as H
from .feedback import CheckFailed, answer_problem, shape_problem, pad_problem
from .limits import TimeLimitExceeded
from .runner import (NOT_IMPLEMENTED, SEED, Case, Run, Stub, Unusable, call, equal, guarded,
                     run_cases, run_one, show_diff, start, stub_message, summary)

__all__ = ["check_pad2D", "check_im2col_one_channel", "check_im2col", "check_conv2D_gemm",
           "check_col2im", "check_fixed_im2col", "check_out_shapes", "show_diff",
           "NOT_IMPLEMENTED", "CheckFailed"]

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
    __tracebackhide__ = True
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
    return run_cases("check_pad2D", student_pad2D, cases, len(fixed), ["pad", "stride"],
                     TAUGHT["check_pad2D"], draw, _nonzero_pad_probe, time_limit, grading)


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
            raise Unusable("Return a pair (X_pad, p) with p = (top, bottom, left, right); "
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
    __tracebackhide__ = True
    fixed = [g for g in IM2COL_FIXED if g[0][0] == 1 and g[0][3] == 1 and g[4] == 0]
    cases, n_fixed = _im2col_cases(n_random, fixed, ch_max=1, batch_max=1, pads=False)
    one = []
    for c in cases:
        X, W_shape, _, s, d = c.args
        params = {"x.shape": X.shape[1:3], "kernel_shape": W_shape[:2], "stride": s, "dilation": d}
        one.append(Case(params, (X[0, :, :, 0], W_shape[:2], s, d), c.expected,
                        lambda m=c.mutations: [(H.ONE_CHANNEL.get(k, k), w) for k, w in m()]))
    return run_cases("check_im2col_one_channel", student_fn, one, n_fixed,
                     ["stride", "dilation"], TAUGHT["check_im2col_one_channel"], draw, None,
                     time_limit, grading)


@_doc
def check_im2col(student_im2col, n_random=8, draw=None, time_limit=None, grading=False):
    """Check ``student_im2col(X, W_shape, pad, stride, dilation) -> X_col`` (many channels, a batch).

    ``X`` is NHWC, ``W_shape = (fr, fc, in_ch, out_ch)``, ``pad`` any pad2D form, stride and
    dilation (rows, cols) pairs. ``X_col`` has conv_teach's layout (in_ch*fr*fc,
    out_rows*out_cols*n_ex); a ``(X_col, p)`` pair is accepted too.
    """
    __tracebackhide__ = True
    cases, n_fixed = _im2col_cases(n_random)
    return run_cases("check_im2col", student_im2col, cases, n_fixed,
                     ["pad", "stride", "dilation"], TAUGHT["check_im2col"], draw, None,
                     time_limit, grading)


@_doc
def check_conv2D_gemm(student_conv2D, n_random=6, draw=None, time_limit=None, grading=False):
    """Check ``student_conv2D(X, W, stride, pad, dilation) -> Z`` (im2col plus one matmul).

    ``Z`` has shape (n_ex, out_rows, out_cols, out_ch). Cross-correlation, no bias.
    """
    __tracebackhide__ = True
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
    return run_cases("check_conv2D_gemm", student_conv2D, cases, len(IM2COL_FIXED),
                     ["pad", "stride", "dilation"], TAUGHT["check_conv2D_gemm"], draw, None,
                     time_limit, grading)


def _overwrite_probe(run, case, got):
    """Feed columns of ones: summing gives window counts (up to fr*fc), overwriting gives 1s."""
    X_col, X_shape, W_shape, pad, s, d = case.args
    counts = col2im(np.ones(np.shape(X_col)), X_shape, W_shape, pad, s, d)
    if counts.max() <= 1:
        return None
    try:
        ones = np.asarray(call(run, (np.ones(np.shape(X_col)), X_shape, W_shape, pad, s, d))[0],
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
    __tracebackhide__ = True
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
    return run_cases("check_col2im", student_col2im, cases, len(IM2COL_FIXED),
                     ["pad", "stride", "dilation"], TAUGHT["check_col2im"], draw,
                     _overwrite_probe, time_limit, grading)


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
    outs = [_first_of_pair(guarded(run, k, c.args)[0])[0] for k, c in enumerate(cases)]
    if any(answer_problem(out, run.fn) for out in outs):
        return []            # not arrays: the case-by-case run below says what they are
    found = []
    for size in range(len(H.BROKEN_IM2COL_BUGS) + 1):
        for bugs in combinations(H.BROKEN_IM2COL_BUGS, size):
            if all(equal(out, _gather_bugs(c, bugs)) for c, out in zip(cases, outs)):
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
    limit = start(title, student_im2col, f"{title}(fixed_im2col)", time_limit)
    rng = np.random.default_rng(SEED)
    probe_cases = [_im2col_case(rng, *g) for g in FIXED_IM2COL_CASES]
    cases, n_fixed = _im2col_cases(n_random)
    cases = probe_cases + cases
    run = Run(title, student_im2col, cases, n_fixed + len(probe_cases),
               summary(cases, n_fixed + len(probe_cases), ["pad", "stride", "dilation"]), draw,
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
            run_one(run, k)
    except Stub:
        return stub_message(title, grading)
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
    limit = start(title, student_answers, f"{title}(my_shapes)", time_limit)
    fn = getattr(student_answers, "__name__", "function")
    checked = (f"{title} compared what your {fn}() returns with conv_teach.conv_out_shape "
               f"on {len(qs)} questions.")
    run = Run(title, student_answers, [], 0, "", False, limit, TAUGHT[title], checked)
    try:
        answers = guarded(run, None, ())[0]
    except Stub:
        return stub_message(title, grading)
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
