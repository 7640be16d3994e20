# shellcheck shell=bash
# Helpers the CI scripts share (sourced, not run). Nothing here reads a GitHub-only variable without
# a fallback: the same scripts serve the GitHub Action, the GitLab template and any other CI.

# This wasmbench checkout (the folder above ci/).
WASMBENCH_CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# set_output NAME VALUE: a step output, to $GITHUB_OUTPUT when it is set (else nothing). A value with
# a line break uses the delimiter form, so it can't add outputs of its own.
set_output() {
  local name=$1 value=$2
  [[ -n ${GITHUB_OUTPUT:-} ]] || return 0
  if [[ $value == *$'\n'* ]]; then
    local delimiter="WASMBENCH_EOF_${RANDOM}${RANDOM}${RANDOM}"
    printf '%s<<%s\n%s\n%s\n' "$name" "$delimiter" "$value" "$delimiter" >>"$GITHUB_OUTPUT"
  else
    printf '%s=%s\n' "$name" "$value" >>"$GITHUB_OUTPUT"
  fi
}

# The SHA-256 tool the machine has (GNU coreutils, else macOS's shasum): `"${SHA256[@]}" FILE...`
# prints `HASH  NAME` lines.
# shellcheck disable=SC2034 # used by the scripts that source this file
if command -v sha256sum >/dev/null 2>&1; then
  SHA256=(sha256sum)
else
  SHA256=(shasum -a 256)
fi

# wasmbench_version: the version in this checkout's host/Cargo.toml (what `wasmbench --version` says
# after `cargo install --path host`).
wasmbench_version() {
  sed -n 's/^version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$WASMBENCH_CHECKOUT/host/Cargo.toml" | head -n 1
}

# say MESSAGE: a line on stderr, prefixed so it stands out among wasmbench's own.
say() {
  printf 'wasmbench-ci: %s\n' "$*" >&2
}
