#!/usr/bin/env bash
# make bench: BiasLab against JAX on the workloads of bench/README.md. Called after `swift build -c release`.
# Options are passed to bench/driver.py: --quick (one repetition each), --only W1,W4.
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

exec "$VENV/bin/python" bench/driver.py --bin "$BIN" --work "$WORK" --results bench/results/latest.json "$@"
