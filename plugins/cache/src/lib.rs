//! Caching patterns over the host's simulated backends: no cache, cache-aside, write-through,
//! write-behind, a two-level cache (in-plugin L1 over the remote cache as L2) and dependency-based
//! invalidation of derived entries.
//!
//! Every workload replays, each iteration, the same seeded sequence of `ops` operations over `keys`
//! keys: a Zipf-skewed key choice (exponent `skew`; 0 is uniform) and a read with probability
//! `read_ratio`, else a write of the key's next version. Before the sequence (not part of the work,
//! but inside the measured iteration) both backends are cleared, the store is seeded with version 0
//! of every key through the uncounted `load`, and the plugin's own caches are emptied. After it,
//! anything pending is flushed.
//!
//! What the comparison shows: the `store.*` / `remote_cache.*` counters the host adds (calls,
//! bytes, accounted latency) for the same logical work, and that every pattern stays correct:
//!
//! - Values are `value_size` deterministic bytes that begin with the key and version, so the plugin
//!   checks every value a read returns against the true latest version it tracks per key;
//!   `stale_reads` counts reads that returned an older version. It is 0 for every workload here.
//! - `none`, `aside`, `write-through`, `write-behind` and `two-level` end with the same store
//!   contents and read the same values, so their checksums (the store's digest combined with a
//!   digest of every value read, in order) are equal for the same params.
//! - `invalidation` reads derived "views" instead of keys, so its read digest and checksum differ;
//!   its writes are the same, so the store digest is the same. Every workload reports the store
//!   digest as the `store_digest` counter to make that comparison visible.
//!
//! Counters (where they apply): `reads`, `writes`, `l1_hits`, `l1_misses`, `l1_expired`, `l2_hits`,
//! `l2_misses`, `evictions`, `flushes`, `evicted_dirty`, `invalidations`, `stale_reads`,
//! `store_reads`, `store_writes` (the plugin's own count of store calls; the host's
//! `store.gets` / `store.puts` should agree) and `store_digest`.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use wasmbench_sdk::host::{self, Backend};
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: splitmix64 and a Zipf sampler over a precomputed CDF.

/// splitmix64: a small, well-mixed, seedable PRNG (the guest has no `rand`).
#[derive(Clone)]
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Samples ranks 0..n with P(rank r) ∝ 1 / (r + 1)^s by binary search in a precomputed CDF.
struct Zipf {
    cdf: Vec<f64>,
}

impl Zipf {
    fn new(n: usize, s: f64) -> Self {
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 1..=n {
            total += 1.0 / (rank as f64).powf(s);
            cdf.push(total);
        }
        cdf.iter_mut().for_each(|c| *c /= total);
        Zipf { cdf }
    }

    fn sample(&self, rng: &mut SplitMix) -> usize {
        let u = rng.next_f64();
        // First rank whose cumulative probability exceeds u; the clamp covers rounding at the top.
        self.cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len() - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// Values: deterministic bytes that carry their key and version, so reads can be checked.

/// `size` bytes: the key and version (u32 little-endian each), then filler derived from both.
fn make_value(key: u32, version: u32, size: usize) -> Vec<u8> {
    let mut value = Vec::with_capacity(size);
    value.extend_from_slice(&key.to_le_bytes());
    value.extend_from_slice(&version.to_le_bytes());
    let mut rng = SplitMix((u64::from(key) << 32 | u64::from(version)) ^ 0x6a09_e667_f3bc_c909);
    while value.len() < size {
        let word = rng.next_u64().to_le_bytes();
        let take = (size - value.len()).min(8);
        value.extend_from_slice(&word[..take]);
    }
    value
}

/// The (key, version) a value starts with.
fn decode(value: &[u8]) -> Option<(u32, u32)> {
    let key = u32::from_le_bytes(value.get(0..4)?.try_into().ok()?);
    let version = u32::from_le_bytes(value.get(4..8)?.try_into().ok()?);
    Some((key, version))
}

// ---------------------------------------------------------------------------------------------
// A small LRU cache keyed by u32 (a doubly linked list threaded through a hash map).

/// A fixed, seed-free hasher for u32 keys, so every iteration does identical work (stable fuel).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type KeyMap<V> = HashMap<u32, V, BuildHasherDefault<KeyHasher>>;

const NIL: u32 = u32::MAX;

struct Node<V> {
    value: V,
    prev: u32,
    next: u32,
}

/// Least-recently-used cache of at most `capacity` entries.
struct Lru<V> {
    capacity: usize,
    map: KeyMap<Node<V>>,
    /// Most recently used.
    head: u32,
    /// Least recently used: the next to be evicted.
    tail: u32,
}

impl<V> Lru<V> {
    fn new(capacity: usize) -> Self {
        // Sized up front so no iteration pays (or skips) a rehash: the same work every time.
        let map = KeyMap::with_capacity_and_hasher(capacity + 1, Default::default());
        Lru {
            capacity,
            map,
            head: NIL,
            tail: NIL,
        }
    }

    fn clear(&mut self) {
        self.map.clear();
        self.head = NIL;
        self.tail = NIL;
    }

    fn unlink(&mut self, key: u32) {
        let (prev, next) = {
            let node = &self.map[&key];
            (node.prev, node.next)
        };
        match prev {
            NIL => self.head = next,
            p => self.map.get_mut(&p).expect("linked").next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.map.get_mut(&n).expect("linked").prev = prev,
        }
    }

    fn push_front(&mut self, key: u32) {
        let old_head = self.head;
        {
            let node = self.map.get_mut(&key).expect("present");
            node.prev = NIL;
            node.next = old_head;
        }
        if old_head != NIL {
            self.map.get_mut(&old_head).expect("linked").prev = key;
        }
        self.head = key;
        if self.tail == NIL {
            self.tail = key;
        }
    }

    /// The value for `key`, marking it most recently used.
    fn get(&mut self, key: u32) -> Option<&V> {
        if !self.map.contains_key(&key) {
            return None;
        }
        if self.head != key {
            self.unlink(key);
            self.push_front(key);
        }
        self.map.get(&key).map(|n| &n.value)
    }

    /// The value for `key` without touching recency.
    fn peek(&self, key: u32) -> Option<&V> {
        self.map.get(&key).map(|n| &n.value)
    }

    /// Inserts or replaces `key` as most recently used; returns the entry evicted to make room.
    fn insert(&mut self, key: u32, value: V) -> Option<(u32, V)> {
        if let Some(node) = self.map.get_mut(&key) {
            node.value = value;
            if self.head != key {
                self.unlink(key);
                self.push_front(key);
            }
            return None;
        }
        let evicted = if self.map.len() >= self.capacity {
            self.pop_lru()
        } else {
            None
        };
        self.map.insert(
            key,
            Node {
                value,
                prev: NIL,
                next: NIL,
            },
        );
        self.push_front(key);
        evicted
    }

    fn remove(&mut self, key: u32) -> Option<V> {
        if !self.map.contains_key(&key) {
            return None;
        }
        self.unlink(key);
        self.map.remove(&key).map(|n| n.value)
    }

    fn pop_lru(&mut self) -> Option<(u32, V)> {
        let key = self.tail;
        if key == NIL {
            return None;
        }
        self.remove(key).map(|v| (key, v))
    }
}

// ---------------------------------------------------------------------------------------------
// The scenario shared by every workload, and the per-iteration context.

#[derive(Clone, Copy)]
enum Op {
    Read(u32),
    Write(u32),
}

/// Parameters every workload takes, followed by the workload's own.
macro_rules! params {
    ($(($name:literal, $value:literal)),* $(,)?) => {
        &[
            ("ops", "2000"),
            ("keys", "500"),
            ("skew", "1.0"),
            ("read_ratio", "0.9"),
            ("value_size", "128"),
            ("seed", "1"),
            $(($name, $value)),*
        ]
    };
}

/// The operation sequence and initial data, built once in setup.
struct Scenario {
    seed: u64,
    keys: usize,
    value_size: usize,
    ops: Vec<Op>,
    /// Backend key of each key index.
    names: Vec<String>,
    /// Version 0 of every key, loaded into the store at the start of each iteration.
    initial: Vec<(String, Vec<u8>)>,
}

impl Scenario {
    fn parse(params: &Params) -> Result<Self, String> {
        let ops = params.usize("ops")?;
        let keys = params.usize("keys")?;
        if keys == 0 || keys >= NIL as usize {
            return Err(format!(
                "parameter `keys` must be between 1 and {}, got {keys}",
                NIL - 1
            ));
        }
        let skew = params.f64("skew")?;
        if !(skew.is_finite() && skew >= 0.0) {
            return Err(format!(
                "parameter `skew` must be a finite number ≥ 0 (0 is uniform), got {skew}"
            ));
        }
        let read_ratio = params.f64("read_ratio")?;
        if !(0.0..=1.0).contains(&read_ratio) {
            return Err(format!(
                "parameter `read_ratio` must be between 0 and 1, got {read_ratio}"
            ));
        }
        let value_size = params.bytes("value_size")?;
        if !(8..=16 << 20).contains(&value_size) {
            return Err(format!(
                "parameter `value_size` must be between 8 bytes (key and version) and 16 MiB, got {value_size}"
            ));
        }
        let value_size = value_size as usize;
        let seed = params.u64("seed")?;

        let zipf = Zipf::new(keys, skew);
        let mut rng = SplitMix(seed);
        let ops = (0..ops)
            .map(|_| {
                let key = zipf.sample(&mut rng) as u32;
                if rng.next_f64() < read_ratio {
                    Op::Read(key)
                } else {
                    Op::Write(key)
                }
            })
            .collect();
        let names: Vec<String> = (0..keys).map(|k| format!("item:{k}")).collect();
        let initial = names
            .iter()
            .enumerate()
            .map(|(k, name)| (name.clone(), make_value(k as u32, 0, value_size)))
            .collect();
        Ok(Scenario {
            seed,
            keys,
            value_size,
            ops,
            names,
            initial,
        })
    }
}

#[derive(Default)]
struct Counters {
    reads: u64,
    writes: u64,
    l1_hits: u64,
    l1_misses: u64,
    l1_expired: u64,
    l2_hits: u64,
    l2_misses: u64,
    evictions: u64,
    flushes: u64,
    evicted_dirty: u64,
    invalidations: u64,
    stale_reads: u64,
    store_reads: u64,
    store_writes: u64,
}

impl Counters {
    fn get(&self, name: &str) -> u64 {
        match name {
            "reads" => self.reads,
            "writes" => self.writes,
            "l1_hits" => self.l1_hits,
            "l1_misses" => self.l1_misses,
            "l1_expired" => self.l1_expired,
            "l2_hits" => self.l2_hits,
            "l2_misses" => self.l2_misses,
            "evictions" => self.evictions,
            "flushes" => self.flushes,
            "evicted_dirty" => self.evicted_dirty,
            "invalidations" => self.invalidations,
            "stale_reads" => self.stale_reads,
            "store_reads" => self.store_reads,
            "store_writes" => self.store_writes,
            other => unreachable!("unknown counter {other}"),
        }
    }
}

/// Counters every workload reports.
const BASE_COUNTERS: &[&str] = &[
    "reads",
    "writes",
    "stale_reads",
    "store_reads",
    "store_writes",
];

/// State of one iteration: the true latest version of every key, the logical clock, the counters.
struct Ctx<'a> {
    scenario: &'a Scenario,
    latest: Vec<u32>,
    /// Index of the current operation: the clock that TTLs count in.
    clock: u64,
    c: Counters,
}

impl Ctx<'_> {
    fn name(&self, key: u32) -> &str {
        &self.scenario.names[key as usize]
    }

    /// Reads `key` from the store, which must have it (it is seeded with every key).
    fn store_get(&mut self, key: u32) -> Result<Vec<u8>, String> {
        self.c.store_reads += 1;
        host::get(Backend::Store, self.name(key)).ok_or_else(|| {
            format!(
                "the store has no value for `{}`, though every key was loaded",
                self.name(key)
            )
        })
    }

    fn store_put(&mut self, key: u32, value: &[u8]) {
        self.c.store_writes += 1;
        host::put(Backend::Store, self.name(key), value);
    }

    /// Checks one item value returned for `key`: Ok(true) if it is an older version than the latest.
    fn is_stale(&self, key: u32, value: &[u8]) -> Result<bool, String> {
        match decode(value) {
            Some((k, version)) if k == key && value.len() == self.scenario.value_size => {
                Ok(version < self.latest[key as usize])
            }
            _ => Err(format!(
                "a read of `{}` returned a value that is not one of its versions ({} bytes)",
                self.name(key),
                value.len()
            )),
        }
    }
}

/// One caching pattern. The driver ([`CacheBench`]) replays the operations and checks the reads.
trait Strategy: Sized + 'static {
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    const PARAMS: &'static [(&'static str, &'static str)];
    /// Counters reported besides [`BASE_COUNTERS`].
    const COUNTERS: &'static [&'static str];

    fn setup(params: &Params, scenario: &Scenario) -> Result<Self, String>;
    /// Empties the plugin's own caches (start of an iteration).
    fn reset(&mut self);
    /// Reads `key` (for `invalidation`: view `key`).
    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String>;
    /// Writes version `ctx.latest[key]` of `key`, whose bytes are `value`.
    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String>;
    /// Persists anything pending (end of an iteration).
    fn flush(&mut self, _ctx: &mut Ctx) -> Result<(), String> {
        Ok(())
    }
    /// Ok(true) if `value`, returned by a read of `key`, is stale.
    fn is_stale(&self, ctx: &Ctx, key: u32, value: &[u8]) -> Result<bool, String> {
        ctx.is_stale(key, value)
    }
}

/// Runs a [`Strategy`] over the scenario: the `Workload` every cache pattern shares.
struct CacheBench<S> {
    scenario: Scenario,
    strategy: S,
}

impl<S: Strategy> Workload for CacheBench<S> {
    const NAME: &'static str = S::NAME;
    const DESCRIPTION: &'static str = S::DESCRIPTION;
    const UNIT: &'static str = "ops";
    const PARAMS: &'static [(&'static str, &'static str)] = S::PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        let scenario = Scenario::parse(params)?;
        let strategy = S::setup(params, &scenario)?;
        Ok(CacheBench { scenario, strategy })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let scenario = &self.scenario;
        host::clear(Backend::Store);
        host::clear(Backend::RemoteCache);
        host::load(Backend::Store, &scenario.initial);
        self.strategy.reset();

        let mut ctx = Ctx {
            scenario,
            latest: vec![0; scenario.keys],
            clock: 0,
            c: Counters::default(),
        };
        let mut reads_digest = 0;
        for (clock, &op) in scenario.ops.iter().enumerate() {
            ctx.clock = clock as u64;
            match op {
                Op::Read(key) => {
                    ctx.c.reads += 1;
                    let value = self.strategy.read(&mut ctx, key)?;
                    if self.strategy.is_stale(&ctx, key, &value)? {
                        ctx.c.stale_reads += 1;
                    }
                    reads_digest = fnv1a(reads_digest, &value);
                }
                Op::Write(key) => {
                    ctx.c.writes += 1;
                    let version = &mut ctx.latest[key as usize];
                    *version += 1;
                    let value = make_value(key, *version, scenario.value_size);
                    self.strategy.write(&mut ctx, key, value)?;
                }
            }
        }
        self.strategy.flush(&mut ctx)?;

        let store_digest = host::digest(Backend::Store);
        let checksum = fnv1a(store_digest, &reads_digest.to_le_bytes());
        let counters = BASE_COUNTERS.iter().chain(S::COUNTERS);
        let outcome = counters.fold(
            Outcome::new(checksum, scenario.ops.len() as u64),
            |o, &name| o.counter(name, ctx.c.get(name)),
        );
        Ok(outcome.counter("store_digest", store_digest))
    }
}

fn capacity(params: &Params) -> Result<usize, String> {
    let capacity = params.usize("capacity")?;
    if capacity == 0 || capacity >= NIL as usize {
        return Err(format!(
            "parameter `capacity` must be at least 1 entry, got {capacity}"
        ));
    }
    Ok(capacity)
}

// ---------------------------------------------------------------------------------------------
// The patterns.

/// No cache: every read and write goes to the store.
struct NoCache;

impl Strategy for NoCache {
    const NAME: &'static str = "none";
    const DESCRIPTION: &'static str = "no cache: every read and every write goes to the store";
    const PARAMS: &'static [(&'static str, &'static str)] = params!();
    const COUNTERS: &'static [&'static str] = &[];

    fn setup(_: &Params, _: &Scenario) -> Result<Self, String> {
        Ok(NoCache)
    }

    fn reset(&mut self) {}

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        ctx.store_get(key)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        Ok(())
    }
}

/// A read through an in-plugin LRU: hit, or miss → store → fill. Shared by aside and write-through.
fn read_through(cache: &mut Lru<Vec<u8>>, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
    if let Some(value) = cache.get(key) {
        ctx.c.l1_hits += 1;
        return Ok(value.clone());
    }
    ctx.c.l1_misses += 1;
    let value = ctx.store_get(key)?;
    if cache.insert(key, value.clone()).is_some() {
        ctx.c.evictions += 1;
    }
    Ok(value)
}

/// Cache-aside: the application reads the cache first and fills it on a miss; a write goes to the
/// store and then deletes the cache entry, so the next read refetches it.
struct Aside {
    cache: Lru<Vec<u8>>,
}

impl Strategy for Aside {
    const NAME: &'static str = "aside";
    const DESCRIPTION: &'static str = "cache-aside: LRU of `capacity` entries; miss → store → fill; write → store, then invalidate the entry";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("capacity", "100"));
    const COUNTERS: &'static [&'static str] = &["l1_hits", "l1_misses", "evictions"];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        Ok(Aside {
            cache: Lru::new(capacity(params)?),
        })
    }

    fn reset(&mut self) {
        self.cache.clear();
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        read_through(&mut self.cache, ctx, key)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        self.cache.remove(key);
        Ok(())
    }
}

/// Write-through: a write updates the store and the cache together, so the cache never holds an
/// outdated entry and a read after a write hits.
struct WriteThrough {
    cache: Lru<Vec<u8>>,
}

impl Strategy for WriteThrough {
    const NAME: &'static str = "write-through";
    const DESCRIPTION: &'static str = "write-through: LRU of `capacity` entries; write → store and cache together; miss → store → fill";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("capacity", "100"));
    const COUNTERS: &'static [&'static str] = &["l1_hits", "l1_misses", "evictions"];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        Ok(WriteThrough {
            cache: Lru::new(capacity(params)?),
        })
    }

    fn reset(&mut self) {
        self.cache.clear();
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        read_through(&mut self.cache, ctx, key)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        if self.cache.insert(key, value).is_some() {
            ctx.c.evictions += 1;
        }
        Ok(())
    }
}

/// Write-behind (write-back): a write only updates the cache and marks the key dirty; dirty keys go
/// to the store in one batch every `batch` writes (several writes to one key cost one store write)
/// and at the end of the iteration. Evicting a dirty entry writes it to the store first, so a miss
/// never reads an outdated value.
struct WriteBehind {
    cache: Lru<Vec<u8>>,
    dirty: BTreeSet<u32>,
    batch: u64,
    since_flush: u64,
}

impl WriteBehind {
    fn flush_dirty(&mut self, ctx: &mut Ctx) -> Result<(), String> {
        if self.dirty.is_empty() {
            return Ok(());
        }
        ctx.c.flushes += 1;
        for key in std::mem::take(&mut self.dirty) {
            let value = self.cache.peek(key).ok_or_else(|| {
                format!("dirty key `{}` is missing from the cache", ctx.name(key))
            })?;
            ctx.c.store_writes += 1;
            host::put(Backend::Store, ctx.name(key), value);
        }
        self.since_flush = 0;
        Ok(())
    }

    fn insert(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) {
        if let Some((old, old_value)) = self.cache.insert(key, value) {
            ctx.c.evictions += 1;
            if self.dirty.remove(&old) {
                ctx.c.evicted_dirty += 1;
                ctx.store_put(old, &old_value);
            }
        }
    }
}

impl Strategy for WriteBehind {
    const NAME: &'static str = "write-behind";
    const DESCRIPTION: &'static str = "write-behind: writes land in an LRU of `capacity` entries and a dirty set, persisted every `batch` writes and at the end";
    const PARAMS: &'static [(&'static str, &'static str)] =
        params!(("capacity", "100"), ("batch", "50"));
    const COUNTERS: &'static [&'static str] = &[
        "l1_hits",
        "l1_misses",
        "evictions",
        "flushes",
        "evicted_dirty",
    ];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        let batch = params.u64("batch")?;
        if batch == 0 {
            return Err("parameter `batch` must be at least 1 write".into());
        }
        Ok(WriteBehind {
            cache: Lru::new(capacity(params)?),
            dirty: BTreeSet::new(),
            batch,
            since_flush: 0,
        })
    }

    fn reset(&mut self) {
        self.cache.clear();
        self.dirty.clear();
        self.since_flush = 0;
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        // Dirty entries are always cached, so a hit may return a value the store doesn't have yet.
        if let Some(value) = self.cache.get(key) {
            ctx.c.l1_hits += 1;
            return Ok(value.clone());
        }
        ctx.c.l1_misses += 1;
        let value = ctx.store_get(key)?;
        self.insert(ctx, key, value.clone());
        Ok(value)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        self.insert(ctx, key, value);
        self.dirty.insert(key);
        self.since_flush += 1;
        if self.since_flush >= self.batch {
            self.flush_dirty(ctx)?;
        }
        Ok(())
    }

    fn flush(&mut self, ctx: &mut Ctx) -> Result<(), String> {
        self.flush_dirty(ctx)
    }
}

/// Two levels: an in-plugin L1 (LRU, entries expire `ttl_ops` operations after they were filled)
/// over the remote cache as L2 over the store. A write goes to the store, then deletes the key from
/// L2 and L1.
struct TwoLevel {
    l1: Lru<(Vec<u8>, u64)>,
    ttl_ops: u64,
}

impl Strategy for TwoLevel {
    const NAME: &'static str = "two-level";
    const DESCRIPTION: &'static str = "L1 in-plugin LRU (`capacity`, TTL of `ttl_ops` operations) → L2 remote cache → store; write → store, then invalidate L2 and L1";
    const PARAMS: &'static [(&'static str, &'static str)] =
        params!(("capacity", "50"), ("ttl_ops", "200"));
    const COUNTERS: &'static [&'static str] = &[
        "l1_hits",
        "l1_misses",
        "l1_expired",
        "l2_hits",
        "l2_misses",
        "evictions",
    ];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        let ttl_ops = params.u64("ttl_ops")?;
        if ttl_ops == 0 {
            return Err("parameter `ttl_ops` must be at least 1 operation".into());
        }
        Ok(TwoLevel {
            l1: Lru::new(capacity(params)?),
            ttl_ops,
        })
    }

    fn reset(&mut self) {
        self.l1.clear();
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        match self.l1.get(key) {
            Some((value, expires)) if ctx.clock < *expires => {
                ctx.c.l1_hits += 1;
                return Ok(value.clone());
            }
            Some(_) => {
                ctx.c.l1_expired += 1;
                self.l1.remove(key);
            }
            None => {}
        }
        ctx.c.l1_misses += 1;
        let value = match host::get(Backend::RemoteCache, ctx.name(key)) {
            Some(value) => {
                ctx.c.l2_hits += 1;
                value
            }
            None => {
                ctx.c.l2_misses += 1;
                let value = ctx.store_get(key)?;
                host::put(Backend::RemoteCache, ctx.name(key), &value);
                value
            }
        };
        if self
            .l1
            .insert(key, (value.clone(), ctx.clock + self.ttl_ops))
            .is_some()
        {
            ctx.c.evictions += 1;
        }
        Ok(value)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        host::delete(Backend::RemoteCache, ctx.name(key));
        self.l1.remove(key);
        Ok(())
    }
}

/// Dependency (tag) invalidation of derived entries.
///
/// There are `keys` views; view `v` is derived from 1 to 3 entities (always entity `v`, plus up to
/// two others chosen from the seed) and its value is the concatenation of their current values. A
/// read of key `k` reads view `k`: from an LRU of computed views, or, on a miss, computed from the
/// store's entities and cached. A write of key `k` updates entity `k` in the store and deletes every
/// cached view that depends on it, found through a reverse index entity → cached dependent views
/// (`invalidations` counts the deleted views).
///
/// The writes are exactly those of the other workloads, so the final store digest (`store_digest`)
/// equals theirs; the reads return views rather than single values, so the read digest, and with it
/// the checksum, differ. Staleness is checked per entity inside each view.
struct Invalidation {
    views: Lru<Vec<u8>>,
    /// Entities each view is derived from (view index → entity indices), fixed in setup.
    deps: Vec<Vec<u32>>,
    /// Entity → views currently cached that depend on it.
    dependents: Vec<Vec<u32>>,
}

impl Invalidation {
    /// Drops `view` from the reverse index of each of its entities.
    fn unindex(&mut self, view: u32) {
        for &entity in &self.deps[view as usize] {
            let list = &mut self.dependents[entity as usize];
            if let Some(at) = list.iter().position(|&v| v == view) {
                list.swap_remove(at);
            }
        }
    }
}

impl Strategy for Invalidation {
    const NAME: &'static str = "invalidation";
    const DESCRIPTION: &'static str = "cached views derived from 1-3 entities each; a write to an entity invalidates every cached view depending on it";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("capacity", "100"));
    const COUNTERS: &'static [&'static str] =
        &["l1_hits", "l1_misses", "evictions", "invalidations"];

    fn setup(params: &Params, scenario: &Scenario) -> Result<Self, String> {
        let keys = scenario.keys as u64;
        let mut rng = SplitMix(scenario.seed ^ 0xd1b5_4a32_d192_ed03);
        let deps = (0..keys)
            .map(|view| {
                let mut deps = vec![view as u32];
                for _ in 0..rng.next_u64() % 3 {
                    let entity = (rng.next_u64() % keys) as u32;
                    if !deps.contains(&entity) {
                        deps.push(entity);
                    }
                }
                deps
            })
            .collect();
        Ok(Invalidation {
            views: Lru::new(capacity(params)?),
            deps,
            dependents: vec![Vec::new(); scenario.keys],
        })
    }

    fn reset(&mut self) {
        self.views.clear();
        self.dependents.iter_mut().for_each(Vec::clear);
    }

    fn read(&mut self, ctx: &mut Ctx, view: u32) -> Result<Vec<u8>, String> {
        if let Some(value) = self.views.get(view) {
            ctx.c.l1_hits += 1;
            return Ok(value.clone());
        }
        ctx.c.l1_misses += 1;
        let mut value =
            Vec::with_capacity(ctx.scenario.value_size * self.deps[view as usize].len());
        for i in 0..self.deps[view as usize].len() {
            let entity = self.deps[view as usize][i];
            value.extend_from_slice(&ctx.store_get(entity)?);
        }
        if let Some((evicted, _)) = self.views.insert(view, value.clone()) {
            ctx.c.evictions += 1;
            self.unindex(evicted);
        }
        for &entity in &self.deps[view as usize] {
            self.dependents[entity as usize].push(view);
        }
        Ok(value)
    }

    fn write(&mut self, ctx: &mut Ctx, entity: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(entity, &value);
        for view in std::mem::take(&mut self.dependents[entity as usize]) {
            if self.views.remove(view).is_some() {
                ctx.c.invalidations += 1;
            }
            self.unindex(view);
        }
        Ok(())
    }

    fn is_stale(&self, ctx: &Ctx, view: u32, value: &[u8]) -> Result<bool, String> {
        let deps = &self.deps[view as usize];
        if value.len() != deps.len() * ctx.scenario.value_size {
            return Err(format!(
                "view {view} has {} bytes, expected {}",
                value.len(),
                deps.len() * ctx.scenario.value_size
            ));
        }
        let mut stale = false;
        for (&entity, part) in deps.iter().zip(value.chunks(ctx.scenario.value_size)) {
            stale |= ctx.is_stale(entity, part)?;
        }
        Ok(stale)
    }
}

wasmbench_sdk::register!(
    CacheBench<NoCache>,
    CacheBench<Aside>,
    CacheBench<WriteThrough>,
    CacheBench<WriteBehind>,
    CacheBench<TwoLevel>,
    CacheBench<Invalidation>,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_prefers_low_ranks_and_is_uniform_at_zero_skew() {
        let mut rng = SplitMix(1);
        let skewed = Zipf::new(100, 1.0);
        let mut counts = [0u32; 100];
        (0..100_000).for_each(|_| counts[skewed.sample(&mut rng)] += 1);
        assert!(counts[0] > counts[1] && counts[1] > counts[10] && counts[10] > counts[99]);
        // P(rank 1) = 1 / H(100) ≈ 0.193.
        assert!((18_000..20_500).contains(&counts[0]), "{}", counts[0]);

        let uniform = Zipf::new(10, 0.0);
        let mut counts = [0u32; 10];
        (0..100_000).for_each(|_| counts[uniform.sample(&mut rng)] += 1);
        assert!(
            counts.iter().all(|&c| (9_000..11_000).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(Zipf::new(1, 2.0).sample(&mut rng), 0);
    }

    #[test]
    fn lru_evicts_least_recently_used() {
        let mut lru = Lru::new(2);
        assert!(lru.insert(1, "a").is_none());
        assert!(lru.insert(2, "b").is_none());
        assert_eq!(lru.get(1), Some(&"a")); // 2 is now least recent
        assert_eq!(lru.insert(3, "c"), Some((2, "b")));
        assert_eq!(lru.peek(2), None);
        assert!(lru.insert(1, "a2").is_none(), "replacing doesn't evict");
        assert_eq!(lru.insert(4, "d"), Some((3, "c")));
        assert_eq!(lru.remove(1), Some("a2"));
        assert_eq!(lru.remove(1), None);
        assert_eq!(lru.pop_lru(), Some((4, "d")));
        assert_eq!(lru.pop_lru(), None);
        lru.insert(5, "e");
        lru.clear();
        assert_eq!(lru.get(5), None);
        assert!(lru.insert(6, "f").is_none());
        assert_eq!(lru.map.len(), 1);
    }

    #[test]
    fn values_carry_key_and_version() {
        let v = make_value(7, 3, 20);
        assert_eq!(v.len(), 20);
        assert_eq!(decode(&v), Some((7, 3)));
        assert_eq!(v, make_value(7, 3, 20));
        assert_ne!(v, make_value(7, 4, 20));
    }
}
