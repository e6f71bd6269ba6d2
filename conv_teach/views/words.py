"""The sentence that says in words what a selected cell is and what lights up with it.

For the ``aria-live`` region of the views (a screen reader reads it when the selection
changes) and for anyone reading the picture: "output (1, 0) of example 0 = 12 reads 9
cells of X_pad (3 of them padding), is computed from 9 entries of X_col, uses 9 taps of W."
"""
import numpy as np

from .drawings import ROLES

__all__ = ["sentence"]

#: (role of the selected cell, role of a lit panel) -> verb; per view family
VERBS = {
    ("output", "input"): "reads", ("output", "col"): "is computed from",
    ("output", "kernel"): "uses", ("output", "output"): "is the same number as",
    ("input", "col"): "is copied into", ("input", "output"): "is read by",
    ("input", "input"): "is the same pixel as", ("col", "input"): "copies",
    ("col", "output"): "feeds", ("col", "kernel"): "is multiplied by",
    ("kernel", "col"): "multiplies", ("kernel", "kernel"): "is the same tap as",
}
BACKWARD = {   # col2im_view: gradients flow from dZ back to dX
    ("output", "input"): "flows back to", ("output", "col"): "flows into",
    ("output", "kernel"): "is multiplied by", ("input", "col"): "is the sum of",
    ("input", "output"): "receives gradient from", ("input", "input"): "is the same pixel as",
    ("col", "input"): "is added into", ("col", "output"): "comes from",
    ("col", "kernel"): "is scaled by", ("kernel", "col"): "scales",
}
TRANSPOSE = {   # transpose_view: every input cell writes its weighted kernel
    ("input", "output"): "writes into", ("output", "input"): "receives from",
    ("output", "kernel"): "through", ("kernel", "output"): "carries into",
    ("kernel", "input"): "carries",
}

_NOUN = {"output": "cell", "input": "cell", "kernel": "tap"}


def _noun(panel, n):
    if panel.endswith("_col"):
        return "entry" if n == 1 else "entries"
    word = "cell" if panel in ("W_dil",) else _NOUN.get(ROLES[panel], "cell")
    return word if n == 1 else word + "s"


def _value(v):
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:.3g}"


def describe(d, panel, index):
    """What cell ``index`` of ``panel`` is, in words (no value)."""
    idx = tuple(index)
    shape = d.arrays[panel].shape
    role = ROLES[panel]
    if panel in d.labels:                            # a column matrix with labels
        rows, cols = d.labels[panel]
        return f"{panel} entry (row {idx[0]} '{rows[idx[0]]}', column {idx[1]} '{cols[idx[1]]}')"
    if len(shape) == 2:                              # W_col, Z_col
        return f"{panel} entry ({idx[0]}, {idx[1]})"
    if panel in ("W", "W_dil") and len(shape) == 4:
        ki, kj, c, o = idx
        what = "kernel tap" if panel == "W" else "dilated kernel cell"
        return f"{what} ({ki}, {kj}) of {panel}, channel {c}, kernel {o}"
    if panel == "W":                                 # 1D kernel (fw, in_ch, out_ch)
        return f"kernel tap {idx[0]} of W, channel {idx[1]}"
    if len(shape) == 3:                              # 1D (n, t, ch)
        n, t, ch = idx
        what = "output" if role == "output" else f"{panel} position"
        return f"{what} {t} of example {n}, channel {ch}"
    n, r, c, ch = idx
    if role == "output":
        head = "gradient" if panel == "dZ" else "output"
        return f"{head} ({r}, {c}) of example {n}" + (f", channel {ch}" if shape[3] > 1 else "")
    return f"{panel} pixel ({r}, {c}) of example {n}, channel {ch}"


def sentence(d, panel, index):
    """One sentence about cell ``index`` of ``panel`` in drawing ``d`` and everything it lights."""
    idx = tuple(int(i) for i in index)
    head = f"{describe(d, panel, idx)} = {_value(d.arrays[panel][idx])}"
    if int(np.ravel_multi_index(idx, d.arrays[panel].shape)) in d.pad_cells.get(panel, ()):
        head += " (a gap between taps)" if panel == "W_dil" else " (padding)"
    if int(np.ravel_multi_index(idx, d.arrays[panel].shape)) in d.empty_cells.get(panel, ()):
        head += (" (outside the groups' blocks: no weight, this output channel never reads that "
                 "input channel)")
    verbs = {"col2im_view": BACKWARD, "transpose_view": TRANSPOSE}.get(d.view, VERBS)
    parts = []
    linked = d.links.linked(panel, idx)
    for other, cells in linked.items():
        cells = [c for c in cells if not (other == panel and c == idx)]
        if not cells:
            continue
        verb = d.verbs.get((panel, other)) or verbs.get((ROLES[panel], ROLES[other]), "is linked to")
        part = f"{verb} {len(cells)} {_noun(other, len(cells))} of {other}"
        if d.pad_cells.get(other):
            shape = d.arrays[other].shape
            n_pad = sum(int(np.ravel_multi_index(c, shape)) in d.pad_cells[other] for c in cells)
            if n_pad:
                part += f" ({n_pad} of them {'gaps' if other == 'W_dil' else 'padding'})"
        parts.append(part)
    parts += _picks(d, panel, idx)
    if not parts:
        return head + "; nothing else reads or writes it."
    return head + " " + ", ".join(parts) + "."


def _picks(d, panel, idx):
    """pool_view (max): the maximum an output picks, or how many windows a pixel wins."""
    if d.picks is None:
        return []
    picked = d.picks.linked(panel, idx)
    if panel in ("Z", "dZ") and picked.get("X"):      # every window reads an input cell
        x = picked["X"][0]                             # (max pooling refuses the others)
        return [f"its maximum is X ({x[1]}, {x[2]}) = {_value(d.arrays['X'][x])}"]
    if panel in ("X", "X_pad") and picked.get("Z"):
        k = len(picked["Z"])
        return [f"it is the maximum of {k} window{'s' if k > 1 else ''}"]
    return []
