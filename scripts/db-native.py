#!/usr/bin/env python3
"""The database lessons of suites/db.toml run natively: Python's sqlite3 (the real SQLite library,
no sandbox) on a file database seeded like the suite's (same tables, row counts, generators,
indexes, WAL and synchronous=NORMAL), the same SQL per iteration as plugins/db, and the same round
trips charged the same latency (one per statement run or prepared, as the host charges it; a
precise wait: sleep with a 1 ns timer slack, spin the last 150 µs). Prints each pair's ratio, and
with --results wasmbench's ratio from a results.json of suites/db.toml beside it, with the
deviation (target: within 15% at 100 µs).

    python3 scripts/db-native.py [--latency 100us|0us] [--results out/results.json]

Row values come from Python's random, not the host's ChaCha stream: the same sizes, distributions
and query plans, not the same bytes.
"""
import argparse
import ctypes
import os
import random
import sqlite3
import statistics
import string
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("--latency", default="100us", help="per round trip: 100us, 0us, 1ms")
ap.add_argument("--results", help="a results.json of suites/db.toml to compare with")
ap.add_argument("--seconds", type=float, default=0.5, help="timed per bench (at least 15 iterations)")
args = ap.parse_args()
units = {"us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "ns": 1}
unit = next(u for u in ("us", "µs", "ms", "ns", "s") if args.latency.endswith(u))
LATENCY_NS = int(float(args.latency[: -len(unit)]) * units[unit])

try:
    ctypes.CDLL(None).prctl(29, 1, 0, 0, 0)  # PR_SET_TIMERSLACK: 1 ns
except (OSError, AttributeError):
    pass


def wait(ns):
    """A round trip's latency, ending within microseconds of it."""
    if ns <= 0:
        return
    deadline = time.perf_counter_ns() + ns
    if ns > 150_000:
        time.sleep((ns - 150_000) / 1e9)
    while time.perf_counter_ns() < deadline:
        pass


def trip(fn, latency=None):
    """One round trip: the statement, then its latency (the host's order)."""
    out = fn()
    wait(LATENCY_NS if latency is None else latency)
    return out


def seed(conn):
    text = lambda lo, hi: "".join(random.choices(string.ascii_lowercase, k=random.randint(lo, hi)))
    conn.executescript(
        """
        CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country INTEGER NOT NULL);
        CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL, published INTEGER NOT NULL);
        CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total INTEGER NOT NULL);
        CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount INTEGER NOT NULL);
        """
    )
    random.seed(1)
    conn.executemany("INSERT INTO authors VALUES (?,?,?)", [(i + 1, text(8, 16), random.randint(0, 49)) for i in range(1000)])
    conn.executemany("INSERT INTO books VALUES (?,?,?,?)", [(i + 1, i % 1000 + 1, text(10, 40), random.randint(1950, 2024)) for i in range(20_000)])
    conn.executemany("INSERT INTO customers VALUES (?,?)", [(i + 1, text(6, 12)) for i in range(5000)])
    conn.executemany("INSERT INTO orders VALUES (?,?,?)", [(i + 1, random.randint(1, 5000), random.randint(1, 500)) for i in range(50_000)])
    conn.commit()


INDEXES = {
    "books_by_published": "CREATE INDEX books_by_published ON books(published, id)",
    "books_by_author": "CREATE INDEX books_by_author ON books(author_id, id)",
    "orders_by_customer": "CREATE INDEX orders_by_customer ON orders(customer_id)",
}


def database(indexes):
    folder = tempfile.mkdtemp(prefix="db-native-")
    path = os.path.join(folder, "bench.db")
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("BEGIN")
    seed(conn)
    for name in indexes:
        conn.execute(INDEXES[name])
    conn.execute("ANALYZE") if False else None
    return conn


# --- the workloads, as plugins/db runs them per iteration ----------------------------------------
def page_offset(conn, depth, size=20):
    return lambda: trip(lambda: conn.execute(
        "SELECT id, title, published FROM books ORDER BY published, id LIMIT ? OFFSET ?", (size, (depth - 1) * size)).fetchall())


def page_keyset(conn, depth, size=20):
    if depth == 1:
        return lambda: trip(lambda: conn.execute(
            "SELECT id, title, published FROM books ORDER BY published, id LIMIT ?", (size,)).fetchall())
    cursor = conn.execute("SELECT published, id FROM books ORDER BY published, id LIMIT 1 OFFSET ?", ((depth - 1) * size - 1,)).fetchone()
    return lambda: trip(lambda: conn.execute(
        "SELECT id, title, published FROM books WHERE (published, id) > (?, ?) ORDER BY published, id LIMIT ?",
        (cursor[0], cursor[1], size)).fetchall())


def n_plus_one(conn, authors=50):
    def run():
        rows = trip(lambda: conn.execute("SELECT id, name FROM authors ORDER BY id LIMIT ?", (authors,)).fetchall())
        for author_id, _ in rows:
            trip(lambda: conn.execute("SELECT title FROM books WHERE author_id = ? ORDER BY id", (author_id,)).fetchall())
    return run


def join(conn, authors=50):
    return lambda: trip(lambda: conn.execute(
        "SELECT a.id, a.name, b.title FROM (SELECT id, name FROM authors ORDER BY id LIMIT ?) AS a "
        "LEFT JOIN books AS b ON b.author_id = a.id ORDER BY a.id, b.id", (authors,)).fetchall())


def orders_by_customer(conn, lookups=10):
    top = conn.execute("SELECT max(customer_id) FROM orders").fetchone()[0]
    customers = [(k * 7919) % top + 1 for k in range(lookups)]
    sql = "SELECT count(*), sum(total) FROM orders WHERE customer_id = ?"

    def run():
        trip(lambda: None)  # the host charges the prepare a round trip; sqlite3 caches statements
        for c in customers:
            trip(lambda: conn.execute(sql, (c,)).fetchall())
    return run


KINDS = ["view", "click", "cart", "buy", "share"]
INSERT = "INSERT INTO events (id, kind, amount) VALUES (?, ?, ?)"
event = lambda i: (i + 1, KINDS[i % 5], (i * 7919 + 13) % 1000)


def insert_transaction(conn, rows=200):
    def run():
        conn.execute("DELETE FROM events")
        conn.execute("BEGIN")
        for i in range(rows):
            conn.execute(INSERT, event(i))
        conn.execute("COMMIT")
    return run


def insert_autocommit(conn, rows=200):
    def run():
        conn.execute("DELETE FROM events")
        for i in range(rows):
            # Compiled each time, like the host's unprepared execute.
            conn.execute(INSERT + " -- " + str(i % 2), event(i))
    return run


def time_it(run):
    for _ in range(3):
        run()
    times, spent = [], 0
    while spent < args.seconds * 1e9 or len(times) < 15:
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
        spent += times[-1]
    return statistics.median(times)


ALL = list(INDEXES)
BENCHES = [  # id in suites/db.toml, indexes, workload, latency (None: the suite's)
    ("db/page-offset depth=1", ALL, lambda c: page_offset(c, 1), None),
    ("db/page-keyset depth=1", ALL, lambda c: page_keyset(c, 1), None),
    ("db/page-offset depth=100", ALL, lambda c: page_offset(c, 100), None),
    ("db/page-keyset depth=100", ALL, lambda c: page_keyset(c, 100), None),
    ("db/page-offset depth=1000", ALL, lambda c: page_offset(c, 1000), None),
    ("db/page-keyset depth=1000", ALL, lambda c: page_keyset(c, 1000), None),
    ("db/insert-transaction", ALL, insert_transaction, 0),
    ("db/insert-autocommit", ALL, insert_autocommit, 0),
    ("db/authors-n-plus-one", ALL, n_plus_one, None),
    ("db/authors-join", ALL, join, None),
    ("db/orders-by-customer indexed", ALL, orders_by_customer, None),
    ("db/orders-by-customer unindexed", ["books_by_published", "books_by_author"], orders_by_customer, None),
]
PAIRS = [  # (slow, fast): the lesson's ratio
    ("db/page-offset depth=1", "db/page-keyset depth=1"),
    ("db/page-offset depth=100", "db/page-keyset depth=100"),
    ("db/page-offset depth=1000", "db/page-keyset depth=1000"),
    ("db/insert-autocommit", "db/insert-transaction"),
    ("db/authors-n-plus-one", "db/authors-join"),
    ("db/orders-by-customer unindexed", "db/orders-by-customer indexed"),
]

native = {}
databases = {}
for bench_id, indexes, workload, latency in BENCHES:
    key = tuple(indexes)
    if key not in databases:
        databases[key] = database(indexes)
    saved = LATENCY_NS
    if latency is not None:
        LATENCY_NS = latency
    native[bench_id] = time_it(workload(databases[key]))
    LATENCY_NS = saved

measured = {}
if args.results:
    import json

    for b in json.load(open(args.results))["benches"]:
        if b.get("wall_ns"):
            measured[b["id"]] = b["wall_ns"]["summary"]["median"]

fmt = lambda ns: f"{ns / 1e6:.3g} ms" if ns >= 1e6 else f"{ns / 1e3:.3g} µs"
print(f"native SQLite {sqlite3.sqlite_version}, {args.latency} a round trip (the inserts: none, as in the suite)\n")
if measured:
    print("| pair (slow ÷ fast) | native | ratio | wasmbench | ratio | deviation | within 15% |")
    print("|---|---|---|---|---|---|---|")
else:
    print("| pair (slow ÷ fast) | native | ratio |")
    print("|---|---|---|")
for slow, fast in PAIRS:
    ratio = native[slow] / native[fast]
    line = f"| `{slow}` ÷ `{fast}` | {fmt(native[slow])} / {fmt(native[fast])} | {ratio:.2f}× |"
    if slow in measured and fast in measured:
        theirs = measured[slow] / measured[fast]
        deviation = (theirs / ratio - 1) * 100
        line += f" {fmt(measured[slow])} / {fmt(measured[fast])} | {theirs:.2f}× | {deviation:+.1f}% | {'yes' if abs(deviation) <= 15 else 'no'} |"
    print(line)
