"""Notice when a student's answer calls the very library function the exercise asks them to write.

``return ct.im2col(X, ...)[0]`` would pass ``check_im2col`` (the checker compares with
``ct.im2col``), and teach nothing. :func:`watch` runs the student's function with every
binding of the taught functions replaced by a wrapper that records the call and then does
exactly what the original does (so the student's code behaves the same):

* the attributes of every loaded ``conv_teach`` module (``ct.im2col``,
  ``conv_teach.reference.im2col_loops``, ...),
* the names in the student's own namespace (``from conv_teach import im2col as lib``),
* the student function's closure cells and default arguments.

A call is recorded only when it comes from outside the ``conv_teach`` package: the library
calling itself (``conv2D`` using its own helpers) is not the student's doing. Everything is
put back when the block ends, whatever happens in it.
"""
import contextlib
import functools
import os
import sys

__all__ = ["watch"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _from_library(frame):
    return os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR + os.sep)


def _recorder(original, public_name, calls):
    @functools.wraps(original)
    def recorded(*args, **kwargs):
        if not _from_library(sys._getframe(1)):
            calls.append(public_name)
        return original(*args, **kwargs)
    return recorded


@contextlib.contextmanager
def watch(names, student):
    """Record, in the yielded list, calls of ``conv_teach.<name>`` made by the student's code.

    Parameters
    ----------
    names : sequence of str
        Public names in :mod:`conv_teach` (``'im2col'``, ``'im2col_loops'``, ...).
    student : callable
        The student's function; its globals, closure and defaults are watched too.

    Yields
    ------
    list of str
        ``'conv_teach.im2col'`` once per recorded call, in order.
    """
    import conv_teach
    calls = []
    targets = {}
    for name in names:
        original = getattr(conv_teach, name)
        targets[id(original)] = _recorder(original, f"conv_teach.{name}", calls)
    undo = []
    try:
        namespaces = [vars(m) for key, m in list(sys.modules.items())
                      if m is not None and (key == "conv_teach" or key.startswith("conv_teach."))]
        fn = getattr(student, "__func__", student)          # a bound method: its function
        if isinstance(getattr(fn, "__globals__", None), dict):
            namespaces.append(fn.__globals__)
        for ns in namespaces:
            for key, value in list(ns.items()):
                if id(value) in targets and callable(value):
                    undo.append((ns.__setitem__, key, value))
                    ns[key] = targets[id(value)]
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:                               # an empty cell
                continue
            if id(value) in targets:
                undo.append((lambda _k, v, c=cell: setattr(c, "cell_contents", v), None, value))
                cell.cell_contents = targets[id(value)]
        defaults = getattr(fn, "__defaults__", None)
        if defaults and any(id(d) in targets for d in defaults):
            undo.append((lambda _k, v, f=fn: setattr(f, "__defaults__", v), None, defaults))
            fn.__defaults__ = tuple(targets.get(id(d), d) for d in defaults)
        yield calls
    finally:
        for put, key, value in reversed(undo):
            put(key, value)
