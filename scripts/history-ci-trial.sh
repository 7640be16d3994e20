#!/usr/bin/env bash
# The guide's CI recipe for a history (docs/src/comparing/history.md), tried end to end on this machine: for each of COMMITS
# commits, the suite runs as SHARDS separate processes (`run --shard K/N`, as the jobs of a CI
# matrix), the shards are merged (`merge`, the merge job), the merged run is added to a history
# (`history add`) and checked (`history check`). From commit STEP_AT on, the `calibrate` plugin
# does 10% more work (built with WASMBENCH_CALIBRATE_EXTRA_PERCENT=10): a real regression, in fuel
# (exact: flagged at once) and in wall time (flagged once enough commits carry it).
# Usage: scripts/history-ci-trial.sh [commits] [step_at]      (default 16 commits, step at 11)
# Prints one Markdown row per commit, then the trend report's path (kept in $KEEP, default a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."

commits=${1:-16}
step_at=${2:-11}
shards=${SHARDS:-3}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"

cargo build --release -p wasmbench -q
wasmbench=$PWD/target/release/wasmbench
export WASMBENCH_CACHE_DIR="$work/cache"
unset GITHUB_STEP_SUMMARY

for extra in 0 10; do
  WASMBENCH_CALIBRATE_EXTRA_PERCENT=$extra cargo build -q --release --target wasm32-wasip2 \
    --manifest-path plugins/Cargo.toml -p calibrate --target-dir "$work/target-$extra"
  mkdir -p "$work/variant-$extra"
  cp "$work/target-$extra/wasm32-wasip2/release/calibrate.wasm" "$work/variant-$extra/"
done

# suite <variant>: the trial suite, with the calibrate plugin of that variant.
suite() {
  cat <<EOF
[suite]
name = "ci-trial"

[defaults]
warmup = 2
samples = 15
fuel_iterations = 2
executions = 2

[[bench]]
wasm = "$work/variant-$1/calibrate.wasm"
workload = "spin"
params = { iterations = 200000 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 24 }

[[bench]]
plugin = "cpu"
workload = "sieve"

[[bench]]
plugin = "cpu"
workload = "sort"

[[bench]]
plugin = "fs-read"
workload = "stream"

[fixtures]
"data.bin" = { size = "1 MiB", seed = 1 }
EOF
}

history="$work/history.db"
rm -f "$history"
echo "| commit | calibrate | benches per shard | merged | history check | first finding |"
echo "|---|---|---|---|---|---|"
for i in $(seq 1 "$commits"); do
  commit=$(printf 'c%02d' "$i")
  variant=0
  (( i >= step_at )) && variant=10
  suite "$variant" > "$work/suite.toml"
  mkdir -p "$work/$commit"
  counts=()
  shard_files=()
  for k in $(seq 1 "$shards"); do
    out="$work/$commit/shard-$k"
    # Each shard is its own process, like a job of the CI matrix.
    "$wasmbench" run "$work/suite.toml" --shard "$k/$shards" --out "$out" -q > "$out.log" 2>&1 \
      || { echo "shard $k/$shards of $commit failed:" >&2; tail -n 20 "$out.log" >&2; exit 1; }
    counts+=("$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["benches"]))' "$out/results.json")")
    shard_files+=("$out/results.json")
  done
  merged="$work/$commit/results.json"
  "$wasmbench" merge "${shard_files[@]}" -o "$merged" > "$work/$commit/merge.log" 2>&1
  benches=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["benches"]))' "$merged")
  "$wasmbench" history add "$merged" --commit "$commit" --branch main \
    --time "2026-11-01T00:$(printf '%02d' "$i"):00Z" --history "$history" > /dev/null
  set +e
  "$wasmbench" history check --history "$history" > "$work/$commit/check.log" 2>&1
  code=$?
  set -e
  finding=$(grep -m1 -E '^(REGRESSED|worse|better)' "$work/$commit/check.log" | sed 's/|/\\|/g' || true)
  echo "| $commit | +$variant% | $(IFS=/; echo "${counts[*]}") | $benches | exit $code | ${finding:-—} |"
done
"$wasmbench" history report --history "$history" -o "$work/trends.html" > /dev/null
echo
echo "trend report: $work/trends.html"
