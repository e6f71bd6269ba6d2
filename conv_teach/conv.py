"""conv2D and conv1D: im2col plus one matrix multiply, worked through in bounded chunks.

"Convolution" here is cross-correlation (no kernel flip), as in every deep-learning
library, and there is no bias. conv1D is conv2D on a one-row image (numpy-ml's trick).

conv2D does not build numpy-ml's ``X_col`` (channel-major, example-fastest). It builds the
same numbers in NHWC order, ``(n_ex*out_rows*out_cols, fr*fc*in_ch)``, one block of rows
at a time, so that each block is a contiguous copy of the window view and the product
lands directly in ``Z``'s layout: no transposes, and memory bounded by the block size
however large the batch.
"""
import numpy as np

from . import _validate as v
from .im2col import setup2D
from .shapes import out_sizes, resolve_pad1D
from .windows import (Geometry, check_size, float_dtype, iter_unrolled, iter_windows, trim,
                      unrolled_fits, unrolled_kernel, unrolled_width)

__all__ = ["conv2D", "conv1D"]


def conv2d_core(X, W, g, fn="conv2D", max_bytes=None, block_bytes=None, out=None):
    """conv2D on checked arguments: ``X`` NHWC, ``W`` (fr, fc, in_ch, out_ch), geometry ``g``.

    Each block of windows (:func:`conv_teach.windows.iter_windows`, about ``block_bytes``)
    is copied once into the GEMM's row order ``(ki, kj, c)`` and multiplied straight into
    ``Z``'s rows. ``out`` (optional, ``(n_ex, out_rows, out_cols, out_ch)`` in the result's
    dtype, may be a strided view) receives the result instead of a new array.
    """
    dtype = float_dtype(X, W)
    n_ex, ch, out_ch = X.shape[0], X.shape[3], W.shape[3]
    if out is None:
        check_size(fn, "the output Z", (n_ex,) + g.out + (out_ch,), dtype, max_bytes)
        out = np.empty((n_ex,) + g.out + (out_ch,), dtype)
    trimmed = trim(g, X.shape[1:3])
    if trimmed is not None and np.isfinite(W).all():
        # taps that only ever read padding add zeros: leave them (and that padding) out
        g, cut, taps = trimmed
        if g is None:
            out[...] = 0
            return out
        X, W = X[:, cut[0], cut[1]], W[taps[0], taps[1]]
    (fr, fc), (oh, ow) = g.kernel, g.out
    if UNROLL and unrolled_fits(g, X.shape[2], ch, dtype.itemsize):
        return _conv_unrolled(X, W, g, dtype, out, fn, max_bytes, block_bytes)
    K = fr * fc * ch
    W_mat = W.astype(dtype, copy=False).reshape(K, out_ch)   # rows (ki, kj, c), as the windows
    Z_rows = out.reshape(-1, out_ch) if out.flags.c_contiguous else None
    for n0, n1, r0, r1, win in iter_windows(X, g, dtype=dtype, block_bytes=block_bytes,
                                            fn=fn, max_bytes=max_bytes):
        if Z_rows is not None:                    # straight into Z's rows
            start = (n0 * oh + r0) * ow
            stop = start + (n1 - n0) * (r1 - r0) * ow
            np.matmul(win.reshape(-1, K), W_mat, out=Z_rows[start:stop])
        else:                                     # a block, then into the strided view
            out[n0:n1, r0:r1] = (win.reshape(-1, K) @ W_mat).reshape(n1 - n0, r1 - r0, ow, out_ch)
    return out


#: Use the row-unrolled windows (:func:`conv_teach.windows.iter_unrolled`) where a window's
#: columns are adjacent. False: the im2col blocks everywhere (kept for comparison in the
#: benchmark and the tests).
UNROLL = True


def _conv_unrolled(X, W, g, dtype, out, fn, max_bytes, block_bytes):
    """conv2d_core's product over row-unrolled blocks: per phase, one GEMM that reads the
    block's memory in place (no window copy); the widened outputs are dropped."""
    ow, out_ch = g.out[1], W.shape[3]
    q, width, out_width = unrolled_width(g, X.shape[2])
    W_u = unrolled_kernel(W.astype(dtype, copy=False))
    for n0, n1, r0, r1, buf, phases in iter_unrolled(X, g, dtype, out_ch, block_bytes, fn, max_bytes):
        ext = np.empty(((n1 - n0) * (r1 - r0) * out_width, out_ch), dtype)
        for r, A in enumerate(phases):
            np.matmul(A, W_u, out=ext[r::q])
        out[n0:n1, r0:r1] = ext.reshape(n1 - n0, r1 - r0, out_width, out_ch)[:, :, :ow]
    return out


def conv2D(X, W, stride, pad, dilation=0, groups=1, *, max_bytes=None):
    """2D convolution (cross-correlation, no bias) of a batch of images with a bank of kernels.

    ``Z[n, i, j, o] = sum over ki, kj, c of X_pad[n, i*s_r + ki*(d_r+1), j*s_c + kj*(d_c+1), c] * W[ki, kj, c, o]``

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Input volume, not padded. Never modified.
    W : ndarray of shape (fr, fc, in_ch, out_ch)
        Kernels.
    stride : int or (rows, cols)
        Step between windows, >= 1 (NumPy integers are fine).
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
        See :func:`conv_teach.pad2D`. ``'same'`` gives ``ceil(in / stride)`` outputs per axis.
    dilation : int or (rows, cols), default 0
        Zeros inserted between kernel taps (torch's ``dilation`` minus one).
    groups : int, default 1
        Channel groups (torch's ``groups``): ``in_ch`` and ``out_ch`` divisible by it, ``W``
        is then ``(fr, fc, in_ch // groups, out_ch)`` and output channel ``o`` reads only
        the input channels of its group ``o // (out_ch // groups)``. ``groups=in_ch`` is
        depthwise. See :mod:`conv_teach.groups` and :func:`conv_teach.block_diagonal`.
    max_bytes : int, optional
        Refuse an output or working array larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) with :class:`conv_teach.ArrayTooLarge`
        (a MemoryError naming its shape and size), before allocating anything.

    Returns
    -------
    Z : ndarray of shape (n_ex, out_rows, out_cols, out_ch)
        ``out = (in + before + after - eff) // stride + 1`` per axis, with
        ``eff = k + (k - 1) * dilation``. float32 if both inputs are float32 (or smaller),
        float64 otherwise (integers are computed in float64).

    Raises
    ------
    ValueError, TypeError
        With a message naming the parameter, for a wrong ndim, a channel mismatch, a bad
        stride, dilation, pad or groups (or channels it does not divide), or a kernel larger
        than the padded input.
    ArrayTooLarge
        (a MemoryError) if the output or a working array would need more than ``max_bytes``.

    See Also
    --------
    im2col, conv1D, conv2D_backward, conv_teach.reference.conv2D_loops

    Notes
    -----
    Where numpy-ml differs: its ``'same'`` pads to ``out == in`` at every stride, so at
    stride > 1 some outputs see only zeros; it accepts a negative dilation and ``pad=True``
    silently; it rejects a NumPy-integer stride with ``'same'``; it pads the whole input
    twice. Where torch differs: it is NCHW, its ``dilation`` is ours plus one, and it
    refuses ``padding='same'`` at stride > 1.

    References
    ----------
    P. Warden, "Why GEMM is at the heart of deep learning", 2015.

    Examples
    --------
    >>> X = np.arange(9.).reshape(1, 3, 3, 1)
    >>> W = np.ones((2, 2, 1, 1))
    >>> conv2D(X, W, stride=1, pad=0)[0, :, :, 0]    # 0+1+3+4 = 8, ...
    array([[ 8., 12.],
           [20., 24.]])
    """
    fn = "conv2D"
    if v.check_int(fn, "groups", groups, 1) > 1:
        from .groups import conv2D as grouped
        return grouped(X, W, stride, pad, dilation, groups, max_bytes)
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_2D)
    X, g = setup2D(fn, X, W.shape, stride, pad, dilation, takes_groups=True)
    return conv2d_core(X, W, g, fn, _limit(fn, max_bytes))


def _limit(fn, max_bytes):
    return None if max_bytes is None else v.check_int(fn, "max_bytes", max_bytes, 1)


def setup1D(fn, X, W, stride, pad, dilation, *, takes_groups=False):
    """Check a 1D call in 1D words; return ``(X, W, g)`` with ``g`` the :class:`Geometry` of the
    one-row conv2D problem that the 1D convolution is. ``takes_groups``: ``fn`` accepts
    ``groups=``, so a channel mismatch may be a grouped kernel's."""
    X = v.check_array(fn, "X", X, 3, v.LAYOUT_1D, batch_axis=0)
    W = v.check_array(fn, "W", W, 3, v.LAYOUT_1D)
    v.check_channels(fn, X.shape[2], W.shape[1], 1, (X.shape, W.shape), takes_groups=takes_groups)
    s = v.check_int(fn, "stride", stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    p = resolve_pad1D(fn, pad, X.shape[1], W.shape[0], s, d)
    (out,) = out_sizes(fn, (X.shape[1],), (W.shape[0],), (s,), (d,), (p,))   # raises in 1D words
    return X, W, Geometry((1, W.shape[0]), (1, s), (0, d), (0, 0) + tuple(p), (1, out))


def conv1D(X, W, stride, pad, dilation=0, groups=1, *, max_bytes=None):
    """1D convolution (cross-correlation, no bias) of a batch of sequences.

    Parameters
    ----------
    X : ndarray of shape (n_ex, l_in, in_ch)
    W : ndarray of shape (fw, in_ch // groups, out_ch)
    stride : int
    pad : int, (left, right), 'same', 'valid' or 'causal'
        ``'causal'`` puts ``eff - 1`` zeros on the left, so output ``t`` sees only inputs
        ``<= t * stride``.
    dilation : int, default 0
    groups : int, default 1
        Channel groups, as in :func:`conv2D` (``groups=in_ch``: depthwise).
    max_bytes : int, optional
        Refuse an output or working array larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) with :class:`conv_teach.ArrayTooLarge`
        (a MemoryError naming its shape and size), before allocating anything.

    Returns
    -------
    Z : ndarray of shape (n_ex, l_out, out_ch)

    Notes
    -----
    Computed as :func:`conv2D` on a one-row image: ``X[:, None]``, ``W[None]``, pad
    ``(0, 0, left, right)`` (the seed's idea). Errors speak of lengths, not of rows and
    columns (numpy-ml's say ``out_rows = 1``).

    Examples
    --------
    >>> conv1D(np.arange(1., 6.).reshape(1, 5, 1), np.ones((2, 1, 1)), 1, 'causal')[0, :, 0]
    array([1., 3., 5., 7., 9.])
    """
    fn = "conv1D"
    if v.check_int(fn, "groups", groups, 1) > 1:
        from .groups import conv1D as grouped
        return grouped(X, W, stride, pad, dilation, groups, max_bytes)
    X, W, g = setup1D(fn, X, W, stride, pad, dilation, takes_groups=True)
    # add a row axis so that conv2D does the work
    return conv2d_core(X[:, None], W[None], g, fn, _limit(fn, max_bytes))[:, 0]
