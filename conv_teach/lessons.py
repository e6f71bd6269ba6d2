"""The lessons that ship with conv_teach, and ``conv-teach lessons [DIR]``.

The lesson notebooks are the files themselves, nothing lists them: ``NN_name.ipynb`` in the
lessons folder are the lessons (``00_start_here.ipynb`` first), ``exercises/*.ipynb`` the
student exercises. The folder is ``conv_teach/notebooks/`` in an installed wheel (setup.py
maps the repository's ``notebooks/`` there, without ``exercises/solutions/``) and the
repository's ``notebooks/`` in a source checkout or an editable install.

Examples
--------
    conv-teach lessons                 # copies into ./conv-teach-lessons, opens JupyterLab
    conv-teach lessons ~/conv --no-open
    conv-teach present 03              # lesson 03 (see resolve_lesson)
"""
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from ._fileset import FileSetError, describe, write_fileset

__all__ = ["lessons_dir", "lesson_files", "lessons", "resolve_lesson", "copy_lessons",
           "add_arguments", "run", "DEFAULT_DIR"]

#: where ``conv-teach lessons`` copies to when no DIR is given (in the current folder)
DEFAULT_DIR = "conv-teach-lessons"
_LESSON = re.compile(r"^(\d+[a-z]?)_(\w+)\.ipynb$")    # 03_im2col, 00a_what_convolution_does
_HERE = Path(__file__).resolve().parent


def lessons_dir():
    """The folder holding the lessons: ``conv_teach/notebooks`` (wheel) or ``notebooks`` (checkout).

    Raises
    ------
    FileNotFoundError
        Neither exists (a broken install).
    """
    for candidate in (_HERE / "notebooks", _HERE.parent / "notebooks"):
        if any(_LESSON.match(p.name) for p in candidate.glob("*.ipynb")):
            return candidate
    raise FileNotFoundError(f"no lessons found next to {_HERE}: reinstall conv_teach "
                            "(pip install --force-reinstall conv_teach)")


def lesson_files(root=None):
    """The notebooks a student gets, as paths relative to ``root`` (default :func:`lessons_dir`).

    The lessons (``*.ipynb`` in the folder) and the student exercises (``exercises/*.ipynb``);
    never ``exercises/solutions/``. The same rule as the wheel's package data.
    """
    root = Path(root) if root is not None else lessons_dir()
    found = sorted(root.glob("*.ipynb")) + sorted((root / "exercises").glob("*.ipynb"))
    return [p.relative_to(root) for p in found if p.is_file()]


def lessons(root=None):
    """``{number: path}`` of the numbered lessons ``NN_name.ipynb`` (``NN`` may carry one letter,
    as in ``00a``), in file-name order; the number is the text before the first underscore."""
    root = Path(root) if root is not None else lessons_dir()
    out = {}
    for p in sorted(root.glob("*.ipynb")):
        m = _LESSON.match(p.name)
        if m:
            out[m.group(1)] = p
    return out


def _same_number(a, b):
    """'3' == '03' == '003'; '0a' == '00a' (case-insensitive); '3' != '03a'."""
    def split(t):
        t = t.lower()
        letter = t[-1] if t[-1].isalpha() else ""
        return int(t[:len(t) - len(letter)]), letter
    return split(a) == split(b)


def _names(found):
    return ", ".join(p.stem for p in found.values())


def resolve_lesson(arg, root=None):
    """What ``conv-teach present ARG`` means: a notebook file, or a lesson by number or name.

    Parameters
    ----------
    arg : str
        An existing path (returned unchanged); a lesson number (``3``, ``03``); a lesson name
        (``im2col``, ``03_im2col``, ``03_im2col.ipynb``, any case), or the start of its name
        or of a word in it (``trans``, ``depthwise``) if only one lesson has it; or a path to a lesson that
        does not exist here (``notebooks/03_im2col.ipynb`` after ``pip install``), which means
        the lesson of that file name that ships with conv_teach.

    Returns
    -------
    str or Path
        ``arg`` itself if it exists or names no lesson (the caller's checks then word the
        error), else the lesson's path.

    Raises
    ------
    ValueError
        ``arg`` is a number or a bare name that matches no lesson, or matches several; the
        message lists the lessons.
    """
    text = str(arg)
    if text == "" or Path(text).expanduser().exists():
        return arg
    try:
        found = lessons(root)
    except FileNotFoundError:
        return arg
    looks_like_path = os.sep in text or "/" in text or text.endswith(".ipynb")
    if looks_like_path:
        name = Path(text).name
        return next((p for p in found.values() if p.name == name), arg)
    if re.fullmatch(r"\d+[a-zA-Z]?", text):
        match = [p for number, p in found.items() if _same_number(number, text)]
        if match:
            return match[0]
        raise ValueError(f"there is no lesson {text}; the lessons are {_names(found)}")
    key = text.lower()
    matches = [p for n, p in found.items()
               if key in (p.stem.lower(), _LESSON.match(p.name).group(2).lower())]
    if not matches:     # the start of the name or of one of its words, if only one lesson has
        # it: 'trans' -> 07_transposed_conv, 'depthwise' -> 09_grouped_depthwise; 'conv' is
        # 05_conv1d's start and a word of 07_transposed_conv, so it names both
        name_parts = {p: _LESSON.match(p.name).group(2).lower() for p in found.values()}
        matches = [p for p, name in name_parts.items()
                   if name.startswith(key) or any(w.startswith(key) for w in name.split("_"))]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = [p.stem for p in sorted(matches)]
        raise ValueError(f"{text!r} matches several lessons: {', '.join(names[:-1])} and "
                         f"{names[-1]}; pass one of their numbers or names")
    raise ValueError(f"{text!r} is neither a file nor a lesson; pass a notebook file or a lesson "
                     f"number or name: {_names(found)}")


def copy_lessons(dest, root=None):
    """Copy the lessons and student exercises into ``dest``, keeping every file already there.

    Parameters
    ----------
    dest : str or Path
        The folder to copy into (created if missing; its parent must exist).
    root : str or Path, optional
        Where to copy from (default :func:`lessons_dir`).

    Returns
    -------
    (list of Path, list of Path)
        The files written, and the files that existed already and were kept as they were.

    Raises
    ------
    conv_teach._fileset.FileSetError
        An operating-system error (read-only or missing folder, full disk, ...): one line
        naming the path; nothing was copied.
    """
    root = Path(root) if root is not None else lessons_dir()
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise FileSetError(f"cannot copy the lessons into {dest}: it is a file, not a folder")
    kept, files = [], {}
    for rel in lesson_files(root):
        target = dest / rel
        if target.exists() or target.is_symlink():
            kept.append(target)
            continue
        try:
            files[str(rel)] = (root / rel).read_bytes()
        except OSError as e:
            raise FileSetError(f"cannot read {root / rel}: {describe(e)}") from None
    written = write_fileset(dest, files) if files else []
    return written, kept


def jupyterlab_command(dest, first):
    """The command that opens JupyterLab on ``first`` (a notebook in ``dest``), run in ``dest``."""
    cmd = [sys.executable, "-m", "jupyterlab", str(first)]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")      # Jupyter refuses root otherwise (containers, Colab)
    return cmd


def has_jupyterlab():
    """True if JupyterLab can be started from this Python."""
    return importlib.util.find_spec("jupyterlab") is not None


def add_arguments(parser):
    """Add the ``lessons`` options to an argparse (sub)parser."""
    parser.add_argument("dir", metavar="DIR", nargs="?", default=DEFAULT_DIR,
                        help=f"the folder to copy the lessons into (default: ./{DEFAULT_DIR}); "
                             "files already there are kept, never overwritten")
    parser.add_argument("--no-open", action="store_true",
                        help="only copy; do not start JupyterLab")


def run(args):
    """Copy the lessons, say what was written and kept, open JupyterLab; return the status."""
    dest = Path(args.dir)
    if str(args.dir) == "":
        print("conv-teach lessons: error: DIR must not be empty", file=sys.stderr)
        return 2
    try:
        written, kept = copy_lessons(dest)
    except (FileSetError, FileNotFoundError) as e:
        print(f"conv-teach lessons: error: {e}; nothing was copied.", file=sys.stderr)
        return 1
    print(f"Copied {len(written)} notebook{'s' * (len(written) != 1)} into {dest}"
          + (":" if written else "."))
    for p in written:
        print(f"    {p}")
    if kept:
        print(f"Kept {len(kept)} file{'s' * (len(kept) != 1)} that already existed "
              "(your work stays; delete a file to get a fresh copy):")
        for p in kept:
            print(f"    {p}")
    first = min(lessons(dest).values(), default=None) if dest.is_dir() else None
    if args.no_open or first is None:
        return 0
    if not has_jupyterlab():
        print('JupyterLab is not installed here: pip install "conv_teach[lab]", then run '
              f"`jupyter lab {first}` (or open the notebooks in any Jupyter).")
        return 0
    print(f"Opening {first.name} in JupyterLab (Ctrl+C to stop) ...", flush=True)
    try:
        return subprocess.call(jupyterlab_command(dest, first.relative_to(dest)), cwd=dest)
    except KeyboardInterrupt:
        return 0
