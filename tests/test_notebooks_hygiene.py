"""The notebooks are committed clean, so that nbval's checks mean something.

nbval compares only cells that have a stored ``execution_count`` and, under ``--nbval-lax``,
only those marked ``# NBVAL_CHECK_OUTPUT`` (see /work/shared/notes/tooling.md §2). So:

* a cell with stored outputs must be a checked cell (anything else is stale noise in git, and
  "unrun reference cell has outputs" fails nbval), and a checked cell must keep its outputs
  and execution count (otherwise nbval silently compares nothing);
* no ``metadata.widgets`` (stale widget state, random model ids) and kernelspec ``python3``;
* a cell that makes an app (``xxx_app(...)``) carries ``# NBVAL_IGNORE_OUTPUT``: widget reprs
  and Output-widget captures differ from run to run;
* every lesson 01-06 has a Summary heading and checks something with an assert.

``problems()`` returns every violation in words; the last tests feed it bad notebooks to
show that each rule can fail.
"""
import re
from pathlib import Path

import nbformat
import pytest

import conv_teach

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = ["01_padding", "02_stride_dilation", "03_im2col", "04_gemm", "05_conv1d",
           "06_col2im_backward"]


def all_notebooks():
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def has_marker(cell, marker):
    """nbval's rule: a comment line ``# NBVAL_X`` in the source, or the tag ``nbval-x``."""
    tag = marker.lower().replace("_", "-")
    tags = cell.get("metadata", {}).get("tags", [])
    return (re.search(rf"^\s*#\s*{marker}\b", cell.source, re.M) is not None
            or tag in tags or (marker == "NBVAL_RAISES_EXCEPTION" and "raises-exception" in tags))


#: a call of any app of conv_teach.widgets, e.g. ``padding_app(...)`` or ``ct.widgets.gemm_app()``
APP_NAMES = [name for name in conv_teach.widgets.__all__ if name.endswith("_app")]
APP_CALL = re.compile(r"\b(%s)\s*\(" % "|".join(APP_NAMES))


def problems(nb, lesson=False):
    """Every hygiene rule ``nb`` breaks, as sentences (empty when clean)."""
    found = []
    if "widgets" in nb.metadata:
        found.append("metadata.widgets is present (stale widget state): strip it")
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != "python3":
        found.append(f"kernelspec name is {kernel!r}, expected 'python3'")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    for k, cell in enumerate(code_cells):
        first_line = (cell.source.strip().splitlines() or [""])[0][:50]
        where = f"code cell {k} ({first_line!r})"
        checked = has_marker(cell, "NBVAL_CHECK_OUTPUT")
        ignored = has_marker(cell, "NBVAL_IGNORE_OUTPUT")
        if checked and ignored:
            found.append(f"{where}: both NBVAL_CHECK_OUTPUT and NBVAL_IGNORE_OUTPUT")
        if checked:
            if cell.execution_count is None or not cell.outputs:
                found.append(f"{where}: marked NBVAL_CHECK_OUTPUT but stored without outputs or "
                             "execution_count, so nbval would compare nothing")
        else:
            if cell.outputs:
                found.append(f"{where}: has stored outputs but is not marked NBVAL_CHECK_OUTPUT")
            if cell.execution_count is not None:
                found.append(f"{where}: execution_count {cell.execution_count} should be null")
        for out in cell.outputs:
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {}):
                found.append(f"{where}: stored widget view output")
        if APP_CALL.search(cell.source) and not ignored:
            found.append(f"{where}: makes an app but is not marked NBVAL_IGNORE_OUTPUT")
    if lesson:
        if not any(c.cell_type == "markdown" and re.search(r"^#+\s*Summary\b", c.source, re.M)
                   for c in nb.cells):
            found.append("lesson has no 'Summary' heading")
        if not any(re.search(r"^\s*(assert\b|np\.testing\.assert_\w+\()", c.source, re.M)
                   for c in code_cells):
            found.append("lesson has no assert / np.testing.assert_* check")
    return found


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    lesson = path.parent == NOTEBOOKS and path.stem in LESSONS
    assert problems(nb, lesson=lesson) == []


def test_every_lesson_exists_and_the_map_links_it():
    start = nbformat.read(NOTEBOOKS / "00_start_here.ipynb", as_version=4)
    text = "\n".join(c.source for c in start.cells if c.cell_type == "markdown")
    for name in LESSONS:
        assert (NOTEBOOKS / f"{name}.ipynb").is_file(), f"lesson {name}.ipynb is missing"
        assert f"({name}.ipynb)" in text, f"00_start_here does not link {name}.ipynb"


def test_lessons_mark_checked_cells():
    """Each lesson pins at least one printed result (shapes, pads, counts) under nbval."""
    for name in LESSONS:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        assert any(has_marker(c, "NBVAL_CHECK_OUTPUT") for c in nb.cells if c.cell_type == "code"), name


# ---- the rules can fail: a clean notebook passes, each defect is named --------------------

def _notebook(*cells, **metadata):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.metadata.update(metadata)
    nb.cells = list(cells)
    return nb


def _checked_cell():
    cell = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1 + 1)")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    return cell


def _clean_lesson():
    return _notebook(nbformat.v4.new_markdown_cell("# 01 · A question?"), _checked_cell(),
                     nbformat.v4.new_code_cell("assert 1 + 1 == 2"),
                     nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\napp = ct.widgets.padding_app()\napp"),
                     nbformat.v4.new_markdown_cell("## Summary\n\n- it works"),
                     nbformat.v4.new_code_cell("def check_app():\n    return 1\n\ncheck_app()"))


def test_a_clean_notebook_has_no_problems():
    assert problems(_clean_lesson(), lesson=True) == []


def test_app_names_cover_the_six_apps():
    assert {"padding_app", "dilation_app", "im2col_app", "gemm_app", "conv1d_app",
            "col2im_app"} <= set(APP_NAMES)


@pytest.mark.parametrize("spoil, expected", [
    (lambda nb: nb.metadata.update(widgets={"state": {}}), "metadata.widgets"),
    (lambda nb: nb.metadata.update(kernelspec={"name": "conv-teach"}), "kernelspec name"),
    (lambda nb: nb.cells[2].outputs.append(nbformat.v4.new_output("stream", text="x")),
     "not marked NBVAL_CHECK_OUTPUT"),
    (lambda nb: setattr(nb.cells[2], "execution_count", 3), "should be null"),
    (lambda nb: setattr(nb.cells[1], "outputs", []), "would compare nothing"),
    (lambda nb: setattr(nb.cells[3], "source", "im2col_app(stride=2)"), "makes an app"),
    (lambda nb: setattr(nb.cells[4], "source", "## Recap"), "Summary"),
    (lambda nb: setattr(nb.cells[2], "source", "x = 1 + 1"), "assert"),
], ids=["widget-state", "kernel", "stray-output", "execution-count", "unchecked-check",
        "app-not-ignored", "no-summary", "no-assert"])
def test_each_rule_can_fail(spoil, expected):
    nb = _clean_lesson()
    spoil(nb)
    found = problems(nb, lesson=True)
    assert any(expected in p for p in found), found
