"""conv_teach.views on the kernel side (no browser): what is drawn and linked is the library's truth.

Oracles are independent of the views' code: the loop references of :mod:`conv_teach.reference`
(``conv2D_loops``, ``im2col_loops``, ``col2im_loops``, ``receptive_field``, ...) and, for the
links, brute force over the definitions written here ("which windows read this pixel":
every output cell whose receptive field contains it).
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import conv_teach as ct
from conv_teach import reference as ref
from conv_teach.views import (col2im_view, conv1d_view, dilation_view, gemm_view, im2col_view,
                              padding_view, transpose_view)
from conv_teach.views.builders import DEFAULTS
from conv_teach.views.controls import PAD_OPTIONS_1D, PAD_OPTIONS_2D

BUILDERS = dict(padding_view=padding_view, dilation_view=dilation_view, im2col_view=im2col_view,
                gemm_view=gemm_view, conv1d_view=conv1d_view, col2im_view=col2im_view,
                transpose_view=transpose_view)
PADS_2D = [v for _, v in PAD_OPTIONS_2D]
PADS_1D = [v for _, v in PAD_OPTIONS_1D]


# ---------------------------------------------------------------- parameters
def params_2d(draw, names):
    p = {}
    ranges = dict(in_rows=(1, 6), in_cols=(1, 6), in_ch=(1, 3), n_ex=(1, 3), out_ch=(1, 3),
                  fr=(1, 4), fc=(1, 4), stride=(1, 3), dilation=(0, 2), output_padding=(0, 2),
                  l_in=(1, 10), fw=(1, 4))
    for name in names:
        if name == "pad":
            p[name] = draw(st.sampled_from(PADS_1D if "l_in" in names else PADS_2D))
        else:
            p[name] = draw(st.integers(*ranges[name]))
    return p


@st.composite
def view_params(draw, view):
    return params_2d(draw, list(DEFAULTS[view]))


def accepted(view, p):
    """Does the library accept these control values? (Its own functions decide.)"""
    try:
        if view == "transpose_view":
            ct.conv2D_transpose(np.ones((1, p["in_rows"], p["in_cols"], 1)), np.ones((p["fr"], p["fc"], 1, 1)),
                                p["stride"], p["pad"], p["dilation"], p["output_padding"])
        elif view == "conv1d_view":
            ct.conv_out_shape((1, p["l_in"], 1), (p["fw"], 1, 1), p["stride"], p["pad"], p["dilation"])
        else:
            ct.conv_out_shape((1, p["in_rows"], p["in_cols"], 1), (p["fr"], p["fc"], 1, 1),
                              p["stride"], p["pad"], p.get("dilation", 0))
    except (ValueError, TypeError):
        return False
    return True


def pads_2d(p, shape):
    _, q = ct.pad2D(np.zeros(shape), p["pad"], (p["fr"], p["fc"]), p["stride"], p.get("dilation", 0))
    return q


def unpad(X_pad, q):
    t, b, l, r = q
    return X_pad[:, t:X_pad.shape[1] - b, l:X_pad.shape[2] - r]


# ---------------------------------------------------------------- arrays == library
@settings(max_examples=25)
@given(st.data())
def test_im2col_and_gemm_arrays_are_the_library_s(data):
    view = data.draw(st.sampled_from(["im2col_view", "gemm_view", "padding_view", "dilation_view"]))
    p = data.draw(view_params(view))
    assume(accepted(view, p))
    v = BUILDERS[view](**p)
    assert v.message == ""
    a = v.arrays
    d, s = p.get("dilation", 0), p["stride"]
    q = pads_2d(p, a["X_pad"].shape[:1] + (p["in_rows"], p["in_cols"]) + a["X_pad"].shape[3:])
    X = unpad(a["X_pad"], q)
    assert X.shape[1:3] == (p["in_rows"], p["in_cols"])
    X_pad_expected, _ = ct.pad2D(X, p["pad"], (p["fr"], p["fc"]), s, d)
    np.testing.assert_array_equal(a["X_pad"], X_pad_expected)
    np.testing.assert_array_equal(a["Z"], ref.conv2D_loops(X, a["W"], s, p["pad"], d))
    if "X" in a:
        np.testing.assert_array_equal(a["X"], X)
    if "X_col" in a:
        np.testing.assert_array_equal(a["X_col"], ref.im2col_loops(X, a["W"].shape, p["pad"], s, d))
    if "Z_col" in a:
        np.testing.assert_allclose(a["Z_col"], a["W_col"] @ a["X_col"])
        n_ex, oh, ow, out_ch = a["Z"].shape
        for n in range(n_ex):
            for i in range(oh):
                for j in range(ow):
                    for o in range(out_ch):
                        assert a["Z_col"][o, (i * ow + j) * n_ex + n] == pytest.approx(a["Z"][n, i, j, o])
                        k = 0
                        for c in range(a["W"].shape[2]):
                            for ki in range(p["fr"]):
                                for kj in range(p["fc"]):
                                    assert a["W_col"][o, k] == a["W"][ki, kj, c, o]
                                    k += 1
    if "W_dil" in a:
        W, Wd = a["W"], a["W_dil"]
        assert Wd.shape[:2] == (ct.effective_kernel(p["fr"], d), ct.effective_kernel(p["fc"], d))
        expected = np.zeros_like(Wd)
        for ki in range(p["fr"]):
            for kj in range(p["fc"]):
                expected[ki * (d + 1), kj * (d + 1)] = W[ki, kj]
        np.testing.assert_array_equal(Wd, expected)


@settings(max_examples=25)
@given(view_params("conv1d_view"))
def test_conv1d_arrays_are_the_library_s(p):
    assume(accepted("conv1d_view", p))
    a = conv1d_view(**p).arrays
    _, (left, right) = ct.pad1D(np.zeros((1, p["l_in"], 1)), p["pad"], p["fw"], p["stride"], p["dilation"])
    X = a["X_pad"][:, left:a["X_pad"].shape[1] - right]
    assert X.shape[1] == p["l_in"]
    assert not a["X_pad"][:, :left].any() and not a["X_pad"][:, a["X_pad"].shape[1] - right:].any()
    np.testing.assert_array_equal(a["Z"], ref.conv1D_loops(X, a["W"], p["stride"], p["pad"], p["dilation"]))
    np.testing.assert_array_equal(
        a["X_col"], ref.im2col_loops(X[:, None], a["W"][None].shape, (0, 0, left, right),
                                     (1, p["stride"]), (0, p["dilation"])))


@settings(max_examples=25)
@given(view_params("col2im_view"))
def test_col2im_arrays_are_the_library_s(p):
    assume(accepted("col2im_view", p))
    a = col2im_view(**p).arrays
    s, pad, d = p["stride"], p["pad"], p["dilation"]
    X_shape = (1, p["in_rows"], p["in_cols"], 1)
    W = a["W_col"].reshape(1, 1, p["fr"], p["fc"]).transpose(2, 3, 1, 0)
    dZ = a["dZ"]
    n_ex, oh, ow, out_ch = dZ.shape
    dZ_col = np.zeros((out_ch, oh * ow * n_ex))
    for n in range(n_ex):
        for i in range(oh):
            for j in range(ow):
                dZ_col[:, (i * ow + j) * n_ex + n] = dZ[n, i, j]
    np.testing.assert_allclose(a["dX_col"], a["W_col"].T @ dZ_col)
    np.testing.assert_allclose(a["dX"], ref.col2im_loops(a["dX_col"], X_shape, W.shape, pad, s, d))
    dX_loops, _ = ref.conv2D_backward_loops(dZ, np.zeros(X_shape), W, s, pad, d)
    np.testing.assert_allclose(a["dX"], dX_loops)
    ones = np.ones_like(a["dX_col"])
    np.testing.assert_array_equal(a["counts"], ref.col2im_loops(ones, X_shape, W.shape, pad, s, d))


@settings(max_examples=25)
@given(view_params("transpose_view"))
def test_transpose_arrays_are_the_library_s(p):
    assume(accepted("transpose_view", p))
    a = transpose_view(**p).arrays
    np.testing.assert_allclose(a["Z"], ref.conv2D_transpose_loops(
        a["X"], a["W"], p["stride"], p["pad"], p["dilation"], p["output_padding"]))


def test_drawn_values_are_the_arrays():
    """What the front end receives for every panel is the array, cell by cell, in flat order."""
    for name, build in BUILDERS.items():
        v = build()
        panels = v.canvas.data["panels"]
        assert [q["name"] for q in panels] == list(v.arrays), name
        for q in panels:
            arr = v.arrays[q["name"]]
            assert q["shape"] == list(arr.shape)
            assert q["values"] == arr.ravel().tolist()
            assert q["title"] == f"{q['name']} {tuple(arr.shape)}"


def _arrangements(tables):
    """Every arrangement the front end may choose: one grid per table (an {"either": ...} table
    gives each of its alternatives, a {"block": grid} its grid)."""
    out = [[]]
    for t in tables:
        alts = t["either"] if isinstance(t, dict) and "either" in t else [t]
        out = [a + [alt["block"] if isinstance(alt, dict) else alt] for a in out for alt in alts]
    return out


def test_every_arrangement_draws_every_panel_once_and_forms_move_only_cells():
    """Whichever arrangement the front end takes (tables' alternatives, panels' forms), every
    panel is drawn exactly once; a form is the same cells elsewhere: a matrix_t form puts cell
    (r, c) at column r, row c, and is titled as the transpose it draws."""
    from conv_teach.views import groups_view, pool_view
    for name, build in {**BUILDERS, "groups_view": groups_view, "pool_view": pool_view}.items():
        v = build()
        panels = {q["name"]: q for q in v.canvas.data["panels"]}
        arrangements = _arrangements(v.canvas.data["tables"])
        for arrangement in arrangements:
            slots = [n for grid in arrangement for row in grid for n in row if n]
            names = [n.split("@")[0] for n in slots]
            assert sorted(names) == sorted(panels), (name, arrangement)
            for n in slots:
                if "@" in n:
                    base, form = n.split("@")
                    assert form in panels[base]["forms"], (name, n)
        for q in panels.values():
            for form, g in q.get("forms", {}).items():
                assert len(g["gx"]) == len(g["gy"]) == len(q["values"])
                assert len(set(zip(g["gx"], g["gy"]))) == len(q["values"]), (name, q["name"], form)
                if g["title"].startswith(f"{q['name']}.T "):
                    rows, cols = q["shape"]
                    assert g["title"] == f"{q['name']}.T {(cols, rows)}"
                    r, c = np.divmod(np.arange(rows * cols), cols)
                    assert g["gx"] == r.astype(float).tolist() and g["gy"] == c.astype(float).tolist()
    assert len(_arrangements(BUILDERS["gemm_view"]().canvas.data["tables"])) == 2
    assert len(_arrangements(groups_view().canvas.data["tables"])) == 8


# ---------------------------------------------------------------- links == loops over the definition
def cells_of(shape):
    return [tuple(int(i) for i in ix) for ix in np.ndindex(*shape)]


def conv_oracle(p, shapes, n_ex, in_ch, out_ch, one_d=False):
    """All links of a convolution view, by brute force from the definition.

    Returns a function (panel, index) -> {panel: set of index}, in canonical names
    (X, X_pad, X_col, W, W_col, W_dil, Z, Z_col).
    """
    s, d = p["stride"], p.get("dilation", 0)
    if one_d:
        _, (left, right) = ct.pad1D(np.zeros((1, p["l_in"], 1)), p["pad"], p["fw"], s, d)
        top = 0
        fr, fc, rows, cols, sr, dr = 1, p["fw"], 1, p["l_in"], 1, 0
    else:
        top, _, left, _ = pads_2d(p, (1, p["in_rows"], p["in_cols"], 1))
        fr, fc, rows, cols, sr, dr = p["fr"], p["fc"], p["in_rows"], p["in_cols"], s, d
    Zs = shapes["Z"]
    oh, ow = (1, Zs[1]) if one_d else Zs[1:3]
    # every (output cell, tap, channel) -> padded pixel, from reference.receptive_field
    reads = []       # (n, i, j, ki, kj, c, r, q): output (n,i,j) reads padded (r,q) of channel c via tap
    for n in range(n_ex):
        for i in range(oh):
            for j in range(ow):
                taps = ref.receptive_field((i, j), (fr, fc), (sr, s), dilation=(dr, d))
                for t, (r, q) in enumerate(taps):
                    ki, kj = divmod(t, fc)
                    for c in range(in_ch):
                        reads.append((n, i, j, ki, kj, c, r, q))
    K = in_ch * fr * fc

    def xpad(n, r, q, c):
        return (n, q, c) if one_d else (n, r, q, c)

    def xin(n, r, q, c):
        rr, qq = r - top, q - left
        if 0 <= rr < rows and 0 <= qq < cols:
            return (n, qq, c) if one_d else (n, rr, qq, c)
        return None

    def z(n, i, j, o):
        return (n, j, o) if one_d else (n, i, j, o)

    def w(ki, kj, c, o):
        return (kj, c, o) if one_d else (ki, kj, c, o)

    def wdil(ki, kj, c, o):
        return (ki * (d + 1), kj * (d + 1), c, o)

    def row(ki, kj, c):
        return c * fr * fc + ki * fc + kj

    def col(n, i, j):
        return (i * ow + j) * n_ex + n

    def expected(panel, index):
        out = {}

        def put(name, ix):
            if ix is not None:
                out.setdefault(name, set()).add(tuple(ix))

        def lights_output(n, i, j, o):
            put("Z", z(n, i, j, o)), put("Z_col", (o, col(n, i, j)))

        put(panel, index)
        for (n, i, j, ki, kj, c, r, q) in reads:
            e = (row(ki, kj, c), col(n, i, j))
            px, x = xpad(n, r, q, c), xin(n, r, q, c)
            entry_hit = (panel == "X_col" and index == e)
            pixel_hit = (panel == "X_pad" and index == px) or (panel == "X" and x is not None and index == x)
            if entry_hit or pixel_hit:
                put("X_col", e)
                put("X_pad", px), put("X", x)
                for o in range(out_ch):
                    lights_output(n, i, j, o)
                if entry_hit:
                    for o in range(out_ch):
                        put("W", w(ki, kj, c, o)), put("W_col", (o, e[0])), put("W_dil", wdil(ki, kj, c, o))
            for o in range(out_ch):
                out_hit = (panel == "Z" and index == z(n, i, j, o)) or (panel == "Z_col" and index == (o, e[1]))
                if out_hit:
                    put("X_col", e), put("X_pad", px), put("X", x)
                    put("W", w(ki, kj, c, o)), put("W_col", (o, e[0])), put("W_dil", wdil(ki, kj, c, o))
                    lights_output(n, i, j, o)
                tap_hit = ((panel == "W" and index == w(ki, kj, c, o)) or
                           (panel == "W_col" and index == (o, e[0])) or
                           (panel == "W_dil" and index == wdil(ki, kj, c, o)))
                if tap_hit:
                    put("X_col", e), put("W", w(ki, kj, c, o)), put("W_col", (o, e[0]))
                    put("W_dil", wdil(ki, kj, c, o))
        if panel in ("X_pad", "X"):
            # X and the inside of X_pad are the same numbers: a pixel no window reads (cut
            # off by the stride) still lights its copy
            if panel == "X_pad":
                n, *rest = index
                r, q, c = (0, rest[0], rest[1]) if one_d else rest
                put("X", xin(n, r, q, c))
            else:
                n, *rest = index
                rr, qq, c = (0, rest[0], rest[1]) if one_d else rest
                put("X_pad", xpad(n, rr + top, qq + left, c))
        return out

    return expected


def check_links(v, expected, rename, cells):
    """view.linked(panel, index) == expected, for the given cells.

    ``expected`` speaks canonical names; ``rename`` maps a canonical name to the drawn name(s)
    (col2im_view draws X as both dX and counts)."""
    drawn_of = {canon: (names if isinstance(names, tuple) else (names,)) for canon, names in rename.items()}
    canon_of = {d: canon for canon, names in drawn_of.items() for d in names}
    for panel, index in cells:
        got = {k: set(x) for k, x in v.linked(panel, index).items()}
        want = {}
        for canon, ix in expected(canon_of.get(panel, panel), index).items():
            for drawn in drawn_of.get(canon, (canon,)):
                if drawn in v.arrays:
                    want.setdefault(drawn, set()).update(ix)
        assert got == want, (v.name, panel, index, v.values())


def sample_cells(v, data, k=6):
    cells = [(name, ix) for name, arr in v.arrays.items() for ix in cells_of(arr.shape)]
    picks = data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=k))
    return [cells[i] for i in picks]


@settings(max_examples=30)
@given(st.data())
def test_conv_links_equal_the_definition(data):
    view = data.draw(st.sampled_from(["im2col_view", "gemm_view", "padding_view", "dilation_view",
                                      "conv1d_view"]))
    p = data.draw(view_params(view))
    assume(accepted(view, p))
    v = BUILDERS[view](**p)
    one_d = view == "conv1d_view"
    n_ex, in_ch, out_ch = p.get("n_ex", 1), p.get("in_ch", 1), p.get("out_ch", 1)
    shapes = {k: a.shape for k, a in v.arrays.items()}
    expected = conv_oracle(p, shapes, n_ex, in_ch, out_ch, one_d)
    check_links(v, expected, {}, sample_cells(v, data))


@settings(max_examples=25)
@given(st.data())
def test_col2im_links_equal_the_definition(data):
    p = data.draw(view_params("col2im_view"))
    assume(accepted("col2im_view", p))
    v = col2im_view(**p)
    expected = conv_oracle(p, {"Z": v.arrays["dZ"].shape}, 1, 1, 1)
    check_links(v, expected, {"X_col": "dX_col", "Z": "dZ", "X": ("dX", "counts")},
                sample_cells(v, data))


@settings(max_examples=25)
@given(st.data())
def test_transpose_links_equal_the_definition(data):
    p = data.draw(view_params("transpose_view"))
    assume(accepted("transpose_view", p))
    v = transpose_view(**p)
    s, d, rows, cols = p["stride"], p["dilation"], p["in_rows"], p["in_cols"]
    fr, fc = p["fr"], p["fc"]
    big = np.zeros((1, rows * s, cols * s, 1))          # as conv2D_transpose_loops resolves pads
    _, (top, _, left, _) = ct.pad2D(big, p["pad"], (fr, fc), (s, s), (d, d))
    _, R, C, _ = v.arrays["Z"].shape
    writes = []      # input (i, j) writes output (r, q) through tap (ki, kj)
    for i in range(rows):
        for j in range(cols):
            for ki in range(fr):
                for kj in range(fc):
                    r, q = i * s + ki * (d + 1) - top, j * s + kj * (d + 1) - left
                    if 0 <= r < R and 0 <= q < C:
                        writes.append(((0, i, j, 0), (ki, kj, 0, 0), (0, r, q, 0)))

    def expected(panel, index):
        out = {panel: {index}}
        for x, w, z in writes:
            if panel == "X" and index == x:
                out.setdefault("Z", set()).add(z)
            if panel == "Z" and index == z:
                out.setdefault("X", set()).add(x)
                out.setdefault("W", set()).add(w)
            if panel == "W" and index == w:
                out.setdefault("Z", set()).add(z)
                out.setdefault("X", set()).add(x)
        return out
    check_links(v, expected, {}, sample_cells(v, data))


def test_a_pixel_lights_every_window_that_reads_it():
    """The issue's question, on a hand case: with a 3x3 kernel, pad 1, stride 1 on 4x4, the
    centre pixels are read by 9 windows, the corners by 4 (col2im's counts say the same)."""
    v = im2col_view(in_rows=4, in_cols=4, fr=3, fc=3, stride=1, pad=1)
    counts = ct.col2im(np.ones((9, 16)), (1, 4, 4, 1), (3, 3, 1, 1), 1, 1)[0, :, :, 0]
    for r in range(4):
        for c in range(4):
            lit = v.linked("X_pad", (0, r + 1, c + 1, 0))
            assert len(lit["Z"]) == counts[r, c] == len(lit["X_col"])


def test_front_end_receives_the_same_table():
    """The bytes sent to the browser, walked as view.js walks them, give ``linked``."""
    v = gemm_view(n_ex=2, out_ch=2)
    data = v.canvas.data
    indptr = np.frombuffer(data["indptr"], "<i4")
    indices = np.frombuffer(data["indices"], "<i4")
    offsets, start = {}, 0
    for q in data["panels"]:
        offsets[q["name"]] = (start, tuple(q["shape"]))
        start += len(q["values"])
    assert indptr.shape == (start + 1,)

    def locate(g):
        for name, (off, shape) in offsets.items():
            if off <= g < off + int(np.prod(shape)):
                return name, tuple(int(i) for i in np.unravel_index(g - off, shape))
    for name, (off, shape) in offsets.items():
        for ix in cells_of(shape)[:: max(1, int(np.prod(shape)) // 7)]:
            g = off + int(np.ravel_multi_index(ix, shape))
            walked = {}
            for h in indices[indptr[g]:indptr[g + 1]]:
                pn, pi = locate(int(h))
                walked.setdefault(pn, []).append(pi)
            assert {k: sorted(x) for k, x in walked.items()} == v.linked(name, ix)


# ---------------------------------------------------------------- selection, messages, errors
def test_select_and_selection_round_trip():
    v = im2col_view(n_ex=2)
    assert v.selection == ("Z", (0, 0, 0, 0))                 # the first output cell to start
    v.select("X_pad", (1, 2, 3, 0))
    assert v.selection == ("X_pad", (1, 2, 3, 0))
    assert v.canvas.selection == {"panel": "X_pad", "index": [1, 2, 3, 0]}
    assert v.canvas.sentence.startswith("X_pad pixel (2, 3) of example 1, channel 0 = ")
    # a click in the browser sets the synced trait
    v.canvas.selection = {"panel": "X_col", "index": [4, 3]}
    assert v.selection == ("X_col", (4, 3))
    assert "'c0 (1,1)'" in v.canvas.sentence and "'(0,1) n1'" in v.canvas.sentence
    v.canvas.selection = {"panel": "X_col", "index": [99, 0]}  # not drawn: nothing selected
    assert v.selection is None
    v.select(None)
    assert v.selection is None and v.canvas.sentence.startswith("Nothing selected")
    with pytest.raises(ValueError, match="panel must be one of X_pad, W, Z, X_col"):
        v.select("Q", (0, 0))
    with pytest.raises(ValueError, match=r"index of X_col must be a tuple of 2 ints inside its shape \(9, 32\)"):
        v.select("X_col", (9, 0))
    with pytest.raises(ValueError, match="index of Z"):
        v.linked("Z", (0, 0, 0))


def test_selection_survives_a_valid_change_and_is_reset_when_gone():
    v = im2col_view()
    v.select("Z", (0, 3, 3, 0))
    v.controls["stride"].value = 2                            # Z is now 2x2: (3, 3) is gone
    assert v.selection == ("Z", (0, 0, 0, 0))
    v.select("Z", (0, 1, 1, 0))
    v.controls["pad"].value = 2
    assert v.selection == ("Z", (0, 1, 1, 0))


def test_sentence_counts_the_receptive_field():
    v = im2col_view(in_rows=4, in_cols=4, in_ch=2, fr=3, fc=3, stride=1, pad=1)
    v.select("Z", (0, 1, 0, 0))
    assert v.canvas.sentence.startswith("output (1, 0) of example 0 = ")
    assert "reads 18 cells of X_pad (6 of them padding)" in v.canvas.sentence
    assert "is computed from 18 entries of X_col" in v.canvas.sentence


def test_col2im_sentences_call_counts_a_count_not_a_gradient():
    # counts = col2im of ones: how many windows read a pixel. A fresh tester read "flows back
    # to 6 cells of counts" and "counts pixel ... receives gradient from 1 cell of dZ"
    from conv_teach.views.words import sentence
    d = col2im_view().drawing
    for panel, index in [("dZ", (0, 1, 0, 0)), ("counts", (0, 2, 0, 0)), ("dX_col", (4, 0))]:
        text = sentence(d, panel, index)
        for part in text.split(", "):
            assert not ("counts" in part and ("gradient" in part or "flows" in part)), text
    text = sentence(d, "counts", (0, 1, 1, 0))
    n = int(d.arrays["counts"][0, 1, 1, 0])
    assert f"counts the windows of {n} cells of dZ" in text, text


def test_hover_words_come_from_the_kernel_and_leave_the_pinned_sentence_alone():
    """The front end asks the words of a hovered cell with a custom message; the answer is the
    same sentence a pin on that cell gives, and the pinned cell's sentence does not change."""
    v = im2col_view(in_rows=4, in_cols=4, in_ch=2, fr=3, fc=3, stride=1, pad=1)
    pinned = v.canvas.sentence
    sent = []
    v.canvas.send = lambda content, buffers=None: sent.append(content)
    ask = {"type": "describe", "panel": "X_pad", "index": [0, 2, 3, 1], "token": "3:77:1"}
    v._on_canvas_msg(v.canvas, ask, [])
    assert v.canvas.sentence == pinned and v.selection == ("Z", (0, 0, 0, 0))
    v.select("X_pad", (0, 2, 3, 1))                 # what a pin on the hovered cell says
    assert sent == [{"type": "sentence", "panel": "X_pad", "index": [0, 2, 3, 1], "token": "3:77:1",
                     "text": v.canvas.sentence}]
    assert sent[0]["text"].startswith("X_pad pixel (2, 3) of example 0, channel 1 = ")
    # a cell the drawing does not have (an older drawing's) gets no words; other messages none
    v._on_canvas_msg(v.canvas, dict(ask, index=[0, 9, 9, 0]), [])
    v._on_canvas_msg(v.canvas, dict(ask, panel="Q"), [])
    v._on_canvas_msg(v.canvas, {"type": "other"}, [])
    assert [m["text"] for m in sent[1:]] == [None, None]


@pytest.mark.parametrize("view, bad, good", [
    # every step valid but the last
    ("im2col_view", dict(in_rows=1, pad=0), dict(pad=1)),
    ("padding_view", dict(in_rows=2, fr=5), dict(pad=2)),
    ("dilation_view", dict(dilation=2, in_rows=4), dict(dilation=0)),
    ("gemm_view", dict(in_cols=3, fc=5), dict(fc=3)),
    ("conv1d_view", dict(l_in=2, fw=5, pad=0), dict(pad="causal")),
    ("col2im_view", dict(in_rows=2, fr=5), dict(fr=2)),
    ("transpose_view", dict(in_rows=1, fr=1, stride=1, pad=1), dict(pad=0)),
])
def test_impossible_combination_shows_the_library_message_and_recovers(view, bad, good):
    v = BUILDERS[view]()
    *valid, (last, value) = bad.items()
    for name, ok in valid:
        v.controls[name].value = ok
        assert v.message == ""
    before = {k: a.copy() for k, a in v.arrays.items()}
    data_before = v.canvas.data
    v.controls[last].value = value
    assert v.message != ""
    values = v.values()
    with pytest.raises((ValueError, TypeError)) as err:
        from conv_teach.views.drawings import drawing
        drawing(view, **values)
    assert v.message == f"{type(err.value).__name__}: {err.value}"
    assert v.readout.startswith("not updated")
    assert set(v.arrays) == set(before) and all(np.array_equal(v.arrays[k], before[k]) for k in before)
    assert v.canvas.data is data_before                       # the last valid picture stays
    for name, value in good.items():
        v.controls[name].value = value
    assert v.message == ""
    assert not v.readout.startswith("not updated")


def test_rejected_initial_values_show_the_defaults_greyed():
    v = im2col_view(in_rows=1, pad=0)
    assert "kernel" in v.message and v.arrays["X_pad"].shape == (1, 6, 6, 1)   # the defaults
    v.controls["pad"].value = 1
    assert v.message == "" and v.arrays["X_pad"].shape == (1, 3, 6, 1)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_unknown_control_raises(name):
    with pytest.raises(TypeError, match=f"{name}: unknown control.*out_row.*the controls are"):
        BUILDERS[name](out_row=1)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(in_rows=-1), ValueError, "im2col_view: in_rows must be an int >= 1, got -1"),
    (dict(fr=2.5), TypeError, r"im2col_view: fr must be an int >= 1, got 2.5 \(float\)"),
    (dict(n_ex=0), ValueError, "im2col_view: n_ex must be an int >= 1, got 0"),
    (dict(dilation=-1), ValueError, "im2col_view: dilation must be an int >= 0, got -1"),
    (dict(stride=True), TypeError, "im2col_view: stride must be an int >= 1, got the bool True"),
    (dict(stride=1.5), TypeError, r"im2col_view: stride must be an int >= 1, got 1.5 \(float\)"),
    (dict(stride=0), ValueError, "im2col_view: stride must be an int >= 1, got 0"),
])
def test_a_control_that_is_no_slider_value_raises_naming_it(kwargs, error, message):
    """A slider holds an int: a float is never rounded quietly, a negative size never reaches
    numpy (whose 'negative dimensions are not allowed' names no parameter)."""
    with pytest.raises(error, match=message):
        BUILDERS["im2col_view"](**kwargs)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_controls_are_named_like_the_defaults_and_set_from_kwargs(name):
    v = BUILDERS[name]()
    assert list(v.controls) == list(DEFAULTS[name])
    assert v.values() == DEFAULTS[name]
    key = "stride"
    v2 = BUILDERS[name](**{key: 2})
    assert v2.controls[key].value == 2 and v2.message == ""


def test_readout_lines_are_the_cores():
    """The views' readout writes the same lines as the static figures: conv_teach.formulas
    (its doctests run in tests/test_doctests.py); a transposed convolution has none."""
    import conv_teach.formulas as core
    import conv_teach.views.readout as readout
    assert readout.out_len_line is core.out_len_line and readout.memory_line is core.memory_line
    p = dict(in_rows=5, in_cols=4, fr=3, fc=2, stride=2, pad="same", dilation=1)
    assert readout.explain(p) == core.explain(p) == [
        "out_rows = (5 + 2 + 2 - (3 + 2*1)) // 2 + 1 = 3",
        "out_cols = (4 + 0 + 1 - (2 + 1*1)) // 2 + 1 = 2"]     # TF rule: the odd pad after
    assert readout.explain({**p, "output_padding": 0}) == []
