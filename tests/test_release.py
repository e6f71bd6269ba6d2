"""``conv-teach release``: student notebooks from solution notebooks, without losing anyone's work."""
import contextlib
import inspect
import io
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conv_teach.exercises import NOT_IMPLEMENTED
from conv_teach.exercises.release import MarkerError, release, transform_source

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "exercises" / "solutions"
STUDENT = ROOT / "notebooks" / "exercises"
EXERCISES = sorted(p.name for p in SOLUTIONS.glob("ex*.ipynb"))


def test_there_are_six_exercises_with_committed_student_versions():
    assert len(EXERCISES) >= 6
    assert [p.name for p in sorted(STUDENT.glob("ex*.ipynb"))] == EXERCISES


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    release(SOLUTIONS, out, out=io.StringIO())
    return out


def _regions(source, kind):
    """The lines inside each BEGIN/END ``kind`` region of a solution cell."""
    return re.findall(rf"BEGIN {kind}[^\n]*\n(.*?)\n[^\n]*END {kind}", source, re.S)


@pytest.mark.parametrize("name", EXERCISES)
def test_round_trip_removes_solutions_and_hidden_tests(name, released):
    solution = nbformat.read(SOLUTIONS / name, as_version=4)
    student = nbformat.read(released / name, as_version=4)
    assert len(student.cells) == len(solution.cells)
    assert "widgets" not in student.metadata
    assert student.metadata.kernelspec.name == "python3"
    n_solutions = 0
    for sol, stu in zip(solution.cells, student.cells):
        assert not re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", stu.source)
        for region in _regions(sol.source, "SOLUTION") + _regions(sol.source, "HIDDEN TESTS"):
            n_solutions += 1
            for line in region.splitlines():
                if line.strip() and not line.strip().startswith(('"""', "#")) and len(line.strip()) > 12:
                    assert line not in stu.source, (name, line)
        if _regions(sol.source, "SOLUTION"):
            stub = "# YOUR CODE HERE" if sol.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in stu.source
        if stu.cell_type == "code":
            assert stu.outputs == [] and stu.execution_count is None
    assert n_solutions >= 3   # each exercise has a solution, a hidden test and a written answer


@pytest.mark.parametrize("name", EXERCISES)
def test_committed_student_notebook_equals_a_fresh_release(name, released):
    """Edit the solutions, then run the release (see README): the copies never drift."""
    assert (STUDENT / name).read_text() == (released / name).read_text(), (
        f"notebooks/exercises/{name} is stale: run "
        "`conv-teach release notebooks/exercises/solutions notebooks/exercises --force`")


def _run_cells(nb):
    """Run a notebook's code cells in this process (fast; nbval runs them in a kernel too)."""
    import matplotlib
    matplotlib.use("Agg")
    ns = {"display": lambda *a, **k: None, "__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "<cell>", "exec"), ns)
    return ns, out.getvalue()


@pytest.mark.parametrize("name", EXERCISES)
def test_student_notebook_runs_and_stubs_report_not_implemented(name, released):
    nb = nbformat.read(released / name, as_version=4)
    ns, printed = _run_cells(nb)
    checks = [c for c in nb.cells if c.cell_type == "code" and re.search(r"check_\w+\(", c.source)
              and c.metadata.get("nbgrader", {}).get("grade")]
    assert checks and printed.count(NOT_IMPLEMENTED) == len(checks), printed
    stubbed = [m for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
               and c.cell_type == "code" for m in re.findall(r"^def (\w+)", c.source, re.M)]
    assert stubbed
    for fn_name in stubbed:
        fn = ns[fn_name]
        with pytest.raises(NotImplementedError):
            fn(*[None] * len(inspect.signature(fn).parameters))


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_notebook_passes_its_own_checks(name):
    nb = nbformat.read(SOLUTIONS / name, as_version=4)
    _, printed = _run_cells(nb)
    assert NOT_IMPLEMENTED not in printed
    assert re.search(r"all \d+ (cases pass|shapes right)", printed), printed


def test_nbgrader_metadata_is_complete():
    """What nbgrader 0.9's v3 validator requires (checked against nbgrader itself, see README)."""
    for name in EXERCISES:
        nb = nbformat.read(SOLUTIONS / name, as_version=4)
        ids = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader")
            has_markers = "BEGIN SOLUTION" in cell.source or "BEGIN HIDDEN TESTS" in cell.source
            if meta is None:
                assert not has_markers, (name, cell.source[:60])
                continue
            assert meta["schema_version"] == 3
            assert {"grade", "solution", "locked", "grade_id"} <= set(meta)
            ids.append(meta["grade_id"])
            if meta["grade"]:
                assert meta["points"] > 0
            if "BEGIN SOLUTION" in cell.source:
                assert meta["solution"]
            if "BEGIN HIDDEN TESTS" in cell.source:
                assert meta["grade"] and meta["locked"]
            if cell.cell_type == "markdown" and (meta["grade"] or meta["solution"]):
                assert meta["grade"] and meta["solution"]
        assert len(ids) == len(set(ids)), name


# ----------------------------------------------------------------------------------------
# transform rules


def test_code_stub_is_indented_like_the_region():
    src = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    out, top = transform_source(src, "code", "nb, cell 0")
    assert out == "def f(x):\n    y = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert top is False


def test_top_level_stub_is_marked_and_hidden_tests_vanish():
    src = "### BEGIN SOLUTION\nanswer = 3\n### END SOLUTION\nprint(1)\n# BEGIN HIDDEN TESTS\nassert answer == 3\n# END HIDDEN TESTS"
    out, top = transform_source(src, "code", "nb, cell 0")
    assert out == "# YOUR CODE HERE\nraise NotImplementedError()\nprint(1)"
    assert top is True


def test_markdown_region_becomes_your_answer_here():
    out, _ = transform_source("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION", "markdown", "x")
    assert out == "Why?\nYOUR ANSWER HERE"


def _nb(*sources):
    return new_notebook(cells=[new_markdown_cell("# title")] + [new_code_cell(s) for s in sources],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                 "language": "python"}})


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


GOOD = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"


@pytest.mark.parametrize("bad, message", [
    ("x = 1\n### BEGIN SOLUTION\ny = 2", r"cell 2 \(code\): BEGIN SOLUTION on line 2 is never closed"),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n### END HIDDEN TESTS\n### END SOLUTION",
     r"cell 2 \(code\): line 2: BEGIN HIDDEN TESTS inside the SOLUTION region .* cannot be nested"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION",
     r"cell 2 \(code\): line 2: BEGIN SOLUTION inside"),
    ("y = 2\n### END SOLUTION", r"cell 2 \(code\): line 2: END SOLUTION without a matching BEGIN"),
], ids=["unclosed", "nested-hidden", "nested-solution", "end-without-begin"])
def test_malformed_markers_name_notebook_and_cell_and_write_nothing(tmp_path, bad, message):
    src = tmp_path / "src"
    _write(src / "a_good.ipynb", _nb(GOOD))
    _write(src / "b_bad.ipynb", _nb(GOOD, bad))
    dst = tmp_path / "dst"
    with pytest.raises(MarkerError, match=r"b_bad\.ipynb, " + message):
        release(src, dst, out=io.StringIO())
    assert not dst.exists() or not any(dst.iterdir())   # not even a_good.ipynb


def test_refuses_to_overwrite_a_students_work_and_writes_nothing(tmp_path):
    src = tmp_path / "src"
    _write(src / "a.ipynb", _nb(GOOD))
    _write(src / "b.ipynb", _nb(GOOD))
    dst = tmp_path / "dst"
    release(src, dst, out=io.StringIO())
    work = dst / "b.ipynb"
    work.write_text(work.read_text().replace("raise NotImplementedError()", "return 1  # my answer"))
    before = work.read_text()
    (dst / "a.ipynb").unlink()
    with pytest.raises(FileExistsError, match=r"b\.ipynb already exists; refusing .* --force"):
        release(src, dst, out=io.StringIO())
    assert work.read_text() == before
    assert not (dst / "a.ipynb").exists()     # nothing written when refusing
    release(src, dst, force=True, out=io.StringIO())
    assert "# YOUR CODE HERE" in work.read_text() and (dst / "a.ipynb").exists()
    assert sorted(p.name for p in dst.iterdir()) == ["a.ipynb", "b.ipynb"]   # no temp files left


def test_single_notebook_to_named_file_and_outputs_cleared(tmp_path):
    nb = _nb(GOOD, "print(2)", "### BEGIN SOLUTION\nanswer = 3\n### END SOLUTION")
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    nb.cells[2].execution_count = 7
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    src = _write(tmp_path / "sol.ipynb", nb)
    release(src, tmp_path / "out" / "student.ipynb", out=io.StringIO())
    student = nbformat.read(tmp_path / "out" / "student.ipynb", as_version=4)
    assert student.cells[2].outputs == [] and student.cells[2].execution_count is None
    assert "widgets" not in student.metadata
    # a top-level stub raises when run: nbval must expect that in the student copy
    assert student.cells[3].metadata.tags == ["raises-exception"]
    assert "tags" not in student.cells[1].metadata          # a stub inside a function does not
    assert nbformat.read(src, as_version=4).cells[2].execution_count == 7   # source untouched


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "conv_teach", "release", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT)


def test_cli_exit_codes_through_python_m(tmp_path):
    src = _write(tmp_path / "src" / "ex.ipynb", _nb(GOOD))
    dst = tmp_path / "dst"
    ok = _cli(src.parent, dst)
    assert ok.returncode == 0 and "wrote" in ok.stdout and (dst / "ex.ipynb").exists()
    again = _cli(src.parent, dst)
    assert again.returncode == 1 and "ex.ipynb already exists" in again.stderr
    assert "nothing was written" in again.stderr


def test_cli_exit_codes_in_process(tmp_path, capsys):
    """The same entry point (conv_teach.cli.main), without paying for a new interpreter each time."""
    from conv_teach.cli import main
    src = _write(tmp_path / "src" / "ex.ipynb", _nb(GOOD))
    dst = tmp_path / "dst"
    assert main(["release", str(src.parent), str(dst)]) == 0
    assert main(["release", str(src.parent), str(dst)]) == 1
    assert main(["release", str(src.parent), str(dst), "--force"]) == 0
    bad = _write(tmp_path / "bad" / "ex.ipynb", _nb("### BEGIN SOLUTION\nx = 1"))
    assert main(["release", str(bad), str(tmp_path / "dst2")]) == 1
    assert "cell 1 (code)" in capsys.readouterr().err and not (tmp_path / "dst2").exists()
    assert main(["release", str(tmp_path / "nope"), str(tmp_path / "dst3")]) == 1
    assert "does not exist" in capsys.readouterr().err
    before = src.read_text()
    assert main(["release", str(src), str(src), "--force"]) == 1   # never overwrite the solution
    assert src.read_text() == before


@pytest.mark.parametrize("argv, missing", [([], "SRC (the solution notebooks) and DST"),
                                           (["solutions"], "DST (where the student copies go)")])
def test_cli_missing_paths_say_what_goes_there(argv, missing, capsys, tmp_path, monkeypatch):
    """One argument (the usual slip) is told what DST is, with an example, and writes nothing."""
    from conv_teach.cli import main
    monkeypatch.chdir(tmp_path)
    assert main(["release", *argv]) == 2
    err = capsys.readouterr().err
    assert f"missing {missing}" in err and "for example: conv-teach release" in err
    assert list(tmp_path.iterdir()) == []


def test_missing_solutions_folder_says_where_the_solutions_are(tmp_path, capsys):
    """A pip-installed teacher runs the README's command outside a clone: the error says the
    solutions live in the repository, not in the package (a tester was left guessing)."""
    from conv_teach.cli import main
    src = tmp_path / "notebooks" / "exercises" / "solutions"
    assert main(["release", str(src), str(tmp_path / "my_course")]) == 1
    err = capsys.readouterr().err
    assert "does not exist" in err and "not in the pip package" in err and "clone" in err
    assert not (tmp_path / "my_course").exists()
    assert main(["release", str(tmp_path / "other"), str(tmp_path / "my_course")]) == 1
    assert "pip package" not in capsys.readouterr().err       # only for the solutions folder
