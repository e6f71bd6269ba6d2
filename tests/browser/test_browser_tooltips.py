"""The hover text of the views' sliders in a real browser (JupyterLab 4 and present mode/Voila).

A browser shows as tooltip the ``title`` of the nearest element (the hovered one or an
ancestor) that has a ``title`` attribute; an empty one shows nothing. What each test checks is
that effective title, read from the DOM (headless Chromium paints no native tooltip):

* an enabled slider (``stride``): no tooltip on its label, track, handle or readout, and no
  element of the view has the title ``"null"`` (ipywidgets 8.1.9 writes ``label.title =
  tooltip``, and a widget's default tooltip is None);
* a slider fixed by the data passed to the view (``in_rows`` of ``padding_view(X=...)``): its
  label, track, handle and readout all say why it cannot move.

The screenshots (1280x720, ``tooltip_<front end>_<slider>_<track|label>.png``, the mouse on that
part) draw that title in a small box under the slider's label, as the tooltip a person would see.
"""
import nbformat
import pytest

import browser_page as pt
from browser_jupyter import LAB_BENIGN, open_and_run_all
from conv_teach import present

pytestmark = pytest.mark.browser

NOTEBOOK = "ct_tooltips_under_test.ipynb"
#: what the fixed slider must say: the X of shape (1, 4, 5, 1) sets in_rows (its axis 1)
FIXED_WORDS = "in_rows is fixed by the X passed to this view (its axis 1)"
#: the parts of an ipywidgets slider a person can hover
PARTS = {"label": ".widget-label", "track": ".noUi-base", "handle": ".noUi-handle",
         "readout": ".widget-readout"}
#: the title the browser shows for element ``e`` (the nearest title up to ``root``), or null
EFFECTIVE_TITLE = """(e, root) => {
  for (let n = e; n; n = n.parentElement) {
    if (n.hasAttribute('title')) return n.getAttribute('title');
    if (n === root) break;
  }
  return null;
}"""
#: draw the title under element ``e`` as a tooltip would show it (for the screenshot only)
DRAW_TITLE = """(e, text) => {
  const r = e.getBoundingClientRect(), d = document.createElement('div');
  d.className = 'tip-test-overlay';
  d.textContent = text ? text : '(no tooltip)';
  Object.assign(d.style, {position: 'fixed', left: `${r.left + 8}px`, top: `${r.bottom + 6}px`,
    background: '#ffffe1', color: '#000', border: '1px solid #767676', padding: '2px 6px',
    font: '13px sans-serif', zIndex: 100000, boxShadow: '2px 2px 3px rgba(0,0,0,.3)'});
  document.body.appendChild(d);
}"""


def tooltips_notebook(path):
    """Two padding views, tagged for presenting: one with its defaults (every slider enabled),
    one drawing an X of shape (1, 4, 5, 1) (in_rows and in_cols disabled, fixed by it)."""
    tag = {"tags": [present.PRESENT_TAG]}
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np\nimport conv_teach.views as V", metadata=dict(tag)),
        nbformat.v4.new_code_cell("v_free = V.padding_view()\nv_free.add_class('ctv-tip_free')\nv_free",
                                  metadata=dict(tag)),
        nbformat.v4.new_code_cell("v_fixed = V.padding_view(X=np.ones((1, 4, 5, 1)))\n"
                                  "v_fixed.add_class('ctv-tip_fixed')\nv_fixed", metadata=dict(tag)),
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture(params=["lab", "present"])
def views_page(request, page, lesson_copy, present_server):
    """(front end, page, console errors) with the notebook's two views rendered at 1280x720."""
    fe = request.param
    nb = tooltips_notebook(lesson_copy / NOTEBOOK)
    page.set_viewport_size({"width": 1280, "height": 720})
    errors = pt.ConsoleErrors(page, LAB_BENIGN if fe == "lab" else ())
    if fe == "present":
        server = present_server(nb)
        page.goto(server.url, timeout=2 * pt.STEP_S * 1000)
    else:
        server = request.getfixturevalue("lab")
        open_and_run_all(server, page, NOTEBOOK, app="lab")
    try:
        for marker in ("tip_free", "tip_fixed"):
            page.locator(f".ctv-{marker} {pt.SLIDER}").first.wait_for(
                state="visible", timeout=2 * pt.STEP_S * 1000)
        assert not pt.error_outputs(page), "\n---\n".join(pt.error_outputs(page))
        yield fe, page, errors
    finally:
        if fe == "lab":              # free the kernel for what follows
            for session in server.api("GET", "/api/sessions"):
                server.api("DELETE", f"/api/sessions/{session['id']}")


def hover_titles(page, view, description, shot):
    """Hover each part of slider ``description`` in ``view``; return ({part: effective title},
    [every title in the view]). Hovering the track and the label, screenshots
    ``<shot>_track.png`` and ``<shot>_label.png`` with that title drawn under the label."""
    slider = view.locator(pt.SLIDER).filter(
        has=page.locator(f".widget-label:text-is('{description}')")).first
    root = view.element_handle()
    label = slider.locator(PARTS["label"]).first
    slider.evaluate("e => e.scrollIntoView({block: 'center'})")    # room for the drawn title
    titles = {}
    for part in ["readout", "handle", "track", "label"]:
        el = slider.locator(PARTS[part]).first
        el.hover(force=True)       # a disabled slider's handle takes no pointer events
        titles[part] = el.evaluate(EFFECTIVE_TITLE, root)
        if part in ("track", "label"):
            label.evaluate(DRAW_TITLE, titles[part])
            page.wait_for_timeout(100)
            page.screenshot(path=f"{shot}_{part}.png")
            page.evaluate("() => document.querySelectorAll('.tip-test-overlay').forEach(e => e.remove())")
    every = view.evaluate("v => [...v.querySelectorAll('[title]')].map(e => e.getAttribute('title'))")
    return titles, every


def test_an_enabled_slider_shows_no_tooltip_and_never_null(views_page, screenshots):
    fe, page, errors = views_page
    view = page.locator(".ctv-tip_free").first
    titles, every = hover_titles(page, view, "stride", screenshots / f"tooltip_{fe}_stride")
    assert "null" not in every and "undefined" not in every, \
        f"{fe}: an element of the view has the title 'null'/'undefined': {every}"
    shown = {part: t for part, t in titles.items() if t}
    assert not shown, f"{fe}: hovering the enabled slider 'stride' shows a tooltip: {shown}"
    assert not errors, f"{fe}: browser console errors:\n" + "\n".join(errors)


def test_a_slider_fixed_by_data_says_so_on_all_of_it(views_page, screenshots):
    fe, page, errors = views_page
    view = page.locator(".ctv-tip_fixed").first
    titles, every = hover_titles(page, view, "in_rows", screenshots / f"tooltip_{fe}_in_rows")
    assert view.locator(pt.SLIDER).filter(has=page.locator(".widget-label:text-is('in_rows')")) \
        .first.locator(".noUi-target[disabled]").count() == 1, f"{fe}: in_rows is not disabled"
    wrong = {part: t for part, t in titles.items() if t != FIXED_WORDS}
    assert not wrong, (f"{fe}: hovering these parts of the fixed slider in_rows does not show "
                       f"{FIXED_WORDS!r}: {wrong}")
    assert "null" not in every, f"{fe}: an element of the view has the title 'null': {every}"
    assert not errors, f"{fe}: browser console errors:\n" + "\n".join(errors)


#: a slider's track opacity (its own, times its ancestors' up to ``root``) and its label's and
#: readout's text colour
LOOKS = """(s, root) => {
  const track = s.querySelector('.noUi-target'), cs = e => getComputedStyle(e);
  let opacity = 1;
  for (let n = track; n && n !== root; n = n.parentElement) opacity *= parseFloat(cs(n).opacity);
  return {opacity, label: cs(s.querySelector('.widget-label')).color,
          readout: cs(s.querySelector('.widget-readout')).color};
}"""


def test_a_slider_fixed_by_data_looks_disabled(views_page, screenshots):
    """The tester could hardly tell the fixed in_rows from the free stride beside it: ipywidgets'
    own style only changes the cursor. Now its track is faint and its words grey."""
    fe, page, errors = views_page
    view = page.locator(".ctv-tip_fixed").first
    root = view.element_handle()

    def looks(description):
        slider = view.locator(pt.SLIDER).filter(
            has=page.locator(f".widget-label:text-is('{description}')")).first
        return slider.evaluate(LOOKS, root)
    fixed, free = looks("in_rows"), looks("stride")
    view.screenshot(path=str(screenshots / f"disabled_slider_{fe}.png"))
    assert free["opacity"] == 1, f"{fe}: the free slider stride's track is faint: {free}"
    assert fixed["opacity"] <= 0.5, f"{fe}: the fixed slider in_rows's track is not faint: {fixed}"
    assert fixed["label"] != free["label"] and fixed["readout"] != free["readout"], \
        f"{fe}: the fixed slider's words look like the free one's: {fixed} vs {free}"
    assert not errors, f"{fe}: browser console errors:\n" + "\n".join(errors)
