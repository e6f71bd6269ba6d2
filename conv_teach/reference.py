"""Slow, obviously right loop versions of everything, to check the fast code and to read in a lesson.

They follow the definitions directly: a window starts at ``i * stride`` in the padded
input, its taps are ``dilation + 1`` apart, and a padded cell outside the input reads 0.
They share no code with :mod:`conv_teach.im2col`; only the padding *amounts* come from
:func:`conv_teach.pad2D` / :func:`conv_teach.pad1D` (tested on their own against hand
cases), and each function finds its output size by counting the windows that fit.
"""
import numpy as np

from .pad import pad1D, pad2D

__all__ = ["conv2D_loops", "conv1D_loops", "im2col_loops", "col2im_loops",
           "conv2D_backward_loops", "conv1D_backward_loops", "receptive_field"]


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _read(X, n, r, c, top, left):
    """Pixel (r, c) of example n of the *padded* image: zero outside the input."""
    r, c = r - top, c - left
    if 0 <= r < X.shape[1] and 0 <= c < X.shape[2]:
        return X[n, r, c, :]
    return np.zeros(X.shape[3])


def _count_windows(padded_len, kernel, stride, dilation):
    """How many windows fit: start at 0, step by stride, while the last tap is inside."""
    count, start = 0, 0
    while start + (kernel - 1) * (dilation + 1) < padded_len:
        count, start = count + 1, start + stride
    return count


def _geometry(X, W_shape, stride, pad, dilation):
    s, d = _pair(stride), _pair(dilation)
    _, (top, bottom, left, right) = pad2D(X, pad, W_shape[:2], s, d)
    fr, fc = W_shape[:2]
    oh = _count_windows(X.shape[1] + top + bottom, fr, s[0], d[0])
    ow = _count_windows(X.shape[2] + left + right, fc, s[1], d[1])
    return s, d, top, left, oh, ow


def receptive_field(cell, W_shape, stride, pad_before=(0, 0), dilation=0):
    """Padded-input coordinates ``[(row, col), ...]`` read by output ``cell = (i, j)``, tap by tap.

    Row-major over kernel taps. Subtract ``pad_before = (top, left)`` to get input coordinates.
    """
    (s_r, s_c), (d_r, d_c) = _pair(stride), _pair(dilation)
    i, j = cell
    return [(i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1))
            for ki in range(W_shape[0]) for kj in range(W_shape[1])]


def conv2D_loops(X, W, stride, pad, dilation=0):
    """conv2D by its definition: loops over examples, output cells and kernel taps.

    ``Z[n, i, j, :] = sum over (ki, kj) of X_pad[n, i*s + ki*(d+1), j*s + kj*(d+1), :] @ W[ki, kj]``
    """
    X, W = np.asarray(X, float), np.asarray(W, float)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(X, W.shape, stride, pad, dilation)
    fr, fc, _, out_ch = W.shape
    Z = np.zeros((X.shape[0], oh, ow, out_ch))
    for n in range(X.shape[0]):
        for i in range(oh):
            for j in range(ow):
                for ki in range(fr):
                    for kj in range(fc):
                        pixel = _read(X, n, i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1), top, left)
                        Z[n, i, j, :] += pixel @ W[ki, kj]
    return Z


def conv1D_loops(X, W, stride, pad, dilation=0):
    """conv1D by its definition: ``Z[n, t, :] = sum over k of X_pad[n, t*s + k*(d+1), :] @ W[k]``."""
    X, W = np.asarray(X, float), np.asarray(W, float)
    _, (left, right) = pad1D(X, pad, W.shape[0], stride, dilation)
    l_out = _count_windows(X.shape[1] + left + right, W.shape[0], stride, dilation)
    Z = np.zeros((X.shape[0], l_out, W.shape[2]))
    for n in range(X.shape[0]):
        for t in range(l_out):
            for k in range(W.shape[0]):
                pos = t * stride + k * (dilation + 1) - left
                if 0 <= pos < X.shape[1]:
                    Z[n, t, :] += X[n, pos, :] @ W[k]
    return Z


def im2col_loops(X, W_shape, pad, stride, dilation=0):
    """im2col by loops: column ``(i*out_cols + j)*n_ex + n`` is window ``(i, j)`` of example ``n``,
    listed channel by channel, each channel's taps row by row."""
    X = np.asarray(X)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(X, W_shape, stride, pad, dilation)
    fr, fc = W_shape[:2]
    n_ex, _, _, ch = X.shape
    X_col = np.zeros((ch * fr * fc, oh * ow * n_ex), X.dtype)
    for i in range(oh):
        for j in range(ow):
            for n in range(n_ex):
                column = (i * ow + j) * n_ex + n
                for c in range(ch):
                    for ki in range(fr):
                        for kj in range(fc):
                            pixel = _read(X, n, i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1), top, left)
                            X_col[c * fr * fc + ki * fc + kj, column] = pixel[c]
    return X_col


def col2im_loops(X_col, X_shape, W_shape, pad, stride, dilation=0):
    """col2im by loops: add every entry of ``X_col`` to the input pixel im2col read it from."""
    X_col = np.asarray(X_col, float)
    dummy = np.zeros(X_shape)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(dummy, W_shape, stride, pad, dilation)
    fr, fc = W_shape[:2]
    n_ex, rows, cols, ch = X_shape
    X = np.zeros(X_shape)
    for i in range(oh):
        for j in range(ow):
            for n in range(n_ex):
                for c in range(ch):
                    for ki in range(fr):
                        for kj in range(fc):
                            r = i * s_r + ki * (d_r + 1) - top
                            q = j * s_c + kj * (d_c + 1) - left
                            if 0 <= r < rows and 0 <= q < cols:
                                X[n, r, q, c] += X_col[c * fr * fc + ki * fc + kj, (i * ow + j) * n_ex + n]
    return X


def conv2D_backward_loops(dZ, X, W, stride, pad, dilation=0):
    """Gradients by the chain rule, one term per (output cell, tap): ``Z[n,i,j,o]`` used
    ``X[n, r, q, c] * W[ki, kj, c, o]``, so each adds ``dZ[n,i,j,o]`` times the other factor."""
    X, W, dZ = np.asarray(X, float), np.asarray(W, float), np.asarray(dZ, float)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(X, W.shape, stride, pad, dilation)
    fr, fc = W.shape[:2]
    dX, dW = np.zeros_like(X), np.zeros_like(W)
    for n in range(X.shape[0]):
        for i in range(oh):
            for j in range(ow):
                for ki in range(fr):
                    for kj in range(fc):
                        r = i * s_r + ki * (d_r + 1) - top
                        q = j * s_c + kj * (d_c + 1) - left
                        if 0 <= r < X.shape[1] and 0 <= q < X.shape[2]:
                            dX[n, r, q, :] += W[ki, kj] @ dZ[n, i, j, :]
                            dW[ki, kj] += np.outer(X[n, r, q, :], dZ[n, i, j, :])
    return dX, dW


def conv1D_backward_loops(dZ, X, W, stride, pad, dilation=0):
    """conv1D's gradients by the chain rule (see :func:`conv2D_backward_loops`)."""
    X, W, dZ = np.asarray(X, float), np.asarray(W, float), np.asarray(dZ, float)
    _, (left, _) = pad1D(X, pad, W.shape[0], stride, dilation)
    dX, dW = np.zeros_like(X), np.zeros_like(W)
    for n in range(X.shape[0]):
        for t in range(dZ.shape[1]):
            for k in range(W.shape[0]):
                pos = t * stride + k * (dilation + 1) - left
                if 0 <= pos < X.shape[1]:
                    dX[n, pos, :] += W[k] @ dZ[n, t, :]
                    dW[k] += np.outer(X[n, pos, :], dZ[n, t, :])
    return dX, dW


__all__ += ["conv2D_transpose_loops"]


def conv2D_transpose_loops(X, W, stride, pad, dilation=0, output_padding=0):
    """Transposed convolution by its definition: every input cell scatters its weighted kernel.

    Input cell ``(i, j)`` of example ``n`` adds ``X[n, i, j, :] @ W[ki, kj]`` to output cell
    ``(i*s + ki*(d+1) - top, j*s + kj*(d+1) - left)`` for every tap ``(ki, kj)``: the very
    cells from which :func:`conv2D_loops` reads, with the arrows reversed. Writes that fall
    in the cropped border (``pad``) are dropped. ``W`` is ``(fr, fc, in_ch, out_ch)``.

    The output size is ``(in - 1)*s + eff - top - bottom + output_padding`` per axis;
    ``'same'`` means the pad that :func:`conv_teach.pad2D` gives for ``in * s`` cells, and
    an output of exactly ``in * s``.
    """
    X, W = np.asarray(X, float), np.asarray(W, float)
    (s_r, s_c), (d_r, d_c), (op_r, op_c) = _pair(stride), _pair(dilation), _pair(output_padding)
    n_ex, rows, cols, _ = X.shape
    fr, fc, _, out_ch = W.shape
    big = np.zeros((1, rows * s_r, cols * s_c, 1))     # the forward conv's input, for 'same'
    _, (top, bottom, left, right) = pad2D(big, pad, (fr, fc), (s_r, s_c), (d_r, d_c))
    out_r = (rows - 1) * s_r + (fr - 1) * (d_r + 1) + 1 - top - bottom + op_r
    out_c = (cols - 1) * s_c + (fc - 1) * (d_c + 1) + 1 - left - right + op_c
    if isinstance(pad, str) and pad == "same":
        out_r, out_c = rows * s_r, cols * s_c
    Z = np.zeros((n_ex, out_r, out_c, out_ch))
    for n in range(n_ex):
        for i in range(rows):
            for j in range(cols):
                for ki in range(fr):
                    for kj in range(fc):
                        r = i * s_r + ki * (d_r + 1) - top
                        q = j * s_c + kj * (d_c + 1) - left
                        if 0 <= r < out_r and 0 <= q < out_c:
                            Z[n, r, q, :] += X[n, i, j, :] @ W[ki, kj]
    return Z
