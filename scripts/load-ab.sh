#!/usr/bin/env bash
# A/B verdicts on a load scenario, tried on this machine: `wasmbench ab suites/load-ab.toml` with
# the head a handler built 10% slower per request (WASMBENCH_HANDLER_EXTRA_PERCENT=10) against the
# plain build, then an A/A run (the plain build on both sides). Each run REPEAT times; prints one
# Markdown row per run: the verdict and ratio [95% interval] of p50, p99 and throughput.
# Usage: scripts/load-ab.sh [repeat] [executions]      (default 3 runs, 5 rounds a side)
set -euo pipefail
cd "$(dirname "$0")/.."

repeat=${1:-3}
executions=${2:-5}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"

cargo build --release -p wasmbench -q
wasmbench=$PWD/target/release/wasmbench
export WASMBENCH_CACHE_DIR="$work/cache"
unset GITHUB_STEP_SUMMARY

for extra in 0 10; do
  WASMBENCH_HANDLER_EXTRA_PERCENT=$extra cargo build -q --release --target wasm32-wasip2 \
    --manifest-path plugins/Cargo.toml -p handler --target-dir "$work/target-$extra"
  mkdir -p "$work/variant-$extra"
  cp "$work/target-$extra/wasm32-wasip2/release/handler.wasm" "$work/variant-$extra/"
  # The suite with this variant as the head's plugin.
  sed "s|^plugin = \"handler\"|wasm = \"$work/variant-$extra/handler.wasm\"|" suites/load-ab.toml \
    > "$work/load-ab-$extra.toml"
done

row() { # <label> <comparison.json> → verdict and ratio of each metric
  python3 - "$1" "$2" <<'PY'
import json, sys
label = sys.argv[1]
c = json.load(open(sys.argv[2]))["comparison"]
for load in c["loads"]:
    cells = []
    for m in load["metrics"]:
        if m["metric"] == "error-rate":
            continue
        lo, hi = m.get("ratio_ci") or (float("nan"), float("nan"))
        cells.append(f'{m["verdict"]} {m["ratio"]:.3f}× [{lo:.3f}–{hi:.3f}]')
    print(f'| {label} | {load["id"]} | {load["verdict"]} | ' + " | ".join(cells) + " |")
PY
}

echo "| run | scenario | verdict | p50 | p99 | throughput |"
echo "|---|---|---|---|---|---|"
for i in $(seq 1 "$repeat"); do
  for head in 10 0; do
    name=$([ "$head" = 10 ] && echo "+10%" || echo "A/A")
    out="$work/ab-$head-$i"
    "$wasmbench" ab "$work/load-ab-$head.toml" --base "$work/variant-0" --executions "$executions" \
      --out "$out" -q > "$out.log" 2>&1 || true
    row "$name #$i" "$out/comparison.json"
  done
done
echo "kept in $work"
