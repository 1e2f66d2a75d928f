"""How cost grows (issue 22): time and peak memory of gradient (W1), Hessian-vector product (W2),
per-sample gradients (W3), Lanczos λ_max (W4, 20 steps) and exact IAS (W7) against the MLP's width
(d ≈ 1e4 … 1e6 at fixed N) and against the number of samples N (1e2 … 6e4 at fixed width), BiasLab
beside JAX and PyTorch (torch.func), each (engine, point, operation) in its own process so that its
peak RSS (ru_maxrss from wait4) is its own. Inputs come from `biaslab-bench export DIR --widths …
--samples N --probes 0` (Fashion-MNIST's first N training images, seed 9), so every engine computes
on the same bits, and every peer's answer is checked against BiasLab's to 1e-8 as in `make bench`.

    python bench/scaling.py --bin .build/release/biaslab-bench [--quick] [--engines biaslab,jax,torch]

Writes bench/results/scaling.json (every time, RSS, error and skip) and bench/results/scaling.html
(self-contained: tables and inline-SVG log–log charts), and prints the table with the fitted
exponents: the slope of log(time) and log(RSS) against log(d) or log(N), least squares over the
points of a sweep that ran (all of them, and the largest three).

Points whose cost exceeds the caps below are skipped and recorded as such, with the reason: the
per-sample gradient matrix is N × d × 8 bytes (exact IAS needs it whole: its memory grows as N·d
while the quantity only needs O(d) accumulators, see bench/NOTES.md), and exact IAS does N
Hessian-vector products over N samples, i.e. O(N²·d) work."""
import argparse
import datetime
import json
import math
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from driver import compare, environments, run_measured, TOLERANCE  # noqa: E402

OPERATIONS = {"W1": "gradient", "W2": "HVP", "W3": "per-sample gradients", "W4": "Lanczos λ_max (20 steps)",
              "W7": "exact IAS (b = 50)", "W9": "exact IAS, streamed in chunks of 50"}
# (timed repetitions, warm-up runs) per process
TIMING = {"W1": (3, 1), "W2": (3, 1), "W3": (1, 1), "W4": (1, 0), "W7": (1, 0), "W9": (1, 0)}
PER_SAMPLE_BYTES_CAP = 2.0e9   # N·d·8 bytes of the per-sample gradient matrix (W3, W7)
IAS_FLOPS_CAP = 4.0e11         # N tangent passes over N samples
WIDTH_SWEEP = dict(samples=500, hidden=[12, 36, 110, 330, 700])          # d ≈ 9.7e3 … 1.05e6
SAMPLE_SWEEP = dict(hidden=36, samples=[100, 300, 1000, 3000, 10000, 30000, 60000])  # d = 29,962
QUICK_WIDTH_SWEEP = dict(samples=200, hidden=[12, 36, 110])
QUICK_SAMPLE_SWEEP = dict(hidden=12, samples=[100, 1000, 10000])


def widths_for(hidden):
    return [784, hidden, hidden, 10]


def dimension(widths):
    return sum(a * b + b for a, b in zip(widths[:-1], widths[1:]))


def tangent_flops(widths, n):
    """gemm flops of one HVP's tangent pass (FlopModel.swift, mlpTangent): 2N(2Σ + 4Σ')."""
    products = [a * b for a, b in zip(widths[:-1], widths[1:])]
    return 2 * n * (2 * sum(products) + 4 * sum(products[1:]))


def skip_reason(op, widths, n):
    d = dimension(widths)
    if op in ("W3", "W7") and n * d * 8 > PER_SAMPLE_BYTES_CAP:
        return f"per-sample gradients N·d·8 = {n * d * 8 / 1e9:.1f} GB > cap {PER_SAMPLE_BYTES_CAP / 1e9:.1f} GB"
    if op in ("W7", "W9") and n * tangent_flops(widths, n) > IAS_FLOPS_CAP:
        return f"exact IAS N tangents = {n * tangent_flops(widths, n):.1e} flop > cap {IAS_FLOPS_CAP:.0e}"
    return None


def engine_command(engine, binary, python, op, directory, out):
    repetitions, warmup = TIMING[op]
    timing = ["--repetitions", str(repetitions), "--warmup", str(warmup), "--out", out]
    if engine == "biaslab":
        return [binary, "run", op, "--inputs", directory] + timing
    if engine == "jax":
        return [python, os.path.join(HERE, "jax", "run.py"), op, "--inputs", directory] + timing
    return [python, os.path.join(HERE, "torch", "run.py"), "torch", op, "--inputs", directory] + timing


def fit(xs, ys):
    """Least-squares slope of log y against log x."""
    if len(xs) < 2:
        return None
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


def measure(args, engines, sweep_name, points, envs):
    """points: [(label, widths, n)]; returns the rows of this sweep."""
    python, rows = sys.executable, []
    for label, widths, n in points:
        directory = os.path.join(args.work, f"{sweep_name}-{label}")
        code, _, stderr, _ = run_measured([args.bin, "export", directory, "--widths", ",".join(map(str, widths)),
                                           "--samples", str(n), "--probes", "0"], envs["biaslab"])
        if code != 0:
            raise SystemExit(f"scaling: export failed: {stderr.strip()}")
        d = dimension(widths)
        for op in args.ops:
            reason = skip_reason(op, widths, n)
            for engine in engines:
                row = {"sweep": sweep_name, "op": op, "engine": engine, "d": d, "n": n, "widths": widths}
                if reason:
                    rows.append(dict(row, skipped=reason))
                    continue
                out = os.path.join(directory, f"{op}-{engine}.npz")
                code, stdout, stderr, peak = run_measured(
                    engine_command(engine, args.bin, python, op, directory, out), envs[engine])
                if code != 0:
                    last = (stdout.strip().splitlines() or stderr.strip().splitlines() or ["no output"])[-1]
                    rows.append(dict(row, skipped=f"{engine} failed ({code}): {last[:200]}"))
                    print(f"  {sweep_name} d={d} N={n} {op} {engine}: SKIP {last[:120]}", flush=True)
                    continue
                report = json.loads(stdout.strip().splitlines()[-1])
                row.update(median_s=float(np.median(report["times"])), times_s=report["times"], peak_rss_mb=peak,
                           load_average_1min=os.getloadavg()[0])
                if engine != "biaslab":
                    _, row["max_relative_error"] = compare(os.path.join(directory, f"{op}-biaslab.npz"), out)
                    row["check"] = "PASS" if row["max_relative_error"] <= TOLERANCE else "FAIL"
                rows.append(row)
                print(f"  {sweep_name} d={d} N={n} {op} {engine}: {row['median_s']:.4f} s, {peak:.0f} MB"
                      + (f", rel err {row['max_relative_error']:.1e} {row['check']}" if "check" in row else ""),
                      flush=True)
    return rows


def exponents(rows, engines, ops):
    table = []
    for sweep, axis in (("width", "d"), ("samples", "n")):
        for op in ops:
            for engine in engines:
                done = sorted((r[axis], r["median_s"], r["peak_rss_mb"]) for r in rows
                              if r["sweep"] == sweep and r["op"] == op and r["engine"] == engine and "median_s" in r)
                if not done:
                    continue
                xs, ts, ms = zip(*done)
                table.append({"sweep": sweep, "axis": axis, "op": op, "engine": engine, "points": len(done),
                              "time_exponent": fit(xs, ts), "time_exponent_top3": fit(xs[-3:], ts[-3:]),
                              "rss_exponent": fit(xs, ms), "rss_exponent_top3": fit(xs[-3:], ms[-3:])})
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=".build/release/biaslab-bench")
    parser.add_argument("--work", default=".build/bench-scaling")
    parser.add_argument("--results", default=os.path.join(HERE, "results", "scaling.json"))
    parser.add_argument("--engines", default="biaslab,jax,torch")
    parser.add_argument("--ops", default="W1,W2,W3,W4,W7,W9")
    parser.add_argument("--quick", action="store_true", help="three small points per sweep (a few minutes)")
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    args.ops = [o for o in args.ops.split(",") if o]
    for name in args.ops:
        if name not in OPERATIONS:
            raise SystemExit(f"scaling: --ops: unknown operation '{name}'; expected some of {','.join(OPERATIONS)}")
    if "biaslab" not in engines:
        raise SystemExit("scaling: --engines must include biaslab (the others are checked against it)")
    biaslab_env, jax_env = environments()
    envs = {"biaslab": biaslab_env, "jax": jax_env, "torch": jax_env}
    width, samples = (QUICK_WIDTH_SWEEP, QUICK_SAMPLE_SWEEP) if args.quick else (WIDTH_SWEEP, SAMPLE_SWEEP)
    started, load_before = time.time(), os.getloadavg()
    print(f"scaling: load average {load_before[0]:.2f}; engines {','.join(engines)}", flush=True)
    rows = measure(args, engines, "width", [(f"h{h}", widths_for(h), width["samples"]) for h in width["hidden"]], envs)
    rows += measure(args, engines, "samples",
                    [(f"n{n}", widths_for(samples["hidden"]), n) for n in samples["samples"]], envs)
    fits = exponents(rows, engines, args.ops)
    report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "command": "python bench/scaling.py" + (" --quick" if args.quick else ""),
              "elapsed_s": time.time() - started, "load_before": load_before, "load_after": os.getloadavg(),
              "platform": platform.platform(), "engines": engines, "operations": OPERATIONS,
              "caps": {"per_sample_bytes": PER_SAMPLE_BYTES_CAP, "ias_flops": IAS_FLOPS_CAP},
              "width_sweep": width, "sample_sweep": samples, "rows": rows, "exponents": fits,
              "tolerance": TOLERANCE}
    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    with open(args.results, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
    import scaling_html
    html_path = os.path.splitext(args.results)[0] + ".html"
    with open(html_path, "w") as handle:
        handle.write(scaling_html.page(report))
    print()
    print(f"{'sweep':<8} {'op':<4} {'engine':<8} {'points':>6} {'t exp':>6} {'t exp top3':>10} {'RSS exp':>8} {'RSS top3':>9}")
    for f in fits:
        def show(v):
            return f"{v:.2f}" if v is not None else "-"
        print(f"{f['sweep']:<8} {f['op']:<4} {f['engine']:<8} {f['points']:>6} {show(f['time_exponent']):>6} "
              f"{show(f['time_exponent_top3']):>10} {show(f['rss_exponent']):>8} {show(f['rss_exponent_top3']):>9}")
    print(f"results: {args.results}, {html_path} ({report['elapsed_s']:.0f} s)")
    if any(r.get("check") == "FAIL" for r in rows):
        raise SystemExit("scaling: some peer results differ from BiasLab's by more than 1e-8")


if __name__ == "__main__":
    main()
