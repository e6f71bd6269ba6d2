"""Slow, obviously right loop versions of everything, to check the fast code and to read in a lesson.

They follow the definitions directly: a window starts at ``i * stride`` in the padded
input, its taps are ``dilation + 1`` apart, and a padded cell outside the input reads 0.
They share no code with :mod:`conv_teach.im2col`; only the padding *amounts* come from
:func:`conv_teach.pad2D` / :func:`conv_teach.pad1D`'s resolution (tested on their own
against hand cases), and each function finds its output size by counting the windows that
fit. They check their arguments like the fast functions (through ``_validate``, with their
own names in the messages), so a kernel larger than the input or a channel mismatch is
the same clear error here, never an empty array or a numpy traceback.
"""
import numpy as np

from . import _validate as v
from .shapes import resolve_pad1D, resolve_pad2D

__all__ = ["conv2D_loops", "conv1D_loops", "im2col_loops", "col2im_loops",
           "conv2D_backward_loops", "conv1D_backward_loops", "conv2D_transpose_loops",
           "receptive_field"]


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
    if (kernel - 1) * (dilation + 1) >= padded_len:
        return 0
    # the loop below, in one step (a stride of 2**58 must not loop 2**58 times)
    return (padded_len - 1 - (kernel - 1) * (dilation + 1)) // stride + 1


def _check_fits(fn, X_shape, kernel, stride, dilation, pads, counts):
    """No window fits on some axis: the library's error (the loops would return nothing)."""
    if 0 in counts:
        eff = [k + (k - 1) * d for k, d in zip(kernel, dilation)]
        padded = [n + a + b for n, (a, b) in zip(X_shape, pads)]
        raise v.kernel_too_large(fn, eff, padded, dilation)


def _geometry(fn, X_shape, W_shape, stride, pad, dilation, groups=1, *, takes_groups):
    """Check a 2D call (shapes already checked); return stride, dilation, top, left and the
    output size, counted window by window. ``takes_groups``: ``fn`` accepts ``groups=``
    (conv2D_loops, conv2D_backward_loops; not im2col_loops, col2im_loops), so the channel
    check is ``groups``' and a mismatch may be a grouped kernel's, as in the fast function."""
    if takes_groups:
        v.check_groups(fn, groups, X_shape, W_shape, 2)
    else:
        v.check_channels(fn, X_shape[3], W_shape[2], 2, (tuple(X_shape), tuple(W_shape)))
    s = v.check_pair(fn, "stride", stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    fr, fc = W_shape[:2]
    top, bottom, left, right = resolve_pad2D(fn, pad, X_shape[1:3], (fr, fc), s, d)
    oh = _count_windows(X_shape[1] + top + bottom, fr, s[0], d[0])
    ow = _count_windows(X_shape[2] + left + right, fc, s[1], d[1])
    _check_fits(fn, X_shape[1:3], (fr, fc), s, d, ((top, bottom), (left, right)), (oh, ow))
    return s, d, top, left, oh, ow


def _group_slices(groups, in_ch, out_ch):
    """``[(input channels, output channels)]`` of each group, as slices: group ``g`` holds
    input channels ``g*(in_ch//groups) ...`` and output channels ``g*(out_ch//groups) ...``."""
    cg, og = in_ch // groups, out_ch // groups
    return [(slice(g * cg, (g + 1) * cg), slice(g * og, (g + 1) * og)) for g in range(groups)]


def _arrays2D(fn, X, W):
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_2D, batch_axis=0).astype(float)
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_2D).astype(float)
    return X, W


def _setup1D(fn, X, W, stride, pad, dilation, groups=1):
    """Check a 1D call; return X, W (float), stride, dilation, left and l_out."""
    X = v.check_array(fn, "X", X, 3, v.LAYOUT_1D, batch_axis=0).astype(float)
    W = v.check_array(fn, "W", W, 3, v.LAYOUT_1D).astype(float)
    v.check_groups(fn, groups, X.shape, W.shape, 1)
    s = v.check_int(fn, "stride", stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    left, right = resolve_pad1D(fn, pad, X.shape[1], W.shape[0], s, d)
    l_out = _count_windows(X.shape[1] + left + right, W.shape[0], s, d)
    _check_fits(fn, X.shape[1:2], W.shape[:1], (s,), (d,), ((left, right),), (l_out,))
    return X, W, s, d, left, l_out


def receptive_field(cell, W_shape, stride=1, dilation=0):
    """Padded-input coordinates ``[(row, col), ...]`` read by output ``cell = (i, j)``, tap by tap.

    Tap ``(ki, kj)`` of output ``(i, j)`` sits at ``(i*s_r + ki*(d_r+1), j*s_c + kj*(d_c+1))``
    of the padded input, row-major over the taps. Subtract ``(top, left)`` of the pad to get
    input coordinates. ``W_shape`` is ``(fr, fc, ...)`` (``W.shape`` or just the kernel size).
    """
    fn = "receptive_field"
    if not isinstance(cell, (tuple, list)) or len(cell) != 2:
        raise ValueError(f"{fn}: cell must be an output position (i, j), got {cell!r}.")
    i, j = (v.check_int(fn, f"cell[{k}]", c, 0) for k, c in enumerate(cell))
    W_shape = v.shape_arg(fn, "W_shape", W_shape)
    if not isinstance(W_shape, (tuple, list)) or len(W_shape) < 2:
        raise ValueError(f"{fn}: W_shape must be (fr, fc, ...), got {W_shape!r}.")
    fr, fc = (v.check_int(fn, f"W_shape[{k}]", x, 1) for k, x in enumerate(W_shape[:2]))
    (s_r, s_c), (d_r, d_c) = v.check_pair(fn, "stride", stride, 1, 2), v.check_pair(fn, "dilation", dilation, 0, 2)
    return [(i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1))
            for ki in range(fr) for kj in range(fc)]


def conv2D_loops(X, W, stride, pad, dilation=0, groups=1):
    """conv2D by its definition: loops over examples, output cells and kernel taps.

    ``Z[n, i, j, :] = sum over (ki, kj) of X_pad[n, i*s + ki*(d+1), j*s + kj*(d+1), :] @ W[ki, kj]``

    With ``groups``, the output channels of group ``g`` (``W[..., g*(out_ch//groups) ...]``,
    whose input axis has ``in_ch // groups`` entries) see only that group's input channels:
    ``Z[n, i, j, o_g] += X_pad[n, ..., c_g] @ W[ki, kj][:, o_g]``.
    """
    X, W = _arrays2D("conv2D_loops", X, W)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry("conv2D_loops", X.shape, W.shape,
                                                          stride, pad, dilation, groups,
                                                          takes_groups=True)
    fr, fc, _, out_ch = W.shape
    Z = np.zeros((X.shape[0], oh, ow, out_ch))
    for n in range(X.shape[0]):
        for i in range(oh):
            for j in range(ow):
                for ki in range(fr):
                    for kj in range(fc):
                        pixel = _read(X, n, i * s_r + ki * (d_r + 1), j * s_c + kj * (d_c + 1), top, left)
                        for c, o in _group_slices(groups, X.shape[3], out_ch):
                            Z[n, i, j, o] += pixel[c] @ W[ki, kj][:, o]
    return Z


def conv1D_loops(X, W, stride, pad, dilation=0, groups=1):
    """conv1D by its definition: ``Z[n, t, :] = sum over k of X_pad[n, t*s + k*(d+1), :] @ W[k]``.

    A padded cell reads zeros (and multiplies ``W[k]`` like any cell, as in conv2D_loops).
    With ``groups``, each group's output channels see only its input channels (see
    :func:`conv2D_loops`).
    """
    X, W, stride, dilation, left, l_out = _setup1D("conv1D_loops", X, W, stride, pad, dilation,
                                                   groups)
    Z = np.zeros((X.shape[0], l_out, W.shape[2]))
    for n in range(X.shape[0]):
        for t in range(l_out):
            for k in range(W.shape[0]):
                pos = t * stride + k * (dilation + 1) - left
                pixel = X[n, pos, :] if 0 <= pos < X.shape[1] else np.zeros(X.shape[2])
                for c, o in _group_slices(groups, X.shape[2], W.shape[2]):
                    Z[n, t, o] += pixel[c] @ W[k][:, o]
    return Z


def im2col_loops(X, W_shape, pad, stride, dilation=0):
    """im2col by loops: column ``(i*out_cols + j)*n_ex + n`` is window ``(i, j)`` of example ``n``,
    listed channel by channel, each channel's taps row by row."""
    fn = "im2col_loops"
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_2D, batch_axis=0)
    W_shape = v.check_shape(fn, "W_shape", W_shape, 4, v.LAYOUT_2D)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(fn, X.shape, W_shape, stride, pad, dilation,
                                                          takes_groups=False)
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
    fn = "col2im_loops"
    X_shape = v.check_shape(fn, "X_shape", X_shape, 4, v.LAYOUT_2D, batch_axis=0)
    W_shape = v.check_shape(fn, "W_shape", W_shape, 4, v.LAYOUT_2D)
    X_col = v.check_array(fn, "X_col", X_col, 2, "X_col is (in_ch*fr*fc, out_rows*out_cols*n_ex).",
                          batch_axis=1 if X_shape[0] == 0 else None).astype(float)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(fn, X_shape, W_shape, stride, pad, dilation,
                                                          takes_groups=False)
    fr, fc = W_shape[:2]
    n_ex, rows, cols, ch = X_shape
    v.check_cols_shape(fn, X_col, (ch * fr * fc, oh * ow * n_ex), X_shape, W_shape)
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


def conv2D_backward_loops(dZ, X, W, stride, pad, dilation=0, groups=1):
    """Gradients by the chain rule, one term per (output cell, tap): ``Z[n,i,j,o]`` used
    ``X_pad[n, r, q, c] * W[ki, kj, c, o]``, so each adds ``dZ[n,i,j,o]`` times the other
    factor. A padded cell is a zero of ``X_pad`` (it adds to ``dW``; it has no ``dX``).
    With ``groups``, ``c`` runs over the group of ``o`` only."""
    fn = "conv2D_backward_loops"
    X, W = _arrays2D(fn, X, W)
    (s_r, s_c), (d_r, d_c), top, left, oh, ow = _geometry(fn, X.shape, W.shape, stride, pad,
                                                          dilation, groups, takes_groups=True)
    dZ = v.check_array(fn, "dZ", dZ, 4, "dZ is (n_ex, out_rows, out_cols, out_ch).", batch_axis=0)
    v.check_dZ_shape(fn, dZ, (X.shape[0], oh, ow, W.shape[3]))
    dZ = dZ.astype(float)
    fr, fc = W.shape[:2]
    dX, dW = np.zeros_like(X), np.zeros_like(W)
    for n in range(X.shape[0]):
        for i in range(oh):
            for j in range(ow):
                for ki in range(fr):
                    for kj in range(fc):
                        r = i * s_r + ki * (d_r + 1)
                        q = j * s_c + kj * (d_c + 1)
                        pixel = _read(X, n, r, q, top, left)
                        inside = 0 <= r - top < X.shape[1] and 0 <= q - left < X.shape[2]
                        for c, o in _group_slices(groups, X.shape[3], W.shape[3]):
                            dW[ki, kj][:, o] += np.outer(pixel[c], dZ[n, i, j, o])
                            if inside:
                                dX[n, r - top, q - left, c] += W[ki, kj][:, o] @ dZ[n, i, j, o]
    return dX, dW


def conv1D_backward_loops(dZ, X, W, stride, pad, dilation=0, groups=1):
    """conv1D's gradients by the chain rule (see :func:`conv2D_backward_loops`)."""
    fn = "conv1D_backward_loops"
    X, W, stride, dilation, left, l_out = _setup1D(fn, X, W, stride, pad, dilation, groups)
    dZ = v.check_array(fn, "dZ", dZ, 3, "dZ is (n_ex, l_out, out_ch).", batch_axis=0)
    v.check_dZ_shape(fn, dZ, (X.shape[0], l_out, W.shape[2]))
    dZ = dZ.astype(float)
    dX, dW = np.zeros_like(X), np.zeros_like(W)
    for n in range(X.shape[0]):
        for t in range(l_out):
            for k in range(W.shape[0]):
                pos = t * stride + k * (dilation + 1) - left
                inside = 0 <= pos < X.shape[1]
                pixel = X[n, pos, :] if inside else np.zeros(X.shape[2])
                for c, o in _group_slices(groups, X.shape[2], W.shape[2]):
                    dW[k][:, o] += np.outer(pixel[c], dZ[n, t, o])
                    if inside:
                        dX[n, pos, c] += W[k][:, o] @ dZ[n, t, o]
    return dX, dW


def conv2D_transpose_loops(X, W, stride, pad, dilation=0, output_padding=0, groups=1):
    """Transposed convolution by its definition: every input cell scatters its weighted kernel.

    Input cell ``(i, j)`` of example ``n`` adds ``X[n, i, j, :] @ W[ki, kj]`` to output cell
    ``(i*s + ki*(d+1) - top, j*s + kj*(d+1) - left)`` for every tap ``(ki, kj)``: the very
    cells from which :func:`conv2D_loops` reads, with the arrows reversed. Writes that fall
    in the cropped border (``pad``) are dropped. ``W`` is ``(fr, fc, in_ch, out_ch)``.

    The output size is ``(in - 1)*s + eff - top - bottom + output_padding`` per axis;
    ``'same'`` means the pad that :func:`conv_teach.pad2D` gives for ``in * s`` cells, and
    an output of exactly ``in * s``.

    With ``groups``, ``W`` is ``(fr, fc, in_ch, out_ch // groups)``: input channels of group
    ``g`` write only output channels ``g * W.shape[3] ... (g + 1) * W.shape[3] - 1``.
    """
    fn = "conv2D_transpose_loops"
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_T, batch_axis=0).astype(float)
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_T).astype(float)
    groups = v.check_groups(fn, groups, X.shape, W.shape, 2, transposed=True)
    (s_r, s_c) = v.check_pair(fn, "stride", stride, 1, 2)
    (d_r, d_c) = v.check_pair(fn, "dilation", dilation, 0, 2)
    (op_r, op_c) = v.check_pair(fn, "output_padding", output_padding, 0, 2)
    n_ex, rows, cols, _ = X.shape
    fr, fc, _, out_ch = W.shape
    same = isinstance(pad, str) and pad == "same"
    if same and (op_r or op_c):
        raise v.same_with_output_padding(fn, (op_r, op_c))
    if not same and (op_r >= max(s_r, d_r + 1) or op_c >= max(s_c, d_c + 1)):
        raise v.output_padding_too_large(fn, (op_r, op_c), (s_r, s_c), (d_r, d_c))
    # 'same': the pad the forward conv uses on its input of in * stride cells
    top, bottom, left, right = resolve_pad2D(fn, pad, (rows * s_r, cols * s_c), (fr, fc),
                                             (s_r, s_c), (d_r, d_c))
    full_r = (rows - 1) * s_r + (fr - 1) * (d_r + 1) + 1
    full_c = (cols - 1) * s_c + (fc - 1) * (d_c + 1) + 1
    out_r = full_r - top - bottom + op_r
    out_c = full_c - left - right + op_c
    if same:
        out_r, out_c = rows * s_r, cols * s_c
    if out_r < 1 or out_c < 1:
        raise v.transpose_output_empty(fn, (full_r, full_c), (top, bottom, left, right), (op_r, op_c))
    Z = np.zeros((n_ex, out_r, out_c, out_ch * groups))
    cg = X.shape[3] // groups
    for n in range(n_ex):
        for i in range(rows):
            for j in range(cols):
                for ki in range(fr):
                    for kj in range(fc):
                        r = i * s_r + ki * (d_r + 1) - top
                        q = j * s_c + kj * (d_c + 1) - left
                        if 0 <= r < out_r and 0 <= q < out_c:
                            for g in range(groups):
                                c = slice(g * cg, (g + 1) * cg)
                                Z[n, r, q, g * out_ch:(g + 1) * out_ch] += X[n, i, j, c] @ W[ki, kj][c]
    return Z
