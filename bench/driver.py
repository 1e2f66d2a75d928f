"""`make bench` driver (called by bench/run.sh with the bench virtual environment's python).

Exports the shared inputs with the biaslab-bench binary, measures the machine floors, then runs each
workload in BiasLab and in JAX alternately (round r: one BiasLab process, then one JAX process, then
one process per task of the other peers of `--peers` (bench/peers.py), each doing its warm-up and
timed repetitions), checks JAX's results against BiasLab's (relative error <= 1e-8, norm-wise per
array) and the other peers' as bench/peers.py says, records every process's peak RSS, prints the
tables and writes bench/results/latest.json."""
import argparse
import datetime
import json
import os
import platform
import tempfile
import subprocess
import sys
import time

import numpy as np

import peers as peer_tasks

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 1e-8

# workload: (rounds at most, timed repetitions per process, warm-up runs per process). Round 1 of every
# workload runs first; further rounds run afterwards, in workload order, only while the projected end
# (from round 1's duration) stays within --budget seconds, so the table is always complete and a
# loaded machine shortens the run instead of lengthening it.
PLAN = {
    "W1": (3, 5, 1),
    "W2": (3, 5, 1),
    "W3": (3, 1, 1),
    "W4": (3, 1, 0),
    "W5": (3, 2, 1),
    "W6": (2, 1, 0),
    "W7": (2, 1, 0),
    "W8": (2, 1, 0),
    "W9": (2, 1, 0),
    # The transformer (issue 19 item 4): bench/README.md, "Transformer workloads".
    "T1": (3, 3, 1),
    "T2": (3, 3, 1),
    "T3": (2, 1, 1),
    "T4": (2, 1, 0),
}
QUICK_PLAN = {name: (1, 1, 0) for name in PLAN}


def usable_cores():
    """The cores this process may use (affinity mask), as BiasLab's ExecutionPolicy counts them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def without_kernel_choice(env):
    """env without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE: the BLAS (and BiasLab's correction) choose the kernels."""
    return {k: v for k, v in env.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}


def environments():
    # BiasLab sets its own threads (every usable core, BIASLAB_THREADS to override) and its BLAS threads.
    biaslab = dict(os.environ)
    # JAX/numpy peers: a current numpy is slowed by OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, which are set on
    # some machines only for the system OpenBLAS that BiasLab links (env README): unset both here only.
    jax = without_kernel_choice(os.environ)
    jax.update(JAX_PLATFORMS="cpu", JAX_ENABLE_X64="1", OPENBLAS_NUM_THREADS=str(usable_cores()))
    return biaslab, jax


def floors_reading(binary, env):
    """The machine floors, the better of a reading in BiasLab's environment and one where the BLAS and
    BiasLab's kernel correction choose the kernels (a user's generic OPENBLAS_CORETYPE must not lower the
    bar); a reading whose process fails is left out."""
    readings = [run_json([binary, "floors"], env)]
    if env.get("OPENBLAS_CORETYPE"):
        result = subprocess.run([binary, "floors"], env=without_kernel_choice(env), capture_output=True, text=True)
        if result.returncode == 0:
            readings.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return {key: max(r[key] for r in readings) for key in readings[0]}


def run_measured(command, env):
    """(exit code, stdout, stderr, peak RSS in MB) of one child process: its own ru_maxrss from wait4,
    so every process is measured alone (the output goes through temporary files, not pipes, so the
    child is reaped here and not by subprocess)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return child.returncode, out.read(), err.read(), usage.ru_maxrss / 1024


def run_json(command, env):
    code, stdout, stderr, peak = run_measured(command, env)
    if code != 0:
        sys.stderr.write(stderr)
        raise SystemExit(f"bench: command failed ({code}): {' '.join(command)}")
    report = json.loads(stdout.strip().splitlines()[-1])
    report["peak_rss_mb"] = peak
    return report


def compare(biaslab_file, jax_file):
    ours, theirs = np.load(biaslab_file), np.load(jax_file)
    errors = {key: peer_tasks.relative_error(ours[key], theirs[key]) if key in ours.files else float("inf")
              for key in theirs.files}
    return errors, max(errors.values())


def load_snapshot():
    top = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu"], capture_output=True, text=True).stdout
    busy = [line.strip() for line in top.splitlines()[1:6]]
    return {"loadavg": os.getloadavg(), "top_processes": busy}


def peer_table(tasks, task_records, main_rows, work):
    """The peers table (one row per (workload, peer, setting)) against BiasLab's time, memory and
    answer from the same run (bench/peers.py says how each is checked); printed and returned."""
    rows = []
    for workload, peer, setting, method, kind, tolerance in tasks:
        record, main = task_records[(workload, peer, setting)], main_rows[workload]
        row = {"workload": workload, "peer": peer, "setting": setting, "method": method, "check_kind": kind,
               "biaslab_median_s": main["biaslab_median_s"], "biaslab_peak_rss_mb": main["biaslab_peak_rss_mb"]}
        if record["skip"] or not record["runs"]:
            rows.append(dict(row, check="SKIP", skip_reason=record["skip"] or "not run"))
            continue
        runs = record["runs"]
        times = [t for r in runs for t in r["times"]]
        ours = np.load(os.path.join(work, f"{workload}-biaslab.npz"))
        error, bound, verdict = peer_tasks.check(kind, tolerance, ours, np.load(record["out"]), TOLERANCE)
        rows.append(dict(row, median_s=median(times), times_s=times, rounds=len(runs),
                         setup_s=median([r["compile_seconds"] for r in runs]),
                         cores=median([r["cpu_ratio"] for r in runs]),
                         peak_rss_mb=max(r["peak_rss_mb"] for r in runs), versions=runs[0]["versions"],
                         peer_over_biaslab=median(times) / main["biaslab_median_s"],
                         error=error, bound=bound, check=verdict))
    print()
    print(f"{'workload':<8} {'peer':<14} {'setting':<8} {'peer s':>9} {'BiasLab s':>9} {'peer/BL':>8} "
          f"{'RSS MB peer/BL':>15} {'error':>8} {'bound':>8}  check")
    for r in rows:
        if r["check"] == "SKIP":
            print(f"{r['workload']:<8} {r['peer']:<14} {r['setting']:<8} SKIP: {r['skip_reason']}")
            continue
        print(f"{r['workload']:<8} {r['peer']:<14} {r['setting']:<8} {r['median_s']:>9.3f} {r['biaslab_median_s']:>9.3f} "
              f"{r['peer_over_biaslab']:>8.2f} {r['peak_rss_mb']:>7.0f}/{r['biaslab_peak_rss_mb']:<7.0f} "
              f"{r['error']:>8.1e} {r['bound']:>8.1e}  {r['check']}")
    print("peer/BL = peer median / BiasLab median (> 1: BiasLab faster); error: relative (exact: max over arrays; "
          "eigenvalue/trace: of the value); PASS = same answer to 1e-8, PASS~ = within the bound of a random-start/probe "
          "tool (bench/peers.py), OFF = outside it (reported, not fatal)")
    return rows


def median(values):
    return float(np.median(values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W2 or T1,T2,T3,T4")
    parser.add_argument("--quick", action="store_true", help="one round of one repetition each")
    parser.add_argument("--budget", type=float, default=600, help="seconds after which no extra round starts")
    parser.add_argument("--peers", default=",".join(peer_tasks.PEER_NAMES),
                        help="comma-separated peers: jax (required: the main table) and any of "
                             + ",".join(p for p in peer_tasks.PEER_NAMES if p != "jax"))
    args = parser.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    unknown = [p for p in peers if p not in peer_tasks.PEER_NAMES]
    if unknown or "jax" not in peers:
        raise SystemExit(f"bench: --peers: expected jax plus any of {','.join(peer_tasks.PEER_NAMES)}, got '{args.peers}'")

    plan = QUICK_PLAN if args.quick else PLAN
    selected = [w for w in plan if not args.only or w in args.only.split(",")]
    biaslab_env, jax_env = environments()
    python = sys.executable
    started = time.time()
    os.makedirs(args.work, exist_ok=True)

    subprocess.run([args.bin, "export", args.work], env=biaslab_env, check=True)
    before = load_snapshot()
    machine_report = run_json([args.bin, "machine"], biaslab_env)
    blas = machine_report["blas"]
    print(f"machine: {machine_report['cpu']['model_name']}; BLAS kernels {blas['kernels_in_use']} ({blas['correction']}); "
          f"{machine_report['policy']['threads']} threads; dgemm {machine_report['dgemm']['gflops']:.1f} GFLOP/s", flush=True)
    floors_before = floors_reading(args.bin, biaslab_env)
    print(f"floors: dgemm {floors_before['dgemm_gflops']:.1f} GFLOP/s, "
          f"write bandwidth {floors_before['write_bandwidth_gbps']:.1f} GB/s; "
          f"load average {before['loadavg'][0]:.2f} {before['loadavg'][1]:.2f} {before['loadavg'][2]:.2f}", flush=True)

    records = {name: {"ours": [], "theirs": [], "loads": [], "round_s": 0.0} for name in selected}
    tasks = peer_tasks.selected_tasks(peers, selected)
    task_records = {task[:3]: {"runs": [], "skip": None} for task in tasks}

    def run_task(task, timing):
        """One process of a PyTorch-side peer (bench/torch/run.py); a peer that cannot import is
        recorded once as SKIP with its reason and not run again; a failed run is recorded, not fatal."""
        workload, peer, setting = task[:3]
        record = task_records[task[:3]]
        if record["skip"]:
            return
        out = os.path.join(args.work, f"{workload}-{peer}-{setting.strip('-') or 'only'}.npz")
        command = [python, os.path.join(HERE, "torch", "run.py"), peer, workload, "--inputs", args.work, "--out", out]
        command += ([] if setting == "-" else ["--setting", setting]) + timing
        code, stdout, stderr, peak = run_measured(command, jax_env)
        lines = stdout.strip().splitlines()
        if code != 0:
            reason = json.loads(lines[-1]).get("skip") if code == 3 and lines else None
            record["skip"] = reason or f"exit {code}: {(stderr.strip().splitlines() or ['no output'])[-1][:300]}"
            print(f"{workload} {peer} {setting}: SKIP ({record['skip']})", flush=True)
            return
        report = json.loads(lines[-1])
        report["peak_rss_mb"] = peak
        record["runs"].append(report)
        record["out"] = out

    def run_round(name):
        _, repetitions, warmup = plan[name]
        timing = ["--repetitions", str(repetitions), "--warmup", str(warmup)]
        record = records[name]
        record["loads"].append(os.getloadavg()[0])
        begun = time.time()
        record["ours"].append(run_json([args.bin, "run", name, "--inputs", args.work,
                                        "--out", os.path.join(args.work, f"{name}-biaslab.npz")] + timing, biaslab_env))
        record["theirs"].append(run_json([python, os.path.join(HERE, "jax", "run.py"), name, "--inputs", args.work,
                                          "--out", os.path.join(args.work, f"{name}-jax.npz")] + timing, jax_env))
        for task in tasks:
            if task[0] == name:
                run_task(task, timing)
        record["round_s"] = max(record["round_s"], time.time() - begun)

    for name in selected:
        run_round(name)
        ours, theirs = records[name]["ours"][0], records[name]["theirs"][0]
        print(f"{name} round 1: BiasLab {np.median(ours['times']):.3f} s, JAX {np.median(theirs['times']):.3f} s",
              flush=True)
    for extra in range(1, max(plan[name][0] for name in selected)):
        for name in selected:
            if extra < plan[name][0] and time.time() - started + records[name]["round_s"] <= args.budget:
                run_round(name)

    # The floors are the machine's best: measured again at the end, the faster of the two readings is
    # used, so a burst of load during one reading does not lower the bar.
    floors_after = floors_reading(args.bin, biaslab_env)
    floors = {key: max(floors_before[key], floors_after[key]) for key in floors_before}
    gflops, bandwidth = floors["dgemm_gflops"], floors["write_bandwidth_gbps"]
    print(f"floors used: dgemm {gflops:.1f} GFLOP/s, write bandwidth {bandwidth:.1f} GB/s (best of start and end)")

    rows = []
    for name in selected:
        ours, theirs, loads = records[name]["ours"], records[name]["theirs"], records[name]["loads"]
        _, repetitions, warmup = plan[name]
        errors, worst = compare(*(os.path.join(args.work, f"{name}-{side}.npz") for side in ("biaslab", "jax")))
        ours_times = [t for r in ours for t in r["times"]]
        theirs_times = [t for r in theirs for t in r["times"]]
        floor = ours[0]["flops"] / (gflops * 1e9) + ours[0]["bytes"] / (bandwidth * 1e9)
        row = {
            "workload": name, "summary": ours[0]["summary"],
            "biaslab_median_s": median(ours_times), "jax_median_s": median(theirs_times),
            "ratio": median(ours_times) / median(theirs_times),
            "floor_s": floor, "floor_flops": ours[0]["flops"], "floor_bytes": ours[0]["bytes"],
            "biaslab_fraction_of_floor": floor / median(ours_times),
            "jax_fraction_of_floor": floor / median(theirs_times),
            "jax_compile_s": median([r["compile_seconds"] for r in theirs]),
            "biaslab_cores": median([r["cpu_ratio"] for r in ours]), "jax_cores": median([r["cpu_ratio"] for r in theirs]),
            "biaslab_times_s": ours_times, "jax_times_s": theirs_times,
            "biaslab_peak_rss_mb": max(r["peak_rss_mb"] for r in ours), "jax_peak_rss_mb": max(r["peak_rss_mb"] for r in theirs),
            "rounds": len(ours), "repetitions": repetitions, "warmup": warmup, "load_average_1min": loads,
            "relative_errors": errors, "max_relative_error": worst, "check": "PASS" if worst <= TOLERANCE else "FAIL",
        }
        rows.append(row)
        print(f"{name} {row['summary']}: {len(ours)} round(s), max rel err {worst:.1e} {row['check']}", flush=True)

    header = (f"{'workload':<8} {'BiasLab s':>10} {'JAX s':>9} {'ratio':>6} {'floor s':>9} {'BL/floor':>9} "
              f"{'JAX/floor':>9} {'compile s':>9} {'cores BL/JAX':>12} {'RSS MB BL/JAX':>13} {'rel err':>8} {'rounds':>6}  check")
    print()
    print(header)
    for r in rows:
        print(f"{r['workload']:<8} {r['biaslab_median_s']:>10.3f} {r['jax_median_s']:>9.3f} {r['ratio']:>6.2f} "
              f"{r['floor_s']:>9.3f} {100 * r['biaslab_fraction_of_floor']:>8.1f}% {100 * r['jax_fraction_of_floor']:>8.1f}% "
              f"{r['jax_compile_s']:>9.2f} {r['biaslab_cores']:>5.2f}/{r['jax_cores']:<5.2f} "
              f"{r['biaslab_peak_rss_mb']:>6.0f}/{r['jax_peak_rss_mb']:<6.0f} "
              f"{r['max_relative_error']:>8.1e} {r['rounds']:>6}  {r['check']}")
    print("ratio = BiasLab median / JAX median (> 1: BiasLab slower); X/floor = floor ÷ median; "
          "cores = process CPU time ÷ wall time; RSS = peak resident memory of the process (max over rounds)")

    peer_rows = peer_table(tasks, task_records, {r["workload"]: r for r in rows}, args.work)

    import jax  # only for its version in the report
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": "make bench" + (" (quick)" if args.quick else ""),
        "elapsed_s": time.time() - started,
        "machine_report": machine_report,
        "machine": {"cpu_count": os.cpu_count(), "usable_cores": usable_cores(), "platform": platform.platform(),
                    "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
                    "openblas_l2_size": os.environ.get("OPENBLAS_L2_SIZE")},
        "versions": {"jax": jax.__version__, "numpy": np.__version__, "python": platform.python_version()},
        "floors": floors, "floors_start": floors_before, "floors_end": floors_after, "load_before": before, "load_after": load_snapshot(),
        "tolerance": TOLERANCE, "workloads": rows, "peers": peer_rows, "peers_requested": peers,
    }
    for row in peer_rows:
        report["versions"].update(row.get("versions", {}))
    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    with open(args.results, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
    print(f"results: {args.results} ({report['elapsed_s']:.0f} s)")
    if any(r["check"] == "FAIL" for r in rows + peer_rows):
        raise SystemExit("bench: some peer results differ from BiasLab's by more than 1e-8 (see above)")


if __name__ == "__main__":
    main()
