"""Which lessons the browser tests open, and what the view each lesson shows must then show.

Each lesson builds one linked view (``conv_teach.views``) in a cell; :func:`lesson_view` reads
that call (builder and keyword arguments) from the lesson file itself, so the test process
builds the same view and asks it (``view.linked``). What must be lit is also checked against
the loop reference (``reference.receptive_field``, through ``browser_views.receptive_oracle``),
and what the readout must say is computed here with the library (``conv_out_shape``,
``pad2D``) from the control values read in the page, never copied from the view.
"""
import ast

import nbformat
import numpy as np

import browser_page as pt
import browser_views as bv
import conv_teach as ct

# notebook, the slider moved one step with the keyboard, expectation (below)
LAB = [
    ("01_padding.ipynb", "stride", "expect_padding"),
    ("03_im2col.ipynb", "stride", "expect_im2col"),
]
# present mode (conv-teach present): the same, for lesson 03
VOILA = [
    ("03_im2col.ipynb", "stride", "expect_im2col"),
]


def lesson_view(path):
    """``(builder name, kwargs)`` of the one ``xxx_view(...)`` call in the lesson at ``path``."""
    calls = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "_view(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in bv.VIEWS:
                    calls.append((name, {k.arg: ast.literal_eval(k.value) for k in node.keywords}))
    assert len(calls) == 1, f"{path}: expected one view built in the lesson, found {calls}"
    return calls[0]


def in_lesson(page, name):
    """The lesson's view in the page: its output area holds the controls and the drawing."""
    box = page.locator(f".jp-OutputArea-output:has(.ct-view[data-view='{name}'])").first
    return bv.ViewInPage(page, name, box=box)


def page_values(vp):
    """{name: value} of the view's sliders and dropdowns, as the page shows them."""
    values = {}
    for box in vp.box.locator(".widget-slider").all():
        label = box.locator(".widget-label").inner_text().strip()
        values[label] = int(box.locator(".widget-readout").inner_text().strip())
    for box in vp.box.locator(".widget-dropdown").all():
        label = box.locator(".widget-label").inner_text().strip()
        shown = box.locator("select").evaluate("s => s.options[s.selectedIndex].text")
        values[label] = ast.literal_eval(shown)   # the pad choices are Python literals: 1, 'same', (1, 2)
    return values


class Expected:
    """What the readout must show: lines (prefix, suffix), or the library's error message."""

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
        return None, str(e).split(": ", 1)[1]  # drop the function name: the view calls conv2D
    _, (t, b, l, r) = ct.pad2D(np.zeros((1, v["in_rows"], v["in_cols"], 1)), v["pad"],
                               (v["fr"], v["fc"]), v["stride"], d)
    rows = (f"out_rows = ({v['in_rows']} + {t} + {b} - ", f") // {v['stride']} + 1 = {oh}")
    cols = (f"out_cols = ({v['in_cols']} + {l} + {r} - ", f") // {v['stride']} + 1 = {ow}")
    return (oh, ow, rows, cols), None


def expect_im2col(v):
    """im2col_view: ``X_col`` is ``(in_ch*fr*fc, out_rows*out_cols*n_ex)``, and the formulas."""
    n_ex, in_ch = v["n_ex"], v["in_ch"]
    out, error = _conv2D(v, n_ex, in_ch)
    if error:
        return Expected(error=error)
    oh, ow, rows, cols = out
    return Expected([(f"X_col shape: ({in_ch * v['fr'] * v['fc']}, {oh * ow * n_ex})", ""), rows, cols])


def expect_padding(v):
    """padding_view (one example, one channel): ``Z`` is ``(1, out_rows, out_cols, 1)``."""
    out, error = _conv2D(v, 1, 1)
    if error:
        return Expected(error=error)
    oh, ow, rows, cols = out
    return Expected([(f"Z shape: (1, {oh}, {ow}, 1)", ""), rows, cols])


EXPECT = {"expect_im2col": expect_im2col, "expect_padding": expect_padding}


def check_readout(vp, expect, tag):
    """The view's readout (``.ct-readout``) shows what the library computes for its controls as
    they are in the page (or ``.ct-message`` the library's message). Returns the values."""
    values = page_values(vp)
    want = EXPECT[expect](values)
    if want.error:
        text = pt.wait_text(vp.root.locator(".ct-message"), lambda t: want.error in t)
        assert want.error in text, f"{tag}: message {text!r} lacks the library's {want.error!r} ({values})"
    else:
        text = pt.wait_text(vp.root.locator(".ct-readout"), want.readout_ok)
        assert want.readout_ok(text), f"{tag}: readout {text!r} lacks {want} (library, for {values})"
        message = vp.root.locator(".ct-message").inner_text().strip()
        assert not message, f"{tag}: the view shows a message for {values}: {message}"
    return values


def check_output_hover(vp, view, tag):
    """Hover an output cell (the middle one of ``Z``): the lit cells are exactly
    ``view.linked`` (drawn part), and the lit ``X_pad`` cells exactly its receptive field by the
    loop reference. Returns ``(index, number of X_pad cells lit)``."""
    drawn = set(vp.cells())
    _, index = bv.pick(vp.cells("Z"))
    got = vp.hover("Z", index)
    want = bv.linked_set(view, "Z", index) & drawn
    assert ("Z", index) in got, f"{tag}: hovering Z {index} does not light itself"
    assert got == want, (f"{tag}: hovering Z {index}: lit but not linked {sorted(got - want)[:6]}, "
                         f"linked but not lit {sorted(want - got)[:6]}")
    other, field = bv.receptive_oracle(view, "Z", index)
    lit = {c for c in got if c[0] == other}
    assert lit and lit == field & drawn, \
        f"{tag}: hovering Z {index}: lit {other} {sorted(lit)} is not its receptive field {sorted(field)}"
    vp.unhover()
    return index, len(lit)


def check_lesson_view(page, notebook_path, slider, expect, tag, screenshots):
    """The lesson's view as loaded, hovered, and after one slider step (key press). Returns
    seconds from the key press to the redraw (``data-render`` raised)."""
    name, kwargs = lesson_view(notebook_path)
    vp = in_lesson(page, name)
    vp.wait()
    view = bv.build(name, **kwargs)
    assert not view.message, f"{tag}: the lesson's {name}({kwargs}) is rejected: {view.message}"
    check_readout(vp, expect, f"{tag} as loaded")
    check_output_hover(vp, view, f"{tag} as loaded")
    vp.box.screenshot(path=str(screenshots / f"{tag}_view_before.png"))

    step = bv.check_slider_step(vp, view, tag, control=slider, how="key")
    assert step, f"{tag}: the view has no {slider!r} slider"
    check_readout(vp, expect, f"{tag} after {slider} {step[1]} -> {step[2]}")
    check_output_hover(vp, view, f"{tag} after {slider} {step[1]} -> {step[2]}")
    vp.box.screenshot(path=str(screenshots / f"{tag}_view_after_step.png"))
    return step[3]
