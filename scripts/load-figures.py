#!/usr/bin/env python3
"""Figures of the load mode, as Markdown tables (the closing note's and the guide's, docs/src/methodology/load-figures.md):

1. correctness under capacity: a fixed-latency fetch well under the pool's capacity; p50 and p99
   against the configured latency (the rest is the harness's overhead);
2. above capacity: the same at a rate the pool can't serve; corrected latency grows with the queue,
   service latency does not;
3. a cross-check against oha (`cargo install oha`) hitting `wasmbench fixture` at the same rate, with
   and without its coordinated-omission correction;
4. the harness's ceiling: the empty workload at rising rates; the highest rate served without drops
   and the scheduler's lag (dispatch − intended start) at p99.

    cargo build --release -p wasmbench
    python3 scripts/load-figures.py [--wasmbench target/release/wasmbench] [--oha PATH] [--seconds 10]
"""

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from figures import duration as duration_ns  # noqa: E402


def run_suite(wasmbench, suite_text, workdir, name):
    suite = os.path.join(workdir, f"{name}.toml")
    with open(suite, "w") as f:
        f.write(suite_text)
    out = os.path.join(workdir, name)
    proc = subprocess.run(
        [wasmbench, "run", suite, "--out", out, "-q"],
        capture_output=True,
        text=True,
    )
    if proc.returncode not in (0, 4):
        sys.exit(f"{name}: wasmbench exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)["loads"]


def fetch_suite(scenarios, latency_ms):
    text = f"""
[suite]
name = "load-figures"
[defaults]
memory = "64 MiB"
deadline = "30s"
[http]
latency = "{latency_ms}ms"
size = "1 KiB"
"""
    for sid, pool, rate, seconds in scenarios:
        text += f"""
[[load]]
id = "{sid}"
plugin = "fetch"
workload = "sequential"
params = {{ n = 1, latency_ms = {latency_ms} }}
pool = {pool}
queue = 100000
[[load.phase]]
name = "steady"
duration = "{seconds}s"
rate = {rate}
"""
    return text


def row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def ours(load):
    o = load["overall"]
    lat, svc = o["latency"], o["service"]
    return o, lat, svc


def correctness(args, workdir):
    latency_ms = 20
    seconds = args.seconds
    # Capacity of a pool of P instances at 20 ms per request: P × 50/s.
    scenarios = [
        ("under-capacity", 4, 50, seconds),
        ("over-capacity", 1, 60, seconds),
    ]
    loads = run_suite(args.wasmbench, fetch_suite(scenarios, latency_ms), workdir, "correctness")
    print(f"### Fixed {latency_ms} ms latency (fetch/sequential n=1 against the fixture server), {seconds} s\n")
    print(row(["scenario", "pool", "offered", "throughput", "p50", "p90", "p99", "p99.9", "max",
               "service p50", "service p99", "scheduler lag p99"]))
    print(row(["---"] * 12))
    for load in loads:
        o, lat, svc = ours(load)
        lag = load.get("schedule_lag") or {}
        print(row([load["id"], load["setup"]["pool"], f'{o["offered_rate"]:.0f}/s', f'{o["throughput"]:.1f}/s',
                   duration_ns(lat["p50"]), duration_ns(lat["p90"]), duration_ns(lat["p99"]),
                   duration_ns(lat["p999"]), duration_ns(lat["max"]),
                   duration_ns(svc["p50"]), duration_ns(svc["p99"]), duration_ns(lag.get("p99", 0))]))
    under = loads[0]["overall"]["latency"]
    print(f"\nUnder capacity: p50 is {under['p50'] / (latency_ms * 1e6):.3f}× and p99 "
          f"{under['p99'] / (latency_ms * 1e6):.3f}× the configured latency; the overhead at p50 "
          f"(harness, wasi-http, loopback HTTP, the fixture's timer) is {duration_ns(under['p50'] - latency_ms * 1e6)}.\n")
    return loads


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oha_run(oha, url, rate, seconds, connections, corrected):
    cmd = [oha, "-z", f"{seconds}s", "-q", str(rate), "-c", str(connections), "--no-tui",
           "--output-format", "json", url]
    if corrected:
        cmd.insert(1, "--latency-correction")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"oha failed: {proc.stderr}")
    data = json.loads(proc.stdout)
    pct = data["latencyPercentiles"]
    return {k: pct[k] * 1e9 for k in ("p50", "p90", "p99", "p99.9")}, data["summary"]["requestsPerSec"]


def crosscheck(args, loads):
    if not args.oha or not shutil.which(args.oha):
        print("(oha not found: no cross-check; `cargo install oha`)\n")
        return
    port = free_port()
    server = subprocess.Popen([args.wasmbench, "fixture", "--port", str(port), "--latency", "20ms"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        server.stdout.readline()
        url = f"http://127.0.0.1:{port}/item/1?size=1024&latency_ms=20"
        print(f"### Cross-check against oha, same rates against `wasmbench fixture` (20 ms), {args.seconds} s\n")
        print(row(["tool", "pool / connections", "rate", "p50", "p90", "p99", "p99.9", "achieved"]))
        print(row(["---"] * 8))
        for load, connections in ((loads[0], 4), (loads[1], 1)):
            _, lat, _ = ours(load)
            o = load["overall"]
            rate = round(o["offered_rate"])
            print(row([f"wasmbench ({load['id']})", load["setup"]["pool"], f"{rate}/s",
                       duration_ns(lat["p50"]), duration_ns(lat["p90"]), duration_ns(lat["p99"]),
                       duration_ns(lat["p999"]), f'{o["throughput"]:.1f}/s']))
            for corrected in (True, False):
                pct, achieved = oha_run(args.oha, url, rate, args.seconds, connections, corrected)
                label = "oha --latency-correction" if corrected else "oha (uncorrected)"
                print(row([label, connections, f"{rate}/s", duration_ns(pct["p50"]), duration_ns(pct["p90"]),
                           duration_ns(pct["p99"]), duration_ns(pct["p99.9"]), f"{achieved:.1f}/s"]))
        print()
    finally:
        server.terminate()
        server.wait()


def ceiling(args, workdir):
    rates = [int(r) for r in args.rates.split(",")]
    text = """
[suite]
name = "load-ceiling"
[defaults]
memory = "64 MiB"
deadline = "10s"
"""
    for pool in (1, 2):
        for rate in rates:
            text += f"""
[[load]]
id = "empty/pool-{pool}/{rate}"
plugin = "handler"
workload = "empty"
pool = {pool}
queue = 100000
[[load.phase]]
name = "steady"
duration = "{args.ceiling_seconds}s"
rate = {rate}
"""
    loads = run_suite(args.wasmbench, text, workdir, "ceiling")
    print(f"### The harness's ceiling: the empty workload, {args.ceiling_seconds} s per rate\n")
    print(row(["pool", "offered", "throughput", "dropped", "p50", "p99", "max", "service p50",
               "scheduler lag p50", "scheduler lag p99"]))
    print(row(["---"] * 10))
    for load in loads:
        o, lat, svc = ours(load)
        lag = load["schedule_lag"]
        print(row([load["setup"]["pool"], f'{o["offered_rate"]:.0f}/s', f'{o["throughput"]:.0f}/s', o["dropped"],
                   duration_ns(lat["p50"]), duration_ns(lat["p99"]), duration_ns(lat["max"]),
                   duration_ns(svc["p50"]), duration_ns(lag["p50"]), duration_ns(lag["p99"])]))
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wasmbench", default="target/release/wasmbench")
    parser.add_argument("--oha", default=shutil.which("oha") or os.path.expanduser("~/.cargo/bin/oha"))
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rates", default="1000,2000,5000,10000,20000")
    parser.add_argument("--ceiling-seconds", type=int, default=5)
    parser.add_argument("--only", choices=["correctness", "ceiling"], default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wasmbench-load-figures-") as workdir:
        if args.only in (None, "correctness"):
            loads = correctness(args, workdir)
            crosscheck(args, loads)
        if args.only in (None, "ceiling"):
            ceiling(args, workdir)


if __name__ == "__main__":
    main()
