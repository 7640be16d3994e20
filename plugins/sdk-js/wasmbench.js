// Guest SDK for wasmbench workload plugins written in JavaScript (componentize-js).
//
//   import { register } from "../../sdk-js/wasmbench.js";
//
//   const fib = {
//     name: "fib",
//     description: "naive recursive Fibonacci of n",
//     params: { n: "25" },
//     setup(params) {
//       const n = params.int("n");
//       return { run: () => ({ checksum: fibonacci(n), units: 1 }) };
//     },
//   };
//
//   export const workload = register(fib);
//
// The WIT contract is plugins/wit/plugin.wit. This module has no imports, so node can load it
// (and its tests) without the component runtime; host imports (`wasmbench:plugin/host@0.1.1`) are
// imported by the plugin itself. See README.md.

/** The version of the WIT contract (plugins/wit/plugin.wit) this SDK speaks; the tests check it. */
export const CONTRACT_VERSION = "0.1.1";

const U64_MAX = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;

// ---- Parameters: the rule of crates/params (pinned by crates/params/vectors.txt) -----------------

// Rust's `char::is_whitespace` (Unicode White_Space), which `str::trim` strips. JavaScript's `trim`
// differs: it strips U+FEFF and keeps U+0085.
const RUST_WS = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const TRIM = new RegExp(`^[${RUST_WS}]+|[${RUST_WS}]+$`, "g");
const rustTrim = (text) => text.replace(TRIM, "");
const asciiLower = (text) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** An unsigned integer: ASCII digits, every `_` ignored, an optional leading `+`. BigInt or null. */
export function parseUint(text) {
  let digits = String(text).replaceAll("_", "");
  if (digits.startsWith("+")) digits = digits.slice(1);
  if (!/^[0-9]+$/.test(digits)) return null;
  const value = BigInt(digits);
  return value <= U64_MAX ? value : null;
}

const SIZE_UNITS = new Map([
  ["", 1n], ["b", 1n],
  ["kb", 1000n], ["mb", 1000n ** 2n], ["gb", 1000n ** 3n],
  ["k", 1n << 10n], ["kib", 1n << 10n],
  ["m", 1n << 20n], ["mib", 1n << 20n],
  ["g", 1n << 30n], ["gib", 1n << 30n],
]);

/** A size in bytes: a count (digits, `_` ignored) then an optional unit (`64 KiB`, `64k`, `10 kB`). BigInt or null. */
export function parseSize(text) {
  const trimmed = rustTrim(String(text));
  const split = trimmed.search(/[^0-9_]/);
  const [number, unit] = split < 0 ? [trimmed, ""] : [trimmed.slice(0, split), trimmed.slice(split)];
  const count = parseUint(number);
  const scale = SIZE_UNITS.get(asciiLower(rustTrim(unit)));
  if (count === null || scale === undefined) return null;
  const bytes = count * scale;
  return bytes <= U64_MAX ? bytes : null;
}

/** A number in Rust's `f64` syntax (`0.5`, `-2`, `1e3`, `.5`, `inf`, `NaN`; no `_`, no spaces). Number or null. */
export function parseFloat64(text) {
  const match = /^([+-]?)(?:(inf|infinity)|(nan)|((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?))$/i.exec(String(text));
  if (!match) return null;
  if (match[2]) return match[1] === "-" ? -Infinity : Infinity;
  if (match[3]) return NaN;
  return Number(match[1] + match[4]);
}

/** `true` or `false`, exactly. Boolean or null. */
export function parseBool(text) {
  return text === "true" ? true : text === "false" ? false : null;
}

/** The parameters of one bench: the workload's defaults overlaid with the suite's values. */
export class Params {
  #values;

  /**
   * @param defaults `{ name: value }`, as a definition's `params`
   * @param given `[{ name, value }]` (as the host passes them), `[[name, value]]` or `{ name: value }`
   */
  constructor(defaults = {}, given = []) {
    this.#values = new Map(Object.entries(defaults).map(([k, v]) => [k, String(v)]));
    const pairs = Array.isArray(given) ? given : Object.entries(given);
    for (const pair of pairs) {
      const [name, value] = Array.isArray(pair) ? pair : [pair.name, pair.value];
      this.#values.set(String(name), String(value));
    }
  }

  /** Whether the parameter has a value. */
  has(name) {
    return this.#values.has(name);
  }

  /** The raw text of a parameter. */
  str(name) {
    const value = this.#values.get(name);
    if (value === undefined) throw new Error(`missing parameter \`${name}\``);
    return value;
  }

  /** An unsigned integer (`_` separators allowed), as a BigInt. */
  u64(name) {
    const raw = this.str(name);
    const value = parseUint(raw);
    if (value === null) throw new Error(`parameter \`${name}\` must be an unsigned integer, got \`${raw}\``);
    return value;
  }

  /** An unsigned integer as a Number; an error above Number.MAX_SAFE_INTEGER. */
  int(name) {
    return safe(name, this.u64(name));
  }

  /** The same as `int`: Rust's `usize`, for counts and lengths. */
  usize(name) {
    return this.int(name);
  }

  /** A floating-point number. */
  f64(name) {
    const raw = this.str(name);
    const value = parseFloat64(raw);
    if (value === null) throw new Error(`parameter \`${name}\` must be a number, got \`${raw}\``);
    return value;
  }

  /** A boolean (`true` / `false`). */
  bool(name) {
    const raw = this.str(name);
    const value = parseBool(raw);
    if (value === null) throw new Error(`parameter \`${name}\` must be true or false, got \`${raw}\``);
    return value;
  }

  /** A size in bytes as a Number (`64 KiB`, `64k` and `1MiB` are binary, `10 kB` decimal). */
  bytes(name) {
    const raw = this.str(name);
    const value = parseSize(raw);
    if (value === null) throw new Error(`parameter \`${name}\` must be a size like \`64 KiB\`, got \`${raw}\``);
    return safe(name, value);
  }
}

function safe(name, value) {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`parameter \`${name}\` is too large: ${value} (above Number.MAX_SAFE_INTEGER; use u64() for a BigInt)`);
  }
  return Number(value);
}

// ---- Checksums ------------------------------------------------------------------------------------

const ENCODER = new TextEncoder();

function toBytes(data) {
  if (typeof data === "string") return ENCODER.encode(data);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return Uint8Array.from(data);
  throw new TypeError(`fnv1a: data must be a string, a Uint8Array or an ArrayBuffer, got ${describeValue(data)}`);
}

/**
 * FNV-1a 64, the same as the Rust SDK's `fnv1a(seed, bytes)`: a seed of 0 means the FNV offset
 * basis. `data` is a Uint8Array (or other byte view / ArrayBuffer) or a string (hashed as UTF-8).
 * Returns a BigInt.
 */
export function fnv1a(seed, data) {
  let hash = toU64(seed, "fnv1a seed");
  if (hash === 0n) hash = FNV_OFFSET;
  const bytes = toBytes(data);
  // The hash as four 16-bit limbs (h0 lowest), multiplied by the prime 2^40 + 0x1b3 in Numbers:
  // far faster than BigInt arithmetic per byte, and every intermediate stays below 2^31.
  let h0 = Number(hash & 0xffffn);
  let h1 = Number((hash >> 16n) & 0xffffn);
  let h2 = Number((hash >> 32n) & 0xffffn);
  let h3 = Number(hash >> 48n);
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i];
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return (BigInt(h3) << 48n) | (BigInt(h2) << 32n) | (BigInt(h1) << 16n) | BigInt(h0);
}

function littleEndian(x, width, what) {
  const max = (1n << BigInt(8 * width)) - 1n;
  let value = typeof x === "bigint" ? x : Number.isSafeInteger(x) ? BigInt(x) : null;
  if (value === null || value < 0n || value > max) {
    throw new RangeError(`${what}: expected an integer in 0..=${max}, got ${describeValue(x)}`);
  }
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++, value >>= 8n) out[i] = Number(value & 0xffn);
  return out;
}

/** The 8 little-endian bytes of a u64 (BigInt or safe integer), as Rust's `x.to_le_bytes()`. */
export const u64le = (x) => littleEndian(x, 8, "u64le");
/** The 4 little-endian bytes of a u32. */
export const u32le = (x) => littleEndian(x, 4, "u32le");
/** The 2 little-endian bytes of a u16 (e.g. an HTTP status, as `status.as_u16().to_le_bytes()`). */
export const u16le = (x) => littleEndian(x, 2, "u16le");

// ---- Outcomes: u64 checks ---------------------------------------------------------------------------

function describeValue(value) {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value == null) return String(value);
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * `value` as a u64 BigInt: a BigInt in [0, 2^64) or a non-negative safe-integer Number. Anything
 * else throws, naming `what`: the component model would otherwise wrap it silently.
 */
export function toU64(value, what = "value") {
  if (typeof value === "bigint" ? value >= 0n && value <= U64_MAX : Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  let hint = "; use BigInt for 64-bit values";
  if (typeof value === "number" && Number.isInteger(value) && value > 0) {
    hint = " (a Number above 2^53 - 1 has already lost bits); use BigInt for 64-bit values";
  }
  throw new Error(`${what} must be a u64 (0 ≤ n < 2^64): got ${describeValue(value)}${hint}`);
}

function toCounters(counters) {
  if (counters === undefined || counters === null) return [];
  let pairs;
  if (counters instanceof Map || Array.isArray(counters)) pairs = [...counters];
  else if (typeof counters === "object") pairs = Object.entries(counters);
  else throw new Error(`counters must be an object { name: value } or an array of [name, value], got ${describeValue(counters)}`);
  return pairs.map((pair) => {
    const [name, value] = Array.isArray(pair) ? pair : [pair?.name, pair?.value];
    if (typeof name !== "string" || name === "") {
      throw new Error(`a counter needs a name (a non-empty string), got ${describeValue(pair)}`);
    }
    return { name, value: toU64(value, `counter \`${name}\``) };
  });
}

/** The WIT `outcome` of what a workload's `run()` returned. */
export function toOutcome(result, workload = "run()") {
  if (result === null || typeof result !== "object" || !("checksum" in result) || !("units" in result)) {
    throw new Error(`${workload}: run() must return { checksum, units, counters? }, got ${describeValue(result)}`);
  }
  return {
    checksum: toU64(result.checksum, "checksum"),
    units: toU64(result.units, "units"),
    counters: toCounters(result.counters),
  };
}

// ---- Errors -----------------------------------------------------------------------------------------

/**
 * The text of anything thrown: an Error's message (with its `cause`), a string as is, another
 * value as JSON. componentize-js turns a thrown string into the WIT `result` error, but traps on a
 * thrown Error ("expected a string, received [object]"), so the SDK throws only strings.
 */
export function errorMessage(error) {
  if (typeof error === "string") return error;
  if (error instanceof Error) {
    let text = error.message || error.name || "Error";
    if (error.cause !== undefined) text += `: ${errorMessage(error.cause)}`;
    return text;
  }
  if (error == null || typeof error !== "object") return String(error);
  return describeValue(error);
}

const isThenable = (value) => value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";

/** Calls `f()`; a throw or a rejection becomes a thrown (or rejected) string; `then` maps the value. */
function guarded(f, then) {
  let value;
  try {
    value = f();
  } catch (error) {
    throw errorMessage(error);
  }
  if (isThenable(value)) {
    return Promise.resolve(value).then(
      (v) => {
        try {
          return then(v);
        } catch (error) {
          throw errorMessage(error);
        }
      },
      (error) => {
        throw errorMessage(error);
      },
    );
  }
  try {
    return then(value);
  } catch (error) {
    throw errorMessage(error);
  }
}

// ---- Registration -----------------------------------------------------------------------------------

function checkDefinition(def, index) {
  const at = `register(): definition ${index + 1}`;
  if (def === null || typeof def !== "object") throw new TypeError(`${at} must be an object, got ${describeValue(def)}`);
  if (typeof def.name !== "string" || def.name === "") throw new TypeError(`${at} needs a \`name\` (a non-empty string)`);
  if (typeof def.setup !== "function") throw new TypeError(`${at} (\`${def.name}\`) needs a \`setup(params)\` function`);
  const params = def.params ?? {};
  if (typeof params !== "object" || Array.isArray(params)) {
    throw new TypeError(`${at} (\`${def.name}\`): \`params\` must be an object { name: "default" }`);
  }
  const defaults = Object.entries(params).map(([name, value]) => {
    if (!["string", "number", "bigint", "boolean"].includes(typeof value)) {
      throw new TypeError(`${at} (\`${def.name}\`): parameter \`${name}\` needs a default (a string), got ${describeValue(value)}`);
    }
    return { name, value: String(value) };
  });
  return {
    name: def.name,
    description: String(def.description ?? ""),
    unit: String(def.unit ?? "ops"),
    defaults,
    setup: def.setup,
  };
}

/**
 * Registers a plugin's workloads; returns the object to export as `workload`:
 *
 *   export const workload = register(fib, sieve);
 *
 * A definition is `{ name, description, unit = "ops", params: { n: "20" }, setup(params) }`;
 * `setup` gets a `Params` and returns an object with `run()` (sync, or async returning a Promise)
 * that returns `{ checksum, units, counters }`. Either may throw: the bench ends with status
 * "error" and the message.
 */
export function register(...definitions) {
  const entries = definitions.flat().map(checkDefinition);
  const byName = new Map();
  for (const entry of entries) {
    if (byName.has(entry.name)) throw new TypeError(`register(): workload \`${entry.name}\` is registered twice`);
    byName.set(entry.name, entry);
  }

  function workloads() {
    return entries.map((e) => ({
      name: e.name,
      description: e.description,
      defaultParams: e.defaults.map((p) => ({ ...p })),
      unit: e.unit,
    }));
  }

  /** The WIT `bench` resource: one set-up workload. */
  class Bench {
    #entry;
    #instance;

    constructor(entry, instance) {
      this.#entry = entry;
      this.#instance = instance;
    }

    static setup(name, params) {
      const entry = byName.get(name);
      if (entry === undefined) {
        const known = entries.map((e) => e.name).join(", ");
        throw `unknown workload \`${name}\` (this plugin offers: ${known})`;
      }
      const given = new Params(Object.fromEntries(entry.defaults.map((p) => [p.name, p.value])), params ?? []);
      return guarded(
        () => entry.setup(given),
        (instance) => {
          if (instance === null || typeof instance !== "object" || typeof instance.run !== "function") {
            throw new Error(`workload \`${name}\`: setup() must return an object with a run() method, got ${describeValue(instance)}`);
          }
          return new Bench(entry, instance);
        },
      );
    }

    run() {
      return guarded(
        () => this.#instance.run(),
        (result) => toOutcome(result, `workload \`${this.#entry.name}\``),
      );
    }
  }

  return { workloads, Bench };
}
