"""Grouped and depthwise convolution: ``groups=`` of conv2D, conv1D, their backward passes and
conv2D_transpose, and the dense kernel a grouped one stands for.

With ``groups = g`` the channels are cut into ``g`` groups that never meet: output channel
``o`` belongs to group ``o // (out_ch // g)`` and reads only that group's input channels
``grp * (in_ch // g) ... (grp + 1) * (in_ch // g) - 1`` (torch's semantics, in our NHWC
layouts)::

    Z[n, i, j, o] = sum over ki, kj and c < in_ch // g of
                    X_pad[n, i*s_r + ki*(d_r+1), j*s_c + kj*(d_c+1), grp * (in_ch // g) + c] * W[ki, kj, c, o]

so ``W`` is ``(fr, fc, in_ch // g, out_ch)``: each output channel's kernel is ``g`` times
thinner, and the convolution costs ``g`` times fewer weights and multiply-adds. It is the
ordinary convolution with the *block-diagonal* kernel :func:`block_diagonal` (zeros where a
group would read another group's channels); im2col's ``W_col`` of that kernel is a
block-diagonal matrix. ``g = in_ch`` is *depthwise* convolution (every channel filtered on
its own, ``out_ch // in_ch`` filters each); followed by a 1x1 convolution it is MobileNet's
depthwise-separable convolution.

How it is computed:

* ``1 < groups < in_ch``, forward: im2col + one GEMM per group on blocks of windows
  (:func:`grouped_gemm_forward`): each block is padded and copied once, group-major, and each
  group's rows are multiplied by its kernels straight into its output channels. Backward and
  transposed: each group is an ordinary convolution on its channel slices (the library's
  blocked cores :func:`conv_teach.backward.conv2d_backward_core` and
  :func:`conv_teach.transpose.transposed_core`), written into the result's channel slice.
* depthwise (``groups == in_ch``): a GEMM per channel would multiply a ``(rows, fr*fc)``
  matrix by a vector, ``in_ch`` times. Instead each kernel tap is one multiply-add over all
  channels at once: ``Z[rows, cols] += X[rows read by the tap] * W[ki, kj]``, on the output
  cells whose tap reads a real input cell (padding adds zeros, so it is never built), in
  blocks of examples and output rows of about :data:`DEPTHWISE_BLOCK_BYTES` (the working
  memory, whatever the batch). The backward pass and the transposed convolution are the
  same loop with the arrows reversed.

References
----------
A. Krizhevsky et al., "ImageNet classification with deep convolutional neural networks",
2012 (groups=2); A. Howard et al., "MobileNets", 2017 (depthwise-separable convolution);
torch.nn.Conv2d's ``groups``.
"""
import numpy as np

from . import _validate as v
from .shapes import out_sizes, resolve_pad1D
from .windows import (Geometry, blocks, check_size, float_dtype, geometry, iter_windows,
                      padded, trim)

__all__ = ["block_diagonal", "DEPTHWISE_BLOCK_BYTES"]

#: Target bytes of output (or gradient) one block of the depthwise loops works on.
DEPTHWISE_BLOCK_BYTES = 2 ** 20


# ------------------------------------------------------------------------- block_diagonal

def block_diagonal(W, groups, *, transposed=False):
    """The dense kernel that a grouped kernel stands for: zeros outside the groups' blocks.

    Parameters
    ----------
    W : ndarray of shape (fr, fc, in_ch // groups, out_ch) or (fw, in_ch // groups, out_ch)
        A grouped kernel, as :func:`conv_teach.conv2D` / :func:`conv_teach.conv1D` take it
        with ``groups``. With ``transposed=True``: ``(fr, fc, in_ch, out_ch // groups)``, as
        :func:`conv_teach.conv2D_transpose` takes it.
    groups : int >= 1
        Must divide ``out_ch`` (``W.shape[-1]``), or, transposed, ``in_ch`` (``W.shape[-2]``).
    transposed : bool, default False

    Returns
    -------
    W_full : ndarray of shape (fr, fc, in_ch, out_ch) (1D: (fw, in_ch, out_ch))
        ``W_full[..., c, o] = W[..., c - grp*(in_ch//groups), o]`` when input channel ``c``
        and output channel ``o`` are in the same group ``grp``, else 0 (transposed:
        ``W[..., c, o - grp*(out_ch//groups)]``). Same dtype as ``W``; a new array.

    Raises
    ------
    ValueError, TypeError
        Naming the parameter: ``W`` not 3-D/4-D or not real numbers, ``groups`` not a
        positive int or not dividing the channels.

    Notes
    -----
    ``conv2D(X, W, s, p, d, groups=g) == conv2D(X, block_diagonal(W, g), s, p, d)`` (and so
    for conv1D, the backward passes' ``dX``, and, with ``transposed=True``,
    conv2D_transpose); the backward pass's grouped ``dW`` is the dense ``dW``'s diagonal
    blocks. The grouped convolution does ``groups`` times fewer multiply-adds because it
    skips the zeros. im2col's weight matrix of ``W_full``,
    ``W_full.transpose(3, 2, 0, 1).reshape(out_ch, -1)`` (rows: output channels; columns:
    ``(c, ki, kj)``, as ``X_col``'s rows), is block-diagonal: ``groups`` blocks of
    ``out_ch // groups`` rows by ``(in_ch // groups) * fr * fc`` columns.

    Examples
    --------
    Two groups of one channel each (depthwise), one filter per channel:

    >>> W = np.array([1., 2.]).reshape(1, 1, 1, 2)
    >>> block_diagonal(W, 2)[0, 0]
    array([[1., 0.],
           [0., 2.]])

    The grouped convolution is the dense one with that kernel:

    >>> from conv_teach import conv2D
    >>> X = np.arange(8.).reshape(1, 2, 2, 2)
    >>> conv2D(X, W, 1, 0, groups=2)[0, :, :, 1]          # channel 1 times 2
    array([[ 2.,  6.],
           [10., 14.]])
    >>> np.array_equal(conv2D(X, W, 1, 0, groups=2), conv2D(X, block_diagonal(W, 2), 1, 0))
    True
    """
    fn = "block_diagonal"
    transposed = v.check_flag(fn, "transposed", transposed)
    layout = v.LAYOUT_GROUPS_T if transposed else v.LAYOUT_GROUPS_2D
    W = v.check_array(fn, "W", W, 3 if _ndim(W) == 3 else 4, layout)
    groups = v.check_int(fn, "groups", groups, 1)
    *kernel, w_in, w_out = W.shape
    if transposed:
        if w_in % groups:
            raise v.groups_not_dividing(fn, groups, w_in, "W's input channels", "W.shape[-2]")
        cg, og = w_in // groups, w_out
        full = np.zeros((*kernel, w_in, w_out * groups), W.dtype)
        for grp in range(groups):
            full[..., grp * cg:(grp + 1) * cg, grp * og:(grp + 1) * og] = W[..., grp * cg:(grp + 1) * cg, :]
        return full
    if w_out % groups:
        raise v.groups_not_dividing(fn, groups, w_out, "W's output channels", "W.shape[-1]")
    cg, og = w_in, w_out // groups
    full = np.zeros((*kernel, w_in * groups, w_out), W.dtype)
    for grp in range(groups):
        full[..., grp * cg:(grp + 1) * cg, grp * og:(grp + 1) * og] = W[..., grp * og:(grp + 1) * og]
    return full


# ------------------------------------------------------------------------- checking

def _ndim(value):
    try:
        return np.ndim(value)
    except ValueError:          # ragged lists: check_array words the error
        return None


def setup2D(fn, X, W, stride, pad, dilation, groups):
    """Check a grouped 2D call (W, then X, groups, geometry); return ``(X, W, g, groups)``."""
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_GROUPS_2D)
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_GROUPS_2D, batch_axis=0)
    groups = v.check_groups(fn, groups, X.shape, W.shape, 2)
    return X, W, geometry(fn, X.shape[1:3], W.shape[:2], stride, pad, dilation), groups


def setup1D(fn, X, W, stride, pad, dilation, groups):
    """Check a grouped 1D call in 1D words; return ``(X, W, g, groups)``, ``g`` the geometry of
    the one-row 2D problem."""
    X = v.check_array(fn, "X", X, 3, v.LAYOUT_GROUPS_1D, batch_axis=0)
    W = v.check_array(fn, "W", W, 3, v.LAYOUT_GROUPS_1D)
    groups = v.check_groups(fn, groups, X.shape, W.shape, 1)
    s = v.check_int(fn, "stride", stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    p = resolve_pad1D(fn, pad, X.shape[1], W.shape[0], s, d)
    (out,) = out_sizes(fn, (X.shape[1],), (W.shape[0],), (s,), (d,), (p,))
    return X, W, Geometry((1, W.shape[0]), (1, s), (0, d), (0, 0) + tuple(p), (1, out)), groups


def _limit(fn, max_bytes):
    return None if max_bytes is None else v.check_int(fn, "max_bytes", max_bytes, 1)


# ------------------------------------------------------------------------- the depthwise loops

def _span(a, b, step, offset, n):
    """``(lo, hi)``: the indices ``o`` in ``[a, b)`` with ``0 <= o*step + offset < n``."""
    return max(a, -(offset // step)), min(b, (n - 1 - offset) // step + 1)


def _taps(g, in_shape, r0, r1):
    """For output rows ``r0 .. r1-1``: ``(ki, kj, (i0, i1), (j0, j1), row0, col0)`` per tap whose
    reads meet the input: output cells ``[i0:i1, j0:j1]`` read input rows ``row0 + s_r*k`` and
    columns ``col0 + s_c*k`` (``k`` counting from the first of them)."""
    (fr, fc), (s_r, s_c), (d_r, d_c), (top, _, left, _), (_, ow) = (
        g.kernel, g.stride, g.dilation, g.pad, g.out)
    for ki in range(fr):
        off_r = ki * (d_r + 1) - top
        i0, i1 = _span(r0, r1, s_r, off_r, in_shape[0])
        if i0 >= i1:
            continue
        for kj in range(fc):
            off_c = kj * (d_c + 1) - left
            j0, j1 = _span(0, ow, s_c, off_c, in_shape[1])
            if j0 < j1:
                yield ki, kj, (i0, i1), (j0, j1), i0 * s_r + off_r, j0 * s_c + off_c


def _cells(A, row0, n_r, s_r, col0, n_c, s_c):
    """``A[:, row0 + s_r*k, col0 + s_c*l]`` for ``k < n_r``, ``l < n_c`` (a view)."""
    return A[:, row0:row0 + s_r * (n_r - 1) + 1:s_r, col0:col0 + s_c * (n_c - 1) + 1:s_c]


def _explicit_pad(fn, X, g, dtype, max_bytes):
    """X padded (zeros made real) and the same geometry without pad: for a non-finite factor,
    where ``0 * inf`` must give NaN as in the definition."""
    Xp = padded(X, g, 0, dtype, fn=fn, max_bytes=max_bytes)
    return Xp, g._replace(pad=(0, 0, 0, 0))


def _block_plan(n_ex, g, row_bytes, block_bytes):
    return blocks(n_ex, g.out[0], row_bytes,
                  DEPTHWISE_BLOCK_BYTES if block_bytes is None else block_bytes)


def depthwise_forward(X, W, g, out, block_bytes=None, fn="conv2D", max_bytes=None):
    """Write into ``out`` the depthwise convolution of checked ``X`` (``groups == in_ch``) with
    ``W`` ``(fr, fc, 1, in_ch * m)``: one multiply-add per tap over all channels, on the output
    cells whose tap reads a real input cell, block by block (about ``block_bytes`` of output,
    default :data:`DEPTHWISE_BLOCK_BYTES`)."""
    ch, m = X.shape[3], W.shape[3] // X.shape[3]
    dtype = out.dtype
    Wt = W.astype(dtype, copy=False).reshape(W.shape[0], W.shape[1], ch, m)
    if not np.isfinite(Wt).all():
        X, g = _explicit_pad(fn, X, g, dtype, max_bytes)
    (s_r, s_c), ow = g.stride, g.out[1]
    out[...] = 0
    Zv = out.reshape(out.shape[:3] + (ch, m))
    for n0, n1, ranges in _block_plan(X.shape[0], g, ow * ch * m * dtype.itemsize, block_bytes):
        for r0, r1 in ranges:
            tmp = np.empty((n1 - n0, r1 - r0, ow, ch, m), dtype)
            for ki, kj, (i0, i1), (j0, j1), row0, col0 in _taps(g, X.shape[1:3], r0, r1):
                src = _cells(X[n0:n1], row0, i1 - i0, s_r, col0, j1 - j0, s_c)[..., None]
                t = tmp[:, :i1 - i0, :j1 - j0]
                np.multiply(src, Wt[ki, kj], out=t)
                Zv[n0:n1, i0:i1, j0:j1] += t
    return out


def depthwise_backward(dZ, X, W, g, dtype, block_bytes=None, fn="conv2D_backward",
                       max_bytes=None):
    """``(dX, dW)`` of the depthwise convolution: per tap, ``dW[tap] = sum X[read] * dZ`` and
    ``dX[read] += dZ * W[tap]`` (the reads of the forward pass, the arrows reversed)."""
    n_ex, ch, (fr, fc) = X.shape[0], X.shape[3], W.shape[:2]
    m = W.shape[3] // ch
    Wt = W.astype(dtype, copy=False).reshape(fr, fc, ch, m)
    dZv = dZ.astype(dtype, copy=False).reshape(dZ.shape[:3] + (ch, m))
    dX = np.zeros(X.shape, dtype)
    dW = np.zeros((fr, fc, ch, m), dtype)
    Xw, gw = X, g
    if not np.isfinite(np.sum(dZv)):        # padded zeros times inf/nan: NaN in dW, as defined
        # (np.sum: no temporary of dZ's size; an overflowing sum only takes this safe path)
        Xw, gw = _explicit_pad(fn, X, g, dtype, max_bytes)
    (s_r, s_c), ow = g.stride, g.out[1]
    for n0, n1, ranges in _block_plan(n_ex, g, ow * ch * m * dtype.itemsize, block_bytes):
        for r0, r1 in ranges:
            tmp = np.empty((n1 - n0, r1 - r0, ow, ch, m), dtype)
            for ki, kj, (i0, i1), (j0, j1), row0, col0 in _taps(gw, Xw.shape[1:3], r0, r1):
                t = tmp[:, :i1 - i0, :j1 - j0]
                src = _cells(Xw[n0:n1], row0, i1 - i0, s_r, col0, j1 - j0, s_c)[..., None]
                np.multiply(src, dZv[n0:n1, i0:i1, j0:j1], out=t)
                dW[ki, kj] += t.sum(axis=(0, 1, 2))
            for ki, kj, (i0, i1), (j0, j1), row0, col0 in _taps(g, X.shape[1:3], r0, r1):
                t = tmp[:, :i1 - i0, :j1 - j0]
                np.multiply(dZv[n0:n1, i0:i1, j0:j1], Wt[ki, kj], out=t)
                dst = _cells(dX[n0:n1], row0, i1 - i0, s_r, col0, j1 - j0, s_c)
                dst += t[..., 0] if m == 1 else t.sum(axis=-1)
    return dX, dW.reshape(W.shape)


def depthwise_transposed(Y, W, stride, dilation, before, out_shape, dtype, block_bytes=None):
    """Transposed depthwise convolution: input channel ``c`` of ``Y`` writes its weighted taps
    ``W[ki, kj, c, :]`` (``W`` ``(fr, fc, in_ch, m)``) into output channels ``c*m ... c*m+m-1``,
    cropped by ``before = (top, left)`` to ``out_shape``."""
    n_ex, rows, cols, ch = Y.shape
    (fr, fc), m = W.shape[:2], W.shape[3]
    Wt = W.astype(dtype, copy=False)
    Z = np.zeros((n_ex,) + tuple(out_shape) + (ch * m,), dtype)
    Zv = Z.reshape(Z.shape[:3] + (ch, m))
    # the scatter is the forward loop with input and output swapped: input cell i writes to
    # output i*s + ki*(d+1) - top, which must land inside the (cropped) output
    g = Geometry((fr, fc), stride, dilation, (before[0], 0, before[1], 0), (rows, cols))
    (s_r, s_c) = stride
    for n0, n1, ranges in _block_plan(n_ex, g, cols * ch * m * dtype.itemsize, block_bytes):
        for r0, r1 in ranges:
            tmp = np.empty((n1 - n0, r1 - r0, cols, ch, m), dtype)
            for ki, kj, (i0, i1), (j0, j1), row0, col0 in _taps(g, out_shape, r0, r1):
                t = tmp[:, :i1 - i0, :j1 - j0]
                np.multiply(Y[n0:n1, i0:i1, j0:j1, :, None], Wt[ki, kj], out=t)
                _cells(Zv[n0:n1], row0, i1 - i0, s_r, col0, j1 - j0, s_c)[...] += t
    return Z


# ------------------------------------------------------------------------- the grouped cores

def grouped_gemm_forward(X, W, g, groups, Z, fn="conv2D", max_bytes=None, block_bytes=None):
    """``Z`` = grouped conv2D of checked ``X`` with ``W``, ``1 < groups < in_ch``: im2col + one
    GEMM per group, on blocks of windows.

    Each block of windows is padded and copied once, in the order ``(group, ki, kj, c)``, so
    that group ``grp``'s im2col rows are one strided matrix ``(rows, fr*fc*in_ch//groups)``
    that BLAS reads in place; its product with that group's kernels lands in ``Z``'s rows.
    """
    (fr, fc), ch, out_ch = g.kernel, X.shape[3], W.shape[3]
    trimmed = trim(g, X.shape[1:3])
    if trimmed is not None and np.isfinite(W).all():
        g, cut, taps = trimmed                  # taps that only ever read padding add zeros
        if g is None:
            Z[...] = 0
            return Z
        X, W = X[:, cut[0], cut[1]], W[taps[0], taps[1]]
        fr, fc = g.kernel
    cg, og, dtype = ch // groups, out_ch // groups, Z.dtype
    Kg, ow = fr * fc * cg, g.out[1]
    Wg = [np.ascontiguousarray(W[..., k * og:(k + 1) * og], dtype).reshape(Kg, og)
          for k in range(groups)]
    Z_rows = Z.reshape(-1, out_ch)
    part = None
    for n0, n1, r0, r1, win in iter_windows(X, g, dtype=dtype, block_bytes=block_bytes, fn=fn,
                                            max_bytes=max_bytes):
        b, r = n1 - n0, r1 - r0
        P = np.empty((b, r, ow, groups, fr, fc, cg), dtype)
        np.copyto(P, win.reshape(b, r, ow, fr, fc, groups, cg).transpose(0, 1, 2, 5, 3, 4, 6))
        P = P.reshape(-1, groups, Kg)
        start = (n0 * g.out[0] + r0) * ow
        if part is None or part.shape[0] != P.shape[0]:
            part = np.empty((P.shape[0], og), dtype)
        for k in range(groups):
            np.matmul(P[:, k], Wg[k], out=part)
            Z_rows[start:start + P.shape[0], k * og:(k + 1) * og] = part
    return Z


def forward(X, W, g, groups, fn="conv2D", max_bytes=None, block_bytes=None):
    """Grouped conv2D on checked arguments (``W`` ``(fr, fc, in_ch // groups, out_ch)``)."""
    dtype = float_dtype(X, W)
    n_ex, ch, out_ch = X.shape[0], X.shape[3], W.shape[3]
    check_size(fn, "the output Z", (n_ex,) + g.out + (out_ch,), dtype, max_bytes)
    Z = np.empty((n_ex,) + g.out + (out_ch,), dtype)
    if groups == ch:
        return depthwise_forward(X, W, g, Z, block_bytes, fn, max_bytes)
    return grouped_gemm_forward(X, W, g, groups, Z, fn, max_bytes, block_bytes)


def backward(dZ, X, W, g, groups, fn="conv2D_backward", max_bytes=None, block_bytes=None):
    """``(dX, dW)`` of a grouped conv2D on checked arguments."""
    from .backward import conv2d_backward_core
    dtype = float_dtype(dZ, X, W)
    ch, out_ch = X.shape[3], W.shape[3]
    check_size(fn, "the input gradient dX", X.shape, dtype, max_bytes)
    if groups == ch:
        return depthwise_backward(dZ, X, W, g, dtype, block_bytes, fn, max_bytes)
    cg, og = ch // groups, out_ch // groups
    dX, dW = np.empty(X.shape, dtype), np.empty(W.shape, dtype)
    for grp in range(groups):
        c, o = slice(grp * cg, (grp + 1) * cg), slice(grp * og, (grp + 1) * og)
        dX[..., c], dW[..., o] = conv2d_backward_core(dZ[..., o], X[..., c], W[..., o], g, fn,
                                                      max_bytes, block_bytes)
    return dX, dW


def transposed(X, W, g, groups, fn="conv2D_transpose", max_bytes=None, block_bytes=None):
    """Grouped conv2D_transpose on checked arguments (``W`` ``(fr, fc, in_ch, out_ch // groups)``,
    ``g`` from :func:`conv_teach.transpose.transpose_geometry`)."""
    from .transpose import transposed_core
    dtype = float_dtype(X, W)
    n_ex, ch, og = X.shape[0], X.shape[3], W.shape[3]
    shape = (n_ex,) + g.out + (og * groups,)
    check_size(fn, "the output Z", shape, dtype, max_bytes)
    before = (g.pad[0], g.pad[2])
    if groups == ch:
        return depthwise_transposed(X, W, g.stride, g.dilation, before, g.out, dtype, block_bytes)
    cg = ch // groups
    Z = np.empty(shape, dtype)
    for grp in range(groups):
        c = slice(grp * cg, (grp + 1) * cg)
        Z[..., grp * og:(grp + 1) * og] = transposed_core(
            X[..., c], W[:, :, c], g.stride, g.dilation, before, g.out, fn, max_bytes, block_bytes)
    return Z


# ------------------------------------------------------------------------- entry points

def conv2D(X, W, stride, pad, dilation, groups, max_bytes=None, fn="conv2D"):
    """:func:`conv_teach.conv2D` with ``groups > 1`` (checked here)."""
    X, W, g, groups = setup2D(fn, X, W, stride, pad, dilation, groups)
    return forward(X, W, g, groups, fn, _limit(fn, max_bytes))


def conv1D(X, W, stride, pad, dilation, groups, max_bytes=None, fn="conv1D"):
    """:func:`conv_teach.conv1D` with ``groups > 1``: the one-row 2D problem."""
    X, W, g, groups = setup1D(fn, X, W, stride, pad, dilation, groups)
    return forward(X[:, None], W[None], g, groups, fn, _limit(fn, max_bytes))[:, 0]


def _check_dZ(fn, dZ, expected):
    dZ = v.check_array(fn, "dZ", dZ, len(expected), "dZ is (n_ex, out_rows, out_cols, out_ch)."
                       if len(expected) == 4 else "dZ is (n_ex, l_out, out_ch).", batch_axis=0)
    v.check_dZ_shape(fn, dZ, expected)
    return dZ


def conv2D_backward(dZ, X, W, stride, pad, dilation, groups, max_bytes=None,
                    fn="conv2D_backward"):
    """:func:`conv_teach.conv2D_backward` with ``groups > 1``."""
    X, W, g, groups = setup2D(fn, X, W, stride, pad, dilation, groups)
    dZ = _check_dZ(fn, dZ, (X.shape[0],) + g.out + (W.shape[3],))
    return backward(dZ, X, W, g, groups, fn, _limit(fn, max_bytes))


def conv1D_backward(dZ, X, W, stride, pad, dilation, groups, max_bytes=None,
                    fn="conv1D_backward"):
    """:func:`conv_teach.conv1D_backward` with ``groups > 1``."""
    X, W, g, groups = setup1D(fn, X, W, stride, pad, dilation, groups)
    dZ = _check_dZ(fn, dZ, (X.shape[0], g.out[1], W.shape[2]))
    dX, dW = backward(dZ[:, None], X[:, None], W[None], g, groups, fn, _limit(fn, max_bytes))
    return dX[:, 0], dW[0]


def conv2D_transpose(X, W, stride, pad, dilation, output_padding, groups, max_bytes=None,
                     fn="conv2D_transpose"):
    """:func:`conv_teach.conv2D_transpose` with ``groups > 1``."""
    from .transpose import transpose_geometry
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_GROUPS_T, batch_axis=0)
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_GROUPS_T)
    groups = v.check_groups(fn, groups, X.shape, W.shape, 2, transposed=True)
    g, _, _ = transpose_geometry(fn, X.shape[1:3], W.shape[:2], stride, pad, dilation,
                                 output_padding)
    return transposed(X, W, g, groups, fn, _limit(fn, max_bytes))
