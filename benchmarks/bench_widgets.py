"""How long an app takes to answer a control: set ``.value``, until the canvas is drawn.

Run from the repository root::

    python benchmarks/bench_widgets.py               # 21 steps per row
    python benchmarks/bench_widgets.py --repeat 51 --json out.json

For each app at its default size, two kinds of change are timed, alternating between two
values so that every step really changes something:

* ``cell``: moving the selected output cell (``out_col`` / ``out_pos``): the common,
  continuous interaction (the slider updates while dragged);
* ``param``: changing stride or pad, which recomputes every array and re-lays the panels.

One step = ``control.value = v`` (the app recomputes with the library and refills its
artists in place) + ``figure.canvas.draw()`` on Agg, i.e. the full render a display
needs. In a notebook the inline backend then encodes a PNG and the browser shows it;
that transfer is not in these numbers (see the "png" column: one ``savefig`` to PNG).
Target: median under 50 ms per update. Timings on a shared machine are noisy: the
wall-clock minimum and the CPU time (``time.process_time``, this process only) show what
the code costs, the wall median what a student waits on this machine right now; the
load average is printed with the table so that a busy run can be recognised.
"""
import argparse
import io
import json
import os
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

import conv_teach  # noqa: E402

TARGET_MS = 50.0

#: app -> [(kind, control, two values to alternate)]
CASES = {
    "padding_app": [("cell", "out_col", (0, 1)), ("param", "pad", (1, "same"))],
    "dilation_app": [("cell", "out_col", (0, 1)), ("param", "dilation", (1, 0))],
    "im2col_app": [("cell", "out_col", (0, 1)), ("param", "stride", (1, 2))],
    "gemm_app": [("cell", "out_col", (0, 1)), ("param", "stride", (1, 2))],
    "conv1d_app": [("cell", "out_pos", (0, 1)), ("param", "pad", ("causal", "same"))],
    "col2im_app": [("cell", "out_col", (0, 1)), ("param", "stride", (1, 2))],
}


def time_steps(app, control, values, repeat):
    w = app.controls[control]
    canvas = app.figure.canvas
    canvas.draw()                                   # warm-up: first draw builds caches
    wall, cpu = [], []
    for k in range(repeat + 1):
        t0, c0 = time.perf_counter(), time.process_time()
        w.value = values[k % 2]
        canvas.draw()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert app.message.value == "", app.message.value
    return [1000 * t for t in wall[1:]], [1000 * t for t in cpu[1:]]


def png_ms(app):
    buf = io.BytesIO()
    t0 = time.perf_counter()
    app.figure.savefig(buf, format="png", dpi=app.figure.dpi)
    return 1000 * (time.perf_counter() - t0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = []
    for name, cases in CASES.items():
        app = getattr(conv_teach.widgets, name)()
        png = min(png_ms(app) for _ in range(3))
        for kind, control, values in cases:
            wall, cpu = time_steps(app, control, values, args.repeat)
            rows.append(dict(app=name, change=f"{kind}: {control}", median_ms=statistics.median(wall),
                             min_ms=min(wall), cpu_median_ms=statistics.median(cpu), png_ms=png))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f} (1 min); {args.repeat} steps per row")
    head = (f"{'app':<14} {'change':<18} {'median ms':>9} {'min ms':>7} {'cpu ms':>7} {'png ms':>7}"
            f"  median < {TARGET_MS:g} ms")
    print(head)
    print("-" * len(head))
    for r in rows:
        ok = "ok" if r["median_ms"] < TARGET_MS else "SLOW"
        print(f"{r['app']:<14} {r['change']:<18} {r['median_ms']:9.1f} {r['min_ms']:7.1f} "
              f"{r['cpu_median_ms']:7.1f} {r['png_ms']:7.1f}  {ok}")
    worst = max(r["median_ms"] for r in rows)
    worst_cpu = max(r["cpu_median_ms"] for r in rows)
    print(f"\nworst median {worst:.1f} ms wall, {worst_cpu:.1f} ms CPU, over {len(rows)} rows")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
