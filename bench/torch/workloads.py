"""The workloads of `make bench` in PyTorch torch.func (eager, float64), written from the formulas in
bench/README.md, with the JAX peer's interface: each builder returns (body, summarize); body() does the
timed work, summarize(output) gives the numpy arrays checked against BiasLab's."""
import numpy as np
import torch
from torch.func import grad, grad_and_value, jvp, vmap

import transformer
from models import lanczos_lambda_max, mean_loss, sample_loss

LANCZOS_STEPS = 20
SHARPNESS_EVERY = 100
ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
IAS_BATCH = 50
HESSIAN_CHUNK = 50


def hvp(theta, direction, x, y, widths):
    """H v by forward-over-reverse: the JVP of the gradient."""
    return jvp(lambda t: grad(mean_loss)(t, x, y, widths), (theta,), (direction,))[1]


def per_sample_gradients(theta, x, y, widths):
    return vmap(grad(sample_loss), in_dims=(None, 0, 0, None))(theta, x, y, widths)


def hessian_chunk(theta, vectors, x, y, widths):
    """v_i^T H v_i and sum_i H v_i for a chunk of vectors (vmap of jvp(grad))."""
    products = vmap(lambda v: hvp(theta, v, x, y, widths))(vectors)
    return (products * vectors).sum(dim=1), products.sum(dim=0)


def lambda_max(theta, start, x, y, widths):
    return lanczos_lambda_max(lambda v: hvp(theta, v, x, y, widths), start, LANCZOS_STEPS)


def w1(d):
    run = grad_and_value(mean_loss)  # loss and gradient from one pass
    return (lambda: run(d["theta"], d["x"], d["y"], d["widths"])), (lambda out: {"loss": out[1], "gradient": out[0]})


def w2(d):
    return ((lambda: hvp(d["theta"], d["direction"], d["x"], d["y"], d["widths"])), (lambda out: {"hvp": out}))


def w3(d):
    def summarize(g):
        return {"row_norms_sq": (g * g).sum(dim=1), "times_direction": g @ d["direction"],
                "weighted_rows": d["sample_weights"] @ g}
    return (lambda: per_sample_gradients(d["theta"], d["x"], d["y"], d["widths"])), summarize


def w4(d):
    return ((lambda: lambda_max(d["theta"], d["lanczos_start"], d["x"], d["y"], d["widths"])),
            (lambda out: {"lambda_max": out}))


def diagonal_net_loss(theta, x, y):
    p = x.shape[1]
    u, v = theta[:p], theta[p:]
    return (0.5 * (x @ (u * u - v * v) - y[:, 0]) ** 2).mean()


def w5(d):
    x, y, theta = d["diag_x"], d["diag_y"], d["diag_theta"]

    def body():
        basis = torch.eye(theta.shape[0])
        columns = vmap(lambda e: jvp(lambda t: grad(diagonal_net_loss)(t, x, y), (theta,), (e,))[1])(basis)
        return torch.diagonal(columns)
    return body, (lambda out: {"diagonal": out})


def w6(d):
    """1000 Adam steps, PyTorch convention (bias-corrected, eps outside the root), lambda_max every 100."""
    b1, b2, lr, eps = ADAM["beta1"], ADAM["beta2"], ADAM["lr"], ADAM["eps"]
    x, y, widths, batches = d["x"], d["y"], d["widths"], d["adam_batches"]
    step_gradient = grad(mean_loss)

    def body():
        theta = d["theta"].clone()
        m, v = torch.zeros_like(theta), torch.zeros_like(theta)
        lambdas = []
        for t in range(1, batches.shape[0] + 1):
            batch = batches[t - 1]
            g = step_gradient(theta, x[batch], y[batch], widths)
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            theta -= lr * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + eps)
            if t % SHARPNESS_EVERY == 0:
                lambdas.append(lambda_max(theta, d["lanczos_start"], x, y, widths))
        return theta, torch.stack(lambdas)
    return body, (lambda out: {"theta": out[0], "lambda_max": out[1]})


def w7(d):
    """Exact IAS (paper 003, eq. (2)), as bench/jax/workloads.py w7."""
    x, y, theta, widths = d["x"], d["y"], d["theta"], d["widths"]
    n = x.shape[0]

    def body():
        g = per_sample_gradients(theta, x, y, widths)
        curvatures, h_sum = [], torch.zeros_like(theta)
        for start in range(0, n, HESSIAN_CHUNK):
            c, s = hessian_chunk(theta, g[start:start + HESSIAN_CHUNK], x, y, widths)
            curvatures.append(c)
            h_sum += s
        return ias_from_parts(torch.cat(curvatures), (g * g).sum(dim=1), g.mean(dim=0), h_sum, n)
    return body, summarize_ias


def ias_from_parts(curvatures, squared_norms, mean_g, h_sum, n):
    """IAS from g_i^T H g_i, ||g_i||^2, g and sum_i H g_i (w7's formulas)."""
    full = mean_g @ (h_sum / n)
    c = ((n - IAS_BATCH) / (n - 1)) / IAS_BATCH
    interaction = c * curvatures.mean() + (1 - c) * full
    second_moment = c * squared_norms.mean() + (1 - c) * (mean_g @ mean_g)
    return interaction / second_moment, curvatures, full


def summarize_ias(out):
    return {"ias": out[0], "per_sample_curvatures": out[1], "full_batch_interaction": out[2]}


def w9(d):
    """W7 streamed: per-sample gradients of HESSIAN_CHUNK samples at a time, never the N x d matrix."""
    x, y, theta, widths = d["x"], d["y"], d["theta"], d["widths"]
    n, k = x.shape[0], HESSIAN_CHUNK

    def body():
        curvatures, norms = [], []
        g_sum, h_sum = torch.zeros_like(theta), torch.zeros_like(theta)
        for start in range(0, n, k):
            g = per_sample_gradients(theta, x[start:start + k], y[start:start + k], widths)
            c, s = hessian_chunk(theta, g, x, y, widths)
            curvatures.append(c)
            norms.append((g * g).sum(dim=1))
            g_sum += g.sum(dim=0)
            h_sum += s
        return ias_from_parts(torch.cat(curvatures), torch.cat(norms), g_sum / n, h_sum, n)
    return body, summarize_ias


def w8(d):
    """Hutchinson on the shared probes: T = mean_j z_j^T H z_j, SE = std(ddof=1)/sqrt(n)."""
    x, y, theta, widths, probes = d["x"], d["y"], d["theta"], d["widths"], d["hutchinson_probes"]
    n = probes.shape[0]

    def body():
        samples = torch.cat([hessian_chunk(theta, probes[s:s + HESSIAN_CHUNK], x, y, widths)[0]
                             for s in range(0, n, HESSIAN_CHUNK)])
        return samples.mean(), samples.std(correction=1) / n ** 0.5
    return body, (lambda out: {"trace": out[0], "standard_error": out[1]})


def lm_parts(d):
    return d["lm_theta"], d["lm_x"], d["lm_y"], tuple(int(s) for s in d["lm_spec"])


def lm_hvp(theta, direction, x, y, spec):
    return jvp(lambda t: grad(transformer.mean_loss)(t, x, y, spec), (theta,), (direction,))[1]


def t1(d):
    theta, x, y, spec = lm_parts(d)
    run = grad_and_value(transformer.mean_loss)
    return (lambda: run(theta, x, y, spec)), (lambda out: {"loss": out[1], "gradient": out[0]})


def t2(d):
    theta, x, y, spec = lm_parts(d)
    return (lambda: lm_hvp(theta, d["lm_direction"], x, y, spec)), (lambda out: {"hvp": out})


def t3(d):
    """vmap(grad) of one sequence's loss (x, y [T] inside the vmap: mean over its positions)."""
    theta, x, y, spec = lm_parts(d)
    per_sequence = vmap(grad(transformer.mean_loss), in_dims=(None, 0, 0, None))

    def summarize(g):
        return {"row_norms_sq": (g * g).sum(dim=1), "times_direction": g @ d["lm_direction"],
                "weighted_rows": d["lm_sample_weights"] @ g}
    return (lambda: per_sequence(theta, x, y, spec)), summarize


def t4(d):
    theta, x, y, spec = lm_parts(d)
    return ((lambda: lanczos_lambda_max(lambda v: lm_hvp(theta, v, x, y, spec), d["lm_lanczos_start"], LANCZOS_STEPS)),
            (lambda out: {"lambda_max": out}))


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9,
            "T1": t1, "T2": t2, "T3": t3, "T4": t4}
