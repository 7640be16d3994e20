#!/usr/bin/env python3
"""A/A noise fixture for `host/examples/changepoint_validation.rs`: the per-run wall median, fuel
per iteration and peak memory of every bench that ran to completion, in run order, from a folder
of separate runs of the same suites with the same binary.

    # e.g. 40 runs of each suite, one results folder per run:
    for i in $(seq -w 1 40); do for s in quick guide; do
      target/release/wasmbench run suites/$s.toml -q --executions 2 -o noise/$s-$i; done; done
    python3 scripts/aa-noise-extract.py noise > host/tests/fixtures/aa-noise.json

Folders are read in name order (`quick-01`, `quick-02`, ...), which is the order the runs were made
in: the example's block bootstrap relies on it to keep drift between neighbouring runs.
"""
import json, pathlib, statistics, sys

if len(sys.argv) != 2:
    sys.exit(__doc__)
root = pathlib.Path(sys.argv[1])
benches = {}  # (suite, bench) -> dict
runs = {}  # suite -> number of results files
for path in sorted(root.glob("*/results.json")):
    results = json.loads(path.read_text())
    suite = results["suite"]["name"]
    runs[suite] = runs.get(suite, 0) + 1
    for bench in results["benches"]:
        if bench["status"] != "ok" or not (bench.get("wall_ns") or {}).get("summary"):
            continue
        entry = benches.setdefault(
            (suite, bench["id"]),
            {"suite": suite, "bench": bench["id"], "runs": [], "wall_median_ns": [],
             "fuel_per_iteration": [], "fuel_varies": [], "peak_memory_bytes": []},
        )
        fuel = bench.get("fuel") or {}
        memory = bench.get("memory") or {}
        entry["runs"].append(path.parent.name)
        entry["wall_median_ns"].append(bench["wall_ns"]["summary"]["median"])
        entry["fuel_per_iteration"].append(fuel.get("per_iteration"))
        entry["fuel_varies"].append(bool(fuel.get("varies")))
        entry["peak_memory_bytes"].append(memory.get("peak_bytes"))

out = []
for entry in benches.values():
    walls = entry["wall_median_ns"]
    entry["wall_cv"] = round(statistics.pstdev(walls) / statistics.fmean(walls), 4)
    entry["fuel_exact"] = len(set(entry["fuel_per_iteration"])) == 1
    entry["memory_exact"] = len(set(entry["peak_memory_bytes"])) == 1
    out.append(entry)

# One bench a line: small diffs when the fixture is regenerated.
print("{")
print(f'  "source": {json.dumps(str(root))},')
print(f'  "runs_per_suite": {json.dumps(runs, sort_keys=True)},')
print('  "benches": [')
print(",\n".join("    " + json.dumps(e, separators=(",", ":")) for e in out))
print("  ]")
print("}")
