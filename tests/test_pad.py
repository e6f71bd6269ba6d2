"""pad2D, pad1D and dilate on hand cases, every pad form."""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

from conv_teach import dilate, pad1D, pad2D

X23 = np.arange(1, 7).reshape(1, 2, 3, 1)   # [[1, 2, 3], [4, 5, 6]]


# pad argument -> resolved (top, bottom, left, right)
PAD2D_FORMS = [
    ("int", 1, (1, 1, 1, 1)),
    ("numpy_int", np.int64(2), (2, 2, 2, 2)),
    ("rows_cols", (1, 2), (1, 1, 2, 2)),                  # (rows, cols): each on both sides
    ("list_rows_cols", [0, 1], (0, 0, 1, 1)),
    ("top_bottom_left_right", (1, 0, 2, 3), (1, 0, 2, 3)),
    ("valid", "valid", (0, 0, 0, 0)),
    ("zero", 0, (0, 0, 0, 0)),
]


@pytest.mark.parametrize("pad, p", [c[1:] for c in PAD2D_FORMS], ids=[c[0] for c in PAD2D_FORMS])
def test_pad2D_forms(pad, p):
    X_pad, got = pad2D(X23, pad)
    assert got == p
    t, b, l, r = p
    assert X_pad.shape == (1, 2 + t + b, 3 + l + r, 1)
    # the input sits at offset (top, left), zeros everywhere else
    assert_array_equal(X_pad[0, t:t + 2, l:l + 3, 0], X23[0, :, :, 0])
    assert X_pad.sum() == X23.sum()


def test_pad2D_picture():
    X_pad, p = pad2D(X23, (1, 0, 2, 0))
    assert p == (1, 0, 2, 0)
    assert_array_equal(X_pad[0, :, :, 0], [[0, 0, 0, 0, 0],
                                           [0, 0, 1, 2, 3],
                                           [0, 0, 4, 5, 6]])


def test_pad2D_same_needs_kernel_and_uses_stride_and_dilation():
    X = np.ones((1, 6, 5, 1))
    # rows: out ceil(6/2) = 3, total 2*2 + 3 - 6 = 1 -> (0, 1); cols: out 3, total 4 + 3 - 5 = 2 -> (1, 1)
    assert pad2D(X, "same", kernel_shape=(3, 3), stride=2)[1] == (0, 1, 1, 1)
    # dilation 1: eff 5; stride 1: total 4 per axis -> (2, 2)
    assert pad2D(X, "same", kernel_shape=(3, 3), dilation=1)[1] == (2, 2, 2, 2)
    # even kernel, stride 1: total 1, the odd zero after
    assert pad2D(X, "same", kernel_shape=(2, 2))[1] == (0, 1, 0, 1)
    # per-axis stride (rows 1, cols 2) with NumPy integers
    assert pad2D(X, "same", kernel_shape=(np.int64(3), 3), stride=(1, np.int64(2)))[1] == (1, 1, 1, 1)


def test_pad1D_forms():
    X = np.arange(1, 4).reshape(1, 3, 1)
    assert pad1D(X, 2)[1] == (2, 2)
    assert pad1D(X, "valid")[1] == (0, 0)
    assert pad1D(X, "same", kernel_width=4)[1] == (1, 2)              # total 2 + 4 - 3 = 3
    assert pad1D(X, "causal", kernel_width=3, dilation=1)[1] == (4, 0)  # eff 5, 4 zeros left
    assert pad1D(X, "causal", kernel_width=3, stride=2)[1] == (2, 0)    # stride does not matter
    X_pad, p = pad1D(X, (1, 2))
    assert p == (1, 2)
    assert_array_equal(X_pad[0, :, 0], [0, 1, 2, 3, 0, 0])


def test_a_2_tuple_means_rows_cols_in_2D_but_left_right_in_1D():
    # the same (1, 2): pad2D pads 1 row above and below and 2 columns left and right,
    # pad1D pads 1 on the left and 2 on the right
    X = np.arange(1, 4).reshape(1, 1, 3, 1)
    X2, p2 = pad2D(X, (1, 2))
    X1, p1 = pad1D(X[:, 0], (1, 2))
    assert p2 == (1, 1, 2, 2) and X2.shape == (1, 1 + 1 + 1, 2 + 3 + 2, 1)
    assert p1 == (1, 2) and X1.shape == (1, 1 + 3 + 2, 1)
    assert_array_equal(X2[0, 1, :, 0], [0, 0, 1, 2, 3, 0, 0])
    assert_array_equal(X1[0, :, 0], [0, 1, 2, 3, 0, 0])


def test_pad_keeps_dtype_and_does_not_modify_input():
    X = np.arange(6, dtype=np.int16).reshape(1, 2, 3, 1)
    X0 = X.copy()
    X_pad, _ = pad2D(X, 1)
    assert X_pad.dtype == np.int16
    X_pad[:] = 99                                          # a new array, not a view of X
    assert_array_equal(X, X0)
    assert pad1D(np.ones((1, 3, 1), np.float32), (1, 0))[0].dtype == np.float32


# ------------------------------------------------------------------ dilate
def test_dilate_1():
    X = np.arange(1, 5).reshape(1, 2, 2, 1)
    assert_array_equal(dilate(X, 1)[0, :, :, 0], [[1, 0, 2],
                                                  [0, 0, 0],
                                                  [3, 0, 4]])


def test_dilate_2_on_a_row():
    # 3 cells with 2 zeros in each of the 2 gaps: 3 + 2*2 = 7
    X = np.arange(1, 4).reshape(1, 1, 3, 1)
    assert_array_equal(dilate(X, 2)[0, 0, :, 0], [1, 0, 0, 2, 0, 0, 3])


def test_dilate_per_axis():
    X = np.arange(1, 5).reshape(1, 2, 2, 1)
    # (rows 1, cols 0): a zero row between the rows only
    assert_array_equal(dilate(X, (1, 0))[0, :, :, 0], [[1, 2], [0, 0], [3, 4]])
    assert_array_equal(dilate(X, (0, 2))[0, :, :, 0], [[1, 0, 0, 2], [3, 0, 0, 4]])


def test_dilate_0_is_a_copy_and_keeps_dtype():
    X = np.arange(1, 7, dtype=np.int32).reshape(1, 2, 3, 1)
    out = dilate(X, 0)
    assert_array_equal(out, X)
    assert out.dtype == np.int32
    assert not np.shares_memory(out, X)


def test_dilate_keeps_channels_and_examples_apart():
    X = np.arange(1., 17.).reshape(2, 2, 2, 2)
    out = dilate(X, np.int64(1))
    assert out.shape == (2, 2 + 1, 2 + 1, 2)
    assert_array_equal(out[:, ::2, ::2], X)
    assert out[:, 1].sum() == 0 and out[:, :, 1].sum() == 0


def test_dilated_kernel_equals_conv_dilation():
    # dilate(W) as a dense kernel gives the same conv as dilation=d
    from conv_teach import conv2D
    rng = np.random.default_rng(5)
    X, W = rng.standard_normal((2, 8, 9, 2)), rng.standard_normal((3, 2, 2, 3))
    # dilate works on NHWC; put the kernel's (in_ch, out_ch) into the "example" and "channel" axes
    W_d = dilate(W.transpose(2, 0, 1, 3), (1, 2)).transpose(1, 2, 0, 3)
    np.testing.assert_allclose(conv2D(X, W_d, 1, 0), conv2D(X, W, 1, 0, dilation=(1, 2)),
                               rtol=1e-12, atol=1e-12)
