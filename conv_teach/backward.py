"""The backward pass of conv2D and conv1D: gradients with respect to the input and the kernels.

With the windows of the padded input as rows of a matrix ``P`` (one row per output cell)
and the kernels as ``W_mat`` of shape ``(fr*fc*in_ch, out_ch)``, the forward pass is
``Z = P @ W_mat``. So, for an upstream gradient ``dZ``:

* ``dW = P.T @ dZ`` -- every window weighted by how much its output mattered;
* ``dP = dZ @ W_mat.T`` -- the gradient of every window entry, which col2im (the adjoint
  of im2col) adds back to the pixel it was read from: overlapping windows sum.

The work is done in the same bounded blocks as the forward pass.
"""
import numpy as np

from . import _validate as v
from .conv import _limit, setup1D
from .im2col import setup2D
from .transpose import transposed_core
from . import conv
from .windows import float_dtype, iter_unrolled, iter_windows, trim, unrolled_fits, unrolled_width

__all__ = ["conv2D_backward", "conv1D_backward"]


def weight_gradient(dZ, X, g, dtype, fn="conv2D_backward", max_bytes=None, block_bytes=None):
    """``dW = P.T @ dZ`` as ``(fr*fc*in_ch, out_ch)``, summed block by block.

    ``P`` holds the windows as rows (``(n_ex*out_rows*out_cols, fr*fc*in_ch)``); each block
    of it is one contiguous copy of the window view (as in the forward pass), and the
    product reads it transposed without copying (BLAS's transposed-A GEMM).
    """
    (fr, fc), ch, out_ch = g.kernel, X.shape[3], dZ.shape[3]
    trimmed = trim(g, X.shape[1:3])
    if trimmed is not None and np.isfinite(dZ).all():
        # taps that only ever read padding get zero gradient: compute the others only
        g2, cut, taps = trimmed
        dW = np.zeros((fr, fc, ch, out_ch), dtype)
        if g2 is not None:
            dW[taps[0], taps[1]] = weight_gradient(dZ, X[:, cut[0], cut[1]], g2, dtype, fn, max_bytes,
                                                   block_bytes).reshape(g2.kernel + (ch, out_ch))
        return dW.reshape(-1, out_ch)
    K = fr * fc * ch
    if conv.UNROLL and unrolled_fits(g, X.shape[2], ch, dtype.itemsize) and np.isfinite(X).all():
        return _weight_gradient_unrolled(dZ, X, g, dtype, fn, max_bytes, block_bytes)
    dW = np.zeros((K, out_ch), dtype)
    part = np.empty((K, out_ch), dtype)
    for n0, n1, r0, r1, win in iter_windows(X, g, dtype=dtype, block_bytes=block_bytes,
                                            fn=fn, max_bytes=max_bytes):
        P = win.reshape(-1, K)
        np.matmul(P.T, dZ[n0:n1, r0:r1].reshape(-1, out_ch), out=part)
        dW += part
    return dW


def _weight_gradient_unrolled(dZ, X, g, dtype, fn, max_bytes, block_bytes):
    """``dW`` over row-unrolled blocks (:func:`conv_teach.windows.iter_unrolled`): per phase,
    ``A.T @ dZ_phase`` with ``A`` read in place, no window copy.

    The widened outputs get a zero gradient, so they add ``0 * x`` for the ``x`` their
    windows read: only right when ``X`` is finite (the caller checks; ``0 * inf`` is NaN).
    """
    (fr, fc), ow, ch, out_ch = g.kernel, g.out[1], X.shape[3], dZ.shape[3]
    q, width, out_width = unrolled_width(g, X.shape[2])
    dW = np.zeros((fc * fr * ch, out_ch), dtype)
    part = np.empty_like(dW)
    for n0, n1, r0, r1, buf, phases in iter_unrolled(X, g, dtype, out_ch, block_bytes, fn, max_bytes):
        D = np.zeros((n1 - n0, r1 - r0, out_width, out_ch), dtype)
        D[:, :, :ow] = dZ[n0:n1, r0:r1]
        D = D.reshape(-1, out_ch)
        for r, A in enumerate(phases):
            np.matmul(A.T, D[r::q], out=part)
            dW += part
    # rows (kj, ki, c) -> (ki, kj, c)
    return dW.reshape(fc, fr, ch, out_ch).transpose(1, 0, 2, 3).reshape(-1, out_ch)


def conv2d_backward_core(dZ, X, W, g, fn="conv2D_backward", max_bytes=None, block_bytes=None):
    """``(dX, dW)`` on checked arguments.

    ``dX`` is the transposed convolution of ``dZ`` with ``W``'s channel axes swapped, cropped
    to ``X``'s size (:func:`conv_teach.transpose.transposed_core`: stride-1 gathers per
    output phase, blocked); ``dW`` is :func:`weight_gradient`. Both are GEMMs of the forward
    pass's size on blocks of about ``block_bytes``.
    """
    dtype = float_dtype(dZ, X, W)
    dZ = dZ.astype(dtype, copy=False)
    dX = transposed_core(dZ, W.transpose(0, 1, 3, 2), g.stride, g.dilation,
                         (g.pad[0], g.pad[2]), X.shape[1:3], fn, max_bytes, block_bytes,
                         what="the input gradient dX")
    dW = weight_gradient(dZ, X, g, dtype, fn, max_bytes, block_bytes)
    return dX, dW.reshape(W.shape)


def conv2D_backward(dZ, X, W, stride, pad, dilation=0, groups=1, *, max_bytes=None):
    """Gradients of ``sum(dZ * conv2D(X, W, stride, pad, dilation))`` with respect to X and W.

    Parameters
    ----------
    dZ : ndarray of shape (n_ex, out_rows, out_cols, out_ch)
        Gradient of the loss with respect to the output of :func:`conv2D`.
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
    W : ndarray of shape (fr, fc, in_ch // groups, out_ch)
    stride, pad, dilation, groups
        The forward pass's arguments (see :func:`conv_teach.conv2D`).
    max_bytes : int, optional
        Refuse an output or working array larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) with :class:`conv_teach.ArrayTooLarge`
        (a MemoryError naming its shape and size), before allocating anything.

    Returns
    -------
    dX : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Every input pixel receives the sum over all windows that read it (col2im).
        Pixels no window reads (cut off by the stride) get 0.
    dW : ndarray of shape (fr, fc, in_ch // groups, out_ch)

    See Also
    --------
    col2im, conv_teach.reference.conv2D_backward_loops

    Notes
    -----
    numpy-ml's ``Conv2D._backward_naive`` is broken (it multiplies the whole list of
    gradients); its im2col-based ``_bwd`` is right and is what this follows.

    Examples
    --------
    The gradient of the sum of all outputs: each pixel counts how many windows read it.

    >>> X, W = np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1))
    >>> dX, dW = conv2D_backward(np.ones((1, 2, 2, 1)), X, W, stride=1, pad=0)
    >>> dX[0, :, :, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    fn = "conv2D_backward"
    if v.check_int(fn, "groups", groups, 1) > 1:
        from .groups import conv2D_backward as grouped
        return grouped(dZ, X, W, stride, pad, dilation, groups, max_bytes)
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_2D)
    X, g = setup2D(fn, X, W.shape, stride, pad, dilation, takes_groups=True)
    dZ = v.check_array(fn, "dZ", dZ, 4, "dZ is (n_ex, out_rows, out_cols, out_ch).", batch_axis=0)
    v.check_dZ_shape(fn, dZ, (X.shape[0],) + g.out + (W.shape[3],))
    return conv2d_backward_core(dZ, X, W, g, fn, _limit(fn, max_bytes))


def conv1D_backward(dZ, X, W, stride, pad, dilation=0, groups=1, *, max_bytes=None):
    """Gradients of ``sum(dZ * conv1D(X, W, stride, pad, dilation))`` with respect to X and W.

    Parameters
    ----------
    dZ : ndarray of shape (n_ex, l_out, out_ch)
    X : ndarray of shape (n_ex, l_in, in_ch)
    W : ndarray of shape (fw, in_ch // groups, out_ch)
    stride, pad, dilation, groups
        The forward pass's arguments (``pad`` may be ``'causal'``).
    max_bytes : int, optional
        Refuse an output or working array larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) with :class:`conv_teach.ArrayTooLarge`
        (a MemoryError naming its shape and size), before allocating anything.

    Returns
    -------
    dX : ndarray of shape (n_ex, l_in, in_ch)
    dW : ndarray of shape (fw, in_ch // groups, out_ch)
    """
    fn = "conv1D_backward"
    if v.check_int(fn, "groups", groups, 1) > 1:
        from .groups import conv1D_backward as grouped
        return grouped(dZ, X, W, stride, pad, dilation, groups, max_bytes)
    X, W, g = setup1D(fn, X, W, stride, pad, dilation, takes_groups=True)
    dZ = v.check_array(fn, "dZ", dZ, 3, "dZ is (n_ex, l_out, out_ch).", batch_axis=0)
    v.check_dZ_shape(fn, dZ, (X.shape[0], g.out[1], W.shape[2]))
    dX, dW = conv2d_backward_core(dZ[:, None], X[:, None], W[None], g, fn, _limit(fn, max_bytes))
    return dX[:, 0], dW[0]
