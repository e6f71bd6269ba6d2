"""groups_view's drawing: a grouped (or depthwise) convolution as one matrix product.

Arrays (in drawing order): ``X_pad``, ``W`` ``(fr, fc, in_ch // groups, out_ch)``, ``Z`` =
``conv2D(X, W, ..., groups=groups)``, ``X_col`` = ``im2col`` of ``X``, and ``W_col``
``(out_ch, in_ch*fr*fc)``: the GEMM rows of :func:`conv_teach.block_diagonal` ``(W, groups)``,
which is zero outside the groups' blocks. Either ``W_col`` is drawn transposed beside ``X_col``
or ``X_col`` transposed under ``W_col`` (forms ``"t"``; the front end takes the one that gives the
larger cells), each weight in line with the ``X_col`` entries it multiplies; ``W_col``'s zeros
outside the blocks are drawn empty.

Maps from the library: ``block_diagonal`` of the cell numbers of ``W`` (+ 1; 0 outside the
blocks) says which ``W`` tap every ``W_col`` entry is, and so which ``X_col`` rows each output
channel reads at all; the rest are the maps of the other convolution views
(:func:`conv_teach.views.maps.pad_source`, :func:`~conv_teach.views.maps.col_source`).
"""
import numpy as np

from ..formulas import grouped_cost_lines
from ..im2col import im2col
from ..pad import pad2D
from .drawings import (Drawing, _col_labels, _conv_twins, _out_lines, _pad_cells, _row_labels,
                       conv_links, example_data, panel)
from .maps import Links, W_col_of, cell_ids, col_source, pad_source, z_col_layout
from .readout import memory_line

__all__ = ["groups_drawing"]


def _library():
    """conv2D with ``groups=`` and block_diagonal (the ``groups`` branch of issue 13)."""
    import conv_teach
    return conv_teach.conv2D, conv_teach.block_diagonal


def groups_drawing(in_rows, in_cols, in_ch, out_ch, groups, fr, fc, stride, pad, dilation, X=None,
                   W=None):
    conv2D, block_diagonal = _library()
    if X is None:
        X = example_data((1, in_rows, in_cols, in_ch), 0, 0, 10)
    if W is None:
        W = example_data((fr, fc, max(1, in_ch // groups), out_ch), 1, -1, 3)
    Z = conv2D(X, W, stride, pad, dilation, groups=groups)   # first: its error names conv2D
    W_full = block_diagonal(W, groups)                      # (fr, fc, in_ch, out_ch)
    X_pad, pads = pad2D(X, pad, (fr, fc), stride, dilation)
    X_col, _ = im2col(X, W_full.shape, pad, stride, dilation)
    W_col = W_col_of(W_full)
    # which W tap each entry of the dense kernel is (-1: outside the groups' blocks)
    tap_of = np.rint(block_diagonal(cell_ids(W.shape, 1).astype(float), groups)).astype(np.int64) - 1
    m = dict(pad_src=pad_source(X.shape, pad, (fr, fc), stride, dilation)[0],
             col_src=col_source(X_pad.shape, W_full.shape, stride, dilation),
             zcol=z_col_layout(cell_ids(Z.shape)), wcol=W_col_of(tap_of))
    a = dict(X=X, W=W, Z=Z, X_pad=X_pad)
    twins, sizes = _conv_twins(a, m)
    del twins["Z"]                                          # Z_col is not drawn
    arrays = {"X_pad": X_pad, "W": W, "Z": Z, "W_col": W_col, "X_col": X_col}   # = panel order
    reads = m["wcol"] >= 0
    links = conv_links(Links({k: v.shape for k, v in arrays.items()}), m["col_src"], m["zcol"],
                       m["wcol"], twins, sizes, reads=reads)
    pad_cells, col_pad = _pad_cells(m)
    rows = _row_labels(W_col_of(cell_ids(W_full.shape)), W_full.shape, False)   # the dense rows
    cols = _col_labels(m["zcol"], Z.shape, False)
    empty = np.nonzero(~reads.ravel())[0]
    o_labels = [f"o{o} g{o // (out_ch // groups)}" for o in range(out_ch)]
    # W_col and X_col are drawn so that what a product multiplies lines up: either W_col
    # transposed beside X_col (tall: a notebook) or W_col above X_col transposed (flat: a
    # projector), one tap per row or column, its labels once; the front end takes the one that
    # gives the larger cells. W's kernels go one per row, or one per column (wide form "w");
    # X_pad's channels in a row, or in a square ("sq").
    square = max(1, int(np.ceil(np.sqrt(in_ch))))     # X_pad's channels in a square of blocks
    panels = [panel("X_pad", X_pad, "nhwc", pad=pad_cells,
                    forms={"sq": dict(kind="nhwc", per_line=square)}),
              panel("W", W, "kernel", forms={"w": dict(kind="kernel_wide")}),
              panel("Z", Z, "nhwo"),
              panel("W_col", W_col, "matrix", rowlabels=o_labels, collabels=rows, empty=empty,
                    forms={"t": dict(kind="matrix_t", rowlabels=rows, collabels=o_labels)}),
              panel("X_col", X_col, "matrix", pad=col_pad, collabels=cols, window="col",
                    forms={"t": dict(kind="matrix_t", rowlabels=cols)})]
    out_rows, out_cols = Z.shape[1:3]
    readout = [f"Z = conv2D(X, W, groups={groups}) {Z.shape}: output channel o reads only the "
               f"{in_ch // groups} input channels of its group o // {out_ch // groups}; W_col "
               f"{W_col.shape} is block-diagonal; X_col {X_col.shape}"]
    readout += _out_lines(dict(in_rows=X.shape[1], in_cols=X.shape[2], fr=fr, fc=fc, stride=stride,
                               dilation=dilation), pads)
    # the memory line next to the sizes: short lines that share a row where the readout's lines
    # flow side by side (present mode)
    readout.append(memory_line(X.shape, X_col.shape))
    readout += grouped_cost_lines(in_ch, out_ch, groups, fr, fc, out_rows, out_cols)
    return Drawing("groups_view", arrays, panels,
                   [{"either": [[[x, w, "Z"]] for x in ("X_pad", "X_pad@sq") for w in ("W", "W@w")]},
                    {"either": [{"block": [["W_col@t", "X_col"]]}, [["W_col"], ["X_col@t"]]]}],
                   links, readout,
                   labels={"X_col": (rows, cols)},
                   pad_cells={"X_pad": set(pad_cells.tolist()), "X_col": set(col_pad.tolist())},
                   empty_cells={"W_col": set(empty.tolist())}, inputs={"X": X, "W": W})
