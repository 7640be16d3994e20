"""Tests of the Python example plugins, natively, with an in-memory stand-in for the host:

    python3 -m unittest discover -s plugins/python -t plugins/python

The cross-language check (same checksums as the Rust plugins under wasmbench) needs the components;
see plugins/sdk-py/README.md. Here: the same fib values and the same counters as the Rust `aside`.
"""

import importlib.util
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sdk-py"))

import wasmbench  # noqa: E402


def load_app(folder):
    """Imports `folder/app.py` under a unique name (every example's module is called `app`)."""
    path = os.path.join(HERE, folder)
    wasmbench._registry.clear()
    sys.path.insert(0, path)
    try:
        spec = importlib.util.spec_from_file_location("app_" + folder, os.path.join(path, "app.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(path)


class FakeHost:
    """The `host` interface over dicts; digest is a stand-in (the real one is the host's)."""

    def __init__(self):
        self.backends = {}
        self.calls = {"get": 0, "put": 0}

    def _b(self, backend):
        return self.backends.setdefault(backend, {})

    def get(self, backend, key):
        self.calls["get"] += 1
        return self._b(backend).get(key)

    def put(self, backend, key, value):
        self.calls["put"] += 1
        self._b(backend)[key] = bytes(value)

    def delete(self, backend, key):
        return self._b(backend).pop(key, None) is not None

    def clear(self, backend):
        self._b(backend).clear()

    def load(self, backend, entries):
        self._b(backend).update(entries)

    def digest(self, backend):
        h = 0
        for key in sorted(self._b(backend)):
            h = wasmbench.fnv1a(wasmbench.fnv1a(h, key), self._b(backend)[key])
        return h


def run(app, name, **params):
    wasmbench._registry.clear()
    wasmbench.register(*[v for v in vars(app).values()
                         if isinstance(v, type) and issubclass(v, wasmbench.Workload) and v.name])
    bench = wasmbench.Bench.setup(name, list(params.items()))
    return bench, bench.run()


class CpuTest(unittest.TestCase):
    def test_fib_matches_rust(self):
        app = load_app("cpu")
        _, outcome = run(app, "fib", n="20")
        self.assertEqual((outcome.checksum, outcome.units, outcome.counters), (6765, 1, []))
        self.assertEqual(app.Fib.params, {"n": "25"})  # the Rust cpu plugin's default

    def test_fib_rejects_overflow(self):
        app = load_app("cpu")
        with self.assertRaises(wasmbench._Err) as cm:
            run(app, "fib", n="91")
        self.assertEqual(cm.exception.value, "parameter `n` must be at most 90 (fib overflows u64), got 91")


class CacheTest(unittest.TestCase):
    def setUp(self):
        self.host = wasmbench.host.impl = FakeHost()
        self.app = load_app("cache")

    def tearDown(self):
        wasmbench.host.impl = None

    def test_aside_declares_the_rust_params(self):
        self.assertEqual(list(self.app.Aside.params.items()), [
            ("ops", "2000"), ("keys", "500"), ("skew", "1.0"), ("read_ratio", "0.9"),
            ("value_size", "128"), ("seed", "1"), ("capacity", "100")])

    def test_aside_counters_match_rust(self):
        bench, outcome = run(self.app, "aside")
        counters = {c.name: c.value for c in outcome.counters}
        names = [c.name for c in outcome.counters]
        self.assertEqual(names, ["reads", "writes", "stale_reads", "store_reads", "store_writes",
                                 "l1_hits", "l1_misses", "evictions", "store_digest"])
        self.assertEqual(outcome.units, 2000)
        # What the Rust plugin's `aside` reports with the default params (all but the host's digest).
        rust = {"reads": 1804, "writes": 196, "stale_reads": 0, "store_reads": 695, "store_writes": 196,
                "l1_hits": 1109, "l1_misses": 695, "evictions": 476}
        self.assertEqual({k: v for k, v in counters.items() if k != "store_digest"}, rust)
        self.assertEqual(counters["reads"] + counters["writes"], 2000)
        self.assertEqual(counters["stale_reads"], 0)
        self.assertEqual(counters["store_reads"], counters["l1_misses"])
        self.assertEqual(counters["l1_hits"] + counters["l1_misses"], counters["reads"])
        self.assertEqual((self.host.calls["get"], self.host.calls["put"]),
                         (counters["store_reads"], counters["store_writes"]))
        # Every iteration does the same work.
        again = bench.run()
        self.assertEqual((again.checksum, again.counters), (outcome.checksum, outcome.counters))

    def test_value_size_and_read_ratio_errors(self):
        for params, message in [
                ({"value_size": "4"}, "parameter `value_size` must be between 8 bytes (key and version) "
                                      "and 16 MiB, got 4"),
                ({"read_ratio": "1.5"}, "parameter `read_ratio` must be between 0 and 1, got 1.5"),
                ({"capacity": "0"}, "parameter `capacity` must be at least 1 entry, got 0")]:
            with self.assertRaises(wasmbench._Err) as cm:
                run(self.app, "aside", **params)
            self.assertEqual(cm.exception.value, message)


if __name__ == "__main__":
    unittest.main()
