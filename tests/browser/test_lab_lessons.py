"""The lessons in JupyterLab, as a student uses them: run all, move a slider, see the new picture.

For each lesson: open it in JupyterLab (headless Chromium), clear the outputs, run all cells,
wait for the app, then move a slider with the keyboard and another with a mouse drag. After
each move: the figure's pixels changed; the app's readout shows the output shape and the
formula numbers that the library (``conv_out_shape``, ``pad2D``) gives for the control values
read in the page (or the library's message, for a combination it rejects); no cell shows a
traceback; the page logged no console error; the kernel reported no error (an exception in a
widget callback belongs to no cell and would otherwise go unseen).
"""
import time

import pytest

import browser_page as pt
from browser_jupyter import IDLE, LAB_BENIGN, RUN_ALL_DONE, menu, run_all, wait_kernel_idle
from browser_lessons import LAB, check_app, move_slider

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook, key_slider, drag_slider, expect", LAB,
                         ids=[n.split(".")[0] for n, *_ in LAB])
def test_lesson_in_jupyterlab(lab, page, screenshots, timings, notebook, key_slider, drag_slider,
                              expect):
    tag = f"lab_{notebook.split('.')[0]}"
    errors = pt.ConsoleErrors(page, LAB_BENIGN)
    kernel_errors = pt.KernelErrors(page)
    t = timings(tag)

    t0 = time.monotonic()
    page.goto(f"{lab.base}/lab/tree/{notebook}?token={lab.token}&reset")
    wait_kernel_idle(lab, page, notebook)
    t["kernel idle"] = time.monotonic() - t0

    t0 = time.monotonic()
    menu(page, "Edit", "Clear Outputs of All Cells")  # stale outputs would hold dead widgets
    page.wait_for_selector(".jp-Notebook .jp-OutputArea-output", state="detached")
    run_all(page)
    try:
        page.wait_for_function(RUN_ALL_DONE, timeout=pt.STEP_S * 1000, polling=250)
    except Exception as e:
        prompts = [p.inner_text() for p in page.locator(".jp-CodeCell .jp-InputPrompt").all()]
        pytest.fail(f"{notebook}: Run All did not finish within {pt.STEP_S} s; prompts {prompts} ({e})\n"
                    f"server log, with the kernel's stack:\n{lab.kernel_stacks()}")
    tracebacks = pt.error_outputs(page)
    assert not tracebacks, f"{notebook}: a cell shows an error:\n" + "\n---\n".join(tracebacks)
    app = page.locator(pt.APP).first
    app.locator(pt.READOUT).wait_for(state="visible")
    figure = app.locator(pt.FIGURE).first
    figure.wait_for(state="visible")
    page.wait_for_selector(IDLE)
    t["run all -> app"] = time.monotonic() - t0
    page.wait_for_timeout(300)  # let the first draw settle
    before = pt.image(figure, screenshots / f"{tag}_figure_before.png")
    app.screenshot(path=str(screenshots / f"{tag}_app_before.png"))
    check_app(app, expect, f"{notebook} as loaded")

    # 1. keyboard: one step of the slider; 2. mouse: drag another slider's handle one step
    after_key, t["key -> new figure"] = move_slider(
        page, app, key_slider, "key", figure, before, screenshots / f"{tag}_figure_after_key.png", expect)
    app.screenshot(path=str(screenshots / f"{tag}_app_after_key.png"))
    _, t["drag -> new figure"] = move_slider(
        page, app, drag_slider, "drag", figure, after_key, screenshots / f"{tag}_figure_after_drag.png",
        expect)
    app.screenshot(path=str(screenshots / f"{tag}_app_after_drag.png"))
    page.screenshot(path=str(screenshots / f"{tag}_page_after.png"))

    tracebacks = pt.error_outputs(page)
    assert not tracebacks, f"{notebook}: an output shows an error:\n" + "\n---\n".join(tracebacks)
    assert not errors, f"{notebook}: browser console errors:\n" + "\n".join(errors)
    assert not kernel_errors.errors(), \
        f"{notebook}: the kernel reported errors:\n" + "\n".join(kernel_errors.errors())
    for session in lab.api("GET", "/api/sessions"):  # free the CPU for the next lesson
        lab.api("DELETE", f"/api/sessions/{session['id']}")
