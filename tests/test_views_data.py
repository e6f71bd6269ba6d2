"""The views' data arguments: ``X=`` and ``W=`` (col2im_view: ``dZ=``) draw the user's own numbers.

What is drawn is the given array and the library's result on it (loop references as the
oracle); the shape controls the array sets follow it and are disabled, the others still work;
bad input is refused at once with a message naming the argument and the fix.
"""
import ipywidgets
import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

import conv_teach as ct
from conv_teach import reference as ref
import conv_teach.views as V
from conv_teach.views.builders import DEFAULTS

#: builder -> (X shape axes it may vary, W axes); 1 where the view draws one of an axis
LAYOUT = {
    "padding_view": ((1, "r", "c", 1), ("fr", "fc", 1, 1)),
    "dilation_view": ((1, "r", "c", 1), ("fr", "fc", 1, 1)),
    "im2col_view": (("n", "r", "c", "ch"), ("fr", "fc", "ch", 1)),
    "gemm_view": (("n", "r", "c", "ch"), ("fr", "fc", "ch", "o")),
    "transpose_view": ((1, "r", "c", 1), ("fr", "fc", 1, 1)),
}


def shapes(draw, view):
    sizes = dict(n=draw(st.integers(1, 2)), r=draw(st.integers(2, 6)), c=draw(st.integers(2, 6)),
                 ch=draw(st.integers(1, 2)), o=draw(st.integers(1, 2)), fr=draw(st.integers(1, 2)),
                 fc=draw(st.integers(1, 2)))
    xs, ws = LAYOUT[view]
    return tuple(sizes.get(a, a) for a in xs), tuple(sizes.get(a, a) for a in ws)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_the_given_arrays_are_drawn_and_the_result_is_the_library_s(data):
    view = data.draw(st.sampled_from(sorted(LAYOUT)))
    xs, ws = shapes(data.draw, view)
    rng = np.random.default_rng(data.draw(st.integers(0, 99)))
    X = rng.integers(-9, 10, xs).astype(float)
    W = rng.integers(-3, 4, ws).astype(float)
    pad = data.draw(st.sampled_from([0, 1, "same", (1, 0, 0, 1)]))
    stride = data.draw(st.integers(1, 2))
    kw = dict(pad=pad, stride=stride) if view != "transpose_view" else dict(pad=0, stride=stride)
    try:
        v = getattr(V, view)(X=X, W=W, **kw)
    except ValueError as e:                      # only the library may reject (its own words)
        assert str(e).startswith(("conv2D", "conv2D_transpose")), e
        event("rejected by the library")
        return
    event(f"drawn: {view}")      # --hypothesis-show-statistics: most examples are drawn
    a = v.arrays
    np.testing.assert_array_equal(a["W"], W)
    if view == "transpose_view":
        np.testing.assert_array_equal(a["X"], X)
        np.testing.assert_allclose(a["Z"], ref.conv2D_transpose_loops(X, W, stride, 0, 0, 0))
    else:
        _, (t, b, l, r) = ct.pad2D(X, pad, W.shape[:2], stride, v.values().get("dilation", 0))
        np.testing.assert_array_equal(a["X_pad"][:, t:t + X.shape[1], l:l + X.shape[2]], X)
        np.testing.assert_allclose(a["Z"], ref.conv2D_loops(X, W, stride, pad, v.values().get("dilation", 0)))
    for name, size in zip(("in_rows", "in_cols"), X.shape[1:3]):
        assert v.controls[name].value == size and v.controls[name].disabled
        assert _tooltip(v.controls[name]).startswith(f"{name} is fixed by the X passed to this view")
    for name, size in zip(("fr", "fc"), W.shape[:2]):
        assert v.controls[name].value == size and v.controls[name].disabled
    assert not v.controls["stride"].disabled and not v.controls["pad"].disabled
    assert not _tooltip(v.controls["stride"]) and not _tooltip(v.controls["pad"])


def _tooltip(w):
    """A control's hover text, ipywidgets 8 (``tooltip``) or 7.7 (``description_tooltip``)."""
    return getattr(w, "tooltip", None) if "tooltip" in w.trait_names() else w.description_tooltip


def test_a_disabled_control_says_which_array_fixes_it():
    X, W = np.ones((1, 5, 4, 2)), np.ones((3, 2, 2, 1))
    v = V.im2col_view(X=X, W=W)
    assert _tooltip(v.controls["in_rows"]) == (
        "in_rows is fixed by the X passed to this view (its axis 1)")
    assert _tooltip(v.controls["in_ch"]) == ("in_ch is fixed by the X passed to this view (its axis 3) and the W "
                                             "passed to this view (its axis 2)")
    assert _tooltip(v.controls["fc"]).startswith("fc is fixed by the W passed to this view (its axis 1)")
    assert not _tooltip(V.im2col_view().controls["in_rows"])


def test_conv1d_and_col2im_take_their_own_layouts():
    x = np.arange(7.)
    v = V.conv1d_view(X=x[None, :, None], W=np.array([1., 0, -1])[:, None, None], pad="causal")
    np.testing.assert_allclose(v.arrays["Z"], ref.conv1D_loops(x[None, :, None], np.array([1., 0, -1])[:, None, None],
                                                               1, "causal", 0))
    assert v.controls["l_in"].value == 7 and v.controls["l_in"].disabled and v.controls["fw"].disabled
    dZ = np.arange(16.).reshape(1, 4, 4, 1)
    W = np.ones((3, 3, 1, 1))
    v = V.col2im_view(dZ=dZ, W=W)                     # 4x4, 3x3, pad 1: the output is 4x4
    np.testing.assert_array_equal(v.arrays["dZ"], dZ)
    np.testing.assert_allclose(v.arrays["dX"], ref.conv2D_backward_loops(dZ, np.zeros((1, 4, 4, 1)), W, 1, 1)[0])
    v.controls["stride"].value = 2                    # dZ no longer fits: the library says so
    assert v.message.startswith("ValueError: conv2D_backward: dZ must have the shape")
    v.controls["stride"].value = 1
    assert v.message == ""


def test_the_controls_keep_working_and_the_array_stays():
    crop = np.arange(36.).reshape(6, 6)
    v = V.padding_view(X=crop[None, :, :, None], pad=0)
    v.controls["fr"].value = 2
    v.controls["stride"].value = 2
    np.testing.assert_array_equal(v.arrays["X"][0, :, :, 0], crop)
    np.testing.assert_allclose(v.arrays["Z"], ref.conv2D_loops(crop[None, :, :, None], v.arrays["W"], 2, 0))
    assert v.arrays["W"].shape == (2, 3, 1, 1)         # W not given: the view's own, resized
    crop[0, 0] = -100                                  # the view keeps its own copy
    assert v.arrays["X"][0, 0, 0, 0] == 0
    assert "X" in v.data and v.data["X"].dtype == np.float64


@pytest.mark.parametrize("view, kwargs, error, message", [
    ("padding_view", dict(X=np.zeros((6, 6))), ValueError,
     r"padding_view: X must be 4-D \(n_ex, in_rows, in_cols, in_ch\), got shape \(6, 6\) \(2-D\)\. "
     r"A single grey image img \(rows, cols\) is img\[None, :, :, None\]\."),
    ("padding_view", dict(W=np.zeros((3, 3))), ValueError,
     r"W must be 4-D \(fr, fc, in_ch, out_ch\).*k\[:, :, None, None\]"),
    ("conv1d_view", dict(X=np.zeros(5)), ValueError, r"x\[None, :, None\]"),
    ("padding_view", dict(X=np.zeros((1, 4, 4, 3))), ValueError,
     r"X.shape\[3\] is in_ch, which this view draws only one of; got shape \(1, 4, 4, 3\). Pass X of "
     r"shape \(1, in_rows, in_cols, 1\), e.g. X\[:, :, :, 0:1\] \(im2col_view and gemm_view draw several\)"),
    ("im2col_view", dict(X=np.zeros((1, 270, 250, 1))), ValueError,
     r"in_rows = 270, more than the 16 a view draws legibly. Pass a crop"),
    ("im2col_view", dict(X=np.zeros((1, 4, 4, 2)), W=np.zeros((3, 3, 1, 1))), ValueError,
     r"X.shape\[3\] = 2 and W.shape\[2\] = 1 are both in_ch; they must agree"),
    ("gemm_view", dict(X=np.zeros((1, 4, 4, 1)), out_ch=2, W=np.zeros((3, 3, 1, 3))), ValueError,
     r"out_ch=2 contradicts W.shape\[3\] = 3"),
    ("padding_view", dict(X=np.array([[[[np.nan]]]])), ValueError, r"X holds nan at \(0, 0, 0, 0\)"),
    ("padding_view", dict(X=np.ones((1, 3, 3, 1), bool)), TypeError, "Bools are not numbers here"),
    ("padding_view", dict(X=[[1, 2], [3]]), ValueError, "numpy cannot make into one array"),
    ("padding_view", dict(X=np.ma.masked_array(np.zeros((1, 3, 3, 1)))), TypeError, "masked array"),
    ("padding_view", dict(X=np.zeros((1, 2, 2, 1)), pad=0), ValueError, r"conv2D: kernel \(3x3"),
    ("col2im_view", dict(X=np.zeros((1, 4, 4, 1))), TypeError, r"unknown control\(s\) X.*dZ= \(data\)"),
])
def test_bad_data_is_refused_in_words(view, kwargs, error, message):
    with pytest.raises(error, match=message):
        getattr(V, view)(**kwargs)


IPYW8 = int(ipywidgets.__version__.split(".")[0]) >= 8


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_a_free_control_has_an_empty_tooltip_never_none(name):
    """ipywidgets 8.1.9's front end writes ``label.title = tooltip``: None (the trait's default)
    shows the word "null" on hover. 7.7's ``description_tooltip`` None shows the description."""
    v = getattr(V, name)()
    row = v.children[0]
    for key, w in v.controls.items():
        got = w.tooltip if IPYW8 else w.description_tooltip
        assert got == "", f"{name}: control {key} has the tooltip {got!r}, not ''"
        assert w in row.children, f"{name}: control {key} is not laid out on its own"


def test_a_control_fixed_by_data_says_so_on_all_of_it_in_ipywidgets_8():
    """The box around a fixed control carries the words as its ``tooltip`` (the ``title`` of the
    whole control) and an empty ``description`` (8.1.9's front end reads its length); 7.7 has
    no such trait: the words stay on the label and the control is laid out alone."""
    words = "in_rows is fixed by the X passed to this view (its axis 1)"
    v = V.padding_view(X=np.ones((1, 4, 5, 1)))
    row = v.children[0]
    slider = v.controls["in_rows"]
    if not IPYW8:
        assert slider.description_tooltip == words
        assert slider in row.children and "tooltip" not in ipywidgets.Box.class_trait_names()
        return
    assert slider.tooltip == words                                 # on the label
    boxes = [b for b in row.children if isinstance(b, ipywidgets.Box)]
    assert [b.children for b in boxes] == [(slider,), (v.controls["in_cols"],)]
    state = boxes[0].get_state()
    assert state["tooltip"] == words and state["description"] == ""
    assert boxes[1].get_state()["tooltip"] == "in_cols is fixed by the X passed to this view (its axis 2)"
    for key in ("fr", "fc", "stride", "pad"):
        assert v.controls[key] in row.children
    slider.tooltip = "other words"                                 # the box follows the control
    assert boxes[0].tooltip == "other words"
    assert v.values()["in_rows"] == 4 and slider.disabled
