"""Where a view's hover and slider step spend their time in Chromium (a trace, not a benchmark).

Run from the repository root (under ``flock /tmp/heavy.lock``: it starts Voila and Chromium)::

    python benchmarks/profile_views.py im2col_view gemm_view --hovers 20 --steps 8

For each view (default size) it records a Chromium trace (CDP ``Tracing``, category
``devtools.timeline``) over a series of hovers and, separately, of slider steps, driven
exactly as ``bench_views.py`` drives them, and prints the time per hover / per step of the
renderer's main-thread events (script, style, layout, paint...) and of raster work. Events
nest (``FunctionCall`` holds the script's style/layout when it forces them), so the rows are
not additive; they tell which phase to work on. Latency itself is measured by bench_views.py.
"""
import argparse
import collections
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_views as B  # noqa: E402

NAMES = ["EventDispatch", "FunctionCall", "TimerFire", "FireAnimationFrame", "UpdateLayoutTree",
         "Layout", "PrePaint", "Paint", "Layerize", "Commit", "RasterTask", "ParseHTML"]


def traced(page, cdp, fn):
    events = []
    done = {"v": False}
    cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    cdp.on("Tracing.tracingComplete", lambda e: done.update(v=True))
    cdp.send("Tracing.start", {"categories": "devtools.timeline,disabled-by-default-devtools.timeline",
                               "transferMode": "ReportEvents"})
    fn()
    cdp.send("Tracing.end")
    t0 = time.monotonic()
    while not done["v"] and time.monotonic() - t0 < 30:
        page.wait_for_timeout(100)
    return events


def summarize(events, n):
    threads = {}
    for e in events:
        if e.get("name") == "thread_name":
            threads[(e["pid"], e["tid"])] = e["args"]["name"]
    tot = collections.defaultdict(float)
    for e in events:
        if e.get("ph") == "X" and e.get("name") in NAMES:
            th = threads.get((e["pid"], e["tid"]), "?")
            where = "main" if th == "CrRendererMain" else ("raster" if "Raster" in th or "Compositor" in th else None)
            if where:
                tot[f"{where}:{e['name']}"] += e.get("dur", 0) / 1000
    return {k: round(v / n, 2) for k, v in sorted(tot.items(), key=lambda kv: -kv[1])}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("views", nargs="*", default=["im2col_view"])
    ap.add_argument("--hovers", type=int, default=20)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright
    tmp = Path(tempfile.mkdtemp(prefix="profile_views_"))
    nb = tmp / "p.ipynb"
    items = B.build_notebook(nb, [f"{v}-default" for v in args.views])
    log = open(tmp / "voila.log", "w")
    proc, url = B.start_voila(nb, log)
    out = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=B.CHROMIUM, args=B.CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(120_000)
                page.goto(url, timeout=180_000)
                for key, *_ in items:
                    page.locator(f".ctb-{key}").first.wait_for(state="visible", timeout=120_000)
                page.evaluate(B.PROBES)
                page.wait_for_timeout(500)
                cdp = page.context.new_cdp_session(page)
                for key, *_ in items:
                    rng = random.Random(0)
                    res = {}
                    ev = traced(page, cdp, lambda: res.update(h=hover_only(page, key, args.hovers, rng)))
                    out[f"{key} hover"] = {"latency": res["h"], "per_hover_ms": summarize(ev, args.hovers)}
                    ev = traced(page, cdp, lambda: res.update(s=steps_only(page, key, args.steps)))
                    out[f"{key} step"] = {"latency": res["s"], "per_step_ms": summarize(ev, args.steps)}
                    for k in (f"{key} hover", f"{key} step"):
                        print(k, json.dumps(out[k]), flush=True)
            finally:
                browser.close()
    finally:
        B.stop(proc)
        log.close()
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


def hover_only(page, key, n, rng):
    box = page.locator(f".ctb-{key}").first
    root = box.locator(".ct-view").first
    root.scroll_into_view_if_needed()
    cells = root.locator(".ct-cell")
    count, ms = cells.count(), []
    for _ in range(n):
        cell = cells.nth(rng.randrange(count))
        cell.scroll_into_view_if_needed()
        b = cell.bounding_box()
        page.mouse.move(5, 5)
        root.evaluate("r => new Promise(res => requestAnimationFrame(() => requestAnimationFrame(() => {"
                      " window.__ctbPending = window.__ctb.armHover(r); res(); })))")
        page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
        ms.append(page.evaluate("() => window.__ctbPending")["ms"])
    page.mouse.move(5, 5)
    return B.stats(ms)


def steps_only(page, key, n):
    box = page.locator(f".ctb-{key}").first
    handle = B.slider_handle(box, B.STEP_SLIDER)
    ms = []
    for k in B.step_keys(handle, n):
        handle.focus()
        box.evaluate("b => { window.__ctbPending = window.__ctb.armStep(b, b.querySelector('.ct-view')); }")
        page.keyboard.press(k)
        ms.append(page.evaluate("() => window.__ctbPending")["ms"])
        page.wait_for_timeout(100)
    return B.stats(ms)


if __name__ == "__main__":
    main()
