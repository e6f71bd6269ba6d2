"""Zero padding (pad1D, pad2D) and zero insertion (dilate).

The resolved 2D pad is always ``(top, bottom, left, right)`` and the resolved 1D pad
``(left, right)``; see :mod:`conv_teach.shapes` for how ``'same'``, ``'valid'`` and
``'causal'`` are turned into numbers.
"""
import numpy as np

from . import _validate as v
from .shapes import resolve_pad1D, resolve_pad2D
from .windows import check_size


def _limit(fn, max_bytes):
    return None if max_bytes is None else v.check_int(fn, "max_bytes", max_bytes, 1)

__all__ = ["pad1D", "pad2D", "dilate"]


def pad2D(X, pad, kernel_shape=None, stride=None, dilation=0, *, max_bytes=None):
    """Zero-pad the rows and columns of a batch of images.

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
        Input volume, not padded. Never modified.
    pad : int, 2-tuple, 4-tuple, 'same' or 'valid'
        ``p`` pads every side by ``p``; ``(rows, cols)`` pads top and bottom by ``rows``
        and left and right by ``cols``; ``(top, bottom, left, right)`` is used as given;
        ``'valid'`` adds nothing; ``'same'`` gives ``ceil(in / stride)`` outputs per axis
        (needs ``kernel_shape``).
    kernel_shape : (fr, fc), optional
        Kernel size, needed only for ``'same'``.
    stride : int or (rows, cols), optional
        Used only by ``'same'``; None means 1.
    dilation : int or (rows, cols), default 0
        Zeros between kernel taps, used only by ``'same'``.
    max_bytes : int, optional
        Refuse a result larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) before allocating it.

    Returns
    -------
    X_pad : ndarray of shape (n_ex, in_rows + top + bottom, in_cols + left + right, in_ch)
        A new array with the same dtype as ``X``.
    p : tuple of 4 ints
        The padding used, ``(top, bottom, left, right)``.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, for a bad ``X``, pad, stride, dilation or kernel size.
    ArrayTooLarge
        (a MemoryError, with the shape and size) if the result would exceed ``max_bytes``.

    Notes
    -----
    numpy-ml's pad2D falls through to an ``UnboundLocalError`` for ``'valid'``, lists,
    NumPy integers and floats, accepts ``True`` as 1, and pads ``'same'`` to ``out == in``
    even at stride > 1. Here every form is either handled or named in a clear error,
    and ``'same'`` follows TF/Keras (equal to torch's ``padding='same'`` at stride 1).

    Examples
    --------
    >>> X = np.ones((1, 2, 3, 1))
    >>> X_pad, p = pad2D(X, (1, 0, 2, 0))
    >>> X_pad.shape, p
    ((1, 3, 5, 1), (1, 0, 2, 0))
    >>> pad2D(X, 'same', kernel_shape=(2, 2))[1]
    (0, 1, 0, 1)
    """
    fn = "pad2D"
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_2D, batch_axis=0)
    s = v.check_pair(fn, "stride", 1 if stride is None else stride, 1, 2)
    d = v.check_pair(fn, "dilation", dilation, 0, 2)
    k = None
    if kernel_shape is not None:
        k = v.check_pair(fn, "kernel_shape", kernel_shape, 1, 2)
    p = resolve_pad2D(fn, pad, X.shape[1:3], k, s, d)
    n, rows, cols, ch = X.shape
    check_size(fn, "X_pad", (n, rows + p[0] + p[1], cols + p[2] + p[3], ch), X.dtype,
               _limit(fn, max_bytes))
    return np.pad(X, ((0, 0), p[:2], p[2:], (0, 0))), p


def pad1D(X, pad, kernel_width=None, stride=None, dilation=0, *, max_bytes=None):
    """Zero-pad a batch of sequences along their length.

    Parameters
    ----------
    X : ndarray of shape (n_ex, l_in, in_ch)
        Input volume, not padded. Never modified.
    pad : int, (left, right), 'same', 'valid' or 'causal'
        Note that a 2-tuple means ``(left, right)`` here but ``(rows, cols)`` in :func:`pad2D`
        (as in numpy-ml). ``'causal'`` puts all ``eff - 1`` zeros on the left.
    kernel_width : int, optional
        Needed only for ``'same'`` and ``'causal'``.
    stride : int, optional
        Used only by ``'same'``; None means 1.
    dilation : int, default 0
    max_bytes : int, optional
        Refuse a result larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) before allocating it.

    Returns
    -------
    X_pad : ndarray of shape (n_ex, l_in + left + right, in_ch)
    p : tuple of 2 ints
        ``(left, right)``.

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, for a bad ``X``, pad, stride, dilation or kernel size.
    ArrayTooLarge
        (a MemoryError, with the shape and size) if the result would exceed ``max_bytes``.

    Notes
    -----
    numpy-ml echoes back a 4-tuple given to pad1D while using only its first two entries;
    here a 4-tuple is an error. numpy-ml's ``'causal'`` at stride > 1 pads to ``out == in``;
    here it pads ``eff - 1`` on the left at every stride.

    Examples
    --------
    >>> pad1D(np.ones((1, 5, 1)), 'causal', kernel_width=3)[1]
    (2, 0)
    """
    fn = "pad1D"
    X = v.check_array(fn, "X", X, 3, v.LAYOUT_1D, batch_axis=0)
    s = v.check_int(fn, "stride", 1 if stride is None else stride, 1)
    d = v.check_int(fn, "dilation", dilation, 0)
    k = None if kernel_width is None else v.check_int(fn, "kernel_width", kernel_width, 1)
    p = resolve_pad1D(fn, pad, X.shape[1], k, s, d)
    n, length, ch = X.shape
    check_size(fn, "X_pad", (n, length + p[0] + p[1], ch), X.dtype, _limit(fn, max_bytes))
    return np.pad(X, ((0, 0), p, (0, 0))), p


def dilate(X, d, *, max_bytes=None):
    """Insert ``d`` zero rows between rows and ``d`` zero columns between columns.

    Parameters
    ----------
    X : ndarray of shape (n_ex, in_rows, in_cols, in_ch)
    d : int >= 0 or (rows, cols)
        ``d = 0`` returns a copy of ``X``.
    max_bytes : int, optional
        Refuse a result larger than this many bytes (default
        :data:`conv_teach.windows.MAX_BYTES`, 4 GiB) before allocating it.

    Returns
    -------
    ndarray of shape (n_ex, in_rows + d*(in_rows-1), in_cols + d*(in_cols-1), in_ch)

    Raises
    ------
    TypeError, ValueError
        Naming the parameter, for a bad ``X``, ``d``.
    ArrayTooLarge
        (a MemoryError, with the shape and size) if the result would exceed ``max_bytes``.

    Examples
    --------
    >>> dilate(np.arange(1, 5).reshape(1, 2, 2, 1), 1)[0, :, :, 0]
    array([[1, 0, 2],
           [0, 0, 0],
           [3, 0, 4]])
    """
    fn = "dilate"
    X = v.check_array(fn, "X", X, 4, v.LAYOUT_2D, batch_axis=0)
    dr, dc = v.check_pair(fn, "d", d, 0, 2)
    n, r, c, ch = X.shape
    shape = (n, r + dr * (r - 1), c + dc * (c - 1), ch)      # Python ints: no overflow
    check_size(fn, "the dilated array", shape, X.dtype, _limit(fn, max_bytes))
    out = np.zeros(shape, dtype=X.dtype)
    # one row (or column) has no gaps: its step is never used, whatever d is
    out[:, ::dr + 1 if r > 1 else 1, ::dc + 1 if c > 1 else 1] = X
    return out
