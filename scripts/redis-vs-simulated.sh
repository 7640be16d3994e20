#!/usr/bin/env bash
# The guide's cache patterns on the simulated backends and on a real Redis server, side by side in
# one run of this script: per bench, the hit ratios (which must be equal), the median wall time and
# the backends' time per operation. Starts its own redis-server on a free loopback port.
# Usage: scripts/redis-vs-simulated.sh [samples]        (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
samples=${1:-20}
work=${KEEP:-$(mktemp -d)}
cargo build --release -p wasmbench -q
wasmbench=$PWD/target/release/wasmbench
export WASMBENCH_CACHE_DIR="$work/cache"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done

suite() { # <backends lines> → a suite of the guide's cache patterns
  printf '[suite]\nname = "cache-backends"\n[defaults]\nwarmup = 2\nsamples = %s\nexecutions = 2\n[backends]\n%s\n' \
    "$samples" "$1"
  for w in none aside write-through write-behind two-level invalidation; do
    printf '[[bench]]\nplugin = "cache"\nworkload = "%s"\n' "$w"
  done
}
suite $'latency_mode = "slept"\nstore = "0s"\nremote_cache = "0s"' > "$work/simulated.toml"
suite "store = \"redis://127.0.0.1:$port\""$'\n'"remote_cache = \"redis://127.0.0.1:$port\"" > "$work/redis.toml"
"$wasmbench" run "$work/simulated.toml" --out "$work/simulated" -q >/dev/null
"$wasmbench" run "$work/redis.toml" --out "$work/redis" -q >/dev/null

python3 - "$work/simulated/results.json" "$work/redis/results.json" <<'PY'
import json, sys
sim, red = (json.load(open(p))["benches"] for p in sys.argv[1:3])
def ratio(c, b):
    g = c.get(f"{b}.gets", 0)
    return f'{c.get(f"{b}.hits", 0) / g:.3f}' if g else "—"
def per_op(c, b):
    ops = sum(c.get(f"{b}.{k}", 0) for k in ("gets", "puts", "deletes"))
    return f'{c.get(f"{b}.latency_ns", 0) / ops / 1000:.1f} µs' if ops else "—"
print("| bench | store hits (sim = redis) | remote-cache hits (sim = redis) | wall sim | wall redis | redis/sim | store µs/op | remote-cache µs/op | checksum equal |")
print("|---|---|---|---|---|---|---|---|---|")
for s, r in zip(sim, red):
    cs, cr = s["counters"], r["counters"]
    ws, wr = s["wall_ns"]["summary"]["median"], r["wall_ns"]["summary"]["median"]
    same = lambda b: "=" if ratio(cs, b) == ratio(cr, b) else "≠"
    print(f'| {s["id"]} | {ratio(cs,"store")} {same("store")} {ratio(cr,"store")} '
          f'| {ratio(cs,"remote_cache")} {same("remote_cache")} {ratio(cr,"remote_cache")} '
          f'| {ws/1e6:.2f} ms | {wr/1e6:.2f} ms | {wr/ws:.1f}× '
          f'| {per_op(cr,"store")} | {per_op(cr,"remote_cache")} | {s["checksum"] == r["checksum"]} |')
PY
