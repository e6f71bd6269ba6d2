"""Every bad input gets a clear error: one table, each message pinned with ``match=``.

Each pattern names the parameter AND the value that was received (numpy's test_errors
style), so a reworded message that drops either fails here.
"""
import re

import numpy as np
import pytest

import conv_teach as ct

X2, W2 = np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 1))      # a good 2D pair
X1, W1 = np.ones((1, 5, 2)), np.ones((3, 2, 1))            # a good 1D pair


def esc(text):
    return re.escape(text)


CASES = [
    # --- ndim
    ("X_ndim_2D", lambda: ct.conv2D(np.ones((5, 5, 2)), W2, 1, 0), ValueError,
     esc("conv2D: X must be 4-D, got shape (5, 5, 2) (3-D)")),
    ("W_ndim_2D", lambda: ct.conv2D(X2, np.ones((3, 3, 2)), 1, 0), ValueError,
     esc("conv2D: W must be 4-D, got shape (3, 3, 2) (3-D)")),
    ("X_ndim_1D", lambda: ct.conv1D(np.ones((5, 2)), W1, 1, 0), ValueError,
     esc("conv1D: X must be 3-D, got shape (5, 2) (2-D)")),
    ("W_ndim_1D", lambda: ct.conv1D(X1, np.ones((3, 3, 2, 1)), 1, 0), ValueError,
     esc("conv1D: W must be 3-D, got shape (3, 3, 2, 1) (4-D)")),
    ("X_ndim_im2col", lambda: ct.im2col(np.ones((5, 5)), (3, 3, 1, 1), 0, 1), ValueError,
     esc("im2col: X must be 4-D, got shape (5, 5) (2-D)")),
    ("X_ndim_pad1D", lambda: ct.pad1D(X2, 1), ValueError,
     esc("pad1D: X must be 3-D, got shape (1, 5, 5, 2) (4-D)")),
    # --- channels
    ("channels_2D", lambda: ct.conv2D(np.ones((1, 5, 5, 3)), W2, 1, 0), ValueError,
     esc("conv2D: X has 3 input channels but W expects 2 (X.shape[3]=3, W.shape[2]=2)")),
    ("channels_1D", lambda: ct.conv1D(np.ones((1, 5, 3)), W1, 1, 0), ValueError,
     esc("conv1D: X has 3 input channels but W expects 2 (X.shape[2]=3, W.shape[1]=2)")),
    ("channels_im2col", lambda: ct.im2col(X2, (3, 3, 4, 1), 0, 1), ValueError,
     esc("im2col: X has 2 input channels but W expects 4")),
    # --- stride
    ("stride_zero", lambda: ct.conv2D(X2, W2, 0, 0), ValueError,
     esc("conv2D: stride must be an int >= 1, got 0.")),
    ("stride_negative_1D", lambda: ct.conv1D(X1, W1, -2, 0), ValueError,
     esc("conv1D: stride must be an int >= 1, got -2.")),
    ("stride_float", lambda: ct.conv2D(X2, W2, 1.5, 0), TypeError,
     esc("conv2D: stride must be an int >= 1, got 1.5 (float)")),
    ("stride_numpy_float", lambda: ct.conv1D(X1, W1, np.float64(2.0), 0), TypeError,
     r"conv1D: stride must be an int >= 1, got (np\.float64\()?2\.0\)? \(float64\)"),
    ("stride_bool", lambda: ct.conv2D(X2, W2, True, 0), TypeError,
     esc("conv2D: stride must be an int >= 1, got the bool True")),
    ("stride_None", lambda: ct.conv2D(X2, W2, None, 0), TypeError,
     esc("conv2D: stride must be an int >= 1, got None (NoneType)")),
    ("stride_pair_wrong_length", lambda: ct.conv2D(X2, W2, (1, 2, 3), 0), ValueError,
     esc("conv2D: stride must be an int >= 1 or a (rows, cols) pair, got a 3-tuple (1, 2, 3)")),
    ("stride_pair_entry_zero", lambda: ct.conv2D(X2, W2, (1, 0), 0), ValueError,
     esc("conv2D: stride[1] must be an int >= 1, got 0.")),
    ("stride_pair_in_1D", lambda: ct.conv1D(X1, W1, (1, 1), 0), TypeError,
     esc("conv1D: stride must be an int >= 1, got (1, 1) (tuple)")),
    # --- dilation
    ("dilation_negative", lambda: ct.conv2D(X2, W2, 1, 0, dilation=-1), ValueError,
     esc("conv2D: dilation must be an int >= 0, got -1.") + ".*torch's dilation=1"),
    ("dilation_negative_1D", lambda: ct.conv1D(X1, W1, 1, 0, dilation=-2), ValueError,
     esc("conv1D: dilation must be an int >= 0, got -2.")),
    ("dilation_pair_entry_negative", lambda: ct.conv2D(X2, W2, 1, 0, dilation=(0, -1)), ValueError,
     esc("conv2D: dilation[1] must be an int >= 0, got -1.")),
    ("dilation_float", lambda: ct.conv2D(X2, W2, 1, 0, dilation=0.5), TypeError,
     esc("conv2D: dilation must be an int >= 0, got 0.5 (float)")),
    ("dilate_negative", lambda: ct.dilate(X2, -1), ValueError,
     esc("dilate: d must be an int >= 0, got -1.")),
    # --- pad
    ("pad_negative", lambda: ct.conv2D(X2, W2, 1, -1), ValueError,
     esc("conv2D: pad must be an int >= 0, got -1; padding adds zeros")),
    ("pad_bool", lambda: ct.conv2D(X2, W2, 1, True), TypeError,
     esc("conv2D: pad must be an int >= 0, got the bool True")),
    ("pad_float", lambda: ct.conv2D(X2, W2, 1, 1.0), TypeError,
     esc("conv2D: pad must be an int >= 0, got 1.0 (float)")),
    ("pad_None", lambda: ct.conv2D(X2, W2, 1, None), TypeError,
     esc("conv2D: pad must be an int >= 0, a 2-tuple (rows, cols), a 4-tuple (top, bottom, left, "
         "right), 'same' or 'valid'; got None (NoneType)")),
    ("pad_tuple_entry_negative", lambda: ct.conv2D(X2, W2, 1, (1, -1)), ValueError,
     esc("conv2D: pad[1] of (rows, cols) must be an int >= 0, got -1")),
    ("pad_4tuple_entry_float", lambda: ct.conv2D(X2, W2, 1, (0, 0, 0.5, 0)), TypeError,
     esc("conv2D: pad[2] of (top, bottom, left, right) must be an int >= 0, got 0.5 (float)")),
    ("pad_tuple_entry_bool_1D", lambda: ct.conv1D(X1, W1, 1, (True, 0)), TypeError,
     esc("conv1D: pad[0] of (left, right) must be an int >= 0, got the bool True")),
    ("pad_3tuple_2D", lambda: ct.conv2D(X2, W2, 1, (1, 2, 3)), ValueError,
     esc("conv2D: pad must be an int >= 0, a 2-tuple (rows, cols), a 4-tuple (top, bottom, left, "
         "right), 'same' or 'valid'; got a 3-tuple (1, 2, 3).")),
    ("pad_4tuple_1D", lambda: ct.conv1D(X1, W1, 1, (1, 1, 1, 1)), ValueError,
     esc("conv1D: pad must be an int >= 0, a 2-tuple (left, right), 'same', 'valid' or 'causal'; "
         "got a 4-tuple (1, 1, 1, 1).")),
    ("pad_unknown_string", lambda: ct.conv2D(X2, W2, 1, "full"), ValueError,
     esc("conv2D: unknown pad 'full'; pad must be an int >= 0")),
    ("pad_unknown_string_1D", lambda: ct.pad1D(X1, "Same", kernel_width=3), ValueError,
     esc("pad1D: unknown pad 'Same'; pad must be") + ".*'same'"),
    ("pad_causal_in_2D", lambda: ct.conv2D(X2, W2, 1, "causal"), ValueError,
     esc("conv2D: pad='causal' is only defined in 1D (conv1D, pad1D)")),
    ("pad_causal_in_pad2D", lambda: ct.pad2D(X2, "causal", kernel_shape=(3, 3)), ValueError,
     esc("pad2D: pad='causal' is only defined in 1D")),
    ("same_in_pad2D_without_kernel", lambda: ct.pad2D(X2, "same"), ValueError,
     esc("pad2D: pad='same' depends on the kernel size: pass kernel_shape.")),
    ("causal_in_pad1D_without_kernel", lambda: ct.pad1D(X1, "causal"), ValueError,
     esc("pad1D: pad='causal' depends on the kernel size: pass kernel_width.")),
    # --- kernel larger than the padded input
    ("kernel_too_large_2D", lambda: ct.conv2D(np.ones((1, 3, 4, 2)), W2, 1, 0, dilation=1),
     ValueError,
     esc("conv2D: kernel (5x5 after dilation=1) is larger than the padded input (3x4)")),
    ("kernel_too_large_2D_per_axis",
     lambda: ct.conv2D(np.ones((1, 5, 5, 2)), W2, 1, (0, 0, 1, 1), dilation=(2, 0)), ValueError,
     esc("conv2D: kernel (7x3 after dilation=(2, 0)) is larger than the padded input (5x7)")),
    ("kernel_too_large_1D", lambda: ct.conv1D(np.ones((1, 3, 2)), np.ones((4, 2, 1)), 1, 0),
     ValueError,
     esc("conv1D: kernel (length 4 after dilation=0) is longer than the padded input (length 3)")),
    ("kernel_too_large_1D_dilated", lambda: ct.conv1D(X1, W1, 1, (1, 0), dilation=2), ValueError,
     esc("conv1D: kernel (length 7 after dilation=2) is longer than the padded input (length 6)")),
    ("kernel_too_large_conv_out_len", lambda: ct.conv_out_len(3, 5, pad=0), ValueError,
     esc("conv_out_len: kernel (length 5 after dilation=0) is longer than the padded input "
         "(length 3)")),
    ("kernel_too_large_im2col", lambda: ct.im2col(X2, (7, 3, 2, 1), 0, 1), ValueError,
     esc("im2col: kernel (7x3 after dilation=0) is larger than the padded input (5x5)")),
    # --- dtype
    ("dtype_strings", lambda: ct.conv2D(np.full((1, 5, 5, 2), "a"), W2, 1, 0), TypeError,
     esc("conv2D: X must hold real numbers (int or float), got dtype <U1.")),
    ("dtype_object", lambda: ct.conv2D(X2, W2.astype(object), 1, 0), TypeError,
     esc("conv2D: W must hold real numbers (int or float), got dtype object.")),
    ("dtype_bool", lambda: ct.conv1D(X1 > 0, W1, 1, 0), TypeError,
     esc("conv1D: X must hold real numbers (int or float), got dtype bool. Bools are not numbers")),
    ("dtype_complex", lambda: ct.im2col(X2 + 1j, W2.shape, 0, 1), TypeError,
     esc("im2col: X must hold real numbers (int or float), got dtype complex128.")),
    ("dtype_bool_W", lambda: ct.conv2D(X2, W2 > 0, 1, 0), TypeError,
     esc("conv2D: W must hold real numbers (int or float), got dtype bool. Bools are not numbers "
         "here: use W.astype(float).")),
    ("ragged_list", lambda: ct.conv1D([[[1.0], [2.0]], [[1.0]]], W1[:, :1], 1, 0), ValueError,
     esc("conv1D: X must be an array (or equally long nested lists) of real numbers, got "
         "[[[1.0], [2.0]], [[1.0]]], which numpy cannot make into one array")),
    # --- empty axes
    ("empty_rows", lambda: ct.conv2D(np.ones((1, 0, 5, 2)), W2, 1, 0), ValueError,
     esc("conv2D: X has an empty axis, shape (1, 0, 5, 2) (only the batch axis may be 0).")),
    ("empty_kernel_1D", lambda: ct.conv1D(X1, np.ones((0, 2, 1)), 1, 0), ValueError,
     esc("conv1D: W has an empty axis, shape (0, 2, 1).")),
    # --- col2im
    ("col2im_X_col_wrong_shape",
     lambda: ct.col2im(np.ones((9, 5)), (1, 4, 4, 1), (3, 3, 1, 1), 0, 1), ValueError,
     esc("col2im: X_col must have shape (in_ch*fr*fc, out_rows*out_cols*n_ex) = (9, 4) for "
         "X_shape=(1, 4, 4, 1) and W_shape=(3, 3, 1, 1), got (9, 5).")),
    ("col2im_X_col_ndim", lambda: ct.col2im(np.ones((9, 4, 1)), (1, 4, 4, 1), (3, 3, 1, 1), 0, 1),
     ValueError, esc("col2im: X_col must be 2-D, got shape (9, 4, 1) (3-D)")),
    ("col2im_X_shape_length", lambda: ct.col2im(np.ones((9, 4)), (4, 4, 1), (3, 3, 1, 1), 0, 1),
     ValueError, esc("col2im: X_shape must be a tuple of 4 ints, got (4, 4, 1).")),
    ("col2im_channels", lambda: ct.col2im(np.ones((18, 9)), (1, 5, 5, 2), (3, 3, 1, 1), 0, 1),
     ValueError, esc("col2im: X has 2 input channels but W expects 1")),
    # --- shapes given where arrays belong, and the other way round
    ("W_instead_of_W_shape", lambda: ct.im2col(X2, W2, 0, 1), ValueError,
     esc("im2col: W_shape must be a tuple of ints, got an array of shape (3, 3, 2, 1); "
         "pass W.shape, not W itself.")),
    ("X_instead_of_X_shape", lambda: ct.conv_out_shape(X2, W2.shape), ValueError,
     esc("conv_out_shape: X_shape must be a tuple of ints, got an array of shape (1, 5, 5, 2); "
         "pass X.shape, not X itself.")),
    ("kernel_shape_is_W_shape", lambda: ct.pad2D(X2, "same", kernel_shape=W2.shape), ValueError,
     esc("pad2D: kernel_shape must be an int >= 1 or a (rows, cols) pair, got a 4-tuple "
         "(3, 3, 2, 1).")),
    ("kernel_width_zero", lambda: ct.pad1D(X1, "same", kernel_width=0), ValueError,
     esc("pad1D: kernel_width must be an int >= 1, got 0.")),
    ("stride_ndarray", lambda: ct.conv2D(X2, W2, np.array([1, 2]), 0), TypeError,
     esc("conv2D: stride must be an int >= 1 or a (rows, cols) pair, got array([1, 2]).")),
    ("dilate_bool", lambda: ct.dilate(X2, True), TypeError,
     esc("dilate: d must be an int >= 0, got the bool True.")),
    ("max_bytes_negative", lambda: ct.im2col(X2, W2.shape, 0, 1, max_bytes=-1), ValueError,
     esc("im2col: max_bytes must be an int >= 1, got -1.")),
    ("conv_out_len_pad_4tuple", lambda: ct.conv_out_len(5, 3, pad=(1, 2, 3, 4)), ValueError,
     esc("conv_out_len: pad must be an int >= 0, a 2-tuple (left, right), 'same', 'valid' or "
         "'causal'; got a 4-tuple (1, 2, 3, 4).")),
    # --- backward
    ("dZ_wrong_shape_2D",
     lambda: ct.conv2D_backward(np.ones((1, 5, 5, 1)), X2, W2, 1, 0), ValueError,
     esc("conv2D_backward: dZ must have the shape of the forward output (1, 3, 3, 1), "
         "got (1, 5, 5, 1).")),
    ("dZ_wrong_shape_1D",
     lambda: ct.conv1D_backward(np.ones((1, 5, 1)), X1, W1, 2, "causal"), ValueError,
     esc("conv1D_backward: dZ must have the shape of the forward output (1, 3, 1), "
         "got (1, 5, 1).")),
    ("dZ_wrong_ndim", lambda: ct.conv2D_backward(np.ones((3, 3, 1)), X2, W2, 1, 0), ValueError,
     esc("conv2D_backward: dZ must be 4-D, got shape (3, 3, 1) (3-D)")),
    # --- conv_out_shape / conv_out_len
    ("conv_out_shape_X_shape_length",
     lambda: ct.conv_out_shape((1, 2, 3, 4, 5), (3, 3, 4, 1)), ValueError,
     esc("conv_out_shape: X_shape must have 3 (1D) or 4 (2D) entries, got (1, 2, 3, 4, 5).")),
    ("conv_out_shape_X_shape_not_a_tuple", lambda: ct.conv_out_shape(5, (3, 3, 4, 1)), ValueError,
     esc("conv_out_shape: X_shape must have 3 (1D) or 4 (2D) entries, got 5.")),
    ("conv_out_shape_W_shape_length",
     lambda: ct.conv_out_shape((1, 5, 5, 2), (3, 3, 2)), ValueError,
     esc("conv_out_shape: W_shape must be a tuple of 4 ints, got (3, 3, 2).")),
    ("conv_out_shape_channels",
     lambda: ct.conv_out_shape((1, 5, 2), (3, 4, 1)), ValueError,
     esc("conv_out_shape: X has 2 input channels but W expects 4 (X.shape[2]=2, W.shape[1]=4)")),
    ("conv_out_len_kernel_zero", lambda: ct.conv_out_len(5, 0), ValueError,
     esc("conv_out_len: kernel must be an int >= 1, got 0.")),
    ("conv_out_len_in_len_float", lambda: ct.conv_out_len(5.0, 3), TypeError,
     esc("conv_out_len: in_len must be an int >= 1, got 5.0 (float)")),
]


@pytest.mark.parametrize("call, exc, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_error(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_error_ids_are_unique():
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("call", [
    lambda: ct.conv1D(np.ones((1, 3, 2)), np.ones((4, 2, 1)), 1, 0),
    lambda: ct.conv1D_backward(np.ones((1, 1, 1)), np.ones((1, 3, 2)), np.ones((4, 2, 1)), 1, 0),
    lambda: ct.pad1D(np.ones((1, 3, 2)), -1),
    lambda: ct.conv_out_len(3, 5),
], ids=["conv1D", "conv1D_backward", "pad1D", "conv_out_len"])
def test_1D_errors_speak_of_lengths_not_rows_and_cols(call):
    # numpy-ml's 1D errors say "out_rows = 1"; a student with a sequence has no rows
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert not re.search(r"\b(rows|cols|\d+x\d+)\b", message), message


def test_errors_are_raised_before_any_work():
    # a bad stride on a huge (zero-strided, memory-free) input fails at once, not after im2col
    X = np.lib.stride_tricks.as_strided(np.zeros(1), (2 ** 12, 2 ** 10, 2 ** 10, 1), (0,) * 4)
    with pytest.raises(ValueError, match="stride must be"):
        ct.conv2D(X, np.ones((3, 3, 1, 1)), 0, 1)
