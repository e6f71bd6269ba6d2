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
from .conv import blocks, setup1D
from .im2col import crop, float_dtype, fold_into, padded, setup2D, windows

__all__ = ["conv2D_backward", "conv1D_backward"]


def conv2d_backward_core(dZ, X, W, g):
    dtype = float_dtype(dZ, X, W)
    n_ex, rows, cols, ch = X.shape
    out_ch = W.shape[3]
    (fr, fc), (oh, ow) = g.kernel, g.out
    K = fr * fc * ch
    W_mat = W.astype(dtype, copy=False).reshape(K, out_ch)
    dW = np.zeros((K, out_ch), dtype)
    dX = np.empty(X.shape, dtype)
    dZ = dZ.astype(dtype, copy=False)
    for n0, n1, row_ranges in blocks(n_ex, oh, ow * K * dtype.itemsize):
        X_pad = padded(X[n0:n1], g, dtype)
        win = windows(X_pad, g)
        dX_pad = np.zeros(X_pad.shape, dtype)
        for r0, r1 in row_ranges:
            P = win[:, r0:r1].reshape(-1, K)
            dZ_block = dZ[n0:n1, r0:r1].reshape(-1, out_ch)
            dW += P.T @ dZ_block
            dP = (dZ_block @ W_mat.T).reshape(n1 - n0, r1 - r0, ow, fr, fc, ch)
            fold_into(dX_pad, dP, g, row0=r0)
        dX[n0:n1] = crop(dX_pad, g, (rows, cols))
    return dX, dW.reshape(W.shape)


def conv2D_backward(dZ, X, W, stride, pad, dilation=0):
    """Gradients of ``sum(dZ * conv2D(X, W, stride, pad, dilation))`` with respect to X and W.

    Parameters
    ----------
    dZ : ndarray of shape (n_ex, out_rows, out_cols, out_ch)
        Gradient of the loss with respect to the output of :func:`conv2D`.
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
    W : ndarray of shape (fr, fc, in_ch, out_ch)
    stride, pad, dilation
        The forward pass's arguments.

    Returns
    -------
    dX : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Every input pixel receives the sum over all windows that read it (col2im).
        Pixels no window reads (cut off by the stride) get 0.
    dW : ndarray of shape (fr, fc, in_ch, out_ch)

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
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_2D)
    X, g = setup2D(fn, X, W.shape, stride, pad, dilation)
    dZ = v.check_array(fn, "dZ", dZ, 4, "dZ is (n_ex, out_rows, out_cols, out_ch).")
    v.check_dZ_shape(fn, dZ, (X.shape[0],) + g.out + (W.shape[3],))
    return conv2d_backward_core(dZ, X, W, g)


def conv1D_backward(dZ, X, W, stride, pad, dilation=0):
    """Gradients of ``sum(dZ * conv1D(X, W, stride, pad, dilation))`` with respect to X and W.

    Parameters
    ----------
    dZ : ndarray of shape (n_ex, l_out, out_ch)
    X : ndarray of shape (n_ex, l_in, in_ch)
    W : ndarray of shape (fw, in_ch, out_ch)
    stride, pad, dilation
        The forward pass's arguments (``pad`` may be ``'causal'``).

    Returns
    -------
    dX : ndarray of shape (n_ex, l_in, in_ch)
    dW : ndarray of shape (fw, in_ch, out_ch)
    """
    fn = "conv1D_backward"
    X, W, g = setup1D(fn, X, W, stride, pad, dilation)
    dZ = v.check_array(fn, "dZ", dZ, 3, "dZ is (n_ex, l_out, out_ch).")
    v.check_dZ_shape(fn, dZ, (X.shape[0], g.out[1], W.shape[2]))
    dX, dW = conv2d_backward_core(dZ[:, None], X[:, None], W[None], g)
    return dX[:, 0], dW[0]
