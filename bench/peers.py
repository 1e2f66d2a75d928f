"""The peers of `make bench` beside JAX (bench/README.md, "Peers"): which workloads each one runs, with
which settings, and how its answer is checked against BiasLab's from the same run.

A task is one row of the peers table: (workload, peer, setting). `workload` names the BiasLab workload
whose answer and time it is compared with. Checks:
- "exact": the peer computes the same quantity deterministically on the shared inputs (same θ, data,
  start vector or probes): every array it returns must agree with BiasLab's to 1e-8 (norm-wise
  relative), else FAIL (make bench exits non-zero).
- "eigenvalue": the peer draws its own random start (or runs to its own tolerance): |λ − λ_BL| / |λ_BL|
  must be within the task's tolerance; outside it the row reads OFF (the tool did not converge to the
  value BiasLab's 20-step Lanczos reaches) — reported, not fatal.
- "trace": the peer draws its own probes: |T − T_BL| ≤ 4·√(SE_BL² + SE_peer²), else OFF (SE_peer =
  SE_BL for a tool that returns no standard error: the same number of probes).
- "trace-of-diagonal": an exact diagonal (BackPACK) summed, against BiasLab's Hutchinson estimate:
  |Σ diag − T_BL| ≤ 4·SE_BL, else OFF."""
import math

import numpy as np

# (workload, peer, setting, what the peer runs, check, tolerance for "eigenvalue")
TASKS = [
    ("W1", "torch", "-", "torch.func grad_and_value", "exact", None),
    ("W2", "torch", "-", "torch.func jvp(grad)", "exact", None),
    ("W3", "torch", "-", "torch.func vmap(grad)", "exact", None),
    ("W4", "torch", "-", "own Lanczos, 20 steps on jvp(grad)", "exact", None),
    ("W5", "torch", "-", "vmap of jvp(grad) over 2000 unit vectors", "exact", None),
    ("W6", "torch", "-", "1000 Adam steps, λ_max (W4) every 100", "exact", None),
    ("W7", "torch", "-", "vmap(grad), vmap of jvp(grad) in chunks of 50", "exact", None),
    ("W8", "torch", "-", "vmap of jvp(grad) on the shared probes", "exact", None),
    ("W9", "torch", "-", "W7 streamed: vmap(grad) and vmap of jvp(grad) per chunk of 50", "exact", None),
    ("T1", "torch", "-", "torch.func grad_and_value (transformer)", "exact", None),
    ("T2", "torch", "-", "torch.func jvp(grad) (transformer)", "exact", None),
    ("T3", "torch", "-", "torch.func vmap(grad) over sequences", "exact", None),
    ("T4", "torch", "-", "own Lanczos, 20 steps on jvp(grad) (transformer)", "exact", None),
    ("W3", "backpack", "-", "BatchGrad (per-sample gradients)", "exact", None),
    ("W4", "pyhessian", "matched", "eigenvalues(maxIter=20, tol=0): 20-step power iteration, random start", "eigenvalue", 1e-2),
    ("W4", "pyhessian", "default", "eigenvalues() (maxIter=100, tol=1e-3)", "eigenvalue", 1e-2),
    ("W4", "pyhessian-slq", "matched", "density(iter=20, n_v=1): top Ritz value", "eigenvalue", 1e-2),
    ("W4", "pyhessian-slq", "default", "density() (iter=100, n_v=1): top Ritz value", "eigenvalue", 1e-2),
    ("W4", "eigenthings", "matched", "lanczos_tridiagonal: 20 steps from the shared start, full reorthogonalization", "exact", None),
    ("W4", "eigenthings", "default", "lanczos() defaults: k=10, 20 steps, own random start", "eigenvalue", 1e-4),
    ("W4", "curvlinops", "matched", "own Lanczos, 20 steps, shared start, on HessianLinearOperator", "exact", None),
    ("W4", "curvlinops", "default", "scipy eigsh(k=1, which='LA') on HessianLinearOperator", "eigenvalue", 1e-4),
    ("W8", "pyhessian", "matched", "trace(maxIter=100, tol=0): 100 own Rademacher probes", "trace", None),
    ("W8", "pyhessian", "default", "trace() (maxIter=100, tol=1e-3)", "trace", None),
    ("W8", "curvlinops", "matched", "the 100 shared probes through HessianLinearOperator", "exact", None),
    ("W8", "curvlinops", "default", "hutchinson_trace defaults, own probes", "trace", None),
    ("W8", "backpack", "-", "DiagHessian: exact diag(H), summed", "trace-of-diagonal", None),
]
PEER_NAMES = sorted({task[1].split("-")[0] for task in TASKS} | {"jax"})


def selected_tasks(peers, workloads):
    return [t for t in TASKS if t[1].split("-")[0] in peers and t[0] in workloads]


def relative_error(ours, theirs):
    ours, theirs = np.ravel(ours).astype(np.float64), np.ravel(theirs).astype(np.float64)
    if ours.shape != theirs.shape:
        return float("inf")
    scale = np.linalg.norm(theirs)
    difference = np.linalg.norm(ours - theirs)
    return float(difference / scale) if scale > 0 else float(difference)


def check(kind, tolerance, ours, theirs, exact_tolerance):
    """(error, bound, verdict) of a peer's arrays `theirs` against BiasLab's `ours` (dict-like npz)."""
    if kind == "exact":
        errors = [relative_error(ours[k], theirs[k]) if k in ours.files else float("inf") for k in theirs.files]
        worst = max(errors)
        return worst, exact_tolerance, "PASS" if worst <= exact_tolerance else "FAIL"
    if kind == "eigenvalue":
        reference = float(np.ravel(ours["lambda_max"])[0])
        error = abs(float(np.ravel(theirs["lambda_max"])[0]) - reference) / abs(reference)
        return error, tolerance, "PASS~" if error <= tolerance else "OFF"
    reference, se = float(ours["trace"]), float(ours["standard_error"])
    value = float(theirs["trace"])
    if kind == "trace":  # a tool that reports no standard error: taken as BiasLab's (same probe count)
        their_se = float(theirs["standard_error"])
        bound = 4 * math.hypot(se, their_se if math.isfinite(their_se) else se)
    else:  # trace-of-diagonal: an exact trace against BiasLab's estimate
        bound = 4 * se
    error = abs(value - reference)
    return error / abs(reference), bound / abs(reference), "PASS~" if error <= bound else "OFF"
