"""The workloads of `make bench` (W1–W9 on the MLP and diagonal network, T1–T4 on the transformer of
transformer.py) in JAX (jit-compiled, float64), written from the formulas in
bench/README.md. Each builder compiles ahead of time (the runner reports that time separately) and
returns (body, summarize): body() does the timed work and returns device arrays; summarize(output)
turns the last output into the numpy arrays checked against BiasLab's."""
import jax
import jax.numpy as jnp
import numpy as np

import transformer
from models import diagonal_net_loss, hvp, lanczos_lambda_max, mean_loss, sample_loss

LANCZOS_STEPS = 20
SHARPNESS_EVERY = 100
ADAM = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)  # PyTorch Adam defaults, bias-corrected, eps outside
IAS_BATCH = 50
HESSIAN_CHUNK = 50


def compile_for(function, *arguments):
    return jax.jit(function).lower(*arguments).compile()


def w1(data):
    x, y, theta = data["x"], data["y"], data["theta"]
    run = compile_for(jax.value_and_grad(mean_loss), theta, x, y)
    return (lambda: run(theta, x, y)), (lambda out: {"loss": out[0], "gradient": out[1]})


def w2(data):
    x, y, theta, direction = data["x"], data["y"], data["theta"], data["direction"]
    run = compile_for(lambda t, v, xx, yy: hvp(mean_loss, t, v, xx, yy), theta, direction, x, y)
    return (lambda: run(theta, direction, x, y)), (lambda out: {"hvp": out})


def per_sample_gradients(theta, x, y):
    return jax.vmap(jax.grad(sample_loss), in_axes=(None, 0, 0))(theta, x, y)


def w3(data):
    x, y, theta = data["x"], data["y"], data["theta"]
    run = compile_for(per_sample_gradients, theta, x, y)
    return (lambda: run(theta, x, y)), (lambda g: per_sample_digest(g, data["direction"], data["sample_weights"]))


def per_sample_digest(g, direction, weights):
    """What a per-sample gradient matrix G is checked by: ||g_i||^2 for every i, G direction, weights^T G."""
    g = np.asarray(g)
    return {"row_norms_sq": np.einsum("ij,ij->i", g, g), "times_direction": g @ np.asarray(direction),
            "weighted_rows": np.asarray(weights) @ g}


def lambda_max(theta, start, x, y):
    return lanczos_lambda_max(lambda v: hvp(mean_loss, theta, v, x, y), start, LANCZOS_STEPS)


def w4(data):
    x, y, theta, start = data["x"], data["y"], data["theta"], data["lanczos_start"]
    run = compile_for(lambda_max, theta, start, x, y)
    return (lambda: run(theta, start, x, y)), (lambda out: {"lambda_max": out})


def w5(data):
    x, y, theta = data["diag_x"], data["diag_y"], data["diag_theta"]

    def diagonal(t, xx, yy):
        basis = jnp.eye(t.shape[0])
        columns = jax.vmap(lambda e: hvp(diagonal_net_loss, t, e, xx, yy))(basis)  # 2000 HVPs, batched
        return jnp.diagonal(columns)
    run = compile_for(diagonal, theta, x, y)
    return (lambda: run(theta, x, y)), (lambda out: {"diagonal": out})


def adam_segment(theta, m, v, t0, batches, x, y):
    """SHARPNESS_EVERY Adam steps, PyTorch convention:
    m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;  theta <- theta - lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)."""
    b1, b2, lr, eps = ADAM["beta1"], ADAM["beta2"], ADAM["lr"], ADAM["eps"]

    def step(i, carry):
        theta, m, v = carry
        batch = batches[i]
        g = jax.grad(mean_loss)(theta, x[batch], y[batch])
        t = (t0 + i + 1).astype(jnp.float64)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta = theta - lr * (m / (1 - b1 ** t)) / (jnp.sqrt(v / (1 - b2 ** t)) + eps)
        return theta, m, v
    return jax.lax.fori_loop(0, batches.shape[0], step, (theta, m, v))


def w6(data):
    x, y, theta, start = data["x"], data["y"], data["theta"], data["lanczos_start"]
    batches = data["adam_batches"]
    segments = batches.shape[0] // SHARPNESS_EVERY
    zeros = jnp.zeros_like(theta)
    segment = compile_for(adam_segment, theta, zeros, zeros, jnp.int64(0), batches[:SHARPNESS_EVERY], x, y)
    sharpness = compile_for(lambda_max, theta, start, x, y)

    def body():
        t, m, v = theta, zeros, zeros
        lambdas = []
        for s in range(segments):
            t, m, v = segment(t, m, v, jnp.int64(s * SHARPNESS_EVERY),
                              batches[s * SHARPNESS_EVERY:(s + 1) * SHARPNESS_EVERY], x, y)
            lambdas.append(sharpness(t, start, x, y))
        return t, jnp.stack(lambdas)
    return body, (lambda out: {"theta": out[0], "lambda_max": out[1]})


def hessian_chunk(theta, vectors, x, y):
    """H v_i for a chunk of vectors (vmap of jvp(grad)): returns v_i^T H v_i and sum_i H v_i."""
    products = jax.vmap(lambda v: hvp(mean_loss, theta, v, x, y))(vectors)
    return jnp.sum(products * vectors, axis=1), jnp.sum(products, axis=0)


def w7(data):
    """Exact IAS (paper 003): with g_i the per-sample gradients, g their mean, gamma = (N-b)/(N-1),
    tr(H S_1) = mean_i g_i^T H g_i,  tr(S_1) = mean_i ||g_i||^2,
    tr(H S_b) = (gamma/b) tr(H S_1) + (1 - gamma/b) g^T H g,
    tr(S_b)   = (gamma/b) tr(S_1)   + (1 - gamma/b) ||g||^2,     IAS = tr(H S_b) / tr(S_b)."""
    x, y, theta = data["x"], data["y"], data["theta"]
    n = x.shape[0]
    psg = compile_for(per_sample_gradients, theta, x, y)
    chunk = compile_for(hessian_chunk, theta, jnp.zeros((HESSIAN_CHUNK, theta.shape[0])), x, y)

    def body():
        g = psg(theta, x, y)
        curvatures, h_sum = [], jnp.zeros_like(theta)
        for start in range(0, n, HESSIAN_CHUNK):
            c, s = chunk(theta, g[start:start + HESSIAN_CHUNK], x, y)
            curvatures.append(c)
            h_sum = h_sum + s
        return ias_from_parts(jnp.concatenate(curvatures), jnp.sum(g * g, axis=1), jnp.mean(g, axis=0), h_sum, n)
    return body, summarize_ias


def ias_from_parts(curvatures, squared_norms, mean_g, h_sum, n):
    """IAS from g_i^T H g_i, ||g_i||^2, g and sum_i H g_i (w7's formulas)."""
    full = mean_g @ (h_sum / n)
    c = ((n - IAS_BATCH) / (n - 1)) / IAS_BATCH
    interaction = c * jnp.mean(curvatures) + (1 - c) * full
    second_moment = c * jnp.mean(squared_norms) + (1 - c) * (mean_g @ mean_g)
    return interaction / second_moment, curvatures, full


def summarize_ias(out):
    return {"ias": out[0], "per_sample_curvatures": out[1], "full_batch_interaction": out[2]}


def w9(data):
    """W7 streamed: per-sample gradients of HESSIAN_CHUNK samples at a time, never the N x d matrix."""
    x, y, theta = data["x"], data["y"], data["theta"]
    n, k = x.shape[0], HESSIAN_CHUNK
    psg = compile_for(per_sample_gradients, theta, x[:k], y[:k])
    chunk = compile_for(hessian_chunk, theta, jnp.zeros((k, theta.shape[0])), x, y)

    def body():
        curvatures, norms = [], []
        g_sum, h_sum = jnp.zeros_like(theta), jnp.zeros_like(theta)
        for start in range(0, n, k):
            g = psg(theta, x[start:start + k], y[start:start + k])
            c, s = chunk(theta, g, x, y)
            curvatures.append(c)
            norms.append(jnp.sum(g * g, axis=1))
            g_sum, h_sum = g_sum + jnp.sum(g, axis=0), h_sum + s
        return ias_from_parts(jnp.concatenate(curvatures), jnp.concatenate(norms), g_sum / n, h_sum, n)
    return body, summarize_ias


def w8(data):
    """Hutchinson's trace estimate on the shared probes z_1..z_n (rows of hutchinson_probes):
    T = (1/n) sum_j z_j^T H z_j,  SE = s/sqrt(n) with s the sample standard deviation (ddof = 1).
    The z_j^T H z_j come from hessian_chunk over chunks of HESSIAN_CHUNK probes (its H-sum unused,
    so XLA drops it)."""
    x, y, theta, probes = data["x"], data["y"], data["theta"], data["hutchinson_probes"]
    n = probes.shape[0]
    assert n % HESSIAN_CHUNK == 0, f"{n} probes do not split into chunks of {HESSIAN_CHUNK}"
    chunk = compile_for(lambda t, z, xx, yy: hessian_chunk(t, z, xx, yy)[0], theta, probes[:HESSIAN_CHUNK], x, y)

    def body():
        samples = jnp.concatenate([chunk(theta, probes[start:start + HESSIAN_CHUNK], x, y)
                                   for start in range(0, n, HESSIAN_CHUNK)])
        return jnp.mean(samples), jnp.std(samples, ddof=1) / jnp.sqrt(n)
    return body, (lambda out: {"trace": out[0], "standard_error": out[1]})


def lm_parts(data):
    spec = tuple(int(s) for s in data["lm_spec"])
    return data["lm_x"], data["lm_y"], data["lm_theta"], spec


def t1(data):
    x, y, theta, spec = lm_parts(data)
    run = compile_for(jax.value_and_grad(lambda t, xx, yy: transformer.mean_loss(t, xx, yy, spec)), theta, x, y)
    return (lambda: run(theta, x, y)), (lambda out: {"loss": out[0], "gradient": out[1]})


def t2(data):
    x, y, theta, spec = lm_parts(data)
    direction = data["lm_direction"]
    loss = lambda t, xx, yy: transformer.mean_loss(t, xx, yy, spec)  # noqa: E731
    run = compile_for(lambda t, v, xx, yy: hvp(loss, t, v, xx, yy), theta, direction, x, y)
    return (lambda: run(theta, direction, x, y)), (lambda out: {"hvp": out})


def t3(data):
    x, y, theta, spec = lm_parts(data)
    per_sequence = jax.vmap(jax.grad(lambda t, xx, yy: transformer.sequence_loss(t, xx, yy, spec)), in_axes=(None, 0, 0))
    run = compile_for(per_sequence, theta, x, y)
    return (lambda: run(theta, x, y)), (lambda g: per_sample_digest(g, data["lm_direction"], data["lm_sample_weights"]))


def t4(data):
    x, y, theta, spec = lm_parts(data)
    start = data["lm_lanczos_start"]
    loss = lambda t, xx, yy: transformer.mean_loss(t, xx, yy, spec)  # noqa: E731
    run = compile_for(lambda t, s, xx, yy: lanczos_lambda_max(lambda v: hvp(loss, t, v, xx, yy), s, LANCZOS_STEPS),
                      theta, start, x, y)
    return (lambda: run(theta, start, x, y)), (lambda out: {"lambda_max": out})


BUILDERS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8, "W9": w9,
            "T1": t1, "T2": t2, "T3": t3, "T4": t4}
