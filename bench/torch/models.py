"""The benchmark's MLP and loss in PyTorch (float64), written from the formulas in bench/README.md (not
from BiasLab's code), as bench/jax/models.py is for JAX:
    z_l = a_{l-1} W_l^T + b_l,  a_0 = x,  a_l = tanh(z_l) (l < L),  f(x) = z_L,
theta in PyTorch's flat order (per layer W_l [fan_out, fan_in] row-major, then b_l); loss
L(theta) = (1/N) sum_i 1/2 ||f(x_i) - y_i||^2. The widths come from the inputs (`widths` in data.npz,
written by `biaslab-bench export`; 784-256-256-10 when absent)."""
import torch

torch.set_default_dtype(torch.float64)

DEFAULT_WIDTHS = (784, 256, 256, 10)


def unflatten(theta, widths):
    layers, offset = [], 0
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        w = theta[offset:offset + fan_out * fan_in].reshape(fan_out, fan_in)
        offset += fan_out * fan_in
        layers.append((w, theta[offset:offset + fan_out]))
        offset += fan_out
    return layers


def mlp(theta, x, widths):
    layers = unflatten(theta, widths)
    a = x
    for index, (w, b) in enumerate(layers):
        z = a @ w.T + b
        a = torch.tanh(z) if index < len(layers) - 1 else z
    return a


def mean_loss(theta, x, y, widths):
    return (0.5 * ((mlp(theta, x, widths) - y) ** 2).sum(dim=1)).mean()


def sample_loss(theta, x, y, widths):
    """l_i for one sample x [784], y [10]."""
    return 0.5 * ((mlp(theta, x[None, :], widths)[0] - y) ** 2).sum()


def module(theta, widths):
    """The same MLP as a torch.nn.Sequential (for the libraries that take an nn.Module), its
    parameters set from theta (PyTorch's order is the flat order)."""
    parts = []
    for index, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        parts.append(torch.nn.Linear(fan_in, fan_out))
        if index < len(widths) - 2:
            parts.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*parts).double()
    torch.nn.utils.vector_to_parameters(theta.detach().clone(), net.parameters())
    return net


def half_mean_squared_error(f, y):
    """The bench's loss on a module's output: (1/N) sum_i 1/2 ||f_i - y_i||^2."""
    return (0.5 * ((f - y) ** 2).sum(dim=1)).mean()


def lanczos_lambda_max(matvec, start, steps):
    """Largest Ritz value after `steps` Lanczos steps with full reorthogonalization (Paige's form,
    classical Gram-Schmidt twice against every stored vector; Golub & Van Loan 10.1), as the JAX peer."""
    q = start / torch.linalg.norm(start)
    q_previous, beta_previous = torch.zeros_like(q), 0.0
    basis, alphas, betas = [], [], []
    for _ in range(steps):
        w = matvec(q) - beta_previous * q_previous
        alpha = torch.dot(q, w)
        w = w - alpha * q
        basis.append(q)
        stacked = torch.stack(basis)
        w = w - stacked.T @ (stacked @ w)
        w = w - stacked.T @ (stacked @ w)
        beta = torch.linalg.norm(w)
        alphas.append(alpha)
        betas.append(beta)
        q_previous, q, beta_previous = q, w / beta, beta
    a, off = torch.stack(alphas), torch.stack(betas[:-1])
    tridiagonal = torch.diag(a) + torch.diag(off, 1) + torch.diag(off, -1)
    return torch.linalg.eigvalsh(tridiagonal)[-1]
