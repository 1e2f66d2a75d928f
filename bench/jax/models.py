"""The benchmark's models and losses in JAX, written from their formulas (bench/README.md).

MLP 784-256-256-10, tanh hidden layers, linear output:
    z_l = a_{l-1} W_l^T + b_l,  a_0 = x,  a_l = tanh(z_l) (l < L),  f(x) = z_L
theta is PyTorch's flat order: for each layer W_l row-major [fan_out, fan_in], then b_l [fan_out].
Loss: mean over samples of l_i = 1/2 ||f(x_i) - y_i||^2 (one-hot y).

Diagonal linear network: theta = [u; v], w = u*u - v*v, f(x) = <w, x>, same squared loss.
"""
import jax
import jax.numpy as jnp

jax.config.update("jax_enable_x64", True)

WIDTHS = (784, 256, 256, 10)


def unflatten(theta):
    layers, offset = [], 0
    for fan_in, fan_out in zip(WIDTHS[:-1], WIDTHS[1:]):
        w = theta[offset:offset + fan_out * fan_in].reshape(fan_out, fan_in)
        offset += fan_out * fan_in
        b = theta[offset:offset + fan_out]
        offset += fan_out
        layers.append((w, b))
    return layers


def mlp(theta, x):
    layers = unflatten(theta)
    a = x
    for index, (w, b) in enumerate(layers):
        z = a @ w.T + b
        a = jnp.tanh(z) if index < len(layers) - 1 else z
    return a


def sample_loss(theta, x, y):
    """l_i for one sample x [784], y [10]."""
    f = mlp(theta, x[None, :])[0]
    return 0.5 * jnp.sum((f - y) ** 2)


def mean_loss(theta, x, y):
    f = mlp(theta, x)
    return jnp.mean(0.5 * jnp.sum((f - y) ** 2, axis=1))


def diagonal_net_loss(theta, x, y):
    d = x.shape[1]
    u, v = theta[:d], theta[d:]
    f = x @ (u * u - v * v)
    return jnp.mean(0.5 * (f - y[:, 0]) ** 2)


def hvp(loss, theta, direction, *data):
    """H v by forward-over-reverse: the JVP of the gradient."""
    return jax.jvp(lambda t: jax.grad(loss)(t, *data), (theta,), (direction,))[1]


def lanczos_lambda_max(matvec, start, steps):
    """Largest Ritz value after `steps` Lanczos steps with full reorthogonalization (Paige's form,
    classical Gram-Schmidt applied twice against every stored vector; Golub & Van Loan 10.1)."""
    d = start.shape[0]
    q0 = start / jnp.linalg.norm(start)

    def step(j, carry):
        basis, alphas, betas, q, q_previous, beta_previous = carry
        w = matvec(q) - beta_previous * q_previous
        alpha = q @ w
        w = w - alpha * q
        basis = basis.at[j].set(q)
        w = w - basis.T @ (basis @ w)  # rows after j are still zero
        w = w - basis.T @ (basis @ w)
        beta = jnp.linalg.norm(w)
        return basis, alphas.at[j].set(alpha), betas.at[j].set(beta), w / beta, q, beta

    init = (jnp.zeros((steps, d)), jnp.zeros(steps), jnp.zeros(steps), q0, jnp.zeros(d), jnp.zeros(()))
    _, alphas, betas, _, _, _ = jax.lax.fori_loop(0, steps, step, init)
    off = betas[:-1]
    tridiagonal = jnp.diag(alphas) + jnp.diag(off, 1) + jnp.diag(off, -1)
    return jnp.linalg.eigvalsh(tridiagonal)[-1]
