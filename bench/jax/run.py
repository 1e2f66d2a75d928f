"""Times one workload in JAX: `python bench/jax/run.py W1 --inputs DIR [--repetitions R] [--warmup W]
[--out FILE.npz]`. Prints one JSON object: times (seconds), compile_seconds (ahead-of-time jit
compilation, excluded from times), cpu_ratio (process CPU time / wall time over the timed runs)."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import models  # noqa: E402
from timed import time_body  # noqa: E402
from workloads import BUILDERS  # noqa: E402


def load(directory):
    raw = dict(np.load(os.path.join(directory, "data.npz")))
    if "widths" in raw:  # inputs exported at another width (bench/scaling.py)
        models.WIDTHS = tuple(int(w) for w in raw.pop("widths"))
    raw["theta"] = np.load(os.path.join(directory, "mlp_theta.npy"))
    raw["diag_theta"] = np.load(os.path.join(directory, "diag_theta.npy"))
    probes = os.path.join(directory, "hutchinson_probes.npy")
    if os.path.exists(probes):  # absent when exported with --probes 0
        raw["hutchinson_probes"] = np.load(probes).astype(np.float64)  # int8 ±1
    lm = os.path.join(directory, "lm.npz")
    if os.path.exists(lm):  # the transformer workloads T1–T4
        raw.update({"lm_" + k: v for k, v in np.load(lm).items()})
        raw["lm_theta"] = np.load(os.path.join(directory, "lm_theta.npy"))
    data = {k: jnp.asarray(v) for k, v in raw.items()}
    for k, v in data.items():
        assert v.dtype in (jnp.float64, jnp.int64), f"{k}: {v.dtype} (x64 not enabled?)"
    return data


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=sorted(BUILDERS))
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args()

    data = load(args.inputs)
    t0 = time.perf_counter()
    body, summarize = BUILDERS[args.workload](data)
    compile_seconds = time.perf_counter() - t0
    times, cpu_ratio, output = time_body(body, args.warmup, args.repetitions, jax.block_until_ready)
    if args.out:
        np.savez(args.out, **{k: np.asarray(v, dtype=np.float64) for k, v in summarize(output).items()})
    print(json.dumps({"workload": args.workload, "times": times, "compile_seconds": compile_seconds,
                      "cpu_ratio": cpu_ratio, "jax": jax.__version__, "devices": [str(d) for d in jax.devices()]},
                     sort_keys=True))


if __name__ == "__main__":
    main()
