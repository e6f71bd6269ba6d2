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
  larger or NaN). A window whose input cells are all ``-inf`` sends its gradient to the
  first of them (torch too). A window that would read only padding is an error: it has no
  maximum (torch refuses any pad over half the window; here only such windows are refused).
* Average pooling pads with zeros. ``count_include_pad=True`` (torch's default) divides by
  the number of taps; ``False`` divides by the input cells the window reads (TF/Keras's
  ``'same'`` average pooling), and then a window that reads only padding is an error.
* Backward: ``dX`` gets, per output cell, ``dZ`` at the chosen maximum (max) or ``dZ / count``
  at every cell read (average). Windows that overlap (stride < window) *add* their parts.

How it works, with :mod:`conv_teach.windows`: the padded input's window view has one
strided slice per tap ``(ki, kj)``, ``window_view(X_pad, g)[:, :, :, ki, kj]``, holding the
cell that tap reads for every output cell. The reductions loop over the ``fr * fc`` taps and
work on whole slices (``fr * fc`` passes over the output), one cache-sized block of examples
at a time (:data:`POOL_BLOCK_BYTES`). The backward passes are the adjoint: average pooling
adds each tap's share straight into ``dX`` through the slices of the cells that tap reads
(:func:`_tap_reads`; the padding's share has nowhere to go); max pooling adds into a padded
buffer (tap by tap, or one ``np.bincount`` for overlapping windows) and keeps its input part.
For overlapping max windows without NaN, one scan over the
taps finds both the maximum and the first tap holding it. Blocks of different examples run on
:data:`THREADS` threads (NumPy's loops release the GIL).
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import _validate as v
from . import windows as w
from .shapes import resolve_pad1D, resolve_pad2D

__all__ = ["maxpool2D", "avgpool2D", "maxpool1D", "avgpool1D",
           "maxpool2D_backward", "avgpool2D_backward", "maxpool1D_backward", "avgpool1D_backward"]

#: Target bytes of one block's padded input: small enough to stay in the cache while all the
#: taps pass over it (benchmarks/bench_pool.py --tune: 1-4 MiB alike, 6-8 MiB up to 30% slower).
POOL_BLOCK_BYTES = 2 * 2 ** 20

#: Threads that work on blocks of whole examples at once (None: the CPUs this process may use;
#: 1: none). NumPy's element-wise loops release the GIL; measured in benchmarks/bench_pool.py.
THREADS = None


# ----------------------------------------------------------------------------- geometry

def _geometry2D(fn, X, pool_shape, stride, pad, dilation):
    """Check a 2D call; return ``(X, Geometry)``. The window's size is checked as ``pool_shape``
    and its fit in pooling's words before :func:`conv_teach.windows.geometry` sees them."""
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_POOL_2D, batch_axis=0)
    k = v.check_pair(fn, "pool_shape", pool_shape, 1, 2)
    s = v.check_pair(fn, "stride", stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    p = resolve_pad2D(fn, pad, X.shape[1:3], k, s, d)
    v.check_pool_fits(fn, X.shape[1:3], k, d, (p[:2], p[2:]))
    return X, w.geometry(fn, X.shape[1:3], k, s, p, d)


def _geometry1D(fn, X, pool_width, stride, pad, dilation):
    """The 1D problem as a one-row 2D one: ``X[:, None]`` with pad ``(0, 0, left, right)``."""
    X = v.check_array(fn, "X", X, 3, v.LAYOUT_POOL_1D, batch_axis=0)
    k = v.check_int(fn, "pool_width", pool_width, 1)
    s = v.check_int(fn, "stride", stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    p = resolve_pad1D(fn, pad, X.shape[1], k, s, d)
    v.check_pool_fits(fn, X.shape[1:2], (k,), (d,), (p,))
    return X[:, None], w.geometry(fn, (1, X.shape[1]), (1, k), (1, s), (0, 0) + p, (0, d))


def _check_dZ(fn, dZ, X, g, dim):
    layout = "dZ is (n_ex, out_rows, out_cols, in_ch)." if dim == 2 else "dZ is (n_ex, l_out, in_ch)."
    dZ = v.check_array(fn, "dZ", dZ, dim + 2, layout, batch_axis=0)
    if dim == 1:
        v.check_dZ_shape(fn, dZ, (X.shape[0], g.out[1], X.shape[3]))
        return dZ[:, None]
    v.check_dZ_shape(fn, dZ, (X.shape[0],) + g.out + (X.shape[3],))
    return dZ


def _limit(fn, max_bytes):
    return None if max_bytes is None else v.check_int(fn, "max_bytes", max_bytes, 1)


def _new(fn, what, shape, dtype, max_bytes, zeros=False):
    """An output array, refused with its size (ArrayTooLarge) before allocating if too large."""
    w.check_size(fn, what, shape, dtype, max_bytes)
    return np.zeros(shape, dtype) if zeros else np.empty(shape, dtype)


def _blocks(fn, X, g, fill, dtype, max_bytes):
    """``iter_windows`` in blocks of about :data:`POOL_BLOCK_BYTES` of padded input."""
    row_bytes = g.stride[0] * (X.shape[2] + g.pad[2] + g.pad[3]) * X.shape[3] * dtype.itemsize
    return w.iter_windows(X, g, row_bytes=row_bytes, fill=fill, dtype=dtype,
                          block_bytes=POOL_BLOCK_BYTES, fn=fn, max_bytes=max_bytes)


def _threads():
    """Worker threads for whole-example blocks: :data:`THREADS`, or the CPUs this process may
    use (NumPy's loops release the GIL, so blocks of different examples run side by side)."""
    if THREADS is not None:
        return THREADS
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                      # not on Linux
        return os.cpu_count() or 1


_pool = {}


def _each_block(fn, X, g, fill, dtype, max_bytes, work):
    """Call ``work(n0, n1, r0, r1, win)`` on every block (see :func:`_blocks`), padding each
    block inside the call. Blocks of different examples write disjoint parts of the output and
    run on :func:`_threads` threads; an example cut into row ranges (whose padded rows overlap)
    runs its ranges in turn, in one thread."""
    row_bytes = g.stride[0] * (X.shape[2] + g.pad[2] + g.pad[3]) * X.shape[3] * dtype.itemsize
    todo = list(w.blocks(X.shape[0], g.out[0], row_bytes, POOL_BLOCK_BYTES))

    def one(item):
        n0, n1, ranges = item
        for r0, r1 in ranges:
            part = w.padded(X[n0:n1], g, fill, dtype, rows=w.rows_needed(g, r0, r1), fn=fn,
                            max_bytes=max_bytes)
            work(n0, n1, r0, r1, w.window_view(part, g, rows=r1 - r0))

    threads = min(_threads(), len(todo))
    if threads < 2:
        for item in todo:
            one(item)
        return
    if threads not in _pool:
        _pool[threads] = ThreadPoolExecutor(threads, thread_name_prefix="conv_teach_pool")
    for _ in _pool[threads].map(one, todo):     # raises the first worker's exception
        pass


def _taps(g):
    return [(ki, kj) for ki in range(g.kernel[0]) for kj in range(g.kernel[1])]


def _tap(buf, g, ki, kj, rows):
    """Writable slice of a padded buffer holding tap ``(ki, kj)`` of ``rows`` output rows
    (the cells :func:`conv_teach.windows.window_view` reads there; fold_into's slicing)."""
    (s_r, s_c), (d_r, d_c), ow = g.stride, g.dilation, g.out[1]
    r, c = ki * (d_r + 1), kj * (d_c + 1)
    return buf[:, r:r + s_r * (rows - 1) + 1:s_r, c:c + s_c * (ow - 1) + 1:s_c]


def _max_of(win, taps, out):
    np.copyto(out, win[:, :, :, 0, 0])
    for ki, kj in taps[1:]:
        np.maximum(out, win[:, :, :, ki, kj], out=out)      # NaN wins, as in torch
    return out


def _reads_input(g, in_shape, r0=0, r1=None):
    """Window view ``(1, rows, out_cols, fr, fc, 1)`` of padded ones: which taps read an input
    cell (1) and which padding (0), for output rows ``r0 .. r1 - 1``."""
    r1 = g.out[0] if r1 is None else r1
    ones = np.ones((1,) + tuple(in_shape) + (1,))
    return w.window_view(w.padded(ones, g, 0.0, rows=w.rows_needed(g, r0, r1)), g, rows=r1 - r0)


def _axis_reads(n, offset, s, before, a, b):
    """Outputs ``o`` in ``a .. b - 1`` of one axis whose tap at padded ``o*s + offset`` reads
    an input cell (of ``n``), as ``(output slice relative to a, input slice)``, or None."""
    off = offset - before                       # the input index of output o: o*s + off
    lo, hi = w.reading_outputs(n, off, s, a, b)
    if lo >= hi:
        return None
    return slice(lo - a, hi - a), slice(lo * s + off, (hi - 1) * s + off + 1, s)


def _tap_reads(g, in_shape, r0, r1):
    """For every tap that reads input cells for output rows ``r0 .. r1 - 1``: ``((rows, cols)
    of those outputs in the block, (rows, cols) of the cells they read)``.

    The other outputs read padding with that tap. Average pooling's backward pass adds each
    tap's share through these slices straight into ``dX``: no padded buffer to fill and crop.
    """
    (s_r, s_c), (d_r, d_c) = g.stride, g.dilation
    out = []
    for ki, kj in _taps(g):
        rows = _axis_reads(in_shape[0], ki * (d_r + 1), s_r, g.pad[0], r0, r1)
        cols = _axis_reads(in_shape[1], kj * (d_c + 1), s_c, g.pad[2], 0, g.out[1])
        if rows is not None and cols is not None:
            out.append(((rows[0], cols[0]), (rows[1], cols[1])))
    return out


# ----------------------------------------------------------------------------- the cores

def _reads_input_everywhere(fn, X, g, dim):
    """Max pooling's check that no window reads only padding (in 1D: the column axis)."""
    axes = slice(1, 2) if dim == 1 else slice(0, 2)
    pads = ((g.pad[0], g.pad[1]), (g.pad[2], g.pad[3]))[axes]
    v.check_pool_reads_input(fn, X.shape[1:3][axes], g.out[axes], g.kernel[axes], g.stride[axes],
                             g.dilation[axes], pads)


def _max_core(fn, X, g, dtype, max_bytes=None):
    Z = _new(fn, "the output Z", (X.shape[0],) + g.out + (X.shape[3],), dtype, max_bytes)
    taps = _taps(g)
    _each_block(fn, X, g, -np.inf, dtype, max_bytes,
                lambda n0, n1, r0, r1, win: _max_of(win, taps, Z[n0:n1, r0:r1]))
    return Z


def _max_backward_core(fn, dZ, X, g, dtype, max_bytes=None):
    """Route each ``dZ`` to its window's maximum (the first on ties, the last NaN if any).

    Windows that do not overlap (stride >= window) write disjoint cells: each tap writes its
    share straight into the buffer. Overlapping windows would need an add per tap; instead each
    output cell records *which* tap won (one byte), and one ``np.bincount`` adds every ``dZ``
    into the cell it names (the scatter-add that torch's backward does with its indices).
    """
    dZ = dZ.astype(dtype, copy=False)
    dX = _new(fn, "the gradient dX", X.shape, dtype, max_bytes, zeros=True)
    taps = _taps(g)
    no_pad = not any(g.pad)
    disjoint = all(s >= k + (k - 1) * d for k, s, d in zip(g.kernel, g.stride, g.dilation))
    tap_type = np.min_scalar_type(len(taps))
    offsets = _tap_offsets(g, w.padded_shape(X.shape, g))    # the same for every block
    first_cells = {}                                          # per block shape, computed once
    def block(n0, n1, r0, r1, win):
        dZb = dZ[n0:n1, r0:r1]
        # overlapping windows without NaN: one scan finds each window's maximum and the
        # first tap holding it (a later tap takes over only if strictly larger)
        fused = not disjoint and not np.isnan(_block_input(X, g, n0, n1, r0, r1)).any()
        if fused:
            Zb, fused_winner = _max_and_first(win, taps, dtype, tap_type)
        else:
            Zb = _max_of(win, taps, np.empty(win.shape[:3] + win.shape[5:], dtype))
        lo, hi = w.rows_needed(g, r0, r1)
        buf_shape = (n1 - n0, hi - lo) + w.padded_shape(X.shape, g)[2:]
        todo = Zb > -np.inf                      # NaN and -inf maxima are routed below
        special = None if todo.all() else ~todo
        if disjoint:
            # the padded buffer the taps write into: dX itself when there is no padding
            buf = dX[n0:n1, lo:hi] if no_pad else np.zeros(buf_shape, dtype)
            finite = np.isfinite(dZb).all()      # m * dZ keeps dZ where m holds, but 0 * inf is NaN
            for ki, kj in taps:
                m = win[:, :, :, ki, kj] == Zb   # the first tap equal to the maximum takes it
                m &= todo
                todo ^= m
                t = _tap(buf, g, ki, kj, r1 - r0)
                if finite:
                    np.multiply(m, dZb, out=t)
                else:
                    np.add(t, dZb, out=t, where=m)
        else:
            if fused:
                winner = fused_winner
            else:
                winner, step = np.zeros(Zb.shape, tap_type), np.empty(Zb.shape, tap_type)
                for t, (ki, kj) in enumerate(taps):
                    m = win[:, :, :, ki, kj] == Zb
                    m &= todo
                    todo ^= m
                    if t:                            # winner += t where m (small ints: fast)
                        np.multiply(m.view(np.uint8), tap_type.type(t), out=step, casting="unsafe")
                        winner += step
            weights = dZb if special is None else np.where(special, 0, dZb)
            key = (buf_shape[1:], r1 - r0)
            if key not in first_cells or len(first_cells[key]) < n1 - n0:
                first_cells[key] = _flat_cells(g, buf_shape, r1 - r0)
            cells = first_cells[key][:n1 - n0] + offsets[winner]
            buf = np.bincount(cells.ravel(), weights.ravel(), minlength=int(np.prod(buf_shape)))
            buf = buf.reshape(buf_shape).astype(dtype, copy=False)
        if special is not None:
            _route_special(buf, win, Zb, dZb, special, g, X.shape[1:3], r0, r1, taps)
        if disjoint and no_pad:
            return
        if no_pad:
            dX[n0:n1, lo:hi] += buf
        else:
            w.add_cropped(dX[n0:n1], buf, g, lo)

    _each_block(fn, X, g, -np.inf, dtype, max_bytes, block)
    return dX


def _block_input(X, g, n0, n1, r0, r1):
    """The input cells (unpadded) that output rows ``r0 .. r1 - 1`` of examples ``n0 .. n1 - 1`` read."""
    lo, hi = w.rows_needed(g, r0, r1)
    t = g.pad[0]
    return X[n0:n1, max(lo - t, 0):max(min(hi - t, X.shape[1]), 0)]


def _max_and_first(win, taps, dtype, tap_type):
    """Each window's maximum and the index (window order) of the first tap holding it, in
    one pass over the taps: a tap takes over only where it is strictly larger. Without NaN
    this is the first maximum (NaN never compares larger: the caller checks there is none)."""
    Zb = np.array(win[:, :, :, 0, 0], dtype=dtype, order="C")
    winner, step = np.zeros(Zb.shape, tap_type), np.empty(Zb.shape, tap_type)
    larger = np.empty(Zb.shape, bool)
    for t, (ki, kj) in enumerate(taps[1:], 1):
        v = win[:, :, :, ki, kj]
        np.greater(v, Zb, out=larger)
        np.maximum(Zb, v, out=Zb)
        # winner = t where larger: t exceeds every earlier index, so a maximum does it
        # (masked copies are several times slower than this arithmetic on bytes)
        np.multiply(larger.view(np.uint8), tap_type.type(t), out=step, casting="unsafe")
        np.maximum(winner, step, out=winner)
    return Zb, winner


def _flat_cells(g, buf_shape, rows):
    """Flat index in a buffer of ``buf_shape`` of tap (0, 0) of every output cell, shape
    ``(n, rows, out_cols, ch)``: ``((n*H + i*s_r)*W + j*s_c)*ch + c``."""
    n, H, W, ch = buf_shape
    (s_r, s_c), ow = g.stride, g.out[1]
    return (np.arange(n)[:, None, None, None] * (H * W * ch)
            + np.arange(rows)[None, :, None, None] * (s_r * W * ch)
            + np.arange(ow)[None, None, :, None] * (s_c * ch)
            + np.arange(ch)[None, None, None, :])


def _tap_offsets(g, buf_shape):
    """Flat offset of tap ``t`` from tap (0, 0), in window order."""
    _, _, W, ch = buf_shape
    (d_r, d_c) = g.dilation
    return np.array([(ki * (d_r + 1) * W + kj * (d_c + 1)) * ch for ki, kj in _taps(g)], np.int64)


def _route_special(buf, win, Zb, dZb, special, g, in_shape, r0, r1, taps):
    """NaN maxima go to the last NaN of the window (torch's scan lets every NaN take over);
    ``-inf`` maxima to the window's first input cell (never to padding, also ``-inf``)."""
    nan = special & np.isnan(Zb)
    for ki, kj in reversed(taps):                # padding is -inf, never NaN
        m = np.isnan(win[:, :, :, ki, kj])
        m &= nan
        nan ^= m
        t = _tap(buf, g, ki, kj, r1 - r0)
        t[m] += dZb[m]
    minf = special & (Zb == -np.inf)
    if minf.any():
        real = _reads_input(g, in_shape, r0=r0, r1=r1)
        for ki, kj in taps:
            m = minf & (real[:, :, :, ki, kj] > 0)
            minf ^= m
            t = _tap(buf, g, ki, kj, r1 - r0)
            t[m] += dZb[m]


def _counts(fn, g, in_shape, count_include_pad, dim):
    """The divisor of every output cell: the number of taps, or an array ``(1, out_rows,
    out_cols, 1)`` of the input cells each window reads (window view of padded ones)."""
    count_include_pad = v.check_flag(fn, "count_include_pad", count_include_pad)
    if count_include_pad:
        return g.kernel[0] * g.kernel[1]
    count = _reads_input(g, in_shape).sum(axis=(3, 4))
    if not count.all():
        i, j = (int(a[0]) for a in np.nonzero(count[0, :, :, 0] == 0))
        where = f"position {j}" if dim == 1 else f"cell ({i}, {j})"
        pad = g.pad[2:] if dim == 1 else g.pad
        raise v.pool_window_only_padding(fn, where, pad)
    return count


def _avg_core(fn, X, g, dtype, count, max_bytes=None):
    Z = _new(fn, "the output Z", (X.shape[0],) + g.out + (X.shape[3],), dtype, max_bytes)
    taps = _taps(g)
    for n0, n1, r0, r1, win in _blocks(fn, X, g, 0, dtype, max_bytes):
        Zb = Z[n0:n1, r0:r1]
        np.copyto(Zb, win[:, :, :, 0, 0])
        for ki, kj in taps[1:]:
            Zb += win[:, :, :, ki, kj]
        Zb /= count if np.ndim(count) == 0 else count[:, r0:r1]
    return Z


def _avg_backward_core(fn, dZ, X, g, dtype, count, max_bytes=None):
    """Every cell a window reads gets ``dZ / count`` of that window, tap by tap straight into
    ``dX`` (:func:`_tap_reads`; the padding's share is dropped): overlaps add."""
    dX = _new(fn, "the gradient dX", X.shape, dtype, max_bytes, zeros=True)
    row_bytes = g.stride[0] * (X.shape[2] + g.pad[2] + g.pad[3]) * X.shape[3] * dtype.itemsize
    for n0, n1, ranges in w.blocks(X.shape[0], g.out[0], row_bytes, POOL_BLOCK_BYTES):
        for r0, r1 in ranges:
            c = count if np.ndim(count) == 0 else count[:, r0:r1]
            share = np.divide(dZ[n0:n1, r0:r1], c, dtype=dtype)
            for zo, xi in _tap_reads(g, X.shape[1:3], r0, r1):
                part = dX[(slice(n0, n1),) + xi]
                part += share[(slice(None),) + zo]
    return dX


# ----------------------------------------------------------------------------- 2D

def maxpool2D(X, pool_shape, stride, pad, dilation=0, *, max_bytes=None):
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
    max_bytes : int, optional
        Refuse an output or working array larger than this (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB). Every pooling function takes it.

    Returns
    -------
    Z : ndarray of shape (n_ex, out_rows, out_cols, in_ch)
        ``out = (in + before + after - eff) // stride + 1`` per axis, ``eff = k + (k-1)*d``.
        float32 stays float32; other inputs give float64. NaN in a window gives NaN.

    Raises
    ------
    ValueError, TypeError
        With a message naming the parameter: wrong ndim, bad pool_shape, stride, pad or
        dilation, a window larger than the padded input, or a window that reads only padding
        (it has no maximum).
    conv_teach.ArrayTooLarge
        (a MemoryError) if the output would need more than ``max_bytes``.

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
    fn = "maxpool2D"
    X, g = _geometry2D(fn, X, pool_shape, stride, pad, dilation)
    _reads_input_everywhere(fn, X, g, 2)
    return _max_core(fn, X, g, w.float_dtype(X), _limit(fn, max_bytes))


def maxpool2D_backward(dZ, X, pool_shape, stride, pad, dilation=0, *, max_bytes=None):
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
    _reads_input_everywhere(fn, X, g, 2)
    dZ = _check_dZ(fn, dZ, X, g, 2)
    return _max_backward_core(fn, dZ, X, g, w.float_dtype(X, dZ), _limit(fn, max_bytes))


def avgpool2D(X, pool_shape, stride, pad, count_include_pad=True, *, max_bytes=None):
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
    return _avg_core(fn, X, g, w.float_dtype(X), count, _limit(fn, max_bytes))


def avgpool2D_backward(dZ, X, pool_shape, stride, pad, count_include_pad=True, *, max_bytes=None):
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
    return _avg_backward_core(fn, dZ, X, g, w.float_dtype(X, dZ), count, _limit(fn, max_bytes))


# ----------------------------------------------------------------------------- 1D

def maxpool1D(X, pool_width, stride, pad, dilation=0, *, max_bytes=None):
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
    fn = "maxpool1D"
    X, g = _geometry1D(fn, X, pool_width, stride, pad, dilation)
    _reads_input_everywhere(fn, X, g, 1)
    return _max_core(fn, X, g, w.float_dtype(X), _limit(fn, max_bytes))[:, 0]


def maxpool1D_backward(dZ, X, pool_width, stride, pad, dilation=0, *, max_bytes=None):
    """Gradient of ``sum(dZ * maxpool1D(X, ...))`` with respect to ``X``, shape (n_ex, l_in, in_ch).

    Same routing rules as :func:`maxpool2D_backward`.
    """
    fn = "maxpool1D_backward"
    X, g = _geometry1D(fn, X, pool_width, stride, pad, dilation)
    _reads_input_everywhere(fn, X, g, 1)
    dZ = _check_dZ(fn, dZ, X, g, 1)
    return _max_backward_core(fn, dZ, X, g, w.float_dtype(X, dZ), _limit(fn, max_bytes))[:, 0]


def avgpool1D(X, pool_width, stride, pad, count_include_pad=True, *, max_bytes=None):
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
    return _avg_core(fn, X, g, w.float_dtype(X), count, _limit(fn, max_bytes))[:, 0]


def avgpool1D_backward(dZ, X, pool_width, stride, pad, count_include_pad=True, *, max_bytes=None):
    """Gradient of ``sum(dZ * avgpool1D(X, ...))`` with respect to ``X``, shape (n_ex, l_in, in_ch)."""
    fn = "avgpool1D_backward"
    X, g = _geometry1D(fn, X, pool_width, stride, pad, 0)
    count = _counts(fn, g, X.shape[1:3], count_include_pad, 1)
    dZ = _check_dZ(fn, dZ, X, g, 1)
    return _avg_backward_core(fn, dZ, X, g, w.float_dtype(X, dZ), count, _limit(fn, max_bytes))[:, 0]
