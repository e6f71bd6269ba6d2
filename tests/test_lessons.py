"""``conv-teach lessons [DIR]`` and ``conv-teach present 03``: the shipped lessons for pip users."""
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conv_teach import lessons as L
from conv_teach.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def _expected_files():
    """Independently of the module: top-level notebooks and exercises/, no solutions."""
    top = [p.name for p in NOTEBOOKS.iterdir() if p.suffix == ".ipynb"]
    ex = ["exercises/" + p.name for p in (NOTEBOOKS / "exercises").iterdir() if p.suffix == ".ipynb"]
    return sorted(top) + sorted(ex)


def test_a_checkout_finds_the_repository_notebooks():
    assert L.lessons_dir() == NOTEBOOKS
    files = [str(p) for p in L.lesson_files()]
    assert files == _expected_files()
    assert not any("solutions" in f for f in files)
    assert "00_start_here.ipynb" in files and len([f for f in files if f.startswith("exercises/")]) >= 6


def test_lessons_are_numbered_from_the_files():
    found = L.lessons()
    assert list(found) == sorted(found) and found["00"].name == "00_start_here.ipynb"
    assert found["00a"].name == "00a_what_convolution_does.ipynb"
    assert {p.name for p in found.values()} == {p.name for p in NOTEBOOKS.glob("[0-9]*_*.ipynb")}


# ----------------------------------------------------------------------- resolve_lesson

def test_resolve_lesson_by_number_and_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)             # no notebooks/ here, like after pip install
    im2col = NOTEBOOKS / "03_im2col.ipynb"
    for arg in ["3", "03", "003", "im2col", "IM2COL", "03_im2col", "notebooks/03_im2col.ipynb",
                "03_im2col.ipynb", "trans"]:
        want = NOTEBOOKS / "07_transposed_conv.ipynb" if arg == "trans" else im2col
        assert L.resolve_lesson(arg) == want, arg
    for arg in ["00a", "0a", "00A", "what_convolution_does"]:           # a lettered lesson
        assert L.resolve_lesson(arg) == NOTEBOOKS / "00a_what_convolution_does.ipynb", arg
    assert L.resolve_lesson("0") == NOTEBOOKS / "00_start_here.ipynb"
    for arg in ["10", "pooling_backward", "pool"]:                       # two digits
        assert L.resolve_lesson(arg) == NOTEBOOKS / "10_pooling_backward.ipynb", arg
    assert L.resolve_lesson("1") == NOTEBOOKS / "01_padding.ipynb"        # not 10
    for arg in ["depthwise", "Depth", "grouped"]:                   # a word of the name
        assert L.resolve_lesson(arg) == NOTEBOOKS / "09_grouped_depthwise.ipynb", arg


def test_resolve_lesson_keeps_existing_files_and_unknown_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "03").write_text("a file called 03")
    assert L.resolve_lesson("03") == "03"                     # a file wins over the lesson
    assert L.resolve_lesson("my/own.ipynb") == "my/own.ipynb"  # check_notebook words that error


@pytest.mark.parametrize("arg, message", [
    ("99", r"there is no lesson 99; the lessons are 00_start_here, 00a_what_convolution_does, 01_padding"),
    ("fourier", r"'fourier' is neither a file nor a lesson; .* 03_im2col"),
    ("co", r"'co' matches several lessons: 00a_what_convolution_does, 05_conv1d, 06_col2im_backward "
           r"and 07_transposed_conv; "),
    ("conv", r"'conv' matches several lessons: 00a_what_convolution_does, 05_conv1d and "
             r"07_transposed_conv; "),           # a name's start (05) and words (00a, 07): all named
    ("backward", r"'backward' matches several lessons: 06_col2im_backward and 10_pooling_backward; "
                 r"pass one of their numbers or names$"),
])
def test_resolve_lesson_errors_list_the_lessons(tmp_path, monkeypatch, arg, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=message):
        L.resolve_lesson(arg)


def test_present_accepts_a_number_and_refuses_an_unknown_one(tmp_path, monkeypatch, capsys):
    from conv_teach import present
    monkeypatch.chdir(tmp_path)
    assert present.check_notebook(present._lesson_argument("03")) == (NOTEBOOKS / "03_im2col.ipynb")
    assert "03_im2col.ipynb" in capsys.readouterr().err
    assert main(["present", "99", "--no-browser"]) == 2       # before any server starts
    assert "there is no lesson 99" in capsys.readouterr().err


def test_present_reaches_voila_with_the_lesson(tmp_path, monkeypatch):
    """`conv-teach present 3` serves notebooks/03_im2col.ipynb (Voila replaced by a stand-in)."""
    from conv_teach import present
    seen = {}

    class FakeVoila:
        def __init__(self, cmd, cwd, env=None):
            seen["cmd"], seen["cwd"] = cmd, cwd

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(present.subprocess, "Popen", FakeVoila)
    assert main(["present", "3", "--no-browser", "--port", "0"]) == 0
    assert str(NOTEBOOKS / "03_im2col.ipynb") in seen["cmd"] and seen["cwd"] == NOTEBOOKS


# ----------------------------------------------------------------------- conv-teach lessons

def _files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_copies_lessons_and_exercises_with_umask_modes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        assert main(["lessons", "--no-open"]) == 0
    finally:
        os.umask(old)
    dest = tmp_path / L.DEFAULT_DIR
    assert _files_under(dest) == _expected_files()
    for rel in _expected_files():
        assert (dest / rel).read_bytes() == (NOTEBOOKS / rel).read_bytes()
        assert stat.S_IMODE((dest / rel).stat().st_mode) == 0o644
    assert stat.S_IMODE(dest.stat().st_mode) == 0o755
    out = capsys.readouterr().out
    assert f"Copied {len(_expected_files())} notebooks into {L.DEFAULT_DIR}" in out
    assert list(tmp_path.iterdir()) == [dest]          # no staging folder left


def test_never_overwrites_and_lists_what_it_kept(tmp_path, capsys):
    dest = tmp_path / "mine"
    assert main(["lessons", str(dest), "--no-open"]) == 0
    work = dest / "exercises" / "ex02_pad2D.ipynb"
    work.write_text("my answers")
    (dest / "01_padding.ipynb").unlink()
    (dest / "notes.md").write_text("mine too")
    capsys.readouterr()
    assert main(["lessons", str(dest), "--no-open"]) == 0
    out = capsys.readouterr().out
    assert work.read_text() == "my answers" and (dest / "notes.md").read_text() == "mine too"
    assert (dest / "01_padding.ipynb").read_bytes() == (NOTEBOOKS / "01_padding.ipynb").read_bytes()
    assert "Copied 1 notebook into" in out and str(dest / "01_padding.ipynb") in out
    kept = out.split("Kept", 1)[1]
    assert f"Kept{kept}".startswith(f"Kept {len(_expected_files()) - 1} files that already existed")
    assert str(work) in kept and "01_padding" not in kept
    assert sorted(p.name for p in dest.iterdir() if p.name.startswith(".")) == []


def test_opens_jupyterlab_on_the_first_lesson(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(L, "has_jupyterlab", lambda: True)
    monkeypatch.setattr(L.subprocess, "call", lambda cmd, cwd: calls.append((cmd, cwd)) or 0)
    assert main(["lessons", str(tmp_path / "c")]) == 0
    (cmd, cwd), = calls
    assert cmd[:4] == [sys.executable, "-m", "jupyterlab", "00_start_here.ipynb"]
    assert cwd == tmp_path / "c"
    assert main(["lessons", str(tmp_path / "d"), "--no-open"]) == 0
    assert len(calls) == 1


def test_without_jupyterlab_it_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(L, "has_jupyterlab", lambda: False)
    monkeypatch.setattr(L.subprocess, "call", lambda *a, **k: pytest.fail("started something"))
    assert main(["lessons", str(tmp_path / "c")]) == 0
    assert 'pip install "conv_teach[lab]"' in capsys.readouterr().out


def test_has_jupyterlab_matches_the_environment():
    try:
        import jupyterlab  # noqa: F401
        installed = True
    except ImportError:
        installed = False
    assert L.has_jupyterlab() is installed


@pytest.mark.parametrize("case", ["missing-parent", "dir-is-a-file", "read-only", "empty"])
def test_errors_are_one_line_and_copy_nothing(tmp_path, capsys, case):
    dest = {"missing-parent": tmp_path / "no" / "lessons", "dir-is-a-file": tmp_path / "f",
            "read-only": tmp_path / "ro" / "lessons", "empty": ""}[case]
    if case == "dir-is-a-file":
        dest.write_text("x")
    if case == "read-only":
        dest.parent.mkdir()
        if os.geteuid() == 0:
            if shutil.which("chattr") is None or subprocess.run(
                    ["chattr", "+i", str(dest.parent)], capture_output=True).returncode:
                pytest.skip("cannot make a folder read-only as root here")
        else:
            dest.parent.chmod(0o555)
    before = _files_under(tmp_path)
    try:
        status = main(["lessons", str(dest), "--no-open"])
    finally:
        if case == "read-only":
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(dest.parent)], capture_output=True)
            else:
                dest.parent.chmod(0o755)
    err = capsys.readouterr().err.strip()
    assert status != 0 and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert _files_under(tmp_path) == before
    if case != "empty":
        assert str(dest) in err
    if case == "read-only":
        assert "Operation not permitted" in err or "Permission denied" in err


@pytest.mark.parametrize("fail_at", [None, 0, 3, 10])
def test_into_an_existing_folder_all_or_nothing(tmp_path, monkeypatch, capsys, fail_at):
    """An existing folder (with the student's own file) gets exercises/ created and every
    notebook moved in, or, if a write fails part-way, is left exactly as it was."""
    import errno
    from conv_teach import _fileset
    dest = tmp_path / "course"
    dest.mkdir()
    (dest / "mine.txt").write_text("mine")
    if fail_at is not None:
        real, calls = _fileset._write_bytes, []

        def full(path, data):
            calls.append(path)
            if len(calls) > fail_at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            real(path, data)
        monkeypatch.setattr(_fileset, "_write_bytes", full)
    status = main(["lessons", str(dest), "--no-open"])
    err = capsys.readouterr().err
    if fail_at is None:
        assert status == 0 and _files_under(dest) == sorted(_expected_files() + ["mine.txt"])
    else:
        assert status == 1 and "No space left on device" in err and str(dest) in err
        assert _files_under(dest) == ["mine.txt"] and sorted(p.name for p in dest.iterdir()) == ["mine.txt"]


# ----------------------------------------------------------------------- links in the copies

def test_links_in_the_shipped_notebooks_reach_shipped_files():
    """Tester finding 7: a ``conv-teach lessons`` copy has no exercises/solutions/, so no shipped
    notebook may link there (or to any other file the copy lacks); markdown links only."""
    import re

    import nbformat
    shipped = {str(p) for p in L.lesson_files()}
    folders = {str(Path(f).parent) for f in shipped} | {"."}
    broken = []
    for name in sorted(shipped):
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                if re.match(r"[a-z]+:|#", target):
                    continue            # a web address or an anchor in the same notebook
                path = os.path.normpath(os.path.join(str(Path(name).parent), target.split("#")[0]))
                if path not in shipped and path.rstrip("/") not in folders:
                    broken.append(f"{name} -> {target}")
    assert broken == [], "links to files a `conv-teach lessons` copy does not have: " + ", ".join(broken)
