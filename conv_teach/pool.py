"""Max and average pooling, 1D and 2D, and their backward passes, on the window machinery.

A pooling layer slides a window over every channel on its own, exactly like a convolution
(same output size, same pad forms, same stride and dilation), but reduces each window with
``max`` or ``mean`` instead of a dot product with a kernel; it has no weights.

Conventions (see the README's table): ``X`` is NHWC ``(n_ex, in_rows, in_cols, in_ch)``
(1D: ``(n_ex, l_in, in_ch)``); ``dilation=d`` puts ``d`` cells between window taps
(torch's ``dilation`` is ``d + 1``); ``'same'`` gives ``ceil(in / stride)`` outputs.

* Max pooling pads with ``-inf``, so padding never wins. Ties: the gradient goes to the
  *first* maximum in window order (row by row, then column). NaN propagates: a window
  holding a NaN outputs NaN and its gradient goes to the *last* NaN in window order. Both
  are torch's CPU rule (scan the window; a value replaces the running maximum if it is
  larger or NaN). A window that reads only padding outputs ``-inf`` and passes no gradient.
* Average pooling pads with zeros. ``count_include_pad=True`` (torch's default) divides by
  the number of taps; ``False`` divides by the input cells the window reads (TF/Keras's
  ``'same'`` average pooling), and then a window that reads only padding is an error.
* Backward: ``dX`` gets, per output cell, ``dZ`` at the chosen maximum (max) or ``dZ / count``
  at every cell read (average). Windows that overlap (stride < window) *add* their parts.

How it works: a window has ``fr * fc`` taps. For tap ``(ki, kj)`` the cells it reads, one per
output cell, form one strided slice of the input, ``windows(X_pad)[:, :, :, ki, kj]``. The
reductions loop over the taps and work on whole slices, so the cost is ``fr * fc`` passes over
the output, done one cache-sized block of examples at a time.
"""
import numpy as np

from . import _validate as v
from .im2col import Geometry, float_dtype
from .shapes import out_sizes, resolve_pad1D, resolve_pad2D

__all__ = ["maxpool2D", "avgpool2D", "maxpool1D", "avgpool1D",
           "maxpool2D_backward", "avgpool2D_backward", "maxpool1D_backward", "avgpool1D_backward"]

#: Target size in bytes of the padded input of one block of examples (benchmarks/bench_pool.py).
POOL_BLOCK_BYTES = 2 * 2 ** 20


# ----------------------------------------------------------------------------- geometry

def _geometry2D(fn, X, pool_shape, stride, pad, dilation):
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_POOL_2D)
    k = v.check_pair(fn, "pool_shape", pool_shape, 1, 2)
    s = v.check_pair(fn, "stride", stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    p = resolve_pad2D(fn, pad, X.shape[1:3], k, s, d)
    v.check_pool_fits(fn, X.shape[1:3], k, d, (p[:2], p[2:]))
    out = out_sizes(fn, X.shape[1:3], k, s, d, (p[:2], p[2:]))
    return X, Geometry(k, s, d, p, out)


def _geometry1D(fn, X, pool_width, stride, pad, dilation):
    """The 1D problem as a one-row 2D one: ``X[:, None]`` with pad ``(0, 0, left, right)``."""
    X = v.check_array(fn, "X", X, 3, v.LAYOUT_POOL_1D)
    k = v.check_int(fn, "pool_width", pool_width, 1)
    s = v.check_int(fn, "stride", stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    p = resolve_pad1D(fn, pad, X.shape[1], k, s, d)
    v.check_pool_fits(fn, X.shape[1:2], (k,), (d,), (p,))
    (out,) = out_sizes(fn, (X.shape[1],), (k,), (s,), (d,), (p,))
    return X[:, None], Geometry((1, k), (1, s), (0, d), (0, 0) + tuple(p), (1, out))


def _check_dZ(fn, dZ, X, g, dim):
    layout = "dZ is (n_ex, out_rows, out_cols, in_ch)." if dim == 2 else "dZ is (n_ex, l_out, in_ch)."
    dZ = v.check_array(fn, "dZ", dZ, dim + 2, layout)
    if dim == 1:
        v.check_dZ_shape(fn, dZ, (X.shape[0], g.out[1], X.shape[3]))
        return dZ[:, None]
    v.check_dZ_shape(fn, dZ, (X.shape[0],) + g.out + (X.shape[3],))
    return dZ


def _real_range(out, before, n, stride, offset):
    """Output indices whose tap at ``offset`` (in the padded input) reads a real input cell,
    as ``(first, stop)``, and the input index the first one reads."""
    first = max(0, -(-(before - offset) // stride))
    stop = min(out, (before + n - 1 - offset) // stride + 1)
    return first, max(first, stop), first * stride + offset - before


def _taps(g, in_shape):
    """Per tap ``(ki, kj)`` in window order: the block of output cells whose tap is a real
    input cell, ``(i0, i1, j0, j1)``, and the input slices those cells read."""
    t, _, l, _ = g.pad
    (fr, fc), (s_r, s_c), (d_r, d_c), (oh, ow) = g.kernel, g.stride, g.dilation, g.out
    for ki in range(fr):
        i0, i1, r0 = _real_range(oh, t, in_shape[0], s_r, ki * (d_r + 1))
        for kj in range(fc):
            j0, j1, c0 = _real_range(ow, l, in_shape[1], s_c, kj * (d_c + 1))
            rows = slice(r0, r0 + s_r * (i1 - i0 - 1) + 1, s_r) if i1 > i0 else slice(0, 0)
            cols = slice(c0, c0 + s_c * (j1 - j0 - 1) + 1, s_c) if j1 > j0 else slice(0, 0)
            yield (slice(i0, i1), slice(j0, j1)), (rows, cols)


def _blocks(n_ex, example_bytes):
    """Ranges of examples whose input fits in :data:`POOL_BLOCK_BYTES` (at least one), so that
    the passes over one block's taps find it in the cache."""
    step = max(1, POOL_BLOCK_BYTES // max(1, example_bytes))
    for n0 in range(0, n_ex, step):
        yield n0, min(n0 + step, n_ex)


def _max_block(Xb, Zb, taps):
    """``Zb`` = the maximum over the taps; padding (-inf) is left out by the tap ranges."""
    Zb.fill(-np.inf)
    for (oi, oj), (ri, rj) in taps:
        z = Zb[:, oi, oj]
        np.maximum(z, Xb[:, ri, rj], out=z)        # NaN wins, as in torch


# ----------------------------------------------------------------------------- the cores

def _max_core(X, g, dtype):
    Z = np.empty((X.shape[0],) + g.out + (X.shape[3],), dtype)
    taps = list(_taps(g, X.shape[1:3]))
    for n0, n1 in _blocks(X.shape[0], X[0].size * dtype.itemsize):
        _max_block(X[n0:n1], Z[n0:n1], taps)
    return Z


def _max_backward_core(dZ, X, g, dtype):
    """Route each ``dZ`` to its window's maximum (first one on ties, last NaN if any)."""
    dZ = dZ.astype(dtype, copy=False)
    taps = list(_taps(g, X.shape[1:3]))
    # windows that do not overlap write disjoint cells: each tap can assign instead of add
    disjoint = all(s >= k + (k - 1) * d for k, s, d in zip(g.kernel, g.stride, g.dilation))
    dX = np.empty(X.shape, dtype) if disjoint else np.zeros(X.shape, dtype)
    for n0, n1 in _blocks(X.shape[0], X[0].size * dtype.itemsize):
        Xb, dZb, dXb = X[n0:n1], dZ[n0:n1], dX[n0:n1]
        Zb = np.empty(dZb.shape, dtype)
        _max_block(Xb, Zb, taps)
        if disjoint:
            dXb.fill(0)           # cells no window reads (cut off by the stride) stay 0
        open_ = np.ones(Zb.shape, bool)         # output cells whose maximum is not yet found
        part = np.empty(Zb.shape, dtype)
        # m * dZ is the fast way to keep dZ where m holds, but 0 * inf is NaN: only for finite dZ
        finite = np.isfinite(dZb).all()
        for (oi, oj), (ri, rj) in taps:
            o, p = open_[:, oi, oj], part[:, oi, oj]
            m = Xb[:, ri, rj] == Zb[:, oi, oj]  # the first tap equal to the maximum takes it
            m &= o
            o ^= m
            if not finite:
                d = dXb[:, ri, rj]
                np.add(d, dZb[:, oi, oj], out=d, where=m)
            elif disjoint:
                np.multiply(m, dZb[:, oi, oj], out=dXb[:, ri, rj])
            else:
                np.multiply(m, dZb[:, oi, oj], out=p)
                d = dXb[:, ri, rj]
                d += p
        if open_.any():           # NaN (never equal to itself): the last NaN takes it
            nans = open_ & np.isnan(Zb)
            for (oi, oj), (ri, rj) in reversed(taps):
                o = nans[:, oi, oj]
                m = np.isnan(Xb[:, ri, rj])
                m &= o
                o ^= m
                d = dXb[:, ri, rj]
                d[m] += dZb[:, oi, oj][m]
    return dX


def _counts(fn, g, in_shape, count_include_pad, dim):
    """The divisor of every output cell: the number of taps, or an array
    ``(out_rows, out_cols, 1)`` of the input cells each window reads."""
    count_include_pad = v.check_flag(fn, "count_include_pad", count_include_pad)
    fr, fc = g.kernel
    if count_include_pad:
        return fr * fc
    per_axis = []
    for axis in range(2):                 # per axis: how many taps read an input cell
        n = np.zeros(g.out[axis], np.int64)
        for k in range(g.kernel[axis]):
            i0, i1, _ = _real_range(g.out[axis], g.pad[2 * axis], in_shape[axis], g.stride[axis],
                                    k * (g.dilation[axis] + 1))
            n[i0:i1] += 1
        if not n.all():
            name = "position" if dim == 1 else ("row", "column")[axis]
            pad = g.pad[2:] if dim == 1 else g.pad
            raise v.pool_window_only_padding(fn, name, int(np.flatnonzero(n == 0)[0]), pad)
        per_axis.append(n)
    return (per_axis[0][:, None] * per_axis[1][None, :])[:, :, None]


def _avg_core(X, g, dtype, count):
    Z = np.empty((X.shape[0],) + g.out + (X.shape[3],), dtype)
    taps = list(_taps(g, X.shape[1:3]))
    for n0, n1 in _blocks(X.shape[0], X[0].size * dtype.itemsize):
        Xb, Zb = X[n0:n1], Z[n0:n1]
        Zb.fill(0)
        for (oi, oj), (ri, rj) in taps:   # padding is zero: only real cells add
            z = Zb[:, oi, oj]
            z += Xb[:, ri, rj]
        Zb /= count
    return Z


def _avg_backward_core(dZ, X, g, dtype, count):
    """Every cell a window reads gets ``dZ / count`` of that window; overlaps add."""
    dX = np.zeros(X.shape, dtype)
    taps = list(_taps(g, X.shape[1:3]))
    for n0, n1 in _blocks(X.shape[0], X[0].size * dtype.itemsize):
        share = np.divide(dZ[n0:n1], count, dtype=dtype)
        dXb = dX[n0:n1]
        for (oi, oj), (ri, rj) in taps:
            d = dXb[:, ri, rj]
            d += share[:, oi, oj]
    return dX


# ----------------------------------------------------------------------------- 2D

def maxpool2D(X, pool_shape, stride, pad, dilation=0):
    """2D max pooling: the largest value of every window, channel by channel.

    ``Z[n, i, j, c] = max over ki, kj of X_pad[n, i*s_r + ki*(d_r+1), j*s_c + kj*(d_c+1), c]``,
    with ``X_pad`` padded by ``-inf``.

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Input volume, not padded. Never modified.
    pool_shape : int or (rows, cols)
        Window size, >= 1.
    stride : int or (rows, cols)
        Step between windows, >= 1 (often equal to ``pool_shape``).
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
        As in :func:`conv_teach.pad2D`, but filled with ``-inf``.
    dilation : int or (rows, cols), default 0
        Cells skipped between window taps (torch's ``dilation`` minus one).

    Returns
    -------
    Z : ndarray of shape (n_ex, out_rows, out_cols, in_ch)
        ``out = (in + before + after - eff) // stride + 1`` per axis, ``eff = k + (k-1)*d``.
        float32 stays float32; other inputs give float64. NaN in a window gives NaN; a window
        that reads only padding gives ``-inf``.

    Raises
    ------
    ValueError, TypeError
        With a message naming the parameter: wrong ndim, bad pool_shape, stride, pad or
        dilation, or a window larger than the padded input.

    See Also
    --------
    maxpool2D_backward, conv_teach.reference_pool.maxpool2D_loops

    Notes
    -----
    torch's ``max_pool2d`` (NCHW) accepts only symmetric padding of at most half the window;
    every pad form works here, ``'same'`` included.

    Examples
    --------
    >>> X = np.array([[1., 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [6, 2, 2, 2]]).reshape(1, 4, 4, 1)
    >>> maxpool2D(X, 2, stride=2, pad=0)[0, :, :, 0]
    array([[4., 5.],
           [6., 3.]])
    """
    X, g = _geometry2D("maxpool2D", X, pool_shape, stride, pad, dilation)
    return _max_core(X, g, float_dtype(X))


def maxpool2D_backward(dZ, X, pool_shape, stride, pad, dilation=0):
    """Gradient of ``sum(dZ * maxpool2D(X, ...))`` with respect to ``X``.

    Parameters
    ----------
    dZ : ndarray of shape (n_ex, out_rows, out_cols, in_ch)
        Gradient of the loss with respect to the output of :func:`maxpool2D`.
    X, pool_shape, stride, pad, dilation
        The forward pass's arguments.

    Returns
    -------
    dX : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Each ``dZ[n, i, j, c]`` is added to the cell of window ``(i, j)`` that holds its
        maximum: the first in window order on ties, the last NaN if the window holds NaN.
        Overlapping windows add; cells that are no window's maximum get 0.

    Examples
    --------
    >>> X = np.array([[1., 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [6, 2, 2, 2]]).reshape(1, 4, 4, 1)
    >>> maxpool2D_backward(np.ones((1, 2, 2, 1)), X, 2, stride=2, pad=0)[0, :, :, 0]
    array([[0., 0., 0., 0.],
           [1., 0., 0., 1.],
           [0., 0., 1., 0.],
           [1., 0., 0., 0.]])
    """
    fn = "maxpool2D_backward"
    X, g = _geometry2D(fn, X, pool_shape, stride, pad, dilation)
    dZ = _check_dZ(fn, dZ, X, g, 2)
    return _max_backward_core(dZ, X, g, float_dtype(X, dZ))


def avgpool2D(X, pool_shape, stride, pad, count_include_pad=True):
    """2D average pooling: the mean of every window, channel by channel.

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Input volume, not padded. Never modified.
    pool_shape : int or (rows, cols)
    stride : int or (rows, cols)
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
        As in :func:`conv_teach.pad2D` (zeros).
    count_include_pad : bool, default True
        True: divide by ``rows * cols`` (padding counts as zeros; torch's default). False:
        divide by the number of input cells the window reads (Keras's ``'same'``).

    Returns
    -------
    Z : ndarray of shape (n_ex, out_rows, out_cols, in_ch)

    Raises
    ------
    ValueError
        Besides the usual argument errors: with ``count_include_pad=False``, a window that
        reads only padding (it has nothing to average).

    See Also
    --------
    avgpool2D_backward, conv_teach.reference_pool.avgpool2D_loops

    Examples
    --------
    >>> X = np.arange(1., 5.).reshape(1, 2, 2, 1)
    >>> avgpool2D(X, 2, stride=1, pad=(0, 1), count_include_pad=True)[0, :, :, 0]  # (0+1+0+3)/4, ...
    array([[1. , 2.5, 1.5]])
    >>> avgpool2D(X, 2, stride=1, pad=(0, 1), count_include_pad=False)[0, :, :, 0]  # (1+3)/2, ...
    array([[2. , 2.5, 3. ]])
    """
    fn = "avgpool2D"
    X, g = _geometry2D(fn, X, pool_shape, stride, pad, 0)
    count = _counts(fn, g, X.shape[1:3], count_include_pad, 2)
    return _avg_core(X, g, float_dtype(X), count)


def avgpool2D_backward(dZ, X, pool_shape, stride, pad, count_include_pad=True):
    """Gradient of ``sum(dZ * avgpool2D(X, ...))`` with respect to ``X``.

    Returns
    -------
    dX : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Every cell a window reads gets that window's ``dZ / count``; overlapping windows add.

    Examples
    --------
    >>> avgpool2D_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 2, 2, 1)), 2, 2, 0)[0, :, :, 0]
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """
    fn = "avgpool2D_backward"
    X, g = _geometry2D(fn, X, pool_shape, stride, pad, 0)
    count = _counts(fn, g, X.shape[1:3], count_include_pad, 2)
    dZ = _check_dZ(fn, dZ, X, g, 2)
    return _avg_backward_core(dZ, X, g, float_dtype(X, dZ), count)


# ----------------------------------------------------------------------------- 1D

def maxpool1D(X, pool_width, stride, pad, dilation=0):
    """1D max pooling of a batch of sequences (see :func:`maxpool2D`).

    Parameters
    ----------
    X : ndarray of shape (n_ex, l_in, in_ch)
    pool_width : int
    stride : int
    pad : int, (left, right), 'same', 'valid' or 'causal'
        Filled with ``-inf``.
    dilation : int, default 0

    Returns
    -------
    Z : ndarray of shape (n_ex, l_out, in_ch)

    Examples
    --------
    >>> maxpool1D(np.array([1., 3, 2, 0, 4]).reshape(1, 5, 1), 2, 1, 'causal')[0, :, 0]
    array([1., 3., 3., 2., 4.])
    """
    X, g = _geometry1D("maxpool1D", X, pool_width, stride, pad, dilation)
    return _max_core(X, g, float_dtype(X))[:, 0]


def maxpool1D_backward(dZ, X, pool_width, stride, pad, dilation=0):
    """Gradient of ``sum(dZ * maxpool1D(X, ...))`` with respect to ``X``, shape (n_ex, l_in, in_ch).

    Same routing rules as :func:`maxpool2D_backward`.
    """
    fn = "maxpool1D_backward"
    X, g = _geometry1D(fn, X, pool_width, stride, pad, dilation)
    dZ = _check_dZ(fn, dZ, X, g, 1)
    return _max_backward_core(dZ, X, g, float_dtype(X, dZ))[:, 0]


def avgpool1D(X, pool_width, stride, pad, count_include_pad=True):
    """1D average pooling of a batch of sequences (see :func:`avgpool2D`).

    Returns
    -------
    Z : ndarray of shape (n_ex, l_out, in_ch)

    Examples
    --------
    >>> avgpool1D(np.array([2., 4, 6]).reshape(1, 3, 1), 2, 1, 'causal', count_include_pad=False)[0, :, 0]
    array([2., 3., 5.])
    """
    fn = "avgpool1D"
    X, g = _geometry1D(fn, X, pool_width, stride, pad, 0)
    count = _counts(fn, g, X.shape[1:3], count_include_pad, 1)
    return _avg_core(X, g, float_dtype(X), count)[:, 0]


def avgpool1D_backward(dZ, X, pool_width, stride, pad, count_include_pad=True):
    """Gradient of ``sum(dZ * avgpool1D(X, ...))`` with respect to ``X``, shape (n_ex, l_in, in_ch)."""
    fn = "avgpool1D_backward"
    X, g = _geometry1D(fn, X, pool_width, stride, pad, 0)
    count = _counts(fn, g, X.shape[1:3], count_include_pad, 1)
    dZ = _check_dZ(fn, dZ, X, g, 1)
    return _avg_backward_core(dZ, X, g, float_dtype(X, dZ), count)[:, 0]
