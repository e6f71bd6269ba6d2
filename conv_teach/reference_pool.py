"""Slow, obviously right loop versions of pooling and its backward pass: the tests' oracle.

One window at a time: list the input cells it reads (padding cells are skipped: for max
pooling they hold ``-inf`` and never win, for average pooling they hold 0), then reduce.
The maximum is found the way torch's CPU kernel scans a window: start from ``-inf`` with the
window's first input cell as the answer, and let a cell take over when it is *larger* than
the running maximum, or NaN. So ties go to the first maximum, and NaN to the last NaN.

They share no code with :mod:`conv_teach.pool`; only the padding *amounts* come from
:func:`conv_teach.pad2D` / :func:`conv_teach.pad1D`, and each function finds its output
size by counting the windows that fit.
"""
import numpy as np

from . import _validate as v
from .pad import pad1D, pad2D

__all__ = ["maxpool2D_loops", "avgpool2D_loops", "maxpool1D_loops", "avgpool1D_loops",
           "maxpool2D_backward_loops", "avgpool2D_backward_loops",
           "maxpool1D_backward_loops", "avgpool1D_backward_loops"]


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def _starts(padded_len, kernel, stride, dilation):
    """Start of every window that fits: 0, stride, 2*stride, ... while the last tap is inside."""
    starts, start = [], 0
    while start + (kernel - 1) * (dilation + 1) < padded_len:
        starts.append(start)
        start += stride
    return starts


def _check(fn, X, pool, stride, dilation, dim, dZ=None, count_include_pad=True):
    """The library's input checks (the same messages), so a bad call never loops on garbage."""
    layout = v.LAYOUT_POOL_2D if dim == 2 else v.LAYOUT_POOL_1D
    X = v.check_array(fn, "X", X, dim + 2, layout, batch_axis=0)
    if dim == 2:
        pool = v.check_pair(fn, "pool_shape", pool, 1, 2)
        stride, dilation = v.check_pair(fn, "stride", stride, 1, 2), v.check_pair(fn, "dilation", dilation, 0, 2)
    else:
        pool = v.check_int(fn, "pool_width", pool, 1)
        stride, dilation = v.check_int(fn, "stride", stride, 1), v.check_int(fn, "dilation", dilation, 0)
    v.check_flag(fn, "count_include_pad", count_include_pad)
    if dZ is not None:
        dZ = v.check_array(fn, "dZ", dZ, dim + 2, "dZ has the shape of the forward output.", batch_axis=0)
    return np.asarray(X, float), pool, stride, dilation, (None if dZ is None else np.asarray(dZ, float))


def _fits(fn, shape, pool, dilation, pads, count, dim):
    """Raise the library's error for a window larger than the padded input."""
    pool, dilation = (pool, dilation) if dim == 2 else ((pool,), (dilation,))
    v.check_pool_fits(fn, shape, pool, dilation, pads)


def _windows2D(X, pool_shape, stride, pad, dilation, fn="maxpool2D_loops"):
    """For every output cell ``(i, j)``: the input cells ``[(r, q), ...]`` its window reads,
    in window order (row by row), and the window's number of taps."""
    (k_r, k_c), (s_r, s_c), (d_r, d_c) = _pair(pool_shape), _pair(stride), _pair(dilation)
    _, (top, bottom, left, right) = pad2D(X, pad, (k_r, k_c), (s_r, s_c), (d_r, d_c))
    _fits(fn, X.shape[1:3], (k_r, k_c), (d_r, d_c), ((top, bottom), (left, right)), None, 2)
    rows = _starts(X.shape[1] + top + bottom, k_r, s_r, d_r)
    cols = _starts(X.shape[2] + left + right, k_c, s_c, d_c)
    cells = {}
    for i, r0 in enumerate(rows):
        for j, c0 in enumerate(cols):
            cells[i, j] = [(r0 + ki * (d_r + 1) - top, c0 + kj * (d_c + 1) - left)
                           for ki in range(k_r) for kj in range(k_c)
                           if 0 <= r0 + ki * (d_r + 1) - top < X.shape[1]
                           and 0 <= c0 + kj * (d_c + 1) - left < X.shape[2]]
    return cells, (len(rows), len(cols)), k_r * k_c


def _windows1D(X, pool_width, stride, pad, dilation, fn="maxpool1D_loops"):
    _, (left, right) = pad1D(X, pad, pool_width, stride, dilation)
    _fits(fn, X.shape[1:2], pool_width, dilation, ((left, right),), None, 1)
    starts = _starts(X.shape[1] + left + right, pool_width, stride, dilation)
    cells = {t: [t0 + k * (dilation + 1) - left for k in range(pool_width)
                 if 0 <= t0 + k * (dilation + 1) - left < X.shape[1]]
             for t, t0 in enumerate(starts)}
    return cells, len(starts), pool_width


def _argmax(values):
    """Index of the maximum of ``values`` by torch's scan (first maximum; last NaN), or None."""
    best, where = -np.inf, (0 if values else None)
    for k, value in enumerate(values):
        if value > best or np.isnan(value):
            best, where = value, k
    return where


def _refuse_padding_only(fn, cells, X, pool, stride, pad, dilation, dim):
    """Max pooling: a window that reads no input cell has no maximum (the library's error)."""
    empty = next((key for key, window in cells.items() if not window), None)
    if empty is not None:
        if dim == 2:
            _, pads = pad2D(X, pad, _pair(pool), _pair(stride), _pair(dilation))
            where, window, dil = f"cell {tuple(empty)}", _pair(pool), _pair(dilation)
        else:
            _, pads = pad1D(X, pad, pool, stride, dilation)
            where, window, dil = f"position {empty}", (pool,), (dilation,)
        raise v.pool_window_only_padding(fn, where, pads, mode="max", pool=window, dilation=dil)


def maxpool2D_loops(X, pool_shape, stride, pad, dilation=0):
    """``Z[n, i, j, c]`` = the largest input cell window ``(i, j)`` reads in channel ``c``.
    A window that reads only padding is an error (it has no maximum)."""
    X, _, _, _, _ = _check("maxpool2D_loops", X, pool_shape, stride, dilation, 2)
    cells, (oh, ow), _ = _windows2D(X, pool_shape, stride, pad, dilation, fn="maxpool2D_loops")
    _refuse_padding_only("maxpool2D_loops", cells, X, pool_shape, stride, pad, dilation, 2)
    Z = np.full((X.shape[0], oh, ow, X.shape[3]), -np.inf)
    for n in range(X.shape[0]):
        for (i, j), window in cells.items():
            for c in range(X.shape[3]):
                values = [X[n, r, q, c] for r, q in window]
                k = _argmax(values)
                if k is not None:
                    Z[n, i, j, c] = values[k]
    return Z


def maxpool2D_backward_loops(dZ, X, pool_shape, stride, pad, dilation=0):
    """``dZ[n, i, j, c]`` is added to the cell that won window ``(i, j)`` in channel ``c``."""
    X, _, _, _, dZ = _check("maxpool2D_backward_loops", X, pool_shape, stride, dilation, 2, dZ=dZ)
    cells, _, _ = _windows2D(X, pool_shape, stride, pad, dilation, fn="maxpool2D_backward_loops")
    _refuse_padding_only("maxpool2D_backward_loops", cells, X, pool_shape, stride, pad, dilation, 2)
    dX = np.zeros_like(X)
    for n in range(X.shape[0]):
        for (i, j), window in cells.items():
            for c in range(X.shape[3]):
                k = _argmax([X[n, r, q, c] for r, q in window])
                if k is not None:
                    r, q = window[k]
                    dX[n, r, q, c] += dZ[n, i, j, c]
    return dX


def avgpool2D_loops(X, pool_shape, stride, pad, count_include_pad=True):
    """``Z[n, i, j, c]`` = the sum of the input cells window ``(i, j)`` reads, divided by the
    number of taps (``count_include_pad``) or of input cells read."""
    X, _, _, _, _ = _check("avgpool2D_loops", X, pool_shape, stride, 0, 2, count_include_pad=count_include_pad)
    cells, (oh, ow), taps = _windows2D(X, pool_shape, stride, pad, 0, fn="avgpool2D_loops")
    Z = np.zeros((X.shape[0], oh, ow, X.shape[3]))
    for n in range(X.shape[0]):
        for (i, j), window in cells.items():
            count = taps if count_include_pad else len(window)
            for r, q in window:
                Z[n, i, j] += X[n, r, q] / count
    return Z


def avgpool2D_backward_loops(dZ, X, pool_shape, stride, pad, count_include_pad=True):
    """Every input cell window ``(i, j)`` reads gets ``dZ[n, i, j] / count``."""
    X, _, _, _, dZ = _check("avgpool2D_backward_loops", X, pool_shape, stride, 0, 2, dZ=dZ, count_include_pad=count_include_pad)
    cells, _, taps = _windows2D(X, pool_shape, stride, pad, 0, fn="avgpool2D_backward_loops")
    dX = np.zeros_like(X)
    for n in range(X.shape[0]):
        for (i, j), window in cells.items():
            count = taps if count_include_pad else len(window)
            for r, q in window:
                dX[n, r, q] += dZ[n, i, j] / count
    return dX


def maxpool1D_loops(X, pool_width, stride, pad, dilation=0):
    """``Z[n, t, c]`` = the largest input cell window ``t`` reads in channel ``c``."""
    X, _, _, _, _ = _check("maxpool1D_loops", X, pool_width, stride, dilation, 1)
    cells, l_out, _ = _windows1D(X, pool_width, stride, pad, dilation, fn="maxpool1D_loops")
    _refuse_padding_only("maxpool1D_loops", cells, X, pool_width, stride, pad, dilation, 1)
    Z = np.full((X.shape[0], l_out, X.shape[2]), -np.inf)
    for n in range(X.shape[0]):
        for t, window in cells.items():
            for c in range(X.shape[2]):
                values = [X[n, p, c] for p in window]
                k = _argmax(values)
                if k is not None:
                    Z[n, t, c] = values[k]
    return Z


def maxpool1D_backward_loops(dZ, X, pool_width, stride, pad, dilation=0):
    X, _, _, _, dZ = _check("maxpool1D_backward_loops", X, pool_width, stride, dilation, 1, dZ=dZ)
    cells, _, _ = _windows1D(X, pool_width, stride, pad, dilation, fn="maxpool1D_backward_loops")
    _refuse_padding_only("maxpool1D_backward_loops", cells, X, pool_width, stride, pad, dilation, 1)
    dX = np.zeros_like(X)
    for n in range(X.shape[0]):
        for t, window in cells.items():
            for c in range(X.shape[2]):
                k = _argmax([X[n, p, c] for p in window])
                if k is not None:
                    dX[n, window[k], c] += dZ[n, t, c]
    return dX


def avgpool1D_loops(X, pool_width, stride, pad, count_include_pad=True):
    X, _, _, _, _ = _check("avgpool1D_loops", X, pool_width, stride, 0, 1, count_include_pad=count_include_pad)
    cells, l_out, taps = _windows1D(X, pool_width, stride, pad, 0, fn="avgpool1D_loops")
    Z = np.zeros((X.shape[0], l_out, X.shape[2]))
    for n in range(X.shape[0]):
        for t, window in cells.items():
            count = taps if count_include_pad else len(window)
            for p in window:
                Z[n, t] += X[n, p] / count
    return Z


def avgpool1D_backward_loops(dZ, X, pool_width, stride, pad, count_include_pad=True):
    X, _, _, _, dZ = _check("avgpool1D_backward_loops", X, pool_width, stride, 0, 1, dZ=dZ, count_include_pad=count_include_pad)
    cells, _, taps = _windows1D(X, pool_width, stride, pad, 0, fn="avgpool1D_backward_loops")
    dX = np.zeros_like(X)
    for n in range(X.shape[0]):
        for t, window in cells.items():
            count = taps if count_include_pad else len(window)
            for p in window:
                dX[n, p] += dZ[n, t] / count
    return dX
