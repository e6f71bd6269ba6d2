"""The notebooks are committed clean, so that nbval's checks mean something.

nbval compares only cells that have a stored ``execution_count`` and, under ``--nbval-lax``, only
those tagged ``nbval-check-output``. nbval's directives are cell tags, never comments in the code
students read. So, in every notebook (lessons and exercises):

* a cell with stored outputs is a checked cell (tag ``nbval-check-output``) or a static picture (tag
  ``figure``, written by ``tools/lesson_figures.py``); anything else is stale noise in git, and nbval
  fails an "unrun reference cell" that has outputs. Checked and figure cells keep their outputs and
  execution count (otherwise nbval silently compares nothing, or the picture is missing);
* no ``NBVAL`` comment in any cell, no ``metadata.widgets`` (stale widget state, random model ids),
  no stored widget view, kernelspec ``python3``;
* a cell that makes a view (``xxx_view(...)``) is tagged
  ``nbval-ignore-output``: widget reprs differ from run to run.

``problems()`` returns every violation in words; the last tests feed it bad notebooks to show that
each rule can fail. The lessons' own rules (the arc, asserts, predictions) are in test_lesson_rules.py.
"""
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHECKED, IGNORED, FIGURE = "nbval-check-output", "nbval-ignore-output", "figure"

#: a call that builds a view, e.g. ``ct.views.im2col_view()``
WIDGET_CALL = re.compile(r"\b(padding|dilation|im2col|gemm|conv1d|col2im|transpose|groups|pool)_view\s*\(")

#: exercise notebooks that still carry ``# NBVAL_...`` comments: their conversion to tags belongs
#: to the exercises' own change (issue 11, branch ``exer``); drop an entry once it is converted.
NBVAL_COMMENTS_PENDING = {"exercises/ex01_output_shapes.ipynb",
                          "exercises/solutions/ex01_output_shapes.ipynb"}
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def all_notebooks():
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def tags(cell):
    """The cell's tags, plus the tag an ``# NBVAL_X`` comment stands for (nbval reads both)."""
    found = list(cell.get("metadata", {}).get("tags", []))
    for marker in re.findall(r"^\s*#\s*NBVAL_(\w+)", cell.get("source", ""), re.M):
        found.append("nbval-" + marker.lower().replace("_", "-"))
    return found


def problems(nb, nbval_comments_allowed=False):
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
        checked, ignored, figure = CHECKED in tags(cell), IGNORED in tags(cell), FIGURE in tags(cell)
        if "NBVAL" in cell.source and not nbval_comments_allowed:
            found.append(f"{where}: an NBVAL comment in the code students read; use a cell tag")
        if checked and ignored:
            found.append(f"{where}: tagged both {CHECKED} and {IGNORED}")
        if checked or figure:
            if cell.execution_count is None or not cell.outputs:
                found.append(f"{where}: tagged {CHECKED if checked else FIGURE} but stored without "
                             "outputs or execution_count, so nbval would compare nothing / no picture "
                             "shows: run tools/lesson_figures.py")
            if figure and not any("image/png" in o.get("data", {}) for o in cell.outputs):
                found.append(f"{where}: tagged {FIGURE} but stores no PNG")
        else:
            if cell.outputs:
                found.append(f"{where}: has stored outputs but is tagged neither {CHECKED} nor {FIGURE}")
            if cell.execution_count is not None:
                found.append(f"{where}: execution_count {cell.execution_count} should be null")
        for out in cell.outputs:
            if WIDGET_MIME in out.get("data", {}):
                found.append(f"{where}: stored widget view output")
        if WIDGET_CALL.search(cell.source) and not ignored:
            found.append(f"{where}: makes a view but is not tagged {IGNORED}")
    return found


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: str(p.relative_to(NOTEBOOKS)))
def test_notebook_is_clean(path):
    pending = str(path.relative_to(NOTEBOOKS)) in NBVAL_COMMENTS_PENDING
    assert problems(nbformat.read(path, as_version=4), nbval_comments_allowed=pending) == []


# ---- the rules can fail: a clean notebook passes, each defect is named --------------------

def _notebook(*cells, **metadata):
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    nb.metadata.update(metadata)
    nb.cells = list(cells)
    return nb


def _checked_cell():
    cell = nbformat.v4.new_code_cell("print(1 + 1)", metadata={"tags": [CHECKED]})
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    return cell


def _figure_cell():
    cell = nbformat.v4.new_code_cell("plt.plot([1, 2])\nplt.show()", metadata={"tags": [FIGURE]})
    cell.execution_count = 2
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=",
                                                                "text/plain": "<Figure>"})]
    return cell


def _clean():
    return _notebook(nbformat.v4.new_markdown_cell("# 01 · A question?"), _checked_cell(),
                     nbformat.v4.new_code_cell("assert 1 + 1 == 2"),
                     nbformat.v4.new_code_cell("v = ct.views.padding_view()\nv",
                                               metadata={"tags": [IGNORED]}),
                     _figure_cell())


def test_a_clean_notebook_has_no_problems():
    assert problems(_clean()) == []


@pytest.mark.parametrize("spoil, expected", [
    (lambda nb: nb.metadata.update(widgets={"state": {}}), "metadata.widgets"),
    (lambda nb: nb.metadata.update(kernelspec={"name": "conv-teach"}), "kernelspec name"),
    (lambda nb: nb.cells[2].outputs.append(nbformat.v4.new_output("stream", text="x")),
     "tagged neither"),
    (lambda nb: setattr(nb.cells[2], "execution_count", 3), "should be null"),
    (lambda nb: setattr(nb.cells[1], "outputs", []), "would compare nothing"),
    (lambda nb: setattr(nb.cells[4], "outputs", []), "no picture"),
    (lambda nb: setattr(nb.cells[4], "outputs", [nbformat.v4.new_output("stream", text="x")]),
     "stores no PNG"),
    (lambda nb: setattr(nb.cells[2], "source", "ct.views.im2col_view(stride=2)"), "makes a view"),
    (lambda nb: setattr(nb.cells[2], "source", "# NBVAL_IGNORE_OUTPUT\nassert 1"), "NBVAL comment"),
    (lambda nb: nb.cells[1].metadata["tags"].append(IGNORED), "tagged both"),
    (lambda nb: nb.cells[3].outputs.append(nbformat.v4.new_output(
        "display_data", data={WIDGET_MIME: {"model_id": "x"}})), "stored widget view"),
], ids=["widget-state", "kernel", "stray-output", "execution-count", "unchecked-check", "figure-empty",
        "figure-no-png", "view-not-ignored", "nbval-comment", "checked-and-ignored", "widget-output"])
def test_each_rule_can_fail(spoil, expected):
    nb = _clean()
    spoil(nb)
    found = problems(nb)
    assert any(expected in p for p in found), found
