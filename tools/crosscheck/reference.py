"""Independent NumPy implementations of BiasLab's models and losses (PyTorch layouts), written from the
documented formulas, never from the Swift code. JAX is not needed."""
import numpy as np

ACTIVATIONS = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
}


def mlp_layout(widths):
    """[(W slice, b slice, out, in)] in PyTorch's flat θ order: per layer W [out, in] row-major, then b."""
    layout, offset = [], 0
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        w = slice(offset, offset + n_out * n_in)
        b = slice(w.stop, w.stop + n_out)
        layout.append((w, b, n_out, n_in))
        offset = b.stop
    return layout


def mlp_dimension(widths):
    return mlp_layout(widths)[-1][1].stop


def loss_and_output_gradient(f, y, labels, loss):
    """Mean loss over the samples and ∂L/∂f. mse: ℓ = ½‖f − y‖²; ce: ℓ = logsumexp(f) − f_y."""
    n = f.shape[0]
    if loss == "mse":
        r = f - y
        return 0.5 * np.sum(r * r) / n, r / n
    shifted = f - f.max(axis=1, keepdims=True)
    lse = np.log(np.exp(shifted).sum(axis=1))
    value = np.mean(lse - shifted[np.arange(n), labels])
    p = np.exp(shifted - lse[:, None])
    p[np.arange(n), labels] -= 1
    return value, p / n


def mlp_loss_grad(widths, activation, theta, x, y, labels, loss):
    """L(θ) = (1/N) Σ ℓ(f(x_i), y_i) for the MLP z_l = a_{l−1}W_lᵀ + b_l, a_l = σ(z_l), f = z_L; and ∇L."""
    sigma, dsigma = ACTIVATIONS[activation]
    layout = mlp_layout(widths)
    a, zs = [x], []
    for l, (w, b, n_out, n_in) in enumerate(layout):
        z = a[-1] @ theta[w].reshape(n_out, n_in).T + theta[b]
        zs.append(z)
        a.append(sigma(z) if l < len(layout) - 1 else z)
    value, delta = loss_and_output_gradient(a[-1], y, labels, loss)
    grad = np.zeros_like(theta)
    for l in reversed(range(len(layout))):
        w, b, n_out, n_in = layout[l]
        grad[w] = (delta.T @ a[l]).ravel()
        grad[b] = delta.sum(axis=0)
        if l > 0:
            delta = (delta @ theta[w].reshape(n_out, n_in)) * dsigma(zs[l - 1])
    return value, grad, a[-1]


# --- cnn:fashion-small: conv(1→8, 5×5) → relu → maxpool 2 → conv(8→16, 5×5) → relu → maxpool 2 → dense(256 → 10)
CNN_LAYERS = [("conv", (8, 1, 5, 5)), ("conv", (16, 8, 5, 5)), ("dense", (10, 256))]


def cnn_dimension():
    return sum(int(np.prod(s)) + s[0] for _, s in CNN_LAYERS)


def conv_forward(x, k, c):
    """Valid cross-correlation, stride 1 (PyTorch Conv2d): z[n,o,h,w] = Σ_{c,i,j} x[n,c,h+i,w+j] k[o,c,i,j] + c_o."""
    cols = np.lib.stride_tricks.sliding_window_view(x, k.shape[2:], axis=(2, 3))  # [N, C, Ho, Wo, kh, kw]
    return np.einsum("nchwij,ocij->nohw", cols, k) + c[None, :, None, None], cols


def conv_backward(dz, cols, k, x_shape):
    dk = np.einsum("nohw,nchwij->ocij", dz, cols)
    dc = dz.sum(axis=(0, 2, 3))
    dx = np.zeros(x_shape)
    ho, wo = dz.shape[2:]
    for i in range(k.shape[2]):
        for j in range(k.shape[3]):
            dx[:, :, i:i + ho, j:j + wo] += np.einsum("nohw,oc->nchw", dz, k[:, :, i, j])
    return dk, dc, dx


def maxpool_forward(h):
    """2×2 windows at stride 2; the first maximum of a window (row-major) takes the gradient."""
    n, c, hh, ww = h.shape
    windows = h.reshape(n, c, hh // 2, 2, ww // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, hh // 2, ww // 2, 4)
    index = windows.argmax(axis=-1)
    return np.take_along_axis(windows, index[..., None], -1)[..., 0], index


def maxpool_backward(dout, index, shape):
    n, c, hh, ww = shape
    windows = np.zeros((n, c, hh // 2, ww // 2, 4))
    np.put_along_axis(windows, index[..., None], dout[..., None], -1)
    return windows.reshape(n, c, hh // 2, ww // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(shape)


def cnn_loss_grad(theta, x, y, labels, loss):
    """cnn:fashion-small on x [N, 784] (reshaped to NCHW [N, 1, 28, 28]); θ per layer weight then bias."""
    params, offset = [], 0
    for _, shape in CNN_LAYERS:
        size = int(np.prod(shape))
        params.append((slice(offset, offset + size), slice(offset + size, offset + size + shape[0]), shape))
        offset += size + shape[0]
    a = x.reshape(-1, 1, 28, 28)
    cache = []
    for w, b, shape in params[:2]:
        z, cols = conv_forward(a, theta[w].reshape(shape), theta[b])
        h = np.maximum(z, 0)
        pooled, index = maxpool_forward(h)
        cache.append((a.shape, cols, z, index))
        a = pooled
    flat = a.reshape(a.shape[0], -1)
    w, b, shape = params[2]
    f = flat @ theta[w].reshape(shape).T + theta[b]
    value, df = loss_and_output_gradient(f, y, labels, loss)
    grad = np.zeros_like(theta)
    grad[w] = (df.T @ flat).ravel()
    grad[b] = df.sum(axis=0)
    da = (df @ theta[w].reshape(shape)).reshape(a.shape)
    for (w, b, shape), (a_shape, cols, z, index) in reversed(list(zip(params[:2], cache))):
        dz = maxpool_backward(da, index, z.shape) * (z > 0)
        dk, dc, da = conv_backward(dz, cols, theta[w].reshape(shape), a_shape)
        grad[w] = dk.ravel()
        grad[b] = dc
    return value, grad, f


def numerical_hessian(gradient, theta, step=1e-5):
    """Dense Hessian by central differences of an exact gradient, symmetrized: error O(step²)."""
    d = theta.size
    h = np.zeros((d, d))
    for i in range(d):
        e = np.zeros(d)
        e[i] = step
        h[:, i] = (gradient(theta + e) - gradient(theta - e)) / (2 * step)
    return (h + h.T) / 2
