#!/usr/bin/env bash
# make bench: BiasLab against JAX on the workloads of bench/README.md. Called after `swift build -c release`.
# Options are passed to bench/driver.py: --quick (one repetition each), --only W1,W4, --peers jax,torch,….
# `--scaling` first runs bench/scaling.py instead (its options follow: --quick, --engines, --ops).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.build/release/biaslab-bench
VENV=.build/bench-venv
WORK=.build/bench-work

[ -x "$BIN" ] || swift build -c release --product biaslab-bench

# The JAX peer: a virtual environment inside the build folder (git-ignored), reused when complete.
if ! "$VENV/bin/python" -c "import jax, jaxlib, numpy" 2>/dev/null; then
    echo "bench: creating $VENV with jax, jaxlib, numpy from PyPI"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet jax jaxlib numpy
fi
# The PyTorch-side peers (bench/README.md, "Peers"): tried once; a peer that fails to install or import
# is a SKIP row in the table, never a failure of make bench.
PEERS_STAMP="$VENV/.torch-peers-tried"
if [ ! -e "$PEERS_STAMP" ] && ! "$VENV/bin/python" -c "import torch, pyhessian, hessian_eigenthings, curvlinops, backpack" 2>/dev/null; then
    echo "bench: installing torch, pyhessian, hessian-eigenthings, curvlinops-for-pytorch, backpack-for-pytorch into $VENV (once)"
    "$VENV/bin/pip" install --quiet torch pyhessian hessian-eigenthings curvlinops-for-pytorch backpack-for-pytorch \
        || echo "bench: installing the PyTorch peers failed; their rows will read SKIP"
    touch "$PEERS_STAMP"
fi

# bash bench/run.sh --scaling [--quick] [--engines …] [--ops …]: the scaling study (bench/scaling.py) instead.
if [ "${1:-}" = "--scaling" ]; then
    shift
    exec "$VENV/bin/python" bench/scaling.py --bin "$BIN" --work .build/bench-scaling --results bench/results/scaling.json "$@"
fi
exec "$VENV/bin/python" bench/driver.py --bin "$BIN" --work "$WORK" --results bench/results/latest.json "$@"
