#!/usr/bin/env python3
"""The distribution of execution medians of separate runs, and of each run's estimate before and
after executions that stand apart are set aside.

Reads a folder kept by `KEEP=<folder> scripts/separate-runs.sh` (its `<section>/run-N/results.json`
and `<section>/cmp-N/comparison.json`) and prints one Markdown table per section:

- execution medians: every execution's median of every run, as a share of the median of them all
  (quantiles, and how many are 15% or more away from it): how the processes themselves vary;
- per-run estimate, before: each run's geometric mean of all its executions' medians;
- per-run estimate, after: the value `wasmbench compare` put beside its ratio (the geometric mean
  with an execution that stands apart set aside): what a verdict rests on.

Usage: scripts/execution-medians.py <kept folder> [bench id substring ...]
(default benches: cpu/fib, cpu/sieve, fs-read/blocking)
"""
import glob
import json
import math
import os
import statistics
import sys


def run_number(path):
    return int(path.split("run-")[1].split("/")[0])


def quantiles(values):
    """min, 10%, median, 90%, max of values (nearest rank)."""
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
    return [ordered[0], pick(0.1), pick(0.5), pick(0.9), ordered[-1]]


def row(label, values, center):
    shares = [v / center for v in values]
    far = sum(abs(s - 1) >= 0.15 for s in shares)
    cells = " | ".join(f"{s:.3f}" for s in quantiles(shares))
    spread = statistics.stdev(math.log(s) for s in shares) * 100 if len(shares) > 1 else 0.0
    return f"| {label} | {len(values)} | {cells} | {spread:.1f}% | {far} |"


def section(folder, wanted):
    runs = sorted(glob.glob(f"{folder}/run-*/results.json"), key=run_number)
    if not runs:
        return
    medians, before, after = {}, {}, {}
    for path in runs:
        for bench in json.load(open(path))["benches"]:
            wall = bench.get("wall_ns") or {}
            executions = [e for e in wall.get("executions") or [] if e]
            if not executions or not any(w in bench["id"] for w in wanted):
                continue
            ms = [statistics.median(e) for e in executions]
            medians.setdefault(bench["id"], []).extend(ms)
            geomean = math.exp(statistics.fmean(math.log(m) for m in ms))
            before.setdefault(bench["id"], []).append(geomean)
    compares = sorted(glob.glob(f"{folder}/cmp-*/comparison.json"),
                      key=lambda p: int(p.split("cmp-")[1].split("/")[0]))
    for index, path in enumerate(compares):
        for bench in json.load(open(path))["comparison"]["benches"]:
            for metric in bench.get("metrics") or []:
                if metric.get("metric") != "wall" or metric.get("statistic") != "execution-geomean":
                    continue
                values = after.setdefault(bench["id"], [])
                if index == 0:
                    values.append(metric["old"])
                values.append(metric["new"])
    print(f"### {os.path.basename(folder)}: {len(runs)} runs\n")
    print("| bench: values | n | min | 10% | median | 90% | max | sd (log) | ≥15% from the median |")
    print("|---|---|---|---|---|---|---|---|---|")
    for bench, values in medians.items():
        center = statistics.median(values)
        print(row(f"`{bench}`: execution medians", values, center))
        print(row(f"`{bench}`: run estimate, all executions", before[bench], center))
        if len(after.get(bench, [])) == len(runs):
            print(row(f"`{bench}`: run estimate, one standing apart set aside", after[bench], center))
    print()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    wanted = sys.argv[2:] or ["cpu/fib", "cpu/sieve", "fs-read/blocking"]
    sections = sorted(d for d in glob.glob(f"{folder}/*") if glob.glob(f"{d}/run-*/results.json"))
    if not sections:
        sys.exit(f"execution-medians: no <section>/run-N/results.json under {folder}: "
                 "keep a run with KEEP=<folder> scripts/separate-runs.sh")
    print("Values are shares of the median of all execution medians of the bench.\n")
    for d in sections:
        section(d, wanted)


if __name__ == "__main__":
    main()
