"""Which lessons the browser tests open, and what the view each lesson shows must then show.

Each lesson builds one linked view (``conv_teach.views``) in a cell; :func:`lesson_view` reads
that call (builder and keyword arguments) from the lesson file itself, so the test process
builds the same view and asks it (``view.linked``). A data argument that is a name in the
lesson (``pool_view(X=X4, ...)``) is read back from the numbers the page draws in that panel.
What must be lit is also checked against the loop reference (``reference.receptive_field``,
:func:`window_oracle`: all channels for a convolution, the output's group for a grouped one,
its own channel for pooling), and what the readout must say is computed here with the library
(``conv_out_shape``, ``pad2D``) from the control values read in the page, never copied from
the view.
"""
import ast

import nbformat
import numpy as np

import browser_page as pt
import browser_views as bv
import conv_teach as ct
from conv_teach import reference

# notebook, the slider moved one step with the keyboard, expectation (below)
LAB = [
    ("01_padding.ipynb", "stride", "expect_padding"),
    ("03_im2col.ipynb", "stride", "expect_im2col"),
    ("09_grouped_depthwise.ipynb", "stride", "expect_groups"),
    ("10_pooling_backward.ipynb", "stride", "expect_pool"),
]
# present mode (conv-teach present): the same, for lesson 03
VOILA = [
    ("03_im2col.ipynb", "stride", "expect_im2col"),
]


class FromPage:
    """A data argument the lesson passes by name (``X=X4``): read it from the page's panel."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<{self.name} as the page draws it>"


def _argument(node):
    return FromPage(node.id) if isinstance(node, ast.Name) else ast.literal_eval(node)


def lesson_view(path):
    """``(builder name, kwargs)`` of the one ``xxx_view(...)`` call in the lesson at ``path``."""
    import conv_teach.views as V
    calls = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "_view(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name.endswith("_view") and name in V.__all__:
                    calls.append((name, {k.arg: _argument(k.value) for k in node.keywords}))
    assert len(calls) == 1, f"{path}: expected one view built in the lesson, found {calls}"
    return calls[0]


def data_from_page(vp, kwargs):
    """``kwargs`` with every :class:`FromPage` argument (``X=``) replaced by the array the page
    draws in the panel of that keyword, from the cells' accessible labels."""
    out = dict(kwargs)
    for key, value in kwargs.items():
        if isinstance(value, FromPage):
            shown = vp.values(key)
            assert shown, f"the page draws no {key} panel to read {value!r} from"
            A = np.zeros(tuple(max(i[k] for i in shown) + 1 for k in range(len(next(iter(shown))))))
            for index, number in shown.items():
                A[index] = number
            out[key] = A
    return out


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


def expect_pool(v):
    """pool_view: ``Z = maxpool2D(X, (fr, fc), stride=...`` with conv2D's output-size formulas
    (pooling uses the same windows); ``Z``'s shape from the library's ``conv_out_shape``."""
    out, error = _conv2D(v, 1, v["in_ch"])
    if error:
        return Expected(error=error)
    oh, ow, rows, cols = out
    call = f"Z = {v['mode']}pool2D(X, ({v['fr']}, {v['fc']}), stride={v['stride']}"
    return Expected([(call, ""), rows, cols])


def expect_groups(v):
    """groups_view: conv2D's size formulas, and the weights and multiply-adds of this grouped
    convolution, a full one and depthwise + 1 x 1, counted here from the controls."""
    out, error = _conv2D(v, 1, v["in_ch"])
    if error:
        return Expected(error=error)
    oh, ow, rows, cols = out
    k, g, cin, cout = v["fr"] * v["fc"], v["groups"], v["in_ch"], v["out_ch"]
    this, full, separable = k * (cin // g) * cout, k * cin * cout, k * cin + cin * cout
    return Expected([rows, cols, (f"weights: this conv (groups={g}) ", f" = {separable}"),
                     (f"multiply-adds per example (x out_rows*out_cols = {oh}*{ow} = {oh * ow}): "
                      f"this conv {this * oh * ow}; full {full * oh * ow}; ",
                      f"depthwise-separable {separable * oh * ow}")])


EXPECT = {"expect_im2col": expect_im2col, "expect_padding": expect_padding, "expect_pool": expect_pool,
          "expect_groups": expect_groups}


def window_oracle(view, index):
    """``(panel, cells)``: the ``X_pad`` cells output ``index`` of ``Z`` reads by the loop
    reference (``reference.receptive_field`` of the view's window), in the channels it reads:
    every input channel for a convolution, its group's for a grouped one, its own for pooling."""
    arrays, c = view.arrays, {k: w.value for k, w in view.controls.items()}
    n, i, j, o = index
    fr, fc = (c["fr"], c["fc"]) if "fr" in c else arrays["W"].shape[:2]
    in_ch = arrays["X_pad"].shape[3]
    if view.name == "pool_view":
        channels = [o]
    elif view.name == "groups_view":
        per_in, per_out = in_ch // c["groups"], arrays["Z"].shape[3] // c["groups"]
        channels = range((o // per_out) * per_in, (o // per_out + 1) * per_in)
    else:
        channels = range(in_ch)
    taps = reference.receptive_field((i, j), (fr, fc), c.get("stride", 1), dilation=c.get("dilation", 0))
    return "X_pad", {("X_pad", (n, r, q, ch)) for r, q in taps for ch in channels}


def check_readout(vp, expect, tag):
    """The view's readout (``.ct-readout``) shows what the library computes for its controls as
    they are in the page (or ``.ct-message`` the library's message). Returns the values.

    The view is scrolled into sight first, as a reader would: views carry
    ``content-visibility: auto`` (a step repaints only the views on screen), so the text of
    one scrolled out of sight is not rendered and ``innerText`` reads ''."""
    vp.root.scroll_into_view_if_needed()
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
    other, field = window_oracle(view, index)
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
    view = bv.build(name, **data_from_page(vp, kwargs))
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
