"""nbgrader, end to end, on the six exercise notebooks in a temporary course directory.

``generate_assignment``, then ``autograde`` of three submissions (every answer right; the
right answers with one planted bug in exercise 2's 'same' padding; the untouched student
version), then ``generate_feedback`` with the course config that ships with the exercises
(``notebooks/exercises/nbgrader_config.py``). The scores are asserted, and the feedback of
the planted bug must show its hint and no hidden-test code.

nbgrader runs its database migrations with the ``alembic`` command, so the environment's
``bin`` directory must be on PATH (an activated environment); the tests put it there.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from conv_teach.exercises.hints import HINTS  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "notebooks" / "exercises"
STUDENTS = ("right", "planted", "untouched")
MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)
#: the planted bug: exercise 2's 'same' puts the odd zero before instead of after
RIGHT_SPLIT = "return total // 2, total - total // 2"
WRONG_SPLIT = "return total - total // 2, total // 2"


def _nbgrader(course, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT),
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return time.monotonic() - start, done.stderr


def _submit(course, student):
    """A student's submission: the released notebooks, with the solutions written in
    (as a student would have typed them) unless the student left them untouched."""
    out = course / "submitted" / student / "ps1"
    out.mkdir(parents=True)
    for released in sorted((course / "release" / "ps1").glob("*.ipynb")):
        nb = json.loads(released.read_text())
        if student != "untouched":
            solution = json.loads((course / "source" / "ps1" / released.name).read_text())
            for cell, sol in zip(nb["cells"], solution["cells"]):
                if cell["metadata"].get("nbgrader", {}).get("solution"):
                    cell["source"] = MARKER.sub("", "".join(sol["source"]))
                    if student == "planted" and RIGHT_SPLIT in cell["source"]:
                        cell["source"] = cell["source"].replace(RIGHT_SPLIT, WRONG_SPLIT)
        (out / released.name).write_text(json.dumps(nb))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copytree(EXERCISES / "solutions", course / "source" / "ps1")
    shutil.copy(EXERCISES / "nbgrader_config.py", course)
    times = {}
    times["generate_assignment"], _ = _nbgrader(course, "generate_assignment", "ps1")
    for student in STUDENTS:
        _submit(course, student)
    assert WRONG_SPLIT in (course / "submitted" / "planted" / "ps1" / "ex02_pad2D.ipynb").read_text()
    times["autograde"], log = _nbgrader(course, "autograde", "ps1")
    times["generate_feedback"], _ = _nbgrader(course, "generate_feedback", "ps1")
    times["per submission"] = times["autograde"] / len(STUDENTS)
    print("nbgrader seconds:", {k: round(v, 1) for k, v in times.items()})
    return course, log


def _scores(course):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        out = {}
        for student in STUDENTS:
            sub = gb.find_submission("ps1", student)
            out[student] = (sub.code_score, sub.max_code_score,
                            {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades
                             if g.auto_score is not None and g.cell_type == "code"})
        return out


def test_autograde_scores_right_planted_and_untouched(course):
    scores = _scores(course[0])
    right, max_code, right_cells = scores["right"]
    assert max_code == 31 and right == 31            # 3 + 4 + 3 + 4 + 4 + 4 + 5 + 4 (ex07) points
    planted, _, planted_cells = scores["planted"]
    assert planted == 27 and planted_cells["ex02_check_pad2D"] == 0
    assert {k: v for k, v in planted_cells.items() if k != "ex02_check_pad2D"} == \
        {k: v for k, v in right_cells.items() if k != "ex02_check_pad2D"}
    untouched, _, untouched_cells = scores["untouched"]
    assert untouched == 0 and set(untouched_cells.values()) == {0}


def test_the_planted_bugs_feedback_shows_its_hint_and_no_hidden_test_code(course):
    page = (course[0] / "feedback" / "planted" / "ps1" / "ex02_pad2D.html").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "Hint: " + HINTS["pad_wrong_side"] in text
    assert "check_pad2D: case" in text and "failed (the numbers and the picture are above)" in text
    assert "passed = check_pad2D(pad2D)" in text                  # the visible line stays


@pytest.mark.parametrize("student", STUDENTS)
def test_no_feedback_shows_hidden_tests_or_conv_teach_frames(course, student):
    solutions = [json.loads(p.read_text()) for p in (EXERCISES / "solutions").glob("*.ipynb")]
    hidden = [line.strip() for nb in solutions for cell in nb["cells"]
              for region in re.findall(r"BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                                       "".join(cell["source"]), re.S)
              for line in region.splitlines() if line.strip()]
    assert hidden
    for page in sorted((course[0] / "feedback" / student / "ps1").glob("*.html")):
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        assert "HIDDEN TESTS" not in text, page.name
        for line in hidden:
            assert line not in text, (page.name, line)
        assert "checks.py" not in text and "site-packages" not in text, page.name


def test_untouched_feedback_says_not_implemented_yet(course):
    text = (course[0] / "feedback" / "untouched" / "ps1" / "ex03_im2col.html").read_text()
    assert text.count("check_im2col: not implemented yet") >= 2   # the visible line and the grade


def test_the_only_autograde_warning_is_nbgraders_known_checksum_one(course):
    """nbgrader issue 1961: a grade cell with hidden tests always 'has changed' at autograde."""
    warnings = [line for line in course[1].splitlines() if "| WARNING]" in line]
    assert warnings and all(re.search(r"Attribute 'checksum' for cell \w+ has changed", w)
                            for w in warnings), warnings
