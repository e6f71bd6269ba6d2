"""Installed size and package count of conv_teach's core install and of each extra.

For each set, a fresh virtualenv under a temporary folder gets the wheel (built from this
checkout, or ``--wheel``) with that extra, resolved by pip as a user would (pip's cache keeps
this fast). Measured: the apparent size of every file in the virtualenv (JupyterLab's and
Voila's static files live in ``share/``, so the whole tree counts), minus the bare virtualenv
(Python links, activate scripts) and pip itself; and the number of installed distributions
(``*.dist-info``), pip not counted. ``--before REV`` also measures the dependencies that
``pyproject.toml`` had at git revision REV, the same way (before the extras, every install
got all of them).

Usage (heavy: wrap it in ``flock /tmp/heavy.lock`` on a shared machine)::

    python benchmarks/install_size.py                       # core + every extra
    python benchmarks/install_size.py --before 64b4b17 --json sizes.json
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
MB = 1e6
# the venvs must see only what pip installs in them (not a checkout on PYTHONPATH)
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def tree_bytes(folder):
    """Apparent size in bytes of the regular files under ``folder`` (symlinks not followed)."""
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                total += os.lstat(path).st_size
    return total


def site_packages(venv):
    out = subprocess.run([str(venv / "bin" / "python"), "-c",
                          "import sysconfig; print(sysconfig.get_path('purelib'))"],
                         capture_output=True, text=True, check=True, env=ENV)
    return Path(out.stdout.strip())


def dists(venv):
    """Names of the installed distributions, pip and setuptools of the bare venv excluded."""
    names = []
    for p in site_packages(venv).glob("*.dist-info"):
        name = p.name.split("-")[0].lower().replace("_", "-")
        names.append(name)
    return sorted(names)


def dist_bytes(venv):
    """{distribution: bytes} from the sizes pip wrote in each RECORD (bytecode pip compiled
    afterwards is not listed there, so these add up to less than the tree)."""
    out = {}
    for record in site_packages(venv).glob("*.dist-info/RECORD"):
        name = record.parent.name.split("-")[0].lower().replace("_", "-")
        total = 0
        for line in record.read_text(encoding="utf-8", errors="replace").splitlines():
            size = line.rsplit(",", 1)[-1]
            total += int(size) if size.isdigit() else 0
        out[name] = total
    return out


def new_venv(where):
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True, env=ENV)
    return where


def measure(requirements, where, python=sys.executable):
    """Install ``requirements`` into a new venv at ``where``; return (bytes, packages, seconds)."""
    venv = new_venv(where)
    bare = set(dists(venv))                        # pip (and setuptools on older Pythons)
    bare_bytes = tree_bytes(venv)
    t0 = time.perf_counter()
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", "--progress-bar", "off", *requirements],
                   check=True, env=ENV)
    seconds = time.perf_counter() - t0
    added = [d for d in dists(venv) if d not in bare]
    sizes = dist_bytes(venv)
    biggest = sorted(((sizes.get(d, 0), d) for d in added), reverse=True)[:5]
    return tree_bytes(venv) - bare_bytes, added, seconds, biggest


def build_wheel(outdir):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--disable-pip-version-check", "-w", str(outdir), str(ROOT)], check=True,
                   env=ENV)
    (wheel,) = Path(outdir).glob("conv_teach-*.whl")
    return wheel


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", type=Path, help="measure this wheel (default: build one)")
    parser.add_argument("--only", nargs="+", metavar="SET",
                        help="measure only these sets (core and/or extra names)")
    parser.add_argument("--before", metavar="REV",
                        help="also measure the dependencies of pyproject.toml at git revision REV")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)

    with open(ROOT / "pyproject.toml", "rb") as f:
        extras = list(tomllib.load(f)["project"]["optional-dependencies"])
    sets = ["core"] + extras
    if args.only:
        sets = [s for s in sets if s in args.only]
    results = {}
    with tempfile.TemporaryDirectory(prefix="conv-teach-size.") as tmp:
        tmp = Path(tmp)
        wheel = args.wheel or build_wheel(tmp / "wheel")
        print(f"{'set':<10} {'MB':>8} {'packages':>9} {'pip s':>7}   (wheel {wheel.name}, "
              f"Python {sys.version.split()[0]}, pip not counted)")
        todo = [(s, [f"{wheel}" if s == "core" else f"{wheel}[{s}]"]) for s in sets]
        if args.before:
            old = subprocess.run(["git", "-C", str(ROOT), "show", f"{args.before}:pyproject.toml"],
                                 capture_output=True, text=True, check=True).stdout
            todo.append((f"before {args.before}", tomllib.loads(old)["project"]["dependencies"]))
        for name, reqs in todo:
            size, added, seconds, biggest = measure(reqs, tmp / f"venv-{len(results)}")
            results[name] = {"bytes": size, "packages": len(added), "names": added,
                             "install_s": round(seconds, 1),
                             "largest": {d: b for b, d in biggest}}
            top = ", ".join(f"{d} {b / MB:.0f}" for b, d in biggest)
            print(f"{name:<10} {size / MB:8.1f} {len(added):9d} {seconds:7.1f}   largest (MB): {top}",
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
