"""im2col and its adjoint col2im, plus the window machinery conv2D builds on.

The idea (Warden, 2015): copy every receptive field of the padded input into one column
of a matrix ``X_col``. A convolution is then a single matrix multiply
``W_col @ X_col``. col2im is the transpose of that copy: every column entry is added
back to the pixel it was read from, so pixels that several windows read get the sum.

The windows are a strided *view* of the padded input, of shape
``(n_ex, out_rows, out_cols, fr, fc, in_ch)`` (:mod:`conv_teach.windows`, shared with
conv2D, the backward pass and the transposed convolution); nothing is copied until a
matrix is asked for, and col2im is that module's fold.
"""
import numpy as np

from . import _validate as v
from .windows import (Geometry, check_size, crop, float_dtype, fold_into, geometry,  # noqa: F401 (re-exported)
                      padded, padded_shape, window_view)

__all__ = ["im2col", "col2im", "IM2COL_MAX_BYTES"]

#: Largest ``X_col`` (in bytes) that :func:`im2col` builds unless given ``max_bytes``.
IM2COL_MAX_BYTES = 4 * 2 ** 30


def geometry2D(fn, X_shape, W_shape, stride, pad, dilation, *, takes_groups=False):
    """Check a 2D convolution's ``W_shape`` (against ``X_shape``'s channels), stride, pad and
    dilation; return its :class:`~conv_teach.windows.Geometry` (from the kernel's shape).
    ``takes_groups``: ``fn`` accepts ``groups=`` (conv2D, conv2D_backward), so a channel
    mismatch may be a grouped kernel's (see :func:`conv_teach._validate.check_channels`)."""
    W_shape = v.check_shape(fn, "W_shape", W_shape, 4, v.LAYOUT_2D)
    v.check_channels(fn, X_shape[3], W_shape[2], 2, (tuple(X_shape), W_shape),
                     takes_groups=takes_groups)
    return geometry(fn, X_shape[1:3], W_shape[:2], stride, pad, dilation)


def setup2D(fn, X, W_shape, stride, pad, dilation, *, takes_groups=False):
    """Check a 2D call's arguments; return ``(X as ndarray, Geometry)``. ``n_ex = 0`` is allowed.
    ``takes_groups`` as for :func:`geometry2D`."""
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_2D, batch_axis=0)
    return X, geometry2D(fn, X.shape, W_shape, stride, pad, dilation, takes_groups=takes_groups)


def im2col(X, W_shape, pad, stride, dilation=0, *, max_bytes=None):
    """Copy every receptive field of ``X`` into a column of one matrix.

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Input volume, not padded. Never modified.
    W_shape : tuple (fr, fc, in_ch, out_ch)
        Kernel shape; ``in_ch`` must match ``X`` (``out_ch`` is not used).
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
        See :func:`conv_teach.pad2D`.
    stride : int or (rows, cols)
    dilation : int or (rows, cols), default 0
        Zeros inserted between kernel taps.
    max_bytes : int, optional
        Refuse to build an ``X_col`` larger than this (default :data:`IM2COL_MAX_BYTES`,
        4 GiB) and say how much it would need, instead of driving the machine into swap.

    Returns
    -------
    X_col : ndarray of shape (in_ch*fr*fc, out_rows*out_cols*n_ex)
        Same dtype as ``X``. Row ``c*fr*fc + ki*fc + kj`` holds kernel tap ``(ki, kj)`` of
        channel ``c`` (channel slowest); column ``(i*out_cols + j)*n_ex + n`` holds output
        cell ``(i, j)`` of example ``n`` (example fastest). This is numpy-ml's order, and its
        rows are torch's ``unfold`` rows.
    p : tuple of 4 ints
        The padding used, ``(top, bottom, left, right)``.

    Raises
    ------
    ColumnMatrixTooLarge
        (a MemoryError) if ``X_col`` would need more than ``max_bytes``.

    See Also
    --------
    col2im : the adjoint (transpose) of this map.
    conv_teach.reference.im2col_loops : the same matrix built with plain loops.

    Notes
    -----
    ``X_col`` holds ``in_ch*fr*fc x out_rows*out_cols*n_ex`` numbers: for a 3x3 kernel at
    stride 1 about nine times the input. :func:`conv_teach.conv2D` never builds it whole.

    Examples
    --------
    >>> X = np.arange(16.).reshape(1, 4, 4, 1)
    >>> X_col, p = im2col(X, (2, 2, 1, 1), pad=0, stride=2)
    >>> X_col
    array([[ 0.,  2.,  8., 10.],
           [ 1.,  3.,  9., 11.],
           [ 4.,  6., 12., 14.],
           [ 5.,  7., 13., 15.]])
    """
    fn = "im2col"
    X, g = setup2D(fn, X, W_shape, stride, pad, dilation)
    n, _, _, ch = X.shape
    shape = (ch * g.kernel[0] * g.kernel[1], g.out[0] * g.out[1] * n)
    limit = IM2COL_MAX_BYTES if max_bytes is None else v.check_int(fn, "max_bytes", max_bytes, 1)
    nbytes = v.array_bytes(shape, X.dtype)
    if nbytes > limit:
        raise v.too_large(fn, nbytes, limit, shape, X.dtype)
    # (n, i, j, ki, kj, c) -> (c, ki, kj, i, j, n): channel slowest, example fastest
    X_pad = padded(X, g, fn=fn, max_bytes=limit)
    X_col = window_view(X_pad, g).transpose(5, 3, 4, 1, 2, 0).reshape(shape)
    if not X_col.flags.writeable:
        # reshape could keep the read-only window view (one example, 1x1 kernel, no pad):
        # hand back a new array that never shares memory with X
        X_col = X_col.copy()
    return X_col, g.pad


def col2im(X_col, X_shape, W_shape, pad, stride, dilation=0, *, max_bytes=None):
    """Add every entry of a column matrix back to the input pixel it came from.

    This is the adjoint of :func:`im2col` (``<im2col(X), Y> == <X, col2im(Y)>``), not its
    inverse: a pixel that ``m`` windows read receives the sum of its ``m`` entries. It is
    how the gradient of a convolution flows back to its input.

    Parameters
    ----------
    X_col : ndarray of shape (in_ch*fr*fc, out_rows*out_cols*n_ex)
        In :func:`im2col`'s order.
    X_shape : tuple (n_ex, in_rows, in_cols, in_ch)
        Shape of the (unpadded) input the columns came from.
    W_shape : tuple (fr, fc, in_ch, out_ch)
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
    stride : int or (rows, cols)
    dilation : int or (rows, cols), default 0
    max_bytes : int, optional
        Refuse (:class:`conv_teach.ArrayTooLarge`) a padded output buffer larger than this
        (default :data:`conv_teach.windows.MAX_BYTES`, 4 GiB), before allocating it.

    Returns
    -------
    ndarray of shape X_shape (NHWC)
        float32 for float32 columns, float64 for float64 and integer ones.

    Notes
    -----
    numpy-ml's col2im returns NCHW (its docstring says NHWC), always in float64, and
    accepts only a resolved 4-tuple pad; this one returns NHWC in the input's float type
    and accepts every pad form.

    Examples
    --------
    How many windows read each pixel (3x3 kernel, pad 1):

    >>> X_col, _ = im2col(np.ones((1, 4, 4, 1)), (3, 3, 1, 1), pad=1, stride=1)
    >>> col2im(X_col, (1, 4, 4, 1), (3, 3, 1, 1), pad=1, stride=1)[0, :, :, 0]
    array([[4., 6., 6., 4.],
           [6., 9., 9., 6.],
           [6., 9., 9., 6.],
           [4., 6., 6., 4.]])
    """
    fn = "col2im"
    X_shape = v.check_shape(fn, "X_shape", X_shape, 4, v.LAYOUT_2D, batch_axis=0)
    X_col = v.check_array(fn, "X_col", X_col, 2, "X_col is (in_ch*fr*fc, out_rows*out_cols*n_ex).",
                          batch_axis=1 if X_shape[0] == 0 else None)
    g = geometry2D(fn, X_shape, W_shape, stride, pad, dilation)
    n, rows, cols, ch = X_shape
    (fr, fc), (oh, ow) = g.kernel, g.out
    v.check_cols_shape(fn, X_col, (ch * fr * fc, oh * ow * n), X_shape, W_shape)
    limit = None if max_bytes is None else v.check_int(fn, "max_bytes", max_bytes, 1)
    dtype = float_dtype(X_col)
    shape = padded_shape(X_shape, g)
    check_size(fn, "the padded output buffer", shape, dtype, limit)
    buf = np.zeros(shape, dtype)
    # (c, ki, kj, i, j, n) -> (n, i, j, ki, kj, c), the layout of windows()
    cols6 = X_col.reshape(ch, fr, fc, oh, ow, n).transpose(5, 3, 4, 1, 2, 0)
    return np.ascontiguousarray(crop(fold_into(buf, cols6.astype(dtype, copy=False), g), g, (rows, cols)))
