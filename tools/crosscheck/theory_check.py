#!/usr/bin/env python3
"""Issues 6/7: `biaslab theory adam-noise` and `biaslab scale` against independent evaluations of the
papers' formulas, at settings that no digest lists.

- Paper 000 (digest 000 §4.2, §4.5): C₁…C₅ transcribed from the paper's §A.2 closed forms, C₁ also as
  ½(f) − [d² coefficient of Eq. (11)] with the Prop. A.6 series (f) summed to n = 20000 (tail < 1e-12),
  the full-batch coefficient β₁/(1−β₁) − β₂/(1−β₂), C_total = FB + (C₁ + C₂)λ, λ = (N/b − 1)/(N − 1)·B_simple,
  b_½ = 2NB/(N + 2B − 1), b_1 = NB/(N + B − 1); to 1e-8 relative.
- Measured B_simple = tr Σ/‖g‖² (Σ with 1/N) of a random MLP on an .npz from NumPy per-sample gradients.
- Paper 004 square-root rule (digest 004 §4.1) for Adam and RMSprop, SGD's linear rule, and paper 003's
  LSSR η₁ = η₀ ρ_{b₁}/ρ_{b₀} with ρ_b = 1/((γ/b)/ρ + 1 − γ/b), γ = (N − b)/(N − 1) (digest 003 eq. (17));
  SDE invariants σ₀ = η/√B, c_i = (1 − β_i)/η², ε₀ = εη, η/B."""
import numpy as np

from common import Checker, arguments, biaslab
from reference import mlp_dimension, mlp_loss_grad

TOLERANCE = 1e-8


def constants(b1, b2):
    """C₁…C₅ of paper 000 §A.2 (digest 000 §4.2), as printed."""
    c1 = ((1 - b1 ** 2) / (b1 * (1 - b1 * b2)) + (1 - b1) ** 2 / (b1 * (1 - b1 * b2) ** 2)
          + 3 * (1 + b1) / (2 * (1 - b1) * (1 + b2)) - 2 / (b1 * (1 - b1)) + 3 / (2 - 2 * b2) + 3 / (1 + b2) ** 2 - 2)
    c2 = ((b1 - b2) * (b1 * b2 ** 2 - b1 * b2 + b1 + b2 ** 2 - 2 * b2)
          / ((1 - b1) * (1 - b2) * (1 + b2) * (1 - b1 * b2)))
    c3 = ((-2 * b1 ** 2 * b2 ** 5 + (b1 ** 2 + 8 * b1) * b2 ** 4 + (-5 * b1 ** 2 + 2 * b1 - 4) * b2 ** 3
           + (2 * b1 ** 2 - 2 * b1 - 1) * b2 - 2 * b1 * b2 ** 5 + (2 * b1 + 1) * b2 ** 2)
          / ((1 - b2) * (1 + b2) ** 2 * (1 - b1 * b2) ** 2))
    c4 = -(b1 - b2) ** 2 / ((1 + b1) * (1 + b2) * (1 - b1 * b2))
    c5 = b2 * (b2 - b1) * (2 * b2 - 3 * b1 - 1) / ((1 + b1) * (1 + b2) ** 2 * (1 - b1 * b2))
    return c1, c2, c3, c4, c5


def c1_from_series(b1, b2, n=20000):
    """C₁ = ½(f) − [coefficient of ∇_j‖g‖₁ E d²_{0,j}/|g_j|³ in E[MP/R³]] (digest 000 §4.6), with
    (f) = Σ_r(3ν²_{n,r} − ν_{n,r}) · Σ_k μ_{n,k}(n − k) summed at finite n (geometric tails ~ β^n)."""
    k = np.arange(n + 1)
    mu = b1 ** (n - k) * (1 - b1) / (1 - b1 ** (n + 1))
    nu = b2 ** (n - k) * (1 - b2) / (1 - b2 ** (n + 1))
    f = np.sum(3 * nu ** 2 - nu) * np.sum(mu * (n - k))
    be, r = b1, b2
    d2 = -(4 * be**2 * r**5 + 2 * be * r**5 + 3 * be**2 * r**4 - 6 * be * r**4 - 3 * r**4 - 5 * be**2 * r**3 - 10 * be * r**3
           + 3 * r**3 + 3 * be**2 * r**2 + 6 * be * r**2 + 9 * r**2 + be**2 * r - 4 * be * r - 3 * r) / ((1 - r) * (1 + r)**2 * (1 - be * r)**2)
    return 0.5 * f - d2


def main():
    options = arguments(__doc__)
    rng = np.random.default_rng(options.seed)
    checker = Checker("theory_check")
    # The digest's own reference row, to validate the transcription (digest 000 §4.2 table, (0.9, 0.95)).
    checker.check("C1..C5 at (0.9, 0.95) vs digest table", constants(0.9, 0.95),
                  [23.16652712, 4.960212202, -18.69462718, -0.004653543674, -0.08161599674], 1e-8)
    pairs = [(0.87, 0.97), (0.93, 0.995), (0.5, 0.8), (0.95, 0.93), (0.99, 0.9995)]
    for b1, b2 in pairs[:3] if options.quick else pairs:
        c = constants(b1, b2)
        checker.check(f"C1 closed form vs series at ({b1}, {b2})", c1_from_series(b1, b2), c[0], 1e-8)
        fb = b1 / (1 - b1) - b2 / (1 - b2)
        lam = float(rng.uniform(0.05, 3))
        out = biaslab("theory", "adam-noise", "--beta1", b1, "--beta2", b2, "--lambda", lam)
        checker.check(f"adam-noise ({b1}, {b2}) c1..c5", [out[f"c{i}"] for i in range(1, 6)], c, TOLERANCE)
        checker.check(f"adam-noise ({b1}, {b2}) full_batch_coefficient", out["full_batch_coefficient"], fb, TOLERANCE)
        checker.check(f"adam-noise ({b1}, {b2}) c_total at λ={lam:.3f}", out["c_total"], fb + (c[0] + c[1]) * lam, TOLERANCE)
        n_data, batch, b_simple = 7000, 96, float(rng.uniform(20, 400))
        out = biaslab("theory", "adam-noise", "--beta1", b1, "--beta2", b2, "--n", n_data, "--batch-size", batch, "--b-simple", b_simple)
        lam = (n_data / batch - 1) / (n_data - 1) * b_simple
        checker.check(f"adam-noise ({b1}, {b2}) lambda from N, b, B", out["lambda"], lam, TOLERANCE)
        checker.check(f"adam-noise ({b1}, {b2}) c_total from N, b, B", out["c_total"], fb + (c[0] + c[1]) * lam, TOLERANCE)
        checker.check(f"adam-noise ({b1}, {b2}) b_half, b_one", [out["b_half"], out["b_one"]],
                      [2 * n_data * b_simple / (n_data + 2 * b_simple - 1), n_data * b_simple / (n_data + b_simple - 1)], TOLERANCE)

    # Measured B_simple on an .npz, from NumPy per-sample gradients.
    widths, n = [4, 6, 2], 16
    theta = rng.normal(size=mlp_dimension(widths))
    x, y = rng.normal(size=(n, widths[0])), rng.normal(size=(n, widths[-1]))
    np.save(checker.path("theta.npy"), theta)
    np.savez(checker.path("data.npz"), x=x, y=y)
    g = mlp_loss_grad(widths, "tanh", theta, x, y, None, "mse")[1]
    per_sample = np.array([mlp_loss_grad(widths, "tanh", theta, x[i:i + 1], y[i:i + 1], None, "mse")[1] for i in range(n)])
    b_simple = np.mean(np.sum((per_sample - g) ** 2, axis=1)) / (g @ g)
    batch = 4
    out = biaslab("theory", "adam-noise", "--model", "mlp:4-6-2:tanh", "--params", checker.path("theta.npy"),
                  "--data", checker.path("data.npz"), "--loss", "mse", "--batch-size", batch, "--beta1", 0.9, "--beta2", 0.99)
    lam = (n / batch - 1) / (n - 1) * b_simple
    checker.check("measured b_simple (theory adam-noise --model)", out["b_simple"], b_simple, TOLERANCE)
    checker.check("measured lambda (theory adam-noise --model)", out["lambda"], lam, TOLERANCE)
    out = biaslab("curvature", "--model", "mlp:4-6-2:tanh", "--params", checker.path("theta.npy"), "--data", checker.path("data.npz"),
                  "--loss", "mse", "--measure", "noise")
    checker.check("measured b_simple (curvature --measure noise)", out["b_simple"], b_simple, TOLERANCE)

    # Scaling rules.
    def invariants(lr, batch, beta1=None, beta2=None, eps=None):
        result = {"sigma0": lr / np.sqrt(batch), "lr_over_batch": lr / batch}
        if beta1 is not None:
            result["c1"] = (1 - beta1) / lr ** 2
        if beta2 is not None:
            result["c2"] = (1 - beta2) / lr ** 2
        if eps is not None:
            result["eps0"] = eps * lr
        return result

    def compare(tag, out, expected):
        for key, value in expected.items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    checker.check(f"{tag} {key}.{sub}", out[key][sub], v, TOLERANCE)
            else:
                checker.check(f"{tag} {key}", out[key], value, TOLERANCE)
        checker.check(f"{tag} valid", [out["valid"]], [True], 0)

    for b0, b1_, lr, beta1, beta2, eps in [(96, 480, 2e-3, 0.97, 0.995, 3e-8), (200, 50, 7e-4, 0.9, 0.98, 1e-7)]:
        kappa = b1_ / b0
        out = biaslab("scale", "--rule", "sqrt", "--optimizer", "adam", "--batch-size", b0, "--to-batch-size", b1_, "--lr", lr,
                      "--beta1", beta1, "--beta2", beta2, "--eps", eps)
        new = (lr * np.sqrt(kappa), 1 - kappa * (1 - beta1), 1 - kappa * (1 - beta2), eps / np.sqrt(kappa))
        compare(f"scale sqrt adam {b0}→{b1_}", out, {
            "kappa": kappa, "lr": new[0], "beta1": new[1], "beta2": new[2], "eps": new[3], "batch_size": b1_,
            "steps_factor": 1 / kappa, "v0_factor": 1 / kappa,
            "base_invariants": invariants(lr, b0, beta1, beta2, eps), "invariants": invariants(new[0], b1_, new[1], new[2], new[3])})
        out = biaslab("scale", "--rule", "sqrt", "--optimizer", "rmsprop", "--batch-size", b0, "--to-batch-size", b1_, "--lr", lr,
                      "--beta2", beta2, "--eps", eps)
        compare(f"scale sqrt rmsprop {b0}→{b1_}", out, {
            "kappa": kappa, "lr": new[0], "beta2": new[2], "eps": new[3], "steps_factor": 1 / kappa, "v0_factor": 1 / kappa,
            "invariants": invariants(new[0], b1_, None, new[2], new[3])})
        out = biaslab("scale", "--rule", "linear", "--optimizer", "sgd", "--batch-size", b0, "--to-batch-size", b1_, "--lr", lr)
        compare(f"scale linear sgd {b0}→{b1_}", out, {"kappa": kappa, "lr": lr * kappa, "steps_factor": 1 / kappa,
                                                     "invariants": invariants(lr * kappa, b1_)})
    for b0, b1_, lr, rho, n_data, sampling in [(24, 300, 0.03, 0.013, 3000, "without-replacement"),
                                              (16, 128, 0.05, 0.002, 5000, "with-replacement")]:
        def rho_b(b):
            gamma = (n_data - b) / (n_data - 1) if sampling == "without-replacement" else 1.0
            return 1 / ((gamma / b) / rho + 1 - gamma / b)
        out = biaslab("scale", "--rule", "lssr", "--optimizer", "sgd", "--batch-size", b0, "--to-batch-size", b1_, "--lr", lr,
                      "--rho", rho, "--n", n_data, "--sampling", sampling)
        new_lr = lr * rho_b(b1_) / rho_b(b0)
        compare(f"scale lssr {b0}→{b1_} {sampling}", out, {
            "kappa": b1_ / b0, "lr": new_lr, "rho_b_from": rho_b(b0), "rho_b_to": rho_b(b1_), "steps_factor": b0 / b1_,
            "invariants": invariants(new_lr, b1_)})
    checker.finish()


if __name__ == "__main__":
    main()
