#!/usr/bin/env python3
"""A/A test of the metrics endpoint: does serving `--metrics-addr` (and being scraped) change the
timed results? Runs the suite alternately without and with the endpoint (scraped every
--scrape-every seconds, as Prometheus would), then compares each pair with `wasmbench compare`.
Also compares two plain runs (off vs off) for the noise floor to read the pairs against.

    scripts/metrics-aa.py [--wasmbench target/release/wasmbench] [--suite suites/quick.toml]
                          [--rounds 2] [--scrape-every 1]

Prints the wall-time ratio (on / off) of each bench per round and the verdicts. Measures;
asserts nothing.
"""

import argparse
import json
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(wasmbench, suite, out, port=None, scrape_every=1.0):
    args = [wasmbench, "run", suite, "--out", out, "-q"]
    stop = threading.Event()
    scrapes = [0]
    if port is not None:
        args += ["--metrics-addr", f"127.0.0.1:{port}"]

        def scrape():
            while not stop.wait(scrape_every):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read()
                    scrapes[0] += 1
                except OSError:
                    pass

        threading.Thread(target=scrape, daemon=True).start()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop.set()
    return scrapes[0]


def compare(wasmbench, old, new, out):
    subprocess.run(
        [wasmbench, "compare", f"{old}/results.json", f"{new}/results.json", "-o", out],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    benches = json.loads((Path(out) / "comparison.json").read_text())["comparison"]["benches"]
    rows = {}
    for b in benches:
        wall = next((m for m in b["metrics"] if m["metric"] == "wall"), None)
        rows[b["id"]] = (wall["ratio"] if wall else None, b["verdict"])
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--wasmbench", default="target/release/wasmbench")
    p.add_argument("--suite", default="suites/quick.toml")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--scrape-every", type=float, default=1.0)
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="metrics-aa-")
    pairs = []
    for r in range(a.rounds):
        off, on = f"{tmp}/off{r}", f"{tmp}/on{r}"
        run(a.wasmbench, a.suite, off)
        scrapes = run(a.wasmbench, a.suite, on, free_port(), a.scrape_every)
        pairs.append((compare(a.wasmbench, off, on, f"{tmp}/cmp{r}"), scrapes))
    floor = compare(a.wasmbench, f"{tmp}/off0", f"{tmp}/off1", f"{tmp}/floor") if a.rounds > 1 else {}
    header = "| bench | " + " | ".join(f"round {r + 1}: on/off" for r in range(a.rounds))
    print(header + (" | off/off (noise floor) |" if floor else " |"))
    print("|---" * (a.rounds + 1 + bool(floor)) + "|")
    for bench in pairs[0][0]:
        cells = []
        for rows, _ in pairs:
            ratio, verdict = rows.get(bench, (None, "—"))
            cells.append(f"{ratio:.3f} {verdict}" if ratio else verdict)
        if floor:
            ratio, verdict = floor.get(bench, (None, "—"))
            cells.append(f"{ratio:.3f} {verdict}" if ratio else verdict)
        print(f"| `{bench}` | " + " | ".join(cells) + " |")
    print(f"\nscrapes served per 'on' run: {[s for _, s in pairs]}; outputs in {tmp}")


if __name__ == "__main__":
    main()
