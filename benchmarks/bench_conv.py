"""Benchmark conv_teach's forward, backward and transposed convolutions against the loop
references, numpy-ml, torch and the bare GEMM floor, in one run.

Run from the repository root::

    python benchmarks/bench_conv.py              # every case, 7 repeats, memory section, targets
    python benchmarks/bench_conv.py --quick      # 3 repeats, smaller memory demo
    python benchmarks/bench_conv.py --passes 3 --json out.json  # pool 3 passes (noisy machine)
    python benchmarks/bench_conv.py --threads 1  # one BLAS/torch thread: steadier on a busy machine
    python benchmarks/bench_conv.py --only large --tune   # sweep conv_teach.windows.BLOCK_BYTES instead
    python benchmarks/bench_conv.py --ops groups  # only grouped (groups=4) and depthwise rows vs torch

Every figure is a ratio against conv_teach measured in the same run. Times are the median
and the minimum of ``--repeat`` calls after one warm-up call; other processes only ever add
time, so on a shared machine the minimum is the better estimate, and each case prints how
busy other processes kept the CPUs meanwhile. The targets are judged on both. "peak MiB" is tracemalloc's peak during one separate (untimed) call: NumPy
reports its allocations to tracemalloc, torch's allocator does not, so torch has no figure.

Each case has up to three sections: the forward pass (conv2D / conv1D), the backward pass
(conv2D_backward / conv1D_backward: dX and dW) and, in 2D, the transposed convolution
(conv2D_transpose of the case's X with its W, mapping in_ch to out_ch). The competitors, each
run only if importable:

* ``conv_teach.reference`` loops: timed on the full case once when one example predicts
  less than ``--loop-budget`` seconds, else on one example and extrapolated by the FLOP ratio
  (``n_ex``), and labelled so;
* numpy-ml's ``conv2D`` / ``conv1D`` (its ``utils.py`` loaded by path, because
  ``import numpy_ml`` fails on Python >= 3.10);
* torch's ``conv2d`` / ``conv1d`` on the CPU, with as many threads as NumPy's BLAS uses,
  on NCHW tensors made beforehand (the NHWC <-> NCHW copies are timed on their own row),
  and on a channels-last view of the NHWC array (no copy);
* the bare matrix multiply ``(n_ex*out_rows*out_cols, fr*fc*in_ch) @ (fr*fc*in_ch, out_ch)``
  on preallocated contiguous arrays: the floor for any im2col method (backward: the two
  products of that size, ``P.T @ dZ`` and ``dZ @ W_mat.T``; transposed: the one product
  ``(n_ex*in_rows*in_cols, in_ch) @ (in_ch, fr*fc*out_ch)``, as many multiply-adds).

Backward: numpy-ml's ``Conv2D._bwd`` steps with its own ``im2col``/``col2im`` (its layer
classes cannot be imported on Python >= 3.10), torch's ``conv2d_input`` + ``conv2d_weight``
(or ``conv1d_*``). Transposed: numpy-ml's ``deconv2D_naive``, torch's ``conv_transpose2d``.

If OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set (some machines set them to work around old
OpenBLAS bugs; they slow a current NumPy), the script re-runs itself once without them and
says so; ``--keep-openblas-env`` measures with them. Nothing outside this process changes.
"""
import argparse
import json
import os
import sys

OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
REEXEC_FLAG = "CONV_TEACH_BENCH_UNSET_OPENBLAS"


def reexec_without_openblas_overrides():
    """Re-run this script once with the OpenBLAS overrides removed from its own environment."""
    found = {k: os.environ[k] for k in OPENBLAS_VARS if k in os.environ}
    if found and "--keep-openblas-env" not in sys.argv and REEXEC_FLAG not in os.environ:
        env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARS}
        env[REEXEC_FLAG] = json.dumps(found)
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


if __name__ == "__main__":
    reexec_without_openblas_overrides()

import gc                       # noqa: E402  (after the re-exec, before NumPy loads OpenBLAS)
import importlib.util           # noqa: E402
import platform                 # noqa: E402
import time                     # noqa: E402
import tracemalloc              # noqa: E402
from importlib import metadata  # noqa: E402

import numpy as np              # noqa: E402

import conv_teach as ct         # noqa: E402
from conv_teach import windows as ct_windows  # noqa: E402

MiB = 2 ** 20

# The cases of issue 2: name, X shape, W shape, stride, pad, dilation, dtype.
CASES = [
    ("medium", (8, 32, 32, 16), (3, 3, 16, 32), 1, 1, 0, "float64"),
    ("medium s2 p2 d1", (8, 32, 32, 16), (3, 3, 16, 32), 2, 2, 1, "float64"),
    ("large float64", (16, 64, 64, 64), (3, 3, 64, 64), 1, 1, 0, "float64"),
    ("large float32", (16, 64, 64, 64), (3, 3, 64, 64), 1, 1, 0, "float32"),
    ("conv1D", (16, 4096, 32), (9, 32, 64), 1, 4, 0, "float64"),
]


# ---------------------------------------------------------------------------- measuring

def time_calls(fn, repeat):
    """Seconds of ``repeat`` calls of ``fn`` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def traced_peak(fn):
    """``(peak bytes tracemalloc saw during one call of fn, its result)``."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak, out


def cpu_snapshot():
    """``(all CPUs' jiffies, their idle jiffies, this process's CPU seconds)`` or None off Linux."""
    try:
        with open("/proc/stat") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    t = os.times()
    return sum(ticks), ticks[3] + ticks[4], t.user + t.system


def others_busy(a, b):
    """Share of all CPUs that *other* processes kept busy between two snapshots (the noise)."""
    if a is None or b is None or b[0] == a[0]:
        return None
    busy = (b[0] - a[0]) - (b[1] - a[1])
    own = (b[2] - a[2]) * os.sysconf("SC_CLK_TCK")
    return min(1.0, max(0.0, (busy - own) / (b[0] - a[0])))


def compare(out, ref):
    """``(same?, max |difference|)`` with a tolerance fitting the dtype; pairs compared in turn."""
    if isinstance(ref, tuple):
        pairs = [compare(o, r) for o, r in zip(out, ref)]
        return all(ok for ok, _ in pairs), max(dd for _, dd in pairs)
    out = np.asarray(out)
    if out.shape != ref.shape:
        return False, float("nan")
    scale = float(np.abs(ref).max()) or 1.0
    tol = 1e-4 if ref.dtype == np.float32 or out.dtype == np.float32 else 1e-9
    diff = float(np.abs(out.astype(np.float64) - ref).max())
    return diff <= tol * scale, diff


# ---------------------------------------------------------------------------- competitors

def load_numpy_ml():
    """numpy-ml's neural_nets/utils/utils.py, loaded by path (its package __init__ is broken)."""
    try:
        spec = importlib.util.find_spec("numpy_ml")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        return None, "numpy-ml not installed"
    path = os.path.join(list(spec.submodule_search_locations)[0], "neural_nets", "utils", "utils.py")
    try:
        mod_spec = importlib.util.spec_from_file_location("numpy_ml_nn_utils", path)
        mod = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(mod)
    except Exception as exc:            # report, do not crash the benchmark
        return None, f"numpy-ml not importable ({type(exc).__name__}: {exc})"
    return mod, f"numpy-ml {metadata.version('numpy-ml')}"


def load_torch(threads):
    try:
        import torch
    except ImportError:
        return None, "torch not installed"
    torch.set_num_threads(threads)
    return torch, f"torch {torch.__version__}, {torch.get_num_threads()} threads"


def blas_info(threads=None):
    """threadpoolctl's view of the BLAS NumPy uses, and its thread count (set to ``threads`` if given).

    Returns ``(info, threads, limiter)``; keep ``limiter`` alive for the limit to hold.
    """
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return [], threads or os.cpu_count() or 1, None
    limiter = threadpool_limits(limits=threads, user_api="blas") if threads else None
    info = threadpool_info()
    blas = [i for i in info if i.get("user_api") == "blas"]
    threads = blas[0]["num_threads"] if blas else threads or os.cpu_count() or 1
    return info, threads, limiter


def competitors(case, X, W, nml, torch):
    """``[(label, fn returning NHWC output or None, note)]`` for one case, conv_teach first."""
    name, _, W_shape, s, p, d, dtype = case
    one_d = len(W_shape) == 3
    rows = []
    if one_d:
        rows.append(("conv_teach.conv1D", lambda: ct.conv1D(X, W, s, p, d), ""))
    else:
        rows.append(("conv_teach.conv2D", lambda: ct.conv2D(X, W, s, p, d), ""))
    if nml is not None:
        f = nml.conv1D if one_d else nml.conv2D
        rows.append((f"numpy-ml {'conv1D' if one_d else 'conv2D'}", lambda: f(X, W, s, p, d), ""))
    if torch is not None:
        F = torch.nn.functional
        if one_d:
            xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 2, 1)))
            wt = torch.from_numpy(np.ascontiguousarray(W.transpose(2, 1, 0)))

            def run_torch():
                with torch.inference_mode():
                    return F.conv1d(xt, wt, stride=s, padding=p, dilation=d + 1)
            rows.append(("torch conv1d (NCL)", lambda: run_torch().permute(0, 2, 1).numpy(),
                         "copies to/from NCL excluded"))
        else:
            xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))
            wt = torch.from_numpy(np.ascontiguousarray(W.transpose(3, 2, 0, 1)))
            x_cl = torch.from_numpy(X).permute(0, 3, 1, 2)      # NHWC memory seen as channels-last
            w_cl = wt.contiguous(memory_format=torch.channels_last)

            def run_torch():
                with torch.inference_mode():
                    return F.conv2d(xt, wt, stride=s, padding=p, dilation=d + 1)

            def run_cl():
                with torch.inference_mode():
                    return F.conv2d(x_cl, w_cl, stride=s, padding=p, dilation=d + 1)
            rows.append(("torch conv2d (NCHW)", lambda: run_torch().permute(0, 2, 3, 1).numpy(),
                         "copies to/from NCHW excluded"))
            rows.append(("torch conv2d (channels-last view)",
                         lambda: run_cl().permute(0, 2, 3, 1).numpy(), "NHWC in, no copy"))
        # only the layout copies: what a NHWC user pays on top of the NCHW row
        out_t = run_torch()
        perm_in, perm_out = ((0, 2, 1), (0, 2, 1)) if one_d else ((0, 3, 1, 2), (0, 2, 3, 1))

        def layout_copies():
            torch.from_numpy(X).permute(*perm_in).contiguous()
            out_t.permute(*perm_out).contiguous()
        what = "NLC->NCL of X + NCL->NLC of Z" if one_d else "NHWC->NCHW of X + NCHW->NHWC of Z"
        rows.append(("torch layout copies only", layout_copies, what))
    return rows


def bare_gemm(case, out_shape):
    """The matrix multiply an im2col conv cannot beat, on preallocated contiguous arrays."""
    _, _, W_shape, _, _, _, dtype = case
    rng = np.random.default_rng(1)
    M = int(np.prod(out_shape[:-1]))
    K = int(np.prod(W_shape[:-1]))
    A = rng.standard_normal((M, K)).astype(dtype)
    B = rng.standard_normal((K, W_shape[-1])).astype(dtype)
    C = np.empty((M, W_shape[-1]), dtype)

    def gemm():
        np.matmul(A, B, out=C)
    return f"bare GEMM ({M}x{K}) @ ({K}x{W_shape[-1]})", gemm, "floor for im2col"


def backward_rows(case, X, W, dZ, nml, torch):
    """``[(label, fn returning (dX, dW) NHWC or None, note)]``, conv_teach first."""
    _, _, W_shape, s, p, d, _ = case
    one_d = len(W_shape) == 3
    f = ct.conv1D_backward if one_d else ct.conv2D_backward
    rows = [(f"conv_teach.{f.__name__}", lambda: f(dZ, X, W, s, p, d), "")]
    if nml is not None:
        # numpy-ml's Conv2D._bwd / Conv1D._bwd, its steps with its own im2col and col2im
        X4, W4, dZ4 = (X[:, None], W[None], dZ[:, None]) if one_d else (X, W, dZ)
        pad = (0, 0, p, p) if one_d else p

        def nml_bwd():
            fr, fc, in_ch, out_ch = W4.shape
            dZ_col = dZ4.transpose(3, 1, 2, 0).reshape(out_ch, -1)
            W_col = W4.transpose(3, 2, 0, 1).reshape(out_ch, -1).T
            X_col, p_used = nml.im2col(X4, W4.shape, pad, s, d)
            dW = (dZ_col @ X_col.T).reshape(out_ch, in_ch, fr, fc).transpose(2, 3, 1, 0)
            dX = nml.col2im(W_col @ dZ_col, X4.shape, W4.shape, p_used, s, d).transpose(0, 2, 3, 1)
            return (dX[:, 0], dW[0]) if one_d else (dX, dW)
        rows.append(("numpy-ml Conv._bwd (im2col)", nml_bwd, "its im2col/col2im + 2 GEMMs"))
    if torch is not None:
        G = torch.nn.grad
        if one_d:
            xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 2, 1)))
            wt = torch.from_numpy(np.ascontiguousarray(W.transpose(2, 1, 0)))
            dzt = torch.from_numpy(np.ascontiguousarray(dZ.transpose(0, 2, 1)))
            fin, fw, back = G.conv1d_input, G.conv1d_weight, (0, 2, 1)
            wback = (2, 1, 0)
        else:
            xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))
            wt = torch.from_numpy(np.ascontiguousarray(W.transpose(3, 2, 0, 1)))
            dzt = torch.from_numpy(np.ascontiguousarray(dZ.transpose(0, 3, 1, 2)))
            fin, fw, back = G.conv2d_input, G.conv2d_weight, (0, 2, 3, 1)
            wback = (2, 3, 1, 0)

        def run_torch():
            with torch.no_grad():
                return (fin(xt.shape, wt, dzt, stride=s, padding=p, dilation=d + 1),
                        fw(xt, wt.shape, dzt, stride=s, padding=p, dilation=d + 1))

        def torch_nhwc():
            dx, dw = run_torch()
            return dx.permute(*back).numpy(), dw.permute(*wback).numpy()
        layout = "NCL" if one_d else "NCHW"
        rows.append((f"torch conv{'1' if one_d else '2'}d_input+weight ({layout})", torch_nhwc,
                     f"copies to/from {layout} excluded"))
    return rows


def transposed_rows(case, X, W, nml, torch):
    """``[(label, fn returning Z NHWC or None, note)]`` for conv2D_transpose(X, W), conv_teach first."""
    _, _, _, s, p, d, _ = case
    rows = [("conv_teach.conv2D_transpose", lambda: ct.conv2D_transpose(X, W, s, p, d), "")]
    if nml is not None:
        rows.append(("numpy-ml deconv2D_naive", lambda: nml.deconv2D_naive(X, W, s, p, d),
                     "zero insertion + conv2D"))
    if torch is not None:
        xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))
        wt = torch.from_numpy(np.ascontiguousarray(W.transpose(2, 3, 0, 1)))

        def run_torch():
            with torch.inference_mode():
                return torch.nn.functional.conv_transpose2d(xt, wt, stride=s, padding=p,
                                                            dilation=d + 1)
        rows.append(("torch conv_transpose2d (NCHW)", lambda: run_torch().permute(0, 2, 3, 1).numpy(),
                     "copies to/from NCHW excluded"))
    return rows


def bare_gemms(M, K, N, dtype, kind):
    """The floor of the backward pass (two products) or of the transposed one (one)."""
    rng = np.random.default_rng(1)
    P = rng.standard_normal((M, K)).astype(dtype)
    if kind == "backward":
        dZ = rng.standard_normal((M, N)).astype(dtype)
        Wm = rng.standard_normal((K, N)).astype(dtype)
        dW, dP = np.empty((K, N), dtype), np.empty((M, K), dtype)

        def gemms():
            np.matmul(P.T, dZ, out=dW)
            np.matmul(dZ, Wm.T, out=dP)
        return f"bare GEMMs P.T@dZ + dZ@W.T ({M}x{K}x{N})", gemms, "floor: 2 products"
    Y = rng.standard_normal((M, K)).astype(dtype)           # (n*H*W, in_ch)
    Wr = rng.standard_normal((K, N)).astype(dtype)          # (in_ch, fr*fc*out_ch)
    C = np.empty((M, N), dtype)

    def gemm():
        np.matmul(Y, Wr, out=C)
    return f"bare GEMM ({M}x{K}) @ ({K}x{N})", gemm, "floor: the scatter's product"


# ---------------------------------------------------------------------------- the loop reference

def loop_row(case, X, W, ref, budget, op="forward", dZ=None):
    """Time the loop reference: on the full case if cheap enough, else extrapolated."""
    _, _, W_shape, s, p, d, _ = case
    one_d = len(W_shape) == 3
    if op == "forward":
        loops = ct.conv1D_loops if one_d else ct.conv2D_loops
        call = lambda n: loops(X[:n], W, s, p, d)                       # noqa: E731
    elif op == "backward":
        loops = ct.conv1D_backward_loops if one_d else ct.conv2D_backward_loops
        call = lambda n: loops(dZ[:n], X[:n], W, s, p, d)               # noqa: E731
    else:
        loops = ct.conv2D_transpose_loops
        call = lambda n: loops(X[:n], W, s, p, d)                       # noqa: E731
    name = f"reference.{loops.__name__} (float64)"
    n_ex = X.shape[0]
    t0 = time.perf_counter()
    out1 = call(1)
    t_one = time.perf_counter() - t0
    first = (lambda o: (o[0], o[1])) if op == "backward" else (lambda o: o)   # noqa: E731
    if t_one * n_ex <= budget:
        t0 = time.perf_counter()
        out = call(n_ex)
        t = time.perf_counter() - t0
        ok, diff = compare(first(out), ref)
        return dict(name=name, times=[t], note="full case, 1 run", ok=ok, diff=diff, peak=None)
    if op == "backward":        # dW sums over the batch: compare dX of one example only
        ok, diff = compare(out1[0], ref[0][:1])
    else:
        ok, diff = compare(out1, ref[:1])
    return dict(name=name, times=[t_one * n_ex], ok=ok, diff=diff, peak=None,
                note=f"EXTRAPOLATED: 1 example x {n_ex} (FLOP ratio)")


# ---------------------------------------------------------------------------- one case

def _time_rows(rows_in, args):
    """Time each row, check it against the first (conv_teach), trace its peak memory."""
    ref = rows_in[0][1]()
    rows = []
    for k, (label, fn, note) in enumerate(rows_in):
        times = time_calls(fn, args.repeat)
        traced = not label.startswith("torch")
        peak, out = traced_peak(fn) if traced else (None, fn())
        ok, diff = compare(out, ref) if (out is not None and k > 0) else (None, None)
        rows.append(dict(name=label, times=times, note=note, ok=ok, diff=diff, peak=peak))
    return ref, rows


def run_case(case, nml, torch, args):
    """One case: ``[result per section]`` (forward, backward, transposed in 2D)."""
    name, X_shape, W_shape, s, p, d, dtype = case
    rng = np.random.default_rng(0)
    X = rng.standard_normal(X_shape).astype(dtype)
    W = rng.standard_normal(W_shape).astype(dtype)
    ops = [o for o in ("forward", "backward", "transposed") if o in args.ops
           and not (o == "transposed" and len(W_shape) == 3)]
    results = []
    for op in ops:
        snap = cpu_snapshot()
        if op == "forward":
            ref, rows = _time_rows(competitors(case, X, W, nml, torch), args)
            rows.insert(1, loop_row(case, X, W, ref, args.loop_budget))
            label, fn, note = bare_gemm(case, ref.shape)
            out_shape, out_bytes = ref.shape, ref.nbytes
        elif op == "backward":
            Z_shape = ct.conv_out_shape(X_shape, W_shape, s, p, d)
            dZ = rng.standard_normal(Z_shape).astype(dtype)
            ref, rows = _time_rows(backward_rows(case, X, W, dZ, nml, torch), args)
            rows.insert(1, loop_row(case, X, W, ref, args.loop_budget, "backward", dZ))
            M, K = int(np.prod(Z_shape[:-1])), int(np.prod(W_shape[:-1]))
            label, fn, note = bare_gemms(M, K, W_shape[-1], dtype, "backward")
            out_shape, out_bytes = ref[0].shape, ref[0].nbytes + ref[1].nbytes
        else:
            ref, rows = _time_rows(transposed_rows(case, X, W, nml, torch), args)
            rows.insert(1, loop_row(case, X, W, ref, args.loop_budget, "transposed"))
            M, fr, fc = int(np.prod(X_shape[:-1])), W_shape[0], W_shape[1]
            label, fn, note = bare_gemms(M, W_shape[2], fr * fc * W_shape[3], dtype, "transposed")
            out_shape, out_bytes = ref.shape, ref.nbytes
        times = time_calls(fn, args.repeat)
        rows.append(dict(name=label, times=times, note=note, ok=None, diff=None,
                         peak=traced_peak(fn)[0]))
        results.append(summarize(dict(
            name=f"{name} / {op}", case=name, op=op, X=X_shape, W=W_shape, stride=s, pad=p,
            dilation=d, dtype=dtype, out_shape=out_shape, out_mib=out_bytes / MiB, rows=rows,
            others_busy=[others_busy(snap, cpu_snapshot())])))
    return results


def merge(res, more):
    """Pool the timings of another pass over the same case (the loop reference keeps its first)."""
    for r, m in zip(res["rows"], more["rows"]):
        if not r["name"].startswith("reference."):
            r["times"] = r["times"] + m["times"]
        if m["ok"] is False:
            r["ok"], r["diff"] = False, m["diff"]
    res["others_busy"] = res["others_busy"] + more["others_busy"]
    return summarize(res)


def summarize(res):
    rows = res["rows"]
    base_med, base_min = float(np.median(rows[0]["times"])), float(np.min(rows[0]["times"]))
    for r in rows:
        r["median_ms"] = 1e3 * float(np.median(r["times"]))
        r["min_ms"] = 1e3 * float(np.min(r["times"]))
        r["ratio"] = r["median_ms"] / (1e3 * base_med)
        r["ratio_min"] = r["min_ms"] / (1e3 * base_min)
        r["peak_mib"] = None if r["peak"] is None else r["peak"] / MiB
    return res


def print_case(res):
    print(f"\n== {res['name']}: X {res['X']}, W {res['W']}, stride {res['stride']}, pad {res['pad']}, "
          f"dilation {res['dilation']}, {res['dtype']}  ->  {'dX' if res['op'] == 'backward' else 'Z'} "
          f"{res['out_shape']} (results {res['out_mib']:.1f} MiB)")
    busy = [f"{100 * b:.0f}%" for b in res["others_busy"] if b is not None]
    if busy:
        print(f"   (other processes kept {', '.join(busy)} of the CPUs busy meanwhile"
              + (", one figure per pass)" if len(busy) > 1 else ")"))
    print(f"{'':44s} {'median ms':>9s} {'min ms':>8s} {'x ct (med)':>10s} {'x ct (min)':>10s} "
          f"{'peak MiB':>8s}  check / note")
    for r in res["rows"]:
        peak = "n/a" if r["peak_mib"] is None else f"{r['peak_mib']:.1f}"
        check = "" if r["ok"] is None else ("same" if r["ok"] else f"DIFFERS (max |d| {r['diff']:.2e})")
        note = "; ".join(x for x in (check, r["note"]) if x)
        print(f"{r['name']:44s} {r['median_ms']:9.1f} {r['min_ms']:8.1f} {r['ratio']:10.2f} "
              f"{r['ratio_min']:10.2f} {peak:>8s}  {note}")
    for r in res["rows"]:
        if r["ok"] is False:
            print(f"!! {r['name']} differs from conv_teach: max |difference| {r['diff']:.3e}")


# ---------------------------------------------------------------------------- targets

def targets(results):
    """Issue 2's and issue 10's targets, judged on the min of repeats and on the median
    (noise only adds time)."""
    by = {res["name"]: {r["name"]: (r["min_ms"], r["median_ms"]) for r in res["rows"]} for res in results}
    out = []

    def target(text, section, other, goal):
        row = by.get(section, {})
        if other not in row:
            out.append(dict(target=text, status="SKIP", detail=f"{other} not measured"))
            return
        ours = next(r for r in row if r.startswith("conv_teach."))
        verdicts, details = [], []
        for k, stat in enumerate(("min", "median")):
            ok, detail = goal(row[ours][k], row[other][k])
            verdicts.append(ok)
            details.append(f"{stat}: {detail}")
        status = ("PASS" if all(verdicts) else "MISS" if not any(verdicts)
                  else "PASS on min, MISS on median" if verdicts[0] else "PASS on median, MISS on min")
        out.append(dict(target=text, status=status, detail="; ".join(details)))

    def faster(k):
        return lambda o, t: (t / o >= k, f"{t / o:.2f}x faster ({o:.1f} vs {t:.1f} ms)")

    def within(k):
        return lambda o, t: (o <= k * t, f"{o / t:.2f}x torch's time ({o:.1f} vs {t:.1f} ms)")

    target("large float64 >= 3x faster than numpy-ml", "large float64 / forward", "numpy-ml conv2D", faster(3))
    target("large float64 faster than torch float64", "large float64 / forward", "torch conv2d (NCHW)", faster(1))
    target("large float32 within 1.6x of torch float32", "large float32 / forward", "torch conv2d (NCHW)", within(1.6))
    target("medium >= 2x faster than numpy-ml", "medium / forward", "numpy-ml conv2D", faster(2))
    target("(extra) medium s2 p2 d1 >= 2x faster than numpy-ml", "medium s2 p2 d1 / forward",
           "numpy-ml conv2D", faster(2))
    for case in ("medium", "medium s2 p2 d1", "large float64", "large float32", "conv1D"):
        torch_row = ("torch conv1d_input+weight (NCL)" if case == "conv1D"
                     else "torch conv2d_input+weight (NCHW)")
        target(f"backward {case} at most torch's time", f"{case} / backward", torch_row, within(1.0))
    for case in ("medium", "medium s2 p2 d1", "large float64", "large float32"):
        target(f"transposed {case} at most torch's time", f"{case} / transposed",
               "torch conv_transpose2d (NCHW)", within(1.0))
    return out


# ---------------------------------------------------------------------------- groups (issue 13)

#: Grouped and depthwise cases: name, X shape, W shape (fr, fc, in_ch // groups, out_ch),
#: stride, pad, dilation, groups, dtype. Transposed: W (fr, fc, in_ch, out_ch // groups).
GROUPS_CASES = [
    ("large groups=4", (16, 64, 64, 64), (3, 3, 16, 64), 1, 1, 0, 4, "float64"),
    ("depthwise 3x3", (16, 56, 56, 128), (3, 3, 1, 128), 1, 1, 0, 128, "float64"),
]


def groups_rows(case, X, W, dZ, Wt, torch, op):
    """``[(label, fn, note)]`` for one grouped case and section, conv_teach first, then torch."""
    _, _, _, s, p, d, g, _ = case
    if op == "forward":
        rows = [("conv_teach.conv2D", lambda: ct.conv2D(X, W, s, p, d, groups=g), f"groups={g}")]
    elif op == "backward":
        rows = [("conv_teach.conv2D_backward", lambda: ct.conv2D_backward(dZ, X, W, s, p, d, groups=g),
                 f"groups={g}")]
    else:
        rows = [("conv_teach.conv2D_transpose",
                 lambda: ct.conv2D_transpose(X, Wt, s, p, d, groups=g), f"groups={g}")]
    if torch is None:
        return rows
    F, G = torch.nn.functional, torch.nn.grad
    xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))
    wt = torch.from_numpy(np.ascontiguousarray(W.transpose(3, 2, 0, 1)))
    if op == "forward":
        def run():
            with torch.inference_mode():
                return F.conv2d(xt, wt, stride=s, padding=p, dilation=d + 1, groups=g).permute(0, 2, 3, 1).numpy()
        rows.append(("torch conv2d (NCHW)", run, f"groups={g}; copies to/from NCHW excluded"))
    elif op == "backward":
        dzt = torch.from_numpy(np.ascontiguousarray(dZ.transpose(0, 3, 1, 2)))

        def run():
            with torch.no_grad():
                dx = G.conv2d_input(xt.shape, wt, dzt, stride=s, padding=p, dilation=d + 1, groups=g)
                dw = G.conv2d_weight(xt, wt.shape, dzt, stride=s, padding=p, dilation=d + 1, groups=g)
            return dx.permute(0, 2, 3, 1).numpy(), dw.permute(2, 3, 1, 0).numpy()
        rows.append(("torch conv2d_input+weight (NCHW)", run, f"groups={g}; copies excluded"))
    else:
        wtt = torch.from_numpy(np.ascontiguousarray(Wt.transpose(2, 3, 0, 1)))

        def run():
            with torch.inference_mode():
                return F.conv_transpose2d(xt, wtt, stride=s, padding=p, dilation=d + 1,
                                          groups=g).permute(0, 2, 3, 1).numpy()
        rows.append(("torch conv_transpose2d (NCHW)", run, f"groups={g}; copies excluded"))
    return rows


def run_groups(torch, args):
    """The grouped and depthwise rows, forward, backward and transposed, against torch."""
    results = []
    for case in GROUPS_CASES:
        name, X_shape, W_shape, s, p, d, g, dtype = case
        if args.only and not any(w in name for w in args.only.split(",")):
            continue
        rng = np.random.default_rng(0)
        X = rng.standard_normal(X_shape).astype(dtype)
        W = rng.standard_normal(W_shape).astype(dtype)
        Wt = rng.standard_normal(W_shape[:2] + (X_shape[3], W_shape[3] // g)).astype(dtype)
        Z_shape = ct.conv_out_shape(X_shape, W_shape[:2] + (X_shape[3], W_shape[3]), s, p, d)
        dZ = rng.standard_normal(Z_shape).astype(dtype)
        for op in ("forward", "backward", "transposed"):
            passes = []
            for _ in range(args.passes):
                snap = cpu_snapshot()
                ref, rows = _time_rows(groups_rows(case, X, W, dZ, Wt, torch, op), args)
                out = ref[0] if isinstance(ref, tuple) else ref
                passes.append(summarize(dict(
                    name=f"{name} / {op}", case=name, op=op, X=X_shape, W=W_shape, stride=s,
                    pad=p, dilation=d, dtype=dtype, groups=g, out_shape=out.shape,
                    out_mib=out.nbytes / MiB, rows=rows, others_busy=[others_busy(snap, cpu_snapshot())])))
            res = passes[0]
            for more in passes[1:]:
                res = merge(res, more)
            print_case(res)
            results.append(res)
    return results


def groups_targets(results):
    """Issue 13's targets for grouped and depthwise convolution (min and median)."""
    out = []
    by = {r["name"]: {row["name"]: (row["min_ms"], row["median_ms"]) for row in r["rows"]}
          for r in results}
    for text, section, k in [("groups=4 large case forward within 1.5x torch", "large groups=4 / forward", 1.5),
                             ("depthwise 3x3 (16, 56, 56, 128) forward within 2x torch",
                              "depthwise 3x3 / forward", 2.0)]:
        row = by.get(section, {})
        other = "torch conv2d (NCHW)"
        if other not in row:
            out.append(dict(target=text, status="SKIP", detail=f"{other} not measured"))
            continue
        ours = row["conv_teach.conv2D"]
        ok = [ours[i] <= k * row[other][i] for i in (0, 1)]
        detail = "; ".join(f"{stat}: {ours[i] / row[other][i]:.2f}x torch's time "
                           f"({ours[i]:.1f} vs {row[other][i]:.1f} ms)"
                           for i, stat in enumerate(("min", "median")))
        status = "PASS" if all(ok) else "MISS" if not any(ok) else (
            "PASS on min, MISS on median" if ok[0] else "PASS on median, MISS on min")
        out.append(dict(target=text, status=status, detail=detail))
    return out


# ---------------------------------------------------------------------------- memory

def memory_section(nml, args):
    """The extra memory of conv2D, conv2D_backward and conv2D_transpose does not grow with the
    batch (numpy-ml's does); im2col refuses a huge X_col fast."""
    _, _, W_shape, s, p, d, dtype = CASES[2]
    W = np.random.default_rng(0).standard_normal(W_shape)
    batches = (16, 32) if args.quick else (16, 64)
    rows = []
    for n in batches:
        X = np.random.default_rng(0).standard_normal((n, 64, 64, 64))
        dZ = np.random.default_rng(1).standard_normal(ct.conv_out_shape(X.shape, W_shape, s, p, d))
        for label, fn in [("conv_teach.conv2D", lambda: ct.conv2D(X, W, s, p, d)),
                          ("numpy-ml conv2D", (lambda: nml.conv2D(X, W, s, p, d)) if nml else None),
                          ("conv_teach.conv2D_backward", lambda: ct.conv2D_backward(dZ, X, W, s, p, d)),
                          ("conv_teach.conv2D_transpose", lambda: ct.conv2D_transpose(X, W, s, p, d)),
                          ("numpy-ml deconv2D_naive",
                           (lambda: nml.deconv2D_naive(X, W, s, p, d)) if nml else None)]:
            if fn is None:
                continue
            peak, out = traced_peak(fn)
            nbytes = sum(a.nbytes for a in (out if isinstance(out, tuple) else (out,)))
            rows.append(dict(name=label, batch=n, peak_mib=peak / MiB, out_mib=nbytes / MiB,
                             extra_mib=(peak - nbytes) / MiB))
            del out
        del X
        gc.collect()
    print(f"\n== Memory: large float64 case (X (n, 64, 64, 64), W {W_shape}), tracemalloc peak of one call")
    print(f"{'':28s} {'batch':>5s} {'peak MiB':>9s} {'output MiB':>11s} {'peak - output MiB':>18s}")
    for r in rows:
        print(f"{r['name']:28s} {r['batch']:5d} {r['peak_mib']:9.1f} {r['out_mib']:11.1f} "
              f"{r['extra_mib']:18.1f}")

    # an X whose column matrix would exceed the limit: np.zeros maps pages lazily
    X = np.zeros((64, 128, 128, 64))
    need = 64 * 128 * 128 * 9 * 64 * 8
    t0 = time.perf_counter()
    tracemalloc.start()
    try:
        ct.im2col(X, (3, 3, 64, 64), pad=1, stride=1)
        msg, ok = "no error raised", False
    except ct.ColumnMatrixTooLarge as exc:
        msg, ok = str(exc), True
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    t = time.perf_counter() - t0
    print(f"\nim2col on X {X.shape} float64 (X_col would need {need / 2 ** 30:.2f} GiB, "
          f"limit {ct.IM2COL_MAX_BYTES / 2 ** 30:.0f} GiB):")
    print(f"  {'raised ColumnMatrixTooLarge' if ok else 'DID NOT RAISE'} in {1e3 * t:.2f} ms, "
          f"tracemalloc peak during the call {peak / 1024:.1f} KiB")
    print(f"  message: {msg}")
    return dict(batches=rows, too_large=dict(raised=ok, ms=1e3 * t, peak_kib=peak / 1024, message=msg))


# ---------------------------------------------------------------------------- block-size sweep

def tune(args):
    """conv2D time for several conv_teach.windows.BLOCK_BYTES (sizes in turn, in 3 rounds against drift)."""
    sizes = [int(m) for m in args.tune_sizes.split(",")]
    cases = [c for c in CASES if c[0] in ("medium", "large float64", "large float32", "conv1D")
             and (not args.only or any(w in c[0] for w in args.only.split(",")))]
    default = ct_windows.BLOCK_BYTES
    rounds = max(args.repeat, 5)
    table = {}
    print(f"\n== BLOCK_BYTES sweep (default {default // MiB} MiB), 3 rounds of {-(-rounds // 3)} calls "
          f"per size, ms")
    print(f"{'MiB':>4s}  " + "  ".join(f"{c[0]:>24s}" for c in cases))
    try:
        data = {}
        for case in cases:
            name, X_shape, W_shape, s, p, d, dtype = case
            rng = np.random.default_rng(0)
            X = rng.standard_normal(X_shape).astype(dtype)
            W = rng.standard_normal(W_shape).astype(dtype)
            f = ct.conv1D if len(W_shape) == 3 else ct.conv2D
            data[name] = lambda f=f, X=X, W=W, s=s, p=p, d=d: f(X, W, s, p, d)
            times = {m: [] for m in sizes}
            # sizes in turn, a few repeats each after a warm-up (as a user calls conv2D:
            # with one block size, so freed blocks are reused), in several rounds for drift
            for _ in range(3):
                for m in sizes:
                    ct_windows.BLOCK_BYTES = m * MiB
                    times[m] += time_calls(data[name], -(-rounds // 3))
            peaks = {}
            for m in sizes:
                ct_windows.BLOCK_BYTES = m * MiB
                peaks[m] = traced_peak(data[name])[0] / MiB
            table[name] = {m: dict(median_ms=1e3 * float(np.median(times[m])),
                                   min_ms=1e3 * float(np.min(times[m])), peak_mib=peaks[m])
                           for m in sizes}
    finally:
        ct_windows.BLOCK_BYTES = default
    for m in sizes:
        cells = [f"{table[c[0]][m]['median_ms']:7.1f} /{table[c[0]][m]['min_ms']:7.1f} "
                 f"({table[c[0]][m]['peak_mib']:5.0f}M)" for c in cases]
        print(f"{m:4d}  " + "  ".join(f"{x:>24s}" for x in cells))
    print("      (median / min ms, tracemalloc peak in MiB)")
    return {name: {str(m): v for m, v in t.items()} for name, t in table.items()}


# ---------------------------------------------------------------------------- main

def machine_report(info, threads, torch_note, nml_note):
    print(f"conv_teach {ct.__version__}, NumPy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs ({platform.processor() or platform.machine()})")
    for lib in info:
        print(f"  threadpoolctl: {lib.get('internal_api')} {lib.get('version')} "
              f"({lib.get('user_api')}), {lib.get('num_threads')} threads"
              + (f", kernel {lib['architecture']}" if lib.get("architecture") else "")
              + f", {os.path.basename(lib.get('filepath', ''))}")
    unset = json.loads(os.environ.get(REEXEC_FLAG, "{}"))
    kept = {k: os.environ[k] for k in OPENBLAS_VARS if k in os.environ}
    if unset:
        print(f"  {unset} was set in the environment; this run removed it for its own process "
              f"(--keep-openblas-env measures with it)")
    if kept:
        print(f"  measured WITH {kept} (they can select a slower OpenBLAS kernel)")
    print(f"  {torch_note}; {nml_note}; NumPy BLAS threads: {threads}")
    print(f"  conv_teach.windows.BLOCK_BYTES = {ct_windows.BLOCK_BYTES // MiB} MiB")
    return dict(numpy=np.__version__, python=platform.python_version(), cpus=os.cpu_count(),
                threadpool=info, blas_threads=threads, torch=torch_note, numpy_ml=nml_note,
                openblas_env_unset=unset, openblas_env_kept=kept,
                block_mib=ct_windows.BLOCK_BYTES / MiB)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="3 repeats, smaller memory demo")
    ap.add_argument("--repeat", type=int, default=None, help="timed calls per row (default 7, quick 3)")
    ap.add_argument("--passes", type=int, default=1,
                    help="run every case this many times, pooling the timings (catches quiet moments)")
    ap.add_argument("--json", metavar="PATH", help="also write every number to PATH")
    ap.add_argument("--tune", action="store_true",
                    help="only sweep conv_teach.windows.BLOCK_BYTES (--tune-sizes) over the cases")
    ap.add_argument("--tune-sizes", default="2,4,8,16,32,64", metavar="MIB,...",
                    help="block sizes for --tune, in MiB (default 2,4,8,16,32,64)")
    ap.add_argument("--loop-budget", type=float, default=30.0,  # 0: always extrapolate
                    help="run the loop reference on the full case if 1 example predicts <= this many s")
    ap.add_argument("--only", metavar="NAMES",
                    help="comma-separated parts of case names to run, e.g. 'medium,float32'")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory section")
    ap.add_argument("--ops", default="forward,backward,transposed",
                    help="sections to run per case (default forward,backward,transposed); "
                         "'groups' adds the grouped and depthwise rows (--ops groups: only those)")
    ap.add_argument("--threads", type=int, default=None,
                    help="threads for NumPy's BLAS and torch (default: what the BLAS uses now)")
    ap.add_argument("--keep-openblas-env", action="store_true",
                    help="do not remove OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for this run")
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 7
    if args.repeat < 1 or args.passes < 1:
        ap.error(f"--repeat and --passes must be >= 1, got {args.repeat} and {args.passes}")

    info, threads, limiter = blas_info(args.threads)
    nml, nml_note = load_numpy_ml()
    torch, torch_note = load_torch(threads)
    report = dict(machine=machine_report(info, threads, torch_note, nml_note), repeat=args.repeat)
    print(f"  {args.repeat} timed calls per row after a warm-up, {args.passes} pass(es) over the cases; "
          f"'x ct' = time / conv_teach's time")

    args.ops = args.ops.split(",")
    cases = [c for c in CASES if not args.only or any(w in c[0] for w in args.only.split(","))]
    if "groups" in args.ops:                    # --ops groups: the grouped/depthwise rows
        report["groups"] = run_groups(torch, args)
        report["groups_targets"] = groups_targets(report["groups"])
        if not set(args.ops) & {"forward", "backward", "transposed"}:
            cases, args.no_memory = [], True
    per_case = []
    for k in range(args.passes):
        for i, case in enumerate([] if args.tune else cases):
            res = run_case(case, nml, torch, args)
            if k == 0:
                per_case.append(res)
            else:
                per_case[i] = [merge(a, b) for a, b in zip(per_case[i], res)]
            if k == args.passes - 1:
                for section in per_case[i]:
                    print_case(section)
        if k < args.passes - 1 and cases:
            print(f"  pass {k + 1}/{args.passes} done", flush=True)
    results = [section for sections in per_case for section in sections]
    report["cases"] = [{k: v for k, v in res.items()} for res in results]
    for res in report["cases"]:
        for r in res["rows"]:
            r.pop("peak", None)

    if not args.no_memory:
        report["memory"] = memory_section(nml, args)
    if args.tune:
        report["tuning"] = tune(args)

    report["targets"] = (targets(results) if cases else []) + report.get("groups_targets", [])
    print("\n== Targets (torch = NCHW conv2d without its layout copies)")
    for t in report["targets"]:
        print(f"  {t['status']:4s}  {t['target']}\n        {t['detail']}")

    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
        print(f"\nwrote {args.json}")
    del limiter                 # the BLAS thread limit (if any) held until here


if __name__ == "__main__":
    main()
