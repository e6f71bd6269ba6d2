"""Which lessons the browser tests open, which sliders they move, and what the app must then say.

What the readout must show is computed here with the library (``conv_out_shape``, ``pad2D``,
``effective_kernel``) from the control values read in the page, never copied from the app.
"""
import ast
import time

import numpy as np

import browser_page as pt
import conv_teach as ct


def page_values(app):
    """{name: value} of the app's sliders and dropdowns, as the page shows them."""
    values = {}
    for box in app.locator(".widget-slider").all():
        label = box.locator(".widget-label").inner_text().strip()
        values[label] = int(box.locator(".widget-readout").inner_text().strip())
    for box in app.locator(".widget-dropdown").all():
        label = box.locator(".widget-label").inner_text().strip()
        shown = box.locator("select").evaluate("s => s.options[s.selectedIndex].text")
        values[label] = ast.literal_eval(shown)   # the pad choices are Python literals: 1, 'same', (1, 2)
    return values


class Expected:
    """What the app must show: readout lines (prefix, suffix), or the library's error message."""

    def __init__(self, lines=(), error=None):
        self.lines, self.error = list(lines), error

    def readout_ok(self, text):
        rows = [r.strip() for r in text.splitlines()]
        return all(any(r.startswith(pre) and r.endswith(suf) for r in rows) for pre, suf in self.lines)

    def __repr__(self):
        return f"error {self.error!r}" if self.error else f"readout lines {self.lines}"


def _conv2D(v, n_ex, in_ch):
    """Output size and resolved pad for the page's values, or the library's error."""
    d = v.get("dilation", 0)
    try:
        _, oh, ow, _ = ct.conv_out_shape((n_ex, v["in_rows"], v["in_cols"], in_ch),
                                         (v["fr"], v["fc"], in_ch, 1), v["stride"], v["pad"], d)
    except ValueError as e:
        return None, str(e).split(": ", 1)[1]  # drop the function name: the app calls conv2D
    _, (t, b, l, r) = ct.pad2D(np.zeros((1, v["in_rows"], v["in_cols"], 1)), v["pad"],
                               (v["fr"], v["fc"]), v["stride"], d)
    rows = (f"out_rows = ({v['in_rows']} + {t} + {b} - ", f") // {v['stride']} + 1 = {oh}")
    cols = (f"out_cols = ({v['in_cols']} + {l} + {r} - ", f") // {v['stride']} + 1 = {ow}")
    return (oh, ow, rows, cols), None


def expect_im2col(v):
    """im2col_app: ``X_col`` is ``(in_ch*fr*fc, out_rows*out_cols*n_ex)``, and the formulas."""
    n_ex, in_ch = v["n_ex"], v["in_ch"]
    out, error = _conv2D(v, n_ex, in_ch)
    if error:
        return Expected(error=error)
    oh, ow, rows, cols = out
    return Expected([(f"X_col shape: ({in_ch * v['fr'] * v['fc']}, {oh * ow * n_ex})", ""), rows, cols])


def expect_padding(v):
    """padding_app (one example, one channel): ``Z`` is ``(1, out_rows, out_cols, 1)``."""
    out, error = _conv2D(v, 1, 1)
    if error:
        return Expected(error=error)
    oh, ow, rows, cols = out
    return Expected([(f"Z shape: (1, {oh}, {ow}, 1)", ""), rows, cols])


# notebook, slider moved with the keyboard, slider dragged with the mouse, expectation
LAB = [
    ("03_im2col.ipynb", "stride", "fr", expect_im2col),
    ("01_padding.ipynb", "stride", "in_rows", expect_padding),
]
# present mode: notebook, slider moved with the keyboard, expectation
VOILA = [
    ("03_im2col.ipynb", "stride", expect_im2col),
]


def check_app(app, expect, tag):
    """The app shows what the library computes for its controls as they are in the page."""
    values = page_values(app)
    want = expect(values)
    if want.error:
        text = pt.wait_text(app.locator(pt.ERROR), lambda t: want.error in t)
        assert want.error in text, f"{tag}: app message {text!r} lacks the library's {want.error!r} ({values})"
    else:
        text = pt.wait_text(app.locator(pt.READOUT), want.readout_ok)
        assert want.readout_ok(text), f"{tag}: readout {text!r} lacks {want} (library, for {values})"
        message = app.locator(pt.ERROR).inner_text().strip()
        assert not message, f"{tag}: the app shows an error for {values}: {message}"
    return values


def move_slider(page, app, name, how, figure, before, shot, expect):
    """Move slider ``name`` one step (``how``: 'key' = arrow key, 'drag' = mouse drag), then
    check its readout, that the figure's pixels changed and that the app shows the library's
    numbers. Returns ``(figure image after, seconds from the move to the new figure)``."""
    s = pt.Slider(app, name)
    v0 = s.value()
    _, hi = s.bounds()
    v1 = v0 + 1 if v0 < hi else v0 - 1
    t0 = time.monotonic()
    if how == "key":
        key = "ArrowRight" if v1 > v0 else "ArrowLeft"
        s.press(key)
        label, failed = f"{name} {v0} -> {v1}", f"{key} on {name}={v0} did not give {v1}"
    else:
        s.drag_to(v1)
        label, failed = f"dragging {name} {v0} -> {v1}", f"dragging {name} from {v0} towards {v1}"
    shown = pt.wait_text(s.box.locator(".widget-readout"), lambda x: x.strip() == str(v1)).strip()
    assert shown == str(v1), f"{failed}: the slider shows {shown}"
    delta, after = pt.wait_figure_change(page, figure, before, shot)
    elapsed = time.monotonic() - t0
    assert delta > pt.MIN_CHANGED, f"{label}: figure unchanged ({delta:.4f} of pixels)"
    check_app(app, expect, f"after {label}")
    return after, elapsed
