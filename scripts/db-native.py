#!/usr/bin/env python3
"""The database lessons of suites/db.toml run natively, to check wasmbench's ratios against them.

    python3 scripts/db-native.py [suites/db.toml] [--latency 100us|0us] [--results results.json]

Reads the suite with tomllib and, for every bench whose workload it knows (the plugin `db`'s), runs
the same SQL per iteration as plugins/db/src with Python's sqlite3 (the real SQLite library, no
sandbox) on a database built the way the host builds it (host/src/capability/db): a file in a fresh
temporary folder per bench, WAL, synchronous=NORMAL, temp_store=MEMORY, mmap off; the suite's
schema, its `[[db.table]]` rows from the same generators (Python's random, not the host's ChaCha
stream: the same row counts, lengths and distributions, hence the same query plans, not the same
bytes); the bench's indexes (all of `[db.indexes]` unless it lists its own); then ANALYZE.

Round trips are counted as the host counts them (session.rs, `DbSession::on`): one per statement
call from the guest, i.e. each `query`/`execute` (compiled every time, pool shortcut or held
connection), `begin`/`commit`/`rollback` (run as statements), `prepare` (compiled once: sqlite3's
statement cache plays the connection's prepared-statement cache) and each run of a prepared
statement. Taking a connection and giving it back are not round trips, and a statement's rows come
back with it (no trip per row). After each trip the bench's latency is waited, when `[db]` says
`latency_mode = "slept"`, while holding the connection: a precise wait, as the host's
(capability/precise.rs): sleep to 150 µs before the deadline with a 1 ns timer slack, then spin on
perf_counter_ns. Unprepared statements get a unique trailing comment so sqlite3 compiles them every
time, as the host's `Connection::prepare` does.

`--latency` replaces `[db] latency` (a bench's own `db = { latency = ... }`, e.g. the inserts' and
the round trips' 0, still wins, as it would in wasmbench). Each bench runs its suite warm-up (at
least 3 iterations), then is timed for at least `--iterations` iterations and `--seconds`; its
median is printed. A bench with `instances > 1` (the pool group) also gets a parallel pass like
wasmbench's (runner/parallel.rs): that many processes, each with its own connection, sharing a
semaphore of the bench's pool size as the pool, `samples` iterations each after the warm-up; the
median elapsed time of `--passes` passes gives the queries per second.

Per group it prints each bench's native median and round trips, then each pair's ratio slow ÷ fast
as the lesson reads (offset ÷ keyset at each depth, autocommit ÷ transaction, N+1 ÷ join,
unindexed ÷ indexed; pool 1 ÷ 4 and 4 ÷ 16 in time per query, from the parallel pass; the pool
shortcut ÷ a prepared statement for the capability). With `--results`, a results.json of the same
suite (`benches[].id`, `group`, `wall_ns.summary.median`, `parallel.units_per_second`,
`db.latency_ns`, `db.plans`, `counters["db.queries"]`) puts wasmbench's medians, round trips and
ratios beside them, with the deviation (wasmbench ÷ native − 1) and ✗ beyond 15%: the target is
every pair of pagination, inserts, n-plus-one and index within 15% at 100 µs. The pool and
capability pairs are information only: spinning waits of 8 instances on 2 cores measure the free
cores as much as the pool, and a call costs about as much through Python's sqlite3 (0.8 µs
prepared, 2.4 µs compiled) as through the sandbox. Last, it explains the results' statements here
and lists those SQLite plans differently (its version is not wasmbench's bundled one).
"""
import argparse
import contextlib
import ctypes
import gc
import itertools
import json
import multiprocessing
import os
import random
import re
import shutil
import sqlite3
import statistics
import string
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from figures import count, duration

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.15  # the target: wasmbench's ratio within 15% of native's
SPIN_NS = 150_000  # spin the last 150 µs of a wait, as capability/precise.rs does
UNITS_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60 * 10**9, "h": 3600 * 10**9}


def parse_duration(text):
    """A humantime duration as the suite writes it ("100us", "0s", "1ms 500us"), in ns."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)\b", text)
    if not parts or re.sub(r"(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)\b|\s", "", text):
        raise ValueError(f"not a duration: {text!r} (write e.g. 100us, 0s, 1ms)")
    return round(sum(float(n) * UNITS_NS[u] for n, u in parts))


# --- Precise waits -------------------------------------------------------------------------------
def tighten_timer_slack():
    """Linux wakes sleeps up to 50 µs late by default; ask for 1 ns (PR_SET_TIMERSLACK = 29)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(29, ctypes.c_ulong(1), 0, 0, 0)


def wait(ns):
    """Blocks `ns` nanoseconds, ending within microseconds of the deadline: sleeps to 150 µs before
    it, spins the rest."""
    deadline = time.perf_counter_ns() + ns
    left = ns - SPIN_NS
    if left > 0:
        time.sleep(left / 1e9)
    while time.perf_counter_ns() < deadline:
        pass


# --- The suite -----------------------------------------------------------------------------------
class Bench:
    """One `[[bench]]` with its database settings resolved like host/src/suite/db.rs does."""

    def __init__(self, raw, suite, latency_override):
        defaults, db = suite.get("defaults", {}), suite["db"]
        own = raw.get("db", {})
        self.id, self.group = raw["id"], raw.get("group") or ""
        self.plugin, self.workload = raw.get("plugin"), raw["workload"]
        self.params = raw.get("params", {})
        self.instances = raw.get("instances", defaults.get("instances", 1))
        self.warmup = raw.get("warmup", defaults.get("warmup", 1))
        self.samples = raw.get("samples", defaults.get("samples", 10))
        self.pool = own.get("pool", db.get("pool", 4))
        suite_latency = latency_override if latency_override is not None else parse_duration(db.get("latency", "0s"))
        self.latency_ns = parse_duration(own["latency"]) if "latency" in own else suite_latency
        self.slept = own.get("latency_mode", db.get("latency_mode", "accounted")) == "slept"
        all_indexes = dict(sorted(db.get("indexes", {}).items()))
        self.indexes = {name: all_indexes[name] for name in own.get("indexes", all_indexes)}

    @property
    def wait_ns(self):
        """What each round trip waits: the latency if slept, nothing if only accounted."""
        return self.latency_ns if self.slept else 0


def text_gen(lo, hi):
    return lambda i, rng, parents: "".join(rng.choices(string.ascii_lowercase, k=rng.randint(lo, hi)))


def column_gen(spec):
    """A `[[db.table]]` column generator (model/config.rs ColumnGen) as f(i, rng, parent_rows)."""
    kind, _, arg = spec.strip().partition(" ")
    arg = arg.strip().replace("_", "")
    lo, _, hi = arg.partition("..")
    if kind == "serial":
        return lambda i, rng, parents: i + 1
    if kind == "cycle":
        return lambda i, rng, parents: i % int(arg) + 1
    if kind == "int":
        return lambda i, rng, parents: rng.randint(int(lo), int(hi))
    if kind == "real":
        return lambda i, rng, parents: rng.uniform(float(lo), float(hi)) if float(lo) < float(hi) else float(lo)
    if kind == "text":
        return text_gen(int(lo), int(hi or lo))
    if kind == "ref":
        return lambda i, rng, parents: rng.randint(1, parents[arg]) if parents.get(arg) else None
    raise ValueError(f"unknown column generator {spec!r}")


def open_connection(path):
    """A connection set up like the host's pool connections (db/mod.rs, sql_guard::harden)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, cached_statements=128)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA mmap_size=0")
    return conn


def seed(path, db, indexes):
    """Schema, generated rows and indexes in one transaction, then ANALYZE (db/seed.rs)."""
    conn = open_connection(path)
    conn.executescript(db["schema"])  # (executescript commits first: the schema goes before BEGIN)
    conn.execute("BEGIN")
    rows_of = {}
    for table in db.get("table", []):
        columns = sorted(table["columns"].items())  # the host reads them into a BTreeMap
        gens = [column_gen(spec) for _, spec in columns]
        rng = random.Random(table.get("seed", 0))
        names = ", ".join(f'"{name}"' for name, _ in columns)
        slots = ", ".join("?" * len(columns))
        rows = ([g(i, rng, rows_of) for g in gens] for i in range(table["rows"]))
        conn.executemany(f'INSERT INTO "{table["name"]}" ({names}) VALUES ({slots})', rows)
        rows_of[table["name"]] = table["rows"]
    for sql in indexes.values():
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()  # the last connection checkpoints the WAL into the file


class Databases:
    """A seeded template per set of indexes, copied into a fresh folder for every bench (the host
    builds a fresh database per execution)."""

    def __init__(self, db):
        self.db, self.root, self.templates = db, tempfile.mkdtemp(prefix="db-native-"), {}
        self.fresh = itertools.count()

    def fresh_copy(self, indexes):
        key = tuple(indexes)
        if key not in self.templates:
            self.templates[key] = os.path.join(self.root, f"template-{len(self.templates)}.db")
            seed(self.templates[key], self.db, indexes)
        folder = os.path.join(self.root, f"bench-{next(self.fresh)}")
        os.mkdir(folder)
        path = os.path.join(folder, "bench.db")
        shutil.copyfile(self.templates[key], path)
        return path

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


# --- Round trips -----------------------------------------------------------------------------------
class Session:
    """The guest's side of the capability over one connection: every call is one round trip,
    followed by the latency (while holding the connection: inside the pool's semaphore, if any)."""

    def __init__(self, conn, wait_ns, pool=None):
        self.conn, self.wait_ns, self.pool = conn, wait_ns, pool
        self.trips = 0
        self._unique = itertools.count()

    def _trip(self, sql, params):
        """One statement (none for a `prepare` whose statement is already compiled), its rows, then
        the latency, holding the connection throughout. Kept lean: Python's own cost per call is
        part of what this script measures."""
        if self.pool is not None:
            self.pool.acquire()
        try:
            rows = self.conn.execute(sql, params).fetchall() if sql else []
            self.trips += 1
            if self.wait_ns:
                wait(self.wait_ns)
        finally:
            if self.pool is not None:
                self.pool.release()
        return rows

    def run(self, sql, params=()):
        """`db::query`/`execute`, `conn.query`/`execute`/`begin`/`commit`: compiled every time."""
        return self._trip(f"{sql} -- {next(self._unique)}", params)

    def prepare(self, sql):
        """`conn.prepare`: a round trip; the statement is compiled on its first run and then kept
        in sqlite3's statement cache, as the host's prepare_cached keeps it across iterations."""
        self._trip(None, ())
        return lambda params=(): self._trip(sql, params)


def spread_ids(count_, largest):
    """plugins/db's `spread_ids`: `count_` ids spread over 1..=largest with a prime stride."""
    return [(k * 7919) % max(largest, 1) + 1 for k in range(count_)]


# --- The workloads (plugins/db/src), each: setup(session, params) -> one iteration ----------------------
PAGE = "SELECT id, title, published FROM books ORDER BY published, id LIMIT ? OFFSET ?"
KEYSET_FIRST = "SELECT id, title, published FROM books ORDER BY published, id LIMIT ?"
KEYSET = "SELECT id, title, published FROM books WHERE (published, id) > (?, ?) ORDER BY published, id LIMIT ?"
INSERT = "INSERT INTO events (id, kind, amount) VALUES (?, ?, ?)"
SUMMARY = ("SELECT count(*), sum(amount), sum(id * amount), group_concat(kind, ',') "
           "FROM (SELECT id, kind, amount FROM events ORDER BY id)")
KINDS = ["view", "click", "cart", "buy", "share"]


def event(i):
    return (i + 1, KINDS[i % len(KINDS)], (i * 7919 + 13) % 1000)


def page_offset(s, p):
    size, before = int(p.get("page_size", 20)), (int(p.get("depth", 1)) - 1) * int(p.get("page_size", 20))
    return lambda: s.run(PAGE, (size, before))


def page_keyset(s, p):
    size, before = int(p.get("page_size", 20)), (int(p.get("depth", 1)) - 1) * int(p.get("page_size", 20))
    cursor = None
    if before:
        last = s.run("SELECT published, id FROM books ORDER BY published, id LIMIT 1 OFFSET ?", (before - 1,))
        last = last or s.run("SELECT published, id FROM books ORDER BY published DESC, id DESC LIMIT 1")
        cursor = last[0] if last else None
    if cursor is None:
        return lambda: s.run(KEYSET_FIRST, (size,))
    return lambda: s.run(KEYSET, (cursor[0], cursor[1], size))


def insert_transaction(s, p):
    rows = int(p.get("rows", 200))

    def iteration():
        s.run("DELETE FROM events")
        insert = s.prepare(INSERT)
        s.run("BEGIN")
        for i in range(rows):
            insert(event(i))
        s.run("COMMIT")
        return s.run(SUMMARY)
    return iteration


def insert_autocommit(s, p):
    rows = int(p.get("rows", 200))

    def iteration():
        s.run("DELETE FROM events")
        for i in range(rows):
            s.run(INSERT, event(i))
        return s.run(SUMMARY)
    return iteration


def authors_n_plus_one(s, p):
    authors = int(p.get("authors", 50))

    def iteration():
        return [(author_id, name, s.run("SELECT title FROM books WHERE author_id = ? ORDER BY id", (author_id,)))
                for author_id, name in s.run("SELECT id, name FROM authors ORDER BY id LIMIT ?", (authors,))]
    return iteration


def authors_join(s, p):
    sql = ("SELECT a.id, a.name, b.title FROM (SELECT id, name FROM authors ORDER BY id LIMIT ?) AS a "
           "LEFT JOIN books AS b ON b.author_id = a.id ORDER BY a.id, b.id")
    return lambda: s.run(sql, (int(p.get("authors", 50)),))


def orders_by_customer(s, p):
    customers = spread_ids(int(p.get("lookups", 20)), s.run("SELECT max(customer_id) FROM orders")[0][0])

    def iteration():
        lookup = s.prepare("SELECT count(*), sum(total) FROM orders WHERE customer_id = ?")
        return [lookup((c,)) for c in customers]
    return iteration


def pool_lookups(s, p):
    books = spread_ids(int(p.get("queries", 4)), s.run("SELECT max(id) FROM books")[0][0])
    return lambda: [s.run("SELECT id, title, published FROM books WHERE id = ?", (b,)) for b in books]


def round_trip(s, p):
    calls = int(p.get("calls", 100))
    if p.get("via", "pool") == "prepared":
        select = s.prepare("SELECT 1")
        return lambda: [select() for _ in range(calls)]
    return lambda: [s.run("SELECT 1") for _ in range(calls)]


WORKLOADS = {
    "page-offset": page_offset,
    "page-keyset": page_keyset,
    "insert-transaction": insert_transaction,
    "insert-autocommit": insert_autocommit,
    "authors-n-plus-one": authors_n_plus_one,
    "authors-join": authors_join,
    "orders-by-customer": orders_by_customer,
    "pool-lookups": pool_lookups,
    "round-trip": round_trip,
}


# --- How each group's lesson reads: (pair key, "slow" | "fast") per bench, or an ordering ------------
def pool_chain(benches):
    """Pool sizes in increasing order, each against the next: pool=1 ÷ pool=4, pool=4 ÷ pool=16."""
    by_pool = sorted(benches, key=lambda b: b.pool)
    return list(zip(by_pool, by_pool[1:]))


SIDES = {
    "pagination": lambda b: (b.params.get("depth"), "slow" if b.workload == "page-offset" else "fast"),
    "inserts": lambda b: (b.params.get("rows"), "slow" if b.workload == "insert-autocommit" else "fast"),
    "n-plus-one": lambda b: (b.params.get("authors"), "slow" if b.workload == "authors-n-plus-one" else "fast"),
    "index": lambda b: (b.params.get("lookups"), "fast" if "orders_by_customer" in b.indexes else "slow"),
    "capability": lambda b: (b.params.get("calls"), "slow" if b.params.get("via", "pool") == "pool" else "fast"),
}
TARGET_GROUPS = {"pagination", "inserts", "n-plus-one", "index"}  # the pairs the 15% target is about


def pairs_of(group, benches):
    """(slow, fast) pairs of a group, in suite order."""
    if group == "pool":
        return pool_chain(benches)
    side = SIDES.get(group)
    if side is None:
        return []
    pairs = []
    for slow in benches:
        key, which = side(slow)
        if which == "slow":
            pairs += [(slow, fast) for fast in benches if side(fast) == (key, "fast")]
    return pairs


# --- Measuring --------------------------------------------------------------------------------------
def time_iterations(run, warmup, iterations, seconds):
    """The median wall time of one iteration after `warmup`, over at least `iterations` and
    `seconds`."""
    for _ in range(warmup):
        run()
    times, start = [], time.perf_counter_ns()
    gc.disable()
    try:
        while len(times) < iterations or time.perf_counter_ns() - start < seconds * 1e9:
            begin = time.perf_counter_ns()
            run()
            times.append(time.perf_counter_ns() - begin)
    finally:
        gc.enable()
    return statistics.median(times)


def parallel_instance(path, bench, pool, barrier, finished, index):
    """One instance of the parallel pass (a process): its own connection, the shared pool; notes
    when it finished (perf_counter_ns is CLOCK_MONOTONIC, the same clock in every process)."""
    tighten_timer_slack()
    session = Session(open_connection(path), bench.wait_ns, pool)
    run = WORKLOADS[bench.workload](session, bench.params)
    for _ in range(bench.warmup):
        run()
    barrier.wait()  # everyone ready
    barrier.wait()  # go
    for _ in range(bench.samples):
        run()
    finished[index] = time.perf_counter_ns()


def parallel_pass(path, bench, passes):
    """runner/parallel.rs natively: `instances` processes share a pool of `bench.pool`; the median
    of `passes` passes' elapsed time, from all ready to the last one done (its process's exit left
    out)."""
    fork = multiprocessing.get_context("fork")
    elapsed = []
    for _ in range(passes):
        pool, barrier = fork.Semaphore(bench.pool), fork.Barrier(bench.instances + 1)
        finished = fork.Array("q", bench.instances, lock=False)
        workers = [fork.Process(target=parallel_instance, args=(path, bench, pool, barrier, finished, i))
                   for i in range(bench.instances)]
        for w in workers:
            w.start()
        barrier.wait()
        start = time.perf_counter_ns()
        barrier.wait()
        for w in workers:
            w.join()
        if any(w.exitcode for w in workers):
            raise RuntimeError(f"{bench.id}: an instance of the parallel pass failed")
        elapsed.append(max(finished) - start)
    return statistics.median(elapsed)


class Measured:
    """A bench's native figures: median, round trips per iteration, and its parallel pass."""

    def __init__(self, bench, median, trips, units, parallel_ns=None, plans=()):
        self.bench, self.median, self.trips = bench, median, trips
        self.plans = plans  # (sql, wasmbench's plan, the native plan) of the results' statements
        self.per_second = None
        if parallel_ns:
            self.per_second = units * bench.samples * bench.instances / (parallel_ns / 1e9)


def units_per_iteration(bench):
    """The workload's units (plugins/db Outcome::new): what the parallel pass's rate counts."""
    keys = {"pool-lookups": "queries", "round-trip": "calls", "orders-by-customer": "lookups",
            "authors-n-plus-one": "authors", "authors-join": "authors", "insert-transaction": "rows",
            "insert-autocommit": "rows", "page-offset": "page_size", "page-keyset": "page_size"}
    return int(bench.params.get(keys[bench.workload], 1))


def explain(conn, sql):
    """`EXPLAIN QUERY PLAN sql` as the host writes it (db/mod.rs `explain`): one line per step,
    indented by depth; parameters bound to NULL."""
    for n in range(100):
        try:
            rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}", [None] * n).fetchall()
            break
        except sqlite3.ProgrammingError:  # not that many parameters
            continue
    else:
        return []
    depth_of, lines = {}, []
    for step, parent, _, detail in rows:
        depth_of[step] = depth_of[parent] + 1 if parent in depth_of else 0
        lines.append("  " * depth_of[step] + detail)
    return lines


def measure(bench, databases, args, theirs):
    path = databases.fresh_copy(bench.indexes)
    session = Session(open_connection(path), bench.wait_ns)
    run = WORKLOADS[bench.workload](session, bench.params)  # setup: not timed, as in wasmbench
    before = session.trips
    run()
    trips = session.trips - before
    median = time_iterations(run, max(bench.warmup, 3), args.iterations, args.seconds)
    plans = [(p["sql"], p["plan"], explain(session.conn, p["sql"]))
             for p in ((theirs or {}).get("db") or {}).get("plans") or []]
    session.conn.close()
    parallel_ns = parallel_pass(path, bench, args.passes) if bench.instances > 1 else None
    return Measured(bench, median, trips, units_per_iteration(bench), parallel_ns, plans)


# --- Comparing with wasmbench --------------------------------------------------------------------------
def load_results(path):
    """A results.json's benches by id (host/schema/results.schema.json)."""
    with open(path) as f:
        results = json.load(f)
    return {b["id"]: b for b in results.get("benches", [])}


def wasm_median(b):
    return b["wall_ns"]["summary"]["median"] if b and b.get("wall_ns") else None


def wasm_per_second(b):
    return b["parallel"]["units_per_second"] if b and b.get("parallel") else None


def ratio(slow, fast):
    return slow / fast if slow and fast else None


def pair_ratios(slow, fast, native, theirs):
    """The pair's slow ÷ fast ratio natively and in wasmbench: single-instance medians, or time per
    unit of the parallel pass for a pool pair."""
    if slow.group == "pool":
        mine = ratio(native[fast.id].per_second, native[slow.id].per_second)
        return mine, ratio(wasm_per_second(theirs.get(fast.id)), wasm_per_second(theirs.get(slow.id)))
    mine = ratio(native[slow.id].median, native[fast.id].median)
    return mine, ratio(wasm_median(theirs.get(slow.id)), wasm_median(theirs.get(fast.id)))


def fmt_ratio(r):
    return f"{r:.3g}×" if r is not None else "—"


def pair_name(slow, fast):
    if slow.group == "pool":
        return f"`{slow.id}` ÷ `{fast.id}` (×{slow.instances}, time per query)"
    return f"`{slow.id}` ÷ `{fast.id}`"


def report(groups, native, theirs):
    """Per group: its benches, then its pairs; at the end, how many target pairs are within 15%."""
    compare = bool(theirs)
    in_target, total = 0, 0
    for group, benches in groups.items():
        print(f"\n## {group or '(no group)'}\n")
        head = "| bench | round trips | latency | native median |"
        if compare:
            head += " wasmbench median | wasmbench round trips |"
        if any(b.instances > 1 for b in benches):
            head += " native ×N | wasmbench ×N |" if compare else " native ×N |"
        if group == "capability":
            head += " native per call |" + (" wasmbench per call | wasmbench − native |" if compare else "")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        for b in benches:
            m, t = native[b.id], theirs.get(b.id)
            latency = duration(b.latency_ns) if b.latency_ns else "0"
            line = f"| `{b.id}` | {m.trips} | {latency}{'' if b.slept else ' (accounted)'} | {duration(m.median)} |"
            if compare:
                queries = (t or {}).get("counters", {}).get("db.queries")
                theirs_latency = ((t or {}).get("db") or {}).get("latency_ns")
                mark = f" (✗ ran at {duration(theirs_latency)})" if theirs_latency not in (None, b.latency_ns) else ""
                trips = "—" if queries is None else f"{queries}{'' if queries == m.trips else ' ≠'}"
                line += f" {duration(wasm_median(t)) if wasm_median(t) else '—'}{mark} | {trips} |"
            if any(x.instances > 1 for x in benches):
                rate = lambda r: f"{count(r)} {'queries' if b.workload == 'pool-lookups' else 'units'}/s" if r else "—"
                line += f" {rate(m.per_second)} |" + (f" {rate(wasm_per_second(t))} |" if compare else "")
            if group == "capability":
                calls = int(b.params.get("calls", 1))
                line += f" {duration(m.median / calls)} |"
                if compare:
                    w = wasm_median(t)
                    line += f" {duration(w / calls) if w else '—'} | {duration((w - m.median) / calls) if w else '—'} |"
            print(line)
        pairs = pairs_of(group, benches)
        if not pairs:
            continue
        print()
        head = "| pair (slow ÷ fast) | native |" + (" wasmbench | deviation | within 15% |" if compare else "")
        print(head)
        print("|" + "---|" * (head.count("|") - 1))
        for slow, fast in pairs:
            mine, wasm = pair_ratios(slow, fast, native, theirs)
            line = f"| {pair_name(slow, fast)} | {fmt_ratio(mine)} |"
            if compare:
                counted = group in TARGET_GROUPS
                if mine and wasm:
                    deviation = wasm / mine - 1
                    within = abs(deviation) <= TARGET
                    verdict = ("✓" if within else "✗") if counted else ("(info) " + ("✓" if within else "✗"))
                    line += f" {fmt_ratio(wasm)} | {deviation * 100:+.1f}% | {verdict} |"
                    if counted:
                        total += 1
                        in_target += within
                else:
                    line += " — | — | — |"
            print(line)
        if group == "pool":
            print("\nThe pool pairs compare the parallel pass (processes here, threads in wasmbench); "
                  "alone, the pool size makes no difference (the single-instance medians).")
            if not all(x.wait_ns for x in benches):
                print("Without latency a pass lasts a few ms and measures hand-offs between processes "
                      "(a semaphore wake-up on 2 cores): noise, not the pool.")
            else:
                print("Waits spin their last 150 µs, so a pass needs free cores: while other work "
                      "holds them, pool=4 is no better than pool=1 (see the load averages).")
    if compare and total:
        print(f"\n{in_target} of {total} pairs of {', '.join(sorted(TARGET_GROUPS))} within "
              f"{TARGET * 100:.0f}% of native (pool and capability: information only).")


def report_plans(native):
    """The query plans of the results' counting pass against SQLite's here, statement by statement."""
    plans = [(bench_id, sql, theirs, mine) for bench_id, m in native.items() for sql, theirs, mine in m.plans]
    differ = [(bench_id, sql, theirs, mine) for bench_id, sql, theirs, mine in plans if theirs != mine]
    print(f"\nQuery plans: {len(plans) - len(differ)} of {len(plans)} statements planned as in wasmbench.")
    for bench_id, sql, theirs, mine in differ:
        print(f"- `{bench_id}`: `{sql}`\n  wasmbench: {' / '.join(theirs)}\n  native:    {' / '.join(mine)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", nargs="?", default=str(ROOT / "suites" / "db.toml"), help="default: suites/db.toml")
    ap.add_argument("--latency", help="replaces [db] latency, e.g. 100us or 0us (a bench's own latency still wins)")
    ap.add_argument("--results", help="a wasmbench results.json of the same suite to compare with")
    ap.add_argument("--iterations", type=int, default=30, help="timed iterations per bench, at least (default 30)")
    ap.add_argument("--seconds", type=float, default=1.0, help="timed seconds per bench, at least (default 1)")
    ap.add_argument("--passes", type=int, default=9, help="parallel passes per bench with instances > 1 (median; default 9)")
    ap.add_argument("--only", help="only the benches whose id contains this text")
    args = ap.parse_args()

    with open(args.suite, "rb") as f:
        suite = tomllib.load(f)
    if "db" not in suite:
        sys.exit(f"{args.suite} has no [db] table")
    override = parse_duration(args.latency) if args.latency is not None else None
    benches = [Bench(raw, suite, override) for raw in suite.get("bench", [])]
    known = lambda b: b.plugin == "db" and b.workload in WORKLOADS
    skipped = [b for b in benches if not known(b)]
    benches = [b for b in benches if known(b) and (not args.only or args.only in b.id)]
    theirs = load_results(args.results) if args.results else {}

    tighten_timer_slack()
    db = suite["db"]
    mode = db.get("latency_mode", "accounted")
    latency = (duration(override) if override else "0") if override is not None else db.get("latency", "0s")
    print(f"# {suite.get('suite', {}).get('name', args.suite)} natively: SQLite {sqlite3.sqlite_version} "
          f"through Python {sys.version.split()[0]}'s sqlite3, [db] latency {latency} a round trip ({mode})")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"medians of ≥{args.iterations} iterations and ≥{args.seconds:g} s per bench")
    if args.results:
        print(f"wasmbench: {args.results}")
    for b in skipped:
        print(f"skipped `{b.id}`: no native version of workload `{b.workload}`")

    databases = Databases(db)
    native = {}
    try:
        for b in benches:
            print(f"  {b.id} …", file=sys.stderr, flush=True)
            native[b.id] = measure(b, databases, args, theirs.get(b.id))
    finally:
        databases.close()

    groups = {}
    for b in benches:
        groups.setdefault(b.group, []).append(b)
    report(groups, native, theirs)
    if theirs:
        report_plans(native)
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
