"""conv2D_transpose: the transposed convolution ("deconvolution"), the adjoint of conv2D.

A convolution reads a window of the padded input for each output cell. Its transpose
runs the arrows backwards: each *input* cell ``X[n, i, j, :]`` writes its weighted kernel
``X[n, i, j, :] @ W[ki, kj]`` into a window of a larger output, the windows starting
``stride`` cells apart, and overlapping writes add up (what col2im does with the gradient
of a convolution: :func:`conv_teach.windows.fold_into`). Finally ``pad`` cells are
*cropped* from the borders (padding the forward convolution shrinks the transposed one).

That is the definition (:func:`conv_teach.reference.conv2D_transpose_loops` runs it). The
fast path turns the arrows around once more: output cells ``o0, o0 + stride, ...`` (one
*phase*) are reached by the same taps, from inputs one apart, so each phase is a stride-1
forward convolution with a few of the kernel's taps, computed by conv2D's blocked window
machinery straight into the output. The input gradient of conv2D (``conv2D_backward``'s
``dX``) is the same computation.

Channel convention (stated once): ``W`` has shape ``(fr, fc, in_ch, out_ch)`` as in
:func:`conv_teach.conv2D`, and maps ``X``'s ``in_ch`` channels to ``out_ch`` output
channels. Then::

    conv2D_transpose(X, W, s, p, d) == conv2D_backward(X, Y, W.transpose(0, 1, 3, 2), s, p, d)[0]

for any ``Y`` of the output's shape: the transposed convolution is the input gradient of
the convolution that goes the other way, with the kernel's two channel axes swapped.
torch's ``conv_transpose2d`` weight ``(in_ch, out_ch, kH, kW)`` is ``W.transpose(2, 3, 0, 1)``.
"""
from math import gcd

import numpy as np

from . import _validate as v
from .conv import _limit, conv2d_core
from .shapes import effective_kernel, resolve_pad2D
from .windows import Geometry, blocks, check_size, float_dtype, fold_into

__all__ = ["conv2D_transpose", "transpose_geometry", "transposed_core"]


def _phases(n, k, s, d, before, out_len):
    """One axis of a transposed convolution, split by output phase (sub-pixel decomposition).

    Output cell ``o`` (uncropped position ``o + before``) receives input ``i`` through tap
    ``ki`` when ``i*s + ki*(d+1) == o + before``. The outputs ``o0, o0 + s, o0 + 2s, ...``
    of one phase ``o0 < s`` all use the same taps, and input ``m + c_ki`` for the ``m``-th
    of them: a stride-1 gather (a forward convolution) with those taps, which are evenly
    spaced. Yields ``(o0, count, taps, step, start, stop, pad_before, pad_after)``: input
    cells ``start .. stop - 1`` padded by the pads, read with ``taps`` (kernel indices in
    window order) ``step`` cells apart. Phases that no tap reaches (all zeros) are skipped.
    """
    g = gcd(s, d + 1)
    for o0 in range(min(s, out_len)):
        count = -(-(out_len - o0) // s)
        # taps reaching this phase whose reads m + c (m < count) meet the input (0 <= . < n):
        # a contiguous, evenly spaced run; the others would only multiply zeros
        taps = [ki for ki in range(k - 1, -1, -1) if (o0 + before - ki * (d + 1)) % s == 0
                and -count < (o0 + before - ki * (d + 1)) // s < n]
        if not taps:
            continue
        c_min = (o0 + before - taps[0] * (d + 1)) // s
        c_max = (o0 + before - taps[-1] * (d + 1)) // s
        step = (d + 1) // g if len(taps) > 1 else 1
        start, stop = max(c_min, 0), min(n, count + c_max)
        if start >= stop:               # every read falls outside the input: zeros
            continue
        yield o0, count, taps, step, start, stop, start - c_min, count + c_max - stop


def _scatter(Y, W, stride, dilation, before, Z, block_bytes):
    """The definition, blocked: every input cell's weighted kernel added into the output.

    Used when ``W`` holds NaN or inf, which the gather would multiply with the zeros around
    the input (``0 * nan`` is nan where the definition adds nothing). Its buffer holds the
    uncropped outputs of one block of examples.
    """
    n_ex, rows, cols, ch = Y.shape
    fr, fc, _, out_ch = W.shape
    (s_r, s_c), (d_r, d_c), (top, left), (out_r, out_c) = stride, dilation, before, Z.shape[1:3]
    g = Geometry((fr, fc), stride, dilation, (0, 0, 0, 0), (rows, cols))
    R = max((rows - 1) * s_r + (fr - 1) * (d_r + 1) + 1, top + out_r)
    C = max((cols - 1) * s_c + (fc - 1) * (d_c + 1) + 1, left + out_c)
    W_rows = W.astype(Z.dtype, copy=False).transpose(2, 0, 1, 3).reshape(ch, fr * fc * out_ch)
    for n0, n1, ranges in blocks(n_ex, rows, cols * fr * fc * out_ch * Z.dtype.itemsize, block_bytes):
        buf = np.zeros((n1 - n0, R, C, out_ch), Z.dtype)
        for r0, r1 in ranges:
            kernels = Y[n0:n1, r0:r1].astype(Z.dtype, copy=False).reshape(-1, ch) @ W_rows
            fold_into(buf, kernels.reshape(n1 - n0, r1 - r0, cols, fr, fc, out_ch), g, row0=r0)
        Z[n0:n1] = buf[:, top:top + out_r, left:left + out_c]
    return Z


def transposed_core(Y, W, stride, dilation, before, out_shape, fn="conv2D_transpose",
                    max_bytes=None, block_bytes=None, what="the output Z"):
    """Transposed convolution on checked arguments, as stride-1 gathers per output phase.

    ``Z[n, o_r, o_c] = sum of Y[n, i, j] @ W[ki, kj]`` over ``i*s_r + ki*(d_r+1) = o_r + top``
    and ``j*s_c + kj*(d_c+1) = o_c + left``, for an output of ``out_shape``; ``before`` is
    ``(top, left)``, the cells cropped before the output starts. ``W`` is
    ``(fr, fc, Y's channels, out_ch)``.

    Each phase ``(o0_r, o0_c)`` (outputs ``o0 + m*stride``) is a forward convolution
    (:func:`conv_teach.conv.conv2d_core`, blocked) of ``Y`` with the taps that reach it: no
    multiply by an inserted zero, no kernel-per-input-cell intermediate, and working memory
    of one block. It is the input gradient of conv2D (with ``W``'s channel axes swapped) and
    conv2D_transpose.
    """
    dtype = float_dtype(Y, W)
    n_ex, out_ch = Y.shape[0], W.shape[3]
    shape = (n_ex,) + tuple(out_shape) + (out_ch,)
    check_size(fn, what, shape, dtype, max_bytes)
    if not np.isfinite(W).all():
        return _scatter(Y, W, stride, dilation, before, np.zeros(shape, dtype), block_bytes)
    (fr, fc), (s_r, s_c), (d_r, d_c) = W.shape[:2], stride, dilation
    rows = list(_phases(Y.shape[1], fr, s_r, d_r, before[0], out_shape[0]))
    cols = list(_phases(Y.shape[2], fc, s_c, d_c, before[1], out_shape[1]))
    covered = (sum(r[1] for r in rows) == out_shape[0] and sum(c[1] for c in cols) == out_shape[1])
    Z = (np.empty if covered else np.zeros)(shape, dtype)
    for o_r, cnt_r, taps_r, step_r, a_r, z_r, pb_r, pa_r in rows:
        for o_c, cnt_c, taps_c, step_c, a_c, z_c, pb_c, pa_c in cols:
            g = Geometry((len(taps_r), len(taps_c)), (1, 1), (step_r - 1, step_c - 1),
                         (pb_r, pa_r, pb_c, pa_c), (cnt_r, cnt_c))
            W_sub = W[taps_r][:, taps_c]
            conv2d_core(Y[:, a_r:z_r, a_c:z_c], W_sub, g, fn, max_bytes, block_bytes,
                        out=Z[:, o_r::s_r, o_c::s_c])
    return Z


def transpose_geometry(fn, in_shape, kernel, stride, pad, dilation, output_padding):
    """Resolve a transposed convolution's arguments.

    Parameters
    ----------
    in_shape : (in_rows, in_cols)
    kernel : (fr, fc)
    stride, pad, dilation, output_padding
        As for :func:`conv2D_transpose` (not yet checked).

    Returns
    -------
    g : Geometry
        ``kernel, stride, dilation, pad (top, bottom, left, right), out (out_rows, out_cols)``,
        all tuples of ints.
    op : (rows, cols)
        The output padding used (``'same'`` sets it).
    full : (rows, cols)
        The uncropped output size ``(in - 1) * stride + eff``.
    """
    s = v.check_pair(fn, "stride", stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    op = v.check_pair(fn, "output_padding", output_padding, 0, 2)
    eff = tuple(effective_kernel(k, dd) for k, dd in zip(kernel, d))
    full = tuple((n - 1) * ss + e for n, ss, e in zip(in_shape, s, eff))
    if isinstance(pad, str) and pad == "same":
        if any(op):
            raise v.same_with_output_padding(fn, op)
        # the pad that conv2D(..., 'same') uses on an input of in * stride cells, which it
        # maps back to in cells; output_padding makes up the rest when eff < stride
        big = tuple(n * ss for n, ss in zip(in_shape, s))
        p = resolve_pad2D(fn, pad, big, kernel, s, d)
        op = (big[0] - (full[0] - p[0] - p[1]), big[1] - (full[1] - p[2] - p[3]))
    else:
        p = resolve_pad2D(fn, pad, in_shape, None, s, d)
        if any(o >= max(ss, dd + 1) for o, ss, dd in zip(op, s, d)):
            raise v.output_padding_too_large(fn, op, s, d)
    out = (full[0] - p[0] - p[1] + op[0], full[1] - p[2] - p[3] + op[1])
    if min(out) < 1:
        raise v.transpose_output_empty(fn, full, p, op)
    return Geometry(tuple(kernel), s, d, p, out), op, full


def conv2D_transpose(X, W, stride, pad, dilation=0, output_padding=0, groups=1, *,
                     max_bytes=None):
    """Transposed 2D convolution (no bias): every input cell scatters its weighted kernel.

    ``Z_full[n, i*s_r + ki*(d_r+1), j*s_c + kj*(d_c+1), :] += X[n, i, j, :] @ W[ki, kj]``,
    then ``Z = Z_full`` with ``pad`` cells cropped from the borders (and ``output_padding``
    extra rows/columns kept at the bottom/right).

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Input volume. Never modified.
    W : ndarray of shape (fr, fc, in_ch, out_ch)
        Kernels, in :func:`conv_teach.conv2D`'s layout: ``W[ki, kj]`` maps ``in_ch`` channels
        to ``out_ch``. torch's ``conv_transpose2d`` weight is ``W.transpose(2, 3, 0, 1)``.
    stride : int or (rows, cols)
        Distance between the windows that neighbouring input cells write to (>= 1).
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
        Cells cropped from the output, ``(top, bottom, left, right)`` once resolved: the pad
        of the forward convolution this transposes (torch's ``padding``; torch accepts
        only symmetric pads). ``'same'`` gives ``in * stride`` outputs per axis (TF's rule):
        the transpose of ``conv2D(..., pad='same')`` on an ``in * stride`` input.
    dilation : int or (rows, cols), default 0
        Zeros inserted between kernel taps (torch's ``dilation`` minus one).
    output_padding : int or (rows, cols), default 0
        Extra rows/columns at the bottom/right, as torch's ``output_padding``; must be
        smaller than ``max(stride, dilation + 1)``. Several output sizes map back to the
        same input size under a stride; this picks one.
    groups : int, default 1
        Channel groups (torch's ``groups``): ``in_ch`` divisible by it, ``W`` is then
        ``(fr, fc, in_ch, out_ch // groups)`` (torch's weight ``(in_ch, out_ch // groups, fr,
        fc)`` transposed as above) and ``Z`` has ``groups * W.shape[3]`` channels; input
        channels of group ``g`` write only output channels ``g * W.shape[3] ...``. It equals
        the dense ``block_diagonal(W, groups, transposed=True)``.
    max_bytes : int, optional
        Refuse an output or working array larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) with :class:`conv_teach.ArrayTooLarge`
        (a MemoryError naming its shape and size), before allocating anything.

    Returns
    -------
    Z : ndarray of shape (n_ex, out_rows, out_cols, out_ch)
        ``out = (in - 1) * stride + eff - before - after + output_padding`` per axis, with
        ``eff = k + (k - 1) * dilation``. float32 if both inputs are float32, else float64.

    Raises
    ------
    ValueError, TypeError
        With a message naming the parameter: wrong ndim, channel mismatch, bad stride,
        dilation, pad or groups (or ``in_ch`` it does not divide), output_padding too large,
        or a pad that crops the whole output.
    ArrayTooLarge
        (a MemoryError) if the output or a working array would need more than ``max_bytes``.

    See Also
    --------
    conv2D_backward : ``dX`` of conv2D is this map, with ``W``'s channel axes swapped.
    col2im : the same fold, of im2col's columns.
    conv_teach.reference.conv2D_transpose_loops : the definition as loops.

    Notes
    -----
    It is the adjoint of conv2D: with ``W2 = W.transpose(0, 1, 3, 2)`` and ``Y`` of ``Z``'s
    shape, ``<conv2D(Y, W2, s, p, d), X> == <Y, conv2D_transpose(X, W, s, p, d)>`` (when
    ``output_padding < stride``, so that conv2D maps ``Y`` back to ``X``'s size). It also
    equals a stride-1 convolution of ``X`` dilated by ``stride - 1``, padded by
    ``eff - 1 - pad`` on each side, with the kernel rotated by 180 degrees: what
    numpy-ml's ``deconv2D_naive`` computes and what the animation draws.

    numpy-ml's ``deconv2D_naive`` / ``Deconv2D`` take that route literally and break where
    ``eff - 1 - pad`` is negative: ``pad > k - 1`` raises "Padding cannot be less than 0"
    (torch returns a valid output), an output of size 0 comes back as an empty array
    (torch raises), and ``'same'`` gives ``s*(n-1)+1`` cells instead of ``s*n``. Its own
    test retries such cases, which hid these. Scattering and cropping has no negative
    padding to go wrong: every ``pad`` that leaves at least one cell works here, and one that
    leaves none is a clear error.

    It is computed as a gather rather than a scatter: the outputs ``o0, o0 + stride, ...``
    of one phase ``o0`` all read the same kernel taps, so each phase is a stride-1 forward
    convolution of ``X`` with those taps (the sub-pixel decomposition), done in the blocks
    of :func:`conv_teach.conv2D`. No product with an inserted zero is computed, and the
    working memory is one block (:data:`conv_teach.windows.BLOCK_BYTES`) whatever the batch
    and kernel.

    References
    ----------
    V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning", 2016,
    section 4.

    Examples
    --------
    Each input cell writes a copy of the 2x2 kernel (all ones) scaled by its value; with
    stride 2 the copies do not overlap:

    >>> X = np.array([[1., 2.], [3., 4.]]).reshape(1, 2, 2, 1)
    >>> W = np.ones((2, 2, 1, 1))
    >>> conv2D_transpose(X, W, stride=2, pad=0)[0, :, :, 0]
    array([[1., 1., 2., 2.],
           [1., 1., 2., 2.],
           [3., 3., 4., 4.],
           [3., 3., 4., 4.]])

    With stride 1 they overlap and add: the centre is 1 + 2 + 3 + 4 = 10.

    >>> conv2D_transpose(X, W, stride=1, pad=0)[0, :, :, 0]
    array([[ 1.,  3.,  2.],
           [ 4., 10.,  6.],
           [ 3.,  7.,  4.]])
    """
    fn = "conv2D_transpose"
    if v.check_int(fn, "groups", groups, 1) > 1:
        from .groups import conv2D_transpose as grouped
        return grouped(X, W, stride, pad, dilation, output_padding, groups, max_bytes)
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_T, batch_axis=0)
    W = v.check_array(fn, "W", W, 4, v.LAYOUT_T)
    v.check_channels(fn, X.shape[3], W.shape[2], 2, (X.shape, W.shape), takes_groups=True,
                     transposed=True)
    n, rows, cols, ch = X.shape
    fr, fc, _, out_ch = W.shape
    g, op, full = transpose_geometry(fn, (rows, cols), (fr, fc), stride, pad, dilation,
                                     output_padding)
    return transposed_core(X, W, g.stride, g.dilation, (g.pad[0], g.pad[2]), g.out, fn,
                           _limit(fn, max_bytes))
