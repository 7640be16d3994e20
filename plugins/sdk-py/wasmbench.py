"""Guest SDK for wasmbench workload plugins written in Python (built with componentize-py).

A plugin defines one class per workload and registers them in its app module::

    import wasmbench

    class Fib(wasmbench.Workload):
        name = "fib"
        description = "naive recursive Fibonacci of n"
        params = {"n": "25"}          # every parameter with its default, as text

        def __init__(self, params):   # setup: once per bench
            self.n = params.u64("n")

        def run(self):                # one iteration
            return wasmbench.Outcome(fib(self.n), 1)

    Workload = wasmbench.register(Fib)   # what componentize-py exports

plus a module named ``workload`` holding ``from wasmbench import Bench`` (``plugins/sdk-py/workload.py``).

Any exception raised in ``__init__`` or ``run`` becomes the bench's error message (status "error"),
never a trap. This mirrors the Rust SDK (``plugins/sdk``): the same parameter rule and messages, the
same checksum helper and the same random numbers, so a ported workload gives the same checksums.
The WIT contract is ``plugins/wit/plugin.wit``.
"""

import bisect
import enum
import importlib
import math
import os
import re
import sys
from collections import OrderedDict
from decimal import Decimal

__all__ = [
    "Backend", "Bench", "Error", "FIXTURE_DIR", "LRU", "Outcome", "Params", "SplitMix", "U64_MASK",
    "USIZE_MAX", "Workload", "Zipf", "db", "fixture_path", "fnv1a", "host", "key_space", "register",
    "u64le",
]

#: Mask a Python int with this to wrap it like Rust's u64 arithmetic: ``(a * b) & U64_MASK``.
U64_MASK = (1 << 64) - 1
#: The largest ``usize`` of the Rust plugins (wasm32), which ``Params.usize`` follows.
USIZE_MAX = (1 << 32) - 1
#: Where the host mounts the bench's fixture files (read-only).
FIXTURE_DIR = "/fixtures"


def fixture_path(name):
    """The guest path of a fixture file."""
    return FIXTURE_DIR + "/" + name


class Error(Exception):
    """An error whose message is reported as is (other exceptions get their type name prepended)."""


# ---- bindings, imported lazily so the SDK also runs natively (unit tests) ----------------------------

def _binding(module):
    """A module of the bindings componentize-py generates, or None outside a component."""
    try:
        return importlib.import_module("wit_world." + module)
    except ImportError:
        return None


try:
    from componentize_py_types import Err as _Err
except ImportError:  # natively: a stand-in with the same shape
    class _Err(Exception):
        def __init__(self, value):
            super().__init__(value)
            self.value = value

_exports = _binding("exports")
_exports_workload = _binding("exports.workload")
_WorkloadBase = _exports.Workload if _exports else object
_BenchBase = _exports_workload.Bench if _exports_workload else object


class _Record:
    """Natively, a stand-in for the WIT records (same field names)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        return "%s(%s)" % (type(self).__name__, ", ".join("%s=%r" % kv for kv in self.__dict__.items()))

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__


_types_module = None


def _types():
    global _types_module
    if _types_module is None:
        _types_module = _binding("imports.types") or type("types", (), {
            name: type(name, (_Record,), {}) for name in ("Param", "WorkloadInfo", "Counter", "Outcome")})
    return _types_module


# ---- parameters: the rule of crates/params, with the Rust SDK's messages -----------------------------

# Rust's `char::is_whitespace` (Unicode White_Space); Python's `str.strip()` also strips U+001C-U+001F.
_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
              "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_DIGITS = "0123456789"
_UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000 ** 2, "gb": 1000 ** 3,
          "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Rust's `f64::from_str`: optional sign, then inf / infinity / nan (any case) or decimal digits with
# an optional point and exponent. No `_`, no spaces, ASCII digits only (Python's float() allows all three).
_FLOAT = re.compile(r"[+-]?(?:inf|infinity|nan|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)",
                    re.ASCII | re.IGNORECASE)


def parse_uint(text):
    """Digits with an optional leading ``+``, every ``_`` ignored; None otherwise or over u64."""
    digits = text.replace("_", "")
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits or any(c not in _DIGITS for c in digits):
        return None
    value = int(digits)
    return value if value <= U64_MASK else None


def parse_size(text):
    """A count then an optional unit (``64 KiB``, ``64k``, ``10 kB``); None otherwise or over u64."""
    text = text.strip(_WHITESPACE)
    split = next((i for i, c in enumerate(text) if c not in _DIGITS and c != "_"), len(text))
    number = parse_uint(text[:split])
    scale = _UNITS.get(text[split:].strip(_WHITESPACE).translate(_ASCII_LOWER))
    if number is None or scale is None or number * scale > U64_MASK:
        return None
    return number * scale


def parse_float(text):
    """Rust's f64 syntax (``0.5``, ``1e3``, ``inf``); None otherwise."""
    return float(text) if _FLOAT.fullmatch(text) else None


def parse_bool(text):
    """``true`` or ``false``, exactly; None otherwise."""
    return {"true": True, "false": False}.get(text)


def rust_float(x):
    """``x`` as Rust's ``{}`` prints an f64 (``1``, ``0.5``, ``NaN``, ``inf``), for messages."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    text = format(Decimal(repr(x)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "-0" if x == 0 and math.copysign(1, x) < 0 else text


class Params:
    """The parameters of one bench: the workload's defaults overlaid with the suite's values.

    Every getter raises ``wasmbench.Error`` naming the parameter, with the Rust SDK's message.
    """

    def __init__(self, defaults=(), given=()):
        self._values = dict(_pairs(defaults))
        self._values.update(_pairs(given))

    def __contains__(self, name):
        return name in self._values

    def __repr__(self):
        return "Params(%r)" % self._values

    def str(self, name):
        """The raw text of a parameter."""
        try:
            return self._values[name]
        except KeyError:
            raise Error("missing parameter `%s`" % name) from None

    def u64(self, name):
        """An unsigned integer (``_`` separators allowed)."""
        return self._parse(name, parse_uint, "an unsigned integer")

    def usize(self, name):
        """An unsigned integer that fits a wasm32 ``usize`` (as the Rust plugins read it)."""
        value = self.u64(name)
        if value > USIZE_MAX:
            raise Error("parameter `%s` is too large: %d" % (name, value))
        return value

    def f64(self, name):
        """A floating-point number."""
        return self._parse(name, parse_float, "a number")

    def bool(self, name):
        """A boolean (``true`` / ``false``)."""
        return self._parse(name, parse_bool, "true or false")

    def bytes(self, name):
        """A size in bytes: ``4096``, ``64 KiB``, ``64k`` (binary), ``10 kB`` (decimal)."""
        return self._parse(name, parse_size, "a size like `64 KiB`")

    def _parse(self, name, parse, what):
        raw = self.str(name)
        value = parse(raw)
        if value is None:
            raise Error("parameter `%s` must be %s, got `%s`" % (name, what, raw))
        return value


def _pairs(items):
    """(name, value) pairs from a dict, pairs, or WIT `param` records."""
    if isinstance(items, dict):
        return list(items.items())
    return [(p.name, p.value) if hasattr(p, "name") else tuple(p) for p in items]


# ---- outcomes and checksums ---------------------------------------------------------------------------

def _check_u64(field, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise Error("%s must be a u64 (0 ≤ n < 2^64): got %r (%s)" % (field, value, type(value).__name__))
    if not 0 <= value <= U64_MASK:
        raise Error("%s must be a u64 (0 ≤ n < 2^64): got %d; mask with wasmbench.U64_MASK" % (field, value))
    return value


class Outcome:
    """The result of one iteration: ``checksum`` (a u64 digest of the result), ``units`` (work done,
    in the workload's ``unit``) and named ``counters`` (a dict, or (name, value) pairs)."""

    __slots__ = ("checksum", "units", "counters")

    def __init__(self, checksum, units, counters=None):
        self.checksum = checksum
        self.units = units
        self.counters = list(_pairs(counters or ()))

    def counter(self, name, value):
        """Adds a counter; chainable."""
        self.counters.append((name, value))
        return self

    def __repr__(self):
        return "Outcome(%r, %r, %r)" % (self.checksum, self.units, self.counters)

    def __eq__(self, other):
        return isinstance(other, Outcome) and (self.checksum, self.units, self.counters) == (
            other.checksum, other.units, other.counters)


def fnv1a(seed, data):
    """FNV-1a 64 of ``data`` (bytes, or str as UTF-8) from ``seed`` (0: the offset basis), as the
    Rust SDK's ``fnv1a``. Chain it: ``fnv1a(fnv1a(0, a), b)``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    h = _check_u64("the fnv1a seed", seed) or 0xCBF29CE484222325
    for b in bytes(data):
        h = ((h ^ b) * 0x100000001B3) & U64_MASK
    return h


def u64le(x):
    """The 8 little-endian bytes of u64 ``x`` (Rust's ``x.to_le_bytes()``)."""
    return _check_u64("u64le's argument", x).to_bytes(8, "little")


# ---- randomness and an LRU, as the Rust SDK's `rng` and `lru` ----------------------------------------

class SplitMix:
    """splitmix64, the Rust SDK's ``rng::SplitMix``: the same seed gives the same numbers."""

    __slots__ = ("state",)

    def __init__(self, seed):
        self.state = _check_u64("the SplitMix seed", seed)

    def next_u64(self):
        self.state = z = (self.state + 0x9E3779B97F4A7C15) & U64_MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & U64_MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & U64_MASK
        return z ^ (z >> 31)

    def next_f64(self):
        """Uniform in [0, 1) with 53 bits of precision."""
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)


class Zipf:
    """Ranks 0..n with P(rank r) ∝ 1 / (r + 1)^s, sampled from a precomputed CDF (``rng::Zipf``)."""

    def __init__(self, n, s):
        cdf = []
        total = 0.0
        for rank in range(1, n + 1):
            total += 1.0 / math.pow(float(rank), s)
            cdf.append(total)
        self.cdf = [c / total for c in cdf]

    def sample(self, rng):
        # First rank whose cumulative probability exceeds u; the clamp covers rounding at the top.
        return min(bisect.bisect_right(self.cdf, rng.next_f64()), len(self.cdf) - 1)


def key_space(params):
    """``(keys, skew)`` of a cache workload: ``keys`` in 1..2^32-2, ``skew`` finite and ≥ 0."""
    keys = params.usize("keys")
    if keys == 0 or keys >= USIZE_MAX:
        raise Error("parameter `keys` must be between 1 and %d, got %d" % (USIZE_MAX - 1, keys))
    skew = params.f64("skew")
    if not (math.isfinite(skew) and skew >= 0.0):
        raise Error("parameter `skew` must be a finite number ≥ 0 (0 is uniform), got %s" % rust_float(skew))
    return keys, skew


class LRU:
    """Least-recently-used cache of at most ``capacity`` entries (the Rust SDK's ``lru::Lru``)."""

    def __init__(self, capacity):
        self.capacity = capacity
        self._map = OrderedDict()  # least recently used first

    def __len__(self):
        return len(self._map)

    def __contains__(self, key):
        return key in self._map

    def clear(self):
        self._map.clear()

    def get(self, key):
        """The value for ``key`` (None if absent), marking it most recently used."""
        if key not in self._map:
            return None
        self._map.move_to_end(key)
        return self._map[key]

    def peek(self, key):
        """The value for ``key`` without touching recency."""
        return self._map.get(key)

    def insert(self, key, value):
        """Inserts or replaces ``key`` as most recently used; returns the ``(key, value)`` evicted."""
        if key in self._map:
            self._map[key] = value
            self._map.move_to_end(key)
            return None
        evicted = self.pop_lru() if len(self._map) >= self.capacity else None
        self._map[key] = value
        return evicted

    def remove(self, key):
        return self._map.pop(key, None)

    def pop_lru(self):
        return self._map.popitem(last=False) if self._map else None


# ---- host services, their arguments checked ------------------------------------------------------

class Backend(enum.Enum):
    """The host's simulated backends."""
    STORE = 0
    REMOTE_CACHE = 1


_S64 = (-(1 << 63), (1 << 63) - 1)


def _is_backend(value):
    """A ``Backend`` (the SDK's, or the bindings' of the same name) or its number."""
    if isinstance(value, Backend):
        return True
    if type(value).__name__ == "Backend" and getattr(value, "name", None) in Backend.__members__:
        return True
    return type(value) is int and value in (0, 1)


def _is_bytes(value):
    return isinstance(value, (bytes, bytearray, memoryview)) or (
        isinstance(value, (list, tuple)) and all(type(b) is int and 0 <= b <= 255 for b in value))


def _is_entries(value):
    return isinstance(value, (list, tuple)) and all(
        isinstance(e, (list, tuple)) and len(e) == 2 and isinstance(e[0], str) and _is_bytes(e[1])
        for e in value)


def _db_value_problem(value):
    """What is wrong with a db ``Value`` (``Value_Integer(5)``...), or None."""
    kind = type(value).__name__
    if not kind.startswith("Value_") or (kind != "Value_Null" and not hasattr(value, "value")):
        return "%r is not a db Value" % (value,)
    inner = getattr(value, "value", None)
    ok = {
        "Value_Null": True,
        "Value_Integer": type(inner) is int and _S64[0] <= inner <= _S64[1],
        "Value_Real": isinstance(inner, float),
        "Value_Text": isinstance(inner, str),
        "Value_Blob": isinstance(inner, (bytes, bytearray)),
    }.get(kind)
    if ok is None:
        return "there is no db Value %s" % kind
    if not ok:
        wanted = {"Value_Integer": "an int in the s64 range", "Value_Real": "a float",
                  "Value_Text": "a str", "Value_Blob": "bytes"}[kind]
        return "%s's value must be %s, got %r" % (kind, wanted, inner)
    return None


def _is_values(value):
    return isinstance(value, (list, tuple)) and all(_db_value_problem(v) is None for v in value)


_BYTES_HINT = "bytes are bytes (text: text.encode())"
_VALUES_HINT = ("wrap each parameter: db().Value_Integer(5), Value_Real(0.5), Value_Text('x'), "
                "Value_Blob(b'..'), Value_Null()")

# Each argument's type as messages name it, its check, and what to say when it fails.
_BACKEND = ("Backend", _is_backend, "a Backend is wasmbench.Backend.STORE or wasmbench.Backend.REMOTE_CACHE")
_STR = ("str", lambda v: isinstance(v, str), None)
_BYTES = ("bytes", _is_bytes, _BYTES_HINT)
_ENTRIES = ("list of (str, bytes)", _is_entries, "entries are (key, value) pairs; " + _BYTES_HINT)
_VALUES = ("list of db Value", _is_values, _VALUES_HINT)


def _shown(value):
    """An argument as a message shows it: its type and a short repr."""
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return "%s %s" % (type(value).__name__, text)


def _caller():
    """`` (at app.py:12 in run)``: the first frame outside this module, for a message."""
    try:
        frame = sys._getframe(1)
    except (AttributeError, ValueError):
        return ""
    here = globals().get("__file__")
    while frame is not None and frame.f_code.co_filename == here:
        frame = frame.f_back
    if frame is None:
        return ""
    code = frame.f_code
    return " (at %s:%d in %s)" % (os.path.basename(code.co_filename), frame.f_lineno, code.co_name)


def _check(call, params, args):
    """``call(names...)``, after raising ``Error`` naming it, what it expects and what it got unless
    ``args`` fit ``params`` (``(name, (type, check, hint))`` pairs)."""
    signature = "%s(%s)" % (call, ", ".join(name for name, _ in params))
    if len(args) == len(params) and all(check(a) for a, (_, (_, check, _)) in zip(args, params)):
        return signature
    expected = ", ".join(kind for _, (kind, _, _) in params)
    got = ", ".join(_shown(a) for a in args)
    notes = []
    for a, (name, (_, check, hint)) in zip(args, params):
        if check(a):
            continue
        if check is _is_values and isinstance(a, (list, tuple)):
            at = next(i for i, v in enumerate(a) if _db_value_problem(v) is not None)
            notes.append("%s[%d]: %s" % (name, at, _db_value_problem(a[at])))
        if hint and hint not in notes:
            notes.append(hint)
    raise Error("%s: expected (%s), got (%s)%s%s" % (
        signature, expected, got, "".join("; " + n for n in notes), _caller()))


def _calling(call, f, *args):
    """``f(*args)``; an error it raises (a WIT ``result`` error, such as SQL the database refuses)
    is named after the call."""
    try:
        return f(*args)
    except _Err as exc:
        raise Error("%s: %s" % (call, exc.value)) from None


class _Host:
    """The ``host`` interface: simulated backends counted and charged by the host, every call's
    arguments checked (a wrong call raises ``wasmbench.Error`` naming the call, what it expects and
    what it got, where the raw bindings would trap). Outside a component, assign
    ``wasmbench.host.impl`` a stand-in module (tests)."""

    impl = None

    def _wit(self):
        if self.impl is None:
            self.impl = _binding("imports.host")
            if self.impl is None:
                raise Error("wasmbench.host is only available inside a component (or set wasmbench.host.impl)")
        return self.impl

    def _backend(self, backend):
        value = backend.name if not isinstance(backend, int) else Backend(backend).name
        return getattr(self._wit().Backend, value) if hasattr(self._wit(), "Backend") else Backend[value]

    def get(self, *args):
        """``get(backend, key)``: the bytes at ``key``, or None if absent."""
        _check("host.get", [("backend", _BACKEND), ("key", _STR)], args)
        return self._wit().get(self._backend(args[0]), args[1])

    def put(self, *args):
        """``put(backend, key, value)``: writes ``value`` (bytes) at ``key``."""
        _check("host.put", [("backend", _BACKEND), ("key", _STR), ("value", _BYTES)], args)
        self._wit().put(self._backend(args[0]), args[1], bytes(args[2]))

    def delete(self, *args):
        """``delete(backend, key)``: True if ``key`` existed."""
        _check("host.delete", [("backend", _BACKEND), ("key", _STR)], args)
        return self._wit().delete(self._backend(args[0]), args[1])

    def clear(self, *args):
        """``clear(backend)``: empties ``backend`` (not counted)."""
        _check("host.clear", [("backend", _BACKEND)], args)
        self._wit().clear(self._backend(args[0]))

    def load(self, *args):
        """``load(backend, entries)``: seeds ``backend`` with (key, bytes) pairs (not counted)."""
        _check("host.load", [("backend", _BACKEND), ("entries", _ENTRIES)], args)
        self._wit().load(self._backend(args[0]), [(k, bytes(v)) for k, v in args[1]])

    def digest(self, *args):
        """``digest(backend)``: a u64 digest of everything in ``backend``."""
        _check("host.digest", [("backend", _BACKEND)], args)
        return self._wit().digest(self._backend(args[0]))

    def http_fixture(self, *args):
        """Base URL of the HTTP fixture server, if the bench has one."""
        _check("host.http_fixture", [], args)
        return self._wit().http_fixture()


host = _Host()


class _Checked:
    """A resource of the ``db`` bindings (a connection, a statement) whose methods check their
    arguments; anything else passes through, ``with`` too."""

    def __init__(self, raw, kind, methods):
        self._raw, self._kind, self._methods = raw, kind, methods

    def __getattr__(self, name):
        if name in self._methods:
            params, wrap = self._methods[name]
            method = getattr(self._raw, name)
            call = "%s.%s" % (self._kind, name)

            def checked(*args):
                return wrap(_calling(_check(call, params, args), method, *args))
            return checked
        return getattr(self._raw, name)

    def __enter__(self):
        self._raw.__enter__()
        return self

    def __exit__(self, *exc):
        return self._raw.__exit__(*exc)


def _statement(raw):
    return _Checked(raw, "statement", {
        "execute": ([("params", _VALUES)], lambda v: v),
        "query": ([("params", _VALUES)], lambda v: v),
    })


def _connection(raw):
    same = lambda v: v  # noqa: E731
    return _Checked(raw, "connection", {
        "execute": ([("sql", _STR), ("params", _VALUES)], same),
        "query": ([("sql", _STR), ("params", _VALUES)], same),
        "prepare": ([("sql", _STR)], _statement),
        "begin": ([], same),
        "commit": ([], same),
        "rollback": ([], same),
    })


class _Db:
    """The ``db`` interface with every call's arguments checked, and the connections and statements
    it returns checking theirs; its ``Value_*`` constructors and types pass through."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    def connect(self, *args):
        return _connection(_calling(_check("db.connect", [], args), self._module.connect))

    def execute(self, *args):
        call = _check("db.execute", [("sql", _STR), ("params", _VALUES)], args)
        return _calling(call, self._module.execute, *args)

    def query(self, *args):
        call = _check("db.query", [("sql", _STR), ("params", _VALUES)], args)
        return _calling(call, self._module.query, *args)

    def available(self, *args):
        _check("db.available", [], args)
        return self._module.available()


def db(module=None):
    """The ``db`` interface (``connect``, ``query``, ``execute``, ``available``, ``Value_*``...),
    every call's arguments checked. ``module``: a stand-in for the bindings (tests)."""
    module = module or _binding("imports.db")
    if module is None:
        raise Error("wasmbench.db() is only available inside a component")
    return _Db(module)


# ---- workloads and the exports -----------------------------------------------------------------------

class Workload:
    """Base class of a workload (optional: any class with these attributes will do).

    ``__init__(self, params)`` is the setup (once per bench), ``run(self)`` one iteration returning an
    ``Outcome``; dropping the object is the teardown.
    """
    name = None
    description = ""
    unit = "ops"
    #: Every parameter the workload reads with its default, as text. The host fills in defaults and
    #: rejects parameters not listed here.
    params = {}

    def __init__(self, params):
        self.bench_params = params

    def run(self):
        raise NotImplementedError("%s.run() is not implemented" % type(self).__name__)


_registry = {}


def register(*workloads):
    """Registers the plugin's workload classes; returns the class the app module must export as
    ``Workload``. Checks the declarations, so a mistake fails the build with a message."""
    for cls in workloads:
        what = getattr(cls, "__name__", repr(cls))
        if not isinstance(getattr(cls, "name", None), str) or not cls.name:
            raise TypeError("workload %s needs a `name` (a non-empty str)" % what)
        if not callable(getattr(cls, "run", None)):
            raise TypeError("workload %s needs a run(self) method" % what)
        for attr in ("description", "unit"):
            if not isinstance(getattr(cls, attr, ""), str):
                raise TypeError("workload %s: `%s` must be a str" % (what, attr))
        for key, value in _pairs(getattr(cls, "params", {})):
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError("workload %s: params must map names to text defaults, got %r: %r "
                                "(write %r: %r)" % (what, key, value, str(key), str(value)))
        if cls.name in _registry and _registry[cls.name] is not cls:
            raise TypeError("two workloads are named `%s`" % cls.name)
        _registry[cls.name] = cls

    class Export(_WorkloadBase):
        def workloads(self):
            types = _types()
            return [types.WorkloadInfo(
                name=cls.name,
                description=getattr(cls, "description", ""),
                default_params=[types.Param(name=k, value=v) for k, v in _pairs(getattr(cls, "params", {}))],
                unit=getattr(cls, "unit", "ops"),
            ) for cls in _registry.values()]

    Export.__name__ = Export.__qualname__ = "Workload"
    return Export


def _describe(exc):
    """The message a failed setup or run reports for ``exc``."""
    if isinstance(exc, _Err):
        return str(exc.value)
    if isinstance(exc, Error):
        return str(exc)
    message = "%s: %s" % (type(exc).__name__, exc) if str(exc) else "%s with no message" % type(exc).__name__
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        message += " (at %s:%d in %s)" % (os.path.basename(code.co_filename), tb.tb_lineno, code.co_name)
    return message


def _to_wit_outcome(outcome):
    if not isinstance(outcome, Outcome):
        raise Error("run() must return a wasmbench.Outcome, got %r (%s)" % (outcome, type(outcome).__name__))
    types = _types()
    counters = []
    for name, value in outcome.counters:
        if not isinstance(name, str):
            raise Error("a counter name must be a str, got %r" % (name,))
        counters.append(types.Counter(name=name, value=_check_u64("counter `%s`" % name, value)))
    return types.Outcome(checksum=_check_u64("checksum", outcome.checksum),
                         units=_check_u64("units", outcome.units), counters=counters)


class Bench(_BenchBase):
    """The exported ``bench`` resource. componentize-py looks for it in a module named ``workload``:
    ``plugins/sdk-py/workload.py`` re-exports it."""

    def __init__(self, workload):
        self.workload = workload

    @classmethod
    def setup(cls, name, params):
        try:
            workload = _registry.get(name)
            if workload is None:
                raise Error("unknown workload `%s` (this plugin offers: %s)" % (name, ", ".join(_registry)))
            return cls(workload(Params(getattr(workload, "params", {}), params)))
        except BaseException as exc:
            raise _Err(_describe(exc)) from None

    def run(self):
        try:
            return _to_wit_outcome(self.workload.run())
        except BaseException as exc:
            raise _Err(_describe(exc)) from None
