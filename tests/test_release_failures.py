"""``conv-teach release`` fails cleanly: one line naming the path and the problem, exit 1,
nothing partial, and notebooks that are broken (structure, near-miss markers) are refused."""
import errno
import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from conv_teach import _fileset
from conv_teach._fileset import FileSetError
from conv_teach.cli import main
from conv_teach.exercises.release import MarkerError, NotebookStructureError, release

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "notebooks" / "exercises" / "solutions"
N_SOLUTIONS = len(list(SOLUTIONS.glob("*.ipynb")))
GOOD = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"


def _nb(*sources):
    return new_notebook(cells=[new_markdown_cell("# title")] + [new_code_cell(s) for s in sources],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                 "language": "python"}})


def _write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _tree(folder):
    """{relative path: bytes} of every file under ``folder`` (hidden ones too)."""
    folder = Path(folder)
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def _cli_in_process(capsys, *args):
    status = main(["release", *map(str, args)])
    captured = capsys.readouterr()
    return status, captured.err


def _one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err
    return lines[0]


# ------------------------------------------------------------------ file modes (umask)

@pytest.mark.parametrize("umask, file_mode, dir_mode", [(0o022, 0o644, 0o755),
                                                        (0o002, 0o664, 0o775),
                                                        (0o077, 0o600, 0o700)])
@pytest.mark.parametrize("dst_exists", [False, True], ids=["new-folder", "existing-folder"])
def test_modes_come_from_the_umask(tmp_path, umask, file_mode, dir_mode, dst_exists):
    dst = tmp_path / "course"
    if dst_exists:
        dst.mkdir()
    old = os.umask(umask)
    try:
        written = release(SOLUTIONS, dst, out=io.StringIO())
    finally:
        os.umask(old)
    assert len(written) == N_SOLUTIONS
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == file_mode, path
    if not dst_exists:
        assert stat.S_IMODE(dst.stat().st_mode) == dir_mode
    assert sorted(p.name for p in dst.iterdir()) == sorted(p.name for p in written)


# ------------------------------------------------------------------ operating-system errors

def test_missing_parent_is_one_line_and_creates_nothing(tmp_path, capsys):
    dst = tmp_path / "no" / "such" / "course"
    status, err = _cli_in_process(capsys, SOLUTIONS, dst)
    line = _one_line(err)
    assert status == 1
    assert str(dst) in line and "does not exist" in line and "nothing was written" in line
    assert list(tmp_path.iterdir()) == []


def test_parent_that_is_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    dst = tmp_path / "file" / "course"
    status, err = _cli_in_process(capsys, SOLUTIONS, dst)
    line = _one_line(err)
    assert status == 1 and str(dst) in line and "is a file" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_destination_that_is_a_file(tmp_path, capsys):
    (tmp_path / "course").write_text("x")
    status, err = _cli_in_process(capsys, SOLUTIONS, tmp_path / "course")
    line = _one_line(err)
    assert status == 1 and str(tmp_path / "course") in line and "not a folder" in line
    assert (tmp_path / "course").read_text() == "x"


def test_empty_destination(capsys):
    status, err = _cli_in_process(capsys, SOLUTIONS, "")
    assert status == 1 and "must not be empty" in _one_line(err)


def _make_read_only(folder):
    """Make ``folder`` read-only for this process, also as root (chattr +i); False if impossible."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _undo_read_only(folder):
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    else:
        folder.chmod(0o755)


@pytest.mark.parametrize("dst_exists", [False, True], ids=["new-folder", "existing-folder"])
def test_read_only_folder(tmp_path, capsys, dst_exists):
    parent = tmp_path / "shared"
    parent.mkdir()
    folder = parent / "course" if dst_exists else parent
    folder.mkdir(exist_ok=True)
    dst = parent / "course"
    if not _make_read_only(folder):
        pytest.skip("cannot make a folder read-only here (root without chattr +i)")
    try:
        status, err = _cli_in_process(capsys, SOLUTIONS, dst)
        line = _one_line(err)
        assert status == 1
        assert str(dst) in line and ("Permission denied" in line
                                     or "Operation not permitted" in line), line
        assert list(folder.iterdir()) == []
    finally:
        _undo_read_only(folder)


def test_really_full_disk_leaves_nothing(tmp_path):
    """A 16 KiB tmpfs in a private mount namespace (root only): the set of six student
    notebooks (~30 KiB) does not fit. Before, release wrote five and then raised."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a small tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (f"mount -t tmpfs -o size=16k tmpfs {disk} || exit 99; "
              f"{sys.executable} -m conv_teach release {SOLUTIONS} {disk}/course; "
              f"echo status=$?; ls -A {disk}")
    out = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if "status=" not in out.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {out.stderr.strip()}")
    line = _one_line(out.stderr)
    assert "No space left on device" in line and str(disk / "course") in line, line
    assert "status=1" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "status=1", out.stdout   # ls -A printed nothing


class _DiskFull:
    """Let ``_fileset._write_bytes`` write ``ok`` files, then fail half-way through the next
    one with ENOSPC, like a disk that fills up."""

    def __init__(self, ok):
        self.ok, self.calls, self.real = ok, 0, _fileset._write_bytes

    def __call__(self, path, data):
        self.calls += 1
        if self.calls > self.ok:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        self.real(path, data)


@pytest.mark.parametrize("ok", range(N_SOLUTIONS))
@pytest.mark.parametrize("setup", ["new-folder", "existing-folder", "force-over-work"])
def test_full_disk_at_any_file_leaves_everything_as_it_was(tmp_path, monkeypatch, ok, setup):
    dst = tmp_path / "course"
    if setup != "new-folder":
        dst.mkdir()
        (dst / "notes.txt").write_text("mine")
    if setup == "force-over-work":
        release(SOLUTIONS, dst, out=io.StringIO())
        first = sorted(dst.glob("*.ipynb"))[0]
        first.write_text(first.read_text().replace("NotImplementedError()", "42  # my work"))
    before = _tree(tmp_path)
    monkeypatch.setattr(_fileset, "_write_bytes", _DiskFull(ok))
    with pytest.raises(FileSetError, match=r"cannot write .*course/ex\w+\.ipynb: No space left"):
        release(SOLUTIONS, dst, force=setup == "force-over-work", out=io.StringIO())
    assert _tree(tmp_path) == before


@pytest.mark.parametrize("fail_at", [0, 2, 5])
def test_a_failed_move_puts_replaced_notebooks_back(tmp_path, monkeypatch, fail_at):
    dst = tmp_path / "course"
    release(SOLUTIONS, dst, out=io.StringIO())
    for p in dst.glob("*.ipynb"):
        p.write_text(p.read_text() + " ")      # a student's edits
    before = _tree(tmp_path)
    real_replace, moves = os.replace, []

    def replace(a, b):
        if Path(b).parent == dst and Path(a).parent.name != ".replaced":
            moves.append(b)     # a staged notebook moving in
            if len(moves) > fail_at:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_replace(a, b)

    monkeypatch.setattr(_fileset.os, "replace", replace)
    with pytest.raises(FileSetError, match="Input/output error"):
        release(SOLUTIONS, dst, force=True, out=io.StringIO())
    monkeypatch.undo()
    assert _tree(tmp_path) == before


# ------------------------------------------------------------------ broken notebooks

def _raw(path, nb_dict):
    import json
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb_dict))
    return path


def _valid_dict():
    return nbformat.from_dict(_nb(GOOD, "print(1)"))


@pytest.mark.parametrize("breakage, message", [
    (lambda nb: nb["cells"][1].pop("cell_type"), r"cell 1 has no 'cell_type'"),
    (lambda nb: nb["cells"].__setitem__(2, ["print(1)"]), r"cell 2 is a list, not an object"),
    (lambda nb: nb["cells"].__setitem__(2, "print(1)"), r"cell 2 is a str, not an object"),
    (lambda nb: nb["cells"][2].__setitem__("source", 7), r"cell 2 \(code\) has a 'source' that is an? int"),
    (lambda nb: nb["cells"][2].__setitem__("source", ["a\n", None]),
     r"cell 2 \(code\) has a 'source' that is a list with non-text items"),
    (lambda nb: nb["cells"][2].pop("source"), r"cell 2 \(code\) has no 'source'"),
    (lambda nb: nb["cells"][0].__setitem__("metadata", []),
     r"cell 0 \(markdown\) has 'metadata' that is a list"),
    (lambda nb: nb.__setitem__("metadata", []), r"the notebook's 'metadata' is a list"),
    (lambda nb: nb["cells"][1].__setitem__("cell_type", "heading"), r"cell 1 has 'cell_type' 'heading'"),
    (lambda nb: nb["cells"][1].__setitem__("outputs", {}), r"cell 1 \(code\) has 'outputs' that is a dict"),
], ids=["no-cell_type", "list-cell", "str-cell", "int-source", "list-source-with-None",
        "no-source", "list-cell-metadata", "list-notebook-metadata", "unknown-cell_type",
        "dict-outputs"])
def test_bad_structure_names_notebook_and_cell(tmp_path, capsys, breakage, message):
    nb = _valid_dict()
    breakage(nb)
    src = tmp_path / "src"
    _write(src / "a_good.ipynb", _nb(GOOD))
    _raw(src / "b_broken.ipynb", nb)
    with pytest.raises(NotebookStructureError, match=r"b_broken\.ipynb: " + message):
        release(src, tmp_path / "dst", out=io.StringIO())
    status, err = _cli_in_process(capsys, src, tmp_path / "dst")
    line = _one_line(err)
    assert status == 1 and "b_broken.ipynb" in line and "nothing was written" in line
    assert not (tmp_path / "dst").exists()


@pytest.mark.parametrize("line", [
    "### BEGIN HIDDEN TEST",          # singular
    "### END HIDDEN TEST",
    "### begin solution",             # lower case
    "### Begin Hidden Tests",
    "# BEGIN_SOLUTION",
    "### BEGIN  SOLUTION",            # two spaces
    "#BEGIN HIDDEN-TESTS",
    "    ### END SOLUTON".replace("SOLUTON", "solution"),
])
def test_near_miss_marker_names_notebook_cell_and_line(tmp_path, capsys, line):
    indent = "    " if line.startswith(" ") else ""
    source = f"x = 1\n{indent}{line.strip()}\nassert x == 1"
    src = _write(tmp_path / "src" / "ex.ipynb", _nb(GOOD, source))
    with pytest.raises(MarkerError, match=r"ex\.ipynb, cell 2 \(code\): line 2: .* looks like an "
                                          r"nbgrader marker but is not one"):
        release(src, tmp_path / "dst", out=io.StringIO())
    status, err = _cli_in_process(capsys, src, tmp_path / "dst")
    assert status == 1 and line.strip() in _one_line(err)
    assert not (tmp_path / "dst").exists()


def test_near_miss_in_markdown_too(tmp_path):
    nb = _nb(GOOD)
    nb.cells.append(new_markdown_cell("Why?\n\n<!-- begin solution -->\nBecause."))
    src = _write(tmp_path / "ex.ipynb", nb)
    with pytest.raises(MarkerError, match=r"cell 2 \(markdown\): line 3: '<!-- begin solution -->'"):
        release(src, tmp_path / "dst", out=io.StringIO())


@pytest.mark.parametrize("prose", [
    "# At the end, the solution is a single line.",
    "print('the end solution')",
    "# Hidden tests run at grading time; begin with the easy ones.",
])
def test_prose_about_solutions_is_not_a_near_miss(tmp_path, prose):
    src = _write(tmp_path / "ex.ipynb", _nb(GOOD, prose))
    (written,) = release(src, tmp_path / "dst", out=io.StringIO())
    assert prose in nbformat.read(written, as_version=4).cells[2].source


def test_marker_inside_a_longer_line_is_a_marker_as_in_nbgrader(tmp_path):
    """nbgrader's rule is 'the line contains BEGIN SOLUTION': so is ours (no hidden leak)."""
    src = _write(tmp_path / "ex.ipynb", _nb("x = 0  ### BEGIN SOLUTIONS here\nx = 42\n### END SOLUTION"))
    (written,) = release(src, tmp_path / "dst", out=io.StringIO())
    assert "42" not in nbformat.read(written, as_version=4).cells[1].source
