#!/usr/bin/env python3
"""How closely the HTTP fixture server serves its latency, timed end to end by a client outside the
harness (Python's http.client, perf_counter_ns): for each latency, over one kept-alive connection
and over a new connection per request, the round trip's median and 99th percentile, what it adds
over the latency, and the latency as served (the round trip minus the median round trip with no
latency, which is the client's and the server's own cost).

    wasmbench fixture --port 8080 &
    python3 scripts/fixture-latency.py 8080 [REQUESTS]
"""
import http.client
import sys
import time

port = int(sys.argv[1])
requests = int(sys.argv[2]) if len(sys.argv) > 2 else 500


def percentile(xs, q):
    xs = sorted(xs)
    return xs[max(0, min(len(xs) - 1, int(-(-q * len(xs) // 1)) - 1))]


def round_trips(latency_ms, keep_alive):
    times = []
    conn = http.client.HTTPConnection("127.0.0.1", port) if keep_alive else None
    for i in range(requests + 20):
        start = time.perf_counter_ns()
        if not keep_alive:
            conn = http.client.HTTPConnection("127.0.0.1", port)
        headers = {} if keep_alive else {"Connection": "close"}
        conn.request("GET", f"/item/{i}?latency_ms={latency_ms}&jitter_ms=0&error_rate=0&size=64", headers=headers)
        response = conn.getresponse()
        response.read()
        if not keep_alive:
            conn.close()
        if i >= 20:  # the first requests warm up both sides
            times.append((time.perf_counter_ns() - start) / 1e3)
    return times


print("| connection | latency | round trip p50 | p99 | over the latency p50 | p99 | served latency p50 | p99 | within 2% or 100 µs at p99 |")
print("|---|---|---|---|---|---|---|---|---|")
for keep_alive in (True, False):
    base = None
    for latency_ms in (0, 1, 20):
        times = round_trips(latency_ms, keep_alive)
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        if latency_ms == 0:
            base = p50
        over50, over99 = p50 - latency_ms * 1e3, p99 - latency_ms * 1e3
        served50, served99 = p50 - base, p99 - base
        tolerance = max(0.02 * latency_ms * 1e3, 100)
        ok = "—" if latency_ms == 0 else ("yes" if abs(served99 - latency_ms * 1e3) <= tolerance else "no")
        print(
            f"| {'kept alive' if keep_alive else 'new each'} | {latency_ms} ms | {p50:.0f} µs | {p99:.0f} µs | "
            f"{over50:+.0f} µs | {over99:+.0f} µs | {served50:.0f} µs | {served99:.0f} µs | {ok} |"
        )
