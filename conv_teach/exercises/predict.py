"""Predict, then verify: the one function every lesson's prediction cell calls.

A lesson asks for a prediction (``my_prediction = ...``), computes the truth with the library
and calls :func:`verify`, which prints one verdict for *any* answer a student may type: a right
answer in any container (lists or tuples nested any way, NumPy numbers and arrays, a number
typed as text), a wrong one (which part differs, and why: the lesson's hint), or one of the
wrong form (what form is expected). It never prints nothing and never raises for a student's
answer; only a lesson's own mistake in calling it (hints that do not fit the truth) raises.

Pure Python and NumPy: no matplotlib, no widgets.
"""
import ast
import math
import numbers
import reprlib

import numpy as np

__all__ = ["verify"]

_SHORT = reprlib.Repr()
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = _SHORT.maxdict = 8
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 4, 40, 40
_MAX_TEXT = 2000     # longer text is not read as a Python literal
_MAX_ITEMS = 1000    # a longer list is an answer of the wrong form, not read item by item


def verify(prediction, truth, form, hints=None, why=None, mistakes=(), reveal=True):
    """Print whether ``prediction`` equals ``truth``, and if not, what differs and why.

    Parameters
    ----------
    prediction : object
        What the student typed. ``None`` means "not answered yet". Lists and tuples are
        interchangeable, at any depth; NumPy numbers and arrays are read as numbers and nested
        lists; text that spells a number (``"16"``) or a Python literal (``"((1, 2), 3)"``) is
        read as that, and the verdict says so (type the number without quotes next time).
        Anything else (a dict, a set, an object, the wrong number of items) is an answer of the
        wrong form. Numbers are equal when ints are equal or floats are within 1e-6 relative
        (1e-9 absolute).
    truth : number, or (nested) tuple, list or ndarray of numbers
        The library's answer.
    form : str
        The expected form for students, with an example that is *not* the answer, as in the
        cell's comment: ``"((top, bottom), out_rows), e.g. ((1, 1), 3)"``.
    hints : dict, str or callable, optional
        Why the right answer is right, said to a wrong answer. A dict names the items of
        ``truth`` in order (one key per item) and gives each item's hint; a str or callable is
        the hint for the answer as a whole. A callable receives the student's answer (or item),
        already read as nested tuples of numbers, and returns the hint (a hint that raises is
        left out). A hint starting with ``=`` continues the truth as an equation
        (``it is 16 = (8 - 1) * 2 + 4 - 2 * 1``); any other follows a colon.
    why : str, optional
        Said after a right answer, joined like a hint.
    mistakes : sequence of (answer, message) pairs, optional
        Known wrong answers and what to say to them instead of the per-item lines.
    reveal : bool, default True
        Whether a wrong answer is told the right value (``it is ...``). With ``False`` it reads
        only the hint, so the student can try again; the hint may then reveal it itself.

    Returns
    -------
    None
        Prints one or more lines, the first of which starts with ``not answered yet``,
        ``right:``, ``not quite:``, ``expected`` or an item's name.

    Raises
    ------
    ValueError
        If ``hints`` is a dict whose keys are not one per item of ``truth`` (the lesson's
        mistake, raised whatever the prediction, so the lesson's own run shows it).

    Examples
    --------
    >>> form = "((top, bottom), out_rows), e.g. ((1, 1), 3)"
    >>> hints = {"pads": "the odd zero goes after", "out_rows": "= ceil(7 / 3)"}
    >>> verify(None, ((1, 2), 3), form, hints)
    not answered yet
    >>> verify([[1, 2], 3], ((1, 2), 3), form, hints)
    right: ((1, 2), 3)
    >>> verify(((1, 2), 2), ((1, 2), 3), form, hints)
    out_rows: you said 2, it is 3 = ceil(7 / 3)
    >>> verify(3, ((1, 2), 3), form, hints)  # doctest: +NORMALIZE_WHITESPACE
    expected ((top, bottom), out_rows), e.g. ((1, 1), 3); you gave 3 (the answer should be 2 items,
    not the number 3)
    >>> verify("16", 16, "an int, e.g. 12", "= (8 - 1) * 2 + 4 - 2 * 1")
    right: 16 (you typed the text '16'; without quotes it is 16)
    >>> verify(15, 16, "an int, e.g. 12", "= (8 - 1) * 2 + 4 - 2 * 1")
    not quite: you said 15, it is 16 = (8 - 1) * 2 + 4 - 2 * 1
    """
    names = _part_names(truth, hints)
    if prediction is None:
        print("not answered yet")
        return
    try:
        _verify(prediction, truth, form, hints, names, why, mistakes, reveal)
    except Exception as err:      # a last guard: a student's answer never ends in a traceback
        print(f"could not check your answer {_short(prediction)} ({type(err).__name__}); "
              f"expected {form}")


def _verify(prediction, truth, form, hints, names, why, mistakes, reveal):
    notes = []
    mine, problem = _read(prediction, truth, "the answer", notes, names)
    if problem:
        print(f"expected {form}; you gave {_short(prediction)} ({problem})"
              + _trailing_comma(prediction, truth))
        return
    note = _text_note(notes)
    if _equal(mine, truth):
        print("right: " + _join(_show(truth), why) + note)
        return
    for answer, message in mistakes:
        if _equal(mine, _plain(answer)):
            print(message + note)
            return
    if names is None:
        print("not quite: " + _wrong(_short(prediction), mine, truth, hints, reveal, form) + note)
        return
    for k, name in enumerate(names):
        if not _equal(mine[k], truth[k]):
            typed = _short(prediction[k]) if isinstance(prediction, (list, tuple)) else _show(mine[k])
            print(f"{name}: " + _wrong(typed, mine[k], truth[k], hints[name], reveal, form))
    if note:
        print(note.strip())


def _text_note(notes):
    """' (you typed the text '16'; ...)' when some of the answer was read from text, else ''."""
    if not notes:
        return ""
    if len(notes) == 1:
        text, value = notes[0]
        return f" (you typed the text {_short(text)}; without quotes it is {_show(value)})"
    texts = ", ".join(_short(text) for text, _ in notes[:3]) + (", ..." if len(notes) > 3 else "")
    return f" (you typed numbers as text: {texts}; without quotes they are numbers)"


def _part_names(truth, hints):
    if not isinstance(hints, dict):
        return None
    n = len(truth) if isinstance(truth, (list, tuple, np.ndarray)) else None
    if n != len(hints):
        raise ValueError(f"verify: hints has {len(hints)} keys ({', '.join(map(str, hints))}) "
                         f"but the truth {truth!r} has {n if n is not None else 'no'} items; "
                         "give one hint per item of truth, in order, or one hint (a str) for the whole")
    return list(hints)


def _wrong(typed, mine, right, hint, reveal, form):
    said = f"you said {typed}"
    if reveal:
        said += f", it is {_show(right)}"
    if callable(hint):
        try:
            hint = hint(mine)
        except Exception:       # the lesson's hint cannot read this answer: say the form instead
            hint = f"expected {form}"
    return _join(said, hint)


def _join(text, more):
    if not more:
        return text
    more = str(more)
    return f"{text} {more}" if more.startswith("=") else f"{text}: {more}"


def _read(x, truth, where, notes, names=None):
    """``x`` read in the form of ``truth``: (nested tuples of numbers, None) or (None, problem)."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    elif isinstance(x, np.generic):
        x = x.item()
    if _is_number(truth):
        if _is_number(x):
            return x, None
        if isinstance(x, str):
            number = _number_from_text(x)
            if number is not None:
                notes.append((x, number))
                return number, None
        return None, f"{where} should be a number, not {_describe(x)}"
    n = len(truth)
    if isinstance(x, str):
        value = _literal(x)
        if isinstance(value, (list, tuple)):
            notes.append((x, value))
            x = value
    if isinstance(x, (set, frozenset)):
        return None, f"{where} should be {_count(truth)} in order; a set has no order: write a tuple or a list"
    if not isinstance(x, (list, tuple)):
        return None, f"{where} should be {_count(truth)}, not {_describe(x)}"
    if len(x) != n and (names or n == 0 or len(x) > _MAX_ITEMS):
        return None, f"{where} should be {_count(truth)}, not {_describe(x)}"
    items = []        # a part of another length is a wrong answer if its items have the right form
    for k in range(len(x)):
        name = names[k] if names else f"{where}[{k}]" if where != "the answer" else f"item {k}"
        item, problem = _read(x[k], truth[min(k, n - 1)], name, notes)
        if problem:
            return None, problem
        items.append(item)
    return tuple(items), None


def _is_number(x):
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _number_from_text(text):
    text = text.strip().replace("_", "")
    for kind in (int, float):
        try:
            return kind(text)
        except (ValueError, OverflowError):
            pass
    return None


def _literal(text):
    if len(text) > _MAX_TEXT:
        return None
    try:
        return ast.literal_eval(text.strip())
    except Exception:            # SyntaxError, ValueError, MemoryError, RecursionError, ...
        return None


def _equal(mine, truth):
    if isinstance(truth, np.ndarray):
        truth = truth.tolist()
    elif isinstance(truth, np.generic):
        truth = truth.item()
    if _is_number(truth):
        if not _is_number(mine):
            return False
        if isinstance(mine, numbers.Integral) and isinstance(truth, numbers.Integral):
            return int(mine) == int(truth)
        try:
            return math.isclose(float(mine), float(truth), rel_tol=1e-6, abs_tol=1e-9)
        except (OverflowError, ValueError):
            return False
    if not isinstance(mine, tuple) or len(mine) != len(truth):
        return False
    return all(_equal(a, b) for a, b in zip(mine, truth))


def _plain(x):
    """NumPy numbers and arrays as Python numbers and lists (for equality and for printing)."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(v) for v in x)
    return x


def _show(x):
    """The library's answer as a student would type it: 100.0 as 100, containers kept."""
    x = _plain(x)
    if isinstance(x, float):
        return f"{x:g}"
    if isinstance(x, list):
        return "[" + ", ".join(_show(v) for v in x) + "]"
    if isinstance(x, tuple):
        return "(" + ", ".join(_show(v) for v in x) + ("," if len(x) == 1 else "") + ")"
    return repr(x)


def _short(x):
    """A student's value as typed, shortened; safe for objects whose repr raises."""
    try:
        return _SHORT.repr(x)
    except Exception:
        return f"a {type(x).__name__}"


def _describe(x):
    if x is None:
        return "None"
    if isinstance(x, (bool, np.bool_)):
        return f"{x} (a bool)"
    if _is_number(x):
        return f"the number {_short(x)}"
    if isinstance(x, str):
        return f"the text {_short(x)}"
    if isinstance(x, (list, tuple)):
        return f"a {type(x).__name__} of {len(x)} item{'s' if len(x) != 1 else ''}"
    if isinstance(x, dict):
        return "a dict"
    if isinstance(x, (set, frozenset)):
        return "a set"
    return f"a {type(x).__name__}"


def _count(truth):
    n = len(truth)
    kind = "numbers" if all(_is_number(_plain(v)) for v in truth) else "items"
    return f"{n} {kind}" if n != 1 else f"1 {kind[:-1]}"


def _trailing_comma(prediction, truth):
    """' (a trailing comma?)' when the answer is the right form wrapped in a 1-tuple."""
    if isinstance(prediction, tuple) and len(prediction) == 1:
        _, problem = _read(prediction[0], truth, "the answer", [])
        if not problem:
            return "; a trailing comma after the answer makes a 1-tuple: remove it"
    return ""
