"""groups_view on the kernel side: what it draws and links is the library's truth.

Oracles independent of the view's code (and of conv_teach.groups): the loop reference
``reference.conv2D_loops`` run group by group on channel slices, ``reference.im2col_loops``,
``reference.receptive_field`` and loops over the definition of a grouped convolution
(output channel ``o`` is in group ``o // (out_ch // groups)`` and reads input channels
``g*(in_ch//groups) ... (g+1)*(in_ch//groups) - 1``; torch's semantics).
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import conv_teach as ct
from conv_teach import reference as ref
from conv_teach.formulas import grouped_cost_lines
from conv_teach.views import groups_view
from conv_teach.views.controls import PAD_OPTIONS_2D

pytestmark = pytest.mark.skipif(not hasattr(ct, "block_diagonal"),
                                reason="conv2D(groups=) and block_diagonal come with the groups "
                                       "branch (issue 13); groups_view needs them")
PADS = [v for _, v in PAD_OPTIONS_2D]


@st.composite
def group_params(draw):
    groups = draw(st.integers(1, 4))
    p = dict(groups=groups, in_ch=groups * draw(st.integers(1, 2)), out_ch=groups * draw(st.integers(1, 2)),
             in_rows=draw(st.integers(1, 5)), in_cols=draw(st.integers(1, 5)), fr=draw(st.integers(1, 3)),
             fc=draw(st.integers(1, 3)), stride=draw(st.integers(1, 2)), pad=draw(st.sampled_from(PADS)),
             dilation=draw(st.integers(0, 1)))
    return p


def accepted(p):
    try:
        ct.conv_out_shape((1, p["in_rows"], p["in_cols"], 1), (p["fr"], p["fc"], 1, 1), p["stride"],
                          p["pad"], p["dilation"])
    except (ValueError, TypeError):
        return False
    return True


def group_of(o, p):
    return o // (p["out_ch"] // p["groups"])


def channels_of(o, p):
    cpg = p["in_ch"] // p["groups"]
    g = group_of(o, p)
    return range(g * cpg, (g + 1) * cpg)


def unpad(X_pad, p):
    _, (t, b, l, r) = ct.pad2D(np.zeros((1, p["in_rows"], p["in_cols"], 1)), p["pad"], (p["fr"], p["fc"]),
                               p["stride"], p["dilation"])
    return X_pad[:, t:X_pad.shape[1] - b, l:X_pad.shape[2] - r], (t, l)


@settings(max_examples=30, deadline=None)
@given(group_params())
def test_arrays_are_the_library_s(p):
    assume(accepted(p))
    v = groups_view(**p)
    assert v.message == ""
    a = v.arrays
    X, _ = unpad(a["X_pad"], p)
    W, s, pad, d, g = a["W"], p["stride"], p["pad"], p["dilation"], p["groups"]
    cpg, opg = p["in_ch"] // g, p["out_ch"] // g
    assert W.shape == (p["fr"], p["fc"], cpg, p["out_ch"])
    Z = np.concatenate([ref.conv2D_loops(X[..., k * cpg:(k + 1) * cpg], W[..., k * opg:(k + 1) * opg], s, pad, d)
                        for k in range(g)], axis=-1)
    np.testing.assert_allclose(a["Z"], Z)
    dense = (p["fr"], p["fc"], p["in_ch"], p["out_ch"])
    np.testing.assert_array_equal(a["X_col"], ref.im2col_loops(X, dense, pad, s, d))
    W_col = np.zeros((p["out_ch"], p["in_ch"] * p["fr"] * p["fc"]))
    for o in range(p["out_ch"]):
        for c in channels_of(o, p):
            for ki in range(p["fr"]):
                for kj in range(p["fc"]):
                    W_col[o, (c * p["fr"] + ki) * p["fc"] + kj] = W[ki, kj, c - group_of(o, p) * cpg, o]
    np.testing.assert_array_equal(a["W_col"], W_col)
    np.testing.assert_allclose(a["W_col"] @ a["X_col"], a["Z"].transpose(3, 1, 2, 0).reshape(p["out_ch"], -1))
    # the empty (grey) cells are exactly the zeros outside the blocks
    empty = {tuple(int(i) for i in np.unravel_index(k, W_col.shape))
             for k in next(q for q in v.canvas.data["panels"] if q["name"] == "W_col")["empty"]}
    assert empty == {(o, k) for o in range(p["out_ch"]) for k in range(W_col.shape[1])
                     if k // (p["fr"] * p["fc"]) not in channels_of(o, p)}


def oracle(p, shapes):
    """(panel, index) -> {panel: set of index}, from the definition."""
    _, (top, left) = unpad(np.zeros(shapes["X_pad"]), p)
    fr, fc, s, d = p["fr"], p["fc"], p["stride"], p["dilation"]
    cpg = p["in_ch"] // p["groups"]
    _, oh, ow, out_ch = shapes["Z"]
    facts = []      # (Z cell, X_pad cell, X_col entry, W tap, W_col entry) for every multiply
    for i in range(oh):
        for j in range(ow):
            for t, (r, q) in enumerate(ref.receptive_field((i, j), (fr, fc), s, dilation=d)):
                ki, kj = divmod(t, fc)
                for o in range(out_ch):
                    for c in channels_of(o, p):
                        k = (c * fr + ki) * fc + kj
                        facts.append(((0, i, j, o), (0, r, q, c), (k, i * ow + j),
                                      (ki, kj, c - group_of(o, p) * cpg, o), (o, k)))
    copies = {}       # X_col entry -> X_pad cell, for every window and every channel
    for i in range(oh):
        for j in range(ow):
            for t, (r, q) in enumerate(ref.receptive_field((i, j), (fr, fc), s, dilation=d)):
                ki, kj = divmod(t, fc)
                for c in range(p["in_ch"]):
                    copies[((c * fr + ki) * fc + kj, i * ow + j)] = (0, r, q, c)

    def expected(panel, index):
        out = {panel: {index}}

        def put(name, ix):
            out.setdefault(name, set()).add(ix)
        for e, px in copies.items():
            if (panel == "X_col" and index == e) or (panel == "X_pad" and index == px):
                put("X_col", e), put("X_pad", px)
        for z, px, e, w, wc in facts:
            if panel == "Z" and index == z:
                put("X_pad", px), put("X_col", e), put("W", w), put("W_col", wc)
            if (panel == "X_pad" and index == px) or (panel == "X_col" and index == e):
                put("Z", z)
            if panel == "X_col" and index == e:
                put("W", w), put("W_col", wc)
            if (panel == "W" and index == w) or (panel == "W_col" and index == wc):
                put("X_col", e), put("W", w), put("W_col", wc)
        return out
    return expected


@settings(max_examples=30, deadline=None)
@given(group_params(), st.data())
def test_links_equal_the_definition(p, data):
    assume(accepted(p))
    v = groups_view(**p)
    expected = oracle(p, {k: a.shape for k, a in v.arrays.items()})
    cells = [(name, tuple(int(i) for i in ix)) for name, arr in v.arrays.items() for ix in np.ndindex(*arr.shape)]
    for i in data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=8)):
        panel, index = cells[i]
        got = {k: set(x) for k, x in v.linked(panel, index).items()}
        assert got == expected(panel, index), (panel, index, p)


def test_an_output_lights_only_its_group_s_rows():
    v = groups_view(in_rows=4, in_cols=4, fr=3, fc=3, pad=1)   # in_ch = out_ch = 4, groups = 2, 3x3
    rows = {k for k, _ in v.linked("Z", (0, 1, 1, 3))["X_col"]}
    assert rows == set(range(18, 36))                  # channels 2 and 3: rows c2 (0,0) ... c3 (2,2)
    assert v.linked("W_col", (0, 20)) == {"W_col": [(0, 20)]}       # outside the blocks: nothing
    v.select("W_col", (0, 20))
    assert "outside the groups' blocks" in v.canvas.sentence


@pytest.mark.parametrize("in_ch, out_ch, groups, fr, fc", [(4, 4, 2, 3, 3), (6, 3, 3, 2, 2), (4, 8, 4, 3, 3),
                                                           (2, 2, 1, 1, 3)])
def test_cost_lines_count_the_multiply_adds(in_ch, out_ch, groups, fr, fc):
    """The readout's numbers against counting every multiply of the definition."""
    v = groups_view(in_ch=in_ch, out_ch=out_ch, groups=groups, fr=fr, fc=fc, in_rows=5, in_cols=4)
    _, oh, ow, _ = v.arrays["Z"].shape
    p = dict(in_ch=in_ch, out_ch=out_ch, groups=groups)
    mine = sum(len(channels_of(o, p)) * fr * fc for o in range(out_ch)) * oh * ow
    full = in_ch * fr * fc * out_ch * oh * ow
    depthwise = in_ch * fr * fc * oh * ow
    pointwise = in_ch * out_ch * oh * ow
    line = next(x for x in v.readout.split("\n") if x.startswith("multiply-adds"))
    assert line.endswith(f"this conv {mine}; full {full}; depthwise-separable {depthwise + pointwise}")
    assert grouped_cost_lines(in_ch, out_ch, groups, fr, fc, oh, ow)[1] == line


def test_data_arguments_and_impossible_groups():
    X = np.arange(2 * 3 * 4.).reshape(1, 2, 3, 4)
    W = np.ones((2, 2, 1, 4))                          # depthwise: in_ch // groups = 1
    v = groups_view(X=X, W=W, groups=4, pad=0)
    assert v.values()["in_ch"] == 4 and v.values()["out_ch"] == 4 and v.controls["in_ch"].disabled
    assert not v.controls["groups"].disabled
    np.testing.assert_array_equal(v.arrays["W"], W)
    v.controls["groups"].value = 2                     # W no longer fits: the library's message
    assert v.message.startswith("ValueError: conv2D")
    v.controls["groups"].value = 4
    assert v.message == ""
    w = groups_view()                                  # 2x2 taps, in_ch = out_ch = 4, groups 2
    w.controls["groups"].value = 3                     # 4 channels do not split into 3 groups
    assert "groups" in w.message and w.arrays["W"].shape == (2, 2, 2, 4)
    w.controls["groups"].value = 4
    assert w.message == "" and w.arrays["W"].shape == (2, 2, 1, 4)
    with pytest.raises(ValueError, match=r"groups_view: W must be 4-D \(fr, fc, in_ch // groups, out_ch\)"):
        groups_view(W=np.ones((3, 3)))


def test_torch_code_gives_the_view_s_Z():
    pytest.importorskip("torch")
    for kw in (dict(), dict(groups=4, in_ch=4, out_ch=8, stride=2, pad="same"), dict(groups=1)):
        v = groups_view(**kw)
        X, _ = unpad(v.arrays["X_pad"], {**v.values()})
        ns = dict(X=X, W=v.arrays["W"])
        exec(v.code("torch"), ns)
        np.testing.assert_allclose(ns["Z"], v.arrays["Z"], rtol=1e-12, atol=1e-12)
        assert ("groups=" in v.code("torch")) == (v.values()["groups"] > 1)
