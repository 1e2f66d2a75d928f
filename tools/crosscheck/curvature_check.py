#!/usr/bin/env python3
"""Issue 5: every value of `biaslab curvature --measure lambda-max,top-k,trace,diag,adaptive,ias,noise
--exact --json` for a random small MLP and data, against a dense Hessian computed in NumPy (central
differences of the independent NumPy gradient; JAX's exact Hessian when jax is importable) and NumPy
per-sample gradients, to 1e-6 relative. Formulas: paper 002 (adaptive sharpness Σ max(H_ii, 0)^{1/2}),
paper 003 (S_b = (γ/b)S₁ + (1 − γ/b)ggᵀ, γ = (N − b)/(N − 1) without replacement or for a uniform subset, 1 with replacement;
IAS = tr(HS_b)/tr(S_b); ρ, ρ_b), paper 000 (tr Σ with 1/N, B_simple = tr Σ/‖g‖²)."""
import os

import numpy as np

from common import Checker, arguments, biaslab
from reference import mlp_dimension, mlp_loss_grad, numerical_hessian

TOLERANCE = 1e-6


def dense_hessian(widths, activation, theta, x, y):
    try:
        if os.environ.get("CROSSCHECK_NO_JAX"):
            raise ImportError("CROSSCHECK_NO_JAX is set")
        import jax
        import jax.numpy as jnp
        jax.config.update("jax_enable_x64", True)
    except ImportError:
        return numerical_hessian(lambda t: mlp_loss_grad(widths, activation, t, x, y, None, "mse")[1], theta), "central differences"

    def loss(t):
        a, offset = jnp.asarray(x), 0
        for l, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:])):
            w = t[offset:offset + n_in * n_out].reshape(n_out, n_in)
            b = t[offset + n_in * n_out:offset + n_in * n_out + n_out]
            offset += n_in * n_out + n_out
            z = a @ w.T + b
            a = (jnp.tanh(z) if activation == "tanh" else jnp.maximum(z, 0)) if l < len(widths) - 2 else z
        return 0.5 * jnp.sum((a - y) ** 2) / x.shape[0]
    return np.asarray(jax.hessian(loss)(jnp.asarray(theta))), "jax.hessian"


def main():
    options = arguments(__doc__)
    rng = np.random.default_rng(options.seed)
    checker = Checker("curvature_check")
    widths = [3, 5, 2] if options.quick else [5, 8, 3]
    n = 12 if options.quick else 40
    theta = rng.normal(size=mlp_dimension(widths)) * 0.8
    x = rng.normal(size=(n, widths[0]))
    y = rng.normal(size=(n, widths[-1]))
    np.save(checker.path("theta.npy"), theta)
    np.savez(checker.path("data.npz"), x=x, y=y)
    spec = f"mlp:{'-'.join(map(str, widths))}:tanh"

    loss, g, _ = mlp_loss_grad(widths, "tanh", theta, x, y, None, "mse")
    per_sample = np.array([mlp_loss_grad(widths, "tanh", theta, x[i:i + 1], y[i:i + 1], None, "mse")[1] for i in range(n)])
    h, source = dense_hessian(widths, "tanh", theta, x, y)
    print(f"  dense Hessian by {source}")
    eigenvalues = np.linalg.eigvalsh(h)[::-1]
    diag = np.diag(h)
    trace_s1 = np.mean(np.sum(per_sample ** 2, axis=1))
    trace_sigma = np.mean(np.sum((per_sample - g) ** 2, axis=1))
    interaction_s1 = np.mean(np.einsum("id,de,ie->i", per_sample, h, per_sample))
    interaction_sn = g @ h @ g
    rho = (g @ g) / trace_s1
    k = 4
    for b, sampling in [(4, "without-replacement"), (3, "with-replacement"), (5, "uniform-subset")]:
        gamma = 1.0 if sampling == "with-replacement" else (n - b) / (n - 1)
        w = gamma / b
        tag = f"b={b} {sampling}"
        try:
            out = biaslab("curvature", "--model", spec, "--params", checker.path("theta.npy"), "--data", checker.path("data.npz"),
                          "--loss", "mse", "--measure", "lambda-max,top-k,trace,diag,adaptive,ias,noise", "--exact",
                          "--k", k, "--batch-size", b, "--sampling", sampling)
        except RuntimeError as error:
            checker.error(tag, error)
            continue
        expected = {
            "loss": loss, "grad_norm": np.linalg.norm(g), "num_params": theta.size, "num_samples": n, "batch_size": b,
            "lambda_max": eigenvalues[0], "top_eigenvalues": eigenvalues[:k], "hessian_trace": np.trace(h), "hessian_trace_se": 0.0,
            "diag": diag, "adaptive_sharpness": np.sum(np.sqrt(np.maximum(diag, 0))),
            "diag_negative_count": np.sum(diag < 0),
            "ias": (w * interaction_s1 + (1 - w) * interaction_sn) / (w * trace_s1 + (1 - w) * (g @ g)),
            "gd_rayleigh": interaction_sn / (g @ g),
            "trace_sigma": trace_sigma, "b_simple": trace_sigma / (g @ g), "rho": rho, "rho_b": 1 / (w / rho + 1 - w),
        }
        for key, value in sorted(out.items()):
            if key in ("sampling", "eigen_residuals", "diag_method"):
                continue
            if key not in expected:
                checker.error(f"{tag} {key}", "no NumPy oracle for this output; add one")
                continue
            checker.check(f"{tag} {key}", value, expected[key], TOLERANCE)
        for key in expected:
            if key not in out:
                checker.error(f"{tag} {key}", "missing from biaslab's JSON")
        checker.check(f"{tag} sampling", [out["sampling"] == sampling], [True], 0)
        # An MLP has no closed-form Hessian diagonal: biaslab must say it used d HVPs.
        checker.check(f"{tag} diag_method", [out["diag_method"] == "hvp"], [True], 0)
        checker.check(f"{tag} eigen_residuals ≤ 1e-6·λ_max", [max(out["eigen_residuals"]) <= 1e-6 * abs(eigenvalues[0])], [True], 0)
    checker.finish()


if __name__ == "__main__":
    main()
