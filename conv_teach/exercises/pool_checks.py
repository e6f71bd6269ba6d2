"""Checker for exercise 7, the max-pool backward pass: ``check_maxpool2D_backward(fn)``.

Runs on the engine of :mod:`conv_teach.exercises.checks` (stub -> "not implemented yet",
a wrong answer -> the failing case, expected and received, and a hint), with the classic
mistakes of a max-pool backward pass as the hints' wrong answers:

* ``pool_copy_to_window`` -- the gradient copied to every cell of the window;
* ``pool_overwrite`` -- overlapping windows overwrite a cell instead of adding to it;
* ``pool_ties_twice`` -- every cell equal to the maximum gets the gradient (ties counted twice);
* ``pool_average`` -- the gradient shared over the window (average pooling's backward pass);
* ``pool_last_max`` -- a tie goes to the *last* maximum instead of the first.

The cases use small integers, so windows hold ties, and strides smaller than the window, so
windows overlap: each mistake changes the answer on some case. The right answers come from
:func:`conv_teach.maxpool2D_backward`, checked against the loop reference on every case.
"""
import numpy as np

from .. import reference_pool as ref
from ..pool import maxpool2D, maxpool2D_backward
from . import checks as C
from . import hints as H
from .runner import SEED, Case, run_cases

__all__ = ["check_maxpool2D_backward", "POOL_HINTS"]

#: the library functions an answer may not simply call (see exercises.taught)
TAUGHT = ("maxpool2D_backward", "maxpool2D_backward_loops")

#: the classic mistakes of this exercise, in the order they are tried; their texts live with
#: every other hint in :data:`conv_teach.exercises.hints.HINTS`
POOL_MISTAKES = ("pool_copy_to_window", "pool_overwrite", "pool_ties_twice", "pool_average",
                 "pool_last_max")
#: mistake -> the sentence a student reads (the same texts, for this exercise alone)
POOL_HINTS = {key: H.HINTS[key] for key in POOL_MISTAKES}

#: (X shape, pool, stride): no overlap without ties; overlap; ties; overlap and ties
FIXED = [((1, 4, 4, 1), 2, 2, "distinct"), ((1, 5, 5, 1), 3, 1, "distinct"),
         ((1, 4, 4, 1), 2, 2, "ties"), ((2, 5, 6, 2), 3, 2, "ties")]


def wrong_maxpool2D_backward(dZ, X, pool, stride, mistake):
    """The backward pass with one classic ``mistake`` (a key of :data:`POOL_HINTS`); no padding."""
    dX = np.zeros(X.shape)
    n_ex, out_rows, out_cols, ch = dZ.shape
    for n in range(n_ex):
        for i in range(out_rows):
            for j in range(out_cols):
                for c in range(ch):
                    r0, c0 = i * stride, j * stride
                    window = X[n, r0:r0 + pool, c0:c0 + pool, c]
                    g = dZ[n, i, j, c]
                    target = dX[n, r0:r0 + pool, c0:c0 + pool, c]       # a view into dX
                    if mistake == "pool_copy_to_window":
                        target += g
                    elif mistake == "pool_average":
                        target += g / window.size
                    elif mistake == "pool_ties_twice":
                        target += g * (window == window.max())
                    else:
                        flat = window.ravel()
                        k = (flat.size - 1 - np.argmax(flat[::-1]) if mistake == "pool_last_max"
                             else np.argmax(flat))
                        r, q = divmod(int(k), pool)
                        if mistake == "pool_overwrite":
                            target[r, q] = g
                        else:
                            target[r, q] += g
    return dX


def _case(X, pool, stride, rng):
    Z = maxpool2D(X, pool, stride, 0)
    dZ = rng.integers(1, 6, size=Z.shape).astype(float)
    dX = C._verify("maxpool2D_backward", maxpool2D_backward(dZ, X, pool, stride, 0),
                   ref.maxpool2D_backward_loops(dZ, X, pool, stride, 0))
    params = {"X.shape": X.shape, "pool_shape": pool, "stride": stride}
    # the report prints X and dZ: which cell wins (a tie, the first maximum) is in X's values
    return Case(params, (dZ, X, pool, stride), dX,
                lambda: [(key, wrong_maxpool2D_backward(dZ, X, pool, stride, key))
                         for key in POOL_HINTS], inputs=(("X", X), ("dZ", dZ)))


def _input(rng, shape, kind):
    if kind == "distinct":
        return (rng.permutation(int(np.prod(shape))) + 1).reshape(shape).astype(float)
    return rng.integers(1, 5, size=shape).astype(float)          # 4 values: many ties


def _cases(n_random):
    """The :data:`FIXED` cases, then ``n_random`` with many ties, from seed :data:`SEED`."""
    rng = np.random.default_rng(SEED)
    cases = [_case(_input(rng, shape, kind), pool, stride, rng) for shape, pool, stride, kind in FIXED]
    for _ in range(n_random):
        pool, stride = int(rng.integers(2, 4)), int(rng.integers(1, 4))
        shape = (int(rng.integers(1, 3)), int(rng.integers(pool, pool + 5)),
                 int(rng.integers(pool, pool + 5)), int(rng.integers(1, 3)))
        cases.append(_case(_input(rng, shape, "ties"), pool, stride, rng))
    return cases


def check_maxpool2D_backward(student_fn, n_random=8, draw=None, time_limit=None, grading=False):
    """Check ``student_fn(dZ, X, pool_shape, stride) -> dX``, the max-pool backward pass.

    ``X`` is NHWC ``(n_ex, in_rows, in_cols, in_ch)``, ``pool_shape`` and ``stride`` are ints,
    there is no padding, and ``dZ`` has the output's shape. ``dX[n, r, q, c]`` is the sum of
    ``dZ[n, i, j, c]`` over the windows ``(i, j)`` whose *first* maximum (row by row) is
    ``(r, q)``.

    Returns True if every case passes, False for a stub; raises AssertionError otherwise.
    An answer that only calls ``conv_teach.maxpool2D_backward`` (or its loop version) is
    refused, as in the other checkers.
    """
    __tracebackhide__ = True
    cases = _cases(n_random)
    return run_cases("check_maxpool2D_backward", student_fn, cases, len(FIXED),
                     ["pool_shape", "stride"], TAUGHT, draw, None, time_limit, grading)
