#!/usr/bin/env python3
"""Each bench with a `model` against its prediction, from a results.json (suites/fetch-models.toml,
closing notes), with the fixture server's own round trip and a mark where the deviation is over
the tolerance (default 3%).

    python3 scripts/models-figures.py reports/fetch-models/results.json [TOLERANCE_PERCENT]
"""
import json
import sys

from figures import duration as dur

results = json.load(open(sys.argv[1]))
tolerance = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
fixture = results.get("http_fixture")
if fixture:
    print(
        f"fixture round trip: kept alive {dur(fixture['keep_alive_p50_ns'])} (p99 {dur(fixture['keep_alive_p99_ns'])}), "
        f"new connection {dur(fixture['new_connection_p50_ns'])} (p99 {dur(fixture['new_connection_p99_ns'])})\n"
    )
print("| bench | model | measured | predicted | deviation | within ±{:g}% |".format(tolerance))
print("|---|---|---|---|---|---|")
for b in results["benches"]:
    model = b.get("model")
    if not model or not b.get("wall_ns"):
        continue
    measured = b["wall_ns"]["summary"]["median"]
    predicted = model["expected_ns"]
    deviation = (measured / predicted - 1) * 100
    within = "yes" if abs(deviation) <= tolerance else "no"
    print(f"| `{b['id']}` | `{model['expression']}` | {dur(measured)} | {dur(predicted)} | {deviation:+.1f}% | {within} |")
