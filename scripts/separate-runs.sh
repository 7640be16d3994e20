#!/usr/bin/env bash
# Measures how trustworthy verdicts are between SEPARATE runs (`wasmbench run` twice, then
# `wasmbench compare`), as opposed to the interleaved `wasmbench ab` mode, on this machine:
#   quick: A/A false positives: `runs` separate runs of suites/quick.toml with one build, each run
#          compared with the next at default settings (runs - 1 pairs);
#   guide: the same for suites/guide.toml;
#   power: the `calibrate` plugin built with WASMBENCH_CALIBRATE_EXTRA_PERCENT=0 and =10, run as
#          separate runs of suites/calibrate.toml (+0% then +10%) and compared, $TRIES times.
# Usage: scripts/separate-runs.sh [runs]          (default 21 runs, so 20 consecutive pairs)
# Environment:
#   SECTIONS    sections to run, space-separated, in order (default "quick guide power")
#   TRIES       pairs of the power section (default 20)
#   EXECUTIONS  when set, passed as `--executions N` (or `auto`) to every `wasmbench run` (fresh
#               worker processes per bench); unset measures the default setting
#   LOAD        when 1, a CPU load of twice the core count runs beside every section
#               (scripts/cpu-load.sh), stopped at the end
#   KEEP        a folder to keep every run's results.json and comparison in (default: removed), so
#               verdict rules can be evaluated again on the same runs
#   REUSE       when 1 (with KEEP), runs whose results.json is already in KEEP are not run again:
#               only the comparisons are, with the binary built now (a changed verdict rule on the
#               very same runs)
# Prints Markdown tables (the ones in docs/src/methodology/detection-quality.md) on stdout: the counts per comparison, then the
# false wall `regressed` verdicts per bench of the A/A sections. A `pairs` cell counts the pairs with
# at least one such verdict; a `verdicts` cell counts them over every bench (and metric)
# compared. A metric without a `gating` field (older builds) counts as gating. Progress and the time
# of each section go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-21}
tries=${TRIES:-20}
read -ra sections <<< "${SECTIONS:-quick guide power}"

die() { echo "separate-runs: $*" >&2; exit 1; }

# at_least <value> <min>: whether value is a decimal integer >= min.
at_least() { [[ $1 =~ ^[0-9]+$ ]] && (( 10#$1 >= $2 )); }
at_least "$runs" 2 || die "runs must be an integer >= 2 (got '$runs')"
at_least "$tries" 1 || die "TRIES must be an integer >= 1 (got '$tries')"
if [[ -n ${EXECUTIONS:-} && ${EXECUTIONS} != auto ]] && ! at_least "$EXECUTIONS" 1; then
  die "EXECUTIONS must be an integer >= 1 or auto (got '$EXECUTIONS')"
fi
runs=$((10#$runs)) tries=$((10#$tries))
(( ${#sections[@]} > 0 )) || die "SECTIONS is empty"
for section in "${sections[@]}"; do
  case $section in
    quick | guide | power) ;;
    *) die "unknown section '$section' in SECTIONS (known: quick guide power)" ;;
  esac
done

if [[ -n ${KEEP:-} ]]; then
  mkdir -p "$KEEP"
  work=$(cd "$KEEP" && pwd)
  cleanup=(true)
else
  work=$(mktemp -d)
  cleanup=(rm -rf "$work")
fi
trap '"${cleanup[@]}"' EXIT
if [[ ${LOAD:-0} == 1 ]]; then
  export CPU_LOAD_PIDS="$work/cpu-load.pids"
  trap 'scripts/cpu-load.sh stop; "${cleanup[@]}"' EXIT
fi

cargo build --release -p wasmbench -q
wasmbench=target/release/wasmbench
export WASMBENCH_CACHE_DIR="$work/cache"
# `compare` appends its summary to the step summary when run under GitHub Actions: not wanted here.
unset GITHUB_STEP_SUMMARY

echo "separate-runs: sections: ${sections[*]}; runs: $runs; tries: $tries; executions: ${EXECUTIONS:-default}; load: ${LOAD:-0}" >&2
if [[ ${LOAD:-0} == 1 ]]; then scripts/cpu-load.sh start; fi

# show_log <log>: the end of a failed command's output, on stderr.
show_log() {
  echo "--- last lines of $1:" >&2
  tail -n 20 "$1" >&2 || true
}

# run_suite <suite> <out dir> [plugin path]: one quiet `wasmbench run`; exit 1 (a bench did not end
# as expected) is a result, not a harness problem; anything else but 0 aborts.
run_suite() {
  local suite=$1 out=$2 plugin_path=${3:-} rc=0
  local args=(run "$suite" --out "$out" -q)
  if [[ ${REUSE:-0} == 1 && -f $out/results.json ]]; then return; fi
  if [[ -n ${EXECUTIONS:-} ]]; then args+=(--executions "$EXECUTIONS"); fi
  mkdir -p "$out"
  if [[ -n $plugin_path ]]; then
    WASMBENCH_PLUGIN_PATH=$plugin_path "$wasmbench" "${args[@]}" > "$out.log" 2>&1 || rc=$?
  else
    "$wasmbench" "${args[@]}" > "$out.log" 2>&1 || rc=$?
  fi
  case $rc in
    0) ;;
    1) echo "  note: a bench of $suite did not end as expected (exit 1); counted as a result" >&2 ;;
    2) show_log "$out.log"; die "wasmbench run $suite: input error (exit 2)" ;;
    130) show_log "$out.log"; die "wasmbench run $suite was interrupted (exit 130)" ;;
    *) show_log "$out.log"; die "wasmbench run $suite failed with exit code $rc" ;;
  esac
  [[ -f $out/results.json ]] || { show_log "$out.log"; die "wasmbench run $suite wrote no $out/results.json"; }
}

# compare_pair <old results> <new results> <out dir> <pairs file>: `wasmbench compare` at default
# settings; exit 3 (a gating verdict) is a result; records "<exit code><TAB><comparison.json>".
compare_pair() {
  local old=$1 new=$2 out=$3 pairs=$4 rc=0
  mkdir -p "$out"
  "$wasmbench" compare "$old" "$new" --out "$out" > "$out.log" 2>&1 || rc=$?
  case $rc in
    0 | 3) ;;
    *) show_log "$out.log"; die "wasmbench compare $old $new failed with exit code $rc" ;;
  esac
  [[ -f $out/comparison.json ]] || { show_log "$out.log"; die "wasmbench compare wrote no $out/comparison.json"; }
  printf '%s\t%s\n' "$rc" "$out/comparison.json" >> "$pairs"
}

# tally.py <label> <pairs file> <per-bench label or "-">: table rows for one section on stdout;
# with a per-bench label, also the per-bench wall rows into $work/benches.md.
cat > "$work/tally.py" <<'PY'
import json, sys

label, pairs_file, bench_label, benches_md = sys.argv[1:5]
pairs = [line.rstrip("\n").split("\t", 1) for line in open(pairs_file) if line.strip()]
n = len(pairs)

# check -> [pairs with it, bench verdicts with it, bench verdicts compared]
checks = {key: [0, 0, 0] for key in ("any", "wall-gating", "wall-non-gating", "fuel", "memory", "other", "wall-conclusive", "wall-inconclusive")}
exit3 = 0
per_bench = {}  # id -> [wall regressed gating, wall regressed non-gating, pairs with a wall verdict]

for index, (rc, path) in enumerate(pairs, 1):
    benches = json.load(open(path))["comparison"]["benches"]
    exit3 += rc == "3"
    seen = set()
    gating_hit = False

    def count(key, hit):
        checks[key][2] += 1
        if hit:
            checks[key][1] += 1
            seen.add(key)

    for bench in benches:
        # A bench that failed, went missing or appeared, or a metric without enough data to decide.
        odd = bench.get("verdict") in ("failed", "missing", "new", "insufficient-data") or any(
            m.get("verdict") == "insufficient-data" for m in bench.get("metrics") or [])
        count("other", odd)
        row = per_bench.setdefault(bench["id"], [0, 0, 0])
        for m in bench.get("metrics") or []:
            regressed = m.get("verdict") == "regressed"
            gating = m.get("gating", True)
            count("any", regressed)
            gating_hit |= regressed and gating
            metric = m.get("metric")
            if metric == "wall":
                row[2] += 1
                # A conclusive wall verdict: unchanged (within ± the threshold), regressed or
                # improved; the rest (inconclusive, insufficient or no data) says the data can't tell.
                conclusive = m.get("verdict") in ("unchanged", "regressed", "improved")
                count("wall-conclusive", conclusive)
                count("wall-inconclusive", m.get("verdict") == "inconclusive")
                # Both wall rows share the denominator: every wall comparison.
                checks["wall-gating"][2] += 1
                checks["wall-non-gating"][2] += 1
                if regressed:
                    key = "wall-gating" if gating else "wall-non-gating"
                    checks[key][1] += 1
                    seen.add(key)
                    row[0 if gating else 1] += 1
            elif metric in ("fuel", "memory"):
                count(metric, regressed)
    for key in seen:
        checks[key][0] += 1
    if (rc == "3") != gating_hit:
        print(f"separate-runs: note: {label}, pair {index}: exit code {rc} but "
              f"{'a' if gating_hit else 'no'} gating `regressed` metric ({path})", file=sys.stderr)

def cells(key):
    pairs_with, hits, total = checks[key]
    return f"{pairs_with} / {n} | {hits} / {total}"

names = {
    "any": "any metric `regressed`",
    "wall-gating": "wall `regressed`, gating",
    "wall-non-gating": "wall `regressed`, non-gating",
    "fuel": "fuel `regressed`",
    "memory": "memory `regressed`",
    "other": "bench `failed`/`missing`/`new` or `insufficient-data`",
    "wall-conclusive": "wall verdict conclusive (`unchanged`, `regressed` or `improved`)",
    "wall-inconclusive": "wall `inconclusive`",
}
print(f"| {label} | exit 3 (gating regression) | {exit3} / {n} | – |")
for key in ("any", "wall-gating", "wall-non-gating", "fuel", "memory", "other", "wall-conclusive", "wall-inconclusive"):
    if key == "other" and checks[key][1] == 0:
        continue  # only shown when it happened
    print(f"| {label} | {names[key]} | {cells(key)} |")

if bench_label != "-":
    with open(benches_md, "a") as out:
        for bench, (gating, non_gating, compared) in per_bench.items():
            bench = bench.replace("|", "\\|")
            out.write(f"| {bench_label} | {bench} | {gating} | {non_gating} | {compared} |\n")
PY

tally() {
  python3 "$work/tally.py" "$1" "$2" "$3" "$work/benches.md" >> "$work/table.md"
}

# aa <name>: the A/A section of suites/<name>.toml.
aa() {
  local name=$1 dir="$work/$1" pairs="$work/$1.pairs"
  local suite="suites/$name.toml"
  mkdir -p "$dir"
  : > "$pairs"
  for i in $(seq 1 "$runs"); do
    echo "$name: run $i/$runs" >&2
    run_suite "$suite" "$dir/run-$i"
    if (( i > 1 )); then
      compare_pair "$dir/run-$((i - 1))/results.json" "$dir/run-$i/results.json" "$dir/cmp-$((i - 1))" "$pairs"
    fi
  done
  tally "A/A \`$name.toml\`, separate runs" "$pairs" "\`$name.toml\`"
}

power() {
  local dir="$work/power" pairs="$work/power.pairs"
  echo "power: building calibrate variants (+0%, +10%)" >&2
  for extra in 0 10; do
    WASMBENCH_CALIBRATE_EXTRA_PERCENT=$extra cargo build -q --release --target wasm32-wasip2 \
      --manifest-path plugins/Cargo.toml -p calibrate --target-dir "$work/target-$extra"
    mkdir -p "$work/variant-$extra"
    cp "$work/target-$extra/wasm32-wasip2/release/calibrate.wasm" "$work/variant-$extra/"
  done
  mkdir -p "$dir"
  : > "$pairs"
  for i in $(seq 1 "$tries"); do
    echo "power: try $i/$tries, +0%" >&2
    run_suite suites/calibrate.toml "$dir/base-$i" "$work/variant-0"
    echo "power: try $i/$tries, +10%" >&2
    run_suite suites/calibrate.toml "$dir/head-$i" "$work/variant-10"
    compare_pair "$dir/base-$i/results.json" "$dir/head-$i/results.json" "$dir/cmp-$i" "$pairs"
  done
  tally "+10% work, separate runs" "$pairs" -
}

: > "$work/table.md"
: > "$work/benches.md"
for section in "${sections[@]}"; do
  start=$SECONDS
  case $section in
    quick | guide) aa "$section" ;;
    power) power ;;
  esac
  echo "$section: done in $((SECONDS - start)) s" >&2
done

echo "| comparison | check | pairs | verdicts |"
echo "|---|---|---|---|"
cat "$work/table.md"
if [[ -s $work/benches.md ]]; then
  echo
  echo "| suite | bench | wall \`regressed\`, gating | wall \`regressed\`, non-gating | pairs compared |"
  echo "|---|---|---|---|---|"
  cat "$work/benches.md"
fi
