"""``conv-teach release SRC DST``: make student notebooks from solution notebooks.

Uses nbgrader's markers, so the solution notebooks also work with ``nbgrader
generate_assignment``:

* ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` becomes ``# YOUR CODE HERE`` and
  ``raise NotImplementedError()`` in code cells (indented like the marker line), and
  ``YOUR ANSWER HERE`` in markdown cells. A code cell whose stub sits at the top level
  (it raises when run) is tagged ``raises-exception`` so the student copy still runs
  under nbval.
* ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` is removed.
* Outputs, execution counts and ``metadata.widgets`` are cleared.

All notebooks are read and checked first; only then is anything written. Errors name the
notebook and the cell (and the line, for markers):

* a marker that is not closed, is nested, or is closed without being opened;
* a line that looks like a marker but is not one (``### BEGIN HIDDEN TEST``, lower case,
  ``BEGIN_SOLUTION``, ...): nbgrader would keep it, and release the hidden test with it;
* a notebook whose structure is wrong (a cell that is not an object, has no or an unknown
  ``cell_type``, a ``source`` that is not text, ``metadata`` that is not an object).

The student notebooks are written as one set (see :mod:`conv_teach._fileset`): into a
temporary folder beside the destination, then moved in, so a full disk or a read-only folder
leaves nothing behind. Files get the usual modes from the umask. An existing student
notebook is never overwritten without ``--force``.
"""
import copy
import json
import re
import sys
from pathlib import Path

from .._fileset import FileSetError, describe, write_fileset

__all__ = ["add_arguments", "run", "release", "release_notebook", "MarkerError",
           "NotebookStructureError"]

CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"
# nbgrader's rule (ClearSolutions, ClearHiddenTests): a line that contains the delimiter,
# anywhere and case-sensitively, is a marker line, indented like its leading whitespace.
_MARK = re.compile(r"^([ \t]*).*?(BEGIN|END) (SOLUTION|HIDDEN TESTS)")
# What a marker line looks like to a person: a comment whose text is begin/end plus
# solution(s)/hidden test(s), in any case and spacing. One that is not a _MARK is a mistake.
_DECORATION = " \t#/*<>!-:"
_NEAR_MARK = re.compile(r"(begin|end)[\s_-]*(solutions?|hidden[\s_-]*tests?)", re.I)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
CELL_TYPES = ("code", "markdown", "raw")


class MarkerError(ValueError):
    """A solution or hidden-test region is unclosed, nested or closed without being opened,
    or a line looks like a marker but is not one."""


class NotebookStructureError(ValueError):
    """A notebook is JSON but not a valid nbformat-4 notebook (the message names the cell)."""


def _lines(source):
    return source if isinstance(source, list) else source.splitlines(keepends=True)


def transform_source(source, cell_type, where):
    """Student version of one cell's source; returns ``(new source, top_level_stub)``.

    ``where`` names the cell in error messages.
    """
    out, open_region, top_level = [], None, False
    for lineno, line in enumerate("".join(_lines(source)).splitlines(keepends=True), 1):
        m = _MARK.match(line)
        if m is None:
            text = line.strip().strip(_DECORATION).strip()
            if _NEAR_MARK.fullmatch(text):
                raise MarkerError(
                    f"{where}: line {lineno}: {line.strip()!r} looks like an nbgrader marker but "
                    f"is not one (nbgrader would not treat it as one: a hidden test would reach the "
                    f"students); the "
                    f"markers are exactly " + ", ".join(MARKERS) + " (upper case, plural TESTS).")
            if open_region is None:
                out.append(line)
            continue
        indent, what, kind = m.group(1), m.group(2), m.group(3)
        if what == "BEGIN":
            if open_region is not None:
                raise MarkerError(f"{where}: line {lineno}: BEGIN {kind} inside the "
                                  f"{open_region[0]} region opened on line {open_region[1]} "
                                  "(regions cannot be nested).")
            open_region = (kind, lineno)
            if kind == "SOLUTION":
                if cell_type == "code":
                    out += [indent + s + "\n" for s in CODE_STUB]
                    top_level = top_level or indent == ""
                else:
                    out.append(TEXT_STUB + "\n")
        else:
            if open_region is None or open_region[0] != kind:
                raise MarkerError(f"{where}: line {lineno}: END {kind} without a matching "
                                  f"BEGIN {kind}.")
            open_region = None
    if open_region is not None:
        raise MarkerError(f"{where}: BEGIN {open_region[0]} on line {open_region[1]} is never "
                          f"closed (add END {open_region[0]}).")
    text = "".join(out)
    if text.endswith("\n"):
        text = text[:-1]
    return text, top_level


def check_structure(nb, name="notebook"):
    """Raise :class:`NotebookStructureError` naming the cell if ``nb`` is not an nbformat-4 notebook.

    Checks what :func:`release_notebook` relies on: ``nb`` is an object with ``nbformat`` 4,
    ``metadata`` (if any) an object and ``cells`` a list; each cell an object with a known
    ``cell_type``, a ``source`` that is a string or a list of strings, ``metadata`` (if any)
    an object and, in code cells, ``outputs`` (if any) a list.
    """
    def bad(what):
        return NotebookStructureError(f"{name}: {what}; is it a notebook saved by Jupyter?")

    if not isinstance(nb, dict):
        raise bad(f"the file holds a JSON {type(nb).__name__}, not a notebook object")
    if nb.get("nbformat") != 4:
        raise bad(f"'nbformat' is {nb.get('nbformat')!r}, expected 4")
    if not isinstance(nb.get("metadata", {}), dict):
        raise bad(f"the notebook's 'metadata' is a {type(nb['metadata']).__name__}, "
                  "expected an object")
    if not isinstance(nb.get("cells"), list):
        raise bad(f"'cells' is {type(nb.get('cells')).__name__}, expected a list")
    for index, cell in enumerate(nb["cells"]):
        where = f"cell {index}"
        if not isinstance(cell, dict):
            raise bad(f"{where} is a {type(cell).__name__}, not an object")
        if "cell_type" not in cell:
            raise bad(f"{where} has no 'cell_type'")
        if cell["cell_type"] not in CELL_TYPES:
            raise bad(f"{where} has 'cell_type' {cell['cell_type']!r}, expected one of "
                      + ", ".join(CELL_TYPES))
        source = cell.get("source")
        if not (isinstance(source, str) or isinstance(source, list)
                and all(isinstance(line, str) for line in source)):
            got = ("no 'source'" if "source" not in cell else
                   f"a 'source' that is a {type(source).__name__}"
                   + (" with non-text items" if isinstance(source, list) else ""))
            raise bad(f"{where} ({cell['cell_type']}) has {got}, expected a string or a "
                      "list of strings")
        if not isinstance(cell.get("metadata", {}), dict):
            raise bad(f"{where} ({cell['cell_type']}) has 'metadata' that is a "
                      f"{type(cell['metadata']).__name__}, expected an object")
        if cell["cell_type"] == "code" and not isinstance(cell.get("outputs", []), list):
            raise bad(f"{where} (code) has 'outputs' that is a "
                      f"{type(cell['outputs']).__name__}, expected a list")


def release_notebook(nb, name="notebook"):
    """Return the student version of the notebook ``nb`` (a dict as read from JSON; a new object).

    Raises
    ------
    NotebookStructureError
        ``nb`` is not an nbformat-4 notebook (see :func:`check_structure`).
    MarkerError
        A marker is unclosed, nested, unmatched, or a near-miss (see the module docstring).
    """
    check_structure(nb, name)
    student = copy.deepcopy(nb)
    student.get("metadata", {}).pop("widgets", None)
    for index, cell in enumerate(student.get("cells", [])):
        where = f"{name}, cell {index} ({cell['cell_type']})"
        source, top_level = transform_source(cell.get("source", ""), cell["cell_type"], where)
        cell["source"] = source
        meta = cell.setdefault("metadata", {})
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
            if top_level and "raises-exception" not in meta.get("tags", []):
                meta.setdefault("tags", []).append("raises-exception")
        for transient in ("widgets", "execution", "trusted"):
            meta.pop(transient, None)
    return student


def notebook_json(nb):
    """Serialize like nbformat/Jupyter do (sources as lists of lines, indent 1, sorted keys),
    so that released notebooks diff cleanly; plain json keeps ``release`` fast (nbformat's
    schema validation costs seconds to import)."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    return json.dumps(nb, sort_keys=True, indent=1, separators=(",", ": "), ensure_ascii=False) + "\n"


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise ValueError(f"release: cannot read {path}: {describe(e)}") from None
    except ValueError as e:     # JSON or UTF-8
        raise ValueError(f"release: cannot read {path} as a notebook: {e}") from None


def _plan(src, dst):
    """``(folder to write into, {file name: source path})``; a directory SRC means its
    ``*.ipynb`` files."""
    if str(src) == "" or str(dst) == "":
        raise ValueError("release: SRC and DST must not be empty.")
    src, dst = Path(src), Path(dst)
    if src.is_dir():
        sources = sorted(p for p in src.glob("*.ipynb") if p.is_file())
        if not sources:
            raise FileNotFoundError(f"release: no .ipynb files in {src}")
        if dst.suffix == ".ipynb":
            raise ValueError(f"release: SRC {src} is a directory, so DST must be a directory, "
                             f"got the notebook name {dst}.")
        return dst, {p.name: p for p in sources}
    if not src.is_file():
        if src.exists():
            raise ValueError(f"release: SRC {src} is neither a notebook file nor a folder.")
        hint = ""
        if src.parts[-2:] == ("exercises", "solutions"):
            hint = (" The solution notebooks are not in the pip package (a student's install "
                    "would carry the answers); they are in the project's repository, "
                    "notebooks/exercises/solutions/: clone it and run this command in the clone.")
        raise FileNotFoundError(f"release: SRC {src} does not exist.{hint}")
    if dst.suffix == ".ipynb":
        return dst.parent, {dst.name: src}
    return dst, {src.name: src}


def release(src, dst, force=False, out=sys.stdout):
    """Release SRC (a notebook or a directory of them) into DST. Returns the written paths.

    Parameters
    ----------
    src : str or Path
        A solution notebook, or a folder whose ``*.ipynb`` files are solution notebooks.
    dst : str or Path
        The student notebook (a ``.ipynb`` name) or the folder to write into (created if
        missing; its parent must exist).
    force : bool
        Overwrite student notebooks that exist already.
    out : file
        Where to print ``wrote PATH`` lines.

    Raises
    ------
    FileExistsError, FileNotFoundError, MarkerError, NotebookStructureError, ValueError
        Found before anything is written.
    conv_teach._fileset.FileSetError
        An operating-system error while writing (read-only or missing folder, full disk,
        ...): the message names the path; nothing is left behind.
    """
    folder, plan = _plan(src, dst)
    for name, s in plan.items():
        try:
            same = (folder / name).resolve() == s.resolve()
        except OSError:
            same = False
        if same:
            raise ValueError("release: DST would overwrite the solution notebooks themselves.")
    exists = [folder / name for name in plan if (folder / name).exists()]
    if exists and not force:
        raise FileExistsError(
            "release: " + ", ".join(str(t) for t in exists) + (" already exists" if len(exists) == 1
                                                               else " already exist")
            + "; refusing to overwrite a student notebook (a student's work may be in it). "
            "Pass --force to overwrite.")
    files = {}
    for name, s in plan.items():       # read and check everything before writing anything
        files[name] = notebook_json(release_notebook(_read(s), name=str(s))).encode("utf-8")
    written = write_fileset(folder, files, replace=force)
    for t in written:
        print(f"wrote {t}", file=out)
    return written


EXAMPLE = "conv-teach release notebooks/exercises/solutions my_course/"


def add_arguments(parser):
    parser.epilog = f"example: {EXAMPLE}"
    parser.add_argument("src", metavar="SRC", nargs="?",
                        help="a solution notebook, or a directory of them")
    parser.add_argument("dst", metavar="DST", nargs="?",
                        help="the student notebook (.ipynb) or a directory to write into")
    parser.add_argument("--force", action="store_true",
                        help="overwrite student notebooks that already exist")


def run(args):
    """Run ``conv-teach release``; every failure is one line on stderr and exit status 1."""
    missing = [name for name in ("src", "dst") if getattr(args, name) is None]
    if missing:
        # argparse would say only "required: DST"; say what goes there, with an example
        what = {"src": "SRC (the solution notebooks)", "dst": "DST (where the student copies go)"}
        print(f"conv-teach release: error: missing {' and '.join(what[m] for m in missing)}; "
              f"for example: {EXAMPLE}", file=sys.stderr)
        return 2
    try:
        release(args.src, args.dst, force=args.force)
    except (FileSetError, ValueError, FileExistsError, FileNotFoundError) as e:
        message = str(e).rstrip(".")
        message = message[len("release: "):] if message.startswith("release: ") else message
        print(f"conv-teach release: error: {message}; nothing was written.", file=sys.stderr)
        return 1
    except OSError as e:    # anything the checks above did not foresee, still in one line
        where = f" {e.filename}" if getattr(e, "filename", None) else ""
        print(f"conv-teach release: error:{where} {describe(e)}; nothing was written.",
              file=sys.stderr)
        return 1
    return 0
