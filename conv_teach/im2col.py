"""im2col and its adjoint col2im, plus the window machinery conv2D builds on.

The idea (Warden, 2015): copy every receptive field of the padded input into one column
of a matrix ``X_col``. A convolution is then a single matrix multiply
``W_col @ X_col``. col2im is the transpose of that copy: every column entry is added
back to the pixel it was read from, so pixels that several windows read get the sum.

Internally the windows are a strided *view* of the padded input, of shape
``(n_ex, out_rows, out_cols, fr, fc, in_ch)``, like numpy's ``sliding_window_view``
with a stride and a dilation; nothing is copied until a matrix is asked for.
"""
from collections import namedtuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _validate as v
from .shapes import out_sizes, resolve_pad2D

__all__ = ["im2col", "col2im", "IM2COL_MAX_BYTES"]

#: Largest ``X_col`` (in bytes) that :func:`im2col` builds unless given ``max_bytes``.
IM2COL_MAX_BYTES = 4 * 2 ** 30

#: Geometry of one 2D convolution, all checked: tuples of ints per axis.
Geometry = namedtuple("Geometry", "kernel stride dilation pad out")


def geometry2D(fn, X_shape, W_shape, stride, pad, dilation):
    """Check a 2D call's shapes, stride, pad and dilation; return its :class:`Geometry`."""
    W_shape = v.check_shape(fn, "W_shape", W_shape, 4, v.LAYOUT_2D)
    v.check_channels(fn, X_shape[3], W_shape[2], 2)
    s = v.check_pair(fn, "stride", stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    k = W_shape[:2]
    p = resolve_pad2D(fn, pad, X_shape[1:3], k, s, d)
    out = out_sizes(fn, X_shape[1:3], k, s, d, (p[:2], p[2:]))
    return Geometry(k, s, d, p, out)


def setup2D(fn, X, W_shape, stride, pad, dilation):
    """Check a 2D call's arguments; return ``(X as ndarray, Geometry)``."""
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_2D)
    return X, geometry2D(fn, X.shape, W_shape, stride, pad, dilation)


def float_dtype(*arrays):
    """The dtype arithmetic happens in: float32 stays float32, integers become float64."""
    dt = np.result_type(*arrays)
    if dt.kind != "f":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if dt.itemsize < 4 else dt


def padded(X, g, dtype=None):
    """``X`` zero-padded by ``g.pad`` (a view of ``X`` if there is nothing to do)."""
    t, b, l, r = g.pad
    dtype = X.dtype if dtype is None else dtype
    if t == b == l == r == 0 and X.dtype == dtype:
        return X
    n, rows, cols, ch = X.shape
    out = np.zeros((n, rows + t + b, cols + l + r, ch), dtype)
    out[:, t:t + rows, l:l + cols] = X
    return out


def windows(X_pad, g):
    """Read-only view of every receptive field: shape ``(n_ex, out_rows, out_cols, fr, fc, in_ch)``.

    ``windows(X_pad, g)[n, i, j]`` is the ``fr x fc x in_ch`` block that output cell
    ``(i, j)`` of example ``n`` multiplies with the kernel.
    """
    sn, sr, sc, sch = X_pad.strides
    (fr, fc), (s_r, s_c), (d_r, d_c), (oh, ow) = g.kernel, g.stride, g.dilation, g.out
    return as_strided(X_pad, (X_pad.shape[0], oh, ow, fr, fc, X_pad.shape[3]),
                      (sn, sr * s_r, sc * s_c, sr * (d_r + 1), sc * (d_c + 1), sch),
                      writeable=False)


def fold_into(buf, cols, g, row0=0):
    """Add window entries back into the padded image ``buf`` (the adjoint of :func:`windows`).

    ``cols`` has shape ``(n, rows, out_cols, fr, fc, in_ch)`` and holds output rows
    ``row0 .. row0 + rows - 1``; overlapping windows are summed, never overwritten.
    """
    (fr, fc), (s_r, s_c), (d_r, d_c) = g.kernel, g.stride, g.dilation
    rows, ow = cols.shape[1], cols.shape[2]
    for ki in range(fr):
        r = row0 * s_r + ki * (d_r + 1)
        for kj in range(fc):
            c = kj * (d_c + 1)
            buf[:, r:r + s_r * (rows - 1) + 1:s_r, c:c + s_c * (ow - 1) + 1:s_c] += cols[:, :, :, ki, kj]
    return buf


def crop(buf, g, in_shape):
    """The unpadded part of a padded buffer."""
    t, _, l, _ = g.pad
    return buf[:, t:t + in_shape[0], l:l + in_shape[1]]


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
    nbytes = shape[0] * shape[1] * X.dtype.itemsize
    if nbytes > limit:
        raise v.too_large(fn, nbytes, limit, shape, X.dtype)
    # (n, i, j, ki, kj, c) -> (c, ki, kj, i, j, n): channel slowest, example fastest
    X_col = windows(padded(X, g), g).transpose(5, 3, 4, 1, 2, 0).reshape(shape)
    if not X_col.flags.writeable:
        # reshape could keep the read-only window view (one example, 1x1 kernel, no pad):
        # hand back a new array that never shares memory with X
        X_col = X_col.copy()
    return X_col, g.pad


def col2im(X_col, X_shape, W_shape, pad, stride, dilation=0):
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
    X_shape = v.check_shape(fn, "X_shape", X_shape, 4, v.LAYOUT_2D)
    X_col = v.check_array(fn, "X_col", X_col, 2, "X_col is (in_ch*fr*fc, out_rows*out_cols*n_ex).")
    g = geometry2D(fn, X_shape, W_shape, stride, pad, dilation)
    n, rows, cols, ch = X_shape
    (fr, fc), (oh, ow) = g.kernel, g.out
    v.check_cols_shape(fn, X_col, (ch * fr * fc, oh * ow * n), X_shape, W_shape)
    dtype = float_dtype(X_col)
    t, b, l, r = g.pad
    buf = np.zeros((n, rows + t + b, cols + l + r, ch), dtype)
    # (c, ki, kj, i, j, n) -> (n, i, j, ki, kj, c), the layout of windows()
    cols6 = X_col.reshape(ch, fr, fc, oh, ow, n).transpose(5, 3, 4, 1, 2, 0)
    return np.ascontiguousarray(crop(fold_into(buf, cols6.astype(dtype, copy=False), g), g, (rows, cols)))
