#!/usr/bin/env python3
"""The table of each database lesson from a results.json of suites/db.toml (docs/src/methodology/database-figures.md, closing notes).

    python3 scripts/db-figures.py reports/db/results.json
"""
import json
import sys


from figures import count, duration as dur

results = json.load(open(sys.argv[1]))
print("| group | bench | median | fuel/iter | queries | prepared | rows read | rows written | DB time | latency | ×N throughput, connection waits |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for b in results["benches"]:
    c = b["counters"]
    median = b["wall_ns"]["summary"]["median"] if b.get("wall_ns") else None
    fuel = b["fuel"]["per_iteration"] if b.get("fuel") else None
    parallel = ""
    if b.get("parallel"):
        p = b["parallel"]
        parallel = f"×{p['instances']}: {count(p['units_per_second'])} {b['units']['unit']}/s"
        if p.get("pool_wait_ns") is not None:
            parallel += f", waited {dur(p['pool_wait_ns'] / max(p['iterations'], 1))}/iter"
    print(
        f"| {b.get('group') or ''} | `{b['id']}` | {dur(median) if median else '—'} | "
        f"{count(fuel) if fuel is not None else '—'} | {c.get('db.queries', '—')} | "
        f"{c.get('db.prepared', '—')} | {c.get('db.rows_read', '—')} | {c.get('db.rows_written', '—')} | "
        f"{dur(c['db.time_ns']) if 'db.time_ns' in c else '—'} | "
        f"{dur(c['db.latency_ns']) if c.get('db.latency_ns') else '0'} | {parallel} |"
    )
