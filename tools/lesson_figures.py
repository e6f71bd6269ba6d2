"""Store the lessons' static figures (and checked printouts) in the notebooks, or check them.

    python tools/lesson_figures.py            # run every lesson, store what it draws and prints
    python tools/lesson_figures.py --check    # run them and say which stored figures are stale
    python tools/lesson_figures.py notebooks/01_padding.ipynb     # only these

A teacher previewing the lessons on a code host sees the pictures without running anything, so
the notebooks keep the outputs of two kinds of cells, and only those:

* cells tagged ``figure``: a static matplotlib picture drawn from the library's arrays;
* cells tagged ``nbval-check-output``: printed results that nbval compares on every test run.

Every other output (the views' widget state above all) is dropped. Each lesson runs in a fresh
kernel (the blocking client, as nbval uses), with this tree first on ``PYTHONPATH``. PNGs are
re-encoded with Pillow, without matplotlib's metadata, so that the same picture gives the same
bytes; ``--check`` (and ``tests/test_lesson_figures.py``) compares the decoded pixels.
"""
import argparse
import base64
import io
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
from jupyter_client.manager import start_new_kernel
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FIGURE, CHECKED = "figure", "nbval-check-output"
TIMEOUT = 120          # seconds per cell


def lessons():
    """Every lesson notebook: notebooks/NN_name.ipynb (00_start_here, 00a_..., 10_...)."""
    return sorted(NOTEBOOKS.glob("[0-9]*_*.ipynb"))


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def stored_kind(cell):
    """'figure', 'checked' or None: whether (and why) ``cell`` keeps its outputs in git."""
    if cell.cell_type != "code":
        return None
    if FIGURE in tags(cell):
        return "figure"
    if CHECKED in tags(cell):
        return "checked"
    return None


def clean_png(b64):
    """The same picture as plain PNG bytes (base64), without metadata: same pixels, same bytes."""
    image = Image.open(io.BytesIO(base64.b64decode(b64)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def pixels(b64):
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGBA"))


def execute(path):
    """Run ``path`` top to bottom in a fresh kernel; return the outputs of every code cell."""
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(path.parent), env=env)
    results = []
    try:
        for k, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            outputs = []

            def hook(msg, outputs=outputs):
                kind = msg["header"]["msg_type"]
                if kind in ("stream", "display_data", "execute_result", "error"):
                    outputs.append(nbformat.v4.output_from_msg(msg))
                elif kind == "clear_output":
                    outputs.clear()

            reply = kc.execute_interactive(cell.source, timeout=TIMEOUT, output_hook=hook,
                                           allow_stdin=False)
            if reply["content"]["status"] == "error" and "raises-exception" not in tags(cell):
                err = reply["content"]
                raise RuntimeError(f"{path.name}, code cell {k}: {err['ename']}: {err['evalue']}")
            results.append((reply["content"].get("execution_count"), outputs))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return nb, results


def _merge_streams(outputs):
    merged = []
    for out in outputs:
        if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                and merged[-1].name == out.name):
            merged[-1].text += out.text
        else:
            merged.append(out)
    return merged


def store(path):
    """Run ``path`` and write it back with the outputs of figure and checked cells only."""
    nb, results = execute(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for cell, (count, outputs) in zip(code, results):
        if stored_kind(cell) is None:
            cell.outputs, cell.execution_count = [], None
            continue
        for out in outputs:
            if "image/png" in out.get("data", {}):
                out.data["image/png"] = clean_png(out.data["image/png"])
            out.pop("execution_count", None) if out.output_type != "execute_result" else None
        cell.outputs, cell.execution_count = _merge_streams(outputs), count
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = count
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def stale(path):
    """Sentences naming each figure cell whose stored picture differs from what it draws now."""
    nb, results = execute(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    found = []
    for k, (cell, (_, outputs)) in enumerate(zip(code, results)):
        if stored_kind(cell) != "figure":
            continue
        first = (cell.source.strip().splitlines() or [""])[0][:50]
        stored = [o.data["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})]
        drawn = [o.data["image/png"] for o in outputs if "image/png" in o.get("data", {})]
        if len(stored) != len(drawn):
            found.append(f"{path.name}, code cell {k} ({first!r}): {len(stored)} stored "
                         f"picture(s), it draws {len(drawn)}")
            continue
        for a, b in zip(stored, drawn):
            pa, pb = pixels(a), pixels(b)
            if pa.shape != pb.shape or not np.array_equal(pa, pb):
                found.append(f"{path.name}, code cell {k} ({first!r}): the stored picture "
                             f"{pa.shape[:2]} is not what the cell draws now {pb.shape[:2]}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/[0-9]*_*.ipynb")
    parser.add_argument("--check", action="store_true", help="only report stale figures")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or lessons()
    bad = []
    for path in paths:
        if args.check:
            problems = stale(path)
            bad += problems
            print(f"{'stale' if problems else 'ok   '}  {path.relative_to(ROOT)}")
        else:
            store(path)
            print(f"stored  {path.relative_to(ROOT)}")
    for line in bad:
        print(line, file=sys.stderr)
    if bad:
        print("run `python tools/lesson_figures.py` to store the figures again", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
