"""Grouped and depthwise convolution (conv_teach.groups): against the loop references, the
dense convolution with the block-diagonal kernel, and im2col's block-diagonal W_col.

The oracles here are independent of the fast code: the loop references (written from the
definition, group by group) and the dense path of the library with ``block_diagonal``'s
kernel (its own tests check it against loops and torch). torch is in test_groups_torch.py.
"""
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

import conv_teach as ct
from conv_teach import groups as G

from strategies import grouped_cases
from test_transpose import transpose_cases

TGCase = namedtuple("TGCase", "X W stride pad dilation output_padding groups")
TOL = dict(rtol=1e-10, atol=1e-10)


@st.composite
def grouped_transpose_cases(draw, depthwise=None, **kw):
    """A transposed problem with ``groups``: X ``(.., groups * cg)``, W ``(fr, fc, in_ch, og)``."""
    base = draw(transpose_cases(**kw))
    groups = draw(st.integers(2, 4)) if depthwise or draw(st.integers(0, 5)) else 1
    cg = 1 if depthwise else draw(st.integers(1, 3))
    og = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    X = rng.standard_normal(base.X.shape[:3] + (groups * cg,))
    W = rng.standard_normal(base.W.shape[:2] + (groups * cg, og))
    return TGCase(X, W, base.stride, base.pad, base.dilation, base.output_padding, groups)


def _dZ(shape, seed=3):
    return np.random.default_rng(seed).standard_normal(shape)


# ------------------------------------------------------------------ against the loops
@given(grouped_cases(dim=2))
def test_conv2D_matches_the_loops(case):
    assert_allclose(ct.conv2D(*case), ct.conv2D_loops(*case), **TOL)


@given(grouped_cases(dim=1))
def test_conv1D_matches_the_loops(case):
    assert_allclose(ct.conv1D(*case), ct.conv1D_loops(*case), **TOL)


@given(grouped_cases(dim=2, depthwise=True))
def test_depthwise_conv2D_matches_the_loops(case):
    assert case.X.shape[3] == case.groups
    assert_allclose(ct.conv2D(*case), ct.conv2D_loops(*case), **TOL)


@given(grouped_cases(dim=2))
def test_conv2D_backward_matches_the_loops(case):
    dZ = _dZ(ct.conv2D_loops(*case).shape)
    dX, dW = ct.conv2D_backward(dZ, *case)
    dX_l, dW_l = ct.conv2D_backward_loops(dZ, *case)
    assert dW.shape == case.W.shape
    assert_allclose(dX, dX_l, **TOL)
    assert_allclose(dW, dW_l, **TOL)


@given(grouped_cases(dim=2, depthwise=True))
def test_depthwise_conv2D_backward_matches_the_loops(case):
    dZ = _dZ(ct.conv2D_loops(*case).shape)
    for got, want in zip(ct.conv2D_backward(dZ, *case), ct.conv2D_backward_loops(dZ, *case)):
        assert_allclose(got, want, **TOL)


@given(grouped_cases(dim=1))
def test_conv1D_backward_matches_the_loops(case):
    dZ = _dZ(ct.conv1D_loops(*case).shape)
    for got, want in zip(ct.conv1D_backward(dZ, *case), ct.conv1D_backward_loops(dZ, *case)):
        assert_allclose(got, want, **TOL)


@given(grouped_transpose_cases())
def test_conv2D_transpose_matches_the_loops(case):
    Z = ct.conv2D_transpose(*case)
    assert Z.shape[3] == case.groups * case.W.shape[3]
    assert_allclose(Z, ct.conv2D_transpose_loops(*case), **TOL)


@given(grouped_transpose_cases(depthwise=True))
def test_depthwise_conv2D_transpose_matches_the_loops(case):
    assert_allclose(ct.conv2D_transpose(*case), ct.conv2D_transpose_loops(*case), **TOL)


@given(grouped_cases(dim=2, depthwise=True), st.sampled_from([1, 100, 3000, 2 ** 40]))
def test_blocked_depthwise_matches_the_loops(case, block_bytes):
    # 1 byte: one output row of one example per block; 2**40: the whole batch in one block
    X, W, s, p, d, groups = case
    g = G.setup2D("t", X, W, s, p, d, groups)[2]
    Z = G.depthwise_forward(X, W, g, np.empty((X.shape[0],) + g.out + (W.shape[3],)), block_bytes)
    assert_allclose(Z, ct.conv2D_loops(*case), **TOL)
    dZ = _dZ(Z.shape)
    dX, dW = G.depthwise_backward(dZ, X, W, g, np.dtype(float), block_bytes)
    dX_l, dW_l = ct.conv2D_backward_loops(dZ, *case)
    assert_allclose(dX, dX_l, **TOL)
    assert_allclose(dW, dW_l, **TOL)


@given(grouped_transpose_cases(depthwise=True), st.sampled_from([1, 100, 3000, 2 ** 40]))
def test_blocked_depthwise_transpose_matches_the_loops(case, block_bytes):
    from conv_teach.transpose import transpose_geometry
    g, _, _ = transpose_geometry("t", case.X.shape[1:3], case.W.shape[:2], case.stride, case.pad,
                                 case.dilation, case.output_padding)
    Z = G.depthwise_transposed(case.X, case.W, g.stride, g.dilation, (g.pad[0], g.pad[2]), g.out,
                               np.dtype(float), block_bytes)
    assert_allclose(Z, ct.conv2D_transpose_loops(*case), **TOL)


@given(grouped_cases(dim=2), st.sampled_from([1, 3000, 2 ** 40]))
def test_blocked_grouped_gemm_matches_the_loops(case, block_bytes):
    X, W, s, p, d, groups = case
    if groups in (1, X.shape[3]):            # the GEMM path is for 1 < groups < in_ch
        return
    g = G.setup2D("t", X, W, s, p, d, groups)[2]
    Z = G.grouped_gemm_forward(X, W, g, groups, np.empty((X.shape[0],) + g.out + (W.shape[3],)),
                               block_bytes=block_bytes)
    assert_allclose(Z, ct.conv2D_loops(*case), **TOL)


# ------------------------------------------------------------------ the dense equivalent
@given(grouped_cases(dim=2))
def test_grouped_equals_dense_with_the_block_diagonal_kernel(case):
    X, W, s, p, d, groups = case
    W_full = ct.block_diagonal(W, groups)
    assert W_full.shape == W.shape[:2] + (X.shape[3], W.shape[3])
    assert_allclose(ct.conv2D(*case), ct.conv2D(X, W_full, s, p, d), **TOL)
    # backward: the same dX, and dW is the dense dW's diagonal blocks
    dZ = _dZ(ct.conv2D(*case).shape)
    dX, dW = ct.conv2D_backward(dZ, *case)
    dX_full, dW_full = ct.conv2D_backward(dZ, X, W_full, s, p, d)
    assert_allclose(dX, dX_full, **TOL)
    cg, og = W.shape[2], W.shape[3] // groups
    for k in range(groups):
        assert_allclose(dW[..., k * og:(k + 1) * og],
                        dW_full[:, :, k * cg:(k + 1) * cg, k * og:(k + 1) * og], **TOL)


@given(grouped_cases(dim=1))
def test_grouped_1D_equals_dense_with_the_block_diagonal_kernel(case):
    X, W, s, p, d, groups = case
    assert_allclose(ct.conv1D(*case), ct.conv1D(X, ct.block_diagonal(W, groups), s, p, d), **TOL)


@given(grouped_transpose_cases())
def test_grouped_transpose_equals_dense_with_the_block_diagonal_kernel(case):
    W_full = ct.block_diagonal(case.W, case.groups, transposed=True)
    assert W_full.shape == case.W.shape[:3] + (case.groups * case.W.shape[3],)
    assert_allclose(ct.conv2D_transpose(*case), ct.conv2D_transpose(case.X, W_full, *case[2:6]),
                    **TOL)


def test_block_diagonal_by_hand():
    # two groups, one input channel each, two output channels each: written out
    W = np.arange(1., 5.).reshape(1, 1, 1, 4)
    expected = np.array([[1., 2., 0., 0.],
                         [0., 0., 3., 4.]])
    assert_allclose(ct.block_diagonal(W, 2)[0, 0], expected)
    # transposed layout: 4 input channels in 2 groups, 1 output channel per group
    Wt = np.arange(1., 5.).reshape(1, 1, 4, 1)
    expected_t = np.array([[1., 0.], [2., 0.], [0., 3.], [0., 4.]])
    assert_allclose(ct.block_diagonal(Wt, 2, transposed=True)[0, 0], expected_t)


@given(grouped_cases(dim=2))
def test_im2col_W_col_of_the_dense_kernel_is_block_diagonal_and_computes_Z(case):
    X, W, s, p, d, groups = case
    W_full = ct.block_diagonal(W, groups)
    fr, fc, in_ch, out_ch = W_full.shape
    W_col = W_full.transpose(3, 2, 0, 1).reshape(out_ch, -1)   # columns (c, ki, kj): X_col's rows
    cg, og = in_ch // groups, out_ch // groups
    mask = np.zeros_like(W_col, dtype=bool)
    for k in range(groups):
        mask[k * og:(k + 1) * og, k * cg * fr * fc:(k + 1) * cg * fr * fc] = True
    assert not W_col[~mask].any()
    X_col, _ = ct.im2col(X, W_full.shape, p, s, d)
    Z = ct.conv2D(*case)
    n, oh, ow, _ = Z.shape
    Z_col = (W_col @ X_col).reshape(out_ch, oh, ow, n).transpose(3, 1, 2, 0)
    assert_allclose(Z_col, Z, **TOL)


# ------------------------------------------------------------------ edges
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@given(grouped_cases(dim=2), st.data())
def test_non_finite_weights_match_the_loops(case, data):
    # padded zeros times nan/inf are nan in the definition; the depthwise loop, which skips
    # padding, must make the zeros real then
    W = case.W.copy()
    for value in (np.nan, np.inf):
        W[tuple(data.draw(st.integers(0, k - 1)) for k in W.shape)] = value
    case = case._replace(W=W)
    assert_allclose(ct.conv2D(*case), ct.conv2D_loops(*case), equal_nan=True, **TOL)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@given(grouped_cases(dim=2, depthwise=True), st.data())
def test_non_finite_dZ_gives_the_loops_dW(case, data):
    dZ = _dZ(ct.conv2D_loops(*case).shape)
    dZ[tuple(data.draw(st.integers(0, k - 1)) for k in dZ.shape)] = np.inf
    for got, want in zip(ct.conv2D_backward(dZ, *case), ct.conv2D_backward_loops(dZ, *case)):
        assert_allclose(got, want, equal_nan=True, **TOL)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@given(grouped_transpose_cases(), st.data())
def test_transpose_non_finite_weights_match_the_loops(case, data):
    W = case.W.copy()
    W[tuple(data.draw(st.integers(0, k - 1)) for k in W.shape)] = np.nan
    case = case._replace(W=W)
    assert_allclose(ct.conv2D_transpose(*case), ct.conv2D_transpose_loops(*case),
                    equal_nan=True, **TOL)


@pytest.mark.parametrize("groups, cg", [(4, 1), (2, 2)], ids=["depthwise", "groups2"])
def test_float32_stays_float32_and_inputs_are_untouched(groups, cg):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 6, 5, groups * cg)).astype(np.float32)
    W = rng.standard_normal((3, 3, cg, 2 * groups)).astype(np.float32)
    X0, W0 = X.copy(), W.copy()
    Z = ct.conv2D(X, W, 2, "same", 1, groups=groups)
    dX, dW = ct.conv2D_backward(np.ones_like(Z), X, W, 2, "same", 1, groups=groups)
    Zt = ct.conv2D_transpose(X, rng.standard_normal((3, 3, groups * cg, 2)).astype(np.float32),
                             2, 1, groups=groups)
    assert Z.dtype == dX.dtype == dW.dtype == Zt.dtype == np.float32
    assert_allclose(Z, ct.conv2D_loops(X, W, 2, "same", 1, groups=groups), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(W, W0)


@pytest.mark.parametrize("groups, cg", [(4, 1), (2, 2)], ids=["depthwise", "groups2"])
def test_same_with_a_huge_dilation_costs_a_small_convolution(groups, cg):
    # every tap but the centre reads only padding 2**31 cells away: never built
    rng = np.random.default_rng(1)
    X = rng.standard_normal((1, 8, 8, groups * cg))
    W = rng.standard_normal((3, 3, cg, groups))
    Z = ct.conv2D(X, W, 1, "same", 2 ** 31, groups=groups)
    assert_allclose(Z, ct.conv2D(X, W[1:2, 1:2], 1, 0, groups=groups), **TOL)
    dX, dW = ct.conv2D_backward(np.ones_like(Z), X, W, 1, "same", 2 ** 31, groups=groups)
    assert not dW[0].any() and dX.shape == X.shape


def test_int_inputs_are_computed_in_float64():
    X = np.arange(2 * 4 * 4 * 2).reshape(2, 4, 4, 2)
    W = np.ones((2, 2, 1, 2), dtype=np.int64)
    Z = ct.conv2D(X, W, 1, 0, groups=2)
    assert Z.dtype == np.float64
    # each output channel sums a 2x2 window of its own input channel: written out for (0,0,0)
    assert Z[0, 0, 0, 0] == X[0, 0, 0, 0] + X[0, 0, 1, 0] + X[0, 1, 0, 0] + X[0, 1, 1, 0]
    assert Z[0, 0, 0, 1] == X[0, 0, 0, 1] + X[0, 0, 1, 1] + X[0, 1, 0, 1] + X[0, 1, 1, 1]


def _extra_bytes(call):
    """tracemalloc's peak during ``call()`` minus the result's own bytes."""
    import tracemalloc
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        out = call()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak - sum(a.nbytes for a in (out if isinstance(out, tuple) else (out,)))


def test_depthwise_memory_is_bounded_by_the_block_whatever_the_batch():
    # a padded copy of the batch of 64 would be 1.3 MB; one block is 4 KiB of temporaries
    from conv_teach.windows import geometry
    block = 2 ** 12
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 3, 1, 8))
    g = geometry("t", (16, 16), (3, 3), 1, 1, 0)
    for n_ex in (2, 64):
        X = rng.standard_normal((n_ex, 16, 16, 8))
        Z0 = np.empty((n_ex, 16, 16, 8))
        calls = [lambda: G.depthwise_forward(X, W, g, Z0, block),
                 lambda: G.depthwise_backward(Z0, X, W, g, np.dtype(float), block),
                 lambda: G.depthwise_transposed(X, W.reshape(3, 3, 8, 1), (1, 1), (0, 0), (1, 1),
                                                (16, 16), np.dtype(float), block)]
        for call in calls:
            assert _extra_bytes(call) <= 4 * block + 2 ** 14, (n_ex, call)


def test_numpy_integer_groups_and_groups_1_is_the_dense_convolution():
    rng = np.random.default_rng(4)
    X, W = rng.standard_normal((1, 5, 5, 4)), rng.standard_normal((3, 3, 2, 4))
    assert_allclose(ct.conv2D(X, W, 1, 1, groups=np.int64(2)), ct.conv2D(X, W, 1, 1, groups=2))
    W1 = rng.standard_normal((3, 3, 4, 4))
    np.testing.assert_array_equal(ct.conv2D(X, W1, 1, 1, groups=np.int8(1)), ct.conv2D(X, W1, 1, 1))
