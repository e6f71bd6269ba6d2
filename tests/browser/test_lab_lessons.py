"""The lessons in JupyterLab, as a student uses them: run all, hover the view, move a slider.

For lessons 01, 03, 09 and 10 (browser_lessons.LAB): open the lesson in JupyterLab (headless Chromium), clear the stored
outputs, run all cells, find the lesson's linked view (``.ct-view[data-view]``), then
(browser_lessons.check_lesson_view): its readout shows the library's numbers for the controls
as the page shows them; hovering an output cell lights exactly ``view.linked`` and, in X_pad,
exactly its receptive field by the loop reference; one arrow-key step of a slider redraws
(``data-render`` raised) with the library's output values and readout, and the hover still
lights the receptive field. Then: no cell shows a traceback, the page logged no console error,
the kernel reported no error (an exception in a widget callback belongs to no cell and would
otherwise go unseen), and axe-core finds no serious or critical violation inside the view.
"""
import time

import pytest

import browser_page as pt
from browser_jupyter import LAB_BENIGN, open_and_run_all
from browser_lessons import LAB, check_lesson_view

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("notebook, slider, expect", LAB, ids=[n.split(".")[0] for n, *_ in LAB])
def test_lesson_in_jupyterlab(lab, lesson_copy, page, axe, screenshots, timings, notebook, slider,
                              expect):
    tag = f"lab_{notebook.split('.')[0]}"
    errors = pt.ConsoleErrors(page, LAB_BENIGN)
    kernel_errors = pt.KernelErrors(page)
    t = timings(tag)
    try:
        t["kernel idle"], t["run all"] = open_and_run_all(lab, page, notebook, clear=True)
        tracebacks = pt.error_outputs(page)
        assert not tracebacks, f"{notebook}: a cell shows an error:\n" + "\n---\n".join(tracebacks)

        t0 = time.monotonic()
        t["key -> redraw"] = check_lesson_view(page, lesson_copy / notebook, slider, expect, tag,
                                               screenshots)
        t["view checks"] = time.monotonic() - t0
        page.screenshot(path=str(screenshots / f"{tag}_page_after.png"))

        tracebacks = pt.error_outputs(page)
        assert not tracebacks, f"{notebook}: an output shows an error:\n" + "\n---\n".join(tracebacks)
        assert not errors, f"{notebook}: browser console errors:\n" + "\n".join(errors)
        assert not kernel_errors.errors(), \
            f"{notebook}: the kernel reported errors:\n" + "\n".join(kernel_errors.errors())
        violations = axe.violations(page, ".ct-view")
        assert not violations, f"{notebook}: axe-core {axe.version()} inside .ct-view:\n" + "\n".join(violations)
    finally:
        for session in lab.api("GET", "/api/sessions"):  # free the CPU for the next lesson
            lab.api("DELETE", f"/api/sessions/{session['id']}")
