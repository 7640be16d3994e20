#!/usr/bin/env bash
# Why does a whole execution (worker process) sometimes run slow? Runs the same CPU-bound module,
# fib(27) in scripts/slow-executions/fib.wat, as many separate processes on wasmbench (one run with
# `executions = N`) and on a bare wasmtime embedding (host/benches/bare_embedding.rs, N processes),
# under conditions that remove one suspected cause each:
#   default  — as a user runs it;
#   no-aslr  — address-space layout randomization off (`setarch -R`): code and linear memory land
#              at the same addresses in every process;
#   pinned   — every process on one CPU (`taskset -c 1`): no migration between cores.
# Prints a Markdown table of the per-process medians: their median, the 90th percentile and the
# slowest over the median, and how many processes ran 15% or more slower than the median.
# Usage: scripts/slow-executions.sh [processes]   (default 40)
# Environment: LOAD=1 runs scripts/cpu-load.sh beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-40}
[[ $n =~ ^[0-9]+$ && $n -ge 3 ]] || { echo "slow-executions: processes must be an integer >= 3" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ ${LOAD:-0} == 1 ]]; then
  export CPU_LOAD_PIDS="$work/cpu-load.pids"
  trap 'scripts/cpu-load.sh stop; rm -rf "$work"' EXIT
fi

cargo build --release -p wasmbench -q
wasmbench=target/release/wasmbench
bare=$(cargo bench -q -p wasmbench --bench bare_embedding --no-run --message-format=json 2> /dev/null |
  python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("executable") and m.get("target", {}).get("name") == "bare_embedding":
        print(m["executable"])')
[[ -x $bare ]] || { echo "slow-executions: could not build the bare embedding" >&2; exit 1; }
export WASMBENCH_CACHE_DIR="$work/cache"
module=$PWD/scripts/slow-executions/fib.wat
cat > "$work/fib.toml" <<TOML
[defaults]
warmup = 2
samples = 10
executions = $n
[[bench]]
wasm = "$module"
TOML

if [[ ${LOAD:-0} == 1 ]]; then scripts/cpu-load.sh start; fi

# medians <condition prefix...>: per-process medians (µs) of both engines, one file each.
measure() {
  local name=$1
  shift
  "$@" "$wasmbench" run "$work/fib.toml" --out "$work/$name-wb" -q > /dev/null
  python3 - "$work/$name-wb/results.json" > "$work/$name-wasmbench.txt" <<'PY'
import json, statistics, sys
bench = json.load(open(sys.argv[1]))["benches"][0]
for e in bench["wall_ns"]["executions"]:
    print(statistics.median(e) / 1e3)
PY
  : > "$work/$name-bare.txt"
  for _ in $(seq 1 "$n"); do
    "$@" "$bare" "$module" 10 2 |
      python3 -c 'import statistics,sys; print(statistics.median(int(x) for x in sys.stdin.read().split()) / 1e3)' \
        >> "$work/$name-bare.txt"
  done
}

echo "| condition | engine | processes | median of medians | p90 / median | slowest / median | ≥ +15% |"
echo "|---|---|---|---|---|---|---|"
for condition in default no-aslr pinned; do
  case $condition in
    default) measure default env ;;
    no-aslr) measure no-aslr setarch "$(uname -m)" -R ;;
    pinned) measure pinned taskset -c 1 ;;
  esac
  for engine in wasmbench bare; do
    python3 - "$condition" "$engine" "$work/$condition-$engine.txt" <<'PY'
import statistics, sys
condition, engine, path = sys.argv[1:4]
m = sorted(float(x) for x in open(path).read().split())
med = statistics.median(m)
p90 = m[min(len(m) - 1, int(round(0.9 * (len(m) - 1))))]
slow = sum(1 for x in m if x >= 1.15 * med)
print(f"| {condition} | {engine} | {len(m)} | {med:.0f} µs | {p90 / med:.3f} | {m[-1] / med:.3f} | {slow} / {len(m)} |")
PY
  done
done
