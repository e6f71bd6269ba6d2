"""Parameter sets for the figure and app tests, and how to read a figure's artists back.

The parameters are the apps' own (the pad values are the dropdown's). ``fits_2D`` /
``fits_1D`` say, by arithmetic independent of the library's size code, whether the
dilated kernel fits in the padded input, and give the output size.
"""
import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

PADS_2D = [0, 1, 2, 3, "same", "valid", (1, 2), (2, 1), (1, 0, 2, 0), (0, 1, 0, 1)]
PADS_1D = [0, 1, 2, 3, (1, 2), (2, 0), "same", "valid", "causal"]


def resolved_pad_2D(pad, in_rows, in_cols, fr, fc, stride, dilation):
    """(top, bottom, left, right) written out from the README's conventions table."""
    if pad == "valid":
        return 0, 0, 0, 0
    if pad == "same":
        out = []
        for n, k in ((in_rows, fr), (in_cols, fc)):
            eff = k + (k - 1) * dilation
            total = max((-(-n // stride) - 1) * stride + eff - n, 0)
            out += [total // 2, total - total // 2]
        return tuple(out)
    if isinstance(pad, int):
        return (pad,) * 4
    if len(pad) == 2:
        return pad[0], pad[0], pad[1], pad[1]
    return tuple(pad)


def resolved_pad_1D(pad, l_in, fw, stride, dilation):
    eff = fw + (fw - 1) * dilation
    if pad == "causal":
        return eff - 1, 0
    if pad in ("same", "valid"):
        return resolved_pad_2D(pad, 1, l_in, 1, fw, stride, dilation)[2:]
    if isinstance(pad, int):
        return pad, pad
    return tuple(pad)


def out_len(n, before, after, k, stride, dilation):
    """Windows that fit, counted one by one (not the library's formula)."""
    count, start = 0, 0
    while start + (k - 1) * (dilation + 1) < n + before + after:
        count, start = count + 1, start + stride
    return count


def out_2D(p):
    t, b, l, r = resolved_pad_2D(p["pad"], p["in_rows"], p["in_cols"], p["fr"], p["fc"],
                                 p["stride"], p["dilation"])
    return (out_len(p["in_rows"], t, b, p["fr"], p["stride"], p["dilation"]),
            out_len(p["in_cols"], l, r, p["fc"], p["stride"], p["dilation"]))


def out_1D(p):
    left, right = resolved_pad_1D(p["pad"], p["l_in"], p["fw"], p["stride"], p["dilation"])
    return out_len(p["l_in"], left, right, p["fw"], p["stride"], p["dilation"])


@st.composite
def params_2D(draw, batch=False, max_size=7):
    """Valid 2D app parameters, with an output cell (and example) inside the output."""
    p = dict(in_rows=draw(st.integers(1, max_size)), in_cols=draw(st.integers(1, max_size)),
             fr=draw(st.integers(1, 4)), fc=draw(st.integers(1, 4)),
             stride=draw(st.integers(1, 3)), dilation=draw(st.integers(0, 2)),
             pad=draw(st.sampled_from(PADS_2D)))
    if batch:
        p.update(in_ch=draw(st.integers(1, 3)), n_ex=draw(st.integers(1, 3)),
                 out_ch=draw(st.integers(1, 3)))
    oh, ow = out_2D(p)
    assume(oh >= 1 and ow >= 1)
    p["out_row"] = draw(st.integers(0, oh - 1))
    p["out_col"] = draw(st.integers(0, ow - 1))
    if batch:
        p["example"] = draw(st.integers(0, p["n_ex"] - 1))
    return p


@st.composite
def params_1D(draw):
    p = dict(l_in=draw(st.integers(1, 12)), fw=draw(st.integers(1, 5)),
             in_ch=draw(st.integers(1, 3)), stride=draw(st.integers(1, 3)),
             dilation=draw(st.integers(0, 3)), pad=draw(st.sampled_from(PADS_1D)))
    l_out = out_1D(p)
    assume(l_out >= 1)
    p["out_pos"] = draw(st.integers(0, l_out - 1))
    return p


# ---- reading artists back -------------------------------------------------------------

def drawn(panel):
    """The array an image artist shows."""
    return np.asarray(panel.image.get_array())


def block(rect):
    """(row, col, height, width) of a Rectangle drawn over cells (corner at col-0.5, row-0.5)."""
    x, y = rect.get_xy()
    return (round(y + 0.5), round(x + 0.5), round(rect.get_height()), round(rect.get_width()))


def boxes(b):
    """Blocks of the visible rectangles of a Boxes, in order; checks they are really shown."""
    for p in b.patches:
        assert p.get_visible() and p.axes is not None
    hidden = [p for p in b._pool if p not in b.patches]
    assert all(not p.get_visible() for p in hidden)
    return [block(p) for p in b.patches]


def cells(b):
    out = []
    for r, c, h, w in boxes(b):
        assert (h, w) == (1, 1)
        out.append((r, c))
    return out


def hatched_cells(bands):
    """Every cell covered by a visible padding band."""
    covered = set()
    for p in bands.patches:
        if p.get_visible():
            r0, c0, h, w = block(p)
            covered |= {(r, c) for r in range(r0, r0 + h) for c in range(c0, c0 + w)}
    return covered
