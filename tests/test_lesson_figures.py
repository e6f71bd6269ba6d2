"""The figures stored in the lessons are what the lessons draw now (none is stale).

Each lesson runs once in a fresh kernel (``tools/lesson_figures.py``); every cell tagged ``figure``
must draw exactly the stored picture, pixel for pixel. When a lesson or the drawing code changes,
``python tools/lesson_figures.py`` stores them again.
"""
import base64
import importlib.util
import io
from pathlib import Path

import nbformat
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("lesson_figures", ROOT / "tools" / "lesson_figures.py")
lesson_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson_figures)


@pytest.mark.parametrize("path", lesson_figures.lessons(), ids=lambda p: p.stem)
def test_stored_figures_are_current(path):
    assert lesson_figures.stale(path) == [], "run `python tools/lesson_figures.py` to store them again"


def test_a_changed_picture_is_stale(tmp_path):
    """A stored picture that differs from what the cell draws is reported, with the cell."""
    nb = nbformat.read(ROOT / "notebooks" / "02_stride_dilation.ipynb", as_version=4)
    figure = next(c for c in nb.cells if "figure" in c.metadata.get("tags", []))
    out = next(o for o in figure.outputs if "image/png" in o.get("data", {}))
    pixels = lesson_figures.pixels(out.data["image/png"]).copy()
    pixels[10:20, 10:20] = 0                                  # a small black square
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    out.data["image/png"] = base64.b64encode(buf.getvalue()).decode()
    spoiled = tmp_path / "02_stride_dilation.ipynb"
    nbformat.write(nb, spoiled)
    found = lesson_figures.stale(spoiled)
    assert len(found) == 1 and "code cell 1" in found[0] and "not what the cell draws" in found[0], found
