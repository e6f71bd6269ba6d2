"""A time limit on one call of a student's function, so an endless loop cannot hang a notebook.

:func:`time_limit` stops the code running in its ``with`` block after a number of seconds by
raising :class:`TimeLimitExceeded` in it. How:

* on the main thread of a Unix process (a Jupyter kernel, nbgrader's autograder, a script):
  a ``SIGALRM`` timer (``signal.setitimer``) whose handler raises. Python runs signal handlers
  between bytecodes of the main thread, so a pure-Python loop stops within microseconds, and
  nothing is left half-done that a later bytecode would not also see after an ordinary
  exception. A long NumPy call stops when it returns.
* elsewhere (Windows has no ``SIGALRM``; signals cannot be set from other threads): a timer
  thread asks CPython to raise the exception in the running thread
  (``PyThreadState_SetAsyncExc``), which CPython also checks between bytecodes.
* where neither exists (not CPython), there is no limit.

:class:`TimeLimitExceeded` derives from ``BaseException`` so that a student's
``except Exception:`` cannot swallow it; if the student's code swallows it anyway (a bare
``except:``), it is raised again every :data:`REPEAT` seconds, and once more when the block
ends. (A loop that catches every exception forever cannot be stopped from inside the
process: Jupyter's *Interrupt* or a restart is then the way out.)
"""
import contextlib
import os
import signal
import threading
import time

__all__ = ["TIME_LIMIT", "TimeLimitExceeded", "time_limit", "mechanism"]

#: default seconds per call of a student's function (override with the environment variable
#: ``CONV_TEACH_TIME_LIMIT``, e.g. for a slow grading machine, or with ``time_limit=``)
TIME_LIMIT = float(os.environ.get("CONV_TEACH_TIME_LIMIT", "5"))


#: seconds between repeated stops, for code that catches the first one and carries on
REPEAT = 0.25


class TimeLimitExceeded(BaseException):
    """The block ran longer than its time limit and was stopped."""


def mechanism():
    """How :func:`time_limit` would stop this thread: ``'signal'``, ``'thread'`` or ``None``."""
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return "signal"
    try:
        import ctypes
        ctypes.pythonapi.PyThreadState_SetAsyncExc  # noqa: B018  (CPython only)
    except (ImportError, AttributeError):
        return None
    return "thread"


@contextlib.contextmanager
def time_limit(seconds, how=None):
    """Raise :class:`TimeLimitExceeded` in the ``with`` block if it runs past ``seconds``.

    Parameters
    ----------
    seconds : float or None
        None or ``math.inf`` means no limit.
    how : {'signal', 'thread'}, optional
        Force a mechanism (tests use it); default :func:`mechanism`.
    """
    how = mechanism() if how is None else how
    if seconds is None or seconds == float("inf") or how is None:
        yield
    elif how == "signal":
        with _alarm(seconds):
            yield
    else:
        with _async_exception(seconds):
            yield


def _noop():
    """A Python-level call: CPython runs pending signal handlers when a function starts."""


@contextlib.contextmanager
def _alarm(seconds):
    state = {"armed": True, "fired": False}

    def handler(signum, frame):
        if state["armed"]:
            state["fired"] = True
            raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, handler)
    # fire again every REPEAT s: a loop that swallowed one stop gets the next one
    outer_delay, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    start = time.monotonic()
    try:
        yield
    finally:
        try:
            state["armed"] = False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            _noop()          # a signal already pending is handled here, by the disarmed handler
            signal.signal(signal.SIGALRM, previous)
            if outer_delay:  # someone else's alarm (e.g. pytest-timeout) keeps its deadline
                left = outer_delay - (time.monotonic() - start)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)
    if state["fired"]:       # the student's code caught the exception: stop here instead
        raise TimeLimitExceeded()


@contextlib.contextmanager
def _async_exception(seconds):
    import ctypes
    # own function objects (item access makes a new one), so no global argtypes are changed
    set_async = ctypes.pythonapi["PyThreadState_SetAsyncExc"]
    set_async.argtypes = (ctypes.c_ulong, ctypes.py_object)
    clear_async = ctypes.pythonapi["PyThreadState_SetAsyncExc"]
    clear_async.argtypes = (ctypes.c_ulong, ctypes.c_void_p)
    tid = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    stop = threading.Event()

    def fire():
        delay = seconds
        while not stop.wait(delay):      # again every REPEAT s, like the signal timer
            with lock:
                if not state["armed"]:
                    return
                state["fired"] = True
                set_async(tid, TimeLimitExceeded)
            delay = REPEAT

    timer = threading.Thread(target=fire, daemon=True, name="conv_teach time limit")
    timer.start()
    try:
        yield
    finally:
        try:
            with lock:
                state["armed"] = False
                if state["fired"]:
                    # not delivered yet: withdraw it (a NULL exception clears a pending one)
                    clear_async(tid, None)
        finally:
            stop.set()
    if state["fired"]:
        raise TimeLimitExceeded()
