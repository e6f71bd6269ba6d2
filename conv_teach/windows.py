"""The window machinery: one home for what every sliding-window operation needs.

A convolution, im2col, their backward passes, the transposed convolution and pooling all
look at the same thing: the *windows* (receptive fields) of a padded input. This module
holds that machinery once, working from shapes only (it never needs ``W``):

* :func:`geometry` -- from the input's spatial shape and a kernel *shape* (plus stride,
  pad and dilation in any accepted form), the checked :class:`Geometry`;
* :func:`padded` -- the input padded with a fill value (``0`` for convolutions, ``-inf``
  for max pooling), or only the rows a block of outputs needs;
* :func:`window_view` -- a read-only strided view of every window, shape
  ``(n_ex, out_rows, out_cols, fr, fc, ch)``, nothing copied (numpy's
  ``sliding_window_view`` with a stride and a dilation);
* :func:`fold_into` -- its adjoint: add window entries back into the padded image, where
  overlapping windows sum (col2im, the input gradient, the transposed convolution, the
  pooling backward pass);
* :func:`crop` -- the unpadded part of a padded buffer;
* :func:`blocks` and :func:`iter_windows` -- the blocking: the work cut into blocks of
  whole examples or of output rows, each about ``block_bytes``, so working memory stays
  bounded whatever the batch.

Every size is computed with Python integers before anything is allocated; an array larger
than the limit (:data:`MAX_BYTES`, or ``max_bytes=``) is refused with
:class:`conv_teach.ArrayTooLarge`, naming its shape and size.

Example: a 2x2 max pool at stride 2 (pooling is a window reduction)::

    >>> X = np.arange(16.).reshape(1, 4, 4, 1)
    >>> g = geometry("maxpool2D", X.shape[1:3], (2, 2), stride=2, pad=0)
    >>> window_view(padded(X, g, fill=-np.inf), g).max(axis=(3, 4))[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]])

and its backward pass routes each gradient to the window's maximum with the adjoint::

    >>> win = window_view(padded(X, g, fill=-np.inf), g)
    >>> hit = win == win.max(axis=(3, 4), keepdims=True)
    >>> dZ = np.ones((1, 2, 2, 1))
    >>> buf = np.zeros(padded_shape(X.shape, g))
    >>> crop(fold_into(buf, hit * dZ[:, :, :, None, None], g), g, X.shape[1:3])[0, :, :, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
"""
from collections import namedtuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from . import _validate as v
from .shapes import out_sizes, resolve_pad2D

__all__ = ["Geometry", "geometry", "reading_outputs", "float_dtype", "padded_shape", "padded", "window_view",
           "fold_into", "crop", "add_cropped", "rows_needed", "blocks", "iter_windows", "check_size", "trim", "BLOCK_BYTES", "MAX_BYTES",
           "unrolled_fits", "unrolled_width", "unrolled", "unrolled_phases", "unrolled_kernel", "iter_unrolled"]

#: Target size in bytes of one block of work (tuned in benchmarks/bench_conv.py).
BLOCK_BYTES = 8 * 2 ** 20

#: Largest output or working array (bytes) a function allocates unless given ``max_bytes``.
MAX_BYTES = 4 * 2 ** 30


def check_size(fn, what, shape, dtype, max_bytes=None):
    """Refuse an array of ``shape`` and ``dtype`` larger than ``max_bytes`` (default
    :data:`MAX_BYTES`, read at call time) before allocating it; sizes in Python ints.

    Raises :class:`conv_teach.ArrayTooLarge` (a MemoryError) naming ``what``, the shape and
    the size. Returns the size in bytes.
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    return v.check_size(fn, what, shape, dtype, limit)

#: Geometry of one sliding-window operation, all checked: tuples of Python ints per axis.
#: ``kernel (fr, fc)``, ``stride``, ``dilation`` (zeros between taps), ``pad`` as
#: ``(top, bottom, left, right)`` and ``out (out_rows, out_cols)``.
Geometry = namedtuple("Geometry", "kernel stride dilation pad out")


def geometry(fn, in_shape, kernel, stride=1, pad=0, dilation=0):
    """Check a window operation's arguments and return its :class:`Geometry`.

    Parameters
    ----------
    fn : str
        Name of the public function asking; it starts every error message.
    in_shape : (in_rows, in_cols)
        Spatial size of the (unpadded) input, already checked ints.
    kernel : int or (fr, fc)
        The window's shape in taps: ``W.shape[:2]`` for a convolution, the pool size for
        pooling.
    stride : int or (rows, cols), default 1
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid', default 0
        See :func:`conv_teach.pad2D`.
    dilation : int or (rows, cols), default 0
        Zeros inserted between taps.

    Returns
    -------
    Geometry
        ``kernel, stride, dilation, pad, out``, tuples of Python ints.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter (``kernel`` is named ``kernel_shape`` in messages).
    """
    k = v.check_pair(fn, "kernel_shape", kernel, 1, 2)
    s = v.check_pair(fn, "stride", stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    in_shape = tuple(int(n) for n in in_shape)
    p = resolve_pad2D(fn, pad, in_shape, k, s, d)
    out = out_sizes(fn, in_shape, k, s, d, (p[:2], p[2:]))
    return Geometry(k, s, d, p, out)


def reading_outputs(n, off, s, a, b):
    """``(lo, hi)``: the outputs ``o`` in ``a .. b - 1`` of one axis whose tap reads input
    index ``o*s + off`` inside the ``n`` input cells (the others read padding there); empty
    when ``lo >= hi``. ``off`` is the tap's padded offset minus the padding before the input,
    e.g. ``ki*(d + 1) - top``. Python integers throughout (no overflow for huge strides)."""
    return max(a, -(off // s)), min(b, (n - 1 - off) // s + 1)


def _useful_taps(n, k, s, d, before, out):
    """``(first, last)`` tap of one axis that reads a real input cell for some output, or None."""
    useful = []
    for ki in range(k):
        lo, hi = reading_outputs(n, ki * (d + 1) - before, s, 0, out)
        if lo < hi:
            useful.append(ki)
    return (useful[0], useful[-1]) if useful else None


def trim(g, in_shape):
    """The same windows without the taps that only ever read padding.

    Returns ``None`` when every tap reads the input somewhere (nothing to trim), else
    ``(g2, (row_slice, col_slice), (tap_rows, tap_cols))``: the outputs of ``g`` equal those
    of ``g2`` on ``X[:, row_slice, col_slice]`` with kernel ``W[tap_rows, tap_cols]``, for a
    zero fill and a finite kernel; or ``(None, None, None)`` when no tap ever reads the input
    (the output is all zeros). This is what makes ``'same'`` with ``dilation=2**31`` on an
    8x8 input cost an 8x8 convolution instead of a 2**32-wide padded copy.
    """
    pads = ((g.pad[0], g.pad[1]), (g.pad[2], g.pad[3]))
    spans = [_useful_taps(n, k, s, d, p[0], o) for n, k, s, d, p, o in
             zip(in_shape, g.kernel, g.stride, g.dilation, pads, g.out)]
    if None in spans:
        return None, None, None
    if all(a == 0 and b == k - 1 for (a, b), k in zip(spans, g.kernel)):
        return None
    kernel, pad, cut, taps = [], [], [], []
    for n, (a, b), s, d, (before, _), o in zip(in_shape, spans, g.stride, g.dilation, pads, g.out):
        start = before - a * (d + 1)           # where the input begins, trimmed coordinates
        length = (o - 1) * s + (b - a) * (d + 1) + 1     # the trimmed padded length
        x0, x1 = max(0, -start), min(n, length - start)
        kernel.append(b - a + 1)
        pad.append((max(start, 0), length - max(start, 0) - (x1 - x0)))
        cut.append(slice(x0, x1))
        taps.append(slice(a, b + 1))
    g2 = Geometry(tuple(kernel), g.stride, g.dilation, pad[0] + pad[1], g.out)
    return g2, tuple(cut), tuple(taps)


def float_dtype(*arrays):
    """The dtype arithmetic happens in: float32 stays float32, integers become float64."""
    dt = np.result_type(*arrays)
    if dt.kind != "f":
        return np.dtype(np.float64)
    return np.dtype(np.float32) if dt.itemsize < 4 else dt


def padded_shape(X_shape, g):
    """``(n_ex, rows + top + bottom, cols + left + right, ch)`` as Python ints."""
    n, rows, cols, ch = (int(x) for x in X_shape)
    t, b, l, r = g.pad
    return n, rows + t + b, cols + l + r, ch


def rows_needed(g, r0, r1):
    """Padded rows ``[lo, hi)`` that output rows ``r0 .. r1 - 1`` read."""
    (fr, _), (s, _), (d, _) = g.kernel, g.stride, g.dilation
    return r0 * s, (r1 - 1) * s + (fr - 1) * (d + 1) + 1


def padded(X, g, fill=0, dtype=None, rows=None, fn=None, max_bytes=None):
    """``X`` padded by ``g.pad`` with ``fill``; a view of ``X`` when nothing needs doing.

    Parameters
    ----------
    X : ndarray (n_ex, in_rows, in_cols, ch)
    g : Geometry
    fill : scalar, default 0
        Value of the padding cells: ``0`` for convolutions, ``-np.inf`` for max pooling.
    dtype : dtype, optional
        Of the result (default ``X.dtype``); ``X`` is converted once, while copying.
    rows : (lo, hi), optional
        Only padded rows ``lo .. hi - 1`` (the rows a block of outputs reads, see
        :func:`iter_windows`); default all.
    fn, max_bytes : optional
        Refuse (:class:`conv_teach.ArrayTooLarge`, in ``fn``'s name) a result larger than
        ``max_bytes`` (default :data:`MAX_BYTES`).

    Returns
    -------
    ndarray (n_ex, hi - lo, cols + left + right, ch)
        Never writable-shared with ``X`` unless it *is* ``X`` (no pad, same dtype, all rows).
    """
    t, b, l, r = g.pad
    dtype = X.dtype if dtype is None else np.dtype(dtype)
    n, rows_in, cols_in, ch = X.shape
    lo, hi = (0, rows_in + t + b) if rows is None else rows
    if t == b == l == r == 0 and dtype == X.dtype:
        return X[:, lo:hi]
    shape = (n, hi - lo, cols_in + l + r, ch)
    check_size(fn or "padded", "the padded input", shape, dtype, max_bytes)
    out = np.empty(shape, dtype)
    # input rows that land in [lo, hi)
    a, z = max(lo, t), min(hi, t + rows_in)
    out[:, :max(a - lo, 0)] = fill
    out[:, max(z - lo, 0):] = fill
    out[:, :, :l] = fill
    out[:, :, l + cols_in:] = fill
    if a < z:
        out[:, a - lo:z - lo, l:l + cols_in] = X[:, a - t:z - t]
    return out


def window_view(X_pad, g, rows=None):
    """Read-only view of every window: shape ``(n_ex, out_rows, out_cols, fr, fc, ch)``.

    ``window_view(X_pad, g)[n, i, j]`` is the ``fr x fc x ch`` block that output cell
    ``(i, j)`` of example ``n`` reads: padded rows ``i*s_r + ki*(d_r+1)``, columns
    ``j*s_c + kj*(d_c+1)``. ``rows`` (default ``g.out[0]``) views fewer output rows, the
    first one starting at ``X_pad``'s row 0 (for a block made by ``padded(..., rows=)``).
    Nothing is copied. Strides of an axis with one output (or one tap) are not used, so a
    stride of ``2**58`` there cannot overflow.
    """
    sn, sr, sc, sch = X_pad.strides
    (fr, fc), (s_r, s_c), (d_r, d_c), (oh, ow) = g.kernel, g.stride, g.dilation, g.out
    oh = oh if rows is None else rows
    steps = (sr * s_r if oh > 1 else 0, sc * s_c if ow > 1 else 0,
             sr * (d_r + 1) if fr > 1 else 0, sc * (d_c + 1) if fc > 1 else 0)
    return as_strided(X_pad, (X_pad.shape[0], oh, ow, fr, fc, X_pad.shape[3]),
                      (sn,) + steps + (sch,), writeable=False)


def fold_into(buf, cols, g, row0=0):
    """Add window entries back into the padded image ``buf``: the adjoint of :func:`window_view`.

    Parameters
    ----------
    buf : ndarray (n, padded rows, padded cols, ch)
        Written in place and returned. Its row 0 is padded row ``row0 * stride`` (so a
        block's buffer from ``padded(..., rows=)`` works too, with ``row0=0``).
    cols : array_like (n, rows, out_cols, fr, fc, ch)
        Entries of output rows ``row0 .. row0 + rows - 1`` in window order (broadcastable).
    g : Geometry
    row0 : int, default 0
        First output row held by ``cols``, when ``buf`` is the whole padded image.

    Overlapping windows are summed, never overwritten.
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
    """The unpadded part ``(in_rows, in_cols)`` of a padded buffer (a view)."""
    t, _, l, _ = g.pad
    return buf[:, t:t + in_shape[0], l:l + in_shape[1]]


def add_cropped(dst, buf, g, lo=0):
    """Add the input part of a padded buffer into ``dst`` (the adjoint of :func:`padded`).

    ``buf`` holds padded rows ``lo .. lo + buf.shape[1] - 1`` (all columns) of the examples
    in ``dst``, which has the unpadded shape; rows of ``buf`` that are padding are dropped.
    Returns ``dst``.
    """
    t, _, l, _ = g.pad
    rows, cols = dst.shape[1], dst.shape[2]
    a, z = max(lo, t), min(lo + buf.shape[1], t + rows)
    if a < z:
        dst[:, a - t:z - t] += buf[:, a - lo:z - lo, l:l + cols]
    return dst


def blocks(n_ex, out_rows, row_bytes, block_bytes=None):
    """Cut the work into ``(n0, n1, [(r0, r1), ...])``: examples, then output-row ranges.

    Parameters
    ----------
    n_ex, out_rows : int
    row_bytes : int
        Working bytes one output row of one example needs.
    block_bytes : int, optional
        Target bytes per block (default :data:`BLOCK_BYTES`, read at call time).

    Yields
    ------
    n0, n1, ranges
        Examples ``n0 .. n1 - 1``; several whole examples when one example's rows fit in
        a block, else one example and its output rows cut into near-equal ranges.
    """
    budget = BLOCK_BYTES if block_bytes is None else block_bytes
    rows_per_block = max(1, budget // max(row_bytes, 1))
    if rows_per_block >= out_rows:
        step = rows_per_block // out_rows
        for n0 in range(0, n_ex, step):
            yield n0, min(n0 + step, n_ex), [(0, out_rows)]
    else:
        n_blocks = -(-out_rows // rows_per_block)
        size = -(-out_rows // n_blocks)
        ranges = [(r, min(r + size, out_rows)) for r in range(0, out_rows, size)]
        for n0 in range(n_ex):
            yield n0, n0 + 1, ranges


def iter_windows(X, g, row_bytes=None, fill=0, dtype=None, block_bytes=None, fn=None,
                 max_bytes=None):
    """The windows of ``X`` block by block: yields ``(n0, n1, r0, r1, win)``.

    ``win`` is ``window_view`` of examples ``n0 .. n1 - 1``, output rows ``r0 .. r1 - 1``,
    shape ``(n1 - n0, r1 - r0, out_cols, fr, fc, ch)``, read-only; only the padded rows a
    block reads are padded (with ``fill``, in ``dtype``), so the working memory is one
    block whatever the batch or the image. ``row_bytes`` is what one output row costs the
    caller (default: one row of windows copied, ``out_cols*fr*fc*ch*itemsize``). A padded
    block larger than ``max_bytes`` is refused in ``fn``'s name (see :func:`padded`).

    Example: a 3x3 average pool at stride 2, pad 1 (zeros count), one block at a time::

        Z = np.empty((n_ex,) + g.out + (ch,))
        for n0, n1, r0, r1, win in iter_windows(X, g):
            Z[n0:n1, r0:r1] = win.mean(axis=(3, 4))
    """
    dtype = X.dtype if dtype is None else np.dtype(dtype)
    (fr, fc), (oh, ow) = g.kernel, g.out
    if row_bytes is None:
        row_bytes = ow * fr * fc * X.shape[3] * dtype.itemsize
    for n0, n1, ranges in blocks(X.shape[0], oh, row_bytes, block_bytes):
        whole = len(ranges) == 1
        X_pad = padded(X[n0:n1], g, fill, dtype, fn=fn, max_bytes=max_bytes) if whole else None
        for r0, r1 in ranges:
            if whole:
                yield n0, n1, r0, r1, window_view(X_pad, g)
            else:
                part = padded(X[n0:n1], g, fill, dtype, rows=rows_needed(g, r0, r1), fn=fn,
                              max_bytes=max_bytes)
                yield n0, n1, r0, r1, window_view(part, g, rows=r1 - r0)


# ----------------------------------------------------------------------------- row-unrolled
# A second way to hand windows to a GEMM, used by conv2d_core and weight_gradient when a
# window's columns are adjacent (no column dilation). im2col copies every window whole:
# fr * fc copies of each input cell. Here only the fr *row* taps are copied side by side,
# ``U[n, i, x, ki, c] = X_pad[n, i*s_r + ki*(d_r+1), x, c]``: then the window of output
# ``(i, j)`` is the ``fc * fr * ch`` consecutive numbers of ``U`` from ``(n, i, j*s_c)``, in
# the order (kj, ki, c). Windows ``q = ceil(fc / s_c)`` outputs apart do not overlap, so the
# outputs ``j = r, r + q, r + 2q, ...`` (phase r) are the rows of a plain strided matrix over
# ``U``'s memory, which BLAS reads without any copy. ``U``'s rows are widened with zeros to a
# multiple of ``q * s_c`` columns so that these matrices run on across rows and examples; the
# widened outputs (``j >= out_cols``) are computed and dropped.

def unrolled_fits(g, in_cols, ch, itemsize):
    """Whether the row-unrolled windows apply: no column dilation, a column stride no larger
    than the padded width (the rows are widened by less than kernel + stride), and one
    unrolled output row within :data:`BLOCK_BYTES` (else im2col's blocks, which also cut rows,
    and their errors for huge pads)."""
    cols = in_cols + g.pad[2] + g.pad[3]
    return (g.dilation[1] == 0 and g.stride[1] <= cols
            and (cols + g.kernel[1] + g.stride[1]) * g.kernel[0] * ch * itemsize <= BLOCK_BYTES)


def unrolled_width(g, in_cols):
    """``(q, width, out_width)``: phases, padded width of ``U``'s rows (a multiple of
    ``q * stride_c``) and the outputs per row including the dropped ones (``width // s_c``)."""
    (fr, fc), (s_r, s_c) = g.kernel, g.stride
    q = -(-fc // s_c)
    cols = in_cols + g.pad[2] + g.pad[3]
    width = -(-cols // (q * s_c)) * (q * s_c)
    return q, width, width // s_c


def unrolled(X, g, r0, r1, dtype, width):
    """The row-unrolled block of ``X`` for output rows ``r0 .. r1 - 1`` as a flat buffer.

    Its first ``n*(r1-r0)*width*fr*ch`` numbers are ``U (n, r1 - r0, width, fr, ch)`` (zero
    where the padded input is padding or beyond its columns); a zero tail lets the last
    window run past the end. See :func:`unrolled_phases`.
    """
    n, rows_in, cols_in, ch = X.shape
    (fr, fc), (s_r, s_c), (d_r, _) = g.kernel, g.stride, g.dilation
    t, _, l, _ = g.pad
    size = n * (r1 - r0) * width * fr * ch
    buf = np.zeros(size + max(0, fc - s_c) * fr * ch, dtype)
    U = buf[:size].reshape(n, r1 - r0, width, fr, ch)
    for ki in range(fr):
        off = ki * (d_r + 1) - t              # output row i reads input row i*s_r + off
        i_a, i_b = reading_outputs(rows_in, off, s_r, r0, r1)
        if i_a < i_b:
            U[:, i_a - r0:i_b - r0, l:l + cols_in, ki] = \
                X[:, i_a * s_r + off:(i_b - 1) * s_r + off + 1:s_r]
    return buf


def unrolled_phases(buf, g, n, rows, width, ch):
    """The ``q`` read-only matrices ``(n*rows*out_width // q, fc*fr*ch)`` over a buffer from
    :func:`unrolled`: row ``m`` of phase ``r`` is the window of output
    ``(n, i, j = r + q*(m % (out_width // q)))``, ``i = (m // (out_width // q)) % rows``."""
    (fr, fc), (_, s_c) = g.kernel, g.stride
    q, KC, item = -(-fc // s_c), fr * ch, buf.itemsize
    count = n * rows * (width // s_c) // q
    return [as_strided(buf[r * s_c * KC:], (count, fc * KC), (q * s_c * KC * item, item),
                       writeable=False) for r in range(q)]


def unrolled_kernel(W):
    """``W (fr, fc, ch, out_ch)`` as the ``(fc*fr*ch, out_ch)`` matrix in the unrolled order."""
    fr, fc, ch, out_ch = W.shape
    return W.transpose(1, 0, 2, 3).reshape(fc * fr * ch, out_ch)


def iter_unrolled(X, g, dtype, out_ch, block_bytes=None, fn=None, max_bytes=None):
    """Blocks of the row-unrolled input: yields ``(n0, n1, r0, r1, buf, phases)``.

    For geometries without column dilation (``g.dilation[1] == 0``). Each block costs about
    ``block_bytes`` (the unrolled rows plus ``out_ch`` numbers per widened output, the
    caller's product or gradient block); ``phases`` is :func:`unrolled_phases` of ``buf``.
    """
    (fr, _), oh, ch = g.kernel, g.out[0], X.shape[3]
    q, width, out_width = unrolled_width(g, X.shape[2])
    row_bytes = (width * fr * ch + out_width * out_ch) * dtype.itemsize
    for n0, n1, ranges in blocks(X.shape[0], oh, row_bytes, block_bytes):
        for r0, r1 in ranges:
            check_size(fn or "unrolled", "a block of unrolled rows",
                       (n1 - n0, r1 - r0, width, fr, ch), dtype, max_bytes)
            buf = unrolled(X[n0:n1], g, r0, r1, dtype, width)
            yield n0, n1, r0, r1, buf, unrolled_phases(buf, g, n1 - n0, r1 - r0, width, ch)
