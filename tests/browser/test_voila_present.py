"""Present mode (``conv-teach present``, Voila) in a real browser: the lesson loads without code,
its linked view lights an output's receptive field on hover, and a slider step redraws it with
the library's numbers (browser_lessons.check_lesson_view); a tab's kernel ends when it closes."""
import json
import re
import time
from pathlib import Path

import nbformat
import psutil
import pytest

import browser_page as pt
import browser_views as bv
from browser_lessons import VOILA, check_lesson_view
import conv_teach
from conv_teach import present
from conv_teach.lessons import lessons_dir

pytestmark = pytest.mark.browser

# Voila's page renders the markdown, and of each code cell only its outputs (jp-mod-noInput)
CODE = ".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor"


@pytest.mark.parametrize("notebook, slider, expect", VOILA, ids=[n.split(".")[0] for n, *_ in VOILA])
def test_present_mode_in_voila(present_server, lesson_copy, page, axe, screenshots, timings, notebook,
                               slider, expect):
    tag = f"voila_{notebook.split('.')[0]}"
    t = timings(tag)
    t0 = time.monotonic()
    server = present_server(notebook)   # python -m conv_teach present ... --no-browser --port P
    t["present ready"] = time.monotonic() - t0

    errors = pt.ConsoleErrors(page)
    kernel_errors = pt.KernelErrors(page)
    network = pt.Network(page)
    t0 = time.monotonic()
    try:
        page.goto(server.url)           # Voila runs every cell, then renders the page
        page.locator(".ct-view").first.wait_for(state="visible", timeout=2 * pt.STEP_S * 1000)
    except Exception as e:
        pytest.fail(f"{notebook}: Voila did not render the lesson's view within {2 * pt.STEP_S} s "
                    f"({e})\nserver log, with the kernel's stack:\n{server.kernel_stacks()}")
    t["page -> view"] = time.monotonic() - t0
    assert page.locator(".jp-CodeCell.jp-mod-noInput").count() > 0, "no code cell rendered"
    assert page.locator(CODE).count() == 0, "present mode shows code"
    tracebacks = pt.error_outputs(page)
    assert not tracebacks, f"{notebook} in Voila shows an error:\n" + "\n---\n".join(tracebacks)
    page.screenshot(path=str(screenshots / f"{tag}_page_before.png"), full_page=True)

    t["key -> redraw"] = check_lesson_view(page, lesson_copy / notebook, slider, expect, tag,
                                           screenshots)
    page.screenshot(path=str(screenshots / f"{tag}_page_after.png"), full_page=True)

    assert not pt.error_outputs(page), "an output shows an error after the slider moved"
    assert not errors, f"{notebook} in Voila: browser console errors:\n" + "\n".join(errors)
    assert not network.foreign(), f"{notebook} in Voila: requests beyond the loopback server: {network.foreign()}"
    assert not kernel_errors.errors(), \
        f"{notebook} in Voila: the kernel reported errors:\n" + "\n".join(kernel_errors.errors())
    violations = axe.violations(page, ".ct-view")
    assert not violations, f"{notebook} in Voila: axe-core {axe.version()} inside .ct-view:\n" + \
        "\n".join(violations)


def kernels(server):
    """The ipykernel processes under a present server."""
    try:
        kids = psutil.Process(server.proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for k in kids:
        try:    # a kernel that just ended is a zombie until Voila reaps it: not running
            if k.status() != psutil.STATUS_ZOMBIE and any("ipykernel" in part for part in k.cmdline()):
                out.append(k)
        except psutil.Error:
            pass
    return out


def test_closing_the_tab_ends_its_kernel(present_server, page, tmp_path):
    """A page's kernel ends when its tab closes (Voila's beforeunload beacon, which needs the
    XSRF check off; see conv_teach.present.TORNADO_SETTINGS), not 60 s later by the culler."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import ipywidgets\nipywidgets.IntSlider(description='k')",
                                          metadata={"tags": [present.PRESENT_TAG]})]
    nbformat.write(nb, tmp_path / "tab.ipynb")
    server = present_server(tmp_path / "tab.ipynb")
    page.goto(server.url)
    page.locator(pt.SLIDER).wait_for(state="visible")
    assert len(kernels(server)) == 1
    t0 = time.monotonic()
    page.close(run_before_unload=True)    # as a person closing the tab: beforeunload runs
    while kernels(server) and time.monotonic() - t0 < 25:   # loaded 2-core box: generous
        time.sleep(0.25)
    assert not kernels(server), (f"the kernel still runs {time.monotonic() - t0:.0f} s after its "
                                 f"tab closed:\n{server.log()[-2000:]}")
    assert time.monotonic() - t0 < present.CULL_IDLE_S / 2   # the beacon did it, not the culler
    assert "Kernel shutdown" in server.log()


#: every lesson that tags cells for presenting (conv-teach present shows those)
PRESENTED = sorted(p.name for p in lessons_dir().glob("*.ipynb") if present.tagged_cells(p))
#: the screens a teacher projects on: an XGA classroom projector (the native resolution of many
#: older ones), a 720p one, a 1080p one
SCREENS = [(1024, 768), (1280, 720), (1920, 1080)]
#: the font sizes (px) of the text a teacher points at: the readout's bold line and formulas,
#: and the sentence under the picture
TEXT_PX = """root => {
  const px = (sel) => [...root.querySelectorAll(sel)].filter(e => e.getClientRects().length)
    .map(e => parseFloat(getComputedStyle(e).fontSize));
  return { readout: px('.ct-readout strong, .ct-readout code'), sentence: px('.ct-sentence'),
           compact: root.classList.contains('ct-compact') };
}"""
#: view.js's TERM_CHARS: a readout term up to this long is kept on one line, a longer one is prose
TERM_CHARS = int(re.search(r"const TERM_CHARS = (\d+);",
                           (Path(conv_teach.__file__).parent / "views" / "static" / "view.js")
                           .read_text()).group(1))
#: where a readout line breaks inside a term (between two " = ", "; " or wider gaps) that would
#: fit the readout's width on a line of its own: [line, text before the break, after]; and a
#: line broken after a lone name ("Z" over "= conv2D(X, W, groups=2) ..."): [line, the name]. A
#: narrow readout (the column beside the picture) may break a line only at an equals sign, a "; "
#: or a gap, and never leaves a name of up to 3 characters alone on a line
MID_TERM_BREAKS = """root => {
  const TERM_CHARS = %d;      // view.js: longer terms are prose and may break anywhere
  const r = root.querySelector('.ct-readout'), out = [];
  if (!r || !r.getClientRects().length) return out;
  const ctx = document.createElement('canvas').getContext('2d');
  for (const code of r.querySelectorAll('strong, code')) {
    const chars = [];                       // [char, top of its line box]
    const walk = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode())
      for (let i = 0; i < n.data.length; i++) {
        const rg = document.createRange(); rg.setStart(n, i); rg.setEnd(n, i + 1);
        const b = rg.getClientRects()[0];
        chars.push([n.data[i], b ? b.top : null]);
      }
    const text = chars.map(c => c[0]).join('');
    ctx.font = getComputedStyle(code).font;
    let last = null, lineStart = 0;
    chars.forEach(([ch, top], k) => {
      if (ch === ' ' || top === null) return;
      if (last !== null && top > last + 2) {            // k starts a new line
        const line = text.slice(lineStart, k).trim();
        if (line.length <= 3) out.push([text, line]);
        lineStart = k;
        const before = text.slice(0, k).trimEnd(), after = text.slice(k);
        const gap = /\\s{2,}$/.test(text.slice(0, k));   // two formulas side by side
        if (!(gap || before.endsWith(' =') || before.endsWith(';') || after.startsWith('= '))) {
          const a = Math.max(before.lastIndexOf(' = ') + 3, before.lastIndexOf('; ') + 2,
                             before.search(/\\s{2,}\\S*$/) + 1, 0);
          const ends = [after.indexOf(' = '), after.indexOf(';'), after.search(/\\s{2,}/)]
            .filter(i => i >= 0);
          const term = before.slice(a) + ' ' + (ends.length ? after.slice(0, Math.min(...ends)) : after);
          if (term.length <= TERM_CHARS && ctx.measureText(term).width <= r.clientWidth)
            out.push([text, before, after]);
        }
      }
      last = top;
    });
  }
  return out;
}""" % TERM_CHARS


#: lessons whose digits cannot reach 16 px on a screen, and why (measured; README "Present
#: mode"). Strict: the test fails if such a lesson reaches 16 px there (then drop it here).
#: There the view sets its readout compact (view.js fitted()), for the largest digits it can.
SHORT_OF_16PX = {
    ("09_grouped_depthwise.ipynb", (1024, 768)):
        "groups_view's picture (X_pad, W, Z, W_col above X_col.T: W_col's 16 columns in one "
        "line) is at least 27.9 cells wide in every arrangement it offers, so 1000 px of stage "
        "give cells <= 35.9 px however high the screen (16 px digits need ~36.5); and 768 px "
        "leave at most ~575 px of height for it under the heading, the 3 rows of controls and "
        "over the sentence even with no readout (34.6 px cells, 15 px digits); with its six "
        "readout lines set compact (123 px) 446 px: 28.4 px cells, 13 px digits",
}


@pytest.mark.parametrize("notebook", PRESENTED)
def test_present_page_on_a_projector(present_server, page, screenshots, notebook):
    """A lesson's present page at 1024x768, 1280x720 and 1920x1080, as a teacher projects it:
    the heading and the whole view (controls, picture, sentence) are on the screen without
    scrolling, with digits >= 16 px high at 1024x768 and 1280x720 (ink of '0-9', rendered;
    a strict xfail where SHORT_OF_16PX says why not), larger at 1920x1080; the sentence is
    >= 16 px, and so is the readout but where the digits cannot reach 16 px (there it is
    compact, and only there); a readout formula breaks only at an equals sign or a "; " (a term wider
    than the readout excepted); the page asks nothing of
    any host but the loopback server (a classroom behind a firewall), and logs no console
    error. What was measured is printed, and kept in screenshots/present_NN.json."""
    network = pt.Network(page)
    errors = pt.ConsoleErrors(page)
    server = present_server(notebook)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(server.url, timeout=2 * pt.STEP_S * 1000)
    view = page.locator(".conv-teach-view").first
    root = view.locator(".ct-view").first
    root.wait_for(state="visible", timeout=2 * pt.STEP_S * 1000)
    page.wait_for_function("r => Number(r.getAttribute('data-render')) >= 1", arg=root.element_handle())
    found = {}
    for w, h in SCREENS:
        page.set_viewport_size({"width": w, "height": h})
        page.wait_for_timeout(600)                  # a resize may relayout
        page.evaluate("() => { window.scrollTo(0, 0); for (const e of document.querySelectorAll('*')) "
                      "if (e.scrollTop) e.scrollTop = 0; }")
        page.screenshot(path=str(screenshots / f"present_{notebook.split('_')[0]}_{w}x{h}.png"))
        heading = page.locator(".jp-MarkdownCell h1, .jp-MarkdownCell h2, .jp-MarkdownCell h3").first.bounding_box()
        box = view.bounding_box()
        digits = root.evaluate(bv.DIGITS)
        text = root.evaluate(TEXT_PX)
        found[(w, h)] = dict(heading_top=heading["y"], top=box["y"], bottom=box["y"] + box["height"],
                             digits=min(digits), readout=min(text["readout"], default=None),
                             sentence=min(text["sentence"], default=None), compact=text["compact"],
                             side="ct-side" in root.get_attribute("class").split(),
                             mid_term_breaks=root.evaluate(MID_TERM_BREAKS))
    print(f"{notebook}: {found}")
    (screenshots / f"present_{notebook.split('_')[0]}.json").write_text(
        json.dumps({f"{w}x{h}": v for (w, h), v in found.items()}))
    assert not network.foreign(), f"{notebook}: requests beyond the loopback server: {network.foreign()}"
    assert not errors, f"{notebook}: browser console errors:\n" + "\n".join(errors)
    for (w, h), f in found.items():
        assert f["heading_top"] >= 0 and f["bottom"] <= h + 1, \
            f"{notebook} at {w}x{h}: the heading and view do not fit the screen: {f}"
    for (w, h), f in found.items():
        assert f["sentence"] >= 16, f"{notebook} at {w}x{h}: sentence text < 16 px: {f}"
        # a compact readout (smaller type) only where the digits cannot reach 16 px anyway
        assert f["compact"] == ((notebook, (w, h)) in SHORT_OF_16PX), \
            f"{notebook} at {w}x{h}: readout compact {f['compact']}, expected otherwise: {f}"
        assert f["compact"] or f["readout"] is None or f["readout"] >= 16, \
            f"{notebook} at {w}x{h}: readout text < 16 px: {f}"
        assert not f["mid_term_breaks"], \
            f"{notebook} at {w}x{h}: a readout line breaks inside a term that fits a line, or after a lone name: {f}"
    small, big = found[(1280, 720)]["digits"], found[(1920, 1080)]["digits"]
    assert big > small, f"{notebook}: digits do not grow on a bigger screen: {found}"
    short = []
    for (w, h) in [(1024, 768), (1280, 720)]:
        d = found[(w, h)]["digits"]
        if (notebook, (w, h)) in SHORT_OF_16PX:
            assert d < 16, (f"{notebook} at {w}x{h}: digits now {d:.1f} px >= 16: take it out of "
                            f"SHORT_OF_16PX (strict xfail)")
            short.append(f"at {w}x{h} digits {d:.1f} px < 16: " + SHORT_OF_16PX[(notebook, (w, h))])
        else:
            assert d >= 16, f"{notebook} at {w}x{h}: digits {d:.1f} px high < 16: {found}"
    if short:     # every other check passed: the known shortfall, strictly (see SHORT_OF_16PX)
        pytest.xfail("; ".join(short))
