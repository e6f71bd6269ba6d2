"""Print the README's benchmark tables (Markdown) from the JSON a benchmark run wrote.

Run from the repository root::

    python benchmarks/bench_conv.py --passes 2 --json conv.json
    python benchmarks/bench_pool.py --passes 3 --json pool.json
    python benchmarks/bench_table.py conv.json pool.json

The tables are made from the measurements, never typed in: each cell is the minimum ms over
every timed call (median in brackets), as the benchmarks print them. In the convolution table
a competitor's ratio is its time over conv_teach's on the minimum (> 1: conv_teach is faster);
in the pooling table it is conv_teach's time over torch's (what the issue's target bounds).
"""
import argparse
import json
import sys

#: the convolution table's columns: header and the start of the row name that fills it
CONV_COLUMNS = [("loops", "reference."), ("numpy-ml", "numpy-ml"), ("torch NCHW", "torch conv"),
                ("torch channels-last", "torch conv2d (channels-last"), ("bare GEMM floor", "bare GEMM")]


def ms(row):
    """``min (median)`` ms of a row, with one decimal."""
    return f"{row['min_ms']:.1f} ({row['median_ms']:.1f})"


def conv_tables(data):
    """The per-case table, the targets and the memory table of a bench_conv.py run."""
    out = ["| case / pass | conv_teach ms | peak MiB | " + " | ".join(h for h, _ in CONV_COLUMNS) + " |",
           "|---|---:|---:|" + "---:|" * len(CONV_COLUMNS)]
    for case in data.get("cases", []) + data.get("groups", []):
        ct, rest = case["rows"][0], case["rows"][1:]
        cells = []
        for _, start in CONV_COLUMNS:
            # "torch conv" also starts the channels-last row's name: take the first row that
            # fits the column and no later column (rows come in this order)
            row = next((r for r in rest if r["name"].startswith(start)
                        and not ("channels-last" in r["name"] and "channels-last" not in start)), None)
            if row is None:
                cells.append("-")
                continue
            if "EXTRAPOLATED" in (row.get("note") or ""):     # one example's time x n_ex
                time = "{:.0f} (extrapolated)".format(row["min_ms"])
            else:
                time = ms(row)
            cells.append(f"{time} **{row['ratio_min']:.2f}x**")
        peak = "" if ct.get("peak_mib") is None else f"{ct['peak_mib']:.1f}"
        out.append(f"| {case['name']} | **{ms(ct)}** | {peak} | " + " | ".join(cells) + " |")
    out += ["", "| target | result |", "|---|---|"]
    out += [f"| {t['target']} | **{t['status']}**: {t['detail']} |" for t in data.get("targets", [])]
    mem = (data.get("memory") or {}).get("batches") or []
    if mem:
        out += ["", "| | batch | peak MiB | output MiB | peak - output MiB |", "|---|---:|---:|---:|---:|"]
        out += [f"| {m['name']} | {m['batch']} | {m['peak_mib']:.1f} | {m['out_mib']:.1f} | "
                f"**{m['extra_mib']:.1f}** |" for m in mem]
    return "\n".join(out)


def pool_tables(data):
    """The pooling table (conv_teach, its forward and backward, torch, numpy-ml) and targets."""
    cases = {}
    for r in data["rows"]:
        cases.setdefault(r["case"], {})[r["row"]] = r
    out = ["| case | conv_teach | forward / backward | torch NCHW | torch channels-last | numpy-ml Pool2D |",
           "|---|---:|---:|---:|---:|---:|"]
    for name, rows in cases.items():
        ct = rows["conv_teach"]
        fwd, bwd = rows.get("conv_teach forward only"), rows.get("conv_teach backward only")
        split = f"{fwd['min_ms']:.1f} / {bwd['min_ms']:.1f}" if fwd and bwd else "-"

        def vs(label):
            r = rows.get(label)
            return "-" if r is None else f"{ms(r)} **{ct['min_ms'] / r['min_ms']:.2f}x**"
        label, nml = next(((k, r) for k, r in rows.items() if k.startswith("numpy-ml")), (None, None))
        nml_cell = "-" if nml is None else (f"{nml['min_ms']:.0f} **{nml['min_ms'] / ct['min_ms']:.0f}x "
                                            f"faster**" + (" (its forward only)" if "forward only" in label else ""))
        out.append(f"| {name} | **{ms(ct)}** | {split} | {vs('torch NCHW')} | {vs('torch chan.-last')} "
                   f"| {nml_cell} |")
    if data.get("targets"):
        out += ["", "| target | result |", "|---|---|"]
        out += [f"| {t['target']} | **{'PASS' if t['pass'] else 'MISS'}**: {t['result']} |"
                for t in data["targets"]]
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", nargs="+", help="files written by bench_conv.py / bench_pool.py --json")
    args = ap.parse_args(argv)
    for path in args.json:
        with open(path) as fh:
            data = json.load(fh)
        print(f"<!-- {path} -->")
        print(conv_tables(data) if "cases" in data else pool_tables(data))
        print()


if __name__ == "__main__":
    sys.exit(main())
