"""The scenario every cache pattern replays and the driver that runs one, as the Rust cache plugin's
`scenario.rs`, `value.rs` and `bench.rs` (plugins/cache/src): the same operations, values, counters and
checksum for the same parameters.

Each iteration clears both backends, seeds the store with version 0 of every key (uncounted `load`),
empties the pattern's own cache, then replays `ops` seeded operations: a Zipf-skewed key and a read
with probability `read_ratio`, else a write of the key's next version. Every value read is checked
against the latest version (`stale_reads`); the checksum combines the store's digest with a digest of
every value read, in order.
"""

import wasmbench
from wasmbench import Backend, Error, fnv1a, host

#: Parameters every cache workload takes (in the Rust plugin's order), before its own.
BASE_PARAMS = {"ops": "2000", "keys": "500", "skew": "1.0", "read_ratio": "0.9",
               "value_size": "128", "seed": "1"}
#: Counters every workload reports, before its own and `store_digest`.
BASE_COUNTERS = ("reads", "writes", "stale_reads", "store_reads", "store_writes")


def make_value(key, version, size):
    """`size` bytes: key and version (u32 little-endian each), then filler derived from both."""
    value = bytearray(key.to_bytes(4, "little") + version.to_bytes(4, "little"))
    rng = wasmbench.SplitMix(((key << 32) | version) ^ 0x6A09E667F3BCC909)
    while len(value) < size:
        value += rng.next_u64().to_bytes(8, "little")[:size - len(value)]
    return bytes(value)


def decode(value):
    """The (key, version) a value starts with, or None if it is too short."""
    if len(value) < 8:
        return None
    return int.from_bytes(value[0:4], "little"), int.from_bytes(value[4:8], "little")


def capacity(params):
    capacity = params.usize("capacity")
    if capacity == 0 or capacity >= wasmbench.USIZE_MAX:
        raise Error("parameter `capacity` must be at least 1 entry, got %d" % capacity)
    return capacity


class Scenario:
    """The operation sequence and initial data, built once in setup."""

    def __init__(self, params):
        ops = params.usize("ops")
        self.keys, skew = wasmbench.key_space(params)
        read_ratio = params.f64("read_ratio")
        if not 0.0 <= read_ratio <= 1.0:
            raise Error("parameter `read_ratio` must be between 0 and 1, got %s"
                        % wasmbench.rust_float(read_ratio))
        value_size = params.bytes("value_size")
        if not 8 <= value_size <= 16 << 20:
            raise Error("parameter `value_size` must be between 8 bytes (key and version) and 16 MiB, "
                        "got %d" % value_size)
        self.value_size = value_size
        self.seed = params.u64("seed")

        zipf = wasmbench.Zipf(self.keys, skew)
        rng = wasmbench.SplitMix(self.seed)
        self.ops = []  # (is_read, key)
        for _ in range(ops):
            key = zipf.sample(rng)
            self.ops.append((rng.next_f64() < read_ratio, key))
        self.names = ["item:%d" % k for k in range(self.keys)]
        self.initial = [(name, make_value(k, 0, value_size)) for k, name in enumerate(self.names)]


class Ctx:
    """State of one iteration: the true latest version of every key, the clock, the counters."""

    def __init__(self, scenario, counters):
        self.scenario = scenario
        self.latest = [0] * scenario.keys
        self.clock = 0
        self.c = dict.fromkeys(counters, 0)

    def store_get(self, key):
        """Reads `key` from the store, which must have it (it is seeded with every key)."""
        self.c["store_reads"] += 1
        value = host.get(Backend.STORE, self.scenario.names[key])
        if value is None:
            raise Error("the store has no value for `%s`, though every key was loaded" % self.scenario.names[key])
        return value

    def store_put(self, key, value):
        self.c["store_writes"] += 1
        host.put(Backend.STORE, self.scenario.names[key], value)

    def is_stale(self, key, value):
        """True if `value`, returned by a read of `key`, is an older version than the latest."""
        decoded = decode(value)
        if decoded is None or decoded[0] != key or len(value) != self.scenario.value_size:
            raise Error("a read of `%s` returned a value that is not one of its versions (%d bytes)"
                        % (self.scenario.names[key], len(value)))
        return decoded[1] < self.latest[key]


class CacheWorkload(wasmbench.Workload):
    """One caching pattern replayed over the scenario. Subclasses set `name`, `description`,
    `params` (BASE_PARAMS plus their own) and `counters`, and implement reset / read / write."""

    unit = "ops"
    params = BASE_PARAMS
    counters = ()

    def __init__(self, params):
        self.scenario = Scenario(params)

    def reset(self):
        """Empties the pattern's own caches (start of an iteration)."""

    def read(self, ctx, key):
        raise NotImplementedError

    def write(self, ctx, key, value):
        raise NotImplementedError

    def flush(self, ctx):
        """Persists anything pending (end of an iteration)."""

    def run(self):
        scenario = self.scenario
        host.clear(Backend.STORE)
        host.clear(Backend.REMOTE_CACHE)
        host.load(Backend.STORE, scenario.initial)
        self.reset()

        names = BASE_COUNTERS + tuple(self.counters)
        ctx = Ctx(scenario, names)
        c = ctx.c
        reads_digest = 0
        for clock, (is_read, key) in enumerate(scenario.ops):
            ctx.clock = clock
            if is_read:
                c["reads"] += 1
                value = self.read(ctx, key)
                if ctx.is_stale(key, value):
                    c["stale_reads"] += 1
                reads_digest = fnv1a(reads_digest, value)
            else:
                c["writes"] += 1
                ctx.latest[key] += 1
                self.write(ctx, key, make_value(key, ctx.latest[key], scenario.value_size))
        self.flush(ctx)

        store_digest = host.digest(Backend.STORE)
        checksum = fnv1a(store_digest, wasmbench.u64le(reads_digest))
        counters = [(name, c[name]) for name in names] + [("store_digest", store_digest)]
        return wasmbench.Outcome(checksum, len(scenario.ops), counters)
