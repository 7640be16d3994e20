#!/usr/bin/env bash
# Installs wasmbench from this checkout into a tool folder, unless the folder already holds it (a
# cache hit): `cargo install --locked --path host --root TOOL_DIR` takes about 10 minutes on a
# 2-core runner, a restored folder nothing.
#
# Environment:
#   WASMBENCH_TOOL_DIR  the tool folder (ci/prepare.sh's tool-dir); the binary is TOOL_DIR/bin/wasmbench
#
# Adds TOOL_DIR/bin to $GITHUB_PATH when it is set (later steps find `wasmbench`), and writes the
# outputs version and path (the binary) to $GITHUB_OUTPUT when it is set.
set -euo pipefail
# shellcheck source=ci/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

tool_dir=${WASMBENCH_TOOL_DIR:-}
if [[ -z $tool_dir ]]; then
  say "WASMBENCH_TOOL_DIR is not set (ci/prepare.sh prints the folder to use)"
  exit 1
fi
version=$(wasmbench_version)
binary=$tool_dir/bin/wasmbench

# The version check is what makes a restored cache count: the folder is named after the sources'
# hash, so a binary there whose version matches was built from these sources.
installed=""
if [[ -x $binary ]]; then
  installed=$("$binary" --version 2>/dev/null || true)
fi
if [[ $installed == "wasmbench $version" ]]; then
  say "$installed is installed in $tool_dir: not building it"
else
  if [[ -n $installed ]]; then
    say "$tool_dir holds '$installed', not wasmbench $version: installing again"
  fi
  if ! command -v cargo >/dev/null 2>&1; then
    say "cargo is needed to install wasmbench $version (a Rust toolchain, e.g. from rustup)"
    exit 1
  fi
  say "installing wasmbench $version into $tool_dir (cargo install: about 10 minutes the first time)"
  # From the checkout's folder, so a rust-toolchain file there picks the toolchain.
  (cd "$WASMBENCH_CHECKOUT" && cargo install --locked --force --path host --root "$tool_dir")
  installed=$("$binary" --version)
  if [[ $installed != "wasmbench $version" ]]; then
    say "the installed binary says '$installed', expected wasmbench $version"
    exit 1
  fi
fi

if [[ -n ${GITHUB_PATH:-} ]]; then
  printf '%s\n' "$tool_dir/bin" >>"$GITHUB_PATH"
fi
set_output version "$version"
set_output path "$binary"
