"""Present mode (``conv-teach present``, Voila) in a real browser: the lesson loads without code,
its linked view lights an output's receptive field on hover, and a slider step redraws it with
the library's numbers (browser_lessons.check_lesson_view); a tab's kernel ends when it closes."""
import time

import nbformat
import psutil
import pytest

import browser_page as pt
from browser_lessons import VOILA, check_lesson_view
from conv_teach import present

pytestmark = pytest.mark.browser

# Voila 0.5's "lab" template links Font Awesome from a CDN (templates/lab/index.html.j2); the
# page only talks to 127.0.0.1 here, so these two fetches fail. Nothing is lost: the same Font
# Awesome 5 CSS and fonts are bundled in Voila's own JavaScript.
VOILA_BENIGN = [r"^console\.error: Failed to load resource: net::ERR_[A-Z_]+ \(https://cdn\.jsdelivr\.net/"
                r"npm/@fortawesome/fontawesome-free@%5E5/css/(all|v4-shims)\.min\.css:0\)$"]
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

    errors = pt.ConsoleErrors(page, VOILA_BENIGN)
    kernel_errors = pt.KernelErrors(page)
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
    return [k for k in kids if any("ipykernel" in part for part in k.cmdline())]


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
