"""Hypothesis strategies: random but always valid convolution problems.

``conv_cases(dim)`` draws the geometry first (kernel, dilation, stride, pad) and then an
input size that is guaranteed to fit, so no example is thrown away: the input is at least
as long as the dilated kernel minus the padding. ``'same'`` and ``'causal'`` always fit
(they pad at least ``eff - n`` and ``eff - 1``), so there any length >= 1 works.

The array values come from a seeded NumPy generator: hypothesis explores the shapes and
the arguments, which is where convolution code goes wrong; the numbers only need to be
distinct enough that a wrong index changes the result.
"""
from collections import namedtuple

import numpy as np
from hypothesis import strategies as st

#: One convolution problem, in the argument order of conv2D / conv1D.
Case = namedtuple("Case", "X W stride pad dilation")


def _maybe_numpy_int(draw, value):
    """Sometimes hand an int over as np.int64 (numpy-ml crashes on those with 'same')."""
    return np.int64(value) if draw(st.booleans()) else value


def _per_axis(draw, lo, hi):
    """An int, or (in 2D) a (rows, cols) pair; returns (argument, per-axis tuple)."""
    if draw(st.booleans()):
        pair = (draw(st.integers(lo, hi)), draw(st.integers(lo, hi)))
        return pair, pair
    value = draw(st.integers(lo, hi))
    return _maybe_numpy_int(draw, value), (value, value)


def _pad_amounts(draw, dim):
    """A numeric pad in one of its forms; returns (argument, [(before, after) per axis])."""
    small = st.integers(0, 2)
    form = draw(st.sampled_from(["int", "pair", "quad"] if dim == 2 else ["int", "pair"]))
    if form == "int":
        p = draw(small)
        return _maybe_numpy_int(draw, p), [(p, p)] * dim
    if form == "pair" and dim == 2:              # (rows, cols): each on both sides
        r, c = draw(small), draw(small)
        return (r, c), [(r, r), (c, c)]
    if form == "pair":                           # 1D: (left, right)
        left, right = draw(small), draw(small)
        return (left, right), [(left, right)]
    t, b, left, right = (draw(small) for _ in range(4))
    return (t, b, left, right), [(t, b), (left, right)]


def _arrays(draw, X_shape, W_shape):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    return rng.standard_normal(X_shape), rng.standard_normal(W_shape)


@st.composite
def conv_cases(draw, dim=2, max_kernel=4, max_extra=4):
    """A valid ``Case(X, W, stride, pad, dilation)`` for conv2D (``dim=2``) or conv1D (``dim=1``).

    Kernels are 1..``max_kernel`` taps per axis (odd and even); stride 1..3 and dilation
    0..2, per axis in 2D; pad is an int, a tuple form, 'same', 'valid' (or 'causal' in 1D).
    Each input axis is between ``max(1, eff - pad)`` and ``max_extra`` more than that.
    """
    n_ex = draw(st.integers(1, 3))
    in_ch, out_ch = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = tuple(draw(st.integers(1, max_kernel)) for _ in range(dim))
    if dim == 2:
        stride, strides = _per_axis(draw, 1, 3)
        dilation, dilations = _per_axis(draw, 0, 2)
    else:
        strides = (draw(st.integers(1, 3)),)
        dilations = (draw(st.integers(0, 2)),)
        stride, dilation = (_maybe_numpy_int(draw, strides[0]),
                            _maybe_numpy_int(draw, dilations[0]))
    strings = ["same", "valid"] + (["causal"] if dim == 1 else [])
    kind = draw(st.sampled_from(["number"] * 3 + strings))
    if kind == "number":
        pad, amounts = _pad_amounts(draw, dim)
    else:
        pad = kind
        # 'same' and 'causal' fit any length >= 1; 'valid' pads nothing
        amounts = [(0, 0)] * dim if kind == "valid" else None
    sizes = []
    for axis in range(dim):
        eff = kernel[axis] + (kernel[axis] - 1) * dilations[axis]
        least = 1 if amounts is None else max(1, eff - sum(amounts[axis]))
        sizes.append(draw(st.integers(least, least + max_extra)))
    X, W = _arrays(draw, (n_ex, *sizes, in_ch), (*kernel, in_ch, out_ch))
    return Case(X, W, stride, pad, dilation)


#: A grouped convolution problem: a Case plus ``groups``.
GCase = namedtuple("GCase", "X W stride pad dilation groups")


@st.composite
def grouped_cases(draw, dim=2, depthwise=None):
    """A valid grouped problem ``GCase(X, W, stride, pad, dilation, groups)``.

    The geometry comes from :func:`conv_cases`; the channels are redrawn as ``groups``
    (1..4, mostly > 1) groups of ``in_ch // groups`` (1..3; 1 is depthwise) input and
    ``out_ch // groups`` (1..3; > 1 is a depthwise multiplier) output channels, so ``W`` is
    ``(kernel, in_ch // groups, out_ch)``. ``depthwise=True`` forces ``in_ch // groups == 1``
    with ``groups >= 2``.
    """
    base = draw(conv_cases(dim=dim))
    groups = draw(st.integers(2, 4)) if depthwise or draw(st.integers(0, 5)) else 1
    cg = 1 if depthwise else draw(st.integers(1, 3))
    og = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    X = rng.standard_normal(base.X.shape[:-1] + (groups * cg,))
    W = rng.standard_normal(base.W.shape[:-2] + (cg, groups * og))
    return GCase(X, W, base.stride, base.pad, base.dilation, groups)
