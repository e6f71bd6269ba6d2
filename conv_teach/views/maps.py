"""Provenance maps: which cell feeds which, computed by the library's own functions.

The trick (issue 9): run the library on arrays of *cell numbers* instead of values.
``im2col`` of an array whose cells hold their own flat index gives, for every ``X_col``
entry, the ``X_pad`` cell it copies; ``pad2D`` of cell numbers + 1 gives, for every
``X_pad`` cell, the ``X`` pixel it copies (0: padding); ``conv2D_transpose`` with a
one-hot kernel gives the input cell that writes each output cell through that tap. No
index arithmetic of convolution is written here: a link is the library's truth by
construction, and the tests check every map against loops over the definition.

Everything is pure NumPy (no widgets). The links of a view are stored as one sparse
table over *global* cell numbers (panels in order, each flattened in C order):
:class:`LinkTable`, exactly what the front end receives.
"""
import numpy as np

from ..im2col import im2col
from ..pad import dilate, pad1D, pad2D
from ..transpose import conv2D_transpose

__all__ = ["cell_ids", "pad_source", "col_source", "z_col_layout", "W_col_of", "dilated_source",
           "transpose_sources", "LinkTable", "Links"]


def cell_ids(shape, start=0):
    """An int64 array of ``shape`` whose cells hold their flat (C-order) index plus ``start``."""
    return np.arange(start, start + int(np.prod(shape)), dtype=np.int64).reshape(shape)


def pad_source(X_shape, pad, kernel_shape, stride, dilation, one_d=False):
    """For every ``X_pad`` cell, the flat ``X`` index it copies, or -1 for padding.

    Computed with :func:`conv_teach.pad2D` (or :func:`conv_teach.pad1D`) on cell numbers + 1.

    Returns
    -------
    src : int64 ndarray of X_pad's shape
    p : the resolved pad (4 ints in 2D, 2 in 1D)
    """
    ids = cell_ids(X_shape, 1)
    if one_d:
        padded, p = pad1D(ids, pad, kernel_shape, stride, dilation)
    else:
        padded, p = pad2D(ids, pad, kernel_shape, stride, dilation)
    return padded - 1, p


def col_source(X_pad_shape, W_shape, stride, dilation):
    """For every ``X_col`` entry, the flat ``X_pad`` index it copies.

    :func:`conv_teach.im2col` of an ``X_pad``-shaped array of cell numbers, with no further
    padding: ``im2col(X, pad=p) == im2col(X_pad, pad=0)``, both read the same windows.
    Shape ``(in_ch*fr*fc, out_rows*out_cols*n_ex)``.
    """
    X_col, _ = im2col(cell_ids(X_pad_shape), W_shape, 0, stride, dilation)
    return X_col


def z_col_layout(Z):
    """``Z`` (n, i, j, o) in the layout of ``Z_col = W_col @ X_col`` (o, (i*out_cols + j)*n_ex + n).

    Applied to cell numbers it maps every ``Z_col`` entry to its ``Z`` cell.
    """
    return Z.transpose(3, 1, 2, 0).reshape(Z.shape[3], -1)


def W_col_of(W):
    """Kernels ``(fr, fc, in_ch, out_ch)`` as GEMM rows ``(out_ch, in_ch*fr*fc)``, in
    :func:`conv_teach.im2col`'s row order (channel slowest, then taps row by row)."""
    return W.transpose(3, 2, 0, 1).reshape(W.shape[3], -1)


def dilated(W, dilation):
    """``W`` (fr, fc, in_ch, out_ch) with :func:`conv_teach.dilate`'s zeros between its taps,
    kept in the kernel layout."""
    return dilate(W.transpose(3, 0, 1, 2), dilation).transpose(1, 2, 3, 0)


def dilated_source(W_shape, dilation):
    """For every cell of the dilated kernel, the flat ``W`` index of its tap, or -1 for a gap."""
    return dilated(cell_ids(W_shape, 1), dilation) - 1


def transpose_sources(X_shape, kernel, stride, pad, dilation, output_padding):
    """Who writes where in :func:`conv_teach.conv2D_transpose`, tap by tap.

    Returns
    -------
    int64 ndarray of shape (fr, fc, n_ex, out_rows, out_cols)
        Entry ``[ki, kj, n, r, q]`` is the flat index ``(n, i, j)`` (channel 0) of the input
        cell whose weighted tap ``(ki, kj)`` lands on output cell ``(n, r, q)``, or -1 when no
        input cell writes there through that tap. Computed by ``conv2D_transpose`` of the cell
        numbers + 1 with a one-hot kernel (each tap maps distinct inputs to distinct outputs).
    """
    n, rows, cols = X_shape[:3]
    fr, fc = kernel
    ids = cell_ids((n, rows, cols, 1), 1).astype(float)
    out = []
    for ki in range(fr):
        for kj in range(fc):
            one_hot = np.zeros((fr, fc, 1, 1))
            one_hot[ki, kj] = 1.0
            Z = conv2D_transpose(ids, one_hot, stride, pad, dilation, output_padding)
            out.append(np.rint(Z[..., 0]).astype(np.int64) - 1)
    return np.stack(out).reshape((fr, fc) + out[0].shape)


class Links:
    """Collects "hovering cell a lights cell b" pairs between named panels; then a table.

    Parameters
    ----------
    shapes : dict of str -> tuple
        Every panel's shape, in drawing order; global cell number = panel offset + flat index.
    """

    def __init__(self, shapes):
        self.shapes = dict(shapes)
        self.offsets, total = {}, 0
        for name, shape in self.shapes.items():
            self.offsets[name] = total
            total += int(np.prod(shape))
        self.total = total
        self._a, self._b = [], []

    def add(self, a_panel, a, b_panel, b, both=False):
        """Cells ``a`` (flat indices in ``a_panel``) light cells ``b`` (same length, or
        broadcastable). Pairs where either side is -1 or a panel is not drawn are dropped."""
        if a_panel not in self.offsets or b_panel not in self.offsets:
            return
        a, b = np.broadcast_arrays(np.asarray(a, np.int64), np.asarray(b, np.int64))
        keep = (a >= 0) & (b >= 0)
        a, b = a[keep] + self.offsets[a_panel], b[keep] + self.offsets[b_panel]
        self._a.append(a.ravel())
        self._b.append(b.ravel())
        if both:
            self._a.append(b.ravel())
            self._b.append(a.ravel())

    def table(self, own=True):
        """The :class:`LinkTable` (with ``own``, every cell also lights itself)."""
        me = [np.arange(self.total, dtype=np.int64)] if own else []
        a = np.concatenate(self._a + me + [np.zeros(0, np.int64)])
        b = np.concatenate(self._b + me + [np.zeros(0, np.int64)])
        key = np.unique(a * self.total + b)
        a, b = key // self.total, key % self.total
        indptr = np.zeros(self.total + 1, np.int64)
        np.cumsum(np.bincount(a, minlength=self.total), out=indptr[1:])
        return LinkTable(self.shapes, self.offsets, indptr, b)


class LinkTable:
    """Compressed rows: ``indices[indptr[g]:indptr[g+1]]`` are the global cells lit with cell g.

    The front end receives ``indptr``/``indices`` as they are and follows them; ``linked``
    reads the same rows, so what the kernel says lights up is what the browser lights.
    """

    def __init__(self, shapes, offsets, indptr, indices):
        self.shapes, self.offsets = shapes, offsets
        self.indptr, self.indices = indptr, indices
        self._names = list(shapes)
        self._starts = np.array([offsets[n] for n in self._names])

    def global_id(self, panel, index):
        return self.offsets[panel] + int(np.ravel_multi_index(index, self.shapes[panel]))

    def locate(self, g):
        """Global cell number -> ``(panel, index tuple)``."""
        k = int(np.searchsorted(self._starts, g, side="right")) - 1
        name = self._names[k]
        return name, tuple(int(i) for i in np.unravel_index(g - self.offsets[name], self.shapes[name]))

    def linked(self, panel, index):
        """``{panel: sorted [index tuple, ...]}`` of every cell lit with ``(panel, index)``."""
        g = self.global_id(panel, index)
        out = {}
        for h in self.indices[self.indptr[g]:self.indptr[g + 1]]:
            name, idx = self.locate(int(h))
            out.setdefault(name, []).append(idx)
        return {k: sorted(v) for k, v in out.items()}
