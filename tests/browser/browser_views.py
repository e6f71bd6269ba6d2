"""The linked views (``conv_teach.views``) in a page: what is lit, what is drawn, what a key does.

The DOM contract (``conv_teach/views``): the drawing's root ``.ct-view[data-view=<builder>]``
raises ``data-render`` after every redraw; every cell is a ``.ct-cell`` with ``data-panel`` (the
array's name), ``data-index`` ("i,j,k,l" in that array) and ``aria-label`` "<panel> (<index>) =
<value>"; lit cells carry ``.ct-lit``, the pinned one ``.ct-selected``.

What must be lit is never taken from the page: the test process builds the same view with the
same keyword arguments and asks it (``view.linked``, the data the kernel sends), and for 2D
views an independent oracle, ``reference.receptive_field``, says which X_pad pixels an output
reads and which outputs read a pixel.
"""
import re
import time

import nbformat
import numpy as np

import browser_page as pt
from conv_teach import present, reference

import conv_teach

VIEWS = ["padding_view", "dilation_view", "im2col_view", "gemm_view", "conv1d_view",
         "col2im_view", "transpose_view", "pool_view"]
if hasattr(conv_teach, "block_diagonal"):    # groups_view needs conv2D(groups=) (issue 13)
    VIEWS.append("groups_view")
#: views shown a second time with other settings: (marker, builder, keyword arguments)
EXTRA = [("pool_view_pad", "pool_view", dict(fr=3, fc=3, stride=1, pad=1, in_rows=5, in_cols=5)),
         # lesson 08's capstone picture: X_col has 64 columns, cut to a window on any screen
         ("im2col_view_cut", "im2col_view", dict(in_rows=8, in_cols=8, in_ch=1, n_ex=1, fr=3, fc=3,
                                                 stride=1, pad=1, dilation=0))]
STEP_S = 45
LABEL_VALUE = re.compile(r"=\s*(-?[0-9.]+(?:e[-+]?\d+)?|nan|-?inf)(?:\s*\((?:padding|no weight)\))?\s*$", re.I)
#: the array a slider step is checked on: the view's result
RESULT = {"col2im_view": "dX"}
#: the rendered height of the digits in a view's cells, px: the ink of '0123456789' (ascent +
#: descent as the browser measures it) in each number's font at its size on screen
DIGITS = """root => {
  const ctx = document.createElement('canvas').getContext('2d');
  return [...root.querySelectorAll('.ct-num')].filter(t => t.getClientRects().length).map(t => {
    const cs = getComputedStyle(t), m = t.getScreenCTM();
    const px = parseFloat(cs.fontSize) * Math.hypot(m.a, m.b);
    ctx.font = `${cs.fontWeight} ${px}px ${cs.fontFamily}`;
    const d = ctx.measureText('0123456789');
    return d.actualBoundingBoxAscent + d.actualBoundingBoxDescent;
  });
}"""


def views_notebook(path, views=VIEWS, extra=EXTRA):
    """A lesson-like notebook: per view, a tagged heading and a tagged cell showing the view
    built with its defaults (``conv_teach.views.<name>()``), marked ``ctv-<name>``; then the
    ``extra`` views (built with their keyword arguments, marked ``ctv-<marker>``)."""
    tag = {"tags": [present.PRESENT_TAG]}
    cells = [nbformat.v4.new_markdown_cell("# Views under test\n\nThis text is not presented."),
             nbformat.v4.new_code_cell("import conv_teach.views as V")]
    for name in views:
        cells.append(nbformat.v4.new_markdown_cell(f"## {name}", metadata=dict(tag)))
        cells.append(nbformat.v4.new_code_cell(
            f"v_{name} = V.{name}()\nv_{name}.add_class('ctv-{name}')\nv_{name}", metadata=dict(tag)))
    for marker, name, kwargs in extra:
        cells.append(nbformat.v4.new_markdown_cell(f"## {marker}", metadata=dict(tag)))
        cells.append(nbformat.v4.new_code_cell(
            f"v_{marker} = V.{name}(**{kwargs!r})\nv_{marker}.add_class('ctv-{marker}')\nv_{marker}",
            metadata=dict(tag)))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def build(name, **kwargs):
    import conv_teach.views as V
    return getattr(V, name)(**kwargs)


def as_key(panel, index):
    return panel, tuple(int(i) for i in index)


def linked_set(view, panel, index):
    """{(panel, index)} of ``view.linked(panel, index)``: what the kernel says lights up."""
    return {as_key(p, i) for p, cells in view.linked(panel, tuple(index)).items() for i in cells}


class ViewInPage:
    """One view's output in the page: ``box`` (the widget with its controls; by default the one
    marked ``ctv-<name>``, or the locator given), ``root`` (.ct-view)."""

    def __init__(self, page, name, box=None):
        self.page, self.name = page, name
        self.box = box if box is not None else page.locator(f".ctv-{name}").first
        self.root = self.box.locator(f".ct-view[data-view='{name}']").first

    def wait(self, timeout=STEP_S):
        self.root.wait_for(state="visible", timeout=timeout * 1000)
        self.page.wait_for_function("r => Number(r.getAttribute('data-render')) >= 1",
                                    arg=self.root.element_handle(), timeout=timeout * 1000)

    def render_count(self):
        return int(self.root.get_attribute("data-render"))

    def cells(self, panel=None):
        """[(panel, index)] of the drawn cells, in DOM order."""
        raw = self.root.evaluate(
            "(r, p) => [...r.querySelectorAll('.ct-cell')].filter(e => !p || e.dataset.panel === p)"
            ".map(e => [e.dataset.panel, e.dataset.index])", panel)
        return [as_key(p, i.split(",")) for p, i in raw]

    def panels(self):
        return sorted({p for p, _ in self.cells()})

    def lit(self):
        raw = self.root.evaluate(
            "r => [...r.querySelectorAll('.ct-cell.ct-lit')].map(e => [e.dataset.panel, e.dataset.index])")
        return {as_key(p, i.split(",")) for p, i in raw}

    def picked(self):
        """{(panel, index)} of the cells marked picked (pool_view: a window's maximum)."""
        raw = self.root.evaluate(
            "r => [...r.querySelectorAll('.ct-cell.ct-picked')].map(e => [e.dataset.panel, e.dataset.index])")
        return {as_key(p, i.split(",")) for p, i in raw}

    def selected(self):
        raw = self.root.evaluate(
            "r => [...r.querySelectorAll('.ct-cell.ct-selected')].map(e => [e.dataset.panel, e.dataset.index])")
        return [as_key(p, i.split(",")) for p, i in raw]

    def cell(self, panel, index):
        idx = ",".join(str(int(i)) for i in index)
        return self.root.locator(f".ct-cell[data-panel='{panel}'][data-index='{idx}']").first

    def values(self, panel):
        """{index: value} of a panel as its cells' accessible labels say."""
        raw = self.root.evaluate(
            "(r, p) => [...r.querySelectorAll('.ct-cell')].filter(e => e.dataset.panel === p)"
            ".map(e => [e.dataset.index, e.getAttribute('aria-label') || ''])", panel)
        out = {}
        for idx, label in raw:
            m = LABEL_VALUE.search(label)
            assert m, f"{self.name}: cell {panel} ({idx}) has no value in its aria-label {label!r}"
            out[tuple(int(i) for i in idx.split(","))] = float(m.group(1))
        return out

    def hover(self, panel, index):
        c = self.cell(panel, index)
        c.scroll_into_view_if_needed()
        c.hover()
        self.page.wait_for_timeout(50)   # one frame or so; the lighting is synchronous
        return self.lit()

    def unhover(self):
        self.page.mouse.move(1, 1)
        self.page.wait_for_timeout(50)

    def cut(self):
        """Is a panel cut ("showing N of M columns": a visible, non-empty .ct-window-note)?"""
        return self.box.evaluate(
            "b => [...b.querySelectorAll('.ct-window-note')].some(e => e.textContent.trim() && "
            "e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden')")

    def slider(self, description):
        s = self.box.locator(".widget-slider").filter(
            has=self.page.locator(f".widget-label:text-is('{description}')"))
        return s.first

    def wait_render_after(self, before, timeout=STEP_S):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.render_count() > before:
                return time.monotonic() - t0
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{self.name}: no redraw (data-render stayed {before}) within {timeout} s")


def pick(cells, k=0.5):
    """A cell about ``k`` of the way through a panel's cells (deterministic, not the corner)."""
    return cells[min(len(cells) - 1, int(k * len(cells)))]


def receptive_oracle(view, panel, index):
    """For 2D views with X_pad and Z: the cells an independent loop reference says light up in
    the *other* of the two panels (X_pad taps of an output; outputs reading a pixel), else None.
    Pooling reads its own channel only; a grouped convolution its group's channels."""
    arrays = view.arrays
    if not {"X_pad", "Z"} <= set(arrays) or arrays["X_pad"].ndim != 4:
        return None
    c = {k: w.value for k, w in view.controls.items()}
    fr, fc = arrays["W"].shape[:2] if "W" in arrays else (c["fr"], c["fc"])
    stride, dilation = c.get("stride", 1), c.get("dilation", 0)
    n_ex, oh, ow, out_ch = arrays["Z"].shape
    in_ch = arrays["X_pad"].shape[3]

    def reads(o, ch):             # does output channel o read input channel ch?
        if view.name == "pool_view":
            return o == ch
        if view.name == "groups_view":
            g = c["groups"]
            return ch // (in_ch // g) == o // (out_ch // g)
        return True
    if panel == "Z":
        n, i, j, o = index
        return "X_pad", {("X_pad", (n, r, cc, ch)) for r, cc in
                         reference.receptive_field((i, j), (fr, fc), stride, dilation=dilation)
                         for ch in range(in_ch) if reads(o, ch)}
    if panel == "X_pad":
        n, r, cc, ch = index
        return "Z", {("Z", (n, i, j, o)) for i in range(oh) for j in range(ow)
                     if (r, cc) in reference.receptive_field((i, j), (fr, fc), stride, dilation=dilation)
                     for o in range(out_ch) if reads(o, ch)}
    return None


def check_hover_all_panels(vp, view, tag):
    """Hover one cell of every drawn panel: the page lights exactly ``view.linked`` (the drawn
    part of it) and, for X_pad <-> Z, exactly what the loop reference says."""
    checked = []
    for panel in vp.panels():
        cells = vp.cells(panel)
        drawn = set(vp.cells())
        for k in ((0.5, 1.0) if panel in ("Z", "X_pad", "dX") else (0.5,)):
            _, index = pick(cells, k if k < 1 else 0.999)
            got = vp.hover(panel, index)
            want = linked_set(view, panel, index) & drawn
            assert (panel, index) in got, f"{tag}: hovering {panel} {index} does not light itself"
            assert got == want, (f"{tag}: hovering {panel} {index} lit {len(got)} cells, view.linked "
                                 f"names {len(want)} drawn ones; lit but not linked "
                                 f"{sorted(got - want)[:6]}, linked but not lit {sorted(want - got)[:6]}")
            picks = {as_key(p, i) for p, cells in view.picked(panel, index).items() for i in cells} & drawn
            assert vp.picked() == picks, (f"{tag}: hovering {panel} {index} marked {sorted(vp.picked())} "
                                          f"picked, view.picked names {sorted(picks)}")
            oracle = receptive_oracle(view, panel, index)
            if oracle:
                other, expected = oracle
                assert {c for c in got if c[0] == other} == expected & drawn, \
                    f"{tag}: hovering {panel} {index}: the {other} cells lit differ from the loop reference"
            checked.append((panel, index, len(got)))
    vp.unhover()
    pinned = vp.selected()       # a view starts with its first output pinned
    want = linked_set(view, *pinned[0]) & set(vp.cells()) if pinned else set()
    assert vp.lit() == want, f"{tag}: after the mouse left, the lit cells are not the pinned cell's links"
    return checked


def neighbours(a, b):
    return sum(abs(x - y) for x, y in zip(a, b)) == 1


def check_keyboard(vp, view, tag):
    """Click pins a cell (and lights its links), an arrow key moves the pin to a neighbouring
    cell of the same panel, Escape clears it."""
    panel = "Z" if "Z" in vp.panels() else vp.panels()[0]
    cells = vp.cells(panel)
    _, index = cells[0]
    if vp.selected() == [(panel, index)]:       # clicking the pinned cell would unpin it
        vp.cell(panel, index).click()
        vp.unhover()
        assert vp.selected() == [], f"{tag}: a click on the pinned {panel} {index} did not unpin it"
    vp.cell(panel, index).click()
    vp.unhover()                      # the pin must hold without the mouse
    assert vp.selected() == [(panel, index)], f"{tag}: click on {panel} {index} pinned {vp.selected()}"
    assert vp.lit() == linked_set(view, panel, index) & set(vp.cells()), f"{tag}: pinned cell's links not lit"
    moved = None
    for key in ("ArrowRight", "ArrowDown"):
        vp.page.keyboard.press(key)
        vp.page.wait_for_timeout(80)
        sel = vp.selected()
        assert len(sel) == 1 and sel[0][0] == panel, f"{tag}: after {key} the selection is {sel}"
        if sel[0][1] != index:
            moved = sel[0][1]
            break
    assert moved is not None, f"{tag}: neither ArrowRight nor ArrowDown moved the pin from {index}"
    assert neighbours(moved, index), f"{tag}: an arrow key moved the pin from {index} to {moved}"
    assert vp.lit() == linked_set(view, panel, moved) & set(vp.cells()), f"{tag}: links of the moved pin"
    vp.page.keyboard.press("Escape")
    vp.page.wait_for_timeout(80)
    assert vp.selected() == [], f"{tag}: Escape left {vp.selected()} selected"
    # Escape clears what is lit too: the focus leaves the cell (in every front end; Voila's page
    # would otherwise keep the focused cell lit, as focus lights like hover)
    focused = vp.root.evaluate("r => { const c = document.activeElement?.closest?.('.ct-cell');"
                               " return c && r.contains(c) ? [c.dataset.panel, c.dataset.index] : null; }")
    assert focused is None, f"{tag}: after Escape the cell {focused} keeps the focus"
    assert vp.lit() == set(), f"{tag}: after Escape {len(vp.lit())} cells are still lit"
    return panel, index, moved


def check_slider_step(vp, view, tag, control="stride", how="key"):
    """One step of a slider, by arrow key (``how="key"``) or mouse drag (``"drag"``): the picture
    is redrawn (``data-render``) and the drawn output equals the library's for the new setting
    (the test process's view, set the same way)."""
    s = vp.slider(control)
    if s.count() == 0:
        return None
    handle = s.locator(".noUi-handle")
    v0 = int(float(handle.get_attribute("aria-valuenow")))
    hi = int(float(handle.get_attribute("aria-valuemax")))
    key, v1 = ("ArrowRight", v0 + 1) if v0 < hi else ("ArrowLeft", v0 - 1)
    r0 = vp.render_count()
    if how == "key":
        handle.focus()
        handle.press(key)
    else:
        pt.Slider(vp.box, control).drag_to(v1)
    now = int(float(handle.get_attribute("aria-valuenow")))
    assert now == v1, f"{tag}: {how} on slider {control} = {v0} gave {now}, not {v1}"
    seconds = vp.wait_render_after(r0)
    view.controls[control].value = v1
    assert not view.message, f"{tag}: {control}={v1} is rejected by the library: {view.message}"
    out = RESULT.get(vp.name, "Z")
    shown = vp.values(out)
    want = np.asarray(view.arrays[out])
    assert shown, f"{tag}: no {out} cell drawn after {control} -> {v1}"
    assert len(shown) == want.size or vp.cut(), f"{tag}: {len(shown)} {out} cells drawn, {want.shape} computed"
    for idx, v in shown.items():
        assert abs(v - want[idx]) <= 0.005 + 1e-3 * abs(want[idx]), \
            f"{tag}: after {control} -> {v1}, {out}{idx} shows {v}, the library gives {want[idx]}"
    return control, v0, v1, seconds


def check_hover_sentence(vp, view, tag, timeout=STEP_S):
    """Hovering a cell that is not the pinned one puts that cell's words (the kernel's
    ``words.sentence``, as a pin on it would give) in the ``aria-live`` sentence; when the
    pointer leaves, the pinned cell's words come back."""
    from conv_teach.views.words import sentence
    region = vp.root.locator(".ct-sentence")
    before = region.inner_text()
    pinned = vp.selected()
    panel = next(p for p in vp.panels() if not pinned or p != pinned[0][0])
    _, index = pick(vp.cells(panel))
    want = sentence(view.drawing, panel, index)
    assert want != before
    vp.hover(panel, index)
    got = pt.wait_text(region, lambda t: t == want, timeout)
    assert got == want, f"{tag}: hovering {panel} {index}, the sentence says {got!r}, not {want!r}"
    vp.unhover()
    got = pt.wait_text(region, lambda t: t == before, timeout)
    assert got == before, f"{tag}: after the pointer left, the sentence says {got!r}, not the pinned {before!r}"


FILLS = """root => [...root.querySelectorAll('.ct-cell')].map(c => [c.dataset.panel,
  c.closest('.ct-panel').dataset.role, c.querySelector('.ct-fill').getAttribute('fill'),
  c.getAttribute('aria-label')])"""


def role_colours(vp):
    """``{(role, sign): [(panel, colour), ...]}``: the full colour each drawn cell's fill is a
    tint of (fill = white + (colour - white) * |v| / max|v| of its panel), from cells whose
    |v| is at least half the panel's largest, where the rounding of the fill is small. The
    role is the kernel's (``drawings.ROLES``); the value is the cell's accessible label."""
    from conv_teach.views.drawings import ROLES
    rows = vp.root.evaluate(FILLS)
    values = {}
    for panel, role, fill, label in rows:
        assert role == ROLES[panel], f"{vp.name}: panel {panel} drawn as {role}, the kernel's role is {ROLES[panel]}"
        m = LABEL_VALUE.search(label)
        assert m, f"{vp.name}: cell of {panel} has no value in its label {label!r}"
        if label.endswith("(no weight)") or not np.isfinite(float(m.group(1))):
            continue          # groups_view's empty cells and pool_view's -inf: a fixed grey
        values.setdefault(panel, []).append((float(m.group(1)), fill))
    out = {}
    for panel, cells in values.items():
        vmax = max(abs(v) for v, _ in cells)
        for v, fill in cells:
            t = abs(v) / vmax if vmax else 0
            if t < 0.5:
                continue
            rgb = [int(x) for x in re.findall(r"\d+", fill)]
            colour = tuple(round(255 - (255 - c) / t) for c in rgb)
            out.setdefault((ROLES[panel], "-" if v < 0 else "+"), []).append((panel, colour))
    return out
