#!/usr/bin/env python3
"""How closely the HTTP fixture server serves its latency, timed end to end by a client outside the
harness: for each latency, over one kept-alive connection and over a new connection per request,
the round trip's median and 99th percentile, and the latency as served (the round trip minus the
median round trip with no latency: the client's and the server's own cost), against the issue's
tolerance (2% or 100 µs, whichever is larger, at the 99th percentile).

The client polls its socket instead of sleeping in recv(): a client thread that sleeps through a
20 ms wait is woken late itself (a halted virtual CPU), and that is the client's lateness, not the
server's. `--blocking` uses a plain blocking http.client instead, to see that difference.

    wasmbench fixture --port 8080 &
    python3 scripts/fixture-latency.py 8080 [REQUESTS] [--blocking]
"""
import http.client
import socket
import sys
import time

args = [a for a in sys.argv[1:] if not a.startswith("--")]
blocking = "--blocking" in sys.argv
port = int(args[0])
requests = int(args[1]) if len(args) > 1 else 500
WARMUP = 20


def percentile(xs, q):
    xs = sorted(xs)
    return xs[max(0, min(len(xs) - 1, -(-int(q * 1000) * len(xs) // 1000) - 1))]


def polling_get(sock, path, close):
    """Sends one GET and polls until its headers and 64-byte body are in."""
    extra = "connection: close\r\n" if close else ""
    sock.sendall(f"GET {path} HTTP/1.1\r\nhost: fixture\r\n{extra}\r\n".encode())
    got = b""
    while True:
        try:
            chunk = sock.recv(4096)
        except BlockingIOError:
            continue
        if not chunk:
            raise RuntimeError("the server closed the connection mid-response")
        got += chunk
        head, _, body = got.partition(b"\r\n\r\n")
        if _ and len(body) >= 64:
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace"))
            return


def connect():
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setblocking(False)
    return sock


def round_trips(latency_ms, keep_alive):
    times = []
    kept = None
    if keep_alive:
        kept = http.client.HTTPConnection("127.0.0.1", port) if blocking else connect()
    for i in range(requests + WARMUP):
        path = f"/item/{i}?latency_ms={latency_ms}&jitter_ms=0&error_rate=0&size=64"
        start = time.perf_counter_ns()
        if blocking:
            conn = kept or http.client.HTTPConnection("127.0.0.1", port)
            conn.request("GET", path, headers={} if keep_alive else {"Connection": "close"})
            conn.getresponse().read()
            if not keep_alive:
                conn.close()
        else:
            sock = kept or connect()
            polling_get(sock, path, close=not keep_alive)
            if not keep_alive:
                sock.close()
        if i >= WARMUP:  # the first requests warm up both sides
            times.append((time.perf_counter_ns() - start) / 1e3)
    return times


client = "blocking http.client" if blocking else "polling socket"
print(f"client: {client}, {requests} requests per row\n")
print("| connection | latency | round trip p50 | p99 | served latency p50 | p99 | error at p99 | tolerance | within |")
print("|---|---|---|---|---|---|---|---|---|")
for keep_alive in (True, False):
    base = None
    for latency_ms in (0, 1, 20):
        times = round_trips(latency_ms, keep_alive)
        p50, p99 = percentile(times, 0.5), percentile(times, 0.99)
        if latency_ms == 0:
            base = p50
        served50, served99 = p50 - base, p99 - base
        error = served99 - latency_ms * 1e3
        tolerance = max(0.02 * latency_ms * 1e3, 100)
        within = "—" if latency_ms == 0 else ("yes" if abs(error) <= tolerance else "no")
        print(
            f"| {'kept alive' if keep_alive else 'new each'} | {latency_ms} ms | {p50:.0f} µs | {p99:.0f} µs | "
            f"{served50:.0f} µs | {served99:.0f} µs | {error:+.0f} µs | {tolerance:.0f} µs | {within} |"
        )
