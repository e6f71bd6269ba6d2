"""What the figures draw: every array computed by the library for one set of parameters.

A *scene* is a plain dict: the arrays under the library's names (``'X'``, ``'X_pad'``,
``'X_col'``, ``'W_col'``, ``'Z'``, ...) plus the resolved geometry (``pad``, ``out``,
the selected ``cell`` and the padded coordinates of its ``taps``). The functions here
are pure (same parameters, same scene) and import no matplotlib; a parameter the
library rejects raises the library's own error before anything is drawn.

The data are small integers from fixed seeds, so that values written in the cells can
be checked by hand.
"""
import numpy as np

from ..conv import conv1D, conv2D
from ..im2col import col2im, im2col
from ..pad import dilate, pad1D, pad2D
from ..reference import receptive_field
from ..shapes import effective_kernel

__all__ = ["example_data", "scene2D", "scene1D", "scene_col2im", "W_col_of"]


def example_data(shape, seed, low, high):
    """Integers in ``[low, high)`` as floats, the same for the same shape and seed."""
    return np.random.default_rng(seed).integers(low, high, size=shape).astype(float)


def W_col_of(W):
    """Kernels ``(fr, fc, in_ch, out_ch)`` as GEMM rows ``(out_ch, in_ch*fr*fc)``.

    Row ``o`` lists kernel ``o`` channel by channel, each channel's taps row by row:
    the same order as the rows of :func:`conv_teach.im2col`, so ``W_col @ X_col`` works.
    """
    return W.transpose(3, 2, 0, 1).reshape(W.shape[3], -1)


def _clamp(v, n):
    return min(max(int(v), 0), n - 1)


def scene2D(in_rows=5, in_cols=5, in_ch=1, n_ex=1, fr=3, fc=3, out_ch=1, stride=1, pad=0,
            dilation=0, out_row=0, out_col=0, example=0):
    """Arrays of one 2D convolution and the selected output cell ``(out_row, out_col)``.

    Returns
    -------
    dict
        ``X (n_ex, in_rows, in_cols, in_ch)``, ``W (fr, fc, in_ch, out_ch)``,
        ``W_dil`` (kernel 0, channel 0 after :func:`conv_teach.dilate`), ``X_pad``,
        ``X_col (in_ch*fr*fc, out_rows*out_cols*n_ex)``, ``W_col (out_ch, in_ch*fr*fc)``,
        ``Z_col = W_col @ X_col``, ``Z (n_ex, out_rows, out_cols, out_ch)`` from
        :func:`conv_teach.conv2D`; and ``pad`` (top, bottom, left, right), ``out``
        (out_rows, out_cols), ``cell`` (i, j), ``example`` n, ``column``
        ``(i*out_cols + j)*n_ex + n``, ``taps`` (padded (row, col) of every kernel tap of
        the cell, row-major), ``params`` (the parameters as given).

    Raises
    ------
    ValueError, TypeError
        The library's error, e.g. when the kernel is larger than the padded input.
    """
    params = dict(in_rows=in_rows, in_cols=in_cols, in_ch=in_ch, n_ex=n_ex, fr=fr, fc=fc,
                  out_ch=out_ch, stride=stride, pad=pad, dilation=dilation,
                  out_row=out_row, out_col=out_col, example=example)
    X = example_data((n_ex, in_rows, in_cols, in_ch), 0, 0, 10)
    W = example_data((fr, fc, in_ch, out_ch), 1, -1, 3)
    Z = conv2D(X, W, stride, pad, dilation)          # first: its error names conv2D
    X_pad, p = pad2D(X, pad, (fr, fc), stride, dilation)
    X_col, _ = im2col(X, W.shape, pad, stride, dilation)
    W_col = W_col_of(W)
    out = Z.shape[1:3]
    i, j, n = _clamp(out_row, out[0]), _clamp(out_col, out[1]), _clamp(example, n_ex)
    return dict(
        X=X, W=W, W_dil=dilate(W[None, :, :, 0, 0, None], dilation)[0, :, :, 0],
        X_pad=X_pad, X_col=X_col, W_col=W_col, Z_col=W_col @ X_col, Z=Z,
        pad=p, out=out, cell=(i, j), example=n, column=(i * out[1] + j) * n_ex + n,
        taps=receptive_field((i, j), W.shape, stride, dilation=dilation),
        eff=(effective_kernel(fr, dilation), effective_kernel(fc, dilation)),
        params=params)


def scene1D(l_in=8, fw=3, in_ch=1, stride=1, pad=0, dilation=0, out_pos=0):
    """Arrays of one 1D convolution (one example, one output channel) and output ``out_pos``.

    Returns
    -------
    dict
        ``X (1, l_in, in_ch)``, ``W (fw, in_ch, 1)``, ``X_pad (1, l_in + left + right, in_ch)``
        from :func:`conv_teach.pad1D`, ``X_col (in_ch*fw, l_out)`` = :func:`conv_teach.im2col`
        of the one-row image ``X[:, None]`` (conv1D is conv2D on one row), ``W_col (1, in_ch*fw)``,
        ``Z (1, l_out, 1)`` from :func:`conv_teach.conv1D`; ``pad`` (left, right), ``out``
        l_out, ``pos`` t, ``taps`` (padded positions ``t*stride + k*(dilation+1)``), ``params``.
    """
    params = dict(l_in=l_in, fw=fw, in_ch=in_ch, stride=stride, pad=pad, dilation=dilation,
                  out_pos=out_pos)
    X = example_data((1, l_in, in_ch), 0, 0, 10)
    W = example_data((fw, in_ch, 1), 1, -1, 3)
    Z = conv1D(X, W, stride, pad, dilation)
    X_pad, p = pad1D(X, pad, fw, stride, dilation)
    # add a row axis: the 1D problem is the 2D one on a single row
    X_col, _ = im2col(X[:, None], W[None].shape, (0, 0) + p, (1, stride), (0, dilation))
    t = _clamp(out_pos, Z.shape[1])
    return dict(X=X, W=W, X_pad=X_pad, X_col=X_col, W_col=W_col_of(W[None]), Z=Z,
                pad=p, out=Z.shape[1], pos=t, eff=effective_kernel(fw, dilation),
                taps=[t * stride + k * (dilation + 1) for k in range(fw)], params=params)


def scene_col2im(in_rows=5, in_cols=5, fr=3, fc=3, stride=1, pad=0, dilation=0,
                 out_row=0, out_col=0):
    """The backward pass through im2col: how often each pixel is read, and dX = col2im(dX_col).

    Returns
    -------
    dict
        Everything of :func:`scene2D` (one example, one channel) plus ``counts`` =
        ``col2im(ones like X_col)`` (how many windows read each input pixel), ``dZ``
        (an upstream gradient shaped like ``Z``), ``dX_col = W_col.T @ dZ_col`` and
        ``dX = col2im(dX_col)`` of shape ``X.shape``.
    """
    s = scene2D(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad,
                dilation=dilation, out_row=out_row, out_col=out_col)
    X, W = s["X"], s["W"]
    counts = col2im(np.ones_like(s["X_col"]), X.shape, W.shape, pad, stride, dilation)
    dZ = example_data(s["Z"].shape, 2, -2, 3)
    dZ_col = dZ.transpose(3, 1, 2, 0).reshape(dZ.shape[3], -1)   # the layout of Z_col
    dX_col = s["W_col"].T @ dZ_col
    dX = col2im(dX_col, X.shape, W.shape, pad, stride, dilation)
    s.update(counts=counts, dZ=dZ, dZ_col=dZ_col, dX_col=dX_col, dX=dX)
    s["params"] = dict(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad,
                       dilation=dilation, out_row=out_row, out_col=out_col)
    return s
