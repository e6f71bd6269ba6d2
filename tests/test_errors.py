"""Every bad input gets a clear error: one table, each message pinned with ``match=``.

Each pattern names the parameter AND the value that was received (numpy's test_errors
style), so a reworded message that drops either fails here.
"""
import re

import numpy as np
import pytest

import conv_teach as ct
import conv_teach.reference  # noqa: F401  (ct.reference)

X2, W2 = np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 1))      # a good 2D pair
X1, W1 = np.ones((1, 5, 2)), np.ones((3, 2, 1))            # a good 1D pair
X4g = np.ones((1, 5, 5, 4))                                 # 4 channels: groups 1, 2 or 4


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
    ("channels_X_in_NCHW_hint", lambda: ct.conv2D(np.ones((2, 4, 9, 9)), np.ones((3, 3, 4, 8)), 1, 0),
     ValueError, esc("(n_ex, in_rows, in_cols, in_ch); W is (fr, fc, in_ch, out_ch). If X is in torch's "
                     "NCHW layout (channels on axis 1), pass X.transpose(0, 2, 3, 1): conv_teach's X is NHWC.")),
    ("channels_W_in_torch_layout_hint", lambda: ct.conv2D(np.ones((2, 9, 9, 4)), np.ones((8, 4, 3, 3)), 1, 0),
     ValueError, esc("If W is in torch's conv2d layout (out_ch, in_ch, kH, kW), pass W.transpose(2, 3, 1, 0).")),
    ("channels_X_in_NCL_hint", lambda: ct.conv1D(np.ones((2, 4, 9)), np.ones((3, 4, 8)), 1, 0),
     ValueError, esc("If X is in torch's NCL layout (channels on axis 1), pass X.transpose(0, 2, 1): "
                     "conv_teach's X is NLC.")),
    ("channels_depthwise_kernel_hints_groups", lambda: ct.conv2D(np.ones((1, 5, 5, 4)), np.ones((3, 3, 1, 4)), 1, 0),
     ValueError, esc("conv2D: X has 4 input channels but W expects 1 (X.shape[3]=4, W.shape[2]=1). X is "
                     "(n_ex, in_rows, in_cols, in_ch); W is (fr, fc, in_ch, out_ch). If W is a grouped kernel "
                     "(depthwise: each output channel reads 1 of the 4), pass groups=4.")),
    ("channels_grouped_kernel_hints_groups", lambda: ct.conv1D_backward(
        np.ones((1, 3, 3)), np.ones((1, 5, 6)), np.ones((3, 2, 3)), 1, 0), ValueError,
     esc("conv1D_backward: X has 6 input channels but W expects 2 (X.shape[2]=6, W.shape[1]=2). X is "
         "(n_ex, l_in, in_ch); W is (fw, in_ch, out_ch). If W is a grouped kernel (each output channel "
         "reads 2 of the 6), pass groups=3.")),
    ("channels_grouped_hint_needs_out_ch", lambda: ct.conv2D(np.ones((1, 5, 5, 2)), np.ones((3, 3, 1, 3)), 1, 0),
     ValueError, esc("If W is meant as a grouped kernel (depthwise: each output channel reads 1 of the 2), "
                     "groups=2 also needs W's out_ch, 3, to be a multiple of 2.")),
    ("channels_X_and_W_both_in_torch_layouts", lambda: ct.conv2D(np.ones((2, 3, 8, 8)), np.ones((6, 3, 3, 3)), 1, 0),
     ValueError, esc("If X and W are in torch's layouts (NCHW, and conv2d's (out_ch, in_ch, kH, kW)), pass "
                     "X.transpose(0, 2, 3, 1) and W.transpose(2, 3, 1, 0): conv_teach's X is NHWC and its W "
                     "(fr, fc, in_ch, out_ch).")),
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
     lambda: ct.conv_out_shape((1, 5, 5, 2), (3, 3, 2, 1, 1)), ValueError,
     esc("conv_out_shape: W_shape must be a tuple of 4 ints, got (3, 3, 2, 1, 1).")),
    # the case: X_shape's length is what is wrong, and both are named
    ("conv_out_shape_1D_X_2D_W", lambda: ct.conv_out_shape((1, 5, 5), (3, 3, 1, 1)), ValueError,
     esc("conv_out_shape: X_shape has 3 entries (1D) but W_shape has 4 (2D); give both in 1D")),
    ("conv_out_shape_2D_X_1D_W",
     lambda: ct.conv_out_shape((1, 5, 5, 2), (3, 3, 2)), ValueError,
     esc("conv_out_shape: X_shape has 4 entries (2D) but W_shape has 3 (1D)")),
    ("conv_out_shape_channels",
     lambda: ct.conv_out_shape((1, 5, 2), (3, 4, 1)), ValueError,
     esc("conv_out_shape: X has 2 input channels but W expects 4 (X.shape[2]=2, W.shape[1]=4)")),
    ("conv_out_len_kernel_zero", lambda: ct.conv_out_len(5, 0), ValueError,
     esc("conv_out_len: kernel must be an int >= 1, got 0.")),
    ("conv_out_len_in_len_float", lambda: ct.conv_out_len(5.0, 3), TypeError,
     esc("conv_out_len: in_len must be an int >= 1, got 5.0 (float)")),
    # --- the shape helpers check their arguments (no ZeroDivisionError, no floats, no wrap)
    ("same_pad_stride_zero", lambda: ct.same_pad(5, 3, stride=0), ValueError,
     esc("same_pad: stride must be an int >= 1, got 0.")),
    ("same_pad_stride_negative", lambda: ct.same_pad(5, 3, stride=-2), ValueError,
     esc("same_pad: stride must be an int >= 1, got -2.")),
    ("same_pad_float_length", lambda: ct.same_pad(5.5, 3), TypeError,
     esc("same_pad: in_len must be an int >= 1, got 5.5 (float).")),
    ("same_pad_kernel_zero", lambda: ct.same_pad(5, 0), ValueError,
     esc("same_pad: kernel must be an int >= 1, got 0.")),
    ("same_pad_dilation_negative", lambda: ct.same_pad(5, 3, 1, -1), ValueError,
     esc("same_pad: dilation must be an int >= 0, got -1.")),
    ("causal_pad_dilation_negative", lambda: ct.causal_pad(3, -2), ValueError,
     esc("causal_pad: dilation must be an int >= 0, got -2.")),
    ("causal_pad_kernel_bool", lambda: ct.causal_pad(True), TypeError,
     esc("causal_pad: kernel must be an int >= 1, got the bool True.")),
    ("effective_kernel_zero", lambda: ct.effective_kernel(0), ValueError,
     esc("effective_kernel: kernel must be an int >= 1, got 0.")),
    ("effective_kernel_float_dilation", lambda: ct.effective_kernel(3, 0.5), TypeError,
     esc("effective_kernel: dilation must be an int >= 0, got 0.5 (float).")),
    ("effective_kernel_negative_numpy_int", lambda: ct.effective_kernel(np.int8(-3)), ValueError,
     esc("effective_kernel: kernel must be an int >= 1, got -3.")),
    # --- sizes in Python ints before anything is allocated: refused with the size
    ("pad2D_2_to_63", lambda: ct.pad2D(X2, 2 ** 63), MemoryError,
     esc("pad2D: X_pad would have shape (1, 18446744073709551621, 18446744073709551621, 2) "
         "(float64) and need ")),
    ("pad2D_million", lambda: ct.pad2D(X2, 10 ** 6), ct.ArrayTooLarge,
     esc("pad2D: X_pad would have shape (1, 2000005, 2000005, 2) (float64) and need 58.21 TiB "
         "(64000320000400 bytes), more than the limit of 4.00 GiB (4294967296 bytes).")),
    ("pad1D_huge", lambda: ct.pad1D(X1, (0, 2 ** 40)), ct.ArrayTooLarge,
     esc("pad1D: X_pad would have shape (1, 1099511627781, 2) (float64) and need 16.00 TiB")),
    ("pad2D_max_bytes", lambda: ct.pad2D(X2, 1, max_bytes=391), ct.ArrayTooLarge,
     esc("pad2D: X_pad would have shape (1, 7, 7, 2) (float64) and need 784 bytes (784 bytes), "
         "more than the limit of 391 bytes")),
    ("dilate_2_to_63", lambda: ct.dilate(X2, 2 ** 63), ct.ArrayTooLarge,
     esc("dilate: the dilated array would have shape (1, 36893488147419103237, "
         "36893488147419103237, 2) (float64)")),
    ("conv2D_output_32_GiB",
     lambda: ct.conv2D(np.lib.stride_tricks.as_strided(np.zeros(1), (2 ** 12, 2 ** 10, 2 ** 10, 1),
                                                       (0,) * 4), np.ones((1, 1, 1, 1)), 1, 0),
     ct.ArrayTooLarge,
     esc("conv2D: the output Z would have shape (4096, 1024, 1024, 1) (float64) and need "
         "32.00 GiB (34359738368 bytes)")),
    # the output is (1, 3, 2, 1), but the second window column starts 2**40 cells to the right
    ("conv2D_padded_block_too_large", lambda: ct.conv2D(X2, W2, (1, 2 ** 40), (0, 0, 2 ** 40, 0)),
     ct.ArrayTooLarge,
     esc("conv2D: the padded input would have shape (1, 5, 1099511627781, 2) (float64)")),
    ("conv2D_max_bytes", lambda: ct.conv2D(X2, W2, 1, 0, max_bytes=71), ct.ArrayTooLarge,
     esc("conv2D: the output Z would have shape (1, 3, 3, 1) (float64) and need 72 bytes")),
    ("conv2D_max_bytes_zero", lambda: ct.conv2D(X2, W2, 1, 0, max_bytes=0), ValueError,
     esc("conv2D: max_bytes must be an int >= 1, got 0.")),
    ("conv1D_output_too_large", lambda: ct.conv1D(X1, W1, 1, (2 ** 40, 0)), ct.ArrayTooLarge,
     esc("conv1D: the output Z would have shape (1, 1, 1099511627779, 1) (float64) and need "
         "8.00 TiB")),
    ("transpose_stride_million", lambda: ct.conv2D_transpose(X2, W2, 10 ** 6, 0), ct.ArrayTooLarge,
     esc("conv2D_transpose: the output Z would have shape (1, 4000003, 4000003, 1) (float64) and "
         "need 116.42 TiB (128000192000072 bytes)")),
    ("col2im_buffer_too_large",
     lambda: ct.col2im(np.lib.stride_tricks.as_strided(np.zeros(1), (1, (2 * 10 ** 6 + 1) ** 2),
                                                       (0, 0)), (1, 1, 1, 1), (1, 1, 1, 1), 10 ** 6, 1),
     ct.ArrayTooLarge,
     esc("col2im: the padded output buffer would have shape (1, 2000001, 2000001, 1) (float64) "
         "and need 29.10 TiB")),
    ("backward_dX_too_large",
     lambda: ct.conv2D_backward(
         np.lib.stride_tricks.as_strided(np.zeros(1), (2 ** 12, 2 ** 10, 2 ** 10, 1), (0,) * 4),
         np.lib.stride_tricks.as_strided(np.zeros(1), (2 ** 12, 2 ** 10, 2 ** 10, 1), (0,) * 4),
         np.ones((1, 1, 1, 1)), 1, 0),
     ct.ArrayTooLarge,
     esc("conv2D_backward: the input gradient dX would have shape (4096, 1024, 1024, 1) (float64) "
         "and need 32.00 GiB")),
    ("conv1D_backward_max_bytes",
     lambda: ct.conv1D_backward(np.ones((1, 3, 1)), X1, W1, 1, 0, max_bytes=79), ct.ArrayTooLarge,
     esc("conv1D_backward: the input gradient dX would have shape (1, 1, 5, 2) (float64) and need "
         "80 bytes")),
    # --- masked arrays and other subclasses whose meaning numpy would drop
    ("masked_X", lambda: ct.conv2D(np.ma.masked_greater(X2, 0), W2, 1, 0), TypeError,
     esc("conv2D: X is a masked array; its mask would be ignored and the hidden values used. Say "
         "what masked cells should be: pass X.filled(0)")),
    ("masked_W_1D", lambda: ct.conv1D(X1, np.ma.masked_array(W1), 1, 0), TypeError,
     esc("conv1D: W is a masked array;")),
    ("masked_dZ", lambda: ct.conv2D_backward(np.ma.ones((1, 3, 3, 1)), X2, W2, 1, 0), TypeError,
     esc("conv2D_backward: dZ is a masked array;")),
    ("masked_pad2D", lambda: ct.pad2D(np.ma.masked_array(X2), 1), TypeError,
     esc("pad2D: X is a masked array;")),
    ("matrix_X_col", lambda: ct.col2im(np.asmatrix(np.ones((9, 4))), (1, 4, 4, 1), (3, 3, 1, 1), 0, 1),
     TypeError,
     esc("col2im: X_col is a numpy.matrix, a NumPy subclass whose meaning (units, mask, matrix "
         "algebra) would be dropped; pass np.asarray(X_col) to use its plain numbers.")),
    ("masked_loops", lambda: ct.conv2D_loops(np.ma.masked_array(X2), W2, 1, 0), TypeError,
     esc("conv2D_loops: X is a masked array;")),
    # --- zero sizes other than the batch stay errors
    ("zero_out_channels", lambda: ct.conv2D(X2, np.ones((3, 3, 2, 0)), 1, 0), ValueError,
     esc("conv2D: W has an empty axis, shape (3, 3, 2, 0).")),
    ("zero_in_channels_transpose", lambda: ct.conv2D_transpose(np.ones((1, 2, 2, 0)),
                                                                np.ones((3, 3, 0, 1)), 1, 0),
     ValueError, esc("conv2D_transpose: X has an empty axis, shape (1, 2, 2, 0) (only the batch "
                     "axis may be 0).")),
    ("col2im_X_shape_zero_rows", lambda: ct.col2im(np.ones((9, 0)), (1, 0, 4, 1), (3, 3, 1, 1), 0, 1),
     ValueError, esc("col2im: X_shape[1] must be an int >= 1, got 0.")),
    # --- the loop references check their arguments too, in their own names
    ("loops_kernel_too_large", lambda: ct.conv2D_loops(np.ones((1, 2, 2, 2)), W2, 1, 0), ValueError,
     esc("conv2D_loops: kernel (3x3 after dilation=0) is larger than the padded input (2x2)")),
    ("loops_1D_kernel_too_large", lambda: ct.conv1D_loops(np.ones((1, 2, 2)), W1, 1, 0), ValueError,
     esc("conv1D_loops: kernel (length 3 after dilation=0) is longer than the padded input "
         "(length 2)")),
    ("loops_channels", lambda: ct.conv2D_loops(np.ones((1, 5, 5, 3)), W2, 1, 0), ValueError,
     esc("conv2D_loops: X has 3 input channels but W expects 2 (X.shape[3]=3, W.shape[2]=2)")),
    ("loops_1D_channels", lambda: ct.conv1D_loops(np.ones((1, 5, 3)), W1, 1, 0), ValueError,
     esc("conv1D_loops: X has 3 input channels but W expects 2 (X.shape[2]=3, W.shape[1]=2)")),
    ("loops_stride_zero", lambda: ct.conv2D_loops(X2, W2, 0, 0), ValueError,
     esc("conv2D_loops: stride must be an int >= 1, got 0.")),
    ("loops_pad_unknown", lambda: ct.conv1D_loops(X1, W1, 1, "full"), ValueError,
     esc("conv1D_loops: unknown pad 'full'")),
    ("loops_X_ndim", lambda: ct.conv2D_loops(np.ones((5, 5, 2)), W2, 1, 0), ValueError,
     esc("conv2D_loops: X must be 4-D, got shape (5, 5, 2) (3-D)")),
    ("im2col_loops_W_not_shape", lambda: ct.im2col_loops(X2, W2, 0, 1), ValueError,
     esc("im2col_loops: W_shape must be a tuple of ints, got an array of shape (3, 3, 2, 1)")),
    ("col2im_loops_X_col_shape",
     lambda: ct.col2im_loops(np.ones((9, 5)), (1, 4, 4, 1), (3, 3, 1, 1), 0, 1), ValueError,
     esc("col2im_loops: X_col must have shape (in_ch*fr*fc, out_rows*out_cols*n_ex) = (9, 4)")),
    ("backward_loops_dZ_shape",
     lambda: ct.conv2D_backward_loops(np.ones((1, 5, 5, 1)), X2, W2, 1, 0), ValueError,
     esc("conv2D_backward_loops: dZ must have the shape of the forward output (1, 3, 3, 1), "
         "got (1, 5, 5, 1).")),
    ("backward_loops_1D_dZ_shape",
     lambda: ct.conv1D_backward_loops(np.ones((1, 5, 1)), X1, W1, 2, "causal"), ValueError,
     esc("conv1D_backward_loops: dZ must have the shape of the forward output (1, 3, 1)")),
    ("transpose_loops_output_padding",
     lambda: ct.conv2D_transpose_loops(X2, W2, 2, 0, output_padding=5), ValueError,
     esc("conv2D_transpose_loops: output_padding must be smaller than max(stride, dilation + 1) "
         "on each axis (here (2, 2)), got (5, 5).")),
    ("transpose_loops_same_output_padding",
     lambda: ct.conv2D_transpose_loops(X2, W2, 2, "same", output_padding=1), ValueError,
     esc("conv2D_transpose_loops: pad='same' already chooses the output size")),
    ("transpose_loops_crops_everything",
     lambda: ct.conv2D_transpose_loops(np.ones((1, 1, 1, 2)), W2, 1, 2), ValueError,
     esc("conv2D_transpose_loops: pad (2, 2, 2, 2) crops the whole output")),
    ("transpose_loops_channels",
     lambda: ct.conv2D_transpose_loops(np.ones((1, 2, 2, 3)), W2, 1, 0), ValueError,
     esc("conv2D_transpose_loops: X has 3 input channels but W expects 2")),
    ("receptive_field_cell", lambda: ct.reference.receptive_field(5, (3, 3)), ValueError,
     esc("receptive_field: cell must be an output position (i, j), got 5.")),
    ("receptive_field_negative_cell", lambda: ct.reference.receptive_field((0, -1), (3, 3)),
     ValueError, esc("receptive_field: cell[1] must be an int >= 0, got -1.")),
    ("receptive_field_stride", lambda: ct.reference.receptive_field((0, 0), (3, 3), 0), ValueError,
     esc("receptive_field: stride must be an int >= 1, got 0.")),
    # --- groups (grouped and depthwise convolution)
    ("groups_indivisible_in_ch", lambda: ct.conv2D(X4g, np.ones((3, 3, 1, 6)), 1, 0, groups=3),
     ValueError, esc("conv2D: groups=3 must divide the input channels, but X has 4 "
                     "(X.shape[3]=4); groups dividing 4: 1, 2, 4.")),
    ("groups_indivisible_out_ch", lambda: ct.conv2D(X4g, np.ones((3, 3, 2, 3)), 1, 0, groups=2),
     ValueError, esc("conv2D: groups=2 must divide the output channels, but W has 3 "
                     "(W.shape[3]=3); each group makes out_ch // groups of them.")),
    ("groups_W_channel_axis_dense", lambda: ct.conv2D(X4g, np.ones((3, 3, 4, 4)), 1, 0, groups=2),
     ValueError, esc("conv2D: with groups=2, W's input-channel axis must be in_ch // groups = "
                     "4 // 2 = 2, got W.shape[2]=4 (W looks like a dense kernel")),
    ("groups_W_channel_axis_depthwise",
     lambda: ct.conv2D(X4g, np.ones((3, 3, 2, 4)), 1, 0, groups=4), ValueError,
     esc("conv2D: with groups=4, W's input-channel axis must be in_ch // groups = 4 // 4 = 1, "
         "got W.shape[2]=2.")),
    ("groups_zero", lambda: ct.conv2D(X4g, np.ones((3, 3, 4, 4)), 1, 0, groups=0), ValueError,
     esc("conv2D: groups must be an int >= 1, got 0.") + ".*groups=in_ch is depthwise"),
    ("groups_negative_1D", lambda: ct.conv1D(X1, W1, 1, 0, groups=-1), ValueError,
     esc("conv1D: groups must be an int >= 1, got -1.")),
    ("groups_float", lambda: ct.conv2D(X4g, np.ones((3, 3, 2, 4)), 1, 0, groups=2.0), TypeError,
     esc("conv2D: groups must be an int >= 1, got 2.0 (float).")),
    ("groups_bool", lambda: ct.conv2D(X2, W2, 1, 0, groups=True), TypeError,
     esc("conv2D: groups must be an int >= 1, got the bool True.")),
    ("groups_None_backward", lambda: ct.conv2D_backward(np.ones((1, 3, 3, 1)), X2, W2, 1, 0,
                                                         groups=None), TypeError,
     esc("conv2D_backward: groups must be an int >= 1, got None (NoneType).")),
    ("groups_indivisible_1D", lambda: ct.conv1D(np.ones((1, 5, 3)), np.ones((3, 1, 4)), 1, 0,
                                                groups=2), ValueError,
     esc("conv1D: groups=2 must divide the input channels, but X has 3 (X.shape[2]=3)")),
    ("groups_W_channel_axis_1D", lambda: ct.conv1D(np.ones((1, 5, 4)), np.ones((3, 1, 4)), 1, 0,
                                                   groups=2), ValueError,
     esc("conv1D: with groups=2, W's input-channel axis must be in_ch // groups = 4 // 2 = 2, "
         "got W.shape[1]=1.")),
    ("groups_backward_W_axis",
     lambda: ct.conv2D_backward(np.ones((1, 3, 3, 4)), X4g, np.ones((3, 3, 4, 4)), 1, 0, groups=4),
     ValueError, esc("conv2D_backward: with groups=4, W's input-channel axis must be in_ch // "
                     "groups = 4 // 4 = 1, got W.shape[2]=4")),
    ("groups_backward_1D_out_ch",
     lambda: ct.conv1D_backward(np.ones((1, 3, 3)), np.ones((1, 5, 2)), np.ones((3, 1, 3)), 1, 0,
                                groups=2), ValueError,
     esc("conv1D_backward: groups=2 must divide the output channels, but W has 3 (W.shape[2]=3)")),
    ("groups_transpose_indivisible",
     lambda: ct.conv2D_transpose(np.ones((1, 2, 2, 3)), np.ones((3, 3, 3, 1)), 1, 0, groups=2),
     ValueError, esc("conv2D_transpose: groups=2 must divide the input channels, but X has 3 "
                     "(X.shape[3]=3)")),
    ("groups_transpose_W_in_ch",
     lambda: ct.conv2D_transpose(np.ones((1, 2, 2, 4)), np.ones((3, 3, 2, 1)), 1, 0, groups=2),
     ValueError, esc("conv2D_transpose: X has 4 input channels but W expects 2 (X.shape[3]=4, "
                     "W.shape[2]=2)")),
    ("groups_transpose_zero",
     lambda: ct.conv2D_transpose(np.ones((1, 2, 2, 4)), np.ones((3, 3, 4, 1)), 1, 0, groups=0),
     ValueError, esc("conv2D_transpose: groups must be an int >= 1, got 0.")),
    ("groups_loops", lambda: ct.conv2D_loops(X4g, np.ones((3, 3, 1, 6)), 1, 0, groups=3),
     ValueError, esc("conv2D_loops: groups=3 must divide the input channels, but X has 4")),
    ("groups_loops_float", lambda: ct.conv1D_backward_loops(np.ones((1, 3, 1)), X1, W1, 1, 0,
                                                            groups=1.5), TypeError,
     esc("conv1D_backward_loops: groups must be an int >= 1, got 1.5 (float).")),
    ("groups_transpose_loops", lambda: ct.conv2D_transpose_loops(
        np.ones((1, 2, 2, 3)), np.ones((3, 3, 3, 1)), 1, 0, groups=2), ValueError,
     esc("conv2D_transpose_loops: groups=2 must divide the input channels, but X has 3")),
    ("groups_max_bytes", lambda: ct.conv2D(X4g, np.ones((3, 3, 2, 4)), 1, 0, groups=2,
                                           max_bytes=287), ct.ArrayTooLarge,
     esc("conv2D: the output Z would have shape (1, 3, 3, 4) (float64) and need 288 bytes")),
    ("groups_depthwise_output_too_large",
     lambda: ct.conv2D(np.lib.stride_tricks.as_strided(np.zeros(1), (2 ** 12, 2 ** 10, 2 ** 10, 2),
                                                       (0,) * 4), np.ones((1, 1, 1, 2)), 1, 0,
                       groups=2), ct.ArrayTooLarge,
     esc("conv2D: the output Z would have shape (4096, 1024, 1024, 2) (float64) and need "
         "64.00 GiB")),
    ("groups_backward_max_bytes",
     lambda: ct.conv1D_backward(np.ones((1, 3, 2)), np.ones((1, 5, 2)), np.ones((3, 1, 2)), 1, 0,
                                groups=2, max_bytes=79), ct.ArrayTooLarge,
     esc("conv1D_backward: the input gradient dX would have shape (1, 1, 5, 2) (float64) and "
         "need 80 bytes")),
    ("groups_transpose_max_bytes",
     lambda: ct.conv2D_transpose(np.ones((1, 2, 2, 4)), np.ones((3, 3, 4, 1)), 1, 0, groups=4,
                                 max_bytes=100), ct.ArrayTooLarge,
     esc("conv2D_transpose: the output Z would have shape (1, 4, 4, 4) (float64) and need "
         "512 bytes")),
    ("block_diagonal_indivisible", lambda: ct.block_diagonal(np.ones((3, 3, 2, 3)), 2),
     ValueError, esc("block_diagonal: groups=2 must divide W's output channels, got 3 "
                     "(W.shape[-1]=3); groups dividing 3: 1, 3.")),
    ("block_diagonal_transposed_indivisible",
     lambda: ct.block_diagonal(np.ones((3, 3, 3, 2)), 2, transposed=True), ValueError,
     esc("block_diagonal: groups=2 must divide W's input channels, got 3 (W.shape[-2]=3)")),
    ("block_diagonal_groups_zero", lambda: ct.block_diagonal(W2, 0), ValueError,
     esc("block_diagonal: groups must be an int >= 1, got 0.")),
    ("block_diagonal_W_ndim", lambda: ct.block_diagonal(np.ones((3, 3)), 1), ValueError,
     esc("block_diagonal: W must be 4-D, got shape (3, 3) (2-D)")),
    ("block_diagonal_transposed_not_bool", lambda: ct.block_diagonal(W2, 1, transposed=1),
     TypeError, esc("block_diagonal: transposed must be True or False, got 1 (int).")),
]


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")   # np.matrix in one row
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


# ------------------------------------------------------------------ n_ex = 0: empty, right shape
Xe, Xe1 = np.ones((0, 5, 5, 2)), np.ones((0, 7, 2))
Xe4 = np.ones((0, 5, 5, 4))
EMPTY_BATCH = [
    # (name, call, expected shape(s) written out from the formulas)
    ("conv2D", lambda: ct.conv2D(Xe, W2, 2, 1), (0, (5 + 2 - 3) // 2 + 1, 3, 1)),
    ("conv1D", lambda: ct.conv1D(Xe1, W1, 2, "causal"), (0, -(-7 // 2), 1)),
    ("conv2D_backward", lambda: ct.conv2D_backward(np.ones((0, 3, 3, 1)), Xe, W2, 2, 1),
     [(0, 5, 5, 2), (3, 3, 2, 1)]),
    ("conv1D_backward", lambda: ct.conv1D_backward(np.ones((0, 4, 1)), Xe1, W1, 2, "causal"),
     [(0, 7, 2), (3, 2, 1)]),
    ("conv2D_transpose", lambda: ct.conv2D_transpose(Xe, np.ones((3, 3, 2, 4)), 2, 1),
     (0, (5 - 1) * 2 + 3 - 2, 9, 4)),
    ("im2col", lambda: ct.im2col(Xe, W2.shape, 1, 2)[0], (2 * 3 * 3, 0)),
    ("col2im", lambda: ct.col2im(np.ones((18, 0)), (0, 5, 5, 2), W2.shape, 1, 2), (0, 5, 5, 2)),
    ("pad2D", lambda: ct.pad2D(Xe, (1, 2))[0], (0, 7, 9, 2)),
    ("pad1D", lambda: ct.pad1D(Xe1, (1, 2))[0], (0, 10, 2)),
    ("dilate", lambda: ct.dilate(Xe, 1), (0, 9, 9, 2)),
    ("conv_out_shape", lambda: np.empty(ct.conv_out_shape((0, 5, 5, 2), W2.shape, 2, 1)),
     (0, 3, 3, 1)),
    ("conv2D_loops", lambda: ct.conv2D_loops(Xe, W2, 2, 1), (0, 3, 3, 1)),
    ("conv1D_loops", lambda: ct.conv1D_loops(Xe1, W1, 2, "causal"), (0, 4, 1)),
    ("im2col_loops", lambda: ct.im2col_loops(Xe, W2.shape, 1, 2), (18, 0)),
    ("col2im_loops", lambda: ct.col2im_loops(np.ones((18, 0)), (0, 5, 5, 2), W2.shape, 1, 2),
     (0, 5, 5, 2)),
    ("conv2D_backward_loops", lambda: ct.conv2D_backward_loops(np.ones((0, 3, 3, 1)), Xe, W2, 2, 1),
     [(0, 5, 5, 2), (3, 3, 2, 1)]),
    ("conv1D_backward_loops",
     lambda: ct.conv1D_backward_loops(np.ones((0, 4, 1)), Xe1, W1, 2, "causal"),
     [(0, 7, 2), (3, 2, 1)]),
    ("conv2D_transpose_loops", lambda: ct.conv2D_transpose_loops(Xe, np.ones((3, 3, 2, 4)), 2, 1),
     (0, 9, 9, 4)),
    # groups: the grouped paths (GEMM per group and depthwise) take an empty batch too
    ("conv2D groups=2", lambda: ct.conv2D(Xe4, np.ones((3, 3, 2, 4)), 2, 1, groups=2),
     (0, 3, 3, 4)),
    ("conv2D depthwise", lambda: ct.conv2D(Xe4, np.ones((3, 3, 1, 8)), 2, 1, groups=4),
     (0, 3, 3, 8)),
    ("conv1D depthwise", lambda: ct.conv1D(Xe1, np.ones((3, 1, 2)), 2, "causal", groups=2),
     (0, 4, 2)),
    ("conv2D_backward groups=2", lambda: ct.conv2D_backward(np.ones((0, 3, 3, 4)), Xe4,
                                                            np.ones((3, 3, 2, 4)), 2, 1, groups=2),
     [(0, 5, 5, 4), (3, 3, 2, 4)]),
    ("conv2D_backward depthwise", lambda: ct.conv2D_backward(np.ones((0, 3, 3, 4)), Xe4,
                                                             np.ones((3, 3, 1, 4)), 2, 1, groups=4),
     [(0, 5, 5, 4), (3, 3, 1, 4)]),
    ("conv1D_backward depthwise", lambda: ct.conv1D_backward(np.ones((0, 4, 2)), Xe1,
                                                             np.ones((3, 1, 2)), 2, "causal",
                                                             groups=2),
     [(0, 7, 2), (3, 1, 2)]),
    ("conv2D_transpose groups=2", lambda: ct.conv2D_transpose(Xe4, np.ones((3, 3, 4, 3)), 2, 1,
                                                              groups=2), (0, 9, 9, 6)),
    ("conv2D_transpose depthwise", lambda: ct.conv2D_transpose(Xe4, np.ones((3, 3, 4, 1)), 2, 1,
                                                               groups=4), (0, 9, 9, 4)),
    ("conv2D_loops groups=2", lambda: ct.conv2D_loops(Xe4, np.ones((3, 3, 2, 4)), 2, 1, groups=2),
     (0, 3, 3, 4)),
]


# --- pooling (issue 13, conv_teach.pool and conv_teach.reference_pool): the same guarantee
_dZp, _dZp1 = np.ones((0, 2, 2, 2)), np.ones((0, 3, 2))
EMPTY_BATCH += [
    (name, call, shape) for name, call, shape in [
        ("maxpool2D", lambda: ct.maxpool2D(Xe, 2, 2, 0), (0, 2, 2, 2)),
        ("avgpool2D", lambda: ct.avgpool2D(Xe, 2, 2, 0, False), (0, 2, 2, 2)),
        ("maxpool1D", lambda: ct.maxpool1D(Xe1, 2, 2, 0), (0, 3, 2)),
        ("avgpool1D", lambda: ct.avgpool1D(Xe1, 2, 2, 0), (0, 3, 2)),
        ("maxpool2D_backward", lambda: ct.maxpool2D_backward(_dZp, Xe, 2, 2, 0), (0, 5, 5, 2)),
        ("avgpool2D_backward", lambda: ct.avgpool2D_backward(_dZp, Xe, 2, 2, 0), (0, 5, 5, 2)),
        ("maxpool1D_backward", lambda: ct.maxpool1D_backward(_dZp1, Xe1, 2, 2, 0), (0, 7, 2)),
        ("avgpool1D_backward", lambda: ct.avgpool1D_backward(_dZp1, Xe1, 2, 2, 0), (0, 7, 2)),
        ("maxpool2D_loops", lambda: ct.maxpool2D_loops(Xe, 2, 2, 0), (0, 2, 2, 2)),
        ("avgpool2D_loops", lambda: ct.avgpool2D_loops(Xe, 2, 2, 0), (0, 2, 2, 2)),
        ("maxpool1D_loops", lambda: ct.maxpool1D_loops(Xe1, 2, 2, 0), (0, 3, 2)),
        ("avgpool1D_loops", lambda: ct.avgpool1D_loops(Xe1, 2, 2, 0), (0, 3, 2)),
        ("maxpool2D_backward_loops", lambda: ct.maxpool2D_backward_loops(_dZp, Xe, 2, 2, 0), (0, 5, 5, 2)),
        ("avgpool2D_backward_loops", lambda: ct.avgpool2D_backward_loops(_dZp, Xe, 2, 2, 0), (0, 5, 5, 2)),
        ("maxpool1D_backward_loops", lambda: ct.maxpool1D_backward_loops(_dZp1, Xe1, 2, 2, 0), (0, 7, 2)),
        ("avgpool1D_backward_loops", lambda: ct.avgpool1D_backward_loops(_dZp1, Xe1, 2, 2, 0), (0, 7, 2)),
    ]
]


@pytest.mark.parametrize("call, shape", [c[1:] for c in EMPTY_BATCH], ids=[c[0] for c in EMPTY_BATCH])
def test_an_empty_batch_gives_an_empty_result_of_the_right_shape(call, shape):
    out = call()
    if isinstance(shape, list):          # (dX, dW): dW of an empty batch is all zeros
        assert [a.shape for a in out] == shape
        assert not out[1].any()
    else:
        assert out.shape == shape


def test_every_public_function_takes_an_empty_batch():
    # guards the table above: it names every function of __all__ that takes a batch
    takes_batch = {n for n in ct.__all__ if callable(getattr(ct, n)) and n not in
                   ("same_pad", "causal_pad", "effective_kernel", "conv_out_len",
                    "ColumnMatrixTooLarge", "ArrayTooLarge", "block_diagonal")}
    assert takes_batch <= {c[0] for c in EMPTY_BATCH}, takes_batch - {c[0] for c in EMPTY_BATCH}


# ------------------------------------------------------------------ huge values that fit
# each expected value is the arithmetic of the one or few windows that exist
ONES = np.ones((1, 5, 5, 1))
HUGE_BUT_FITTING = [
    # stride 2**58: one window per axis, the top-left 3x3 of ones
    ("conv2D_stride_2_58", lambda: ct.conv2D(ONES, np.ones((3, 3, 1, 1)), stride=2 ** 58, pad=0),
     np.full((1, 1, 1, 1), 9.0)),
    ("conv1D_stride_2_58", lambda: ct.conv1D(np.ones((1, 5, 1)), np.ones((3, 1, 1)), 2 ** 58, 0),
     np.full((1, 1, 1), 3.0)),
    ("im2col_stride_2_58", lambda: ct.im2col(ONES, (3, 3, 1, 1), 0, 2 ** 58)[0], np.ones((9, 1))),
    ("backward_stride_2_58",
     lambda: ct.conv2D_backward(np.ones((1, 1, 1, 1)), ONES, np.ones((3, 3, 1, 1)), 2 ** 58, 0)[0],
     np.pad(np.ones((3, 3)), ((0, 2), (0, 2)))[None, :, :, None]),
    ("transpose_stride_2_58",
     lambda: ct.conv2D_transpose(np.full((1, 1, 1, 1), 2.0), np.ones((2, 2, 1, 1)), 2 ** 58, 0),
     np.full((1, 2, 2, 1), 2.0)),
    # 'same' with dilation 2**31 on 8x8: only the centre tap ever reads the input
    ("same_dilation_2_31",
     lambda: ct.conv2D(np.arange(64.).reshape(1, 8, 8, 1), np.full((3, 3, 1, 1), 2.0), 1, "same",
                       dilation=2 ** 31),
     2.0 * np.arange(64.).reshape(1, 8, 8, 1)),
    ("same_dilation_2_31_backward",
     lambda: ct.conv2D_backward(np.ones((1, 8, 8, 1)), np.ones((1, 8, 8, 1)), np.ones((3, 3, 1, 1)),
                                1, "same", dilation=2 ** 31)[1][:, :, 0, 0],
     np.array([[0., 0, 0], [0, 64, 0], [0, 0, 0]])),
    ("dilate_one_cell_2_63", lambda: ct.dilate(np.full((1, 1, 1, 1), 4.0), 2 ** 63),
     np.full((1, 1, 1, 1), 4.0)),
    ("conv_out_len_2_62", lambda: np.array(ct.conv_out_len(2 ** 62, 3, stride=2 ** 61)), np.array(2)),
]


@pytest.mark.parametrize("call, expected", [c[1:] for c in HUGE_BUT_FITTING],
                         ids=[c[0] for c in HUGE_BUT_FITTING])
def test_huge_values_that_fit_give_the_right_answer(call, expected):
    np.testing.assert_array_equal(call(), expected)


def test_shape_helpers_return_python_ints_and_do_not_wrap():
    # NumPy unsigned integers wrap below zero; the helpers compute in Python ints
    u = np.uint8
    assert ct.same_pad(u(5), u(3), u(2)) == (1, 1) and type(ct.same_pad(u(5), u(3))[0]) is int
    assert ct.same_pad(u(1), u(7)) == (3, 3)               # (0 + 7 - 1) = 6, not 250
    assert type(ct.causal_pad(np.int64(3), np.int32(1))[0]) is int
    assert type(ct.effective_kernel(np.uint16(3), np.uint16(2))) is int
    assert ct.effective_kernel(np.uint8(200), np.uint8(2)) == 200 + 199 * 2
    for out in (ct.conv_out_len(np.int64(9), np.uint8(3), np.int8(2)),
                *ct.conv_out_shape(np.array([2, 9, 9, 1]), (np.int64(3), 3, 1, 2), 2)):
        assert type(out) is int
