"""What every view draws: the library's arrays, where their cells go, and which cells link.

One function per view, ``drawing(view_name, **params) -> Drawing``, pure (no widgets): it
computes every array with the library (a rejected combination raises the library's own
error before anything else), the panels (values, cell positions, captions, labels,
hatched padding) and the :class:`~conv_teach.views.maps.LinkTable` built from the
provenance maps of :mod:`conv_teach.views.maps`.

The data are small integers from fixed seeds (as in the lessons' static figures), so that
the numbers in the cells can be checked by hand.
"""
from dataclasses import dataclass, field

import numpy as np

from ..backward import conv2D_backward
from ..conv import conv1D, conv2D
from ..im2col import col2im, im2col
from ..pad import pad1D, pad2D
from ..shapes import effective_kernel
from ..transpose import conv2D_transpose, transpose_geometry
from .layout import grid
from .maps import (Links, W_col_of, cell_ids, col_source, dilated, dilated_source, pad_source,
                   transpose_sources, z_col_layout)
from .readout import memory_line, out_len_line

__all__ = ["Drawing", "drawing", "example_data", "ROLES"]

#: the role of every panel name: it picks the colour, the words and the kind of links
ROLES = {"X": "input", "X_pad": "input", "dX": "input", "counts": "input",
         "X_col": "col", "dX_col": "col",
         "Z": "output", "Z_col": "output", "dZ": "output",
         "W": "kernel", "W_col": "kernel", "W_dil": "kernel"}


#: the product W_col @ X_col = Z_col, drawn either way (the front end takes the one that gives
#: the larger cells): X_col above Z_col, W_col to the left of Z_col (each W_col row beside the Z_col
#: row it makes, each X_col column above the Z_col column it makes: a tall picture for a notebook),
#: or the three in one row (W_col's and Z_col's rows side by side: a flat one for a projector)
GEMM_TABLE = {"either": [[[None, "X_col"], ["W_col", "Z_col"]], {"block": [["W_col", "X_col", "Z_col"]]}]}


def example_data(shape, seed, low, high):
    """Integers in ``[low, high)`` as floats, the same for the same shape and seed."""
    return np.random.default_rng(seed).integers(low, high, size=shape).astype(float)


@dataclass
class Drawing:
    """Everything one view draws for one set of parameters.

    Attributes
    ----------
    arrays : dict of str -> ndarray
        Under the library's names, in drawing order: exactly what is drawn.
    panels : list of dict
        One JSON-able spec per array (see :func:`panel`).
    tables : list
        The arrangement: tables in reading order, each a grid of panel names (a list of rows;
        one row flows, several rows are a rigid block), ``{"block": grid}`` (rigid, one row
        too) or ``{"either": [table, ...]}`` (ways to arrange the same panels; the front end
        takes the one that gives the larger cells). ``"X_col@t"`` names panel ``X_col`` in its
        form ``"t"`` (see :func:`panel`).
    links : LinkTable
    readout : list of str
        Output shape and the formulas with the numbers put in.
    labels : dict of str -> (row labels, column labels)
        Of the column matrices (``X_col``...), for the words of the selection.
    inputs : dict of str -> ndarray
        The arrays the view computes from (``X``, ``W``, ``dZ``), whether drawn or not: what
        the view's PyTorch and Keras code reads (im2col_view draws ``X_pad``, not ``X``).
    """
    view: str
    arrays: dict
    panels: list
    tables: list
    links: object
    readout: list
    labels: dict = field(default_factory=dict)
    inputs: dict = field(default_factory=dict)
    pad_cells: dict = field(default_factory=dict)
    #: cells marked "picked" with a cell (pool_view: the maximum a window picks), or None
    picks: object = None
    #: (selected panel, lit panel) -> verb of the sentence, overriding the roles' verbs
    verbs: dict = field(default_factory=dict)
    #: flat indices of cells that hold no weight (groups_view: W_col outside the blocks)
    empty_cells: dict = field(default_factory=dict)


#: how a value that is no finite number travels to the front end (JSON has no -inf)
SPECIAL = {-np.inf: "-inf", np.inf: "inf"}


def panel(name, array, kind, pad=None, rowlabels=None, collabels=None, window=None, empty=None,
          forms=None):
    """The front end's spec of one panel (JSON-able).

    ``pad``: flat indices of padding cells (hatched); ``rowlabels``/``collabels``: one text
    per row/column of a matrix; ``window``: the name of the group of panels that are cut to a
    window of columns together when too wide (``None``: always drawn whole); ``empty``: flat
    indices of cells drawn empty (grey, no number: a zero that is no weight). Values that are
    not finite (max pooling's ``-inf`` padding) are sent as ``None`` and listed in
    ``special`` as ``[flat index, '-inf' | 'inf' | 'nan']``.

    ``forms``: other ways to draw the same cells, ``{form: dict(kind=..., rowlabels=...,
    collabels=..., window=...)}``; a table names one as ``"X_col@t"``. A ``matrix_t`` form is
    titled ``X_col.T (cols, rows)``: what is drawn is the transpose.
    """
    gx, gy, captions = grid(kind, array.shape)
    flat = np.asarray(array, dtype=float).ravel()
    finite = np.isfinite(flat)
    vmax = float(np.abs(flat[finite]).max()) if finite.any() else 0.0
    values = flat.tolist()
    special = []
    for k in np.nonzero(~finite)[0].tolist():
        special.append([k, SPECIAL.get(flat[k], "nan")])
        values[k] = None
    spec = dict(name=name, title=f"{name} {tuple(array.shape)}", shape=list(array.shape),
                role=ROLES[name], signed=bool((flat[finite] < 0).any()), vmax=vmax or 1.0,
                values=values, special=special, empty=[] if empty is None else [int(i) for i in empty],
                gx=gx.tolist(), gy=gy.tolist(),
                captions=captions, pad=[] if pad is None else [int(i) for i in pad],
                rowlabels=[[t, float(y)] for t, y in zip(rowlabels or [], range(len(rowlabels or [])))],
                collabels=[[t, float(x)] for t, x in zip(collabels or [], range(len(collabels or [])))],
                window=window)
    if forms:
        spec["forms"] = {f: _form(name, array, **kw) for f, kw in forms.items()}
    return spec


def _labels(labels):
    return [[t, float(i)] for i, t in enumerate(labels or [])]


def _form(name, array, kind, rowlabels=None, collabels=None, window=None, per_line=None):
    """The geometry of one more form of a panel (see :func:`panel`)."""
    gx, gy, captions = grid(kind, array.shape, per_line)
    shape = tuple(array.shape)
    title = f"{name}.T {shape[::-1]}" if kind == "matrix_t" else f"{name} {shape}"
    return dict(gx=gx.tolist(), gy=gy.tolist(), captions=captions, rowlabels=_labels(rowlabels),
                collabels=_labels(collabels), window=window, title=title)


def _inverse(forward, size):
    """``forward`` maps cells of A to cells of B (or -1); return B -> A (or -1)."""
    forward = np.asarray(forward).ravel()
    inv = np.full(size, -1, np.int64)
    ok = forward >= 0
    inv[forward[ok]] = np.nonzero(ok)[0]
    return inv


class _Twins:
    """Panels that show the same numbers (X and the inside of X_pad; Z and Z_col; W, W_col and
    the taps of W_dil) light each other and share every link of their canonical panel."""

    def __init__(self, links, names, twins, sizes):
        self.links, self.names, self.twins, self.sizes = links, names, twins, sizes
        for canon, members in twins.items():
            full = np.arange(sizes[canon])
            self.add(canon, full, canon, full)

    def members(self, canon):
        """``[(drawn name, canonical cell -> cell map or None for the panel itself), ...]``."""
        return [(self.names.get(canon, canon), None)] + [
            (self.names.get(t, t), m) for t, m in self.twins.get(canon, [])]

    def add(self, a_canon, a, b_canon, b):
        for a_name, a_map in self.members(a_canon):
            for b_name, b_map in self.members(b_canon):
                self.links.add(a_name, a if a_map is None else a_map[a],
                               b_name, b if b_map is None else b_map[b])


def conv_links(links, col_src, zcol, wcol, twins, sizes, names=None, reads=None):
    """The links of a convolution computed through im2col (2D, or 1D as one row).

    For every ``X_col`` entry ``e = (k, col)``, copying ``X_pad`` cell ``col_src[e]`` and feeding
    the outputs ``zcol[:, col]`` through the taps ``wcol[:, k]``:

    - an entry and the pixel it copies light each other;
    - an entry lights the outputs it feeds and the taps it is multiplied by;
    - a pixel lights every output that reads it (through every entry that copies it);
    - an output lights its column of entries, the pixels they copy and its kernel's taps;
    - a tap lights its row of entries.

    ``names`` renames canonical panels (``X_col -> dX_col``...), ``twins`` lists the panels
    showing the same numbers (see :class:`_Twins`). ``reads`` (bool, ``(out_ch, in_ch*fr*fc)``,
    default all): which ``X_col`` rows output channel ``o`` reads at all (a grouped convolution's
    block diagonal); the links between outputs and entries keep only those.
    """
    tw = _Twins(links, names or {}, twins, sizes)
    K, ncol = col_src.shape
    e = np.arange(K * ncol)
    k, col, pix = e // ncol, e % ncol, col_src.ravel()
    tw.add("X_col", e, "X_pad", pix)
    tw.add("X_pad", pix, "X_col", e)
    for o in range(zcol.shape[0]):
        sel = slice(None) if reads is None else reads[o, k]
        eo, po, ko, co = e[sel], pix[sel], k[sel], col[sel]
        z, w = zcol[o, co], wcol[o, ko]
        tw.add("X_col", eo, "Z", z)
        tw.add("X_pad", po, "Z", z)
        tw.add("Z", z, "X_col", eo)
        tw.add("Z", z, "X_pad", po)
        tw.add("Z", z, "W", w)
        tw.add("X_col", eo, "W", w)
        tw.add("W", w, "X_col", eo)
    return links.table()


def _row_labels(wcol_ids, W_shape, one_d):
    """``c0 (0,1)`` (2D) or ``c0 k1`` (1D) for every X_col row, read off W_col's layout."""
    labels = []
    for w in wcol_ids[0]:
        ki, kj, c, _ = np.unravel_index(int(w), W_shape)
        labels.append(f"c{c} k{kj}" if one_d else f"c{c} ({ki},{kj})")
    return labels


def _col_labels(zcol_ids, Z_shape, one_d):
    """``(i,j) n1`` (2D) or ``t3`` (1D) for every X_col column, read off Z_col's layout."""
    labels = []
    for z in zcol_ids[0]:
        n, i, j, _ = np.unravel_index(int(z), Z_shape)
        labels.append(f"t{j}" if one_d else f"({i},{j}) n{n}")
    return labels


def _out_lines(p, pads, eff_kernel=("fr", "fc")):
    t, b, l, r = pads
    return [out_len_line("out_rows", p["in_rows"], t, b, p[eff_kernel[0]], p["stride"], p["dilation"]),
            out_len_line("out_cols", p["in_cols"], l, r, p[eff_kernel[1]], p["stride"], p["dilation"])]


def _conv2d(p, in_ch=1, n_ex=1, out_ch=1, X=None, W=None):
    """Arrays and maps of one 2D convolution with the parameters ``p``; ``X``, ``W``: the
    user's arrays (of the controls' shapes) instead of the example numbers."""
    fr, fc, s, pad, d = p["fr"], p["fc"], p["stride"], p["pad"], p["dilation"]
    if X is None:
        X = example_data((n_ex, p["in_rows"], p["in_cols"], in_ch), 0, 0, 10)
    if W is None:
        W = example_data((fr, fc, in_ch, out_ch), 1, -1, 3)
    Z = conv2D(X, W, s, pad, d)                    # first: its error names conv2D
    X_pad, pads = pad2D(X, pad, (fr, fc), s, d)
    X_col, _ = im2col(X, W.shape, pad, s, d)
    W_col = W_col_of(W)
    m = dict(pad_src=pad_source(X.shape, pad, (fr, fc), s, d)[0],
             col_src=col_source(X_pad.shape, W.shape, s, d),
             zcol=z_col_layout(cell_ids(Z.shape)), wcol=W_col_of(cell_ids(W.shape)))
    return dict(X=X, W=W, Z=Z, X_pad=X_pad, X_col=X_col, W_col=W_col, Z_col=W_col @ X_col,
                pads=pads), m


def _conv_twins(a, m, extra_X=("X",)):
    twins = {"X_pad": [(name, m["pad_src"].ravel()) for name in extra_X],
             "Z": [("Z_col", _inverse(m["zcol"], a["Z"].size))],
             "W": [("W_col", _inverse(m["wcol"], a["W"].size))]}
    sizes = {"X_pad": a["X_pad"].size, "Z": a["Z"].size, "W": a["W"].size}
    return twins, sizes


def _pad_cells(m):
    """Flat indices of the padding cells of X_pad and of the X_col entries that copy them."""
    pad_src = m["pad_src"].ravel()
    return np.nonzero(pad_src < 0)[0], np.nonzero(pad_src[m["col_src"].ravel()] < 0)[0]


def _matrix_labels(m, a, one_d=False):
    return (_row_labels(m["wcol"], a["W"].shape, one_d), _col_labels(m["zcol"], a["Z"].shape, one_d))


def padding_drawing(in_rows, in_cols, fr, fc, stride, pad, X=None, W=None):
    p = dict(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad, dilation=0)
    a, m = _conv2d(p, X=X, W=W)
    twins, sizes = _conv_twins(a, m)
    arrays = {k: a[k] for k in ("X", "X_pad", "W", "Z")}
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes)
    pad_cells, _ = _pad_cells(m)
    panels = [panel("X", a["X"], "nhwc"), panel("X_pad", a["X_pad"], "nhwc", pad=pad_cells),
              panel("W", a["W"], "kernel"), panel("Z", a["Z"], "nhwo")]
    readout = [f"Z shape: {a['Z'].shape}; pad resolved to (top, bottom, left, right) = {a['pads']}"]
    readout += _out_lines(p, a["pads"])
    return Drawing("padding_view", arrays, panels, [[["X", "X_pad", "W", "Z"]]], links, readout,
                   pad_cells={"X_pad": set(pad_cells.tolist())},
                   inputs={"X": a["X"], "W": a["W"]})


def dilation_drawing(in_rows, in_cols, fr, fc, stride, dilation, pad, X=None, W=None):
    p = dict(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad,
             dilation=dilation)
    a, m = _conv2d(p, X=X, W=W)
    W_dil = dilated(a["W"], dilation)
    twins, sizes = _conv_twins(a, m)
    twins["W"].append(("W_dil", _inverse(dilated_source(a["W"].shape, dilation), a["W"].size)))
    arrays = {"X_pad": a["X_pad"], "W": a["W"], "W_dil": W_dil, "Z": a["Z"]}
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes)
    pad_cells, _ = _pad_cells(m)
    gaps = np.nonzero(dilated_source(a["W"].shape, dilation).ravel() < 0)[0]
    panels = [panel("X_pad", a["X_pad"], "nhwc", pad=pad_cells), panel("W", a["W"], "kernel"),
              panel("W_dil", W_dil, "kernel", pad=gaps), panel("Z", a["Z"], "nhwo")]
    er, ec = effective_kernel(fr, dilation), effective_kernel(fc, dilation)
    readout = [f"Z shape: {a['Z'].shape}"] + _out_lines(p, a["pads"])
    readout.append(f"eff = k + (k - 1)*dilation = {er} x {ec}")
    return Drawing("dilation_view", arrays, panels, [[["X_pad", "W", "W_dil", "Z"]]], links,
                   readout, pad_cells={"X_pad": set(pad_cells.tolist()), "W_dil": set(gaps.tolist())},
                   inputs={"X": a["X"], "W": a["W"]})


def im2col_drawing(in_rows, in_cols, in_ch, n_ex, fr, fc, stride, pad, dilation, X=None, W=None):
    p = dict(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad,
             dilation=dilation)
    a, m = _conv2d(p, in_ch=in_ch, n_ex=n_ex, X=X, W=W)
    twins, sizes = _conv_twins(a, m)
    arrays = {"X_pad": a["X_pad"], "W": a["W"], "Z": a["Z"], "X_col": a["X_col"]}
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes)
    pad_cells, col_pad = _pad_cells(m)
    rows, cols = _matrix_labels(m, a)
    panels = [panel("X_pad", a["X_pad"], "nhwc", pad=pad_cells), panel("W", a["W"], "kernel"),
              panel("Z", a["Z"], "nhwo"),
              panel("X_col", a["X_col"], "matrix", pad=col_pad, rowlabels=rows, collabels=cols,
                    window="col")]
    readout = [f"X_col shape: {a['X_col'].shape} = (in_ch*fr*fc, out_rows*out_cols*n_ex); "
               f"Z = conv2D(X, W) shape: {a['Z'].shape}"] + _out_lines(p, a["pads"])
    readout.append(memory_line(a["X"].shape, a["X_col"].shape))
    return Drawing("im2col_view", arrays, panels, [[["X_pad", "W", "Z"]], [["X_col"]]], links,
                   readout, labels={"X_col": (rows, cols)},
                   pad_cells={"X_pad": set(pad_cells.tolist()), "X_col": set(col_pad.tolist())},
                   inputs={"X": a["X"], "W": a["W"]})


def gemm_drawing(in_rows, in_cols, in_ch, n_ex, out_ch, fr, fc, stride, pad, dilation, X=None,
                 W=None):
    p = dict(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad,
             dilation=dilation)
    a, m = _conv2d(p, in_ch=in_ch, n_ex=n_ex, out_ch=out_ch, X=X, W=W)
    twins, sizes = _conv_twins(a, m)
    names = ("X_pad", "W", "Z", "X_col", "W_col", "Z_col")
    arrays = {k: a[k] for k in names}
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes)
    pad_cells, col_pad = _pad_cells(m)
    rows, cols = _matrix_labels(m, a)
    panels = [panel("X_pad", a["X_pad"], "nhwc", pad=pad_cells), panel("W", a["W"], "kernel"),
              panel("Z", a["Z"], "nhwo"),
              panel("X_col", a["X_col"], "matrix", pad=col_pad, rowlabels=rows, collabels=cols,
                    window="col"),
              panel("W_col", a["W_col"], "matrix", rowlabels=[f"o{o}" for o in range(out_ch)],
                    collabels=rows),
              panel("Z_col", a["Z_col"], "matrix", rowlabels=[f"o{o}" for o in range(out_ch)],
                    window="col")]
    readout = [f"W_col {a['W_col'].shape} @ X_col {a['X_col'].shape} = Z_col {a['Z_col'].shape} "
               f"-> Z {a['Z'].shape}"] + _out_lines(p, a["pads"])
    readout.append(memory_line(a["X"].shape, a["X_col"].shape))
    return Drawing("gemm_view", arrays, panels, [[["X_pad", "W", "Z"]], GEMM_TABLE], links, readout,
                   labels={"X_col": (rows, cols)},
                   pad_cells={"X_pad": set(pad_cells.tolist()), "X_col": set(col_pad.tolist())},
                   inputs={"X": a["X"], "W": a["W"]})


def conv1d_drawing(l_in, fw, in_ch, stride, pad, dilation, X=None, W=None):
    X = example_data((1, l_in, in_ch), 0, 0, 10) if X is None else X
    W = example_data((fw, in_ch, 1), 1, -1, 3) if W is None else W
    Z = conv1D(X, W, stride, pad, dilation)           # first: its error names conv1D
    X_pad, pads = pad1D(X, pad, fw, stride, dilation)
    # conv1D is conv2D on one row: the library's im2col of the one-row image
    X_col, _ = im2col(X[:, None], W[None].shape, (0, 0) + pads, (1, stride), (0, dilation))
    W_col = W_col_of(W[None])
    pad_src, _ = pad_source(X.shape, pad, fw, stride, dilation, one_d=True)
    m = dict(pad_src=pad_src, col_src=col_source(X_pad[:, None].shape, W[None].shape,
                                                 (1, stride), (0, dilation)),
             zcol=z_col_layout(cell_ids(Z[:, None].shape)), wcol=W_col_of(cell_ids(W[None].shape)))
    # one-row 2D cells and 1D cells have the same flat numbers (the row axis has length 1)
    a = dict(X=X, W=W, Z=Z, X_pad=X_pad, X_col=X_col, W_col=W_col)
    twins = {"X_pad": [("X", pad_src.ravel())], "Z": [("Z_col", _inverse(m["zcol"], Z.size))],
             "W": [("W_col", _inverse(m["wcol"], W.size))]}
    sizes = {"X_pad": X_pad.size, "Z": Z.size, "W": W.size}
    arrays = {"X_pad": X_pad, "W": W, "Z": Z, "X_col": X_col}
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes)
    pad_cells, col_pad = _pad_cells(m)
    rows = _row_labels(m["wcol"], W[None].shape, True)
    cols = _col_labels(m["zcol"], Z[:, None].shape, True)
    panels = [panel("X_pad", X_pad, "seq", pad=pad_cells), panel("W", W, "kernel1d"),
              panel("Z", Z, "seq"),
              panel("X_col", X_col, "matrix", pad=col_pad, rowlabels=rows, collabels=cols,
                    window="col")]
    readout = [f"Z shape: {Z.shape}; pad resolved to (left, right) = {pads}",
               out_len_line("l_out", l_in, pads[0], pads[1], fw, stride, dilation),
               memory_line(X.shape, X_col.shape)]
    return Drawing("conv1d_view", arrays, panels, [[["X_pad", "W", "Z"]], [["X_col"]]], links,
                   readout, labels={"X_col": (rows, cols)},
                   pad_cells={"X_pad": set(pad_cells.tolist()), "X_col": set(col_pad.tolist())},
                   inputs={"X": a["X"], "W": a["W"]})


def col2im_drawing(in_rows, in_cols, fr, fc, stride, pad, dilation, dZ=None, W=None):
    p = dict(in_rows=in_rows, in_cols=in_cols, fr=fr, fc=fc, stride=stride, pad=pad,
             dilation=dilation)
    a, m = _conv2d(p, W=W)
    X, W = a["X"], a["W"]
    counts = col2im(np.ones_like(a["X_col"]), X.shape, W.shape, pad, stride, dilation)
    if dZ is None:
        dZ = example_data(a["Z"].shape, 2, -2, 3)
    else:                         # the user's gradient must fit the output of these settings
        conv2D_backward(dZ, X, W, stride, pad, dilation)     # the library's own check and words
    dX_col = a["W_col"].T @ z_col_layout(dZ)
    dX = col2im(dX_col, X.shape, W.shape, pad, stride, dilation)
    arrays = {"dZ": dZ, "W_col": a["W_col"], "dX_col": dX_col, "dX": dX, "counts": counts}
    twins, sizes = _conv_twins(a, m, extra_X=("dX", "counts"))
    twins["Z"] = []                                   # dZ_col is not drawn
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes, names={"X_col": "dX_col", "Z": "dZ"})
    _, col_pad = _pad_cells(m)
    rows, cols = _matrix_labels(m, a)
    panels = [panel("dZ", dZ, "nhwo"),
              panel("W_col", a["W_col"], "matrix", rowlabels=["o0"], collabels=rows),
              panel("dX_col", dX_col, "matrix", pad=col_pad, rowlabels=rows, collabels=cols,
                    window="col"),
              panel("dX", dX, "nhwc"), panel("counts", counts, "nhwc")]
    readout = [f"dX_col = W_col.T @ dZ_col {dX_col.shape}; dX = col2im(dX_col) {dX.shape}"]
    readout += _out_lines(p, a["pads"])
    readout.append(f"most windows on one pixel: {int(counts.max())} (counts = col2im of ones)")
    return Drawing("col2im_view", arrays, panels, [[["dZ", "W_col"]], [["dX_col"]], [["dX", "counts"]]],
                   links, readout, labels={"dX_col": (rows, cols)},
                   pad_cells={"dX_col": set(col_pad.tolist())}, verbs=COUNTS_VERBS,
                   inputs={"X": X, "W": W, "dZ": dZ})


#: col2im_view: counts is col2im of ones (how many windows read a pixel), not a gradient
COUNTS_VERBS = {("dZ", "counts"): "has its window on", ("counts", "dZ"): "counts the windows of",
                ("counts", "dX_col"): "counts", ("dX_col", "counts"): "is counted in"}


def transpose_drawing(in_rows, in_cols, fr, fc, stride, pad, dilation, output_padding, X=None,
                      W=None):
    X = example_data((1, in_rows, in_cols, 1), 0, 0, 10) if X is None else X
    W = example_data((fr, fc, 1, 1), 1, -1, 3) if W is None else W
    Z = conv2D_transpose(X, W, stride, pad, dilation, output_padding)
    g, op, _ = transpose_geometry("conv2D_transpose", (in_rows, in_cols), (fr, fc), stride, pad,
                                     dilation, output_padding)
    src = transpose_sources(X.shape, (fr, fc), stride, pad, dilation, output_padding)
    arrays = {"X": X, "W": W, "Z": Z}
    links = Links({k: v.shape for k, v in arrays.items()})
    for ki in range(fr):
        for kj in range(fc):
            x = src[ki, kj].ravel()                   # Z cell (n, r, q) <- X cell x (channel 0)
            z = np.arange(x.size)                     # out_ch = 1: Z flat == (n, r, q)
            w = np.full(x.size, int(np.ravel_multi_index((ki, kj, 0, 0), W.shape)))
            links.add("X", x, "Z", z, both=True)
            links.add("Z", z, "W", np.where(x >= 0, w, -1), both=True)
            links.add("W", np.where(x >= 0, w, -1), "X", x)
    panels = [panel("X", X, "nhwc"), panel("W", W, "kernel"), panel("Z", Z, "nhwo")]
    t, b, l, r = g.pad
    er, ec = (effective_kernel(k, dd) for k, dd in zip((fr, fc), g.dilation))
    readout = [f"Z shape: {Z.shape}; pad resolved to (top, bottom, left, right) = {g.pad}",
               f"out_rows = (in_rows - 1)*stride + eff - top - bottom + output_padding = "
               f"({in_rows} - 1)*{g.stride[0]} + {er} - {t} - {b} + {op[0]} = {Z.shape[1]}",
               f"out_cols = ({in_cols} - 1)*{g.stride[1]} + {ec} - {l} - {r} + {op[1]} = {Z.shape[2]}"]
    return Drawing("transpose_view", arrays, panels, [[["X", "W", "Z"]]], links.table(), readout,
                   inputs={"X": X, "W": W})


DRAWINGS = {"padding_view": padding_drawing, "dilation_view": dilation_drawing,
            "im2col_view": im2col_drawing, "gemm_view": gemm_drawing,
            "conv1d_view": conv1d_drawing, "col2im_view": col2im_drawing,
            "transpose_view": transpose_drawing}


def drawing(view, **params):
    """The :class:`Drawing` of ``view`` (a builder name) for the control values ``params``
    (and the user's arrays ``X=``, ``W=``, ``dZ=`` where given)."""
    if view == "pool_view":
        from .drawings_pool import pool_drawing
        return pool_drawing(**params)
    if view == "groups_view":
        from .drawings_groups import groups_drawing
        return groups_drawing(**params)
    return DRAWINGS[view](**params)
