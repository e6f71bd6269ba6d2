"""Make the working copies of the lessons that ``make lessons`` opens: never overwrite one.

    python tools/lesson_copies.py [SOURCE] [DEST]       # default: notebooks lessons

Every notebook a student gets under SOURCE (the lessons and ``exercises/``, not the teachers'
``exercises/solutions/``: ``conv_teach.lessons.lesson_files``, the rule ``conv-teach lessons``
follows) is copied to the same place under DEST unless a copy is already there: the copies are the student's or teacher's own (git
ignores DEST), so JupyterLab's autosave never writes into the tracked notebooks and ``make test``
stays green. A copy that differs from its lesson is kept and named, with how to get the new one.
Each copy is written to a temporary file and renamed, so a failure leaves no half-written notebook.
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

from conv_teach.lessons import lesson_files


def sources(src):
    """The student's notebooks under ``src``: the solutions stay out of ``lessons/``, where they
    sat beside the exercises in the student's file browser (sixth tester)."""
    return [src / rel for rel in lesson_files(src)]


def make_copies(src, dst):
    """Copy what is missing; return (copied, kept_but_changed) as paths relative to ``src``."""
    copied, changed = [], []
    for path in sources(src):
        rel = path.relative_to(src)
        target = dst / rel
        if target.exists():
            if target.read_bytes() != path.read_bytes():
                changed.append(rel)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".ipynb")
        os.close(fd)
        try:
            shutil.copyfile(path, tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        copied.append(rel)
    return copied, changed


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    src, dst = Path(args[0] if args else "notebooks"), Path(args[1] if len(args) > 1 else "lessons")
    copied, changed = make_copies(src, dst)
    if copied:
        print(f"made {len(copied)} working cop{'y' if len(copied) == 1 else 'ies'} in {dst}/")
    for rel in changed:
        print(f"kept your {dst / rel} (it differs from {src / rel}; delete it to get a fresh copy)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
