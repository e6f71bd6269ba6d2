"""The apps, driven from Python the way a browser drives them (setting ``.value``).

Each app is walked through many control settings on the same instance; after every step
the drawn arrays, the readout and the cell selectors are checked against the loop
references and plain arithmetic, and rejected combinations must show the library's
message, keep the last picture (greyed, "not updated") and recover.
"""
import random
import re

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

import conv_teach as ct
from conv_teach.reference import (col2im_loops, conv1D_loops, conv2D_backward_loops,
                                  conv2D_loops, im2col_loops)
from viz_cases import PADS_1D, PADS_2D, drawn, out_1D, out_2D, resolved_pad_1D, resolved_pad_2D

CONTROLS = {
    "padding_app": ["in_rows", "in_cols", "fr", "fc", "stride", "pad", "out_row", "out_col"],
    "dilation_app": ["in_rows", "in_cols", "fr", "fc", "stride", "dilation", "pad", "out_row", "out_col"],
    "im2col_app": ["in_rows", "in_cols", "in_ch", "n_ex", "fr", "fc", "stride", "pad", "dilation",
                   "out_row", "out_col", "example"],
    "gemm_app": ["in_rows", "in_cols", "in_ch", "n_ex", "out_ch", "fr", "fc", "stride", "pad",
                 "dilation", "out_row", "out_col", "example"],
    "conv1d_app": ["l_in", "fw", "in_ch", "stride", "pad", "dilation", "out_pos"],
    "col2im_app": ["in_rows", "in_cols", "fr", "fc", "stride", "pad", "dilation", "out_row", "out_col"],
}
APPS = list(CONTROLS)


def make(name, **values):
    return getattr(ct.widgets, name)(**values)


def params(app):
    p = {k: w.value for k, w in app.controls.items()}
    p.setdefault("dilation", 0)
    return p


def library_error(name, p):
    """The message the library gives for these values, or None if it accepts them."""
    try:
        if name == "conv1d_app":
            ct.conv1D(np.zeros((1, p["l_in"], p["in_ch"])), np.zeros((p["fw"], p["in_ch"], 1)),
                      p["stride"], p["pad"], p["dilation"])
        else:
            ct.conv2D(np.zeros((1, p["in_rows"], p["in_cols"], 1)), np.zeros((p["fr"], p["fc"], 1, 1)),
                      p["stride"], p["pad"], p["dilation"])
    except ValueError as err:
        return str(err)
    return None


def check_2D(name, app, p):
    """Everything the app shows agrees with the loop references for the control values."""
    X, W = app.arrays["X"], app.arrays["W"]
    n_ex, ch = p.get("n_ex", 1), p.get("in_ch", 1)
    assert X.shape == (n_ex, p["in_rows"], p["in_cols"], ch)
    assert W.shape[:3] == (p["fr"], p["fc"], ch)
    oh, ow = out_2D(p)
    assert (app.controls["out_row"].max, app.controls["out_col"].max) == (oh - 1, ow - 1)
    if "example" in app.controls:
        assert app.controls["example"].max == n_ex - 1
    i, j = p["out_row"], p["out_col"]
    assert 0 <= i < oh and 0 <= j < ow
    s, d = p["stride"], p["dilation"]
    t, b, l, r = resolved_pad_2D(p["pad"], p["in_rows"], p["in_cols"], p["fr"], p["fc"], s, d)
    eff_r, eff_c = p["fr"] + (p["fr"] - 1) * d, p["fc"] + (p["fc"] - 1) * d
    text = re.sub("<[^>]+>", "", app.readout.value)
    assert f"out_rows = ({p['in_rows']} + {t} + {b} - " in text and f"// {s} + 1 = {oh}" in text
    assert f"out_cols = ({p['in_cols']} + {l} + {r} - " in text and f"// {s} + 1 = {ow}" in text
    b_ = app.builder
    if name in ("padding_app", "dilation_app"):
        X_pad = np.zeros((p["in_rows"] + t + b, p["in_cols"] + l + r))
        X_pad[t:t + p["in_rows"], l:l + p["in_cols"]] = X[0, :, :, 0]
        np.testing.assert_array_equal(drawn(b_.x_pad), X_pad)
        np.testing.assert_allclose(drawn(b_.z), conv2D_loops(X, W, s, p["pad"], d)[0, :, :, 0])
        assert f"Z shape: (1, {oh}, {ow}, 1)" in text
        taps = [(i * s + ki * (d + 1), j * s + kj * (d + 1)) for ki in range(p["fr"]) for kj in range(p["fc"])]
        assert [(round(q.get_y() + 0.5), round(q.get_x() + 0.5)) for q in b_.taps.patches] == taps
    if name in ("im2col_app", "gemm_app"):
        X_col = im2col_loops(X, W.shape, p["pad"], s, d)
        np.testing.assert_array_equal(app.arrays["X_col"], X_col)
        np.testing.assert_array_equal(drawn(b_.x_col), X_col)
        column = (i * ow + j) * n_ex + p["example"]
        assert round(b_.column.patches[0].get_x() + 0.5) == column
        assert f"= {column}" in text
        assert f"ratio {X_col.size / X.size:.3g}" in text
    if name == "gemm_app":
        Z = conv2D_loops(X, W, s, p["pad"], d)
        np.testing.assert_allclose(drawn(b_.z_col), app.arrays["W_col"] @ X_col)
        np.testing.assert_allclose(drawn(b_.z), Z[p["example"], :, :, 0])
        np.testing.assert_allclose(app.arrays["Z"], Z)
    if name == "col2im_app":
        dX, _ = conv2D_backward_loops(app.arrays["dZ"], X, W, s, p["pad"], d)
        np.testing.assert_allclose(drawn(b_.dx), dX[0, :, :, 0], atol=1e-12)
        ones = np.ones((p["fr"] * p["fc"], oh * ow))
        np.testing.assert_array_equal(drawn(b_.counts),
                                      col2im_loops(ones, X.shape, W.shape, p["pad"], s, d)[0, :, :, 0])


def check_1D(app, p):
    X, W = app.arrays["X"], app.arrays["W"]
    assert X.shape == (1, p["l_in"], p["in_ch"]) and W.shape == (p["fw"], p["in_ch"], 1)
    l_out = out_1D(p)
    assert app.controls["out_pos"].max == l_out - 1
    left, right = resolved_pad_1D(p["pad"], p["l_in"], p["fw"], p["stride"], p["dilation"])
    np.testing.assert_allclose(drawn(app.builder.z), conv1D_loops(X, W, p["stride"], p["pad"], p["dilation"])[0].T)
    X_col = im2col_loops(X[:, None], W[None].shape, (0, 0, left, right), (1, p["stride"]), (0, p["dilation"]))
    np.testing.assert_array_equal(drawn(app.builder.x_col), X_col)
    text = re.sub("<[^>]+>", "", app.readout.value)
    assert f"l_out = ({p['l_in']} + {left} + {right} - " in text and f"= {l_out}" in text
    t = p["out_pos"]
    taps = [round(q.get_x() + 0.5) for q in app.builder.taps.patches]
    assert taps == [t * p["stride"] + k * (p["dilation"] + 1) for k in range(p["fw"])]


def check(name, app):
    p = params(app)
    error = library_error(name, p)
    if error is not None:
        assert error in app.message.value.replace("&#x27;", "'")
        assert app.builder.status.get_text().startswith("not updated")
        assert "not updated" in app.readout.value
        # the readout says why, with the numbers: a padded length shorter than the kernel
        text = re.sub("<[^>]+>", "", app.readout.value).replace("&lt;", "<")
        d = p["dilation"]
        if name == "conv1d_app":
            left, right = resolved_pad_1D(p["pad"], p["l_in"], p["fw"], p["stride"], d)
            sides = [(p["l_in"], left, right, p["fw"])]
        else:
            t, b, l, r = resolved_pad_2D(p["pad"], p["in_rows"], p["in_cols"], p["fr"], p["fc"], p["stride"], d)
            sides = [(p["in_rows"], t, b, p["fr"]), (p["in_cols"], l, r, p["fc"])]
        short = [(n + x + y, k + (k - 1) * d) for n, x, y, k in sides if n + x + y < k + (k - 1) * d]
        assert short and all(f"(no window fits: {m} < {e})" in text for m, e in short)
        return False
    assert app.message.value == ""
    assert app.builder.status.get_text() == ""
    if name == "conv1d_app":
        check_1D(app, p)
    else:
        check_2D(name, app, p)
    return True


def choices(name, key):
    if key == "pad":
        return PADS_1D if name == "conv1d_app" else PADS_2D
    lo, hi = {"in_rows": (1, 8), "in_cols": (1, 8), "l_in": (1, 14), "in_ch": (1, 3), "n_ex": (1, 3),
              "out_ch": (1, 3), "fr": (1, 5), "fc": (1, 5), "fw": (1, 5), "stride": (1, 3),
              "dilation": (0, 3)}.get(key, (0, 6))
    return list(range(lo, hi + 1))


@pytest.mark.parametrize("name", APPS)
def test_contract(name):
    app = make(name)
    assert isinstance(app, widgets.VBox) and isinstance(app, ct.widgets.App)
    assert isinstance(app.figure, Figure)
    assert list(app.controls) == CONTROLS[name]
    assert isinstance(app.readout, widgets.HTML) and "conv-teach-readout" in app.readout._dom_classes
    assert isinstance(app.message, widgets.HTML) and "conv-teach-error" in app.message._dom_classes
    assert app.message.value == ""
    assert isinstance(app.controls["pad"], widgets.Dropdown)
    pads = [v for _, v in app.controls["pad"].options]
    assert pads == (PADS_1D if name == "conv1d_app" else PADS_2D)
    for key, w in app.controls.items():
        if key != "pad":
            assert isinstance(w, widgets.IntSlider)
    assert app.view in app.children and app.readout in app.children and app.message in app.children
    assert check(name, app)
    if hasattr(app, "_repr_mimebundle_"):
        app._repr_mimebundle_()        # displayable (ipywidgets 8)
    else:                              # ipywidgets 7 (Colab) displays through this hook;
        assert callable(app._ipython_display_)   # test_widgets_kernel shows it in a kernel


@pytest.mark.parametrize("name", APPS)
def test_walk_through_many_settings(name):
    """A seeded random walk over the controls (valid and rejected values) on one instance.

    After three rejected steps in a row the walk sets pad='same' (which always fits),
    which is also how a student gets out of a bad corner.
    """
    rng = random.Random(name)
    app = make(name)
    valid = rejected = in_a_row = 0
    for _ in range(60):
        key = rng.choice(CONTROLS[name])
        if in_a_row >= 3:
            key, value = "pad", "same"
        elif key in ("out_row", "out_col", "out_pos", "example"):
            value = rng.randint(0, app.controls[key].max)
        else:
            value = rng.choice(choices(name, key))
        app.controls[key].value = value
        ok = check(name, app)
        valid, rejected, in_a_row = valid + ok, rejected + (not ok), 0 if ok else in_a_row + 1
    assert valid >= 20 and rejected >= 1


BAD = {  # a rejected combination and the change that makes it valid again
    "padding_app": (dict(in_rows=2, fr=5, pad=0), dict(pad=2)),
    "dilation_app": (dict(in_rows=3, dilation=2, pad="valid"), dict(dilation=0)),
    "im2col_app": (dict(in_cols=2, fc=4, pad=0), dict(fc=2)),
    "gemm_app": (dict(in_rows=1, fr=3, pad=(1, 0, 2, 0)), dict(in_rows=2)),
    "conv1d_app": (dict(l_in=3, fw=5, pad=0), dict(pad="causal")),
    "col2im_app": (dict(in_rows=2, in_cols=2, fr=4, pad=0), dict(pad=1)),
}


@pytest.mark.parametrize("name", APPS)
def test_rejected_combination_shows_the_message_and_recovers(name):
    app = make(name)
    bad, fix = BAD[name]
    for key, value in bad.items():
        if app.message.value == "":          # the last valid picture, before this step
            before = {k: v.copy() for k, v in app.arrays.items()}
            images = [drawn(p).copy() for p in app.builder.panels]
        app.controls[key].value = value
    p = params(app)
    error = library_error(name, p)
    assert error is not None and ("larger than the padded input" in error or "longer than" in error)
    assert error in app.message.value.replace("&#x27;", "'")
    assert app.builder.status.get_text().startswith("not updated: ")
    assert all(panel.image.get_alpha() < 1 for panel in app.builder.panels)
    # the last valid picture and arrays are still there
    for k, v in before.items():
        np.testing.assert_array_equal(app.arrays[k], v)
    for panel, img in zip(app.builder.panels, images):
        np.testing.assert_array_equal(drawn(panel), img)
    # the controls still work: another bad value keeps the message, a good one recovers
    for key, value in fix.items():
        app.controls[key].value = value
    assert app.message.value == "" and app.builder.status.get_text() == ""
    assert all(panel.image.get_alpha() == 1 for panel in app.builder.panels)
    assert check(name, app)


def test_cell_selectors_follow_the_output_size_and_clamp():
    app = make("padding_app", in_rows=6, in_cols=6, pad=1)
    app.controls["out_row"].value = 5
    app.controls["out_col"].value = 5
    app.controls["stride"].value = 2                     # out = (6 + 2 - 3) // 2 + 1 = 3
    assert app.controls["out_row"].max == 2 and app.controls["out_row"].value == 2
    assert app.arrays["Z"].shape == (1, 3, 3, 1)
    assert [(round(q.get_y() + 0.5), round(q.get_x() + 0.5)) for q in app.builder.cell.patches] == [(2, 2)]
    app.controls["stride"].value = 1
    assert app.controls["out_row"].max == 5 and app.controls["out_row"].value == 2


def test_initial_values_are_used_and_unknown_names_are_refused():
    app = make("im2col_app", in_rows=3, in_cols=4, n_ex=2, in_ch=2, stride=2, pad="same", example=1)
    assert app.arrays["X"].shape == (2, 3, 4, 2)
    assert check("im2col_app", app)
    with pytest.raises(TypeError, match="unknown control.*'?kernel"):
        make("padding_app", kernel=3)


def test_an_invalid_start_still_shows_a_picture():
    app = make("padding_app", in_rows=2, fr=5, pad=0)
    assert "larger than the padded input" in app.message.value
    assert app.builder.status.get_text().startswith("not updated")
    assert drawn(app.builder.x_pad).size > 0            # the defaults' picture, greyed
    app.controls["fr"].value = 2
    assert app.message.value == "" and check("padding_app", app)


def test_a_pad_outside_the_menu_is_added_and_checked_by_the_library():
    app = make("padding_app", pad=(2, 0, 0, 1))
    assert app.controls["pad"].value == (2, 0, 0, 1)
    assert check("padding_app", app)
