"""pool_view on the kernel side: what it draws and links is the library's truth.

Oracles independent of the view's code: the loop references of :mod:`conv_teach.reference_pool`
for the arrays, and, for the links and the picked maxima, loops over the definition written
here: window (i, j) of channel c reads padded cell ``(i*s + ki*(d+1), j*s + kj*(d+1), c)``;
its maximum is the first largest value in window order (row by row; torch's rule); a max
window's gradient goes to that cell, an average window's to every input cell it reads.
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import conv_teach as ct
from conv_teach import reference_pool as refp
from conv_teach.views import pool_view
from conv_teach.views.controls import PAD_OPTIONS_2D

PADS = [v for _, v in PAD_OPTIONS_2D]


@st.composite
def pool_params(draw):
    p = dict(in_rows=draw(st.integers(1, 6)), in_cols=draw(st.integers(1, 6)),
             in_ch=draw(st.integers(1, 2)), fr=draw(st.integers(1, 3)), fc=draw(st.integers(1, 3)),
             stride=draw(st.integers(1, 3)), pad=draw(st.sampled_from(PADS)),
             dilation=draw(st.integers(0, 2)), mode=draw(st.sampled_from(["max", "avg"])))
    if p["mode"] == "avg":
        p["dilation"] = 0
    return p


def accepted(p):
    X = np.zeros((1, p["in_rows"], p["in_cols"], p["in_ch"]))
    try:
        if p["mode"] == "max":
            ct.maxpool2D(X, (p["fr"], p["fc"]), p["stride"], p["pad"], p["dilation"])
        else:
            ct.avgpool2D(X, (p["fr"], p["fc"]), p["stride"], p["pad"])
    except (ValueError, TypeError):
        return False
    return True


def resolved_pad(p):
    _, q = ct.pad2D(np.zeros((1, p["in_rows"], p["in_cols"], 1)), p["pad"], (p["fr"], p["fc"]),
                    p["stride"], p["dilation"])
    return q


# ---------------------------------------------------------------- arrays == library
@settings(max_examples=40, deadline=None)
@given(pool_params(), st.booleans())
def test_arrays_are_the_library_s(p, ties):
    assume(accepted(p))
    X = None
    if ties:    # small integers: many ties, the rule "first maximum in window order" matters
        X = np.random.default_rng(p["in_rows"]).integers(0, 3, (1, p["in_rows"], p["in_cols"], p["in_ch"]))
    v = pool_view(**p) if X is None else pool_view(**{k: x for k, x in p.items()
                                                       if k not in ("in_rows", "in_cols", "in_ch")}, X=X)
    assert v.message == ""
    a = v.arrays
    X = a["X"]
    k, s, pad, d = (p["fr"], p["fc"]), p["stride"], p["pad"], p["dilation"]
    t, b, l, r = resolved_pad(p)
    fill = -np.inf if p["mode"] == "max" else 0.0
    X_pad = np.full((1, X.shape[1] + t + b, X.shape[2] + l + r, X.shape[3]), fill)
    X_pad[:, t:t + X.shape[1], l:l + X.shape[2]] = X
    np.testing.assert_array_equal(a["X_pad"], X_pad)
    if p["mode"] == "max":
        np.testing.assert_array_equal(a["Z"], refp.maxpool2D_loops(X, k, s, pad, d))
        np.testing.assert_allclose(a["dX"], refp.maxpool2D_backward_loops(a["dZ"], X, k, s, pad, d))
    else:
        np.testing.assert_allclose(a["Z"], refp.avgpool2D_loops(X, k, s, pad))
        np.testing.assert_allclose(a["dX"], refp.avgpool2D_backward_loops(a["dZ"], X, k, s, pad))
    assert a["dZ"].shape == a["Z"].shape


# ---------------------------------------------------------------- links == the definition
def oracle(p, X):
    """(links, picks): functions (panel, index) -> {panel: set of index}, from the definition."""
    t, b, l, r = resolved_pad(p)
    s, d, (fr, fc) = p["stride"], p["dilation"], (p["fr"], p["fc"])
    rows, cols, ch = X.shape[1:]
    R, C = rows + t + b, cols + l + r
    oh = (R - (fr + (fr - 1) * d)) // s + 1
    ow = (C - (fc + (fc - 1) * d)) // s + 1
    windows = {}       # (i, j, c) -> [padded (r, q) in window order]
    pick = {}          # (i, j, c) -> X (r, q) or None
    routed = {}        # (i, j, c) -> set of X (r, q)
    for i in range(oh):
        for j in range(ow):
            for c in range(ch):
                taps = [(i * s + ki * (d + 1), j * s + kj * (d + 1)) for ki in range(fr) for kj in range(fc)]
                windows[i, j, c] = taps
                inside = [(rr - t, qq - l) for rr, qq in taps if 0 <= rr - t < rows and 0 <= qq - l < cols]
                best = None
                for rq in inside:                 # scan in window order: a larger value takes over
                    if best is None or X[0, rq[0], rq[1], c] > X[0, best[0], best[1], c]:
                        best = rq
                pick[i, j, c] = best if p["mode"] == "max" else None
                routed[i, j, c] = ({best} if best is not None else set()) if p["mode"] == "max" else set(inside)

    def to_x(rq):
        rr, qq = rq[0] - t, rq[1] - l
        return (rr, qq) if 0 <= rr < rows and 0 <= qq < cols else None

    def links(panel, index):
        out = {panel: {index}}

        def put(name, ix):
            out.setdefault(name, set()).add(tuple(ix))
        if panel in ("Z", "dZ"):
            _, i, j, c = index
            put("Z", index), put("dZ", index)
            for rq in windows[i, j, c]:
                put("X_pad", (0, *rq, c))
                if to_x(rq):
                    put("X", (0, *to_x(rq), c))
            for rq in routed[i, j, c]:
                put("dX", (0, *rq, c))
        elif panel in ("X", "X_pad", "dX"):
            _, rr, qq, c = index
            x = (rr, qq) if panel != "X_pad" else to_x((rr, qq))
            padded = (rr + t, qq + l) if panel != "X_pad" else (rr, qq)
            if panel != "dX":
                put("X_pad", (0, *padded, c))
                if x:
                    put("X", (0, *x, c)), put("dX", (0, *x, c))
                for (i, j, cc), taps in windows.items():
                    if cc == c and padded in taps:
                        put("Z", (0, i, j, c)), put("dZ", (0, i, j, c))
            else:
                put("X", (0, *x, c)), put("X_pad", (0, *padded, c))
                for (i, j, cc), got in routed.items():
                    if cc == c and x in got:
                        put("Z", (0, i, j, c)), put("dZ", (0, i, j, c))
        return out

    def picks(panel, index):
        out = {}
        if panel in ("Z", "dZ"):
            _, i, j, c = index
            if pick[i, j, c] is not None:
                rr, qq = pick[i, j, c]
                out = {"X": {(0, rr, qq, c)}, "X_pad": {(0, rr + t, qq + l, c)}}
        elif panel in ("X", "X_pad"):
            _, rr, qq, c = index
            x = (rr, qq) if panel == "X" else to_x((rr, qq))
            hits = {(0, i, j, c) for (i, j, cc), w in pick.items() if cc == c and w == x and x}
            if hits:
                out = {"Z": hits, "dZ": set(hits)}
        return out

    return links, picks


def as_sets(d):
    return {k: set(v) for k, v in d.items() if v}


@settings(max_examples=40, deadline=None)
@given(pool_params(), st.booleans(), st.data())
def test_links_and_picks_equal_the_definition(p, ties, data):
    assume(accepted(p))
    if ties:
        X = np.random.default_rng(p["in_cols"]).integers(0, 3, (1, p["in_rows"], p["in_cols"], p["in_ch"]))
        v = pool_view(**{k: x for k, x in p.items() if k not in ("in_rows", "in_cols", "in_ch")}, X=X)
    else:
        v = pool_view(**p)
    links, picks = oracle(p, v.arrays["X"])
    cells = [(name, tuple(ix)) for name, arr in v.arrays.items() for ix in np.ndindex(*arr.shape)]
    for i in data.draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=10)):
        panel, index = cells[i]
        assert as_sets(v.linked(panel, index)) == links(panel, index), (panel, index, p)
        assert as_sets(v.picked(panel, index)) == picks(panel, index), (panel, index, p)


def test_a_hand_case():
    """The docstring's 4x4 example: 2x2 windows, stride 2."""
    X = np.array([[1., 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [6, 2, 2, 2]]).reshape(1, 4, 4, 1)
    v = pool_view(X=X)
    assert v.arrays["Z"][0, :, :, 0].tolist() == [[4, 5], [6, 3]]
    assert v.picked("Z", (0, 0, 1, 0)) == {"X": [(0, 1, 3, 0)], "X_pad": [(0, 1, 3, 0)]}
    assert v.linked("dX", (0, 1, 3, 0))["dZ"] == [(0, 0, 1, 0)]
    assert "its maximum is X (1, 3) = 5" in (v.select("Z", (0, 0, 1, 0)) or v.canvas.sentence)
    # overlapping windows add: 3x3 windows at stride 1 with pad 1 on a constant image: every
    # window's maximum is its first input cell (ties), so pixel (0, 0) wins 4 windows
    v = pool_view(X=np.ones((1, 3, 3, 1)), fr=3, fc=3, stride=1, pad=1)
    assert len(v.picked("X", (0, 0, 0, 0))["Z"]) == 4
    assert v.arrays["dX"][0, 0, 0, 0] == sum(v.arrays["dZ"][0, i, j, 0] for i in (0, 1) for j in (0, 1))


def test_minus_infinity_travels_as_special_values():
    v = pool_view(pad=1, stride=1)
    q = next(x for x in v.canvas.data["panels"] if x["name"] == "X_pad")
    flat = v.arrays["X_pad"].ravel()
    assert sorted(k for k, _ in q["special"]) == np.nonzero(np.isneginf(flat))[0].tolist()
    assert all(text == "-inf" for _, text in q["special"])
    assert all(q["values"][k] is None for k, _ in q["special"])
    assert sorted(q["pad"]) == sorted(k for k, _ in q["special"])     # hatched, all of them
    import json
    json.dumps(v.canvas.data["panels"], allow_nan=False)              # valid JSON for the browser
    v.controls["mode"].value = "avg"
    q = next(x for x in v.canvas.data["panels"] if x["name"] == "X_pad")
    assert q["special"] == [] and v.picked("Z", (0, 0, 0, 0)) == {}
    assert "pick_indptr" not in v.canvas.data


# ---------------------------------------------------------------- selection, messages, data
def test_the_gradient_sentence_names_its_window_in_both_inputs():
    # "is the gradient of the window 4 cells of X_pad" lacked its "on" (a fresh tester)
    v = pool_view()
    v.select("dZ", (0, 1, 1, 0))
    for name in ("X", "X_pad"):
        assert f"is the gradient of the window on 4 cells of {name}" in v.canvas.sentence, v.canvas.sentence


def test_select_round_trip_and_sentence():
    v = pool_view()
    assert v.selection == ("Z", (0, 0, 0, 0))
    v.select("dX", (0, 1, 1, 0))
    assert v.selection == ("dX", (0, 1, 1, 0))
    assert v.canvas.selection == {"panel": "dX", "index": [0, 1, 1, 0]}
    v.canvas.selection = {"panel": "X_pad", "index": [0, 0, 0, 0]}       # as a click does
    assert v.selection == ("X_pad", (0, 0, 0, 0)) and v.canvas.sentence.startswith("X_pad pixel (0, 0)")
    v.select(None)
    assert v.selection is None
    with pytest.raises(ValueError, match="panel must be one of X, X_pad, Z, dZ, dX"):
        v.select("W", (0, 0))
    with pytest.raises(ValueError, match="index of Z"):
        v.picked("Z", (0, 5, 0, 0))


@pytest.mark.parametrize("steps, recover", [
    ([("mode", "avg"), ("dilation", 1)], ("dilation", 0)),          # average pooling has no dilation
    ([("dilation", 1), ("mode", "avg")], ("mode", "max")),
    ([("in_rows", 2), ("fr", 3)], ("pad", 1)),         # the window does not fit
])
def test_impossible_combination_shows_the_message_and_recovers(steps, recover):
    v = pool_view()
    *valid, (last, value) = steps
    for name, ok in valid:
        v.controls[name].value = ok
        assert v.message == "", (name, v.message)
    before = {k: a.copy() for k, a in v.arrays.items()}
    v.controls[last].value = value
    assert v.message.startswith("ValueError: ")
    assert ("dilation" in v.message) if last in ("dilation", "mode") else ("window" in v.message)
    assert all(np.array_equal(v.arrays[k], before[k]) for k in before)
    assert v.readout.startswith("not updated")
    v.controls[recover[0]].value = recover[1]
    assert v.message == "" and not v.readout.startswith("not updated")


def test_data_argument_sets_and_disables_the_shape_controls():
    X = np.arange(30.).reshape(1, 5, 6, 1)
    v = pool_view(X=X, stride=1)
    assert (v.values()["in_rows"], v.values()["in_cols"], v.values()["in_ch"]) == (5, 6, 1)
    assert all(v.controls[k].disabled for k in ("in_rows", "in_cols", "in_ch"))
    assert not v.controls["stride"].disabled and not v.controls["fr"].disabled
    np.testing.assert_array_equal(v.arrays["X"], X)
    v.controls["fr"].value = 3
    np.testing.assert_array_equal(v.arrays["Z"], ct.maxpool2D(X, (3, 2), 1, 0))
    X[0, 0, 0, 0] = 99                                # the view keeps its own copy
    assert v.arrays["X"][0, 0, 0, 0] == 0


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(X=np.zeros((4, 4))), ValueError, r"pool_view: X must be 4-D \(n_ex, in_rows, in_cols, "
                                            r"in_ch\), got shape \(4, 4\).*img\[None, :, :, None\]"),
    (dict(X=np.zeros((2, 4, 4, 1))), ValueError, r"X.shape\[0\] is n_ex, which this view draws only one of"),
    (dict(X=np.zeros((1, 40, 4, 1))), ValueError, r"in_rows = 40, more than the 16.*X\[:, :16, :, :\]"),
    (dict(X=np.full((1, 2, 2, 1), np.inf)), ValueError, r"X holds inf at \(0, 0, 0, 0\)"),
    (dict(X=np.zeros((1, 2, 2, 1), complex)), TypeError, "X must hold real numbers"),
    (dict(X=np.zeros((1, 4, 4, 1)), in_rows=3), ValueError, r"in_rows=3 contradicts X.shape\[1\] = 4"),
    (dict(W=np.zeros((2, 2, 1, 1))), TypeError, r"unknown control\(s\) W"),
    (dict(mode="min"), ValueError, "mode must be one of 'max', 'avg', got 'min'"),
    (dict(X=np.zeros((1, 1, 1, 1)), pad=0), ValueError, "maxpool2D: the pooling window"),
])
def test_bad_data_is_refused_in_words(kwargs, error, message):
    with pytest.raises(error, match=message):
        pool_view(**kwargs)


def test_code_follows_the_mode():
    v = pool_view()
    assert "F.max_pool2d" in v.code("torch") and "MaxPooling2D" in v.code("keras")
    v.controls["mode"].value = "avg"
    assert "F.avg_pool2d" in v.code("torch") and "AveragePooling2D" in v.code("keras")


def test_torch_code_gives_the_view_s_Z_and_dX():
    torch = pytest.importorskip("torch")  # noqa: F841
    for kw in (dict(), dict(fr=3, fc=3, stride=1, pad=(1, 0, 2, 1), dilation=1, in_ch=2),
               dict(mode="avg", stride=1, pad="same", fr=3, fc=2)):
        v = pool_view(**kw)
        ns = dict(X=v.arrays["X"], dZ=v.arrays["dZ"])
        exec(v.code("torch"), ns)
        np.testing.assert_allclose(ns["Z"], v.arrays["Z"], rtol=1e-12)
        np.testing.assert_allclose(ns["dX"], v.arrays["dX"], rtol=1e-12, atol=1e-12)
