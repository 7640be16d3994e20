#!/usr/bin/env bash
# The GitLab template's job (ci/gitlab/wasmbench.gitlab-ci.yml): installs wasmbench into the cached
# tool folder (or finds it there), runs the suite with ci/run.sh, and exits with wasmbench's exit
# code. The WASMBENCH_* variables ci/run.sh reads pass through.
#
# Environment: WASMBENCH_TOOL_ROOT, the cached folder of installed versions
# [$CI_PROJECT_DIR/.wasmbench/tools].
set -euo pipefail
ci=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=ci/lib.sh
. "$ci/lib.sh"

export WASMBENCH_TOOL_ROOT=${WASMBENCH_TOOL_ROOT:-${CI_PROJECT_DIR:-$PWD}/.wasmbench/tools}
prepared=$(env -u GITHUB_OUTPUT bash "$ci/prepare.sh")
tool_dir=$(printf '%s\n' "$prepared" | sed -n 's/^tool-dir=//p')

# The cache holds one version: drop the ones an earlier ref installed (folders named VERSION-HASH).
for old in "$WASMBENCH_TOOL_ROOT"/*; do
  if [[ $old != "$tool_dir" && -x $old/bin/wasmbench && $(basename "$old") =~ ^[0-9][^/]*-[0-9a-f]{12}$ ]]; then
    say "removing $old (another version) from the cached tool folder"
    rm -rf "$old"
  fi
done

WASMBENCH_TOOL_DIR=$tool_dir bash "$ci/install.sh"
export PATH="$tool_dir/bin:$PATH"
export WASMBENCH_DEFER_EXIT=false
exec bash "$ci/run.sh"
