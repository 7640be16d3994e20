#!/usr/bin/env bash
# Measures how well wasmbench's regression checks detect changes, on this machine:
#   - false positives: A/A comparisons of identical plugins (interleaved A/B mode);
#   - power: variants of the `calibrate` plugin doing +3%, +5%, +10% more work, built with
#     WASMBENCH_CALIBRATE_EXTRA_PERCENT, compared against the plain build.
# Usage: scripts/detection-quality.sh [tries]     (default 20 tries per row)
# Environment: LOAD=1 runs a CPU load of twice the core count beside it (scripts/cpu-load.sh).
# Prints a Markdown table (the one in docs/src/methodology/detection-quality.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tries=${1:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ ${LOAD:-0} == 1 ]]; then
  export CPU_LOAD_PIDS="$work/cpu-load.pids"
  trap 'scripts/cpu-load.sh stop; rm -rf "$work"' EXIT
fi

cargo build --release -p wasmbench -q
wasmbench=target/release/wasmbench
export WASMBENCH_CACHE_DIR="$work/cache"

for extra in 0 3 5 10; do
  WASMBENCH_CALIBRATE_EXTRA_PERCENT=$extra cargo build -q --release --target wasm32-wasip2 \
    --manifest-path plugins/Cargo.toml -p calibrate --target-dir "$work/target-$extra"
  mkdir -p "$work/variant-$extra"
  cp "$work/target-$extra/wasm32-wasip2/release/calibrate.wasm" "$work/variant-$extra/"
done

if [[ ${LOAD:-0} == 1 ]]; then scripts/cpu-load.sh start; fi

# count <head variant> <metric>: how many of $tries A/B runs (base = plain build) call `metric` regressed.
count() {
  local head=$1 metric=$2 hits=0
  for i in $(seq 1 "$tries"); do
    WASMBENCH_PLUGIN_PATH="$work/variant-$head" "$wasmbench" ab suites/calibrate.toml \
      --base "$work/variant-0" --seed "$i" -q --out "$work/ab" > /dev/null || true
    if python3 - "$work/ab/comparison.json" "$metric" <<'PY'
import json, sys
comparison = json.load(open(sys.argv[1]))["comparison"]
metric = sys.argv[2]
hit = any(m["metric"] == metric and m["verdict"] == "regressed" for b in comparison["benches"] for m in b["metrics"])
sys.exit(0 if hit else 1)
PY
    then hits=$((hits + 1)); fi
  done
  echo "$hits"
}

echo "| comparison | metric | regressed verdicts | goal |"
echo "|---|---|---|---|"
echo "| A/A (identical plugins) | fuel | $(count 0 fuel) / $tries | 0 |"
echo "| A/A (identical plugins) | memory | $(count 0 memory) / $tries | 0 |"
echo "| A/A (identical plugins) | wall | $(count 0 wall) / $tries | ≤ 1 |"
echo "| +3% work | fuel | $(count 3 fuel) / $tries | all |"
echo "| +5% work | fuel | $(count 5 fuel) / $tries | all |"
echo "| +10% work | fuel | $(count 10 fuel) / $tries | all |"
echo "| +10% work | wall (A/B) | $(count 10 wall) / $tries | ≥ 95% |"
echo "| +5% work | wall (A/B) | $(count 5 wall) / $tries | (informational) |"
