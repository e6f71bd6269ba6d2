"""conv2D and conv1D: against the loop references, against each other, and on hand cases.

Hand cases are named after the animations of Dumoulin & Visin's conv_arithmetic; their
expected shapes and values are written as arithmetic (a window's sum spelled out), never
pasted from the code under test.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import conv_teach
from conv_teach import windows
from conv_teach.conv import conv2d_core, setup1D
from conv_teach.im2col import setup2D
from conv_teach import conv1D, conv2D, conv_out_shape, pad1D, pad2D
from conv_teach.reference import conv1D_loops, conv2D_loops

from strategies import conv_cases


# ------------------------------------------------------------------ properties
@given(conv_cases(dim=2))
def test_conv2D_matches_loops(case):
    X, W, stride, pad, dilation = case
    assert_allclose(conv2D(X, W, stride, pad, dilation), conv2D_loops(X, W, stride, pad, dilation),
                    rtol=1e-12, atol=1e-12)


@given(conv_cases(dim=1))
def test_conv1D_matches_loops(case):
    X, W, stride, pad, dilation = case
    assert_allclose(conv1D(X, W, stride, pad, dilation), conv1D_loops(X, W, stride, pad, dilation),
                    rtol=1e-12, atol=1e-12)


@given(conv_cases(dim=1))
def test_conv1D_is_conv2D_on_one_row(case):
    X, W, stride, pad, dilation = case
    _, (left, right) = pad1D(X, pad, W.shape[0], stride, dilation)
    # add a row axis to X and W; pad only the columns
    Z2 = conv2D(X[:, None], W[None], stride, (0, 0, left, right), dilation)
    assert_allclose(conv1D(X, W, stride, pad, dilation), Z2[:, 0], rtol=1e-12, atol=1e-12)


@given(conv_cases(dim=2))
def test_conv_out_shape_matches_conv2D(case):
    X, W, stride, pad, dilation = case
    assert conv_out_shape(X.shape, W.shape, stride, pad, dilation) == \
        conv2D(X, W, stride, pad, dilation).shape


@given(conv_cases(dim=1))
def test_conv_out_shape_and_len_match_conv1D(case):
    X, W, stride, pad, dilation = case
    Z = conv1D(X, W, stride, pad, dilation)
    assert conv_out_shape(X.shape, W.shape, stride, pad, dilation) == Z.shape
    assert conv_teach.conv_out_len(X.shape[1], W.shape[0], stride, pad, dilation) == Z.shape[1]


@given(n_ex=st.integers(1, 3), rows=st.integers(1, 5), cols=st.integers(1, 5),
       in_ch=st.integers(1, 4), out_ch=st.integers(1, 4), seed=st.integers(0, 2 ** 16))
def test_1x1_stride_1_conv_is_a_channel_matmul(n_ex, rows, cols, in_ch, out_ch, seed):
    # d2l 7.4.3: a 1x1 convolution mixes channels pixel by pixel, nothing else
    rng = np.random.default_rng(seed)
    X, W = rng.standard_normal((n_ex, rows, cols, in_ch)), rng.standard_normal((1, 1, in_ch, out_ch))
    assert_allclose(conv2D(X, W, 1, 0), X @ W[0, 0], rtol=1e-12, atol=1e-12)


def conv2D_blocked(X, W, stride, pad, dilation, block_bytes):
    """conv2D with blocks of about ``block_bytes`` (the core's argument)."""
    X, g = setup2D("conv2D", X, W.shape, stride, pad, dilation)
    return conv2d_core(X, W, g, block_bytes=block_bytes)


def conv1D_blocked(X, W, stride, pad, dilation, block_bytes):
    X, W, g = setup1D("conv1D", X, W, stride, pad, dilation)
    return conv2d_core(X[:, None], W[None], g, block_bytes=block_bytes)[:, 0]


@given(case=conv_cases(dim=2), rows_per_block=st.integers(1, 12))
def test_blocked_path_gives_the_same_result(case, rows_per_block):
    """Blocks of a few output rows (and of several examples) must tile Z exactly."""
    X, W, stride, pad, dilation = case
    expected = conv2D_loops(X, W, stride, pad, dilation)
    _, _, out_cols, _ = conv_out_shape(X.shape, W.shape, stride, pad, dilation)
    row_bytes = out_cols * W.shape[0] * W.shape[1] * W.shape[2] * X.dtype.itemsize
    # 1 byte: one output row of one example per block; 2**40: the whole batch in one block;
    # rows_per_block * row_bytes: uneven row ranges or a few examples per block
    for block_bytes in (1, rows_per_block * row_bytes, 2 ** 40):
        assert_allclose(conv2D_blocked(X, W, stride, pad, dilation, block_bytes), expected,
                        rtol=1e-12, atol=1e-12)


@given(case=conv_cases(dim=1), examples_per_block=st.integers(1, 3))
def test_blocked_path_1D(case, examples_per_block):
    # conv1D is one output row per example: a block holds 1 .. all examples
    X, W, stride, pad, dilation = case
    expected = conv1D_loops(X, W, stride, pad, dilation)
    row_bytes = conv_out_shape(X.shape, W.shape, stride, pad, dilation)[1] * W[:, :, 0].size * 8
    for block_bytes in (1, examples_per_block * row_bytes, 2 ** 40):
        assert_allclose(conv1D_blocked(X, W, stride, pad, dilation, block_bytes), expected,
                        rtol=1e-12, atol=1e-12)


def test_blocks_really_split_the_work():
    # guards the test above: with a tiny budget the work is cut into one-row blocks
    blocks = list(windows.blocks(n_ex=2, out_rows=3, row_bytes=8, block_bytes=1))
    assert blocks == [(0, 1, [(0, 1), (1, 2), (2, 3)]), (1, 2, [(0, 1), (1, 2), (2, 3)])]
    assert list(windows.blocks(n_ex=5, out_rows=3, row_bytes=8, block_bytes=2 ** 40)) == \
        [(0, 5, [(0, 3)])]
    # the default is read at call time: 8 MiB holds all 5 examples of 8-byte rows
    assert list(windows.blocks(n_ex=5, out_rows=3, row_bytes=8)) == [(0, 5, [(0, 3)])]


@given(conv_cases(dim=2))
def test_non_contiguous_input(case):
    # a transposed or reversed view has unusual strides; the window view must respect them
    X, W, stride, pad, dilation = case
    # every other channel of a column-major buffer, rows reversed twice: no axis is contiguous
    buf = np.zeros(X.shape[:3] + (2 * X.shape[3],), order="F")
    buf[:, ::-1, :, ::2] = X
    X_view = buf[:, ::-1, :, ::2]
    assert_array_equal(X_view, X)
    assert_allclose(conv2D(X_view, W, stride, pad, dilation), conv2D_loops(X, W, stride, pad, dilation),
                    rtol=1e-12, atol=1e-12)


@given(conv_cases(dim=2))
def test_read_only_and_broadcast_inputs(case):
    # np.broadcast_to gives read-only arrays with zero strides; nothing may write to them
    X, W, stride, pad, dilation = case
    X_b = np.broadcast_to(X[:1], X.shape)
    W_b = np.broadcast_to(W[..., :1], W.shape)
    assert_allclose(conv2D(X_b, W_b, stride, pad, dilation),
                    conv2D_loops(np.array(X_b), np.array(W_b), stride, pad, dilation),
                    rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ hand cases
# (name, in, kernel, stride, pad, dilation, expected out as arithmetic)
ARITHMETIC = [
    ("no_padding_no_strides", 4, 3, 1, 0, 0, (4 - 3) // 1 + 1),                  # 2
    ("arbitrary_padding_no_strides", 5, 4, 1, 2, 0, (5 + 2 * 2 - 4) // 1 + 1),  # 6
    ("half_padding", 5, 3, 1, 1, 0, (5 + 2 * 1 - 3) // 1 + 1),                 # 5 = in
    ("full_padding", 5, 3, 1, 2, 0, (5 + 2 * 2 - 3) // 1 + 1),                 # 7 = in + k - 1
    ("no_padding_strides", 5, 3, 2, 0, 0, (5 - 3) // 2 + 1),                   # 2
    ("padding_strides", 5, 3, 2, 1, 0, (5 + 2 * 1 - 3) // 2 + 1),              # 3
    ("padding_strides_odd", 6, 3, 2, 1, 0, (6 + 2 * 1 - 3) // 2 + 1),          # 3
    ("dilation", 7, 3, 1, 0, 1, (7 - (3 + 2 * 1)) // 1 + 1),                    # eff 5 -> 3
]


@pytest.mark.parametrize("n, k, s, p, d, out", [c[1:] for c in ARITHMETIC],
                         ids=[c[0] for c in ARITHMETIC])
def test_conv_arithmetic_shapes(n, k, s, p, d, out):
    X, W = np.ones((2, n, n, 3)), np.ones((k, k, 3, 4))
    assert conv2D(X, W, s, p, d).shape == (2, out, out, 4)
    assert conv_teach.conv_out_len(n, k, s, p, d) == out
    assert conv1D(np.ones((2, n, 3)), np.ones((k, 3, 4)), s, p, d).shape == (2, out, 4)


# First and last output cell with X = 1, 2, ..., n*n (row-major), W all ones: the sum of the
# pixels a window covers, read off the grid (padded cells read 0).
#   4x4 grid        5x5 grid              6x6 grid                    7x7 grid
#   1  2  3  4      1  2  3  4  5          1  2  3  4  5  6           1 .. 7
#   5  6  7  8      6  7  8  9 10          7  8  9 10 11 12           8 .. 14
#   9 10 11 12     11 12 13 14 15         13 14 15 16 17 18           ...
#  13 14 15 16     16 17 18 19 20         19 20 21 22 23 24          43 .. 49
#                  21 22 23 24 25         25 26 27 28 29 30
#                                         31 32 33 34 35 36
WINDOW_SUMS = {
    "no_padding_no_strides": (1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11,
                              6 + 7 + 8 + 10 + 11 + 12 + 14 + 15 + 16),
    # a 4x4 window starting 2 cells above/left of the grid covers the 2x2 corner
    "arbitrary_padding_no_strides": (1 + 2 + 6 + 7, 19 + 20 + 24 + 25),
    "half_padding": (1 + 2 + 6 + 7, 19 + 20 + 24 + 25),
    "full_padding": (1, 25),
    "no_padding_strides": (1 + 2 + 3 + 6 + 7 + 8 + 11 + 12 + 13,
                           13 + 14 + 15 + 18 + 19 + 20 + 23 + 24 + 25),
    # last window starts at padded row/col 4 = input row/col 3, covering rows/cols 3..4
    "padding_strides": (1 + 2 + 6 + 7, 19 + 20 + 24 + 25),
    # 6 + 2 pads = 8 cells; windows start at 0, 2, 4: the last covers input rows/cols 3..5,
    # and the bottom/right pad row is never reached
    "padding_strides_odd": (1 + 2 + 7 + 8,
                            22 + 23 + 24 + 28 + 29 + 30 + 34 + 35 + 36),
    # taps 2 apart: rows/cols 0, 2, 4 for the first window, 2, 4, 6 for the last
    "dilation": (1 + 3 + 5 + 15 + 17 + 19 + 29 + 31 + 33,
                 17 + 19 + 21 + 31 + 33 + 35 + 45 + 47 + 49),
}


@pytest.mark.parametrize("name, n, k, s, p, d", [c[:6] for c in ARITHMETIC],
                         ids=[c[0] for c in ARITHMETIC])
def test_conv_arithmetic_values(name, n, k, s, p, d):
    X = np.arange(1., n * n + 1).reshape(1, n, n, 1)
    Z = conv2D(X, np.ones((k, k, 1, 1)), s, p, d)[0, :, :, 0]
    first, last = WINDOW_SUMS[name]
    assert (Z[0, 0], Z[-1, -1]) == (first, last)


def test_d2l_corr2d_example():
    # d2l 7.2.1: [[0,1,2],[3,4,5],[6,7,8]] (*) [[0,1],[2,3]]: 0*0 + 1*1 + 3*2 + 4*3 = 19, ...
    X = np.arange(9.).reshape(1, 3, 3, 1)
    K = np.arange(4.).reshape(2, 2, 1, 1)
    expected = [[0 * 0 + 1 * 1 + 3 * 2 + 4 * 3, 1 * 0 + 2 * 1 + 4 * 2 + 5 * 3],
                [3 * 0 + 4 * 1 + 6 * 2 + 7 * 3, 4 * 0 + 5 * 1 + 7 * 2 + 8 * 3]]
    assert_array_equal(conv2D(X, K, 1, 0)[0, :, :, 0], expected)


def test_per_axis_stride_and_dilation():
    # stride (rows 2, cols 1), dilation (rows 0, cols 1) on a 5x5 grid 1..25 with a 2x2 kernel of ones:
    # row taps 1 apart, col taps 2 apart; rows start at 0, 2 (4 would need row 5); cols 0, 1, 2
    X = np.arange(1., 26.).reshape(1, 5, 5, 1)
    Z = conv2D(X, np.ones((2, 2, 1, 1)), stride=(2, 1), pad=0, dilation=(0, 1))[0, :, :, 0]
    assert Z.shape == ((5 - 2) // 2 + 1, (5 - 3) // 1 + 1)
    assert Z[0, 0] == 1 + 3 + 6 + 8
    assert Z[1, 2] == 13 + 15 + 18 + 20


# ------------------------------------------------------------------ 'same' and 'causal'
# in, kernel, stride, dilation, expected out = ceil(in / stride)
SAME = [
    ("odd_kernel", 5, 3, 1, 0, 5),
    ("even_kernel", 5, 4, 1, 0, 5),
    ("stride_2", 6, 3, 2, 0, -(-6 // 2)),
    ("stride_2_odd_input", 7, 3, 2, 0, -(-7 // 2)),
    ("stride_3", 7, 2, 3, 0, -(-7 // 3)),
    ("dilation", 5, 3, 1, 2, 5),
]


@pytest.mark.parametrize("n, k, s, d, out", [c[1:] for c in SAME], ids=[c[0] for c in SAME])
def test_same_gives_ceil_in_over_stride(n, k, s, d, out):
    assert conv2D(np.ones((1, n, n, 1)), np.ones((k, k, 1, 1)), s, "same", d).shape == (1, out, out, 1)
    assert conv1D(np.ones((1, n, 1)), np.ones((k, 1, 1)), s, "same", d).shape == (1, out, 1)


def test_same_at_stride_2_sees_no_all_zero_window():
    # n=6, k=3, s=2: pads (0, 1), out 3; windows cover input cells 0-2, 2-4, 4-6(pad).
    # numpy-ml would pad (3, 4) and give 6 outputs, the first of which sees only zeros.
    X = np.arange(1., 7.).reshape(1, 6, 1)
    Z = conv1D(X, np.ones((3, 1, 1)), 2, "same")[0, :, 0]
    assert_array_equal(Z, [1 + 2 + 3, 3 + 4 + 5, 5 + 6 + 0])


def test_causal_stride_1():
    # 'causal' pads k-1 = 1 zero on the left: outputs 0+1, 1+2, 2+3, 3+4, 4+5
    X = np.arange(1., 6.).reshape(1, 5, 1)
    assert_array_equal(conv1D(X, np.ones((2, 1, 1)), 1, "causal")[0, :, 0],
                       [0 + 1, 1 + 2, 2 + 3, 3 + 4, 4 + 5])


def test_causal_stride_2_dilation_1():
    # eff = 3 + 2*1 = 5 -> 4 zeros on the left; padded 0 0 0 0 1 2 3 4 5 6, taps 2 apart,
    # windows start at 0, 2, 4: (0+0+1), (0+1+3), (1+3+5)
    X = np.arange(1., 7.).reshape(1, 6, 1)
    Z = conv1D(X, np.ones((3, 1, 1)), 2, "causal", dilation=1)[0, :, 0]
    assert_array_equal(Z, [0 + 0 + 1, 0 + 1 + 3, 1 + 3 + 5])


@given(case=conv_cases(dim=1), data=st.data())
def test_causal_output_t_ignores_inputs_after_t_times_stride(case, data):
    X, W, stride, _, dilation = case
    Z = conv1D(X, W, stride, "causal", dilation)
    pos = data.draw(st.integers(0, X.shape[1] - 1), label="changed input position")
    X2 = X.copy()
    X2[:, pos] += 1.0
    Z2 = conv1D(X2, W, stride, "causal", dilation)
    untouched = np.arange(Z.shape[1]) * int(stride) < pos
    assert_array_equal(Z2[:, untouched], Z[:, untouched])


# ------------------------------------------------------------------ dtype and safety
def test_float32_stays_float32():
    X, W = np.ones((2, 5, 5, 3), np.float32), np.ones((3, 3, 3, 2), np.float32)
    assert conv2D(X, W, 1, 1).dtype == np.float32
    assert conv1D(X[:, 0], W[0], 2, "same").dtype == np.float32


def test_integer_input_is_computed_in_float64():
    X = np.arange(25).reshape(1, 5, 5, 1)             # int64
    Z = conv2D(X, np.ones((2, 2, 1, 1), np.int32), 1, 0)
    assert Z.dtype == np.float64
    assert Z[0, 0, 0, 0] == 0 + 1 + 5 + 6
    assert conv1D(np.arange(5).reshape(1, 5, 1), np.ones((2, 1, 1), int), 1, 0).dtype == np.float64


def test_integer_input_does_not_overflow():
    # int8 arithmetic would wrap at 127; computing in float64 gives 4 * 100
    X = np.full((1, 2, 2, 1), 100, np.int8)
    assert conv2D(X, np.ones((2, 2, 1, 1), np.int8), 1, 0)[0, 0, 0, 0] == 4 * 100


@given(conv_cases(dim=2))
def test_inputs_are_never_modified(case):
    X, W, stride, pad, dilation = case
    X0, W0 = X.copy(), W.copy()
    conv2D(X, W, stride, pad, dilation)
    assert_array_equal(X, X0)
    assert_array_equal(W, W0)


@given(conv_cases(dim=1))
def test_inputs_are_never_modified_1D(case):
    X, W, stride, pad, dilation = case
    X0, W0 = X.copy(), W.copy()
    conv1D(X, W, stride, pad, dilation)
    assert_array_equal(X, X0)
    assert_array_equal(W, W0)


@given(case=conv_cases(dim=2), data=st.data())
def test_nan_stays_in_its_example(case, data):
    X, W, stride, pad, dilation = case
    n = data.draw(st.integers(0, X.shape[0] - 1), label="example with a NaN")
    expected = conv2D_loops(X, W, stride, pad, dilation)
    X = X.copy()
    X[n, X.shape[1] // 2, X.shape[2] // 2, 0] = np.nan
    Z = conv2D(X, W, stride, pad, dilation)
    others = [m for m in range(X.shape[0]) if m != n]
    assert not np.isnan(Z[others]).any()
    assert_allclose(Z[others], expected[others], rtol=1e-12, atol=1e-12)


def test_nan_shows_up_where_the_window_reads_it():
    X = np.zeros((2, 3, 3, 1))
    X[1, 0, 0, 0] = np.nan
    Z = conv2D(X, np.ones((2, 2, 1, 1)), 1, 0)
    # only window (0, 0) of example 1 covers pixel (0, 0)
    assert np.isnan(Z[1, 0, 0, 0]) and np.isnan(Z).sum() == 1


def test_lists_are_accepted():
    X = [[[[1.], [2.]], [[3.], [4.]]]]                    # (1, 2, 2, 1)
    W = [[[[1.]], [[1.]]], [[[1.]], [[1.]]]]              # (2, 2, 1, 1)
    assert conv2D(X, W, 1, 0)[0, 0, 0, 0] == 1 + 2 + 3 + 4
    assert_array_equal(conv1D([[[1.], [2.], [3.]]], [[[1.]], [[10.]]], 1, 0)[0, :, 0],
                       [1 + 2 * 10, 2 + 3 * 10])


@pytest.mark.parametrize("pad, plain", [(np.int64(1), 1), ((np.int64(1), np.int64(0)), (1, 0)),
                                        ("same", "same")], ids=["int", "tuple", "same"])
def test_numpy_integer_arguments(pad, plain):
    # numpy-ml crashes on a NumPy-integer stride with 'same'; here stride, pad and dilation
    # may all be NumPy integers
    X, W = np.ones((1, 6, 6, 1)), np.ones((3, 3, 1, 1))
    expected = conv2D_loops(X, W, 2, plain, 1)
    assert_allclose(conv2D(X, W, np.int64(2), pad, np.int64(1)), expected)
    assert_allclose(conv2D(X, W, (np.int64(2), np.int32(2)), pad, (np.int64(1), np.uint8(1))), expected)
    # in 1D a 2-tuple is (left, right)
    X1, W1 = X[:, 0], W[0]
    assert_allclose(conv1D(X1, W1, np.int64(2), pad, np.int64(1)), conv1D_loops(X1, W1, 2, plain, 1))


def test_nan_in_W_next_to_padding_is_the_same_in_loops_and_fast_code():
    # a tap that reads padding multiplies a zero of X_pad by W: 0 * nan = nan, in every version
    X, W = np.ones((1, 4, 1)), np.ones((3, 1, 1))
    W[0] = np.nan                         # the tap that reads the left pad at t = 0
    expected = np.full((1, 4, 1), np.nan)  # every output has tap 0 reading something times nan
    for Z in (conv1D(X, W, 1, 1), conv1D_loops(X, W, 1, 1),
              conv2D(X[:, None], W[None], 1, (0, 0, 1, 1))[:, 0],
              conv2D_loops(X[:, None], W[None], 1, (0, 0, 1, 1))[:, 0]):
        assert_array_equal(Z, expected)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
@given(conv_cases(dim=2), st.sampled_from([1, 300, 2 ** 40]), st.data())
def test_row_unrolled_forward_equals_the_im2col_forward(case, block_bytes, data):
    # conv.UNROLL: windows read in place from row-unrolled blocks (column dilation 0) or
    # copied by im2col; the same numbers, non-finite values included (the widened outputs
    # that the unrolled path computes are dropped)
    from conv_teach import conv as conv_module
    from conv_teach.conv import conv2d_core
    from conv_teach.im2col import setup2D
    X, W, stride, pad, dilation = case
    X = X.copy()
    if data.draw(st.booleans()):
        X[tuple(data.draw(st.integers(0, n - 1)) for n in X.shape)] = np.inf
    X_checked, g = setup2D("t", X, W.shape, stride, pad, dilation)
    got = conv2d_core(X_checked, W, g, block_bytes=block_bytes)
    saved, conv_module.UNROLL = conv_module.UNROLL, False
    try:
        ref = conv2d_core(X_checked, W, g, block_bytes=block_bytes)
    finally:
        conv_module.UNROLL = saved
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12, equal_nan=True)
