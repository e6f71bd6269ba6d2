"""Benchmark pooling forward + backward: conv_teach against torch and numpy-ml's Pool2D layer.

Run from the repository root::

    python benchmarks/bench_pool.py                 # both cases, max and average, 7 calls each
    python benchmarks/bench_pool.py --passes 3      # pool 3 passes (a shared, noisy machine)
    python benchmarks/bench_pool.py --threads 1     # one torch thread
    python benchmarks/bench_pool.py --tune          # sweep conv_teach.pool.POOL_BLOCK_BYTES instead
    python benchmarks/bench_pool.py --nml-examples 16   # time numpy-ml on the whole batch

Cases (issue 13): ``X (16, 64, 64, 64)`` float64, 2x2 stride 2, and 3x3 stride 2 pad 1; max and
average pooling. One row = one forward call plus one backward call (``dZ`` drawn once), the way a
training step uses the layer:

* ``conv_teach``: ``maxpool2D(X, ...)`` then ``maxpool2D_backward(dZ, X, ...)`` (the backward
  recomputes the forward's maxima from ``X``: the signature carries no saved indices);
* ``torch NCHW``: ``max_pool2d`` / ``avg_pool2d`` on a contiguous NCHW copy made beforehand, then
  autograd's backward (torch keeps the argmax indices from its forward);
* ``torch chan.-last``: the same on a channels-last view of the NHWC array (no copy);
* ``numpy-ml Pool2D``: the layer's ``forward`` and ``backward`` (numpy-ml loaded by path with
  the ``collections.Hashable`` shim, see notes/numpy_ml_reference.md). Its Python loops visit
  every output cell, so it is timed once on ``--nml-examples`` examples and scaled to the batch
  linearly (labelled so). numpy-ml pads max pooling with zeros, not ``-inf``: its 3x3 pad 1
  max output differs at the border where all inputs are negative (the check says so).

Times are the minimum and median of ``--repeat`` calls after one warm-up; other processes only
ever add time, so on a shared machine the minimum is the better estimate. Targets (same run):
forward + backward at most 1.5x torch's time (the faster torch layout), and at least 10x faster
than numpy-ml's Pool2D.
"""
import argparse
import importlib.util
import json
import os
import platform
import sys
import time

import numpy as np

import conv_teach as ct
from conv_teach import pool as ct_pool

from bench_conv import load_torch   # the same torch loader as the convolution benchmark

CASES = [("2x2 s2", 2, 2, 0), ("3x3 s2 p1", 3, 2, 1)]
DEFAULT_SHAPE = (16, 64, 64, 64)


def timed(fn, repeat, passes=1):
    """min and median seconds of ``repeat`` calls per pass (after one warm-up call), pooled."""
    fn()
    times = []
    for _ in range(passes):
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times))


def load_numpy_ml_layers():
    """numpy-ml's neural_nets.layers (its package __init__ needs the collections.Hashable shim)."""
    if importlib.util.find_spec("numpy_ml") is None:
        return None, "numpy-ml not installed (pip install --no-deps numpy-ml)"
    import collections
    import collections.abc
    import warnings
    if not hasattr(collections, "Hashable"):
        collections.Hashable = collections.abc.Hashable
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from numpy_ml.neural_nets import layers
    except Exception as exc:            # report, do not crash the benchmark
        return None, f"numpy-ml not importable ({type(exc).__name__}: {exc})"
    from importlib import metadata
    return layers, f"numpy-ml {metadata.version('numpy-ml')}"


def ours(kind, X, dZ, k, s, p):
    if kind == "max":
        return ct.maxpool2D(X, k, s, p), ct.maxpool2D_backward(dZ, X, k, s, p)
    return ct.avgpool2D(X, k, s, p), ct.avgpool2D_backward(dZ, X, k, s, p)


def torch_step(torch, kind, x, dz, k, s, p):
    """Forward + backward in torch on ``x`` (NCHW-shaped tensor); returns (Z, dX) as NHWC numpy."""
    F = torch.nn.functional
    x = x.detach().requires_grad_()
    z = F.max_pool2d(x, k, s, p) if kind == "max" else F.avg_pool2d(x, k, s, p)
    z.backward(dz)
    return z, x.grad


def nhwc(t):
    return t.detach().numpy().transpose(0, 2, 3, 1)


def agree(a, b):
    if a.shape != b.shape:
        return False, float("nan")
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12)), float(np.max(np.abs(a - b)))


def run_case(name, kind, k, s, p, args, torch, layers):
    rng = np.random.default_rng(0)
    shape = args.shape
    X = rng.standard_normal(shape)
    Z = ct.maxpool2D(X, k, s, p) if kind == "max" else ct.avgpool2D(X, k, s, p)
    dZ = rng.standard_normal(Z.shape)
    Z, dX = ours(kind, X, dZ, k, s, p)
    rows, notes = [], []
    t = timed(lambda: ours(kind, X, dZ, k, s, p), args.repeat, args.passes)
    rows.append(("conv_teach", t, ""))
    fwd = timed(lambda: (ct.maxpool2D if kind == "max" else ct.avgpool2D)(X, k, s, p), args.repeat, args.passes)
    bwd = timed(lambda: (ct.maxpool2D_backward if kind == "max" else ct.avgpool2D_backward)(dZ, X, k, s, p),
                args.repeat, args.passes)
    rows.append(("  conv_teach forward only", fwd, ""))
    rows.append(("  conv_teach backward only", bwd, ""))
    if torch is not None:
        x_nchw = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))
        dz_nchw = torch.from_numpy(np.ascontiguousarray(dZ.transpose(0, 3, 1, 2)))
        x_cl = torch.from_numpy(X).permute(0, 3, 1, 2)           # channels-last view, no copy
        dz_cl = torch.from_numpy(dZ).permute(0, 3, 1, 2)
        for label, x, dz in [("torch NCHW", x_nchw, dz_nchw), ("torch chan.-last", x_cl, dz_cl)]:
            z, gx = torch_step(torch, kind, x, dz, k, s, p)
            for what, mine, theirs in [("Z", Z, nhwc(z)), ("dX", dX, nhwc(gx))]:
                ok, diff = agree(mine, theirs)
                if not ok:
                    notes.append(f"{label} {what} differs from conv_teach (max abs {diff:.2e})")
            rows.append((label, timed(lambda: torch_step(torch, kind, x, dz, k, s, p),
                                      args.repeat, args.passes), ""))
    if layers is not None:
        m = max(1, min(args.nml_examples, shape[0]))
        layer = layers.Pool2D((k, k), stride=s, pad=p, mode="max" if kind == "max" else "average")

        def nml(backward=True):
            layer.X, layer.derived_variables = [], {"out_rows": [], "out_cols": []}
            y = layer.forward(X[:m])
            return y, (layer.backward(dZ[:m]) if backward else None)

        label = "numpy-ml Pool2D"
        try:
            t0 = time.perf_counter()
            y, g = nml()
        except Exception as exc:     # numpy-ml's backward breaks with padding: time its forward
            notes.append(f"numpy-ml's Pool2D.backward raises {type(exc).__name__} ({exc}); "
                         "timed its forward alone, a lower bound on forward + backward")
            label += " forward only"
            t0 = time.perf_counter()
            y, g = nml(backward=False)
        elapsed = (time.perf_counter() - t0) * shape[0] / m
        for what, mine, theirs in [("Z", Z[:m], y), ("dX", dX[:m], g)]:
            if theirs is None:
                continue
            ok, diff = agree(mine, theirs)
            if not ok:
                notes.append(f"numpy-ml {what} differs from conv_teach (max abs {diff:.2e})"
                             + (": it pads max pooling with 0, not -inf" if kind == "max" and p else ""))
        label += "" if m == shape[0] else f" (x{shape[0] / m:g} from {m} ex.)"
        rows.append((label, (elapsed, elapsed), "once"))
    return rows, notes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--passes", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads")
    ap.add_argument("--nml-examples", type=int, default=2,
                    help="examples numpy-ml is timed on (scaled to 16); 16 = the whole batch")
    ap.add_argument("--tune", action="store_true", help="sweep POOL_BLOCK_BYTES instead")
    ap.add_argument("--shape", type=int, nargs=4, default=DEFAULT_SHAPE, metavar=("N", "ROWS", "COLS", "CH"),
                    help="another X shape (e.g. a quick smoke run: --shape 2 16 16 8)")
    ap.add_argument("--json", help="write the rows here")
    args = ap.parse_args(argv)
    args.shape = tuple(args.shape)

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    if args.tune:
        X = np.random.default_rng(0).standard_normal(args.shape)
        for name, k, s, p in CASES:
            Z = ct.maxpool2D(X, k, s, p)
            dZ = np.ones_like(Z)
            cells = []
            for mib in (0.25, 0.5, 1, 2, 4, 8, 32):
                ct_pool.POOL_BLOCK_BYTES = int(mib * 2 ** 20)
                t, _ = timed(lambda: ours("max", X, dZ, k, s, p), args.repeat, args.passes)
                cells.append(f"{mib} MiB {t * 1e3:.1f}")
            print(f"max {name}: " + ", ".join(cells) + " (min ms, forward + backward)")
        return 0
    torch, torch_note = load_torch(args.threads)
    layers, nml_note = load_numpy_ml_layers()
    print(f"{torch_note}; {nml_note}")
    print(f"X {args.shape} float64; forward + backward; min ms (median ms); ratio = time / conv_teach's")
    results, verdicts = [], []
    for kind in ("max", "avg"):
        for name, k, s, p in CASES:
            rows, notes = run_case(name, kind, k, s, p, args, torch, layers)
            base = rows[0][1][0]
            print(f"\n{kind}pool {name}  (load average {os.getloadavg()[0]:.2f})")
            for label, (tmin, tmed), how in rows:
                ratio = "" if label.startswith("  ") or label == "conv_teach" else f"  {tmin / base:6.2f}x"
                med = "" if how == "once" else f" ({tmed * 1e3:.1f})"
                print(f"  {label:34s} {tmin * 1e3:9.1f}{med:>10s}{ratio}")
                results.append({"case": f"{kind} {name}", "row": label.strip(), "min_ms": tmin * 1e3,
                                "median_ms": tmed * 1e3})
            for note in notes:
                print("  note:", note)
            by = {label: t for label, t, _ in rows}
            torch_rows = [by[k_] for k_ in ("torch NCHW", "torch chan.-last") if k_ in by]
            if torch_rows:
                best = min(t[0] for t in torch_rows)
                best_med = min(t[1] for t in torch_rows)
                r, r_med = base / best, rows[0][1][1] / best_med
                verdicts.append((f"{kind} {name}: <= 1.5x torch's time", r <= 1.5,
                                 f"{r:.2f}x torch's time (median {r_med:.2f}x)"))
            nml = [t for label, t, _ in rows if label.startswith("numpy-ml")]
            if nml:
                r = nml[0][0] / base
                verdicts.append((f"{kind} {name}: >= 10x faster than numpy-ml Pool2D", r >= 10,
                                 f"{r:.0f}x faster"))
    print("\nTargets (minimum times; median in brackets):")
    for what, ok, how in verdicts:
        print(f"  {'PASS' if ok else 'MISS'}  {what}: {how}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": results, "targets": [{"target": w_, "pass": ok, "result": h}
                                                    for w_, ok, h in verdicts]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
