#!/usr/bin/env bash
# Runs a wasmbench suite in CI: against a committed baseline, base vs head (A/B), or plainly. Writes
# the summary (summary.md in the report folder, and the job summary on GitHub), the outputs, and
# exits with wasmbench's exit code. Used by the GitHub Action (action.yml), the GitLab template
# (ci/gitlab/wasmbench.gitlab-ci.yml), and usable from any CI with `wasmbench` on PATH.
#
# Environment (all optional):
#   WASMBENCH_SUITE      the suite file, relative to the project folder [suite.toml]
#   WASMBENCH_MODE       baseline | ab | run [baseline]
#   WASMBENCH_BASELINE   baseline: NAME (reports/baselines/NAME.json) or FILE [main]; when it doesn't
#                        exist the suite runs without a comparison, and the summary says so
#   WASMBENCH_BUILD      the command that builds the plugin(s) (bash), run in the project folder
#                        first; in ab mode also in the base version's worktree (required there)
#   WASMBENCH_BASE_REF   ab: the branch, tag or commit to compare against
#   WASMBENCH_BASE_WASM  ab: what the build writes, relative to the project folder: a component or a
#                        folder of components [the suite's `wasm = "..."` path, when it has one]
#   WASMBENCH_WORKING_DIRECTORY  the project folder [.]
#   WASMBENCH_OUT        the report folder, relative to the project folder [reports/ci]
#   WASMBENCH_ARGS       more arguments for `wasmbench run` / `wasmbench ab`, split at whitespace
#                        (no quoting, nothing evaluated), e.g. `--threshold wall=10% --fail-on regressed,failed`
#   WASMBENCH_DEFER_EXIT `true`: exit 0 whatever happened, and leave failing to a later step (the
#                        GitHub Action does, so that outputs and uploads come first)
#
# Outputs ($GITHUB_OUTPUT when set): exit-code, verdict (ok, failed, error, regressed, threshold,
# interrupted), out-dir, summary, report, results, comparison (absolute paths; empty when not written).
# Exit codes: wasmbench's (0 ok, 1 a bench failed, 2 usage or input error, 3 regression, 4 a load
# threshold missed, 130 interrupted); 2 also when this script can't run wasmbench (bad input, the
# base version's build failed).
set -uo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

suite=${WASMBENCH_SUITE:-suite.toml}
mode=${WASMBENCH_MODE:-baseline}
baseline=${WASMBENCH_BASELINE:-main}
build=${WASMBENCH_BUILD:-}
base_ref=${WASMBENCH_BASE_REF:-}
base_wasm=${WASMBENCH_BASE_WASM:-}
project=${WASMBENCH_WORKING_DIRECTORY:-.}
out=${WASMBENCH_OUT:-reports/ci}
defer=${WASMBENCH_DEFER_EXIT:-false}
# A CI variable left unexpanded (GitLab's `$CI_MERGE_REQUEST_TARGET_BRANCH_NAME` outside a merge
# request pipeline) means "not given".
[[ $base_ref == '$'* ]] && base_ref=""

# Extra arguments: split at whitespace, never evaluated by a shell.
extra=()
read -r -d '' -a extra <<<"${WASMBENCH_ARGS:-}" || true

code=2               # wasmbench's exit code; 2 for an error before or instead of running it
ran=false            # whether wasmbench ran
notes=()             # Markdown paragraphs for the summary
summary_before=0     # the size of $GITHUB_STEP_SUMMARY before wasmbench ran
out_dir=""
log=""
repo=""
worktree_parent=""

size_of() {
  if [[ -n $1 && -f $1 ]]; then
    wc -c <"$1" | tr -d ' '
  else
    echo 0
  fi
}

verdict_of() {
  case $1 in
    0) echo ok ;;
    1) echo failed ;;
    3) echo regressed ;;
    4) echo threshold ;;
    130) echo interrupted ;;
    *) echo error ;;
  esac
}

# A fenced code block of stdin that nothing inside can close: a fence longer than any run of
# backticks in the text.
fenced() {
  local text longest fence
  text=$(cat)
  longest=$(printf '%s\n' "$text" | grep -o '`*' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
  fence='```'
  while ((${#fence} <= longest)); do fence+='`'; done
  printf '%s\n%s\n%s\n' "$fence" "$text" "$fence"
}

# The part of wasmbench's output worth showing: from its results table on, else the last lines.
log_excerpt() {
  [[ -n $log && -s $log ]] || return 0
  local table
  table=$(grep -n -m 1 '^┌' "$log" | cut -d: -f1)
  if [[ -n $table ]]; then
    tail -n +"$table" "$log" | head -n 200
  else
    tail -n 40 "$log"
  fi
}

# The summary when wasmbench wrote none: the verdict, the notes, and the comparison (a run whose
# only comparison is of load scenarios) or wasmbench's output.
compose_summary() {
  local verdict=$1 icon
  case $verdict in
    ok) icon='🟢' ;;
    error | interrupted) icon='⚠️' ;;
    *) icon='🔴' ;;
  esac
  if [[ -n $out_dir && -f $out_dir/comparison.md ]]; then
    for note in ${notes[@]+"${notes[@]}"}; do printf '%s\n\n' "$note"; done
    cat "$out_dir/comparison.md"
    return
  fi
  printf '## %s wasmbench: %s (exit code %s)\n\n' "$icon" "$verdict" "$code"
  # shellcheck disable=SC2016 # Markdown code spans, not expansions
  printf 'Suite `%s`, mode `%s`.\n\n' "$suite" "$mode"
  for note in ${notes[@]+"${notes[@]}"}; do printf '%s\n\n' "$note"; done
  local excerpt
  excerpt=$(log_excerpt)
  if [[ -n $excerpt ]]; then
    printf '%s\n' "$excerpt" | fenced
  fi
}

cleanup() {
  if [[ -n $worktree_parent ]]; then
    git -C "$repo" worktree remove --force "$worktree_parent/src" >/dev/null 2>&1 || true
    rm -rf "$worktree_parent"
    git -C "$repo" worktree prune >/dev/null 2>&1 || true
  fi
}

# Writes the summary and the outputs, then exits.
finish() {
  cleanup
  local verdict summary wrote_itself=false
  verdict=$(verdict_of "$code")
  if [[ -n $out_dir ]]; then
    summary=$out_dir/summary.md
  else
    summary=$(mktemp "${TMPDIR:-/tmp}/wasmbench-summary.XXXXXX")
  fi
  # wasmbench appends its comparison to $GITHUB_STEP_SUMMARY itself: add nothing then.
  if $ran && (($(size_of "${GITHUB_STEP_SUMMARY:-}") > summary_before)); then
    wrote_itself=true
  fi
  compose_summary "$verdict" >"$summary"
  if [[ -n ${GITHUB_STEP_SUMMARY:-} ]] && ! $wrote_itself; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi

  set_output exit-code "$code"
  set_output verdict "$verdict"
  set_output out-dir "$out_dir"
  set_output summary "$summary"
  local name file
  for name in report:report.html results:results.json comparison:comparison.md; do
    file=""
    [[ -n $out_dir && -f $out_dir/${name#*:} ]] && file=$out_dir/${name#*:}
    set_output "${name%%:*}" "$file"
  done
  say "verdict: $verdict (exit code $code); summary: $summary"
  if [[ $defer == true ]]; then
    exit 0
  fi
  exit "$code"
}

# An error before or instead of running wasmbench: exit code 2, the message in the summary.
fail() {
  say "error: $*"
  notes+=("**Error:** $*")
  code=2
  finish
}

# The commit of a branch, tag or commit: fetched from origin when there is one (a CI checkout rarely
# has the base branch), else what the repository knows.
resolve_ref() {
  local ref=$1 candidate commit depth=()
  if [[ $ref =~ ^[0-9a-f]{7,40}$ ]] && commit=$(git rev-parse --verify --quiet "$ref^{commit}"); then
    echo "$commit"
    return 0
  fi
  if git remote get-url origin >/dev/null 2>&1; then
    [[ $(git rev-parse --is-shallow-repository) == true ]] && depth=(--depth=1)
    say "fetching $ref from origin"
    if git fetch --quiet --no-tags ${depth[@]+"${depth[@]}"} origin "$ref" >&2 &&
      commit=$(git rev-parse --verify --quiet 'FETCH_HEAD^{commit}'); then
      echo "$commit"
      return 0
    fi
  fi
  for candidate in "refs/remotes/origin/$ref" "$ref"; do
    if commit=$(git rev-parse --verify --quiet "$candidate^{commit}"); then
      echo "$commit"
      return 0
    fi
  done
  return 1
}

# The suite's one `wasm = "..."` path, relative to the project folder (the default base-wasm).
suite_wasm() {
  [[ $suite != /* ]] || return 1
  local paths dir
  paths=$(sed -n "s/^[[:space:]]*wasm[[:space:]]*=[[:space:]]*[\"']\([^\"']*\)[\"'].*/\1/p" "$suite" | sort -u)
  [[ -n $paths && $paths != *$'\n'* && $paths != /* ]] || return 1
  dir=$(dirname "$suite")
  if [[ $dir == . ]]; then
    echo "$paths"
  else
    echo "$dir/$paths"
  fi
}

# ab mode: the base version checked out beside the workspace (a git worktree), built there; sets
# base_path to what the build wrote.
prepare_base() {
  [[ -n $base_ref ]] || fail "ab mode needs base-ref: the branch, tag or commit to compare against (on a pull request: its base branch)"
  [[ $base_ref != -* ]] || fail "base-ref \`$base_ref\` starts with -"
  [[ -n $build ]] || fail "ab mode needs build: the command that builds the plugin, run again in the base version's worktree"
  repo=$(git rev-parse --show-toplevel 2>/dev/null) || fail "$(pwd) is not in a git repository: ab mode checks the base version out beside it"
  local prefix commit base_project
  prefix=$(git rev-parse --show-prefix)
  prefix=${prefix%/}
  if [[ -z $base_wasm ]]; then
    base_wasm=$(suite_wasm) || fail "set base-wasm: the component (or folder of components) the build writes; $suite has no single \`wasm = \"...\"\` path to take it from"
  fi
  commit=$(resolve_ref "$base_ref") || fail "base-ref \`$base_ref\`: no such branch, tag or commit, here or on origin"
  worktree_parent=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/wasmbench-base.XXXXXX")
  git -C "$repo" worktree add --quiet --detach "$worktree_parent/src" "$commit" >&2 ||
    fail "could not check out $base_ref ($commit) into a worktree"
  base_project=$worktree_parent/src${prefix:+/$prefix}
  [[ -d $base_project ]] || fail "the base version ($base_ref) has no folder ${prefix:-.}"
  say "building the base version ($base_ref, ${commit:0:12}) in $base_project: $build"
  # Its own target folder, not a shared CARGO_TARGET_DIR the head's build wrote to.
  (cd "$base_project" && env -u CARGO_TARGET_DIR bash -eo pipefail -c "$build") ||
    fail "the build of the base version ($base_ref) failed; its output is above"
  base_path=$base_project/$base_wasm
  [[ -e $base_path ]] ||
    fail "the base version's build wrote no \`$base_wasm\`: set base-wasm to what the build writes"
}

run_wasmbench() {
  command -v wasmbench >/dev/null 2>&1 || fail "wasmbench is not on PATH (ci/install.sh installs it)"
  say "wasmbench $*"
  summary_before=$(size_of "${GITHUB_STEP_SUMMARY:-}")
  ran=true
  wasmbench "$@" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
}

cd "$project" 2>/dev/null || fail "working directory \`$project\`: no such folder"
if ! mkdir -p "$out" 2>/dev/null || ! out_dir=$(cd "$out" && pwd); then
  fail "could not create the report folder \`$out\`"
fi
# What an earlier run left would pass for this run's.
rm -f "$out_dir"/{comparison.md,comparison.json,junit.xml,results.json,report.html,summary.md,wasmbench.log}
log=$out_dir/wasmbench.log

case $mode in
  baseline | ab | run) ;;
  *) fail "mode \`$mode\`: expected baseline, ab or run" ;;
esac
[[ -f $suite ]] || fail "suite \`$suite\`: no such file in $(pwd)"
if [[ -n $build ]]; then
  say "building: $build"
  bash -eo pipefail -c "$build" || fail "the build (\`$build\`) failed; its output is above"
fi

case $mode in
  baseline)
    # The rule `wasmbench run --baseline` applies (default --baseline-dir).
    baseline_file=$baseline
    [[ $baseline != *.json && $baseline != */* ]] && baseline_file=reports/baselines/$baseline.json
    if [[ -f $baseline_file ]]; then
      args=(run "$suite" --out "$out_dir" --baseline "$baseline")
    else
      if [[ $baseline_file == "reports/baselines/$baseline.json" ]]; then
        how="\`wasmbench run $suite --save-baseline $baseline\` writes it: commit it"
      else
        how="\`wasmbench run $suite --save-baseline NAME\` writes \`reports/baselines/NAME.json\`: commit it and set the baseline to NAME"
      fi
      notes+=("No baseline at \`$baseline_file\`: the suite ran without a comparison. $how.")
      args=(run "$suite" --out "$out_dir")
    fi
    ;;
  run) args=(run "$suite" --out "$out_dir") ;;
  ab)
    prepare_base
    args=(ab "$suite" --base "$base_path" --out "$out_dir")
    ;;
esac
run_wasmbench "${args[@]}" ${extra[@]+"${extra[@]}"}
finish
