"""``conv-teach present LESSON.ipynb``: serve a lesson as an app for a projector.

Voila runs every cell of the notebook and shows, full screen and without code, only the cells
the lesson tags for presenting: cell metadata ``"tags": ["present"]`` (:data:`PRESENT_TAG`),
given to each view's code cell and to the short markdown heading above it. A lesson without
any tagged cell is shown whole (with a note on the terminal). This is Voila's own template
mechanism: the template ``conv_teach_present`` (shipped in ``conv_teach/present_template``,
found through ``JUPYTER_PATH``) extends Voila's ``lab`` template, leaves untagged cells out
(an error output is always shown) and styles the page for a projector.

Cells tagged ``"present-skip"`` (:data:`SKIP_TAG`) are not run at all: the lessons' torch
asides, whose output the page does not show. Voila stops running a notebook at the first cell
that fails or outlasts :data:`CELL_TIMEOUT_S`, so an ``import torch`` that took too long on a
busy laptop used to leave the page without the view under it.

The server listens on 127.0.0.1 only, is protected by a random token that is part of the
printed URL, and answers only requests whose ``Host`` header names a loopback address
(``127.0.0.1``, ``localhost``, ``[::1]``, any port): jupyter_server's own Host check, which
Voila switches off (``allow_remote_access=True``) and which is switched on again through
``Voila.tornado_settings``; this refuses DNS-rebinding pages, as JupyterLab does. A page's
kernel ends when its tab closes: Voila's page sends a shutdown beacon on ``beforeunload``,
and as a backstop the kernel culler ends a kernel left without any connected page (the
browser crashed, the laptop slept) after :data:`CULL_IDLE_S` seconds.
The browser is opened on that URL unless ``--no-browser`` is given.

Examples
--------
    conv-teach present notebooks/03_im2col.ipynb
    conv-teach present notebooks/01_padding.ipynb --port 9000 --no-browser
    make present LESSON=notebooks/03_im2col.ipynb
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DEFAULT_PORT = 8866
HOST = "127.0.0.1"
#: Voila's per-cell limit (s). The slowest cell present mode runs (not the SKIP_TAG ones) takes
#: ~1.3 s on a loaded 2-core box.
#: Voila's own default is no limit, and then a wake-up lost in the zmq.asyncio kernel client
#: (the execute_reply sits in the shell socket, zmq.EVENTS says POLLIN, but the socket's
#: edge-triggered zmq.FD never became readable) leaves the page loading forever: 2 of 30
#: renders of 03_im2col under load (same with ipykernel 6 or 7, pyzmq 26 or 27). With a
#: limit, pyzmq's poll re-checks the socket when its timer fires and finds the reply: 4 of 30
#: renders then took 22-26 s, all 30 complete with the app and no timeout message. 10 s
#: (still ~7x the slowest cell) keeps even two stalls in one render under the browser
#: test's 45 s wait for the page.
CELL_TIMEOUT_S = 10
#: the cell tag for cells present mode does not run (nbclient's ``skip_cells_with_tag``, which
#: Voila's executor honours): the lessons' torch asides, 2-6 s each on a quiet 2-core box and
#: over :data:`CELL_TIMEOUT_S` under load (their ``import torch``), shown nowhere on the page
SKIP_TAG = "present-skip"
#: the Voila template that shows only the tagged cells, full screen
TEMPLATE = "conv_teach_present"
#: ``JUPYTER_PATH`` entry under which Voila finds ``voila/templates/conv_teach_present``
TEMPLATE_ROOT = Path(__file__).resolve().parent / "present_template"
_TEMPLATE_CONF = TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE / "conf.json"
#: the cell tag that marks what present mode shows (read from the template's conf.json, so the
#: template and this module cannot disagree)
PRESENT_TAG = json.loads(_TEMPLATE_CONF.read_text(encoding="utf-8"))[
    "traitlet_configuration"]["resources"]["conv_teach_present_tag"]
#: settings given to Voila's tornado application (``Voila.tornado_settings``, applied after
#: Voila's own): ``allow_remote_access`` False turns jupyter_server's Host check back on (only
#: loopback names are answered; Voila sets it True). ``disable_check_xsrf``: Voila's page ends
#: its kernel on ``beforeunload`` with a ``sendBeacon`` POST that carries the ``_xsrf`` cookie,
#: but a page opened with ``?token=`` never gets that cookie, so the POST was refused with 403
#: "'_xsrf' argument missing" and the kernel lived on (voila-dashboards/voila#1458, open).
#: Safe here: the server answers loopback Host names only and needs the token; its only
#: state-changing requests end one kernel named by its random id (a cross-site DELETE needs a
#: CORS preflight that is not granted).
TORNADO_SETTINGS = {"allow_remote_access": False, "disable_check_xsrf": True}
#: the only JupyterLab extensions the page loads (Voila loads every installed one by default;
#: others, e.g. nbgrader's or Notebook 7's, expect JupyterLab's shell, fail in Voila with
#: console errors and slow the page down): Voila's own widget managers (it keeps the one for
#: the installed ipywidgets) and the widgets the lessons use
EXTENSIONS = ["@voila-dashboards/widgets-manager8", "@voila-dashboards/widgets-manager7",
              "@jupyter-widgets/jupyterlab-manager", "anywidget", "jupyter-matplotlib"]
#: a kernel with no page connected for this long is ended (s), checked every CULL_INTERVAL_S.
#: The page's own shutdown beacon ends it at once when its tab closes; this catches the rest.
CULL_IDLE_S = 60
CULL_INTERVAL_S = 15


def add_arguments(parser):
    """Add the ``present`` options to an argparse (sub)parser."""
    parser.add_argument("notebook", help="the lesson to present: a notebook file, or a lesson "
                                         "number or name (03, im2col)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on {HOST} (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--no-browser", action="store_true",
                        help="only print the URL, do not open a browser")
    parser.add_argument("--token", default=None,
                        help="access token put in the URL (default: a new random one)")


def check_notebook(path):
    """Return the resolved path of a readable notebook, or raise ValueError saying what is wrong.

    Parameters
    ----------
    path : str or Path
        What the user passed.

    Returns
    -------
    Path
        The absolute path of the notebook.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise ValueError(f"notebook {str(path)!r} does not exist; pass the path of a lesson, "
                         f"e.g. notebooks/03_im2col.ipynb")
    if not p.is_file():
        raise ValueError(f"notebook {str(path)!r} is a directory, not a notebook; pass a .ipynb file")
    if p.suffix != ".ipynb":
        raise ValueError(f"notebook {str(path)!r} is not a notebook: expected a .ipynb file, "
                         f"got a {p.suffix or 'extension-less'} file")
    try:
        with open(p, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"notebook {str(path)!r} cannot be read as a notebook (JSON): {e}") from None
    if not isinstance(nb, dict) or "cells" not in nb or "nbformat" not in nb:
        raise ValueError(f"notebook {str(path)!r} is JSON but not a Jupyter notebook "
                         f"(no 'cells' / 'nbformat' keys)")
    return p.resolve()


def _lesson_argument(arg):
    """A file as given, or the shipped lesson named by a number or name (see resolve_lesson)."""
    from .lessons import resolve_lesson
    path = resolve_lesson(arg)
    if path is not arg:
        print(f"conv-teach present: lesson {path.name} ({path.parent})", file=sys.stderr)
    return path


def tagged_cells(path):
    """Indices of the cells of notebook ``path`` tagged :data:`PRESENT_TAG`.

    Parameters
    ----------
    path : str or Path
        A notebook that :func:`check_notebook` accepted.

    Returns
    -------
    list of int
        Positions (from 0) of the cells present mode shows; empty if the lesson tags none.
    """
    with open(path, encoding="utf-8") as f:
        cells = json.load(f)["cells"]
    return [i for i, c in enumerate(cells)
            if isinstance(c, dict) and PRESENT_TAG in (c.get("metadata") or {}).get("tags", [])]


def check_port(port):
    """Return a port that is free on 127.0.0.1 (``port``, or any free one for 0); raise ValueError.

    Tested as Voila's server (tornado) will bind it: with ``SO_REUSEADDR`` on POSIX, so the
    connections of a server just stopped, left in TIME_WAIT for a minute, do not count as a
    server on the port (a teacher switching lessons was told the port was in use for ~70 s);
    a socket listening there still does. (On Windows the option would let two servers share
    a port, and tornado does not set it there.)
    """
    if not 0 <= port <= 65535:
        raise ValueError(f"--port must be between 0 and 65535, got {port}")
    with socket.socket() as s:
        if os.name != "nt":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            raise ValueError(f"--port {port} is already in use on {HOST}; "
                             f"pick another one (e.g. --port 0 for any free port)") from None
        return s.getsockname()[1]


def voila_command(notebook, port, token, tagged=True):
    """The Voila command line that serves ``notebook`` on 127.0.0.1:``port`` behind ``token``.

    Voila opens no browser itself (its own launcher drops the token from the URL) and does not
    wander to another port when ``port`` is taken, so the printed URL is the one it serves.
    Tracebacks are shown in the page, so a teacher sees what went wrong instead of a blank app.
    Cells tagged :data:`SKIP_TAG` are not run.
    With ``tagged`` (the lesson tags cells for presenting) the page shows only those, through
    the :data:`TEMPLATE`; without, Voila's default template shows every cell's output.
    Run it with :func:`voila_env`, which lets Voila find the template.
    """
    cmd = [sys.executable, "-m", "voila", str(notebook),
           "--no-browser", f"--port={port}", f"--Voila.ip={HOST}", "--Voila.port_retries=0",
           f"--token={token}", "--show_tracebacks=True",
           f"--VoilaExecutor.timeout={CELL_TIMEOUT_S}",
           f"--VoilaExecutor.skip_cells_with_tag={SKIP_TAG}",
           f"--Voila.tornado_settings={TORNADO_SETTINGS!r}",
           *(f"--VoilaConfiguration.extension_allowlist={name}" for name in EXTENSIONS),
           f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_S}",
           f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
           "--MappingKernelManager.cull_connected=False"]
    if tagged:
        cmd.append(f"--template={TEMPLATE}")
    return cmd


def voila_env(environ=None):
    """``environ`` (default ``os.environ``) with :data:`TEMPLATE_ROOT` first on ``JUPYTER_PATH``."""
    env = dict(os.environ if environ is None else environ)
    rest = env.get("JUPYTER_PATH")
    env["JUPYTER_PATH"] = str(TEMPLATE_ROOT) + (os.pathsep + rest if rest else "")
    return env


def url_for(port, token):
    """The URL of the presented lesson."""
    return f"http://{HOST}:{port}/?token={token}"


def _wait_ready(proc, port, token, timeout=60):
    """Wait until Voila serves its static files (not the page: every page GET starts a kernel)."""
    ready = f"http://{HOST}:{port}/voila/static/voila.js?token={token}"
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout and proc.poll() is None:
        try:
            with urllib.request.urlopen(ready, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.25)
    return False


def run(args):
    """Serve ``args.notebook`` with Voila until interrupted; return the exit status."""
    try:
        nb = check_notebook(_lesson_argument(args.notebook))
        port = check_port(args.port)
    except ValueError as e:
        print(f"conv-teach present: error: {e}", file=sys.stderr)
        return 2
    token = args.token or secrets.token_hex(16)
    url = url_for(port, token)
    tagged = bool(tagged_cells(nb))
    if not tagged:
        print(f"conv-teach present: {nb.name} tags no cell {PRESENT_TAG!r}; showing every cell",
              file=sys.stderr)
    # the kernel runs next to the lesson, as in JupyterLab
    proc = subprocess.Popen(voila_command(nb, port, token, tagged), cwd=nb.parent,
                            env=voila_env())

    def stop(signum, frame):  # `kill`: pass it on to Voila, which stops like on Ctrl+C
        proc.terminate()
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, stop)
    try:
        print(f"Presenting {nb.name} (Ctrl+C to stop) at:\n    {url}", flush=True)
        if not args.no_browser and _wait_ready(proc, port, token):
            import webbrowser
            webbrowser.open(url)
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, old)
        _stop(proc)


def _stop(proc):
    """Stop Voila cleanly (on SIGTERM it shuts its kernels down), killing it if it hangs."""
    try:  # after Ctrl+C in a terminal Voila got the SIGINT too and is already stopping
        proc.wait(3)
        return
    except subprocess.TimeoutExpired:
        pass
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)
