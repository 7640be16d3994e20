#!/usr/bin/env bash
# Which wasmbench the CI recipe installs, and where: the version in host/Cargo.toml, a hash of the
# sources a build reads, the tool folder named after both, and the cache key of that folder.
#
# Environment (all optional):
#   WASMBENCH_TOOL_ROOT  the folder that holds installed versions
#                        [$RUNNER_TOOL_CACHE/wasmbench on GitHub, else ~/.cache/wasmbench-tools]
#   RUNNER_OS, RUNNER_ARCH  part of the cache key [uname -s, uname -m]
#
# Writes the outputs version, source-hash, tool-dir and cache-key to $GITHUB_OUTPUT when it is set,
# else prints them as NAME=VALUE lines.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

version=$(wasmbench_version)
if [[ -z $version ]]; then
  say "no version in $WASMBENCH_CHECKOUT/host/Cargo.toml"
  exit 1
fi

# Every file a build of the host reads (its sources, the plugins it builds and embeds, the lock
# file), so a ref that moves (`@main`) still gets a fresh build when anything changed. Build output
# and installed packages are left out.
cd "$WASMBENCH_CHECKOUT"
inputs=()
for path in Cargo.toml Cargo.lock rust-toolchain rust-toolchain.toml host crates plugins plugins-p1; do
  [[ -e $path ]] && inputs+=("$path")
done
source_hash=$(
  find "${inputs[@]}" \( -name target -o -name node_modules -o -name .git -o -name __pycache__ \) -prune \
    -o -type f -print0 |
    LC_ALL=C sort -z | xargs -0 "${SHA256[@]}" | "${SHA256[@]}" | cut -c1-12
)

if [[ -n ${WASMBENCH_TOOL_ROOT:-} ]]; then
  root=$WASMBENCH_TOOL_ROOT
elif [[ -n ${RUNNER_TOOL_CACHE:-} ]]; then
  root=$RUNNER_TOOL_CACHE/wasmbench
else
  root=${XDG_CACHE_HOME:-$HOME/.cache}/wasmbench-tools
fi
tool_dir=$root/$version-$source_hash
os=${RUNNER_OS:-$(uname -s)}
arch=${RUNNER_ARCH:-$(uname -m)}
cache_key=wasmbench-$os-$arch-$version-$source_hash

if [[ -n ${GITHUB_OUTPUT:-} ]]; then
  set_output version "$version"
  set_output source-hash "$source_hash"
  set_output tool-dir "$tool_dir"
  set_output cache-key "$cache_key"
else
  printf 'version=%s\nsource-hash=%s\ntool-dir=%s\ncache-key=%s\n' \
    "$version" "$source_hash" "$tool_dir" "$cache_key"
fi
say "wasmbench $version (sources $source_hash): tool folder $tool_dir, cache key $cache_key"
