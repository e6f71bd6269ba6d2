"""conv2D_backward and conv1D_backward: against the chain-rule loops and finite differences."""
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from conv_teach import conv as conv_module
from conv_teach.backward import conv2d_backward_core
from conv_teach.im2col import setup2D
from conv_teach import conv1D, conv1D_backward, conv2D, conv2D_backward, conv_out_shape
from conv_teach.reference import conv1D_backward_loops, conv2D_backward_loops

from strategies import conv_cases


def _dZ(case, dim):
    X, W, stride, pad, dilation = case
    shape = conv_out_shape(X.shape, W.shape, stride, pad, dilation)
    return np.random.default_rng(2).standard_normal(shape)


@given(conv_cases(dim=2))
def test_conv2D_backward_matches_loops(case):
    X, W, stride, pad, dilation = case
    dZ = _dZ(case, 2)
    dX, dW = conv2D_backward(dZ, X, W, stride, pad, dilation)
    dX_ref, dW_ref = conv2D_backward_loops(dZ, X, W, stride, pad, dilation)
    assert dX.shape == X.shape and dW.shape == W.shape
    assert_allclose(dX, dX_ref, rtol=1e-12, atol=1e-12)
    assert_allclose(dW, dW_ref, rtol=1e-12, atol=1e-12)


@given(conv_cases(dim=1))
def test_conv1D_backward_matches_loops(case):
    X, W, stride, pad, dilation = case
    dZ = _dZ(case, 1)
    dX, dW = conv1D_backward(dZ, X, W, stride, pad, dilation)
    dX_ref, dW_ref = conv1D_backward_loops(dZ, X, W, stride, pad, dilation)
    assert dX.shape == X.shape and dW.shape == W.shape
    assert_allclose(dX, dX_ref, rtol=1e-12, atol=1e-12)
    assert_allclose(dW, dW_ref, rtol=1e-12, atol=1e-12)


@given(case=conv_cases(dim=2), rows_per_block=st.integers(1, 12))
def test_blocked_backward_gives_the_same_result(case, rows_per_block):
    X, W, stride, pad, dilation = case
    dZ = _dZ(case, 2)
    dX_ref, dW_ref = conv2D_backward_loops(dZ, X, W, stride, pad, dilation)
    row_bytes = dZ.shape[2] * W.shape[0] * W.shape[1] * W.shape[2] * X.dtype.itemsize
    for block_bytes in (1, rows_per_block * row_bytes, 2 ** 40):
        X_checked, g = setup2D("conv2D_backward", X, W.shape, stride, pad, dilation)
        dX, dW = conv2d_backward_core(dZ, X_checked, W, g, block_bytes=block_bytes)
        assert_allclose(dX, dX_ref, rtol=1e-12, atol=1e-12)
        assert_allclose(dW, dW_ref, rtol=1e-12, atol=1e-12)


def _numeric_grads(f, X, W, dZ, eps=1e-6):
    """Central differences of L = sum(dZ * f(X, W)) with respect to every entry of X and W."""
    def loss(X, W):
        return np.sum(dZ * f(X, W))
    grads = []
    for A in (X, W):
        G = np.zeros_like(A)
        for idx in np.ndindex(A.shape):
            old = A[idx]
            A[idx] = old + eps
            up = loss(X, W)
            A[idx] = old - eps
            down = loss(X, W)
            A[idx] = old
            G[idx] = (up - down) / (2 * eps)
        grads.append(G)
    return grads


FD_2D = [
    # X shape, W shape, stride, pad, dilation
    ((2, 4, 5, 2), (2, 3, 2, 2), (1, 2), (1, 0, 0, 1), (0, 1)),
    ((1, 5, 5, 1), (3, 3, 1, 2), 2, "same", 0),
    ((1, 6, 4, 2), (2, 2, 2, 1), 3, 1, 1),       # stride 3 skips pixels: their gradient is 0
]


@pytest.mark.parametrize("X_shape, W_shape, stride, pad, dilation", FD_2D,
                         ids=["per_axis", "same_stride_2", "stride_skips"])
def test_conv2D_backward_matches_finite_differences(X_shape, W_shape, stride, pad, dilation):
    rng = np.random.default_rng(3)
    X, W = rng.standard_normal(X_shape), rng.standard_normal(W_shape)
    dZ = rng.standard_normal(conv_out_shape(X_shape, W_shape, stride, pad, dilation))
    dX, dW = conv2D_backward(dZ, X, W, stride, pad, dilation)
    dX_num, dW_num = _numeric_grads(lambda X, W: conv2D(X, W, stride, pad, dilation), X, W, dZ)
    assert_allclose(dX, dX_num, rtol=1e-6, atol=1e-8)
    assert_allclose(dW, dW_num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("pad, stride, dilation", [("causal", 2, 1), ((2, 0), 1, 0), ("same", 2, 0)],
                         ids=["causal_stride_2", "left_right", "same_stride_2"])
def test_conv1D_backward_matches_finite_differences(pad, stride, dilation):
    rng = np.random.default_rng(4)
    X, W = rng.standard_normal((2, 7, 2)), rng.standard_normal((3, 2, 2))
    dZ = rng.standard_normal(conv_out_shape(X.shape, W.shape, stride, pad, dilation))
    dX, dW = conv1D_backward(dZ, X, W, stride, pad, dilation)
    dX_num, dW_num = _numeric_grads(lambda X, W: conv1D(X, W, stride, pad, dilation), X, W, dZ)
    assert_allclose(dX, dX_num, rtol=1e-6, atol=1e-8)
    assert_allclose(dW, dW_num, rtol=1e-6, atol=1e-8)


def test_gradient_of_the_sum_counts_windows():
    # d sum(Z) / dX[r, c] = number of windows reading (r, c) (W all ones): 3x3 input,
    # 2x2 kernel -> per axis 1, 2, 1 windows, per pixel the product
    X, W = np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1))
    dX, dW = conv2D_backward(np.ones((1, 2, 2, 1)), X, W, 1, 0)
    assert_array_equal(dX[0, :, :, 0], np.outer([1, 2, 1], [1, 2, 1]))
    # d sum(Z) / dW[ki, kj] = sum of the pixels tap (ki, kj) reads: 4 windows of ones
    assert_array_equal(dW[:, :, 0, 0], [[4, 4], [4, 4]])


def test_float32_stays_float32():
    X, W = np.ones((2, 5, 5, 3), np.float32), np.ones((3, 3, 3, 2), np.float32)
    dX, dW = conv2D_backward(np.ones((2, 5, 5, 2), np.float32), X, W, 1, 1)
    assert dX.dtype == dW.dtype == np.float32
    dX, dW = conv1D_backward(np.ones((2, 5, 2), np.float32), X[:, 0], W[0], 1, "same")
    assert dX.dtype == dW.dtype == np.float32


def test_integer_input_gives_float64():
    X, W = np.ones((1, 3, 3, 1), int), np.ones((2, 2, 1, 1), int)
    dX, dW = conv2D_backward(np.ones((1, 2, 2, 1), int), X, W, 1, 0)
    assert dX.dtype == dW.dtype == np.float64


@given(conv_cases(dim=2))
def test_inputs_are_never_modified(case):
    X, W, stride, pad, dilation = case
    dZ = _dZ(case, 2)
    copies = [A.copy() for A in (dZ, X, W)]
    conv2D_backward(dZ, X, W, stride, pad, dilation)
    for A, A0 in zip((dZ, X, W), copies):
        assert_array_equal(A, A0)


@given(conv_cases(dim=1))
def test_inputs_are_never_modified_1D(case):
    X, W, stride, pad, dilation = case
    dZ = _dZ(case, 1)
    copies = [A.copy() for A in (dZ, X, W)]
    conv1D_backward(dZ, X, W, stride, pad, dilation)
    for A, A0 in zip((dZ, X, W), copies):
        assert_array_equal(A, A0)


def test_nan_in_dZ_stays_in_its_example_for_dX():
    X, W = np.ones((3, 4, 4, 1)), np.ones((2, 2, 1, 1))
    dZ = np.ones((3, 3, 3, 1))
    dZ[1, 0, 0, 0] = np.nan
    dX, _ = conv2D_backward(dZ, X, W, 1, 0)
    assert not np.isnan(dX[[0, 2]]).any()
    # output (0, 0) read pixels (0..1, 0..1) of example 1: only they get the NaN
    assert np.isnan(dX[1]).sum() == 4 and np.isnan(dX[1, :2, :2]).all()


@given(conv_cases(dim=2))
def test_read_only_and_broadcast_inputs(case):
    X, W, stride, pad, dilation = case
    dZ = np.broadcast_to(_dZ(case, 2)[:1], conv_out_shape(X.shape, W.shape, stride, pad, dilation))
    X_b = np.broadcast_to(X[:1], X.shape)
    dX, dW = conv2D_backward(dZ, X_b, W, stride, pad, dilation)
    dX_ref, dW_ref = conv2D_backward_loops(np.array(dZ), np.array(X_b), W, stride, pad, dilation)
    assert_allclose(dX, dX_ref, rtol=1e-12, atol=1e-12)
    assert_allclose(dW, dW_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")   # inf * 0, as in the loops
@given(conv_cases(dim=2), st.data())
def test_non_finite_values_match_the_loops(case, data):
    # nan/inf in W (dX takes the scatter path) and in dZ (dW's trimmed taps must not hide it)
    X, W, stride, pad, dilation = case
    W = W.copy()
    W[tuple(data.draw(st.integers(0, n - 1)) for n in W.shape)] = np.nan
    dZ = _dZ(case, 2)
    dZ[tuple(data.draw(st.integers(0, n - 1)) for n in dZ.shape)] = np.inf
    for got, ref in zip(conv2D_backward(dZ, X, W, stride, pad, dilation),
                        conv2D_backward_loops(dZ, X, W, stride, pad, dilation)):
        assert_allclose(got, ref, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize("stride, pad, dilation", [(1, 1, 0), (2, 2, 1)])
def test_extra_memory_is_bounded_by_the_block_whatever_the_batch(stride, pad, dilation):
    import tracemalloc
    block = 2 ** 16
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 3, 8, 8))
    for n_ex in (2, 16):
        X = rng.standard_normal((n_ex, 16, 16, 8))
        X_checked, g = setup2D("t", X, W.shape, stride, pad, dilation)
        dZ = rng.standard_normal((n_ex,) + g.out + (8,))
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            dX, dW = conv2d_backward_core(dZ, X_checked, W, g, block_bytes=block)
            extra = tracemalloc.get_traced_memory()[1] - base - dX.nbytes - dW.nbytes
        finally:
            tracemalloc.stop()
        # window copies, a padded block of dZ, a product block: a few blocks, not the batch
        assert extra <= 4 * block + 2 ** 14, (n_ex, extra)
        ref = conv2D_backward(dZ, X, W, stride, pad, dilation)
        assert_allclose(dX, ref[0], rtol=1e-12, atol=1e-12)
        assert_allclose(dW, ref[1], rtol=1e-12, atol=1e-12)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")   # inf * 0, as in the loops
@given(conv_cases(dim=2), st.data())
def test_non_finite_X_matches_the_loops(case, data):
    # the row-unrolled dW computes widened outputs with a zero gradient (0 * x): with inf or
    # nan in X it must not be used (0 * inf would put NaN where the loops have a number)
    X, W, stride, pad, dilation = case
    X = X.copy()
    X[tuple(data.draw(st.integers(0, n - 1)) for n in X.shape)] = data.draw(
        st.sampled_from([np.inf, -np.inf, np.nan]))
    dZ = _dZ(case, 2)
    for got, ref in zip(conv2D_backward(dZ, X, W, stride, pad, dilation),
                        conv2D_backward_loops(dZ, X, W, stride, pad, dilation)):
        assert_allclose(got, ref, rtol=1e-12, atol=1e-12, equal_nan=True)


@contextmanager
def im2col_only():
    """conv_teach.conv.UNROLL = False inside the block: the im2col blocks everywhere."""
    saved, conv_module.UNROLL = conv_module.UNROLL, False
    try:
        yield
    finally:
        conv_module.UNROLL = saved


@given(conv_cases(dim=2), st.sampled_from([1, 300, 5000, 2 ** 40]))
def test_row_unrolled_blocks_equal_the_im2col_blocks(case, block_bytes):
    # the two ways of handing windows to the GEMM (conv.UNROLL) give the same numbers, for
    # one row of one example per block up to everything in one block
    X, W, stride, pad, dilation = case
    X_checked, g = setup2D("t", X, W.shape, stride, pad, dilation)
    dZ = _dZ(case, 2)
    got = conv2d_backward_core(dZ, X_checked, W, g, block_bytes=block_bytes)
    with im2col_only():
        ref = conv2d_backward_core(dZ, X_checked, W, g, block_bytes=block_bytes)
    for a, b in zip(got, ref):
        assert_allclose(a, b, rtol=1e-12, atol=1e-12)
