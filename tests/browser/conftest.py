"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright (Python).

* No browser is ever downloaded: Chromium is ``/usr/bin/chromium`` (``apt-get install
  chromium``; another path with ``CONV_TEACH_CHROMIUM``). Without it, or without playwright,
  the tests are skipped and the reason is printed at the end of the run; with
  ``CONV_TEACH_REQUIRE_BROWSER=1`` (set by ``.ci/run`` when it has Chromium) they fail instead.
* The lessons are copied to a temporary folder before JupyterLab opens them, so nothing in
  ``notebooks/`` is ever written by a test.
* Every wait is bounded (servers 60 s, each page step 45 s), so a hang fails instead of
  blocking CI. Screenshots go to ``tests/browser/screenshots/`` (ignored by git).
"""
import os
import shutil
from pathlib import Path

import pytest

import browser_axe
import browser_servers as servers

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CONV_TEACH_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("CONV_TEACH_REQUIRE_BROWSER") == "1"
# proven on Debian's Chromium 156 + playwright 1.65; playwright adds --headless and a fresh profile
# (--disable-dev-shm-usage: containers often have a tiny /dev/shm, where tabs would crash)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PAGE_TIMEOUT_MS = 45_000

_skip_reason = []
_timings = {}


def why_no_browser():
    """None if the browser tests can run here, else the reason why not."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as e:
        return f"playwright is not installed ({e}); pip install -e '.[test]'"
    return None


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium (skip, or fail under CONV_TEACH_REQUIRE_BROWSER=1, without one)."""
    reason = why_no_browser()
    if reason:
        if REQUIRED:
            pytest.fail(f"browser tests required (CONV_TEACH_REQUIRE_BROWSER=1) but {reason}")
        _skip_reason.append(reason)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                               timeout=60_000)
    except BaseException:
        pw.stop()
        raise
    yield b
    try:
        b.close()
    finally:
        pw.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    """A fresh page (own context) with bounded default timeouts; a screenshot if the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    # hermetic: the page may talk to our server only (CI and many classrooms are offline)
    context.route(lambda url: not url.startswith("http://127.0.0.1:"), lambda route: route.abort())
    p = context.new_page()
    yield p
    try:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed and not p.is_closed():
            SCREENSHOTS.mkdir(exist_ok=True)
            name = "".join(c if c.isalnum() else "_" for c in request.node.name)
            p.screenshot(path=str(SCREENSHOTS / f"FAILED_{name}.png"), timeout=10_000)
    finally:
        context.close()


@pytest.fixture(scope="session")
def lesson_copy(tmp_path_factory):
    """A throw-away copy of notebooks/ (JupyterLab may write to what it opens)."""
    dest = tmp_path_factory.mktemp("lessons") / "notebooks"
    # CONV_TEACH_BROWSER_NOTEBOOKS: try the harness on another folder of notebooks
    src = Path(os.environ.get("CONV_TEACH_BROWSER_NOTEBOOKS", ROOT / "notebooks"))
    shutil.copytree(src, dest,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


@pytest.fixture(scope="session")
def lab(browser, lesson_copy, tmp_path_factory):
    """JupyterLab on 127.0.0.1 serving the lesson copy; stopped with its kernels in every case."""
    server = servers.start_lab(lesson_copy, tmp_path_factory.mktemp("lab"))
    yield server
    leftovers = server.stop()
    assert not leftovers, f"had to kill JupyterLab processes {leftovers}"


@pytest.fixture(scope="session")
def notebook7(browser, lesson_copy, tmp_path_factory):
    """Notebook 7 on 127.0.0.1 serving the lesson copy; stopped with its kernels in every case."""
    server = servers.start_lab(lesson_copy, tmp_path_factory.mktemp("nb7"), app="notebook")
    yield server
    leftovers = server.stop()
    assert not leftovers, f"had to kill Notebook 7 processes {leftovers}"


@pytest.fixture(scope="session")
def axe(browser):
    """The axe-core module (browser_axe), or skip (fail under CONV_TEACH_REQUIRE_BROWSER=1)
    when ``npm ci`` has not installed it in tests/browser."""
    reason = browser_axe.why_no_axe()
    if reason:
        if REQUIRED:
            pytest.fail(f"accessibility tests required (CONV_TEACH_REQUIRE_BROWSER=1) but {reason}")
        _skip_reason.append(reason)
        pytest.skip(f"accessibility tests skipped: {reason}")
    return browser_axe


@pytest.fixture
def present_server(browser, lesson_copy, tmp_path_factory, request):
    """Factory: ``conv-teach present LESSON --no-browser --port P``, stopped in every case.

    ``LESSON``: a file name in the lesson copy, or the path of any notebook."""
    started = []

    def start(name):
        server = servers.start_present(lesson_copy / name, tmp_path_factory.mktemp("present"))
        started.append(server)
        return server

    yield start
    for server in started:
        leftovers = server.stop()
        assert not leftovers, f"had to kill present/Voila processes {leftovers}"


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def timings():
    """``t = timings(tag); t["step"] = seconds``: printed at the end of the run."""
    def new(tag):
        return _timings.setdefault(tag, {})
    return new


def pytest_terminal_summary(terminalreporter):
    for tag, steps in _timings.items():
        terminalreporter.write_line(
            f"browser timing {tag}: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    if _skip_reason:
        terminalreporter.write_line(f"browser tests SKIPPED: {_skip_reason[0]} "
                                    f"(set CONV_TEACH_REQUIRE_BROWSER=1 to make this a failure)",
                                    yellow=True)
