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

All notebooks are read and checked first (an unclosed or nested marker is an error
naming the notebook and the cell); only then is anything written, each file through a
temporary file and a rename. An existing student notebook is never overwritten without
``--force``.
"""
import copy
import json
import os
import re
import sys
import tempfile
from pathlib import Path

__all__ = ["add_arguments", "run", "release_notebook", "MarkerError"]

CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"
# nbgrader's rule: any line that contains the delimiter is a marker line
_MARK = re.compile(r"^([ \t]*).*\b(BEGIN|END) (SOLUTION|HIDDEN TESTS)\b")


class MarkerError(ValueError):
    """A solution or hidden-test region is unclosed, nested or closed without being opened."""


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


def release_notebook(nb, name="notebook"):
    """Return the student version of the notebook ``nb`` (a dict as read from JSON; a new object)."""
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
            nb = json.load(f)
    except (OSError, ValueError) as e:
        raise ValueError(f"release: cannot read {path} as a notebook: {e}") from None
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        raise ValueError(f"release: {path} is not an nbformat-4 notebook.")
    return nb


def _plan(src, dst):
    """``[(source path, target path), ...]``; a directory SRC means its ``*.ipynb`` files."""
    src, dst = Path(src), Path(dst)
    if src.is_dir():
        sources = sorted(p for p in src.glob("*.ipynb") if p.is_file())
        if not sources:
            raise FileNotFoundError(f"release: no .ipynb files in {src}")
        if dst.suffix == ".ipynb":
            raise ValueError(f"release: SRC {src} is a directory, so DST must be a directory, "
                             f"got the notebook name {dst}.")
        return [(p, dst / p.name) for p in sources]
    if not src.is_file():
        raise FileNotFoundError(f"release: SRC {src} does not exist.")
    if dst.suffix == ".ipynb":
        return [(src, dst)]
    return [(src, dst / src.name)]


def _write_atomic(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def release(src, dst, force=False, out=sys.stdout):
    """Release SRC (a notebook or a directory of them) into DST. Returns the written paths.

    Raises FileExistsError, MarkerError or FileNotFoundError before writing anything.
    """
    plan = _plan(src, dst)
    if any(s.resolve() == t.resolve() for s, t in plan):
        raise ValueError("release: DST would overwrite the solution notebooks themselves.")
    exists = [t for _, t in plan if t.exists()]
    if exists and not force:
        raise FileExistsError(
            "release: " + ", ".join(str(t) for t in exists) + (" already exists" if len(exists) == 1
                                                               else " already exist")
            + "; refusing to overwrite a student notebook (a student's work may be in it). "
            "Pass --force to overwrite.")
    released = []
    for s, t in plan:       # read and check everything before writing anything
        released.append((t, notebook_json(release_notebook(_read(s), name=str(s)))))
    for t, text in released:
        _write_atomic(t, text)
        print(f"wrote {t}", file=out)
    return [t for t, _ in released]


def add_arguments(parser):
    parser.add_argument("src", metavar="SRC", help="a solution notebook, or a directory of them")
    parser.add_argument("dst", metavar="DST",
                        help="the student notebook (.ipynb) or a directory to write into")
    parser.add_argument("--force", action="store_true",
                        help="overwrite student notebooks that already exist")


def run(args):
    try:
        release(args.src, args.dst, force=args.force)
    except (MarkerError, FileExistsError, FileNotFoundError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        print("nothing was written.", file=sys.stderr)
        return 1
    return 0
