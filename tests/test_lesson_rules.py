"""Every lesson (``notebooks/NN_name.ipynb`` except the map, found from the files) keeps the arc.

Issue 11's rules, one function, ``rules(nb)``, that returns each one broken, in words:

* the arc's headings, in this order: Question, Picture, Loop, Library, Check, View, Predict, Summary
  (``## Question``, ``## Picture, worked by hand``, ...; other sections may sit between them);
* the loop version is written in a cell under ``## Loop`` (a ``def`` with a ``for``) and checked
  there against ``conv_teach.reference`` (or ``conv_teach.reference_pool``); no ``inspect.getsource`` anywhere;
* at least one assert; at least one cell whose printed output nbval compares; the prediction cell
  says "not answered yet" in its stored (compared) output, and it hands the student's answer
  (``my_prediction = None`` or ``predicted... = None``) to ``ct.exercises.verify`` instead of
  comparing it with its own ``if``/``assert`` (tester finding 1);
* the view is displayed by a cell tagged for present mode and ``nbval-ignore-output``, under a
  heading tagged for present mode, and no cell sets a control afterwards (``controls[..].value =``,
  ``.select(``): the view stays in the state its text describes after Run All;
* at least one static figure stored in the notebook (tag ``figure``);
* numpy-ml and torch are named in the markdown of one ``## Aside`` only;
* at most ``MAX_WORDS`` words of prose (``tools/lesson_words.py``); no ``NBVAL`` comments.

The last tests spoil a clean lesson once per rule to show that each rule can fail.
"""
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MAP = "00_start_here.ipynb"
PRESENT = "present"     # the tag present mode shows
MAX_WORDS = 720         # issue 11: "about 700 words of prose per lesson at most"
ARC = ["Question", "Picture", "Loop", "Library", "Check", "View", "Predict", "Summary"]

_spec = importlib.util.spec_from_file_location("lesson_words", ROOT / "tools" / "lesson_words.py")
lesson_words = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson_words)


def lessons():
    return sorted(p for p in NOTEBOOKS.glob("[0-9]*_*.ipynb") if p.name != MAP)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def sections(nb):
    """[(heading, [cells])]: the cells under each ``## `` heading (the title's cells under '')."""
    found = [("", [])]
    for cell in nb.cells:
        heading = re.search(r"^##\s+(.*)", cell.source, re.M) if cell.cell_type == "markdown" else None
        if heading:
            found.append((heading.group(1).strip(), [cell]))
        else:
            found[-1][1].append(cell)
    return found


def printed(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def rules(nb):
    """Every lesson rule ``nb`` breaks, as sentences (empty when it keeps them all)."""
    found = []
    secs = sections(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    # the arc, in order
    position = 0
    for step in ARC:
        at = next((k for k, (h, _) in enumerate(secs) if k >= position and h.startswith(step)), None)
        if at is None:
            found.append(f"no '## {step}' heading after the previous steps of the arc ({', '.join(ARC)})")
        else:
            position = at
    by_step = {step: [c for h, cells in secs if h.startswith(step) for c in cells] for step in ARC}
    # the loop, written in the cell and checked against the reference
    loop_code = [c for c in by_step["Loop"] if c.cell_type == "code"]
    if not any(re.search(r"^\s*def ", c.source, re.M) and re.search(r"\bfor\b", c.source) for c in loop_code):
        found.append("the Loop section has no loop written in a cell (a def with a for)")
    if not any(re.search(r"\breference(_pool)?\.", c.source) for c in loop_code):
        found.append("the Loop section does not check its loop against conv_teach.reference(_pool)")
    for c in code:
        if "getsource" in c.source:
            found.append("inspect.getsource: write the loop in the cell instead")
        if "NBVAL" in c.source:
            found.append("an NBVAL comment: use a cell tag")
        if re.search(r"\.controls\[[^\]]+\]\.value\s*=(?!=)|\.select\(", c.source):
            found.append(f"a cell drives a view ({c.source.strip().splitlines()[0][:40]!r}): it would "
                         "no longer show what its text says after Run All; use your own instance or tests/")
    if not any(re.search(r"^\s*(assert\b|np\.testing\.assert_\w+\()", c.source, re.M) for c in code):
        found.append("no assert / np.testing.assert_* check")
    if not any("nbval-check-output" in tags(c) and printed(c) for c in code):
        found.append("no cell whose printed output nbval compares (tag nbval-check-output, output stored)")
    if not any("nbval-check-output" in tags(c) and "not answered yet" in printed(c)
               for c in by_step["Predict"] if c.cell_type == "code"):
        found.append("the Predict section has no checked cell that says 'not answered yet'")
    predict_cells = [c for c in by_step["Predict"] if c.cell_type == "code"
                     and re.search(r"^\s*(my_prediction|predicted\w*)\s*=\s*None", c.source, re.M)]
    if not predict_cells:
        found.append("the Predict section has no cell that starts a prediction (my_prediction = None)")
    for c in predict_cells:
        answer = re.search(r"^\s*(my_prediction|predicted\w*)\s*=\s*None", c.source, re.M).group(1)
        if not re.search(rf"\bct\.exercises\.verify\(\s*{answer}\b", c.source):
            found.append(f"the prediction cell does not pass {answer} to ct.exercises.verify(...), which "
                         "answers every student (any container, malformed answers) the same way")
        if re.search(rf"^\s*(assert|if|elif)\b.*\b{answer}\b", c.source, re.M):
            found.append("the prediction cell compares the answer itself (if/assert): leave that to "
                         "ct.exercises.verify and pass the lesson's words as its hints")
    # the view, for present mode, never driven
    view_cells = [c for c in by_step["View"] if c.cell_type == "code" and PRESENT in tags(c)]
    if not view_cells:
        found.append(f"the View section has no code cell tagged {PRESENT!r}")
    if any("nbval-ignore-output" not in tags(c) for c in view_cells):
        found.append("the view cell is not tagged nbval-ignore-output")
    if by_step["View"] and PRESENT not in tags(by_step["View"][0]):
        found.append(f"the View heading is not tagged {PRESENT!r}")
    if not any("figure" in tags(c) and c.get("outputs") for c in code):
        found.append("no static figure stored (tag 'figure'; tools/lesson_figures.py stores it)")
    # numpy-ml and torch in one aside
    asides = [h for h, _ in secs if h.startswith("Aside")]
    if len(asides) > 1:
        found.append(f"{len(asides)} asides; fold them into one")
    for h, cells in secs:
        if h.startswith("Aside"):
            continue
        for c in cells:
            if c.cell_type == "markdown" and re.search(r"numpy-ml|torch", c.source, re.I):
                found.append(f"numpy-ml or torch named outside the aside, under {h or 'the title'!r}")
                break
    words = lesson_words.prose_words(nb)
    if words > MAX_WORDS:
        found.append(f"{words} words of prose, more than {MAX_WORDS}")
    return found


@pytest.mark.parametrize("path", lessons(), ids=lambda p: p.stem)
def test_lesson_keeps_the_rules(path):
    assert rules(nbformat.read(path, as_version=4)) == []


def test_lessons_are_found_and_the_map_links_each():
    names = [p.name for p in lessons()]
    assert {"01_padding.ipynb", "07_transposed_conv.ipynb", "10_pooling_backward.ipynb"} <= set(names), names
    start = nbformat.read(NOTEBOOKS / MAP, as_version=4)
    text = "\n".join(c.source for c in start.cells if c.cell_type == "markdown")
    for name in names:
        assert f"({name})" in text, f"{MAP} does not link {name}"


# ---- each rule can fail -----------------------------------------------------------------

def _md(text, *tag):
    return nbformat.v4.new_markdown_cell(text, metadata={"tags": list(tag)} if tag else {})


def _code(text, *tag, out=None, image=False):
    cell = nbformat.v4.new_code_cell(text, metadata={"tags": list(tag)} if tag else {})
    if out is not None:
        cell.execution_count = 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=out)]
    if image:
        cell.execution_count = 2
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    return cell


def _lesson():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md("# 01 · Title\n\n## Question\n\nWhy?"),
        _md("## Picture, worked by hand"), _code("draw()", "figure", image=True),
        _md("## Loop version"),
        _code("def f(x):\n    for i in x:\n        pass\nassert f(1) == reference.f(1)"),
        _md("## Library call"), _code("print(ct.f(1))", "nbval-check-output", out="1\n"),
        _md("## Check"), _code("np.testing.assert_allclose(1, 1)"),
        _md("## Aside: numpy-ml and torch\n\ntorch does it too."),
        _md("## View", PRESENT), _code("app = ct.views.padding_view()\napp", PRESENT, "nbval-ignore-output"),
        _md("## Predict, then verify"),
        _code("my_prediction = None\nct.exercises.verify(my_prediction, 1, form='an int, e.g. 2')",
              "nbval-check-output", out="not answered yet\n"),
        _md("## Summary\n\n- done"),
    ]
    return nb


def test_a_clean_lesson_keeps_the_rules():
    assert rules(_lesson()) == []


def _drop_heading(step):
    def spoil(nb):
        for c in nb.cells:
            if c.cell_type == "markdown":
                c.source = re.sub(rf"^##\s+{step}.*$", "## Something else", c.source, flags=re.M)
    return spoil


@pytest.mark.parametrize("spoil, expected", [
    (_drop_heading("Loop"), "'## Loop'"),
    (_drop_heading("Summary"), "'## Summary'"),
    (lambda nb: nb.cells.insert(0, nb.cells.pop(10)), "'## View'"),            # View before Question
    (lambda nb: setattr(nb.cells[4], "source", "f = lambda x: x\nassert f(1) == reference.f(1)"),
     "no loop written"),
    (lambda nb: setattr(nb.cells[4], "source", "def f(x):\n    for i in x:\n        pass"),
     "conv_teach.reference"),
    (lambda nb: setattr(nb.cells[4], "source", nb.cells[4].source + "\nprint(inspect.getsource(f))"),
     "getsource"),
    (lambda nb: setattr(nb.cells[8], "source", "# NBVAL_IGNORE_OUTPUT\nx = 1"), "NBVAL comment"),
    (lambda nb: nb.cells.insert(12, _code("app.controls['stride'].value = 2")), "drives a view"),
    (lambda nb: nb.cells.insert(12, _code("app.select('Z', (0, 0, 0, 0))")), "drives a view"),
    (lambda nb: [setattr(nb.cells[k], "source", "x = 1") for k in (4, 8)], "no assert"),
    (lambda nb: [c.metadata.update(tags=[]) for c in nb.cells if c.cell_type == "code"
                 and "nbval-check-output" in c.metadata.get("tags", [])], "printed output nbval compares"),
    (lambda nb: setattr(nb.cells[13], "outputs", [nbformat.v4.new_output("stream", name="stdout", text="?")]),
     "not answered yet"),
    (lambda nb: setattr(nb.cells[13], "source", "my_prediction = None\nif my_prediction is None:\n"
                        "    print('not answered yet')"), "ct.exercises.verify"),
    (lambda nb: setattr(nb.cells[13], "source", nb.cells[13].source + "\nassert my_prediction == 1"),
     "compares the answer itself"),
    (lambda nb: setattr(nb.cells[13], "source", "print('not answered yet')"), "starts a prediction"),
    (lambda nb: nb.cells[11].metadata.update(tags=["nbval-ignore-output"]), "no code cell tagged"),
    (lambda nb: nb.cells[11].metadata.update(tags=[PRESENT]), "not tagged nbval-ignore-output"),
    (lambda nb: nb.cells[10].metadata.update(tags=[]), "View heading is not tagged"),
    (lambda nb: setattr(nb.cells[2], "outputs", []), "no static figure"),
    (lambda nb: setattr(nb.cells[14], "source", "## Summary\n\n- unlike numpy-ml"), "outside the aside"),
    (lambda nb: nb.cells.insert(10, _md("## Aside: more")), "fold them into one"),
    (lambda nb: setattr(nb.cells[14], "source", "## Summary\n\n" + "word " * (MAX_WORDS + 1)), "words of prose"),
], ids=["no-loop-heading", "no-summary", "arc-order", "loop-not-written", "loop-unchecked", "getsource",
        "nbval-comment", "drives-control", "drives-select", "no-assert", "no-checked-output",
        "silent-prediction", "prediction-not-verified", "prediction-compared-by-hand",
        "no-prediction", "view-not-present", "view-not-ignored", "heading-not-present",
        "no-figure", "numpy-ml-outside-aside", "two-asides", "too-long"])
def test_each_rule_can_fail(spoil, expected):
    nb = _lesson()
    spoil(nb)
    found = rules(nb)
    assert any(expected in p for p in found), found
