"""What one student costs a JupyterHub: memory and CPU of the kernels that run the lessons.

For every lesson (``conv_teach.lessons.lessons()``), a fresh IPython kernel, as JupyterLab
starts one per open notebook, runs all its code cells, then moves every view the
lesson made (every ``conv_teach.views.View`` in the kernel's globals) through its controls: each control over up to
``--steps`` values of its range, then back. Measured on the kernel process, before it is
shut down:

* peak memory: the kernel's peak resident set (``VmHWM`` in ``/proc/PID/status``);
* CPU seconds: user + system time of the kernel (and its children).

Also measured: an idle kernel that only imported conv_teach (the floor), and with
``--server`` the resident memory of an idle JupyterLab server (the per-user single-user
server of a hub). Linux only (``/proc``). Heavy: wrap it in ``flock /tmp/heavy.lock``.

    python benchmarks/bench_student_kernel.py [--steps 6] [--server] [--one-kernel] [--json out.json]

``--one-kernel`` also runs all the lessons (each followed by its sweep) one after the other in
a single kernel: the most one student's kernel holds if they never restart it.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from conv_teach.lessons import lessons  # noqa: E402

MIB = 2 ** 20

# Runs in the kernel after the lesson: sweep every control of every view it made.
SWEEP = r"""
def _conv_teach_sweep(steps):
    from conv_teach.views import View as _View
    moved = 0
    done = globals().setdefault("_conv_teach_swept", set())   # each view once per kernel
    objs = {id(v): v for v in list(globals().values())    # a view may also be _ and Out[n]
            if isinstance(v, _View) and id(v) not in done}.values()
    done.update(id(v) for v in objs)
    for obj in objs:
        for name, c in obj.controls.items():
            start = c.value
            if hasattr(c, "options") and not hasattr(c, "min"):
                labels = list(c.options)
                values = [o[1] if isinstance(o, tuple) else o for o in labels][:steps]
            elif hasattr(c, "min") and hasattr(c, "max") and isinstance(c.value, int):
                span = range(c.min, c.max + 1)
                k = max(1, len(span) // steps)
                values = list(span[::k])[:steps]
            else:
                continue
            for v in values + [start]:
                try:
                    c.value = v
                    moved += 1
                except Exception:
                    pass
    return len(list(objs)), moved
print("swept", *_conv_teach_sweep(%d))
"""


def peak_rss(proc):
    """Peak resident set of ``proc`` in bytes (VmHWM)."""
    status = Path(f"/proc/{proc.pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) * 1024


def cpu_seconds(proc):
    t = proc.cpu_times()
    return t.user + t.system + t.children_user + t.children_system


def run_notebook(nb, workdir, extra_sources=(), timeout=300, name="notebook"):
    """Run ``nb``'s code cells, then ``extra_sources``, in a fresh kernel in ``workdir``.

    Uses jupyter_client's blocking client (plain zmq polling): nbclient's asyncio client
    can miss a wake-up under load and wait for its whole timeout (see present.py).

    Returns
    -------
    (peak bytes, CPU s, wall s, text the extra cells printed)

    Raises
    ------
    RuntimeError
        A cell failed that is not tagged ``raises-exception``.
    """
    from jupyter_client.manager import KernelManager
    sources = [(c.source, "raises-exception" in c.metadata.get("tags", []))
               for c in nb.cells if c.cell_type == "code"]
    sources += [(src, False) for src in extra_sources]
    km = KernelManager(kernel_name="python3")
    t0 = time.perf_counter()
    km.start_kernel(cwd=str(workdir))
    kc = km.blocking_client()
    kc.start_channels()
    printed = []
    try:
        kc.wait_for_ready(timeout=120)
        proc = psutil.Process(km.provisioner.pid)
        for index, (source, may_raise) in enumerate(sources):
            extra = index >= len(sources) - len(extra_sources)

            def hook(msg, extra=extra):
                if extra and msg["msg_type"] == "stream":
                    printed.append(msg["content"]["text"])
            reply = kc.execute_interactive(source, timeout=timeout, output_hook=hook,
                                           allow_stdin=False)
            content = reply["content"]
            if content["status"] != "ok" and not may_raise:
                raise RuntimeError(f"{name}: code cell {index} failed: {content.get('ename')}: "
                                   f"{content.get('evalue')}")
        wall = time.perf_counter() - t0
        peak, cpu = peak_rss(proc), cpu_seconds(proc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return peak, cpu, wall, "".join(printed)


def idle_server_rss():
    """Resident memory (bytes) of an idle JupyterLab server, 10 s after it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.mkdtemp()
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=x", f"--notebook-dir={tmp}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import urllib.request
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=x", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(10)
        p = psutil.Process(proc.pid)
        return sum(q.memory_info().rss for q in [p] + p.children(recursive=True))
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=6, help="values per control (default 6)")
    parser.add_argument("--server", action="store_true", help="also measure an idle JupyterLab server")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--one-kernel", action="store_true",
                        help="also run every lesson, one after the other, in ONE kernel")
    args = parser.parse_args(argv)

    import conv_teach
    print(f"conv_teach {conv_teach.__version__} from {Path(conv_teach.__file__).parent}; "
          f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    rows = {}
    with tempfile.TemporaryDirectory(prefix="conv-teach-kernel.") as tmp:
        floor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import conv_teach")])
        peak, cpu, wall, _ = run_notebook(floor, tmp)
        rows["idle kernel + import conv_teach"] = dict(peak_mib=peak / MIB, cpu_s=cpu, wall_s=wall)
        print(f"{'kernel':<34} {'peak MiB':>9} {'CPU s':>7} {'wall s':>7}   swept")
        print(f"{'idle kernel + import conv_teach':<34} {peak / MIB:9.0f} {cpu:7.1f} {wall:7.1f}")
        for number, path in lessons().items():
            nb = nbformat.read(path, as_version=4)
            workdir = Path(tmp) / path.stem
            workdir.mkdir()
            peak, cpu, wall, printed = run_notebook(nb, workdir, [SWEEP % args.steps],
                                                    name=path.name)
            swept = re.search(r"swept (\d+) (\d+)", printed)
            views, moves = (int(swept.group(1)), int(swept.group(2))) if swept else (0, 0)
            rows[path.stem] = dict(peak_mib=peak / MIB, cpu_s=cpu, wall_s=wall, views=views,
                                   control_moves=moves)
            print(f"{path.stem:<34} {peak / MIB:9.0f} {cpu:7.1f} {wall:7.1f}   "
                  f"{views} views, {moves} moves", flush=True)
        if args.one_kernel:     # every lesson and its sweep, in order, in the same kernel
            cells = []
            for path in lessons().values():
                cells += nbformat.read(path, as_version=4).cells
                cells.append(nbformat.v4.new_code_cell(SWEEP % args.steps))
            workdir = Path(tmp) / "one-kernel"
            workdir.mkdir()
            peak, cpu, wall, _ = run_notebook(nbformat.v4.new_notebook(cells=cells), workdir,
                                              name="all lessons")
            one = dict(peak_mib=peak / MIB, cpu_s=cpu, wall_s=wall)
            print(f"{'all lessons in one kernel':<34} {peak / MIB:9.0f} {cpu:7.1f} {wall:7.1f}")
    lesson_rows = [r for k, r in rows.items() if not k.startswith("idle")]
    summary = dict(max_peak_mib=max(r["peak_mib"] for r in lesson_rows),
                   sum_peak_mib=sum(r["peak_mib"] for r in lesson_rows),
                   total_cpu_s=sum(r["cpu_s"] for r in lesson_rows),
                   total_wall_s=sum(r["wall_s"] for r in lesson_rows))
    print(f"largest lesson kernel: {summary['max_peak_mib']:.0f} MiB peak; all "
          f"{len(lesson_rows)} kernels left open: {summary['sum_peak_mib']:.0f} MiB; CPU for "
          f"every lesson and every control: {summary['total_cpu_s']:.0f} s "
          f"({summary['total_wall_s']:.0f} s wall)")
    if args.one_kernel:
        summary["one_kernel"] = one
    if args.server:
        summary["idle_jupyterlab_server_mib"] = idle_server_rss() / MIB
        print(f"idle JupyterLab server: {summary['idle_jupyterlab_server_mib']:.0f} MiB resident")
    if args.json:
        args.json.write_text(json.dumps({"kernels": rows, "summary": summary}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
