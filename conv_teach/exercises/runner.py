"""Running a student's function case by case, and the report when an answer is wrong.

The checkers of :mod:`conv_teach.exercises.checks` build the cases; this module calls the
student's function on each one (on copies of the arrays, under the time limit of
:mod:`~conv_teach.exercises.limits`, with the taught library functions watched by
:mod:`~conv_teach.exercises.taught`), turns whatever comes back into a float array or a
sentence saying why it cannot be one (:mod:`~conv_teach.exercises.feedback`), compares it
with the right answer, and names the classic mistake it equals (:mod:`.hints`).
Every function here sets ``__tracebackhide__``, so IPython shows none of its frames.
"""
import inspect
import sys
from collections import namedtuple

import numpy as np

from .. import _validate as v
from . import hints as H
from . import limits
from .feedback import CheckFailed, NotAFunction, answer_problem
from .limits import TimeLimitExceeded, time_limit as _time_limit
from .taught import watch

__all__ = ["Case", "CheckFailed", "NOT_IMPLEMENTED", "SEED", "Run", "Stub", "Unusable",
           "call", "diagnose", "equal", "guarded", "run_cases", "run_one", "show_diff",
           "start", "stub_message", "summary"]

SEED = 0
NOT_IMPLEMENTED = "not implemented yet"
#: arrays up to this many entries are printed in full in a report
PRINT_LIMIT = 120

#: one test case: ``params`` (shown to the student), ``args`` (passed to the function),
#: ``expected`` (the right answer), ``mutations()`` -> [(hint key, wrong answer), ...] and
#: ``extract(returned) -> (answer, remark)`` (raises Unusable) for functions that return more;
#: ``inputs``: ``(name, array)`` pairs printed before expected and received when the answer
#: depends on values the student cannot see in ``params`` (max pooling's ties)
Case = namedtuple("Case", "params args expected mutations extract inputs", defaults=(None, ()))


class Stub(Exception):
    """The student's function still raises NotImplementedError."""


class Unusable(Exception):
    """A case's ``extract`` cannot find the answer in what the function returned."""


class Run(namedtuple("Run", "title student cases n_fixed summary draw limit taught what",
                      defaults=(None,))):
    """One checker run: what is checked (``what``: the report's first line), against what,
    and how."""

    @property
    def fn(self):
        name = getattr(self.student, "__name__", "")
        return name if name.isidentifier() else "function"

    @property
    def checked(self):
        return self.what or (f"{self.title} compared your {self.fn} with "
                             f"conv_teach.{self.taught[0]} on {len(self.cases)} cases:\n"
                             f"  {self.summary}.")


def in_notebook():
    ip = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return type(ip).__name__ == "ZMQInteractiveShell"


def fmt_params(params):
    """``key=value, ...`` as the call would be written: strings quoted (``pad='same'``, the
    form the checked pads are listed in), other values as they print."""
    return ", ".join(f"{key}={val!r}" if isinstance(val, str) else f"{key}={val}"
                     for key, val in params.items())


def start(title, student, example, time_limit):
    """Check the arguments of a checker call; returns the time limit in seconds."""
    __tracebackhide__ = True
    try:
        v.check_student_function(title, student, example)
    except TypeError as e:
        raise NotAFunction(str(e)) from None
    limit = limits.TIME_LIMIT if time_limit is None else time_limit
    if not (isinstance(limit, (int, float)) and not isinstance(limit, bool) and limit > 0):
        raise v.bad_number(title, "time_limit", time_limit, "a number of seconds > 0 "
                           "(math.inf for none)")
    return limit


def call(run, args):
    """The student's function on copies of ``args`` (so it cannot spoil the case), under the
    time limit, with the taught library functions watched. Returns (result, copies, calls)."""
    __tracebackhide__ = True
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    with watch(run.taught, run.student) as calls:
        with _time_limit(run.limit):
            got = run.student(*copies)
    return got, copies, calls


def guarded(run, k, args):
    """:func:`call`, with the ways it can go wrong turned into reports."""
    __tracebackhide__ = True
    try:
        got, copies, calls = call(run, args)
    except NotImplementedError:
        raise Stub from None
    except TimeLimitExceeded:
        fail(run, k, [f"Your {run.fn} ran longer than {run.limit:g} s and was stopped: an "
                       f"endless loop (a `while` whose condition never changes)? If it is "
                       f"only slow, pass time_limit=<seconds> to {run.title}."])
    except Exception as e:   # the student's code crashed: say on which case, keep its frames
        fail(run, k, [f"Your {run.fn} raised {type(e).__name__}: {e}"], _pad_hint(run, k), cause=e)
    if calls:
        names = sorted(set(calls), key=calls.index)
        raise CheckFailed(
            f"{run.title}: your {run.fn} calls {' and '.join(names)}, the function this "
            f"exercise asks you to write, so comparing it with the library proves nothing.",
            details=[f"Write it without {' or '.join(f'conv_teach.{t}' for t in run.taught)}."])
    return got, copies


def _pad_hint(run, k):
    """A crash on a case whose ``pad`` is not an int (the classic: code written for ``pad=1``
    meets ``'same'`` or a tuple): the forms ``pad`` takes and the library call that resolves
    them, unless the exercise is to write that call (``pad2D``)."""
    pad = None if k is None else run.cases[k].params.get("pad")
    if pad is None or isinstance(pad, (int, np.integer)) or "pad2D" in run.taught:
        return ()
    return [f"pad is {pad!r} in this case: pad takes every form conv_teach.pad2D does (an int, "
            f"(rows, cols), (top, bottom, left, right), 'same', 'valid'), and "
            f"`_, (top, bottom, left, right) = ct.pad2D(np.zeros(X_shape), pad, (fr, fc), stride, "
            f"dilation)` resolves it."]


def fail(run, k, details, hints=(), cause=None, picture=None):
    """Raise the report of case ``k`` (``picture = (expected, received)`` is drawn in a notebook)."""
    __tracebackhide__ = True
    where = (f"Case {k + 1} of {len(run.cases)} failed: {fmt_params(run.cases[k].params)}"
             if k is not None else "")
    shown = False
    if picture is not None and (run.draw or (run.draw is None and in_notebook())):
        report = CheckFailed(run.checked, where, details)
        print(report.evidence())          # what was checked, the case, the numbers ...
        draw(*picture)                    # ... the picture, then the verdict and the hint
        shown = True
    verdict = (f"{run.title}: case {k + 1} of {len(run.cases)} failed (the numbers and the "
               f"picture are above)." if k is not None else "")
    raise CheckFailed(run.checked, where, details, hints, verdict, shown) from cause


def fmt_array(a):
    a = np.asarray(a)
    if a.size > PRINT_LIMIT:
        return f"(array of shape {a.shape}, too big to print)"
    if a.ndim == 4:   # NHWC: print example 0, channel by channel, as images
        return "\n".join(f"[example 0, channel {c}]\n{np.array2string(a[0, :, :, c], precision=3)}"
                         for c in range(a.shape[3]))
    return np.array2string(a, precision=3, max_line_width=110)


def equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-6, atol=1e-8)


def diagnose(expected, got, mutations):
    """Hint keys whose wrong answer equals ``got`` (first found first, no repeats)."""
    keys = []
    for key, wrong in mutations:
        if key not in keys and not equal(wrong, expected) and equal(wrong, got):
            keys.append(key)
    if not keys and np.shape(got) == np.shape(expected):
        if np.allclose(np.sort(np.ravel(got)), np.sort(np.ravel(expected))):
            keys.append("same_values_wrong_order")
    return keys


def difference(expected, got, fn):
    """The line that says how ``got`` differs from ``expected`` (shapes, or values)."""
    exp = np.asarray(expected)
    if got.shape != exp.shape:
        return f"Your {fn} returned shape {got.shape}, expected {exp.shape}."
    bad = ~np.isclose(got, exp, rtol=1e-6, atol=1e-8)
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"Shapes agree {exp.shape}, but {int(bad.sum())} of {exp.size} values differ "
            f"(first at index {first}: expected {exp[first]:g}, got {got[first]:g}).")


def answer(run, k, got):
    """The student's answer to case ``k`` as a float array, plus the remark of ``extract``."""
    __tracebackhide__ = True
    case, extra = run.cases[k], ""
    if case.extract is not None and got is not None:     # None: "forgot return?" below
        try:
            got, extra = case.extract(got)
        except Unusable as e:
            fail(run, k, [str(e)])
    why = answer_problem(got, run.fn)
    if why is not None:
        fail(run, k, [why[0].upper() + why[1:]])
    return np.asarray(got, dtype=float), extra


def run_one(run, k, probe=None):
    """Run case ``k``: returns None if right, raises Stub or CheckFailed otherwise."""
    __tracebackhide__ = True
    case = run.cases[k]
    got, copies = guarded(run, k, case.args)
    for name, before, after in zip(arg_names(case, run.student), case.args, copies):
        if isinstance(before, np.ndarray) and not np.array_equal(before, after):
            fail(run, k, [f"Your {run.fn} changed {name}; work on a new array "
                           "instead (e.g. np.zeros(...))."])
    got, extra = answer(run, k, got)
    if not equal(got, case.expected):
        keys = diagnose(case.expected, got, case.mutations())
        more = probe(run, case, got) if probe is not None else None
        if more and more not in keys:
            keys.insert(0, more)
        keys = refine(run, keys, run.cases[k + 1:])
        details = [difference(case.expected, got, run.fn)]
        for name, value in case.inputs:
            details += [f"{name}:", fmt_array(value)]
        details += ["expected:", fmt_array(case.expected), "received:", fmt_array(got)]
        fail(run, k, details, [H.HINTS[key] for key in keys], picture=(case.expected, got))
    if extra:
        fail(run, k, [f"The array is right, but {extra}"])


def arg_names(case, student=None):
    """How messages name the positional arguments: "its input X" by the student's own
    parameter names where the function has them, else ``X``/``X_col`` first and then
    "its second argument", ... (``student``: the student's function)."""
    try:
        params = [p.name for p in inspect.signature(student).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):          # no function, or a builtin without a signature
        params = []
    first = "X_col" if "X_shape" in case.params else ("x" if "x.shape" in case.params else "X")
    ordinals = ["first", "second", "third", "fourth", "fifth", "sixth"]
    names = [f"its input {first}"] + [f"its {o} argument" for o in ordinals[1:]]
    return [f"its input {params[i]}" if i < len(params) else names[i] for i in range(len(names))]


def stub_message(title, grading=False):
    __tracebackhide__ = True
    message = (f"{title}: {NOT_IMPLEMENTED}. Your function still raises NotImplementedError: "
               f"replace `raise NotImplementedError()` with your code and run this cell again.")
    print(message)
    if grading:
        raise CheckFailed(message) from None
    return False


def refine(run, keys, later_cases):
    """Drop the hint keys that later cases contradict.

    On one case two mistakes can give the same answer (dilation 1 off by one and counted
    twice both space taps 3 apart). A hint survives if, on every later case the student
    also gets wrong, that mistake still reproduces the answer.
    """
    if len(keys) < 2:
        return keys
    alive = list(keys)
    for case in later_cases:
        try:
            got = call(run, case.args)[0]
            if case.extract is not None:
                got, _ = case.extract(got)
            got = np.asarray(got, dtype=float)
        except (Exception, TimeLimitExceeded):
            continue
        if equal(got, case.expected):
            continue
        here = diagnose(case.expected, got, case.mutations())
        narrowed = [key for key in alive if key in here]
        if narrowed:
            alive = narrowed
    return alive


def run_cases(title, student, cases, n_fixed, keys, taught, draw=None, probe=None,
              time_limit=None, grading=False):
    """Run ``student`` on every case; print what was checked, or raise CheckFailed.

    ``keys`` name the case parameters the summary lists; ``taught`` the conv_teach functions
    the answer may not call (the first is the one it is compared with).
    """
    __tracebackhide__ = True
    limit = start(title, student, f"{title}({title[6:]})", time_limit)
    run = Run(title, student, cases, n_fixed, summary(cases, n_fixed, keys), draw, limit, taught)
    try:
        for k in range(len(cases)):
            run_one(run, k, probe)
    except Stub:
        return stub_message(title, grading)
    print(f"{title}: all {len(cases)} cases pass ({run.summary}).")
    return True


def show_diff(expected, received, axes=None):
    """Draw the received matrix next to the expected one, differing cells outlined in red.

    See :func:`conv_teach.exercises.picture.show_diff` (imports matplotlib when called).
    """
    from .picture import show_diff as draw
    return draw(expected, received, axes)


def draw(expected, got):
    from IPython.display import display
    import matplotlib.pyplot as plt
    fig = show_diff(expected, got)
    display(fig)
    plt.close(fig)


def summary(cases, n_fixed, keys):
    """'5 fixed + 8 random from seed 0; stride in {(1, 1), (1, 2)}; ...' from the cases."""
    parts = [f"{n_fixed} fixed + {len(cases) - n_fixed} random from seed {SEED}"]
    for key in keys:
        vals = sorted({repr(c.params[key]) for c in cases if key in c.params})
        if vals:
            parts.append(f"{key} in {{{', '.join(vals)}}}")
    return "; ".join(parts)
