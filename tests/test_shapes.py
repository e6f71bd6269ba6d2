"""The output-size arithmetic: effective_kernel, same_pad, causal_pad, conv_out_len, conv_out_shape.

Expected values are written as the arithmetic of Dumoulin & Visin's relationships
(``o = (i + p_before + p_after - eff) // s + 1``) or of the 'same' rule, never pasted.
"""
import numpy as np
import pytest

from conv_teach import causal_pad, conv_out_len, conv_out_shape, effective_kernel, same_pad


@pytest.mark.parametrize("k, d, eff", [(1, 0, 1), (3, 0, 3), (3, 1, 3 + 2 * 1), (2, 3, 2 + 1 * 3),
                                       (1, 5, 1)],
                         ids=["1x1", "dense", "dilation_1", "even_dilation_3", "1x1_dilated"])
def test_effective_kernel(k, d, eff):
    # k taps with d zeros in each of the k - 1 gaps
    assert effective_kernel(k, d) == eff


# (in, kernel, stride, dilation) -> (before, after), with out = ceil(in / stride) and
# total = max((out - 1) * stride + eff - in, 0), the odd one after
SAME = [
    ("odd_kernel", (5, 3, 1, 0), (1, 1)),           # total (5-1)*1 + 3 - 5 = 2
    ("even_kernel", (5, 4, 1, 0), (1, 2)),          # total 4 + 4 - 5 = 3: the odd zero after
    ("kernel_2", (5, 2, 1, 0), (0, 1)),             # total 4 + 2 - 5 = 1
    ("1x1", (5, 1, 1, 0), (0, 0)),                  # total 4 + 1 - 5 = 0
    # out = ceil(6/2) = 3, total 2*2 + 3 - 6 = 1. numpy-ml pads (s*(n-1) + eff - n) / 2 =
    # (10 + 3 - 6) / 2 -> (3, 4) and gets out 6 == in, where the first output sees only zeros.
    ("stride_2", (6, 3, 2, 0), (0, 1)),
    ("stride_2_odd_input", (7, 3, 2, 0), (1, 1)),   # out 4, total 3*2 + 3 - 7 = 2
    ("stride_3_no_pad", (6, 1, 3, 0), (0, 0)),      # out 2, total max(3 + 1 - 6, 0) = 0
    ("dilation_1", (5, 3, 1, 1), (2, 2)),           # eff 5, total 4 + 5 - 5 = 4
    ("dilation_stride", (8, 3, 2, 1), (1, 2)),      # eff 5, out 4, total 3*2 + 5 - 8 = 3
]


@pytest.mark.parametrize("args, pads", [c[1:] for c in SAME], ids=[c[0] for c in SAME])
def test_same_pad(args, pads):
    n, k, s, d = args
    assert same_pad(n, k, s, d) == pads
    # and the resulting length is ceil(n / s)
    assert conv_out_len(n, k, s, "same", d) == -(-n // s)
    assert (n + sum(pads) - effective_kernel(k, d)) // s + 1 == -(-n // s)


@pytest.mark.parametrize("k, d, pads", [(1, 0, (0, 0)), (3, 0, (2, 0)), (2, 0, (1, 0)),
                                        (3, 1, (3 + 2 * 1 - 1, 0))],
                         ids=["1x1", "k3", "k2", "k3_dilation_1"])
def test_causal_pad(k, d, pads):
    # all eff - 1 zeros on the left: output t sees inputs up to t only
    assert causal_pad(k, d) == pads


@pytest.mark.parametrize("n, k, s", [(5, 3, 1), (5, 3, 2), (6, 2, 3), (1, 4, 2)])
def test_causal_out_len_is_ceil_in_over_stride(n, k, s):
    assert conv_out_len(n, k, s, "causal") == -(-n // s)


# (in, kernel, stride, pad, dilation) -> out, Dumoulin & Visin's relationships
OUT_LEN = [
    ("no_padding_no_strides", (4, 3, 1, 0, 0), (4 - 3) // 1 + 1),
    ("arbitrary_padding_no_strides", (5, 4, 1, 2, 0), (5 + 2 + 2 - 4) // 1 + 1),
    ("half_padding", (5, 3, 1, 1, 0), (5 + 1 + 1 - 3) // 1 + 1),
    ("full_padding", (5, 3, 1, 2, 0), (5 + 2 + 2 - 3) // 1 + 1),
    ("no_padding_strides", (5, 3, 2, 0, 0), (5 - 3) // 2 + 1),
    ("padding_strides", (5, 3, 2, 1, 0), (5 + 1 + 1 - 3) // 2 + 1),
    ("padding_strides_odd", (6, 3, 2, 1, 0), (6 + 1 + 1 - 3) // 2 + 1),
    ("dilation", (7, 3, 1, 0, 1), (7 - (3 + 2 * 1)) // 1 + 1),
    ("asymmetric_pad", (5, 3, 1, (2, 0), 0), (5 + 2 + 0 - 3) // 1 + 1),
    ("valid", (5, 3, 2, "valid", 0), (5 - 3) // 2 + 1),
    ("kernel_equals_padded_input", (3, 5, 1, 1, 0), (3 + 1 + 1 - 5) // 1 + 1),
]


@pytest.mark.parametrize("args, out", [c[1:] for c in OUT_LEN], ids=[c[0] for c in OUT_LEN])
def test_conv_out_len(args, out):
    assert conv_out_len(*args) == out


def test_conv_out_shape_2D_per_axis():
    # rows: (7 + 1 + 2 - 3) // 2 + 1 = 4; cols: eff 2 + 1*2 = 4, (9 + 0 + 0 - 4) // 1 + 1 = 6
    assert conv_out_shape((2, 7, 9, 3), (3, 2, 3, 5), stride=(2, 1), pad=(1, 2, 0, 0),
                          dilation=(0, 2)) == (2, 4, 6, 5)


def test_conv_out_shape_1D_causal():
    # eff 3 + 2*1 = 5, pad (4, 0): (10 + 4 - 5) // 1 + 1 = 10
    assert conv_out_shape((1, 10, 4), (3, 4, 2), 1, "causal", 1) == (1, 10, 2)


def test_numpy_integers_accepted():
    assert conv_out_len(np.int64(7), np.int64(3), np.int64(2), "same", np.int64(0)) == -(-7 // 2)
    assert conv_out_shape(np.array([1, 6, 6, 1]).tolist(), (3, 3, 1, 1), np.int32(2), np.int64(1)) == \
        (1, (6 + 2 - 3) // 2 + 1, (6 + 2 - 3) // 2 + 1, 1)


def test_a_shape_may_be_a_1D_integer_array():
    # conv_out_shape(np.array(X.shape), ...) is a shape, not data
    assert conv_out_shape(np.array([2, 5, 5, 3]), np.array([3, 3, 3, 4]), 1, 0) == \
        (2, 5 - 3 + 1, 5 - 3 + 1, 4)
