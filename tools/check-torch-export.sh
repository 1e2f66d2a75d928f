#!/usr/bin/env bash
# Issue 19, "How it will be checked": safetensors files written from PyTorch models imported into BiasLab
# and evaluated. For each case, tools/export_torch.py (the bench venv's torch) writes the weights, a check
# batch and PyTorch's float64 loss and gradient on the weights as stored; `biaslab evaluate --params
# FILE.safetensors` evaluates the same batch; tools/compare_torch_export.py compares loss and gradient
# (relative error, tolerance 1e-10: both sides compute in float64 on the same stored weights).
# Not part of `make test` (which never needs torch). Usage: bash tools/check-torch-export.sh [BIASLAB]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-.build/release/biaslab}
VENV=.build/bench-venv
OUT=.build/torch-export-check
[ -x "$BIN" ] || swift build -c release --product biaslab
if ! "$VENV/bin/python" -c "import torch, numpy" 2>/dev/null; then
    echo "check-torch-export: $VENV has no torch; run 'bash bench/run.sh --only W1' once (it installs the PyTorch peers)" >&2
    exit 1
fi
# The safetensors package, so the files are written by safetensors.torch.save_model as users' files are.
"$VENV/bin/python" -c "import safetensors" 2>/dev/null || "$VENV/bin/pip" install --quiet safetensors \
    || echo "check-torch-export: could not install safetensors; export_torch.py writes the format itself"
mkdir -p "$OUT"
status=0
# name | spec | dtype | batch
while read -r name spec dtype batch; do
    prefix="$OUT/$name"
    "$VENV/bin/python" tools/export_torch.py "$spec" "$prefix" --dtype "$dtype" --batch "$batch" --seed 1 > "$prefix.log"
    loss=$([ "${spec%%:*}" = transformer ] && echo next-token-ce || echo ce)
    "$BIN" evaluate --model "$spec" --params "$prefix.safetensors" --data "$prefix-data.npz" --loss "$loss" \
        --save-gradient "$prefix-gradient.npy" --json > "$prefix-biaslab.json"
    writer=$(grep -o "safetensors.torch.save_model\|export_torch.py's own writer" "$prefix.log" | head -1)
    "$VENV/bin/python" tools/compare_torch_export.py "$name ($dtype, $writer)" \
        "$prefix-check.npz" "$prefix-biaslab.json" "$prefix-gradient.npy" || status=1
done <<'CASES'
mlp-f32 mlp:784-64-32-10:tanh float32 16
mlp-f64 mlp:784-64-32-10:tanh float64 16
cnn-f32 cnn:fashion-small float32 8
gpt-tied-f32 transformer:vocab=256:context=64:width=128:heads=4:layers=2 float32 4
gpt-tied-bf16 transformer:vocab=256:context=64:width=128:heads=4:layers=2 bfloat16 4
gpt-untied-f16 transformer:vocab=64:context=16:width=32:heads=4:layers=2:mlp=48:untied float16 4
CASES
exit $status
