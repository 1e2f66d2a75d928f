"""Times one workload in PyTorch or one of its curvature libraries:
`python bench/torch/run.py PEER WORKLOAD --inputs DIR [--setting matched|default] [--repetitions R]
[--warmup W] [--out FILE.npz]`, PEER one of torch (torch.func), pyhessian, eigenthings, curvlinops,
backpack. Prints one JSON object as bench/jax/run.py does (times, compile_seconds = set-up time outside
the timed runs, cpu_ratio) plus the peer's versions and what its result is (`extra`). A peer that
cannot be imported prints {"skip": reason} and exits 3."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from timed import time_body  # noqa: E402


def load(directory):
    import torch
    from models import DEFAULT_WIDTHS
    raw = dict(np.load(os.path.join(directory, "data.npz")))
    widths = tuple(int(w) for w in raw.pop("widths", DEFAULT_WIDTHS))
    raw["theta"] = np.load(os.path.join(directory, "mlp_theta.npy"))
    raw["diag_theta"] = np.load(os.path.join(directory, "diag_theta.npy"))
    probes = os.path.join(directory, "hutchinson_probes.npy")
    if os.path.exists(probes):
        raw["hutchinson_probes"] = np.load(probes).astype(np.float64)  # int8 ±1
    lm = os.path.join(directory, "lm.npz")
    if os.path.exists(lm):  # the transformer workloads T1–T4
        raw.update({"lm_" + k: v for k, v in np.load(lm).items()})
        raw["lm_theta"] = np.load(os.path.join(directory, "lm_theta.npy"))
    data = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in raw.items()}
    data["widths"] = widths
    return data


def prime(data):
    """One small gradient and HVP before timing (counted in compile_seconds, the set-up time): the first
    torch.func call in a process pays seconds of one-time initialization (dispatch tables, BLAS)."""
    from torch.func import grad, jvp
    from models import mean_loss
    x, y, theta, widths = data["x"][:2], data["y"][:2], data["theta"], data["widths"]
    jvp(lambda t: grad(mean_loss)(t, x, y, widths), (theta,), (theta,))


def builders(peer):
    if peer == "torch":
        from workloads import BUILDERS
        return {name: (lambda data, setting, b=b: b(data)) for name, b in BUILDERS.items()}
    import libraries
    return libraries.BUILDERS[peer]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("peer", choices=["torch", "pyhessian", "pyhessian-slq", "eigenthings", "curvlinops", "backpack"])
    parser.add_argument("workload")
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--setting", choices=["matched", "default"], default="matched")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--out")
    args = parser.parse_args()

    try:
        import torch
        if getattr(torch, "__file__", None) is None:  # bench/torch itself, seen as a namespace package
            raise ImportError("No module named 'torch' (not installed in this environment)")
        table = builders(args.peer)
    except Exception as error:  # a peer that fails to install or import is skipped, not fatal
        print(json.dumps({"skip": f"{args.peer}: import failed: {type(error).__name__}: {error}"}))
        raise SystemExit(3)
    if args.workload not in table:
        print(json.dumps({"skip": f"{args.peer} has no {args.workload}"}))
        raise SystemExit(3)
    # every usable core, as the other sides; BENCH_TORCH_THREADS overrides (see bench/NOTES.md, issue 22)
    torch.set_num_threads(int(os.environ.get("BENCH_TORCH_THREADS", len(os.sched_getaffinity(0)))))
    data = load(args.inputs)
    t0 = time.perf_counter()
    prime(data)
    body, summarize = table[args.workload](data, args.setting)
    compile_seconds = time.perf_counter() - t0
    times, cpu_ratio, output = time_body(body, args.warmup, args.repetitions)
    arrays = {k: np.asarray(torch.as_tensor(v).detach().cpu(), dtype=np.float64) for k, v in summarize(output).items()}
    if args.out:
        np.savez(args.out, **arrays)
    versions = {"torch": torch.__version__}
    if args.peer != "torch":
        from importlib.metadata import version
        import libraries
        versions[args.peer] = version(libraries.DISTRIBUTIONS[args.peer])
    print(json.dumps({"workload": args.workload, "peer": args.peer, "setting": args.setting, "times": times,
                      "compile_seconds": compile_seconds, "cpu_ratio": cpu_ratio, "versions": versions,
                      "threads": torch.get_num_threads()}, sort_keys=True))


if __name__ == "__main__":
    main()
