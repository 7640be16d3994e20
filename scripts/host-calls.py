#!/usr/bin/env python3
"""Host calls per import group of a run, as a Markdown table (guest vs host time per bench).

    python3 scripts/host-calls.py reports/guide/results.json
"""
import json
import sys


from figures import duration, size


def main(path):
    results = json.load(open(path))
    print("| bench | median | host share | group | calls/iter | bytes/iter | host time/iter |")
    print("|---|---|---|---|---|---|---|")
    for bench in results["benches"]:
        host = bench.get("host")
        if not host or not host["groups"]:
            continue
        wall = bench.get("wall_ns")
        median = duration(wall["summary"]["median"]) if wall else "—"
        share = host.get("share_of_wall")
        share = f"{share:.0%}" if share is not None else "—"
        for k, group in enumerate(host["groups"]):
            first = k == 0
            print(
                f"| {'`' + bench['id'] + '`' if first else ''} | {median if first else ''} "
                f"| {share if first else ''} | {group['group']} | {group['calls_per_iteration']} "
                f"| {size(group['bytes_per_iteration'])} | {duration(group['ns_per_iteration'])} |"
            )


if __name__ == "__main__":
    main(sys.argv[1])
