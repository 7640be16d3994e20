#!/usr/bin/env bash
# The history of a load scenario, tried end to end on this machine (docs/src/comparing/history.md,
# "Load scenarios"): for each of COMMITS commits, a suite of one `[[load]]` scenario (the `handler`
# plugin's `request` workload, 3 s at a rate two instances serve comfortably) runs in 3 rounds
# (`--executions 3`), the run is added to a history (`history add`) and checked (`history check`).
# From commit STEP_AT on, the handler takes 10% longer per request (built with
# WASMBENCH_HANDLER_EXTRA_PERCENT=10): a real regression in p50 and p99, to be flagged once enough
# commits carry it (4 by default: `--min-size`).
# Usage: scripts/history-load-trial.sh [commits] [step_at]      (default 16 commits, step at 11)
# Environment: KEEP=DIR keeps the work there (default a temp dir); EXECUTIONS (default 3) rounds a
# run; WASMBENCH=PATH uses that binary instead of building target/release/wasmbench.
# Prints one Markdown row per commit (the handler, the rounds' median p50 and p99, the check's exit
# code and first finding), then the trend report's path.
set -euo pipefail
cd "$(dirname "$0")/.."

commits=${1:-16}
step_at=${2:-11}
executions=${EXECUTIONS:-3}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"

if [ -n "${WASMBENCH:-}" ]; then
  wasmbench=$WASMBENCH
else
  cargo build --release -p wasmbench -q
  wasmbench=$PWD/target/release/wasmbench
fi
export WASMBENCH_CACHE_DIR="$work/cache"
unset GITHUB_STEP_SUMMARY

for extra in 0 10; do
  WASMBENCH_HANDLER_EXTRA_PERCENT=$extra cargo build -q --release --target wasm32-wasip2 \
    --manifest-path plugins/Cargo.toml -p handler --target-dir "$work/target-$extra"
  mkdir -p "$work/variant-$extra"
  cp "$work/target-$extra/wasm32-wasip2/release/handler.wasm" "$work/variant-$extra/"
done

# suite <variant>: the trial suite, with the handler of that variant. The scenario's id stays the
# same, and the wasm's path is no part of a series' key, so both variants share its series.
suite() {
  cat <<EOF
[suite]
name = "load-trial"

[defaults]
memory = "64 MiB"
deadline = "5s"

[[load]]
id = "handler/steady"
wasm = "$work/variant-$1/handler.wasm"
workload = "request"
params = { body = "64 KiB", slow_every = 0 }
pool = 2
warmup = 20

[[load.phase]]
name = "steady"
duration = "3s"
rate = 300
EOF
}

# medians <results.json>: the rounds' median p50 and p99 of the scenario, as `1.23 ms | 4.56 ms`.
medians() {
  python3 - "$1" <<'PY'
import json, statistics, sys
load = json.load(open(sys.argv[1]))["loads"][0]
if load["status"] != "ok":
    print(f'{load["status"]} | —')
    sys.exit()
def median(key):
    values = [r[key] for r in load["rounds"] if r.get(key) is not None]
    return f"{statistics.median(values) / 1e6:.3f} ms" if values else "—"
print(f'{median("p50_ns")} | {median("p99_ns")}')
PY
}

history="$work/history.db"
rm -f "$history"
echo "| commit | handler | p50 | p99 | history check | first finding |"
echo "|---|---|---:|---:|---|---|"
for i in $(seq 1 "$commits"); do
  commit=$(printf 'c%02d' "$i")
  variant=0
  (( i >= step_at )) && variant=10
  suite "$variant" > "$work/suite.toml"
  out="$work/$commit"
  "$wasmbench" run "$work/suite.toml" --executions "$executions" --out "$out" -q > "$out.log" 2>&1 \
    || { echo "the run of $commit failed:" >&2; tail -n 20 "$out.log" >&2; exit 1; }
  "$wasmbench" history add "$out/results.json" --commit "$commit" --branch main \
    --time "2026-11-01T00:$(printf '%02d' "$i"):00Z" --history "$history" > /dev/null
  set +e
  "$wasmbench" history check --history "$history" > "$out/check.log" 2>&1
  code=$?
  set -e
  finding=$(grep -m1 -E '^(REGRESSED|INCONCLUSIVE|worse|better)' "$out/check.log" \
    | sed -E 's/ +/ /g; s/ · suite .*//; s/\|/\\|/g' || true)
  echo "| $commit | +$variant% | $(medians "$out/results.json") | exit $code | ${finding:-—} |"
done
"$wasmbench" history report --history "$history" -o "$work/trends.html" > /dev/null
echo
echo "trend report: $work/trends.html"
