#!/usr/bin/env python3
"""What profiling costs: the median iteration time of a bench in the timed pass (`wasmbench run`)
against the same bench in the profiling pass (`wasmbench profile`) at several sample intervals.
An interval of 1 s takes almost no sample: it shows the cost of the profiling engine's epoch
checks alone; shorter intervals add the cost of sampling.

    scripts/profile-overhead.py [--wasmbench target/release/wasmbench] [--suite suites/quick.toml]
                                [--interval 1s --interval 1ms ...] BENCH_ID...

Prints one Markdown table row per bench and interval. Measures; asserts nothing.
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

UNITS = {"ns": 1.0, "µs": 1e3, "ms": 1e6, "s": 1e9}


def timed_median(wasmbench, suite, bench, out):
    subprocess.run(
        [wasmbench, "run", suite, "--filter", bench, "--out", out, "-q"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results = json.loads((Path(out) / "results.json").read_text())
    for b in results["benches"]:
        if bench in b["id"]:
            return b["id"], b["wall_ns"]["summary"]["median"]
    sys.exit(f"no bench {bench} in the results")


def profiled_median(wasmbench, suite, bench, out, interval):
    done = subprocess.run(
        [wasmbench, "profile", suite, "--bench", bench, "--out", out, "--interval", interval],
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(
        r"(\d+) iterations, median ([\d.]+) (ns|µs|ms|s) per iteration while profiled, (\d+) samples",
        done.stdout,
    )
    if not found:
        sys.exit(f"unexpected output of wasmbench profile:\n{done.stdout}\n{done.stderr}")
    iterations, value, unit, samples = found.groups()
    return float(value) * UNITS[unit], int(iterations), int(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wasmbench", default="target/release/wasmbench")
    parser.add_argument("--suite", default="suites/quick.toml")
    parser.add_argument("--interval", action="append")
    parser.add_argument("benches", nargs="+")
    args = parser.parse_args()
    intervals = args.interval or ["1s", "1ms", "100us"]
    print("| bench | timed median | interval | profiled median | × timed | iterations | samples |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n, bench in enumerate(args.benches):
            bench_id, timed = timed_median(args.wasmbench, args.suite, bench, f"{tmp}/run{n}")
            for interval in intervals:
                profiled, iterations, samples = profiled_median(
                    args.wasmbench, args.suite, bench, f"{tmp}/prof{n}-{interval}", interval
                )
                print(
                    f"| {bench_id} | {timed / 1e3:.1f} µs | {interval} | {profiled / 1e3:.1f} µs "
                    f"| {profiled / timed:.2f} | {iterations} | {samples} |"
                )


if __name__ == "__main__":
    main()
