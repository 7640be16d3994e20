#!/usr/bin/env bash
# Every figure of issue 32's closing note in one go, with a release build (docs/src/methodology/
# lesson-models.md, database-figures.md, measurement.md#simulated-latency-served-as-configured):
#   1. how late each kind of simulated-latency wait ends (cargo bench --bench latency_waits);
#   2. the HTTP fixture server end to end from a client outside the harness (fixture-latency.py);
#   3. the fetch lessons against their models (suites/fetch-models.toml, models-figures.py);
#   4. the database lessons against native SQLite at 100 µs and at no latency (db-native.py).
# Usage: scripts/lesson-precision.sh [OUT_DIR]     (default: a temporary folder, kept)
# About 3 minutes after the build on a 2-core machine. Run it on a quiet machine: every figure is
# a time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d -t lesson-precision-XXXX)}
mkdir -p "$out"
cargo build --release --locked -p wasmbench >&2
bin=$PWD/target/release/wasmbench

echo "## Simulated latency: how late a wait ends"
cargo bench --locked -p wasmbench --bench latency_waits 2>/dev/null | grep '^|'

echo; echo "## The HTTP fixture server end to end"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" fixture --port "$port" >/dev/null 2>&1 &
fixture=$!
trap 'kill $fixture 2>/dev/null || true' EXIT
sleep 1
python3 scripts/fixture-latency.py "$port" 500
kill $fixture; trap - EXIT

echo; echo "## The fetch lessons against their models"
"$bin" run suites/fetch-models.toml --out "$out/fetch-models" >/dev/null 2>&1
(cd scripts && python3 models-figures.py "$out/fetch-models/results.json")

echo; echo "## The database lessons against native SQLite"
"$bin" run suites/db.toml --out "$out/db" >/dev/null 2>&1
(cd scripts && python3 db-native.py --results "$out/db/results.json")
sed 's/^latency = "100us"/latency = "0s"/' suites/db.toml > "$out/db-no-latency.toml"
# The suite's plugins are found from the repository's root, as for suites/db.toml itself.
"$bin" run "$out/db-no-latency.toml" --out "$out/db0" >/dev/null 2>&1
echo
(cd scripts && python3 db-native.py --latency 0us --results "$out/db0/results.json")
echo; echo "results kept in $out" >&2
