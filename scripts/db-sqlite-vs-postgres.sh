#!/usr/bin/env bash
# The database lessons on embedded SQLite (suites/db.toml) and on a PostgreSQL server
# (suites/db-postgres.toml) side by side in one run of this script: per lesson, each alternative's
# median wall time and its ratio to the lesson's first bench on each database, the round trips, and
# whether the answers (checksums) agree. Uses the server in $WASMBENCH_POSTGRES_URL, else starts
# scripts/servers.sh's.
# Usage: scripts/db-sqlite-vs-postgres.sh [executions]        (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
executions=${1:-3}
work=${KEEP:-$(mktemp -d)}
cargo build --release -p wasmbench -q
wasmbench=$PWD/target/release/wasmbench
export WASMBENCH_CACHE_DIR="$work/cache"
if [[ -z ${WASMBENCH_POSTGRES_URL:-} ]]; then
  scripts/servers.sh start postgres >/dev/null
  WASMBENCH_POSTGRES_URL=$(scripts/servers.sh env | sed 's/^export [A-Z_]*=//')
  export WASMBENCH_POSTGRES_URL
fi
"$wasmbench" run suites/db.toml --executions "$executions" --out "$work/sqlite" -q >/dev/null
"$wasmbench" run suites/db-postgres.toml --executions "$executions" --out "$work/postgres" -q >/dev/null

python3 - "$work/sqlite/results.json" "$work/postgres/results.json" <<'PY'
import json, sys
sqlite, pg = ({b["id"]: b for b in json.load(open(p))["benches"]} for p in sys.argv[1:3])
def median(b):
    return b["wall_ns"]["summary"]["median"]
def ms(ns):
    return f"{ns / 1e6:.2f} ms" if ns >= 1e5 else f"{ns / 1e3:.0f} µs"
def counter(b, name):
    return b.get("counters", {}).get(name, 0)
first = {}
print("| lesson | bench | SQLite | ratio | PostgreSQL | ratio | queries | ×8 queries/s (SQLite / PG) | same answer |")
print("|---|---|---|---|---|---|---|---|---|")
for bench_id, s in sqlite.items():
    p = pg[bench_id]
    group = s.get("group") or "—"
    base = first.setdefault(group, bench_id)
    rs = median(s) / median(sqlite[base])
    rp = median(p) / median(pg[base])
    def waits(b):
        p = b.get("parallel")
        if not p:
            return "—"
        wait = p.get("pool_wait_ns", 0) / max(p["iterations"], 1) / 1e3
        return f"{p['units_per_second'] / 1e3:.1f} k, waited {wait:.0f} µs/iter"
    same = "yes" if s["checksum"] == p["checksum"] else "NO"
    print(f"| {group} | {bench_id} | {ms(median(s))} | {rs:.2f}× | {ms(median(p))} | {rp:.2f}× "
          f"| {counter(s, 'db.queries')} / {counter(p, 'db.queries')} | {waits(s)} / {waits(p)} | {same} |")
print()
print("SQLite's suite charges a slept 100 µs per round trip (but inserts and round trips: 0);")
print("PostgreSQL's has no simulated latency: its round trips are real.")
PY
echo "results: $work/sqlite/results.json $work/postgres/results.json" >&2
