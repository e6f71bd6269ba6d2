"""benchmarks/bench_table.py: the README's benchmark tables are made from a run's JSON."""
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_table", ROOT / "benchmarks" / "bench_table.py")
bench_table = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench_table)


def row(name, lo, med, ratio_min=None, note="", peak=None):
    return dict(name=name, min_ms=lo, median_ms=med, ratio_min=ratio_min, note=note, peak_mib=peak)


def test_conv_table_puts_each_row_in_its_column(tmp_path, capsys):
    data = {"cases": [{"name": "medium / forward", "rows": [
        row("conv_teach.conv2D", 2.0, 2.5, 1.0, peak=7.75),
        row("reference.conv2D_loops (float64)", 900.0, 900.0, 450.0, "EXTRAPOLATED: 1 example x 8"),
        row("torch conv2d (NCHW)", 3.0, 4.0, 1.5),
        row("torch conv2d (channels-last view)", 1.0, 1.2, 0.5),
        row("bare GEMM (8192x144) @ (144x32)", 1.5, 1.6, 0.75)]}],
        "targets": [{"target": "medium fast", "status": "MISS", "detail": "min: 1.5x"}]}
    path = tmp_path / "conv.json"
    path.write_text(json.dumps(data))
    bench_table.main([str(path)])
    out = capsys.readouterr().out.splitlines()
    header = next(line for line in out if line.startswith("| case / pass"))
    line = next(line for line in out if line.startswith("| medium / forward"))
    cells = dict(zip([c.strip() for c in header.split("|")[1:-1]], [c.strip() for c in line.split("|")[1:-1]]))
    assert cells["conv_teach ms"] == "**2.0 (2.5)**" and cells["peak MiB"] == "7.8"
    assert cells["loops"] == "900 (extrapolated) **450.00x**"
    assert cells["numpy-ml"] == "-"
    assert cells["torch NCHW"] == "3.0 (4.0) **1.50x**"
    assert cells["torch channels-last"] == "1.0 (1.2) **0.50x**"
    assert cells["bare GEMM floor"] == "1.5 (1.6) **0.75x**"
    assert "| medium fast | **MISS**: min: 1.5x |" in out


def test_pool_table_gives_conv_teach_over_torch(tmp_path, capsys):
    rows = [("conv_teach", 30.0, 33.0), ("conv_teach forward only", 9.0, 9.5),
            ("conv_teach backward only", 20.0, 21.0), ("torch NCHW", 60.0, 61.0),
            ("torch chan.-last", 15.0, 16.0), ("numpy-ml Pool2D forward only (x8 from 2 ex.)", 3000.0, 3000.0)]
    data = {"rows": [dict(case="max 3x3 s2 p1", row=r, min_ms=lo, median_ms=med) for r, lo, med in rows],
            "targets": [{"target": "max 3x3: <= 1.5x torch's time", "pass": False, "result": "2.00x"}]}
    path = tmp_path / "pool.json"
    path.write_text(json.dumps(data))
    bench_table.main([str(path)])
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("| max 3x3 s2 p1"))
    cells = [c.strip() for c in line.split("|")[1:-1]]
    # 30 / 60 and 30 / 15: conv_teach's time over torch's; numpy-ml 3000 / 30 times slower
    assert cells == ["max 3x3 s2 p1", "**30.0 (33.0)**", "9.0 / 20.0", "60.0 (61.0) **0.50x**",
                     "15.0 (16.0) **2.00x**", "3000 **100x faster** (its forward only)"]
    assert "| max 3x3: <= 1.5x torch's time | **MISS**: 2.00x |" in out
