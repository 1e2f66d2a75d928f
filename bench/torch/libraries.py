"""The PyTorch curvature libraries as peers of `make bench` (bench/peers.py lists the tasks and how
each is checked): PyHessian, hessian-eigenthings, curvlinops, BackPACK, on the shared inputs and the
same MLP as an nn.Module (models.module) in float64. Each builder takes (data, setting) with setting
"matched" (BiasLab's iterations/probes, and its start vector or probes where the tool accepts them) or
"default" (the tool's own defaults) and returns (body, summarize) as bench/torch/workloads.py does.
Everything a tool needs before its first Hessian product (its gradient pass, graph) is inside body(),
as BiasLab's W4/W8 time includes its gradient; imports and the nn.Module are set-up."""
import numpy as np
import torch

from models import half_mean_squared_error, lanczos_lambda_max, module

LANCZOS_STEPS = 20
DISTRIBUTIONS = {"pyhessian": "pyhessian", "pyhessian-slq": "pyhessian", "eigenthings": "hessian-eigenthings",
                 "curvlinops": "curvlinops-for-pytorch", "backpack": "backpack-for-pytorch"}


def _net(data):
    return module(data["theta"], data["widths"])


def _flat(tensors):
    return torch.cat([t.reshape(-1) for t in tensors])


# PyHessian (Yao et al. 2020): hessian(model, criterion, data=(x, y), cuda=False) runs the gradient with
# create_graph=True; products are double-backward. Its starts and probes come from torch's global RNG.
def pyhessian_lambda(data, setting):
    from pyhessian import hessian
    net, x, y = _net(data), data["x"], data["y"]
    options = dict(maxIter=LANCZOS_STEPS, tol=0.0) if setting == "matched" else {}

    def body():
        eigenvalues, _ = hessian(net, half_mean_squared_error, data=(x, y), cuda=False).eigenvalues(**options)
        return eigenvalues[0]
    return body, (lambda out: {"lambda_max": np.array(out)})


def _torch_eig_shim():
    """PyHessian 0.1's density() calls torch.eig(T, eigenvectors=True), removed in PyTorch 1.13. T is its
    symmetric Lanczos tridiagonal, so torch.linalg.eigh gives the same pairs; the shim returns them in
    torch.eig's layout (eigenvalues as [n, 2] real/imaginary columns). Installed only when torch.eig is
    missing or raises (current PyTorch keeps a stub that raises); bench/README.md marks the row."""
    try:
        torch.eig(torch.eye(1), eigenvectors=True)
    except (AttributeError, RuntimeError):
        def eig(matrix, eigenvectors=False):
            values, vectors = torch.linalg.eigh(matrix)
            return torch.stack([values, torch.zeros_like(values)], dim=1), vectors
        torch.eig = eig


def pyhessian_slq(data, setting):
    from pyhessian import hessian
    _torch_eig_shim()
    net, x, y = _net(data), data["x"], data["y"]
    options = dict(iter=LANCZOS_STEPS, n_v=1) if setting == "matched" else {}

    def body():
        nodes, _ = hessian(net, half_mean_squared_error, data=(x, y), cuda=False).density(**options)
        return max(max(run) for run in nodes)
    return body, (lambda out: {"lambda_max": np.array(out)})


def pyhessian_trace(data, setting):
    from pyhessian import hessian
    net, x, y = _net(data), data["x"], data["y"]
    options = dict(maxIter=data["hutchinson_probes"].shape[0], tol=0.0) if setting == "matched" else {}

    def body():
        return hessian(net, half_mean_squared_error, data=(x, y), cuda=False).trace(**options)

    def summarize(samples):
        samples = np.asarray(samples)
        se = samples.std(ddof=1) / np.sqrt(len(samples)) if len(samples) > 1 else np.inf
        return {"trace": np.array(samples.mean()), "standard_error": np.array(se), "probes": np.array(len(samples))}
    return body, summarize


# hessian-eigenthings 1.0: HessianOperator(model, [(x, y)], loss_fn) recomputes loss and gradient with
# create_graph=True on every product. matched: lanczos_tridiagonal from the shared start, 20 steps,
# full reorthogonalization (the same process as BiasLab's W4); default: lanczos() (k = 10, 20 steps,
# its own random start).
def eigenthings_lambda(data, setting):
    import hessian_eigenthings as he
    net, x, y = _net(data), data["x"], data["y"]
    operator = he.HessianOperator(net, [(x, y)], he.supervised_loss(half_mean_squared_error))

    def body():
        if setting == "matched":
            tridiagonal = he.lanczos_tridiagonal(operator, data["lanczos_start"], LANCZOS_STEPS, reorthogonalize=True)
            a = torch.as_tensor(tridiagonal.alphas, dtype=torch.float64)
            b = torch.as_tensor(tridiagonal.betas, dtype=torch.float64)[:len(a) - 1]
            return torch.linalg.eigvalsh(torch.diag(a) + torch.diag(b, 1) + torch.diag(b, -1))[-1]
        return he.lanczos(operator).eigenvalues.max()
    return body, (lambda out: {"lambda_max": out})


# curvlinops: HessianLinearOperator with MSELoss(reduction="sum") is the Hessian of
# sum_i ||f_i - y_i||^2 = 2N L(theta), so H = operator / (2N). check_deterministic=False in both
# settings (its default True re-runs products at construction to test the data loader).
def _curvlinops_matvec(data):
    from curvlinops import HessianLinearOperator
    net, x, y = _net(data), data["x"], data["y"]
    scale = 1.0 / (2 * x.shape[0])
    operator = HessianLinearOperator(net, torch.nn.MSELoss(reduction="sum"), list(net.parameters()), [(x, y)],
                                     check_deterministic=False)
    return operator, scale


def curvlinops_lambda(data, setting):
    def body():
        operator, scale = _curvlinops_matvec(data)
        if setting == "matched":
            return lanczos_lambda_max(lambda v: scale * (operator @ v), data["lanczos_start"], LANCZOS_STEPS)
        from scipy.sparse.linalg import eigsh
        return scale * eigsh(operator.to_scipy(), k=1, which="LA", return_eigenvectors=False)[0]
    return body, (lambda out: {"lambda_max": np.array(float(out))})


def curvlinops_trace(data, setting):
    probes = data["hutchinson_probes"]
    n = probes.shape[0]

    def body():
        operator, scale = _curvlinops_matvec(data)
        if setting == "matched":  # the shared probes, 50 at a time as columns of one matrix product
            samples = torch.cat([(probes[s:s + 50] * (operator @ probes[s:s + 50].T).T).sum(dim=1) * scale
                                 for s in range(0, n, 50)])
            return samples.mean(), samples.std(correction=1) / n ** 0.5
        from curvlinops import hutchinson_trace
        return scale * hutchinson_trace(operator, n), None

    def summarize(out):
        if setting == "matched":
            return {"trace": out[0], "standard_error": out[1]}
        return {"trace": out[0], "standard_error": np.array(np.nan)}
    return body, summarize


# BackPACK: extend(model) and extend(MSELoss(reduction="sum")); the sum loss is 2N L(theta).
def _backpack_pass(data, extension):
    from backpack import backpack, extend
    net = extend(_net(data))
    loss = extend(torch.nn.MSELoss(reduction="sum"))(net(data["x"]), data["y"])
    with backpack(extension):
        loss.backward()
    return net


def backpack_batch_grad(data, setting):
    """BatchGrad: the gradient of each sample's term sum_k (f_ik - y_ik)^2 = 2 l_i, so g_i = grad_batch / 2."""
    from backpack.extensions import BatchGrad

    def body():
        net = _backpack_pass(data, BatchGrad())
        n = data["x"].shape[0]
        return 0.5 * torch.cat([p.grad_batch.reshape(n, -1) for p in net.parameters()], dim=1)

    def summarize(g):
        return {"row_norms_sq": (g * g).sum(dim=1), "times_direction": g @ data["direction"],
                "weighted_rows": data["sample_weights"] @ g}
    return body, summarize


def backpack_diag_hessian(data, setting):
    """DiagHessian: the exact diagonal of the sum loss's Hessian, / (2N); summed, the exact trace."""
    from backpack.extensions import DiagHessian

    def body():
        net = _backpack_pass(data, DiagHessian())
        return _flat([p.diag_h for p in net.parameters()]) / (2 * data["x"].shape[0])
    return body, (lambda diagonal: {"trace": diagonal.sum(), "standard_error": np.array(0.0)})


BUILDERS = {
    "pyhessian": {"W4": pyhessian_lambda, "W8": pyhessian_trace},
    "pyhessian-slq": {"W4": pyhessian_slq},
    "eigenthings": {"W4": eigenthings_lambda},
    "curvlinops": {"W4": curvlinops_lambda, "W8": curvlinops_trace},
    "backpack": {"W3": backpack_batch_grad, "W8": backpack_diag_hessian},
}
