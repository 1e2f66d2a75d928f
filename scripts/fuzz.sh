#!/usr/bin/env bash
# Fuzzes BiasLab's input readers with libFuzzer (issue 16): .npy, .npz, IDX, .safetensors, YAML configs and sweeps, and
# the spec grammars (model, data, optimizer, loss, label noise, shard).
#
#   scripts/fuzz.sh SECONDS          each target for SECONDS on a scratch copy of Fuzz/corpus (make test)
#   scripts/fuzz.sh SECONDS --grow   each target for SECONDS, adding new inputs to Fuzz/corpus (make fuzz)
#
# A crash, trap, timeout (> 10 s per input) or out-of-memory (> 4 GiB) is a finding: the input is saved
# in out/fuzz/ and the script exits 1. Builds Fuzz/ with -sanitize=fuzzer into .build-fuzz.
set -euo pipefail
seconds=${1:?usage: scripts/fuzz.sh SECONDS [--grow]}
grow=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
swift=${SWIFT:-swift}
(cd "$root/Fuzz" && $swift build --scratch-path "$root/.build-fuzz" -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld)
fuzzer="$root/.build-fuzz/debug/BiasLabFuzz"
mkdir -p "$root/out/fuzz"
status=0
for target in npy npz idx safetensors yaml spec; do
  if [ "$grow" = --grow ]; then corpus="$root/Fuzz/corpus/$target"; else
    corpus=$(mktemp -d); cp "$root/Fuzz/corpus/$target/"* "$corpus/"; fi
  echo "fuzz $target: ${seconds}s"
  # SWIFT_BACKTRACE=enable=no: let libFuzzer's own handler catch a Swift trap and save the input.
  if ! SWIFT_BACKTRACE=enable=no BIASLAB_FUZZ_TARGET=$target "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
       -print_final_stats=1 -artifact_prefix="$root/out/fuzz/$target-" "$corpus" > "$root/out/fuzz/$target.log" 2>&1; then
    echo "fuzz $target: FINDING (see out/fuzz/$target.log and out/fuzz/$target-*)"; status=1
  fi
  grep -E "^stat::number_of_executed_units|^Done" "$root/out/fuzz/$target.log" | tail -1
  [ "$grow" = --grow ] || rm -rf "$corpus"
done
exit $status
