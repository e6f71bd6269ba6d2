"""im2col and col2im: against the loop references, as an adjoint pair, and on hand cases."""
import re
import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from conv_teach import ColumnMatrixTooLarge, col2im, conv2D, im2col, pad2D
from conv_teach.reference import col2im_loops, im2col_loops, receptive_field

from strategies import conv_cases


def _out_cols(X_shape, W_shape, stride, pad, dilation):
    """Number of columns of X_col, from the shape of the conv output."""
    n, oh, ow, _ = conv2D(np.zeros(X_shape), np.zeros(W_shape), stride, pad, dilation).shape
    return oh * ow * n


@given(conv_cases(dim=2))
def test_im2col_matches_loops_exactly(case):
    X, W, stride, pad, dilation = case
    X_col, p = im2col(X, W.shape, pad, stride, dilation)
    # a pure copy: every entry must be bit-for-bit the pixel (or the padding zero) it copies
    assert_array_equal(X_col, im2col_loops(X, W.shape, pad, stride, dilation))
    assert p == pad2D(X, pad, W.shape[:2], stride, dilation)[1]


@given(conv_cases(dim=2))
def test_col2im_matches_loops(case):
    X, W, stride, pad, dilation = case
    rng = np.random.default_rng(0)
    C = rng.standard_normal((W.shape[0] * W.shape[1] * W.shape[2],
                             _out_cols(X.shape, W.shape, stride, pad, dilation)))
    assert_allclose(col2im(C, X.shape, W.shape, pad, stride, dilation),
                    col2im_loops(C, X.shape, W.shape, pad, stride, dilation), rtol=1e-12, atol=1e-12)


@given(conv_cases(dim=2))
def test_col2im_is_the_adjoint_of_im2col(case):
    # <im2col(X), Y> == <X, col2im(Y)> for every X and Y: col2im is im2col's transpose
    X, W, stride, pad, dilation = case
    X_col, _ = im2col(X, W.shape, pad, stride, dilation)
    Y = np.random.default_rng(1).standard_normal(X_col.shape)
    lhs = np.sum(X_col * Y)
    rhs = np.sum(X * col2im(Y, X.shape, W.shape, pad, stride, dilation))
    assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


@given(conv_cases(dim=2))
def test_conv2D_is_W_col_times_X_col(case):
    # Warden: the convolution is one matrix multiply on the public im2col's layout
    X, W, stride, pad, dilation = case
    X_col, _ = im2col(X, W.shape, pad, stride, dilation)
    fr, fc, in_ch, out_ch = W.shape
    W_col = W.transpose(3, 2, 0, 1).reshape(out_ch, in_ch * fr * fc)   # rows: channel, ki, kj
    Z = conv2D(X, W, stride, pad, dilation)
    n, oh, ow, _ = Z.shape
    # columns run (i, j, n), example fastest
    Z_col = (W_col @ X_col).reshape(out_ch, oh, ow, n).transpose(3, 1, 2, 0)
    assert_allclose(Z_col, Z, rtol=1e-12, atol=1e-12)


@given(case=conv_cases(dim=2), data=st.data())
def test_receptive_field_is_a_column_of_X_col(case, data):
    # the lessons highlight reference.receptive_field(cell); it must be what im2col copies
    X, W, stride, pad, dilation = case
    X_col, (top, bottom, left, right) = im2col(X, W.shape, pad, stride, dilation)
    X_pad, _ = pad2D(X, (top, bottom, left, right))
    n_ex, oh, ow, _ = conv2D(X, W, stride, pad, dilation).shape
    i, j = data.draw(st.integers(0, oh - 1), label="i"), data.draw(st.integers(0, ow - 1), label="j")
    n = data.draw(st.integers(0, n_ex - 1), label="n")
    cells = receptive_field((i, j), W.shape, stride, dilation=dilation)
    expected = [X_pad[n, r, c, ch] for ch in range(X.shape[3]) for r, c in cells]
    assert_array_equal(X_col[:, (i * ow + j) * n_ex + n], expected)


def test_im2col_hand_case():
    # 4x4 grid 0..15, 2x2 kernel, stride 2: windows at (0,0), (0,2), (2,0), (2,2);
    # row k of X_col is tap k = (ki, kj) of every window
    X = np.arange(16.).reshape(1, 4, 4, 1)
    X_col, p = im2col(X, (2, 2, 1, 1), pad=0, stride=2)
    assert p == (0, 0, 0, 0)
    assert_array_equal(X_col, [[0, 2, 8, 10],      # tap (0, 0): top-left of each window
                               [1, 3, 9, 11],      # tap (0, 1)
                               [4, 6, 12, 14],     # tap (1, 0)
                               [5, 7, 13, 15]])    # tap (1, 1)


def test_im2col_order_channels_slowest_examples_fastest():
    # 2 examples, 2 channels, 1x1 image, 1x1 kernel: rows are channels, columns are examples
    X = np.array([10., 20., 30., 40.]).reshape(2, 1, 1, 2)     # X[n, 0, 0, c] = 10 * (2n + c + 1)
    X_col, _ = im2col(X, (1, 1, 2, 1), pad=0, stride=1)
    assert_array_equal(X_col, [[10, 30],     # channel 0 of example 0, example 1
                               [20, 40]])    # channel 1


def test_im2col_pad_reads_zeros():
    # 1x1 image, 2x2 kernel, pad (1, 0, 1, 0): the only window sees 3 padding zeros then the pixel
    X_col, p = im2col(np.array([[[[7.]]]]), (2, 2, 1, 1), pad=(1, 0, 1, 0), stride=1)
    assert p == (1, 0, 1, 0)
    assert_array_equal(X_col, [[0], [0], [0], [7]])


def test_col2im_counts_the_windows_that_read_each_pixel():
    # 4x4 input, 3x3 kernel, pad 1, stride 1: pixel r is read by the windows centred on
    # r-1, r, r+1 that exist (0..3): 2 at the border, 3 inside. Per pixel: rows x cols.
    per_axis = [sum(0 <= centre <= 3 for centre in (r - 1, r, r + 1)) for r in range(4)]
    assert per_axis == [2, 3, 3, 2]
    X_col, _ = im2col(np.ones((1, 4, 4, 1)), (3, 3, 1, 1), pad=1, stride=1)
    counts = col2im(X_col, (1, 4, 4, 1), (3, 3, 1, 1), pad=1, stride=1)[0, :, :, 0]
    assert_array_equal(counts, np.outer(per_axis, per_axis))
    assert_array_equal(counts, [[4, 6, 6, 4], [6, 9, 9, 6], [6, 9, 9, 6], [4, 6, 6, 4]])


def test_col2im_leaves_skipped_pixels_at_zero():
    # 1x1 kernel, stride 2 on a 3x3 input: only pixels (0,0), (0,2), (2,0), (2,2) are read
    X_col, _ = im2col(np.ones((1, 3, 3, 1)), (1, 1, 1, 1), pad=0, stride=2)
    assert_array_equal(col2im(X_col, (1, 3, 3, 1), (1, 1, 1, 1), 0, 2)[0, :, :, 0],
                       [[1, 0, 1], [0, 0, 0], [1, 0, 1]])


# ------------------------------------------------------------------ dtype and safety
def test_float32_stays_float32():
    X = np.ones((2, 5, 5, 3), np.float32)
    X_col, _ = im2col(X, (3, 3, 3, 1), 1, 1)
    assert X_col.dtype == np.float32
    assert col2im(X_col, X.shape, (3, 3, 3, 1), 1, 1).dtype == np.float32


def test_integers_im2col_keeps_dtype_col2im_gives_float64():
    # im2col only moves numbers, so it keeps int; col2im adds them up, in float64
    X = np.arange(16, dtype=np.int32).reshape(1, 4, 4, 1)
    X_col, _ = im2col(X, (2, 2, 1, 1), 0, 2)
    assert X_col.dtype == np.int32
    back = col2im(X_col, X.shape, (2, 2, 1, 1), 0, 2)
    assert back.dtype == np.float64
    assert_array_equal(back, X)          # stride 2 with a 2x2 kernel reads every pixel once


@given(conv_cases(dim=2))
def test_inputs_are_never_modified(case):
    X, W, stride, pad, dilation = case
    X0 = X.copy()
    X_col, _ = im2col(X, W.shape, pad, stride, dilation)
    assert_array_equal(X, X0)
    C0 = X_col.copy()
    col2im(X_col, X.shape, W.shape, pad, stride, dilation)
    assert_array_equal(X_col, C0)


@given(conv_cases(dim=2))
def test_X_col_is_a_new_writable_array(case):
    # a student may scribble on X_col; that must neither fail nor reach X
    X, W, stride, pad, dilation = case
    X_col, _ = im2col(X, W.shape, pad, stride, dilation)
    assert X_col.flags.writeable
    assert not np.shares_memory(X_col, X)


def test_lists_are_accepted():
    X_col, _ = im2col([[[[1.], [2.]], [[3.], [4.]]]], (2, 2, 1, 1), 0, 1)
    assert_array_equal(X_col, [[1], [2], [3], [4]])
    assert_array_equal(col2im([[1.], [2.], [3.], [4.]], (1, 2, 2, 1), (2, 2, 1, 1), 0, 1)[0, :, :, 0],
                       [[1, 2], [3, 4]])


def test_numpy_integer_arguments():
    X = np.arange(36.).reshape(1, 6, 6, 1)
    expected = im2col_loops(X, (3, 3, 1, 1), "same", 2, 1)
    X_col, _ = im2col(X, (np.int64(3), 3, 1, 1), "same", np.int64(2), np.int64(1))
    assert_array_equal(X_col, expected)
    assert_allclose(col2im(X_col, X.shape, (3, 3, 1, 1), "same", np.int64(2), np.int64(1)),
                    col2im_loops(expected, X.shape, (3, 3, 1, 1), "same", 2, 1))


def test_too_large_raises_naming_the_size():
    # (in_ch*fr*fc, out_rows*out_cols*n_ex) = (3*3*3, 30*30*4) float64 numbers
    X = np.zeros((4, 32, 32, 3))
    nbytes = 3 * 3 * 3 * (30 * 30 * 4) * 8                       # 777600 bytes = 759.38 KiB
    # the exact byte count, written out here: a wrong size (or "0.00 GiB") fails
    with pytest.raises(ColumnMatrixTooLarge,
                       match=re.escape("need 759.38 KiB (777600 bytes), more than the limit of "
                                       "759.37 KiB")) as info:
        im2col(X, (3, 3, 3, 1), 0, 1, max_bytes=nbytes - 1)
    assert isinstance(info.value, MemoryError)
    assert "(27, 3600)" in str(info.value)
    X_col, _ = im2col(X, (3, 3, 3, 1), 0, 1, max_bytes=nbytes)      # exactly at the limit: fine
    assert X_col.shape == (27, 3600)


def test_default_limit_refuses_a_huge_X_col_without_allocating():
    # X itself is a zero-strided view (no memory); X_col would need 2**31 * 9 * 8 bytes = 144 GiB
    X = np.lib.stride_tricks.as_strided(np.zeros(1), (2 ** 11, 2 ** 10, 2 ** 10, 1), (0,) * 4)
    with pytest.raises(ColumnMatrixTooLarge, match=r"need 144\.\d\d GiB"):
        im2col(X, (3, 3, 1, 1), 1, 1)
