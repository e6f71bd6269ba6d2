"""Write a set of files all at once, or none of them: what ``release`` and ``lessons`` share.

Every file is first written into a staging folder next to the destination (so on the same
file system), then moved in with ``os.replace``. A destination folder that does not exist
yet is the staging folder itself, renamed at the end: one atomic step. In an existing
folder the files are moved in one by one; if a move fails, the files already moved are
taken out again and the files they replaced are put back. The staging folder is removed in
every case.

Modes come from the umask, as for any file the user makes (``open(..., "x")`` and
``os.mkdir``; ``tempfile`` would give 0600 / 0700, unreadable to the rest of a course).

Any operating-system error becomes a :class:`FileSetError` whose message names the path
the user asked for (never the staging folder) and what went wrong, in one line.
"""
import os
import secrets
import shutil
from pathlib import Path

__all__ = ["FileSetError", "write_fileset"]


class FileSetError(OSError):
    """Writing the set failed (nothing was left behind); ``str()`` is one line for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return self.message


def describe(error):
    """``'No space left on device'`` for an OSError (its strerror), else ``str(error)``."""
    return getattr(error, "strerror", None) or str(error) or type(error).__name__


def _fail(action, path, error):
    return FileSetError(f"cannot {action} {path}: {describe(error)}")


def _staging_dir(parent, stem):
    """Make a new empty folder in ``parent`` (mode from the umask) and return its path."""
    for _ in range(100):
        path = parent / f".{stem}.{secrets.token_hex(4)}.tmp"
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {parent}")


def _write_bytes(path, data):
    path.parent.mkdir(0o777, parents=True, exist_ok=True)
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())    # a full disk shows here at the latest, before anything moves


def write_fileset(root, files, replace=False):
    """Write ``files`` under the folder ``root``: all of them, or none.

    Parameters
    ----------
    root : str or Path
        The destination folder. Its parent must exist; ``root`` itself is created if needed.
    files : dict
        ``{relative path: bytes}``; relative paths may contain sub-folders (``exercises/a.ipynb``).
    replace : bool
        If False, a file that already exists makes the whole call fail before anything is
        written (callers that want to keep existing files leave them out of ``files``).

    Returns
    -------
    list of Path
        The written paths, in the order of ``files``.

    Raises
    ------
    FileExistsError
        A target exists and ``replace`` is False (nothing written).
    FileSetError
        Any operating-system error: a missing or read-only parent, a full disk, a target
        that is a folder, ... The message names the path and the error; nothing is left
        behind (files that were replaced are back as they were).
    """
    root = Path(root)
    targets = {Path(rel): root / rel for rel in files}
    if not root.exists():
        if not root.parent.is_dir():
            why = "it is a file" if root.parent.exists() else "it does not exist"
            raise FileSetError(f"cannot create {root}: its parent folder {root.parent} is "
                               f"missing ({why}); create it first or choose another folder")
    elif not root.is_dir():
        raise FileSetError(f"cannot write into {root}: it is a file, not a folder")
    exists = [t for t in targets.values() if t.exists() or t.is_symlink()]
    if exists and not replace:
        raise FileExistsError(", ".join(map(str, exists)))
    for t in exists:
        if t.is_dir():
            raise FileSetError(f"cannot write {t}: it is a folder")

    new_root = not root.exists()
    try:
        staging = _staging_dir(root.parent if new_root else root, root.name or "conv-teach")
    except OSError as e:
        raise _fail("create" if new_root else "write into", root, e) from None
    try:
        for rel, data in files.items():
            try:
                _write_bytes(staging / rel, data)
            except OSError as e:
                raise _fail("write", targets[Path(rel)], e) from None
        if new_root:
            try:
                os.replace(staging, root)
            except OSError as e:
                raise _fail("create", root, e) from None
            return list(targets.values())
        _move_in(staging, root, targets)
        return list(targets.values())
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_in(staging, root, targets):
    """Move the staged files into the existing ``root``; undo every step if one fails."""
    undo = []           # callables, run in reverse order on failure
    backups = staging / ".replaced"
    try:
        for n, (rel, target) in enumerate(targets.items()):
            try:
                missing = []
                d = target.parent
                while not d.exists():
                    missing.append(d)
                    d = d.parent
                for d in reversed(missing):
                    os.mkdir(d, 0o777)
                    undo.append(lambda d=d: os.rmdir(d))
                if target.exists():
                    backup = backups / str(n)
                    backup.parent.mkdir(exist_ok=True)
                    os.replace(target, backup)
                    undo.append(lambda b=backup, t=target: os.replace(b, t))
                os.replace(staging / rel, target)
                undo.append(lambda t=target: os.unlink(t))
            except OSError as e:
                raise _fail("write", target, e) from None
    except BaseException:
        for step in reversed(undo):
            try:
                step()
            except OSError:
                pass
        raise
