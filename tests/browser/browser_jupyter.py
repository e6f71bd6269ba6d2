"""Driving a notebook in JupyterLab 4 or Notebook 7: wait for its kernel, Run All, wait for the end."""
import time

import pytest

import browser_page as pt

IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle']"
# every code cell numbered ([3]:), or an error shown: Run All is over either way
RUN_ALL_DONE = """() => {
  const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
  const errors = document.querySelectorAll(%r);
  return errors.length > 0 || (prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)));
}""" % pt.ERROR_OUTPUTS

# console errors JupyterLab itself logs on a clean start, matched precisely (none so far)
LAB_BENIGN = []


STARTED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
  .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"""


def menu(page, top, item):
    page.click(f".lm-MenuBar-itemLabel:text-is('{top}')")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def wait_kernel_idle(lab, page, notebook, indicator=True):
    """The notebook's kernel runs and is idle, for the server and (``indicator``: JupyterLab's
    execution indicator) in the page.

    (The page's indicator says 'idle' for a moment before the kernel even starts.)"""
    t0 = time.monotonic()
    while time.monotonic() - t0 < pt.STEP_S:
        try:
            sessions = lab.api("GET", "/api/sessions")
        except OSError:  # jupyter_server may answer 500 while a kernel is starting
            sessions = []
        if any(s["path"].endswith(notebook) and s["kernel"]["execution_state"] == "idle"
               for s in sessions):
            break
        page.wait_for_timeout(250)
    else:
        pytest.fail(f"no idle kernel for {notebook} after {pt.STEP_S} s; server log, with the "
                    f"kernel's stack:\n{lab.kernel_stacks()}")
    if indicator:
        page.wait_for_selector(IDLE)


def run_all(page):
    """Run > Run All Cells, again if the click got lost (no cell started within 10 s)."""
    for attempt in range(3):
        menu(page, "Run", "Run All Cells")
        try:
            page.wait_for_function(STARTED, timeout=10_000, polling=250)
            return
        except Exception:
            if attempt == 2:
                raise




def open_and_run_all(server, page, notebook, app="lab", clear=False):
    """Open ``notebook`` in JupyterLab or Notebook 7, Run All, wait until every cell ran; fail
    with the kernel's stack if that takes over ``pt.STEP_S`` s. A notebook with stored outputs
    (a lesson's figures) needs ``clear`` (JupyterLab only): its stored prompts would otherwise
    count as run. Returns seconds (kernel idle, run all)."""
    t0 = time.monotonic()
    page.goto(server.notebook_url(notebook))
    wait_kernel_idle(server, page, notebook, indicator=(app == "lab"))
    t1 = time.monotonic()
    if clear:
        menu(page, "Edit", "Clear Outputs of All Cells")
        page.wait_for_selector(".jp-Notebook .jp-OutputArea-output", state="detached")
    run_all(page)
    try:
        page.wait_for_function(RUN_ALL_DONE, timeout=pt.STEP_S * 1000, polling=250)
    except Exception as e:
        prompts = [p.inner_text() for p in page.locator(".jp-CodeCell .jp-InputPrompt").all()]
        pytest.fail(f"{notebook}: Run All did not finish within {pt.STEP_S} s; prompts {prompts} ({e})\n"
                    f"server log, with the kernel's stack:\n{server.kernel_stacks()}")
    return t1 - t0, time.monotonic() - t1
