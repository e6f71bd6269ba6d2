"""What a student reads when a checker fails: :class:`CheckFailed` and the answer's sanity checks.

A report reads top-down: what was checked, the failing case, what went wrong (expected
against received, with the picture in a notebook), and the hint last.

In IPython (a notebook, nbgrader's autograder, the terminal) a :class:`CheckFailed` renders
itself (``_render_traceback_``, the hook IPython provides for exactly this): the report,
preceded by the student's own frames when their code raised, and no frame of conv_teach
(whose paths and the grading cell's hidden-test lines would otherwise be shown as context).
The checkers' frames also set ``__tracebackhide__``, so IPython hides them from any other
traceback that passes through them.
"""
import math
import numbers

import numpy as np

__all__ = ["CheckFailed", "NotAFunction", "answer_problem", "pad_problem", "shape_problem"]

_RED, _BOLD, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"


class CheckFailed(AssertionError):
    """A wrong (or refused) answer. ``str()`` is the whole report.

    Parameters
    ----------
    checked : str
        What was checked (first line).
    where : str, optional
        The failing case.
    details : list of str
        What went wrong, expected against received.
    hints : list of str
        Hint sentences (without the ``Hint:`` prefix), shown last.
    shown : bool
        True when ``checked``, ``where`` and ``details`` were already printed above a picture
        (in a notebook): IPython then renders only the verdict and the hints.
    """

    def __init__(self, checked, where="", details=(), hints=(), verdict="", shown=False):
        self.checked, self.where = checked, where
        self.details, self.hints = list(details), list(hints)
        self.verdict, self.shown = verdict, shown
        super().__init__(self.text())

    def evidence(self):
        """Everything but the hints, as printed above the picture."""
        return "\n".join(line for line in [self.checked, self.where, *self.details] if line)

    def hint_lines(self):
        return ["Hint: " + h for h in self.hints]

    def text(self):
        return "\n".join([self.evidence(), *self.hint_lines()])

    def _render_traceback_(self):
        try:
            return self._render()
        except Exception:        # never let the report itself fail: plain text then
            return self.text().splitlines()

    def _render(self):
        hints = [f"{_BOLD}Hint:{_RESET} {h}" for h in self.hints]
        if self.shown:
            return [f"{_RED}{self.verdict or self.where}{_RESET}", *hints]
        head = [f"{_RED}{self.checked}{_RESET}"] + ([self.where] if self.where else [])
        cause = self.__cause__
        if cause is not None and not isinstance(cause, CheckFailed):
            return head + _student_frames(cause) + self.details[1:] + hints
        return head + self.details + hints


class NotAFunction(TypeError):
    """A checker was given something that is not a function; IPython shows only the message."""

    def _render_traceback_(self):
        return [f"{_RED}TypeError{_RESET}: {self}"]


def _student_frames(exc):
    """The student's traceback of ``exc``, from the first frame that is not a checker's."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_locals.get("__tracebackhide__"):
        tb = tb.tb_next
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is None:
        import traceback
        return "".join(traceback.format_exception(type(exc), exc, tb)).rstrip().splitlines()
    return shell.InteractiveTB.structured_traceback(type(exc), exc, tb)


def _type_name(value):
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def answer_problem(got, fn_name):
    """Why ``got`` cannot be compared as an array (a sentence), or None when it can.

    Covers what students return by accident: None (no ``return``), text, a torch tensor,
    complex numbers, NaN or infinity, objects.
    """
    if got is None:
        return f"your {fn_name} returned None: did you forget `return`?"
    if isinstance(got, (str, bytes)):
        return f"your {fn_name} returned text ({got!r:.60}), not an array of numbers."
    if type(got).__module__.split(".")[0] == "torch":
        return (f"your {fn_name} returned a {_type_name(got)}; these exercises are in NumPy: "
                "return a NumPy array (a tensor t becomes one with t.numpy()).")
    try:
        a = np.asarray(got)
    except Exception as e:         # ragged lists and other things NumPy cannot hold
        return f"your {fn_name} returned a {_type_name(got)} that is not an array ({e})."
    if a.dtype.kind == "c":
        return (f"your {fn_name} returned complex numbers (dtype {a.dtype}); im2col and "
                "convolution only copy, add and multiply real numbers.")
    if a.dtype.kind not in "biuf":
        return (f"your {fn_name} returned a {_type_name(got)} of {a.dtype} values, not an "
                "array of numbers.")
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        bad = ~np.isfinite(a)
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return (f"your {fn_name} returned {int(bad.sum())} NaN or infinite value(s) (the first at "
                f"index {first}: {a[first]}); something read outside the array or divided by zero?")
    return None


def _int_problem(v):
    """Why ``v`` is not an integer count (a phrase), or None."""
    if isinstance(v, (bool, np.bool_)):
        return f"the bool {v!r}"
    if isinstance(v, numbers.Integral):
        return None
    if isinstance(v, numbers.Real):
        if math.isnan(v):
            return "NaN"
        return f"the {_type_name(v)} {v!r} (use ints: // divides without making a float)"
    return f"{v!r} ({_type_name(v)})"


def pad_problem(p):
    """Why the ``p`` a student's pad2D returned is not 4 ints, or None."""
    if isinstance(p, (str, bytes)) or not hasattr(p, "__len__") or len(p) != 4:
        return (f"p should be 4 ints (top, bottom, left, right), got {p!r:.60} "
                f"({_type_name(p)}).")
    for name, v in zip(("top", "bottom", "left", "right"), p):
        why = _int_problem(v)
        if why is not None:
            return f"p should be 4 ints (top, bottom, left, right), but its {name} is {why}."
    return None


def shape_problem(answer):
    """Why one answer of exercise 1 is not a shape (4 ints), or None."""
    if isinstance(answer, (str, bytes)):
        return f"{answer!r} is text; write a tuple of 4 ints, e.g. (1, 3, 3, 1)."
    if not hasattr(answer, "__len__") or len(answer) != 4:
        return (f"{answer!r} is not 4 numbers: a shape is (n_ex, out_rows, out_cols, out_ch).")
    for v in answer:
        why = _int_problem(v)
        if why is not None:
            return f"{tuple(answer)!r} holds {why}; a shape holds ints."
    return None
