"""The benchmark's transformer in JAX, written from the formulas of a GPT-2-style (nanoGPT) pre-LayerNorm
decoder (bench/README.md, "Transformer workloads"), not from BiasLab's code. float64 throughout.

Spec (V, T, D, H, L, M) = (vocabulary, context, width, heads, layers, MLP width); tokens x [N, T].
    h_0 = wte[x] + wpe[0:T]
    per layer l:  a = LN_1(h),  [q k v] = a W_attn^T + b_attn   (columns: q | k | v, each split into H heads of D/H)
                  o = concat_heads softmax(causal(q k^T / sqrt(D/H))) v      (position t attends to 0..t)
                  u = h + o W_proj^T + b_proj
                  h = u + GELU(LN_2(u) W_fc^T + b_fc) W_mlp^T + b_mlp
    logits = LN_f(h) wte^T        (tied unembedding, no bias)
LN(z) = (z - mean(z)) / sqrt(var(z) + 1e-5) * gamma + beta (biased variance, over the last axis);
GELU(z) = z Phi(z) (the exact erf form). Loss: next-token cross-entropy averaged over positions and sequences,
    L(theta) = (1/N) sum_i (1/T) sum_t [logsumexp(logits_{i,t}) - logits_{i,t,y_{i,t}}].
theta is nanoGPT's state_dict order: wte [V, D], wpe [T, D], per layer ln_1 (gamma, beta), c_attn (W [3D, D],
b [3D]), c_proj (W [D, D], b), ln_2 (gamma, beta), c_fc (W [M, D], b [M]), mlp c_proj (W [D, M], b [D]);
then ln_f (gamma, beta). Every matrix row-major [out, in]."""
import jax
import jax.numpy as jnp
from jax.scipy.special import erf

jax.config.update("jax_enable_x64", True)

EPSILON = 1e-5


def unflatten(theta, spec):
    v, t, d, _, layers, m = spec
    offset = 0

    def take(*shape):
        nonlocal offset
        size = 1
        for s in shape:
            size *= s
        block = theta[offset:offset + size].reshape(shape)
        offset += size
        return block
    wte, wpe = take(v, d), take(t, d)
    blocks = []
    for _ in range(layers):
        blocks.append(dict(g1=take(d), b1=take(d), w_attn=take(3 * d, d), b_attn=take(3 * d),
                           w_proj=take(d, d), b_proj=take(d), g2=take(d), b2=take(d),
                           w_fc=take(m, d), b_fc=take(m), w_mlp=take(d, m), b_mlp=take(d)))
    gf, bf = take(d), take(d)
    assert offset == theta.shape[0], f"theta has {theta.shape[0]} entries, the spec needs {offset}"
    return wte, wpe, blocks, gf, bf


def layer_norm(z, gamma, beta):
    mean = jnp.mean(z, axis=-1, keepdims=True)
    var = jnp.mean((z - mean) ** 2, axis=-1, keepdims=True)
    return (z - mean) / jnp.sqrt(var + EPSILON) * gamma + beta


def gelu(z):
    return 0.5 * z * (1 + erf(z / jnp.sqrt(2.0)))


def attention(a, p, heads):
    """Causal multi-head self-attention of a [N, T, D]."""
    n, t, d = a.shape
    dh = d // heads
    qkv = a @ p["w_attn"].T + p["b_attn"]                     # [N, T, 3D]
    q, k, v = (qkv[..., i * d:(i + 1) * d].reshape(n, t, heads, dh).transpose(0, 2, 1, 3) for i in range(3))
    scores = q @ k.transpose(0, 1, 3, 2) / jnp.sqrt(float(dh))  # [N, H, T, T]
    causal = jnp.tril(jnp.ones((t, t), dtype=bool))
    weights = jax.nn.softmax(jnp.where(causal, scores, -jnp.inf), axis=-1)
    o = (weights @ v).transpose(0, 2, 1, 3).reshape(n, t, d)
    return o @ p["w_proj"].T + p["b_proj"]


def logits(theta, x, spec):
    heads = spec[3]
    wte, wpe, blocks, gf, bf = unflatten(theta, spec)
    h = wte[x] + wpe[:x.shape[1]]
    for p in blocks:
        u = h + attention(layer_norm(h, p["g1"], p["b1"]), p, heads)
        h = u + gelu(layer_norm(u, p["g2"], p["b2"]) @ p["w_fc"].T + p["b_fc"]) @ p["w_mlp"].T + p["b_mlp"]
    return layer_norm(h, gf, bf) @ wte.T


def sequence_losses(theta, x, y, spec):
    """(1/T) sum_t cross-entropy of each sequence, [N]."""
    z = logits(theta, x, spec)
    picked = jnp.take_along_axis(z, y[..., None], axis=-1)[..., 0]
    return jnp.mean(jax.nn.logsumexp(z, axis=-1) - picked, axis=-1)


def mean_loss(theta, x, y, spec):
    return jnp.mean(sequence_losses(theta, x, y, spec))


def sequence_loss(theta, x, y, spec):
    """The loss of one sequence x [T], y [T]."""
    return sequence_losses(theta, x[None], y[None], spec)[0]
