"""`conv-teach present`: argument handling and the Voila command line, without starting a server.

(The served page itself is tested in a real browser in tests/browser/test_voila_present.py.)
"""
import ast
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conv_teach import cli, present

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*argv, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "conv_teach", "present", *argv], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_present_is_a_registered_subcommand():
    module, help_ = cli.COMMANDS["present"]
    assert module == "conv_teach.present" and "Voila" in help_
    args = cli.build_parser().parse_args(["present", "x.ipynb", "--port", "9001", "--no-browser"])
    assert (args.notebook, args.port, args.no_browser, args.token) == ("x.ipynb", 9001, True, None)
    assert args._run is present.run


def test_missing_notebook_fails_with_a_message_and_starts_nothing(tmp_path):
    r = run_cli(str(tmp_path / "nope.ipynb"), "--no-browser")
    assert r.returncode == 2
    assert "nope.ipynb" in r.stderr and "does not exist" in r.stderr
    assert "http://" not in r.stdout  # no server was announced


@pytest.mark.parametrize("name, content, words", [
    ("lesson.txt", "hello", "expected a .ipynb file, got a .txt file"),
    ("broken.ipynb", "{not json", "cannot be read as a notebook"),
    ("list.ipynb", "[1, 2]", "not a Jupyter notebook"),
])
def test_non_notebook_fails_with_a_message(tmp_path, name, content, words):
    f = tmp_path / name
    f.write_text(content)
    args = cli.build_parser().parse_args(["present", str(f), "--no-browser"])
    with pytest.raises(ValueError, match=words):
        present.check_notebook(f)
    assert present.run(args) == 2


def test_directory_is_refused(tmp_path, capsys):
    args = cli.build_parser().parse_args(["present", str(tmp_path), "--no-browser"])
    assert present.run(args) == 2
    assert "is a directory" in capsys.readouterr().err


def test_busy_port_is_refused_with_a_hint(tmp_path, capsys):
    nb = tmp_path / "ok.ipynb"
    nb.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        args = cli.build_parser().parse_args(["present", str(nb), "--port", str(busy), "--no-browser"])
        assert present.run(args) == 2
    err = capsys.readouterr().err
    assert f"--port {busy} is already in use" in err


@pytest.mark.skipif(os.name == "nt", reason="TIME_WAIT reuse is the POSIX SO_REUSEADDR rule")
def test_a_port_left_in_time_wait_by_a_stopped_server_is_free():
    """A server that closed its connections first (as Voila's does on Ctrl+C) leaves them in
    TIME_WAIT for a minute; the port is free for the next server all the same."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as tornado does
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        client = socket.create_connection(("127.0.0.1", port))
        conn, _ = server.accept()
        conn.close()                                # the server side closes first: TIME_WAIT
        client.recv(1)
        client.close()
    with socket.socket() as plain:                  # the situation is real: a bare bind fails
        with pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))
    assert present.check_port(port) == port


def test_voila_command_serves_only_localhost_with_the_token(tmp_path):
    nb = tmp_path / "03_im2col.ipynb"
    cmd = present.voila_command(nb, 9123, "abc123")
    assert cmd[:4] == [sys.executable, "-m", "voila", str(nb)]
    opts = cmd[4:]
    for expected in ["--no-browser", "--port=9123", "--Voila.ip=127.0.0.1", "--token=abc123",
                     "--Voila.port_retries=0"]:
        assert expected in opts
    # the templates hide the code cells: nothing may turn the sources back on
    assert not any("strip_sources" in o for o in opts)
    assert present.url_for(9123, "abc123") == "http://127.0.0.1:9123/?token=abc123"
    # a finite per-cell limit: without one a lost kernel-client wake-up hangs the page forever
    assert f"--VoilaExecutor.timeout={present.CELL_TIMEOUT_S}" in opts
    assert 0 < present.CELL_TIMEOUT_S <= 30


def test_voila_command_uses_only_options_voila_knows(tmp_path):
    """Every option we build is a Voila flag, alias or configurable trait (a typo would make
    Voila exit at start, or worse, be ignored)."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from voila.app import Voila
    from voila.configuration import VoilaConfiguration
    from voila.execute import VoilaExecutor
    classes = {"Voila": Voila, "VoilaConfiguration": VoilaConfiguration,
               "VoilaExecutor": VoilaExecutor, "MappingKernelManager": MappingKernelManager}
    for opt in present.voila_command(tmp_path / "x.ipynb", 9123, "abc")[4:]:
        name = opt[2:].split("=")[0]
        if "." in name:
            cls, trait = name.split(".")
            assert trait in classes[cls].class_traits(config=True), opt
        elif "=" in opt:
            assert name in Voila.aliases, opt
        else:
            assert name in Voila.flags, opt


def _notebook(path, tagged):
    """A throw-away lesson: untagged setup and text around a tagged heading and slider."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    tag = {"tags": [present.PRESENT_TAG]} if tagged else {}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Long lesson title\n\nUNTAGGED_TEXT"),
        nbformat.v4.new_code_cell("import ipywidgets\nprint('UNTAGGED' + '_OUTPUT')"),
        nbformat.v4.new_markdown_cell("## Short heading", metadata=dict(tag)),
        nbformat.v4.new_code_cell("print('TAGGED' + '_OUTPUT')", metadata=dict(tag)),
        nbformat.v4.new_code_cell("print('LATER' + '_OUTPUT')"),
    ]
    nbformat.write(nb, path)
    return path


def test_tagged_cells_are_found_by_the_present_tag(tmp_path):
    assert present.PRESENT_TAG == "present"   # the name lessons use (README, lessons helper)
    assert present.tagged_cells(_notebook(tmp_path / "a.ipynb", True)) == [2, 3]
    assert present.tagged_cells(_notebook(tmp_path / "b.ipynb", False)) == []


def test_voila_command_selects_the_template_and_guards_the_server(tmp_path):
    nb = tmp_path / "x.ipynb"
    tagged = present.voila_command(nb, 9123, "abc", tagged=True)
    untagged = present.voila_command(nb, 9123, "abc", tagged=False)
    assert f"--template={present.TEMPLATE}" in tagged
    assert not any(o.startswith("--template") for o in untagged)   # Voila's default: every cell
    for cmd in (tagged, untagged):
        settings = [o for o in cmd if o.startswith("--Voila.tornado_settings=")]
        assert len(settings) == 1
        value = ast.literal_eval(settings[0].split("=", 1)[1])
        assert value["allow_remote_access"] is False    # jupyter_server's Host check is on
        assert f"--MappingKernelManager.cull_idle_timeout={present.CULL_IDLE_S}" in cmd
        assert "--MappingKernelManager.cull_connected=False" in cmd  # open pages keep theirs
        allow = [o.split("=", 1)[1] for o in cmd
                 if o.startswith("--VoilaConfiguration.extension_allowlist=")]
        assert allow == present.EXTENSIONS
        assert "anywidget" in present.EXTENSIONS   # the views' front end
    conf = present.TEMPLATE_ROOT / "voila" / "templates" / present.TEMPLATE / "conf.json"
    assert json.loads(conf.read_text())["base_template"] == "lab"
    env = present.voila_env({"JUPYTER_PATH": "/somewhere"})
    assert env["JUPYTER_PATH"].split(":") == [str(present.TEMPLATE_ROOT), "/somewhere"]
    assert present.voila_env({})["JUPYTER_PATH"] == str(present.TEMPLATE_ROOT)


def _get(port, token, host):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"/?token={token}", headers={"Host": host})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _kernels(proc):
    import psutil
    return [k for k in psutil.Process(proc.pid).children(recursive=True)
            if any("ipykernel" in part for part in k.cmdline())]


@contextlib.contextmanager
def _serve(nb, token):
    """``conv-teach present NB --no-browser --port P --token TOKEN`` until the block ends;
    yields ``(process, port)`` once Voila serves its static files. The output is kept in
    ``process.output`` after the block."""
    port = present.check_port(0)
    proc = subprocess.Popen([sys.executable, "-m", "conv_teach", "present", str(nb), "--no-browser",
                             "--port", str(port), "--token", token], cwd=nb.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        t0 = time.monotonic()
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/voila.js", timeout=2)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() - t0 < 60, "present did not start"
                time.sleep(0.25)
        yield proc, port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.output = proc.communicate(timeout=30)[0]


@pytest.mark.parametrize("tagged", [True, False], ids=["tagged", "untagged"])
def test_served_page_shows_tagged_cells_and_answers_only_loopback_hosts(tmp_path, tagged):
    """The real ``conv-teach present`` over HTTP (no browser): what the page holds, and who
    gets an answer. ``Host: evil.example.com`` with the right token is refused and starts no
    kernel (a DNS-rebinding page would send exactly that)."""
    nb = _notebook(tmp_path / "lesson.ipynb", tagged)
    with _serve(nb, "tok123") as (proc, port):
        for bad in ["evil.example.com", f"evil.example.com:{port}", f"10.0.0.7:{port}"]:
            status, _ = _get(port, "tok123", bad)
            assert status == 403, (bad, status)
        assert _kernels(proc) == [], "a refused request started a kernel"
        status, _ = _get(port, "wrong-token", f"127.0.0.1:{port}")
        assert status in (302, 403), status          # the token is still needed
        for good in [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"]:
            status, html = _get(port, "tok123", good)
            assert status == 200, (good, status)
            assert "TAGGED_OUTPUT" in html and "Short heading" in html
            assert ("UNTAGGED_OUTPUT" in html) is not tagged
            assert ("UNTAGGED_TEXT" in html) is not tagged
            assert ("LATER_OUTPUT" in html) is not tagged
            assert "print(" not in html                # never any code
            assert ("conv-teach present" in html) is tagged   # the template's stylesheet
    assert ("tags no cell 'present'" in proc.output) is not tagged


def test_an_error_in_an_untagged_cell_is_still_shown(tmp_path):
    """Hidden cells still run; if one fails, the teacher sees its traceback, not a blank page."""
    import nbformat
    nb = _notebook(tmp_path / "lesson.ipynb", True)
    book = nbformat.read(nb, as_version=4)
    book.cells[1].source = "raise RuntimeError('SETUP_' + 'BROKE')"
    nbformat.write(book, nb)
    with _serve(nb, "tok") as (proc, port):
        status, html = _get(port, "tok", f"127.0.0.1:{port}")
    assert status == 200 and "SETUP_BROKE" in html


# ----------------------------------------------------------------------------- cells not run

def _bound_and_used(source):
    """Names a cell binds (anywhere in it) and names it reads, from its syntax tree."""
    bound, used = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, (ast.Store, ast.Del)) else used).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return bound, used


def _imports(source):
    return {(a.name if isinstance(n, ast.Import) else n.module or "").split(".")[0]
            for n in ast.walk(ast.parse(source)) if isinstance(n, (ast.Import, ast.ImportFrom))
            for a in n.names}


def skip_problems(nb):
    """What is wrong with a notebook's :data:`present.SKIP_TAG` cells, as sentences: a cell
    both shown and skipped, a torch/Keras import that present mode would run, or a cell present
    mode runs that reads a name only a skipped cell binds (it would fail, and Voila stops there)."""
    problems, only_skipped = [], set()
    code = [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"]
    runs = {i: present.SKIP_TAG not in c["metadata"].get("tags", []) for i, c in code}
    bound_by_run = set()
    for i, c in code:
        if runs[i]:
            bound_by_run |= _bound_and_used("".join(c["source"]))[0]
    for i, c in code:
        src, tags = "".join(c["source"]), c["metadata"].get("tags", [])
        bound, used = _bound_and_used(src)
        if not runs[i]:
            if present.PRESENT_TAG in tags:
                problems.append(f"cell {i} is tagged both {present.PRESENT_TAG!r} and {present.SKIP_TAG!r}")
            only_skipped |= bound - bound_by_run
            continue
        heavy = _imports(src) & {"torch", "keras", "tensorflow", "jax"}
        if heavy:
            problems.append(f"cell {i} imports {sorted(heavy)} but is not tagged {present.SKIP_TAG!r}")
        if used & only_skipped:
            problems.append(f"cell {i} reads {sorted(used & only_skipped)}, bound only in skipped cells")
    return problems


def _shipped_lessons():
    return sorted((ROOT / "notebooks").glob("[0-9]*_*.ipynb"))


@pytest.mark.parametrize("path", _shipped_lessons(), ids=lambda p: p.stem)
def test_lessons_skip_their_torch_asides_in_present_mode_and_need_nothing_from_them(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert skip_problems(nb) == []


def test_skip_problems_finds_each_kind_of_mistake():
    def cell(src, *tags):
        return {"cell_type": "code", "source": src, "metadata": {"tags": list(tags)}}
    skip, show = present.SKIP_TAG, present.PRESENT_TAG
    ok = {"cells": [cell("import numpy as np\nX = np.ones(3)"),
                    cell("try:\n    import torch\nexcept ImportError:\n    torch = None\nT = X", skip),
                    cell("view = X.sum()", show)]}
    assert skip_problems(ok) == []
    unskipped = {"cells": [cell("import torch.nn.functional as F")]}
    assert skip_problems(unskipped) == ["cell 0 imports ['torch'] but is not tagged 'present-skip'"]
    needs = {"cells": ok["cells"] + [cell("print(T + 1)")]}
    assert skip_problems(needs) == ["cell 3 reads ['T'], bound only in skipped cells"]
    both = {"cells": [cell("import torch", skip, show)]}
    assert skip_problems(both) == ["cell 0 is tagged both 'present' and 'present-skip'"]


def test_voila_does_not_run_a_skip_tagged_cell(tmp_path):
    """Voila's executor, configured from our command line, leaves a SKIP_TAG cell unrun and
    runs the cells after it (a cell that would fail is skipped, so the page goes on)."""
    import nbformat
    from traitlets.config import Config
    from voila.execute import VoilaExecutor
    opts = [o for o in present.voila_command(tmp_path / "x.ipynb", 9123, "abc")
            if o.startswith("--VoilaExecutor.")]
    config = Config()
    for opt in opts:
        name, value = opt[2:].split("=", 1)
        cls, trait = name.split(".")
        config[cls][trait] = int(value) if value.isdigit() else value
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise SystemExit('a skipped cell ran')",
                                          metadata={"tags": [present.SKIP_TAG]}),
                nbformat.v4.new_code_cell("print(x + 1)")]
    executor = VoilaExecutor(nb, config=config, kernel_name="python3")
    assert executor.skip_cells_with_tag == present.SKIP_TAG
    executor.execute(nb, {})
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None
    assert nb.cells[2].outputs[0]["text"] == "2\n"
