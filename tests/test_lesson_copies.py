"""``make lessons`` works in copies that git ignores, made on first use and never overwritten."""
import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("lesson_copies", ROOT / "tools" / "lesson_copies.py")
lesson_copies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(lesson_copies)


def _tree(tmp_path):
    src = tmp_path / "notebooks"
    (src / "exercises").mkdir(parents=True)
    (src / ".ipynb_checkpoints").mkdir()
    (src / "01_padding.ipynb").write_text("lesson 1")
    (src / "exercises" / "ex01.ipynb").write_text("exercise 1")
    (src / "exercises" / "solutions").mkdir()
    (src / "exercises" / "solutions" / "ex01.ipynb").write_text("the teacher's answers")
    (src / ".ipynb_checkpoints" / "01_padding-checkpoint.ipynb").write_text("old")
    (src / "nbval_sanitize.cfg").write_text("not a notebook")
    return src, tmp_path / "lessons"


def test_first_use_copies_every_notebook_a_student_gets(tmp_path):
    """Lessons and exercises; not the teachers' solutions, nor checkpoints."""
    src, dst = _tree(tmp_path)
    copied, changed = lesson_copies.make_copies(src, dst)
    assert sorted(map(str, copied)) == ["01_padding.ipynb", "exercises/ex01.ipynb"] and changed == []
    assert (dst / "exercises" / "ex01.ipynb").read_text() == "exercise 1"
    assert sorted(p.name for p in dst.rglob("*")) == ["01_padding.ipynb", "ex01.ipynb", "exercises"]


def test_work_in_a_copy_is_never_overwritten(tmp_path, capsys):
    src, dst = _tree(tmp_path)
    lesson_copies.make_copies(src, dst)
    (dst / "01_padding.ipynb").write_text("my answers")
    (src / "01_padding.ipynb").write_text("lesson 1, improved")
    (src / "02_stride.ipynb").write_text("lesson 2")
    lesson_copies.main([str(src), str(dst)])
    assert (dst / "01_padding.ipynb").read_text() == "my answers"
    assert (dst / "02_stride.ipynb").read_text() == "lesson 2"
    said = capsys.readouterr().out
    assert "made 1 working copy" in said and "kept your" in said and "01_padding.ipynb" in said


def test_git_ignores_the_copies():
    ignored = subprocess.run(["git", "check-ignore", "-q", "lessons/01_padding.ipynb"], cwd=ROOT)
    assert ignored.returncode == 0, ".gitignore must ignore lessons/ (the working copies)"
