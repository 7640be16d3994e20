"""Tests of the Python SDK, natively: python3 -m unittest discover -s plugins/sdk-py

The parameter rule and the checksum helper are checked against the vectors the Rust SDK is tested
with; SplitMix and Zipf against values printed by the Rust SDK's code.
"""

import math
import os
import unittest

import wasmbench
from wasmbench import Bench, Error, Outcome, Params, SplitMix, Zipf

HERE = os.path.dirname(os.path.abspath(__file__))
PARAM_VECTORS = os.path.join(HERE, "..", "..", "crates", "params", "vectors.txt")
CHECKSUM_VECTORS = os.path.join(HERE, "..", "sdk", "checksum-vectors.txt")


def vector_lines(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.strip() and not line.lstrip().startswith("#"):
                yield n, line


def err_text(call):
    """The message a WIT `result` error carries when `call` fails (it must)."""
    try:
        call()
    except wasmbench._Err as err:
        return err.value
    raise AssertionError("no error")


class SharedVectors(unittest.TestCase):
    def test_params_follow_the_shared_vectors(self):
        checked = 0
        for n, line in vector_lines(PARAM_VECTORS):
            rule, rest = line.split(" ", 1)
            start, end = rest.index('"'), rest.rindex('"')
            text, expected = rest[start + 1:end], rest[end + 1:].strip()
            p = Params({"x": text})
            get, what = {"uint": (p.u64, "an unsigned integer"),
                         "size": (p.bytes, "a size like `64 KiB`")}[rule]
            with self.subTest(line=n, input=text):
                if expected == "none":
                    with self.assertRaises(Error) as cm:
                        get("x")
                    self.assertEqual(str(cm.exception), "parameter `x` must be %s, got `%s`" % (what, text))
                else:
                    self.assertEqual(get("x"), int(expected))
            checked += 1
        self.assertGreaterEqual(checked, 50)

    def test_fnv1a_follows_the_shared_vectors(self):
        checked = 0
        for n, line in vector_lines(CHECKSUM_VECTORS):
            kind, seed, rest = line.split(" ", 2)
            data, expected = rest.rsplit(" ", 1)
            if kind == "text":
                self.assertTrue(data.startswith('"') and data.endswith('"'), n)
                data = data[1:-1]  # str: hashed as UTF-8
            else:
                data = b"" if data == "-" else bytes.fromhex(data)
            with self.subTest(line=n):
                self.assertEqual(wasmbench.fnv1a(int(seed), data), int(expected))
            checked += 1
        self.assertGreaterEqual(checked, 10)


class ParamsTest(unittest.TestCase):
    def test_given_values_override_defaults(self):
        p = Params({"n": "1", "m": "2"}, [("n", "5")])
        self.assertEqual((p.u64("n"), p.u64("m")), (5, 2))
        with self.assertRaisesRegex(Error, r"^missing parameter `x`$"):
            p.u64("x")

    def test_messages_match_the_rust_sdk(self):
        p = Params({"n": "x", "f": "1_0", "b": "True", "big": "4294967296", "ok": "4294967295"})
        cases = [(p.u64, "n", "parameter `n` must be an unsigned integer, got `x`"),
                 (p.f64, "f", "parameter `f` must be a number, got `1_0`"),
                 (p.bool, "b", "parameter `b` must be true or false, got `True`"),
                 (p.usize, "big", "parameter `big` is too large: 4294967296")]
        for get, name, message in cases:
            with self.assertRaises(Error) as cm:
                get(name)
            self.assertEqual(str(cm.exception), message)
        self.assertEqual(p.usize("ok"), 4294967295)

    def test_floats_follow_rusts_syntax(self):
        good = {"1": 1.0, "1.": 1.0, ".5": 0.5, "+1.5": 1.5, "-2": -2.0, "1E+3": 1000.0, "1e400": math.inf,
                "Infinity": math.inf, "-inf": -math.inf, "00.1": 0.1, "1.e5": 1e5}
        for text, value in good.items():
            self.assertEqual(wasmbench.parse_float(text), value, text)
        self.assertTrue(math.isnan(wasmbench.parse_float("nAn")))
        for text in [".", "1e", "e3", "1_000", " 1", "1 ", "0x10", "١", "infin", "+", "", "1\n", ".e5"]:
            self.assertIsNone(wasmbench.parse_float(text), repr(text))

    def test_sizes_use_ascii_case_and_rust_whitespace(self):
        self.assertEqual(wasmbench.parse_size("\u30008 KiB\u3000"), 8192)
        self.assertIsNone(wasmbench.parse_size("1 \u212aiB"))  # Kelvin sign: lower() would say "kib"
        self.assertIsNone(wasmbench.parse_size("\x1c8"))  # str.strip() strips it, Rust's trim does not
        self.assertIsNone(wasmbench.parse_uint("\u0665"))  # Arabic-Indic digit: int() would accept it
        self.assertEqual(wasmbench.parse_bool("false"), False)

    def test_rust_float_display(self):
        self.assertEqual([wasmbench.rust_float(x) for x in (1.0, -1.0, 0.5, 1e-7, math.nan, math.inf, 1e21)],
                         ["1", "-1", "0.5", "0.0000001", "NaN", "inf", "1000000000000000000000"])


class RngTest(unittest.TestCase):
    """Expected values printed by the Rust SDK's rng.rs (SplitMix, Zipf) for these seeds."""

    def test_splitmix_matches_rust(self):
        expected = {
            0: [16294208416658607535, 7960286522194355700, 487617019471545679],
            1: [10451216379200822465, 13757245211066428519, 17911839290282890590],
            42: [13679457532755275413, 2949826092126892291, 5139283748462763858],
            2 ** 64 - 1: [16490336266968443936, 16834447057089888969, 4048727598324417001],
        }
        for seed, values in expected.items():
            rng = SplitMix(seed)
            self.assertEqual([rng.next_u64() for _ in range(3)], values, seed)
        rng = SplitMix(1)
        bits = [_f64_bits(rng.next_f64()) for _ in range(3)]
        self.assertEqual(bits, [4603278352542933067, 4604892624433492445, 4606921234823734858])

    def test_zipf_matches_rust(self):
        cases = [
            (500, 1.0, 4594471970465347233, 4606269921753100132,
             [7, 0, 254, 28, 11, 2, 12, 4, 0, 8, 0, 380, 286, 208, 198, 22, 220, 4, 37, 95]),
            (100, 0.8, 4593522759489138313, 4605440096410751895,
             [7, 0, 71, 20, 10, 3, 11, 5, 1, 8, 0, 87, 76, 64, 62, 17, 66, 5, 23, 42]),
            (10, 0.0, 4591870180066957722, 4603579539098121011,
             [3, 0, 9, 5, 4, 2, 4, 3, 1, 4, 1, 9, 9, 8, 8, 5, 8, 3, 6, 7]),
            (1000, 1.3, 4598800463622600307, 4606934704145543530,
             [1, 0, 132, 6, 2, 0, 2, 1, 0, 2, 0, 380, 174, 87, 78, 4, 97, 1, 7, 24]),
            (7, 2.5, 4605055571019804259, 4606928242552411618,
             [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 1, 1, 0, 1, 0, 0, 0]),
        ]
        for n, s, cdf0, cdfmid, samples in cases:
            z = Zipf(n, s)
            self.assertEqual((_f64_bits(z.cdf[0]), _f64_bits(z.cdf[n // 2])), (cdf0, cdfmid), (n, s))
            rng = SplitMix(7)
            self.assertEqual([z.sample(rng) for _ in range(20)], samples, (n, s))
        self.assertEqual(Zipf(1, 2.0).sample(SplitMix(3)), 0)

    def test_the_cache_scenarios_operations_match_rust(self):
        # Default cache params (keys 500, skew 1.0, read_ratio 0.9, seed 1), digested as in Rust.
        z, rng, h, reads = Zipf(500, 1.0), SplitMix(1), 0, 0
        for _ in range(2000):
            key = z.sample(rng)
            read = rng.next_f64() < 0.9
            reads += read
            h = wasmbench.fnv1a(wasmbench.fnv1a(h, key.to_bytes(4, "little")), bytes([read]))
        self.assertEqual((h, reads), (18201586590656669214, 1804))

    def test_key_space(self):
        self.assertEqual(wasmbench.key_space(Params({"keys": "500", "skew": "1.0"})), (500, 1.0))
        for keys, skew, message in [
                ("0", "1", "parameter `keys` must be between 1 and 4294967294, got 0"),
                ("4294967295", "1", "parameter `keys` must be between 1 and 4294967294, got 4294967295"),
                ("5", "-1", "parameter `skew` must be a finite number ≥ 0 (0 is uniform), got -1"),
                ("5", "inf", "parameter `skew` must be a finite number ≥ 0 (0 is uniform), got inf")]:
            with self.assertRaises(Error) as cm:
                wasmbench.key_space(Params({"keys": keys, "skew": skew}))
            self.assertEqual(str(cm.exception), message)

    def test_lru_evicts_least_recently_used(self):
        lru = wasmbench.LRU(2)
        self.assertIsNone(lru.insert(1, "a"))
        self.assertIsNone(lru.insert(2, "b"))
        self.assertEqual(lru.get(1), "a")  # 2 is now least recent
        self.assertEqual(lru.insert(3, "c"), (2, "b"))
        self.assertIsNone(lru.peek(2))
        self.assertIsNone(lru.insert(1, "a2"), "replacing doesn't evict")
        self.assertEqual(lru.insert(4, "d"), (3, "c"))
        self.assertEqual(lru.remove(1), "a2")
        self.assertIsNone(lru.remove(1))
        self.assertEqual(lru.pop_lru(), (4, "d"))
        self.assertIsNone(lru.pop_lru())
        lru.insert(5, "e")
        lru.clear()
        self.assertIsNone(lru.get(5))
        self.assertEqual(len(lru), 0)


def _f64_bits(x):
    import struct
    return struct.unpack("<Q", struct.pack("<d", x))[0]


class Echo(wasmbench.Workload):
    """Returns whatever `make` (set by a test) builds; raises what it raises."""
    name = "echo"
    description = "test workload"
    params = {"n": "3", "label": "x"}
    make = staticmethod(lambda self: Outcome(self.n, 1))

    def __init__(self, params):
        self.n = params.u64("n")
        self.label = params.str("label")

    def run(self):
        return type(self).make(self)


class Other(wasmbench.Workload):
    name = "other"
    unit = "bytes"

    def run(self):
        raise ValueError("boom")


class ExportsTest(unittest.TestCase):
    def setUp(self):
        wasmbench._registry.clear()
        self.export = wasmbench.register(Echo, Other)

    def tearDown(self):
        Echo.make = staticmethod(lambda self: Outcome(self.n, 1))

    def test_workloads_lists_defaults_in_order(self):
        infos = self.export().workloads()
        self.assertEqual([i.name for i in infos], ["echo", "other"])
        self.assertEqual([(p.name, p.value) for p in infos[0].default_params], [("n", "3"), ("label", "x")])
        self.assertEqual((infos[0].unit, infos[1].unit, infos[1].default_params), ("ops", "bytes", []))

    def test_given_params_overlay_defaults(self):
        Param = wasmbench._types().Param
        bench = Bench.setup("echo", [Param(name="n", value="42")])
        self.assertEqual((bench.workload.n, bench.workload.label), (42, "x"))
        outcome = bench.run()
        self.assertEqual((outcome.checksum, outcome.units, outcome.counters), (42, 1, []))

    def test_unknown_workload_lists_the_known_ones(self):
        self.assertEqual(err_text(lambda: Bench.setup("nope", [])),
                         "unknown workload `nope` (this plugin offers: echo, other)")

    def test_param_errors_are_reported_verbatim(self):
        self.assertEqual(err_text(lambda: Bench.setup("echo", [("n", "x")])),
                         "parameter `n` must be an unsigned integer, got `x`")

    def test_any_exception_becomes_the_error_message(self):
        bench = Bench.setup("other", [])
        message = err_text(bench.run)
        self.assertTrue(message.startswith("ValueError: boom (at test_wasmbench.py:"), message)
        self.assertTrue(message.endswith(" in run)"), message)

    def test_err_and_error_keep_their_message(self):
        Echo.make = staticmethod(lambda self: (_ for _ in ()).throw(Error("plain message")))
        self.assertEqual(err_text(Bench.setup("echo", []).run), "plain message")
        Echo.make = staticmethod(lambda self: (_ for _ in ()).throw(wasmbench._Err("wit message")))
        self.assertEqual(err_text(Bench.setup("echo", []).run), "wit message")

    def test_out_of_range_u64s_are_errors_naming_the_field(self):
        cases = [
            (Outcome(-1, 1), "checksum must be a u64 (0 ≤ n < 2^64): got -1; mask with wasmbench.U64_MASK"),
            (Outcome(1, 2 ** 64), "units must be a u64 (0 ≤ n < 2^64): got 18446744073709551616; "
                                  "mask with wasmbench.U64_MASK"),
            (Outcome(1.5, 1), "checksum must be a u64 (0 ≤ n < 2^64): got 1.5 (float)"),
            (Outcome(1, True), "units must be a u64 (0 ≤ n < 2^64): got True (bool)"),
            (Outcome(1, 1, {"hits": -3}), "counter `hits` must be a u64 (0 ≤ n < 2^64): got -3; "
                                          "mask with wasmbench.U64_MASK"),
            (7, "run() must return a wasmbench.Outcome, got 7 (int)"),
        ]
        for outcome, message in cases:
            Echo.make = staticmethod(lambda self, o=outcome: o)
            self.assertEqual(err_text(Bench.setup("echo", []).run), message)

    def test_u64_edges_pass(self):
        Echo.make = staticmethod(lambda self: Outcome(wasmbench.U64_MASK, 0).counter("c", 0))
        outcome = Bench.setup("echo", []).run()
        self.assertEqual((outcome.checksum, [(c.name, c.value) for c in outcome.counters]),
                         (2 ** 64 - 1, [("c", 0)]))

    def test_register_checks_declarations(self):
        class NoName(wasmbench.Workload):
            pass

        class IntDefault(wasmbench.Workload):
            name = "int-default"
            params = {"n": 20}

        with self.assertRaisesRegex(TypeError, "needs a `name`"):
            wasmbench.register(NoName)
        with self.assertRaisesRegex(TypeError, r"params must map names to text defaults, got 'n': 20"):
            wasmbench.register(IntDefault)

    def test_helpers(self):
        self.assertEqual(wasmbench.u64le(1), b"\x01" + b"\x00" * 7)
        self.assertEqual(wasmbench.fnv1a(0, "héllo wörld"), wasmbench.fnv1a(0, "héllo wörld".encode()))
        with self.assertRaisesRegex(Error, "u64le's argument must be a u64"):
            wasmbench.u64le(-1)
        with self.assertRaisesRegex(Error, "must be a u64"):
            SplitMix(2 ** 64)



class _RecordingHost:
    """A stand-in for the ``host`` bindings that records its calls."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        if not name.islower():
            raise AttributeError(name)  # no `Backend`: the SDK's is passed on

        def call(*args):
            self.calls.append((name,) + args)
            return {"get": b"v", "delete": True, "digest": 7, "http_fixture": None}.get(name)
        return call


class _Value:
    """Natively, stand-ins for the db bindings' ``Value_*`` classes (the same names)."""


def _value_class(name):
    return type(name, (_Value,), {"__init__": lambda self, value=None: setattr(self, "value", value),
                                  "__repr__": lambda self: "%s(%r)" % (name, self.value)})


class _FakeDb:
    Value_Null = _value_class("Value_Null")
    Value_Integer = _value_class("Value_Integer")
    Value_Real = _value_class("Value_Real")
    Value_Text = _value_class("Value_Text")
    Value_Blob = _value_class("Value_Blob")

    class _Statement:
        def execute(self, params):
            return len(params)

    class _Connection:
        def query(self, sql, params):
            return ("rows", sql, len(params))

        def prepare(self, sql):
            return _FakeDb._Statement()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return None

    def connect(self):
        return self._Connection()

    def execute(self, sql, params):
        raise wasmbench._Err("no such table: books")

    def query(self, sql, params):
        return ("rows", sql, len(params))

    def available(self):
        return True


class HostTest(unittest.TestCase):
    """The host and db calls check their arguments: a wrong call names the call, what it expects,
    what it got and where it was made, where the raw bindings would trap."""

    def setUp(self):
        self.raw = wasmbench.host.impl = _RecordingHost()

    def tearDown(self):
        wasmbench.host.impl = None

    def error(self, f, *args):
        with self.assertRaises(Error) as cm:
            f(*args)
        return str(cm.exception)

    def test_right_calls_pass_through(self):
        host = wasmbench.host
        self.assertEqual(host.get(wasmbench.Backend.STORE, "k"), b"v")
        host.put(wasmbench.Backend.REMOTE_CACHE, "k", bytearray(b"ab"))
        host.put(wasmbench.Backend.STORE, "k", [1, 2])
        host.load(wasmbench.Backend.STORE, [("a", b"1")])
        self.assertEqual(host.digest(1), 7)
        self.assertEqual([c[0] for c in self.raw.calls], ["get", "put", "put", "load", "digest"])
        self.assertEqual(self.raw.calls[1][3], b"ab")

    def test_wrong_calls_name_the_call_what_it_expects_and_what_it_got(self):
        host = wasmbench.host
        message = self.error(host.get, wasmbench.Backend.STORE, 1)
        self.assertTrue(message.startswith(
            "host.get(backend, key): expected (Backend, str), got (Backend <Backend.STORE: 0>, int 1)"
            " (at test_wasmbench.py:"), message)
        self.assertIn(" in error)", message)
        message = self.error(host.get, "store", "k")
        self.assertTrue(message.startswith(
            "host.get(backend, key): expected (Backend, str), got (str 'store', str 'k'); a Backend is "
            "wasmbench.Backend.STORE or wasmbench.Backend.REMOTE_CACHE"), message)
        message = self.error(host.put, wasmbench.Backend.STORE, "k", "text")
        self.assertIn("expected (Backend, str, bytes), got (Backend <Backend.STORE: 0>, str 'k', str 'text'); "
                      "bytes are bytes (text: text.encode())", message)
        self.assertIn("host.get(backend, key): expected (Backend, str), got (str 'k')", self.error(host.get, "k"))
        self.assertIn("host.put(backend, key, value)", self.error(host.put, wasmbench.Backend.STORE, "k", 5))
        self.assertEqual(self.raw.calls, [], "a wrong call never reaches the host")

    def test_db_calls_connections_and_statements_check_their_arguments(self):
        db = wasmbench.db(_FakeDb())
        self.assertTrue(db.available())
        self.assertEqual(db.query("SELECT ?", [db.Value_Integer(5), db.Value_Null()]), ("rows", "SELECT ?", 2))
        message = self.error(db.query, "SELECT ?", [5])
        self.assertTrue(message.startswith(
            "db.query(sql, params): expected (str, list of db Value), got (str 'SELECT ?', list [5]); "
            "params[0]: 5 is not a db Value; wrap each parameter: db().Value_Integer(5)"), message)
        self.assertIn("params[0]: Value_Real's value must be a float, got 1",
                      self.error(db.query, "x", [db.Value_Real(1)]))
        with db.connect() as conn:
            self.assertEqual(conn.query("x", []), ("rows", "x", 0))
            self.assertIn("connection.query(sql, params): expected (str, list of db Value), got (int 1, list [])",
                          self.error(conn.query, 1, []))
            statement = conn.prepare("SELECT ?")
            self.assertEqual(statement.execute([db.Value_Text("a")]), 1)
            self.assertIn("statement.execute(params)", self.error(statement.execute, "a"))
        # An error of the call itself (a WIT `result` error) is named after the call.
        self.assertEqual(self.error(db.execute, "DELETE FROM books", []), "db.execute(sql, params): no such table: books")

if __name__ == "__main__":
    unittest.main()
