"""What the browser tests do in a page: collect console and kernel errors, find error outputs,
move an ipywidgets slider, wait for a text. The linked views' own DOM contract is in
browser_views.
"""
import re
import time
from urllib.parse import urlsplit


STEP_S = 45          # bound for one step (a redraw, a run of all cells) on a loaded 2-core box
SLIDER = ".widget-slider"
# Python errors shown in a page: error outputs and anything written to stderr
ERROR_OUTPUTS = (".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                 ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")


class ConsoleErrors(list):
    """Collects the page's console errors and uncaught exceptions, minus precisely known noise."""

    def __init__(self, page, benign=()):
        super().__init__()
        self.benign = [re.compile(b) for b in benign]
        page.on("console", self._console)
        page.on("pageerror", lambda e: self._add(f"pageerror: {e}"))

    def _console(self, msg):
        if msg.type == "error":
            loc = msg.location or {}
            self._add(f"console.error: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def _add(self, text):
        if not any(b.search(text) for b in self.benign):
            self.append(text[:800])


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Network:
    """Every request a page makes (documents, scripts, styles, fonts, fetches, websockets),
    recorded from the page's own events, before any routing: a request to another host is
    recorded even when the test's context aborts it.

    ``foreign()`` lists those to a host other than the loopback server: what a classroom
    behind a firewall would see fail. ``data:``, ``blob:`` and ``about:`` URLs are no requests."""

    def __init__(self, page):
        self.urls = []
        page.on("request", lambda r: self.urls.append(r.url))
        page.on("websocket", lambda ws: self.urls.append(ws.url))

    def foreign(self):
        out = []
        for url in self.urls:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.hostname not in LOOPBACK:
                out.append(url)
        return out


class KernelErrors:
    """Python errors the kernel reports over the page's websockets.

    An exception in a widget callback (a slider moved) belongs to no cell: JupyterLab only puts
    it in its log console and Voila drops it, so it is caught here, on the wire: iopub ``error``
    messages and ``stderr`` streams (JSON text frames, or the binary v1 protocol's JSON parts).

    Known noise, left out precisely: JupyterLab's widget manager opens a
    ``jupyter.widget.control`` comm as soon as the kernel starts, before any cell has imported
    ipywidgets, so the kernel answers "No such comm target registered: jupyter.widget.control"
    and then "No such comm: <that comm's id>" (the manager then falls back; widgets work).
    """

    MSG = re.compile(rb'"msg_type":\s*"(error|stream)"')
    ENAME = re.compile(rb'"ename":\s*"((?:[^"\\]|\\.)*)",\s*"evalue":\s*"((?:[^"\\]|\\.)*)"')
    STDERR = re.compile(rb'"name":\s*"stderr",\s*"text":\s*"((?:[^"\\]|\\.)*)"')
    CONTROL = re.compile(rb'"target_name":\s*"jupyter\.widget\.control"')
    COMM_ID = re.compile(rb'"comm_id":\s*"([0-9a-f-]+)"')

    def __init__(self, page):
        self.raw, self.control_comms = [], set()
        page.on("websocket", self._socket)

    def _socket(self, ws):
        ws.on("framereceived", self._received)
        ws.on("framesent", self._sent)

    @staticmethod
    def _bytes(payload):
        return payload.encode() if isinstance(payload, str) else bytes(payload)

    def _sent(self, payload):
        data = self._bytes(payload)
        if self.CONTROL.search(data):  # the comm_open of the control comm
            self.control_comms.update(m.group(1).decode() for m in self.COMM_ID.finditer(data))

    def _received(self, payload):
        data = self._bytes(payload)
        if not self.MSG.search(data):
            return
        for m in self.ENAME.finditer(data):
            self.raw.append(f"{m.group(1).decode(errors='replace')}: {m.group(2).decode(errors='replace')}")
        for m in self.STDERR.finditer(data):
            self.raw.append(f"stderr: {m.group(1).decode(errors='replace')[:800]}")

    def errors(self):
        benign = {r"stderr: No such comm target registered: jupyter.widget.control\n"}
        benign |= {f"stderr: No such comm: {c}\\n" for c in self.control_comms}
        return [e for e in self.raw if e not in benign]


class Slider:
    """One ipywidgets 8 slider in the page (noUiSlider), found by its description."""

    def __init__(self, app, description):
        self.box = app.locator(SLIDER).filter(
            has=app.page.locator(f".widget-label:text-is('{description}')"))
        self.description = description
        self.handle = self.box.locator(".noUi-handle")
        self.track = self.box.locator(".noUi-base")

    def value(self):
        return int(self.box.locator(".widget-readout").inner_text().strip())

    def bounds(self):
        lo = self.handle.get_attribute("aria-valuemin")
        hi = self.handle.get_attribute("aria-valuemax")
        return int(float(lo)), int(float(hi))

    def press(self, key):
        self.handle.focus()
        self.handle.press(key)

    def drag_to(self, value):
        """Drag the handle with the mouse to where ``value`` sits on the track."""
        lo, hi = self.bounds()
        self.handle.scroll_into_view_if_needed()
        h, t = self.handle.bounding_box(), self.track.bounding_box()
        y = h["y"] + h["height"] / 2
        x_to = t["x"] + t["width"] * (value - lo) / (hi - lo)
        page = self.box.page
        page.mouse.move(h["x"] + h["width"] / 2, y)
        page.mouse.down()
        page.mouse.move(x_to, y, steps=8)
        page.mouse.up()


def wait_text(locator, predicate, timeout=STEP_S):
    """Poll ``locator``'s text until ``predicate(text)``; return the last text seen."""
    t0 = time.monotonic()
    text = ""
    while time.monotonic() - t0 < timeout:
        text = locator.inner_text()
        if predicate(text):
            break
        locator.page.wait_for_timeout(150)
    return text


def error_outputs(page):
    """Texts of the page's error / stderr outputs (tracebacks), if any."""
    return [e.inner_text()[:2000] for e in page.locator(ERROR_OUTPUTS).all()]
