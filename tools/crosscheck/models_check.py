#!/usr/bin/env python3
"""Issue 3: BiasLab's loss, accuracy, gradient and H·v (`biaslab evaluate`) against independent NumPy
forward/backward passes of the MLP (tanh, relu; MSE with ½, CE) and of cnn:fashion-small, at random θ
and data written by NumPy. Gradients and losses must agree to 1e-10 relative; H·v (tanh MLPs) to 1e-6
against central differences of the NumPy gradient (ReLU/max-pool gradients have kinks that differences straddle)."""
import zlib

import numpy as np

from common import Checker, arguments, biaslab
from reference import cnn_dimension, cnn_loss_grad, mlp_dimension, mlp_loss_grad

TOLERANCE = 1e-10


def evaluate(checker, tag, model, theta, x, y, loss, reference, batch=None, hvp=True):
    """Writes θ and (x, y) as NumPy files, runs `biaslab evaluate` and compares with `reference(θ, rows)`."""
    np.save(checker.path(f"{tag}-theta.npy"), theta)
    np.savez(checker.path(f"{tag}.npz"), x=x, y=y)
    rng = np.random.default_rng(zlib.crc32(tag.encode()))
    v = rng.normal(size=theta.size)
    np.save(checker.path(f"{tag}-v.npy"), v)
    args = ["evaluate", "--model", model, "--params", checker.path(f"{tag}-theta.npy"), "--data", checker.path(f"{tag}.npz"),
            "--loss", loss, "--save-gradient", checker.path(f"{tag}-g.npy")]
    if hvp:
        args += ["--hvp-direction", checker.path(f"{tag}-v.npy"), "--save-hvp", checker.path(f"{tag}-hv.npy")]
    rows = np.arange(len(x)) if batch is None else np.array(batch)
    if batch is not None:
        args += ["--batch", ",".join(map(str, batch))]
    try:
        out = biaslab(*args)
    except RuntimeError as error:
        checker.error(tag, error)
        return
    labels = y[rows] if loss == "ce" else None
    targets = y[rows] if loss == "mse" else None
    value, grad, f = reference(theta, x[rows], targets, labels, loss)
    checker.check(f"{tag} loss", out["loss"], value, TOLERANCE)
    checker.check(f"{tag} gradient", np.load(checker.path(f"{tag}-g.npy")), grad, TOLERANCE)
    checker.check(f"{tag} grad_norm", out["grad_norm"], np.linalg.norm(grad), TOLERANCE)
    checker.check(f"{tag} num_params/num_samples", [out["num_params"], out["num_samples"]], [theta.size, len(rows)], 0)
    if loss == "ce":
        checker.check(f"{tag} accuracy", out["accuracy"], np.mean(f.argmax(axis=1) == labels), 0)
    if hvp:
        step = 1e-5
        fd = (reference(theta + step * v, x[rows], targets, labels, loss)[1]
              - reference(theta - step * v, x[rows], targets, labels, loss)[1]) / (2 * step)
        checker.check(f"{tag} H·v (central differences)", np.load(checker.path(f"{tag}-hv.npy")), fd, 1e-6)


def main():
    options = arguments(__doc__)
    rng = np.random.default_rng(options.seed)
    checker = Checker("models_check")
    n = 12 if options.quick else 64
    for activation in ["tanh", "relu"]:
        widths = [6, 9, 7, 4]
        spec = f"mlp:{'-'.join(map(str, widths))}:{activation}"

        def reference(theta, x, y, labels, loss):
            return mlp_loss_grad(widths, activation, theta, x, y, labels, loss)

        theta = rng.normal(size=mlp_dimension(widths)) * 0.6
        x = rng.normal(size=(n, widths[0]))
        smooth = activation == "tanh"  # central differences of a ReLU net's gradient may straddle a kink
        evaluate(checker, f"{spec} mse", spec, theta, x, rng.normal(size=(n, widths[-1])), "mse", reference, hvp=smooth)
        labels = rng.integers(0, widths[-1], size=n)
        labels[0] = widths[-1] - 1  # every class index up to k − 1 occurs (the one-hot width)
        evaluate(checker, f"{spec} ce", spec, theta, x, labels, "ce", reference, hvp=smooth)
        evaluate(checker, f"{spec} ce batch", spec, theta, x, labels, "ce", reference, batch=[3, 0, 5, 5, 1], hvp=smooth)
    # cnn:fashion-small on random 28×28 images.
    n = 3 if options.quick else 16
    theta = rng.normal(size=cnn_dimension()) * 0.15
    x = rng.normal(size=(n, 784))
    labels = rng.integers(0, 10, size=n)
    labels[0] = 9
    evaluate(checker, "cnn:fashion-small ce", "cnn:fashion-small", theta, x, labels, "ce",
             lambda t, xx, yy, ll, loss: cnn_loss_grad(t, xx, yy, ll, loss), hvp=False)
    evaluate(checker, "cnn:fashion-small mse", "cnn:fashion-small", theta, x, rng.normal(size=(n, 10)), "mse",
             lambda t, xx, yy, ll, loss: cnn_loss_grad(t, xx, yy, ll, loss), hvp=False)
    checker.finish()


if __name__ == "__main__":
    main()
