// Cache-aside in JavaScript: the `aside` workload of the Rust `cache` plugin (plugins/cache/src:
// scenario.rs, value.rs, bench.rs, simple.rs) over the host's simulated store, with the same
// parameters, defaults, checksum, units and counters, so the two can be compared in one group.
//
// Each iteration clears both backends, seeds the store with version 0 of every key (uncounted
// `load`), empties the LRU, then replays `ops` seeded operations: a Zipf-skewed key and a read with
// probability `read_ratio`, else a write of the key's next version. Every value read is checked
// against the latest version (`stale_reads`); the checksum combines the store's digest with an
// FNV-1a digest of every value read, in order.
//
// The 64-bit arithmetic (splitmix64, FNV-1a) runs on 32- and 16-bit limbs in plain Numbers, wrapping
// exactly as Rust's wrapping ops: BigInt would allocate on every step of the per-op loops.
import * as rawHost from "wasmbench:plugin/host@0.1.1";
import { Backend, checkedHost, fnv1a, parseSize, register, u64le } from "../../sdk-js/wasmbench.js";

// The host's calls with their arguments checked: a wrong one names itself and what it expects.
const { clear, digest, get, load, put } = checkedHost(rawHost);
const STORE = Backend.STORE;
const REMOTE_CACHE = Backend.REMOTE_CACHE;

/** `u32::MAX`: the LRU's "no entry" link; keys and capacities stay below it. */
const NIL = 0xffffffff;
/** `usize::MAX` of wasm32, where the Rust plugin runs: a larger `usize` parameter is an error. */
const USIZE_MAX = 0xffffffff;
const TWO_M53 = 1 / 9007199254740992;

/** Parameters every cache workload takes (the Rust `params!` macro), before its own. */
const BASE_PARAMS = { ops: "2000", keys: "500", skew: "1.0", read_ratio: "0.9", value_size: "128", seed: "1" };
/** Counters every cache workload reports, before its own and `store_digest`. */
const BASE_COUNTERS = ["reads", "writes", "stale_reads", "store_reads", "store_writes"];

// ---- Parameters -------------------------------------------------------------------------------------

/** `params.usize(name)` as the Rust SDK on wasm32: an error above u32::MAX. */
function usize(params, name) {
  const value = params.u64(name);
  if (value > BigInt(USIZE_MAX)) throw new Error(`parameter \`${name}\` is too large: ${value}`);
  return Number(value);
}

/** A float as Rust's `{}` prints it, for error messages: `inf`, `NaN`, `2`, `0.0001`, never an exponent. */
function rustFloat(x) {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Object.is(x, -0)) return "-0";
  const text = String(x);
  if (!text.includes("e")) return text;
  // The shortest round-trip digits, as JS finds them, written out in full.
  const [mantissa, exp] = text.split("e");
  const sign = mantissa.startsWith("-") ? "-" : "";
  const unsigned = mantissa.replace("-", "");
  const point = unsigned.indexOf(".");
  const digits = unsigned.replace(".", "");
  const intLen = (point < 0 ? digits.length : point) + Number(exp);
  if (intLen <= 0) return `${sign}0.${"0".repeat(-intLen)}${digits}`;
  return sign + digits.padEnd(intLen, "0");
}

/** `params.bytes(name)` as the Rust SDK: any u64, as a BigInt (the SDK's `bytes` stops at 2^53). */
function bytesU64(params, name) {
  const raw = params.str(name);
  const value = parseSize(raw);
  if (value === null) throw new Error(`parameter \`${name}\` must be a size like \`64 KiB\`, got \`${raw}\``);
  return value;
}

/** The key space (the Rust SDK's `rng::key_space`): `keys` in 1..NIL and a finite `skew` ≥ 0. */
function keySpace(params) {
  const keys = usize(params, "keys");
  if (keys === 0 || keys >= NIL) throw new Error(`parameter \`keys\` must be between 1 and ${NIL - 1}, got ${keys}`);
  const skew = params.f64("skew");
  if (!(Number.isFinite(skew) && skew >= 0)) {
    throw new Error(`parameter \`skew\` must be a finite number ≥ 0 (0 is uniform), got ${rustFloat(skew)}`);
  }
  return { keys, skew };
}

/** The `capacity` parameter (bench.rs `capacity`). */
function capacity(params) {
  const capacity = usize(params, "capacity");
  if (capacity === 0 || capacity >= NIL) throw new Error(`parameter \`capacity\` must be at least 1 entry, got ${capacity}`);
  return capacity;
}

// ---- splitmix64 and Zipf (the Rust SDK's rng.rs) ----------------------------------------------------

/**
 * splitmix64 on two u32 limbs; `next()` leaves the u64 in `hi` / `lo` (fields, no allocation). The
 * 64-bit products are written out in 16-bit pieces (every partial product below 2^32, exact in a
 * Number): componentize-js runs SpiderMonkey's interpreter, where every call costs.
 */
class SplitMix {
  /** The state as its high and low u32 halves. */
  constructor(sHi, sLo) {
    this.sHi = sHi >>> 0;
    this.sLo = sLo >>> 0;
    this.hi = 0;
    this.lo = 0;
  }

  /** state += 0x9e3779b97f4a7c15; z = mix(state) → this.hi, this.lo */
  next() {
    let lo = this.sLo + 0x7f4a7c15;
    let hi = (this.sHi + 0x9e3779b9 + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    lo >>>= 0;
    this.sHi = hi;
    this.sLo = lo;
    // z = (z ^ (z >> 30)) * 0xbf58476d_1ce4e5b9
    lo = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0;
    hi = (hi ^ (hi >>> 30)) >>> 0;
    let a0 = lo & 0xffff, a1 = lo >>> 16;
    let p00 = a0 * 0xe5b9, p01 = a0 * 0x1ce4, p10 = a1 * 0xe5b9;
    let mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    hi = (a1 * 0x1ce4 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(lo, 0xbf58476d) + Math.imul(hi, 0x1ce4e5b9)) >>> 0;
    lo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
    // z = (z ^ (z >> 27)) * 0x94d049bb_133111eb
    lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0;
    hi = (hi ^ (hi >>> 27)) >>> 0;
    a0 = lo & 0xffff;
    a1 = lo >>> 16;
    p00 = a0 * 0x11eb;
    p01 = a0 * 0x1331;
    p10 = a1 * 0x11eb;
    mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    hi = (a1 * 0x1331 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(lo, 0x94d049bb) + Math.imul(hi, 0x133111eb)) >>> 0;
    lo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
    // z ^ (z >> 31)
    this.lo = (lo ^ ((lo >>> 31) | (hi << 1))) >>> 0;
    this.hi = (hi ^ (hi >>> 31)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of precision: (z >> 11) as f64 / 2^53. */
  nextF64() {
    this.next();
    return (this.hi * 2097152 + (this.lo >>> 11)) * TWO_M53;
  }
}

/** Samples ranks 0..n with P(rank r) ∝ 1 / (r + 1)^s by binary search in a precomputed CDF. */
class Zipf {
  constructor(n, s) {
    const cdf = new Float64Array(n);
    let total = 0;
    for (let rank = 1; rank <= n; rank++) {
      total += 1 / Math.pow(rank, s);
      cdf[rank - 1] = total;
    }
    for (let i = 0; i < n; i++) cdf[i] /= total;
    this.cdf = cdf;
  }

  sample(rng) {
    const u = rng.nextF64();
    const cdf = this.cdf;
    // First rank whose cumulative probability exceeds u (Rust's partition_point), clamped.
    let lo = 0, hi = cdf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] <= u) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(lo, cdf.length - 1);
  }
}

// ---- Values and the read digest (value.rs, the SDK's fnv1a) -----------------------------------------

/** `size` bytes: the key and version (u32 little-endian each), then filler derived from both. */
function makeValue(key, version, size) {
  const value = new Uint8Array(size);
  putU32(value, 0, key);
  putU32(value, 4, version);
  // SplitMix((key << 32 | version) ^ 0x6a09e667f3bcc909)
  const rng = new SplitMix(key ^ 0x6a09e667, version ^ 0xf3bcc909);
  const whole = size - ((size - 8) & 7);
  let at = 8;
  for (; at < whole; at += 8) {
    rng.next();
    const lo = rng.lo, hi = rng.hi;
    value[at] = lo;
    value[at + 1] = lo >>> 8;
    value[at + 2] = lo >>> 16;
    value[at + 3] = lo >>> 24;
    value[at + 4] = hi;
    value[at + 5] = hi >>> 8;
    value[at + 6] = hi >>> 16;
    value[at + 7] = hi >>> 24;
  }
  if (at < size) {
    // The last word's first `size - at` bytes.
    rng.next();
    for (let b = 0; at < size; at++, b++) value[at] = b < 4 ? rng.lo >>> (8 * b) : rng.hi >>> (8 * (b - 4));
  }
  return value;
}

function putU32(bytes, at, x) {
  bytes[at] = x;
  bytes[at + 1] = x >>> 8;
  bytes[at + 2] = x >>> 16;
  bytes[at + 3] = x >>> 24;
}

const getU32 = (bytes, at) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;

/**
 * FNV-1a 64 folded over many byte strings (`h = fnv1a(h, bytes)` from h = 0), the hash in two 32-bit
 * halves. hash * (2^40 + 435) mod 2^64 is, for hash = hi·2^32 + lo:
 * lo' = lo·435 mod 2^32 and hi' = hi·435 + lo·2^8 + ⌊lo·435 / 2^32⌋ mod 2^32, every term below 2^42.
 * `lo` is kept unreduced (below 2^41; `^` reduces it mod 2^32) and `hi` as an int32. Unrolled by 8:
 * the interpreter pays for every loop test.
 */
class Fnv {
  constructor() {
    this.hi = 0;
    this.lo = 0;
  }

  update(bytes) {
    let hi = this.hi, lo = this.lo;
    // A seed of 0 means the offset basis 0xcbf29ce4_84222325.
    if (hi === 0 && lo % 4294967296 === 0) {
      hi = 0xcbf29ce4 | 0;
      lo = 0x84222325;
    }
    const n = bytes.length, end8 = n - (n & 7);
    let i = 0, x = 0;
    while (i < end8) {
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
    }
    while (i < n) {
      x = (lo ^ bytes[i++]) >>> 0; lo = x * 435; hi = (hi * 435 + (x << 8) + ((lo / 4294967296) | 0)) | 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  /** The hash as a u64 BigInt. */
  value() {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }
}

// ---- The scenario (scenario.rs) ---------------------------------------------------------------------

/** The operation sequence and initial data, built once in setup. */
class Scenario {
  constructor(params) {
    const ops = usize(params, "ops");
    const { keys, skew } = keySpace(params);
    const readRatio = params.f64("read_ratio");
    if (!(readRatio >= 0 && readRatio <= 1)) {
      throw new Error(`parameter \`read_ratio\` must be between 0 and 1, got ${rustFloat(readRatio)}`);
    }
    const size = bytesU64(params, "value_size");
    if (size < 8n || size > 16n << 20n) {
      throw new Error(`parameter \`value_size\` must be between 8 bytes (key and version) and 16 MiB, got ${size}`);
    }
    const valueSize = Number(size);
    this.keys = keys;
    this.valueSize = valueSize;
    this.seed = params.u64("seed");

    const zipf = new Zipf(keys, skew);
    const rng = new SplitMix(Number(this.seed >> 32n), Number(this.seed & 0xffffffffn));
    this.opKeys = new Uint32Array(ops);
    this.opIsRead = new Uint8Array(ops);
    for (let i = 0; i < ops; i++) {
      this.opKeys[i] = zipf.sample(rng);
      this.opIsRead[i] = rng.nextF64() < readRatio ? 1 : 0;
    }
    this.names = Array.from({ length: keys }, (_, k) => `item:${k}`);
    this.initial = this.names.map((name, k) => [name, makeValue(k, 0, valueSize)]);
  }
}

/** State of one iteration: the true latest version of every key and the counters. */
class Ctx {
  constructor(scenario, counters) {
    this.scenario = scenario;
    this.names = scenario.names;
    this.latest = new Uint32Array(scenario.keys);
    this.clock = 0;
    this.c = Object.fromEntries(counters.map((name) => [name, 0]));
  }

  /** Reads `key` from the store, which must have it (it is seeded with every key). */
  storeGet(key) {
    this.c.store_reads += 1;
    const value = get(STORE, this.names[key]);
    if (value === undefined || value === null) {
      throw new Error(`the store has no value for \`${this.names[key]}\`, though every key was loaded`);
    }
    return value;
  }

  storePut(key, value) {
    this.c.store_writes += 1;
    put(STORE, this.names[key], value);
  }

  /** Checks one value returned for `key`: true if it is an older version than the latest. */
  isStale(key, value) {
    if (value.length < 8 || getU32(value, 0) !== key || value.length !== this.scenario.valueSize) {
      throw new Error(`a read of \`${this.names[key]}\` returned a value that is not one of its versions (${value.length} bytes)`);
    }
    return getU32(value, 4) < this.latest[key];
  }
}

// ---- The driver (bench.rs) --------------------------------------------------------------------------

/**
 * A workload definition for one caching pattern: `strategy` has `name`, `description`, `params`
 * (its own, after BASE_PARAMS), `counters` and `create(params, scenario)`, which returns an object
 * with `reset()`, `read(ctx, key)` → bytes and `write(ctx, key, value)` (and optionally `flush(ctx)`).
 */
function cacheWorkload(strategy) {
  const counterNames = [...BASE_COUNTERS, ...strategy.counters];
  return {
    name: strategy.name,
    description: strategy.description,
    unit: "ops",
    params: { ...BASE_PARAMS, ...strategy.params },
    setup(params) {
      const scenario = new Scenario(params);
      const pattern = strategy.create(params, scenario);
      return {
        run() {
          clear(STORE);
          clear(REMOTE_CACHE);
          load(STORE, scenario.initial);
          pattern.reset();

          const ctx = new Ctx(scenario, counterNames);
          const c = ctx.c;
          const { opKeys, opIsRead, valueSize } = scenario;
          const latest = ctx.latest;
          const readsDigest = new Fnv();
          for (let clock = 0; clock < opKeys.length; clock++) {
            ctx.clock = clock;
            const key = opKeys[clock];
            if (opIsRead[clock]) {
              c.reads += 1;
              const value = pattern.read(ctx, key);
              if (ctx.isStale(key, value)) c.stale_reads += 1;
              readsDigest.update(value);
            } else {
              c.writes += 1;
              latest[key] += 1;
              pattern.write(ctx, key, makeValue(key, latest[key], valueSize));
            }
          }
          pattern.flush?.(ctx);

          const storeDigest = digest(STORE);
          const checksum = fnv1a(storeDigest, u64le(readsDigest.value()));
          const counters = counterNames.map((name) => [name, c[name]]);
          counters.push(["store_digest", storeDigest]);
          return { checksum, units: opKeys.length, counters };
        },
      };
    },
  };
}

// ---- The LRU (the Rust SDK's lru.rs) ----------------------------------------------------------------

/**
 * Least-recently-used cache of at most `capacity` entries keyed by u32 keys below `keys`: a doubly
 * linked list threaded through arrays indexed by key (the Rust LRU threads it through a HashMap).
 */
class Lru {
  constructor(capacity, keys) {
    this.capacity = capacity;
    this.values = new Array(keys).fill(undefined);
    this.prev = new Uint32Array(keys);
    this.next = new Uint32Array(keys);
    this.len = 0;
    /** Most recently used. */
    this.head = NIL;
    /** Least recently used: the next to be evicted. */
    this.tail = NIL;
  }

  clear() {
    for (let key = this.head; key !== NIL; key = this.next[key]) this.values[key] = undefined;
    this.len = 0;
    this.head = NIL;
    this.tail = NIL;
  }

  unlink(key) {
    const prev = this.prev[key], next = this.next[key];
    if (prev === NIL) this.head = next;
    else this.next[prev] = next;
    if (next === NIL) this.tail = prev;
    else this.prev[next] = prev;
  }

  pushFront(key) {
    const oldHead = this.head;
    this.prev[key] = NIL;
    this.next[key] = oldHead;
    if (oldHead !== NIL) this.prev[oldHead] = key;
    this.head = key;
    if (this.tail === NIL) this.tail = key;
  }

  /** The value for `key` (undefined if absent), marking it most recently used. */
  get(key) {
    const value = this.values[key];
    if (value !== undefined && this.head !== key) {
      this.unlink(key);
      this.pushFront(key);
    }
    return value;
  }

  /** Inserts or replaces `key` as most recently used; returns true if an entry was evicted. */
  insert(key, value) {
    if (this.values[key] !== undefined) {
      this.values[key] = value;
      if (this.head !== key) {
        this.unlink(key);
        this.pushFront(key);
      }
      return false;
    }
    const evicted = this.len >= this.capacity && this.popLru();
    this.values[key] = value;
    this.len += 1;
    this.pushFront(key);
    return evicted;
  }

  /** Removes `key`; true if it was present. */
  remove(key) {
    if (this.values[key] === undefined) return false;
    this.unlink(key);
    this.values[key] = undefined;
    this.len -= 1;
    return true;
  }

  /** Removes the least recently used entry; true if there was one. */
  popLru() {
    return this.tail !== NIL && this.remove(this.tail);
  }
}

// ---- Cache-aside (simple.rs) ------------------------------------------------------------------------

/** A read through an in-plugin LRU: hit, or miss → store → fill. */
function readThrough(cache, ctx, key) {
  const cached = cache.get(key);
  if (cached !== undefined) {
    ctx.c.l1_hits += 1;
    return cached;
  }
  ctx.c.l1_misses += 1;
  const value = ctx.storeGet(key);
  if (cache.insert(key, value)) ctx.c.evictions += 1;
  return value;
}

/**
 * Cache-aside: the application reads the cache first and fills it on a miss; a write goes to the
 * store and then deletes the cache entry, so the next read refetches it.
 */
const aside = cacheWorkload({
  name: "aside",
  description: "cache-aside: LRU of `capacity` entries; miss → store → fill; write → store, then invalidate the entry",
  params: { capacity: "100" },
  counters: ["l1_hits", "l1_misses", "evictions"],
  create(params, scenario) {
    const cache = new Lru(capacity(params), scenario.keys);
    return {
      reset: () => cache.clear(),
      read: (ctx, key) => readThrough(cache, ctx, key),
      write(ctx, key, value) {
        ctx.storePut(key, value);
        cache.remove(key);
      },
    };
  },
});

export const workload = register(aside);
