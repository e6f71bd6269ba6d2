"""Time the nbval run of the lessons, the way `make test` runs them.

    python benchmarks/bench_notebooks.py            # one run
    python benchmarks/bench_notebooks.py --repeat 3 # min of 3 runs (the machine is shared: noisy)

Runs ``python -m pytest notebooks/[0-9]*_*.ipynb`` in a subprocess from the repository root, so the
pyproject's addopts (``--nbval-lax --nbval-current-env`` and the sanitize file) apply, and
reads the per-cell times from a JUnit XML report. Prints the wall time of the whole run
(pytest start-up included) and, per notebook, the time of its cells including kernel
start-up. Target (issue 3): the whole run under 60 s on 2 cores. Exits 1 if a notebook
fails, 2 if the best run misses the target.
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET_S = 60.0


def run_once(notebooks):
    """One pytest run; returns (wall seconds, {notebook: seconds}, failures)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.xml")
        cmd = [sys.executable, "-m", "pytest", *notebooks, "-q", "-p", "no:cacheprovider",
               f"--junitxml={report}"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        per_notebook = defaultdict(float)
        failures = 0
        for case in ET.parse(report).iter("testcase"):
            name = case.get("classname", "").removeprefix("notebooks.")
            per_notebook[name] += float(case.get("time", 0))
            failures += sum(1 for child in case if child.tag in ("failure", "error"))
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-3000:])
    return wall, dict(per_notebook), failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs to make; the minimum is reported")
    parser.add_argument("--pattern", default="notebooks/[0-9]*_*.ipynb", help="notebooks to run (glob)")
    args = parser.parse_args(argv)
    notebooks = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, args.pattern)))
    if not notebooks:
        print(f"no notebook matches {args.pattern!r}")
        return 1
    runs = []
    for k in range(args.repeat):
        wall, per_nb, failures = run_once(notebooks)
        print(f"run {k + 1}: {wall:.1f} s wall, {failures} failing cells")
        if failures:
            return 1
        runs.append((wall, per_nb))
    best_wall = min(w for w, _ in runs)
    names = sorted(runs[0][1])
    print(f"\n{'notebook':32} {'min s':>7}  (cells incl. kernel start, min over {len(runs)} run(s))")
    for name in names:
        print(f"{name:32} {min(r[1].get(name, float('nan')) for r in runs):7.2f}")
    print(f"{'sum of notebooks':32} {min(sum(r[1].values()) for r in runs):7.2f}")
    print(f"{'whole nbval run (wall)':32} {best_wall:7.2f}   target < {TARGET_S:.0f} s: "
          f"{'met' if best_wall < TARGET_S else 'MISSED'}")
    return 0 if best_wall < TARGET_S else 2


if __name__ == "__main__":
    sys.exit(main())
