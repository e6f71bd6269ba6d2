"""Start and stop JupyterLab / Voila (via ``conv-teach present``) for the browser tests.

Every server listens on 127.0.0.1 with a random token, gets throw-away Jupyter config, data,
runtime, settings and workspace folders, and is stopped (terminate, then kill) together with
every kernel it started, whatever happened in the test.
"""
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil  # a dependency of ipykernel, so present wherever the kernels run

SERVER_READY_S = 60  # generous: 2 shared cores; a hang still fails well inside 2 minutes

# JupyterLab user settings: no "get notified about news?" toast, every cell drawn (no
# virtualisation that leaves off-screen outputs empty), the notebook's kernel started without
# asking (a "Select Kernel" dialog came up now and then on a loaded machine), no autosave.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none", "autoStartDefaultKernel": True},  # no "Select Kernel" dialog
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_env(tmp):
    """Environment with throw-away Jupyter folders under ``tmp`` (nothing of the user's is read)."""
    env = dict(os.environ)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython")]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("MPLBACKEND", None)  # the lessons need the inline backend (see tooling notes)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONFAULTHANDLER"] = "1"  # a kernel stuck in a test can be made to print its stack
    return env


class Server:
    """A running server process with its log, its base URL and its token."""

    def __init__(self, name, cmd, cwd, env, log_path):
        self.name, self.log_path = name, Path(log_path)
        self._log = open(self.log_path, "w")
        # own process group: `present` starts Voila as a child, and both must go
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.base = self.token = None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_http(self, url, timeout=SERVER_READY_S):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - t0
            except (OSError, http.client.HTTPException):
                # not up yet, or (BadStatusLine) another process - e.g. a kernel - answered on
                # the port we picked: the server then exits "address in use", seen just above
                time.sleep(0.25)
        raise TimeoutError(f"{self.name} not ready after {timeout} s ({url}):\n{self.log()[-3000:]}")

    def api(self, method, path):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def kernel_stacks(self):
        """Make this server's kernels print where they are (SIGABRT + faulthandler) and return
        the log's tail: for the failure message of a test that waited for them in vain."""
        try:
            kids = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return self.log()[-4000:]
        for k in kids:
            try:
                if any("ipykernel" in part for part in k.cmdline()):
                    k.send_signal(signal.SIGABRT)
            except psutil.Error:
                pass
        time.sleep(2)
        return self.log()[-6000:]

    def stop(self):
        """Terminate the server (it shuts its kernels down), kill whatever is left.

        Returns the pids that had to be killed (should be none)."""
        try:
            procs = [psutil.Process(self.proc.pid)]
            procs += procs[0].children(recursive=True)  # the kernels (own sessions, same parent)
        except psutil.NoSuchProcess:
            procs = []
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(5)
        _, alive = psutil.wait_procs(procs, timeout=10)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=5)
        self._log.close()
        return [p.pid for p in alive]


PORT_ATTEMPTS = 3


def port_taken(error, server):
    """Did the server fail only because another process took the port we picked for it?

    ``free_port`` releases the port before the server binds it, and kernels started meanwhile
    pick random ports too: rare, but then the start is retried on a new port."""
    return isinstance(error, RuntimeError) and "in use" in server.log()


def start_lab(root_dir, tmp, app="lab"):
    """JupyterLab 4 (``app="lab"``) or Notebook 7 (``app="notebook"``) serving ``root_dir``;
    returns a ready :class:`Server`, whose ``notebook_url(name)`` opens one notebook."""
    for attempt in range(PORT_ATTEMPTS):
        try:
            return _start_lab(root_dir, tmp, app)
        except RuntimeError as e:
            if attempt == PORT_ATTEMPTS - 1 or not port_taken(e, e.server):
                raise


# app -> (python module, its config class, display name, URL of one notebook)
JUPYTER_APPS = {
    "lab": ("jupyterlab", "LabApp", "JupyterLab", "/lab/tree/{name}?token={token}&reset"),
    "notebook": ("notebook", "JupyterNotebookApp", "Notebook 7", "/notebooks/{name}?token={token}"),
}


def _start_lab(root_dir, tmp, app="lab"):
    module, cls, title, page = JUPYTER_APPS[app]
    port, token = free_port(), secrets.token_hex(16)
    settings = tmp / "settings"
    for rel, content in LAB_SETTINGS.items():
        f = settings / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(content))
    cmd = [sys.executable, "-m", module, "--no-browser", f"--port={port}",
           "--ServerApp.port_retries=0", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root_dir}", f"--{cls}.user_settings_dir={settings}",
           f"--{cls}.workspaces_dir={tmp / 'workspaces'}"]
    if app == "lab":
        cmd += ["--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # jupyter_server refuses to run as root without it (CI is root)
    server = Server(title, cmd, root_dir, jupyter_env(tmp), tmp / f"{app}.log")
    server.base, server.token = f"http://127.0.0.1:{port}", token
    server.notebook_url = lambda name: server.base + page.format(name=name, token=token)
    try:
        server.wait_http(f"{server.base}/api/status?token={token}")
    except BaseException as e:
        server.stop()
        e.server = server
        raise
    return server


def start_present(notebook, tmp, timeout=SERVER_READY_S):
    """``python -m conv_teach present NOTEBOOK --no-browser --port P``: the real command.

    The URL (with its token) is taken from what the command prints."""
    for attempt in range(PORT_ATTEMPTS):
        try:
            return _start_present(notebook, tmp, timeout)
        except RuntimeError as e:
            if attempt == PORT_ATTEMPTS - 1 or not port_taken(e, e.server):
                raise


def _start_present(notebook, tmp, timeout):
    port = free_port()
    cmd = [sys.executable, "-m", "conv_teach", "present", str(notebook), "--no-browser",
           "--port", str(port)]
    server = Server("conv-teach present", cmd, tmp, jupyter_env(tmp), tmp / "present.log")
    try:
        t0 = time.monotonic()
        while True:
            m = re.search(r"(http://127\.0\.0\.1:(\d+)/)\?token=([0-9a-f]+)", server.log())
            if m or server.proc.poll() is not None or time.monotonic() - t0 > timeout:
                break
            time.sleep(0.2)
        if not m:
            raise RuntimeError(f"conv-teach present printed no URL:\n{server.log()[-3000:]}")
        assert int(m.group(2)) == port, f"present serves on {m.group(2)}, asked for {port}"
        server.base, server.token = m.group(1).rstrip("/"), m.group(3)
        server.url = f"{server.base}/?token={server.token}"
        # readiness on a static file: every GET of the page itself starts and runs a kernel
        server.wait_http(f"{server.base}/voila/static/voila.js", timeout - (time.monotonic() - t0))
    except BaseException as e:
        server.stop()
        e.server = server
        raise
    return server
