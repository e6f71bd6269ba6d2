"""The output-size arithmetic: the one place where conv_teach computes how big things get.

Per spatial axis, with input length ``n``, kernel size ``k``, stride ``s``, dilation ``d``
(zeros inserted between taps) and padding ``before``/``after``::

    eff = k + (k - 1) * d                              # the dilated kernel's extent
    out = (n + before + after - eff) // s + 1          # needs n + before + after >= eff

Padding strings (see the README's conventions table):

* ``'valid'``  -- no padding.
* ``'same'``   -- ``out = ceil(n / s)`` (the TF/Keras rule); the total padding
  ``max((out - 1) * s + eff - n, 0)`` is split in half, the odd one going after
  (bottom/right). At stride 1 this is torch's ``padding='same'``. numpy-ml instead pads
  so that ``out == n`` at every stride, which at stride > 1 makes outputs that see
  only zeros.
* ``'causal'`` (1D only) -- all ``eff - 1`` zeros before (on the left), none after, so
  output ``t`` sees inputs up to ``t * s`` only (WaveNet). ``out = ceil(n / s)`` too.

References
----------
V. Dumoulin and F. Visin, "A guide to convolution arithmetic for deep learning", 2016.
"""
from . import _validate as v

__all__ = ["effective_kernel", "same_pad", "causal_pad", "conv_out_len", "conv_out_shape"]


def _eff(kernel, dilation):
    return kernel + (kernel - 1) * dilation


def _same_pad(in_len, kernel, stride, dilation):
    out = -(-in_len // stride)
    total = max((out - 1) * stride + _eff(kernel, dilation) - in_len, 0)
    return total // 2, total - total // 2


def effective_kernel(kernel, dilation=0):
    """Extent of a kernel of ``kernel`` taps with ``dilation`` zeros between taps.

    Parameters
    ----------
    kernel : int >= 1
    dilation : int >= 0, default 0

    Returns
    -------
    int
        ``kernel + (kernel - 1) * dilation`` (a Python int, also for NumPy integers).

    Raises
    ------
    TypeError, ValueError
        For a non-integer or out-of-range argument, naming it.

    >>> effective_kernel(3, dilation=1)
    5
    """
    fn = "effective_kernel"
    return _eff(v.check_int(fn, "kernel", kernel, 1), v.check_int(fn, "dilation", dilation, 0))


def same_pad(in_len, kernel, stride=1, dilation=0):
    """``(before, after)`` padding for ``'same'`` on one axis: ``ceil(in_len / stride)`` outputs.

    Parameters
    ----------
    in_len, kernel : int >= 1
    stride : int >= 1, default 1
    dilation : int >= 0, default 0

    Returns
    -------
    tuple of 2 Python ints

    Raises
    ------
    TypeError, ValueError
        For a non-integer or out-of-range argument, naming it (``stride=0`` is not a
        ``ZeroDivisionError``; NumPy unsigned integers do not wrap).

    >>> same_pad(5, 3)          # odd kernel, stride 1: one zero each side
    (1, 1)
    >>> same_pad(5, 4)          # even kernel: the odd zero goes after
    (1, 2)
    >>> same_pad(6, 3, stride=2)  # 3 outputs; numpy-ml would pad (3, 4) and give 6
    (0, 1)
    """
    fn = "same_pad"
    return _same_pad(v.check_int(fn, "in_len", in_len, 1), v.check_int(fn, "kernel", kernel, 1),
                     v.check_int(fn, "stride", stride, 1), v.check_int(fn, "dilation", dilation, 0))


def causal_pad(kernel, dilation=0):
    """``(left, right)`` padding for ``'causal'``: all ``eff - 1`` zeros on the left.

    Parameters
    ----------
    kernel : int >= 1
    dilation : int >= 0, default 0

    Returns
    -------
    tuple of 2 Python ints

    Raises
    ------
    TypeError, ValueError
        For a non-integer or out-of-range argument, naming it.

    >>> causal_pad(3, dilation=1)
    (4, 0)
    """
    fn = "causal_pad"
    return _eff(v.check_int(fn, "kernel", kernel, 1), v.check_int(fn, "dilation", dilation, 0)) - 1, 0


def _resolve_axis_pads(fn, pad, dim, in_shape, kernel, stride, dilation):
    """Turn any accepted ``pad`` into one ``(before, after)`` pair per spatial axis.

    ``kernel`` may be None (then 'same'/'causal' raise); ``stride``/``dilation`` are
    tuples of ``dim`` checked ints.
    """
    if isinstance(pad, str):
        if pad == "valid":
            return [(0, 0)] * dim
        if pad in ("same", "causal") and not (pad == "causal" and dim == 2):
            if kernel is None:
                raise v.need_kernel(fn, pad, dim)
            if pad == "causal":
                return [(_eff(kernel[0], dilation[0]) - 1, 0)]
            return [_same_pad(n, k, s, d) for n, k, s, d in zip(in_shape, kernel, stride, dilation)]
        raise v.bad_pad(fn, pad, dim)
    if isinstance(pad, (tuple, list)):
        names = ("(top, bottom, left, right)" if len(pad) == 4 else
                 "(rows, cols)" if dim == 2 else "(left, right)")
        vals = [v.check_pad_value(fn, f"pad[{i}] of {names}", p) for i, p in enumerate(pad)]
        if dim == 2 and len(vals) == 2:
            return [(vals[0], vals[0]), (vals[1], vals[1])]
        if dim == 2 and len(vals) == 4:
            return [(vals[0], vals[1]), (vals[2], vals[3])]
        if dim == 1 and len(vals) == 2:
            return [(vals[0], vals[1])]
        raise v.bad_pad(fn, pad, dim)
    if isinstance(pad, (int, bool)) or hasattr(pad, "__index__") or isinstance(pad, float):
        p = v.check_pad_value(fn, "pad", pad)
        return [(p, p)] * dim
    raise v.bad_pad(fn, pad, dim)


def resolve_pad2D(fn, pad, in_shape, kernel_shape=None, stride=(1, 1), dilation=(0, 0)):
    """``pad`` in any 2D form -> ``(top, bottom, left, right)``."""
    (t, b), (l, r) = _resolve_axis_pads(fn, pad, 2, in_shape, kernel_shape, stride, dilation)
    return t, b, l, r


def resolve_pad1D(fn, pad, in_len, kernel_width=None, stride=1, dilation=0):
    """``pad`` in any 1D form -> ``(left, right)``."""
    kernel = None if kernel_width is None else (kernel_width,)
    ((l, r),) = _resolve_axis_pads(fn, pad, 1, (in_len,), kernel, (stride,), (dilation,))
    return l, r


def out_sizes(fn, in_shape, kernel, stride, dilation, pads):
    """Output size per axis; raises the library's error when the kernel does not fit.

    ``pads`` holds one ``(before, after)`` pair per axis.
    """
    eff = tuple(_eff(k, d) for k, d in zip(kernel, dilation))
    padded = tuple(n + a + b for n, (a, b) in zip(in_shape, pads))
    if any(e > p for e, p in zip(eff, padded)):
        raise v.kernel_too_large(fn, eff, padded, dilation)
    return tuple((p - e) // s + 1 for p, e, s in zip(padded, eff, stride))


def conv_out_len(in_len, kernel, stride=1, pad=0, dilation=0):
    """Output length of a convolution along one axis.

    Parameters
    ----------
    in_len : int
        Input length along the axis (not padded).
    kernel : int
        Number of kernel taps along the axis.
    stride : int, default 1
    pad : int, (before, after), 'same', 'valid' or 'causal', default 0
    dilation : int, default 0
        Zeros inserted between taps (torch's ``dilation`` minus one).

    Returns
    -------
    int
        ``(in_len + before + after - eff) // stride + 1`` with ``eff = kernel + (kernel-1)*dilation``.

    Raises
    ------
    ValueError
        If the dilated kernel is longer than the padded input.

    Examples
    --------
    >>> conv_out_len(5, 3, stride=2, pad=1)
    3
    >>> conv_out_len(7, 3, stride=2, pad='same')   # ceil(7 / 2)
    4
    """
    fn = "conv_out_len"
    n = v.check_int(fn, "in_len", in_len, 1)
    k = v.check_int(fn, "kernel", kernel, 1)
    s = v.check_int(fn, "stride", stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    pads = _resolve_axis_pads(fn, pad, 1, (n,), (k,), (s,), (d,))
    return out_sizes(fn, (n,), (k,), (s,), (d,), pads)[0]


def conv_out_shape(X_shape, W_shape, stride=1, pad=0, dilation=0):
    """Shape of ``conv2D(X, W, ...)`` (4-D ``X_shape``) or ``conv1D(X, W, ...)`` (3-D).

    Parameters
    ----------
    X_shape : tuple of int
        ``(n_ex, in_rows, in_cols, in_ch)`` or, in 1D, ``(n_ex, l_in, in_ch)``.
    W_shape : tuple of int
        ``(fr, fc, in_ch, out_ch)`` or, in 1D, ``(fw, in_ch, out_ch)``.
    stride, pad, dilation
        As for :func:`conv_teach.conv2D` / :func:`conv_teach.conv1D`.

    Returns
    -------
    tuple of int
        ``(n_ex, out_rows, out_cols, out_ch)`` or ``(n_ex, l_out, out_ch)``.

    Examples
    --------
    >>> conv_out_shape((8, 32, 32, 16), (3, 3, 16, 32), stride=2, pad='same')
    (8, 16, 16, 32)
    >>> conv_out_shape((1, 10, 4), (3, 4, 2), stride=1, pad='causal', dilation=1)
    (1, 10, 2)
    """
    fn = "conv_out_shape"
    X_shape, W_shape = v.shape_arg(fn, "X_shape", X_shape), v.shape_arg(fn, "W_shape", W_shape)
    dim = len(X_shape) - 2 if isinstance(X_shape, (tuple, list)) else 0
    if dim not in (1, 2):
        raise ValueError(f"{fn}: X_shape must have 3 (1D) or 4 (2D) entries, got {X_shape!r}. "
                         + v.LAYOUT_2D)
    layout = v.LAYOUT_2D if dim == 2 else v.LAYOUT_1D
    if isinstance(W_shape, (tuple, list)) and len(W_shape) in (3, 4) and len(W_shape) != len(X_shape):
        raise ValueError(f"{fn}: X_shape has {len(X_shape)} entries ({dim}D) but W_shape has "
                         f"{len(W_shape)} ({len(W_shape) - 2}D); give both in 1D "
                         f"((n_ex, l_in, in_ch) and (fw, in_ch, out_ch)) or both in 2D. "
                         + v.LAYOUT_2D)
    Xs = v.check_shape(fn, "X_shape", X_shape, dim + 2, layout, batch_axis=0)
    Ws = v.check_shape(fn, "W_shape", W_shape, dim + 2, layout)
    v.check_channels(fn, Xs[-1], Ws[-2], dim, (Xs, Ws))
    s = v.check_pair(fn, "stride", stride, 1, dim)
    d = v.check_pair(fn, "dilation", dilation, 0, dim)
    pads = _resolve_axis_pads(fn, pad, dim, Xs[1:-1], Ws[:dim], s, d)
    return (Xs[0],) + out_sizes(fn, Xs[1:-1], Ws[:dim], s, d, pads) + (Ws[-1],)
