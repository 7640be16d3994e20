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

const toStringTag = (value) => Object.prototype.toString.call(value);

/** An Error, also one made by another realm (the component bindings' errors fail `instanceof Error`). */
function isErrorLike(value) {
  if (value === null || typeof value !== "object") return false;
  if (value instanceof Error || toStringTag(value) === "[object Error]") return true;
  try {
    return typeof value.message === "string" && value.message !== "";
  } catch {
    return false;
  }
}

function constructorName(value) {
  try {
    const name = value?.constructor?.name;
    return typeof name === "string" ? name : "";
  } catch {
    return "";
  }
}

/** A thrown value that is neither a string nor an Error: its JSON, its text, or at least its type. */
function describeThrown(value) {
  const type = constructorName(value);
  let json;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json !== undefined && json !== "{}" && json !== "[]") {
    return type === "" || type === "Object" || type === "Array" ? json : `${type} ${json}`;
  }
  let text;
  try {
    text = String(value);
  } catch {
    text = undefined;
  }
  if (text !== undefined && text !== "" && !/^\[object \w*\]$/.test(text)) return text;
  return `a thrown ${type || "object"} with no message${json === "[]" ? " (an empty array)" : ""}`;
}

// A frame of a component binding's import as componentize-js (jco) names it, in an Error's stack:
// `import_wasmbench_plugin_host_0_1_1$get@…` for `host.get`, `…db_0_1_1$connection$method$query@…`.
const IMPORT_FRAME = /^import_(?:[a-z0-9]+_)*?([a-z0-9]+)_\d+_\d+_\d+\$([^@]*)@(.*)$/;

/**
 * For an error the generated bindings threw while lowering an import's arguments (`expected a
 * string, received [number]`): the call (`host.get`) and the plugin's line that made it, from the
 * stack; null for any other error.
 */
function bindingCall(error) {
  let stack;
  try {
    stack = typeof error.stack === "string" ? error.stack : "";
  } catch {
    return null;
  }
  const frames = stack.split("\n").filter((line) => line !== "");
  const file = (frame) => frame.slice(frame.indexOf("@") + 1).replace(/:\d+:\d+$/, "");
  const index = frames.findIndex((frame) => IMPORT_FRAME.test(frame));
  // Thrown in the bindings: every frame up to the import's is in the bindings' file.
  if (index < 0 || frames.slice(0, index).some((frame) => file(frame) !== file(frames[index]))) return null;
  const [, iface, path] = IMPORT_FRAME.exec(frames[index]);
  const name = path.split("$").filter((part) => !["method", "static", "constructor"].includes(part));
  const caller = frames.slice(index + 1).find((frame) => !/(^|\/)wasmbench\.js$/.test(file(frame)));
  const at = caller?.match(/@(.*):(\d+):\d+$/);
  return { call: `${iface}.${name.join(".")}`, at: at ? `${at[1]}:${at[2]}` : null };
}

/**
 * The text of anything thrown: an Error's message (with its `cause`), a string as is, another
 * value as JSON (with its class, e.g. `Problem {"code":7}`) or as text, never an empty `{}`. An
 * error the component bindings threw for a wrong argument to a raw import names the call and the
 * line: `host.get: expected a string, received [number] (at cache.js:12)`. componentize-js turns a
 * thrown string into the WIT `result` error, but traps on a thrown Error ("expected a string,
 * received [object]"), so the SDK throws only strings.
 */
export function errorMessage(error) {
  if (typeof error === "string") return error;
  if (isErrorLike(error)) {
    let text;
    try {
      text = error.message || error.name || constructorName(error) || "Error";
    } catch {
      text = "Error";
    }
    const binding = bindingCall(error);
    if (binding !== null) {
      text = `${binding.call}: ${text}${binding.at ? ` (at ${binding.at})` : ""}`;
    }
    if (error.cause !== undefined) text += `: ${errorMessage(error.cause)}`;
    return text;
  }
  if (error == null || typeof error !== "object") return String(error);
  return describeThrown(error);
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

// ---- Host services, their arguments checked -----------------------------------------------------------

/** The host's simulated backends, as componentize-js names the WIT enum's cases. */
export const Backend = Object.freeze({ STORE: "store", REMOTE_CACHE: "remote-cache" });

const BACKENDS = Object.values(Backend);
const S64_MIN = -(1n << 63n);
const S64_MAX = (1n << 63n) - 1n;

/** An argument as a message shows it: its type and a short form of its value. */
function shown(value) {
  let type = value === null ? "null" : typeof value;
  if (type === "object") type = constructorName(value) || "object";
  if (value === undefined || value === null) return type;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `${type}(${value.byteLength} bytes)`;
  let text = describeValue(value);
  if (text.length > 40) text = `${text.slice(0, 37)}...`;
  return `${type} ${text}`;
}

const isBytes = (v) => v instanceof Uint8Array || ArrayBuffer.isView(v) || v instanceof ArrayBuffer ||
  (Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255));

const BYTES_HINT = "bytes are a Uint8Array (text: new TextEncoder().encode(text))";

/** A db `value`: `{ tag, val }` of the WIT variant, `val` of the tag's type. */
function dbValueProblem(v) {
  if (v === null || typeof v !== "object" || typeof v.tag !== "string") return `${describeValue(v)} is not a { tag, val }`;
  switch (v.tag) {
    case "null":
      return null;
    case "integer":
      return typeof v.val === "bigint" && v.val >= S64_MIN && v.val <= S64_MAX ? null : "an integer's val must be a BigInt (5n) in the s64 range";
    case "real":
      return typeof v.val === "number" ? null : "a real's val must be a Number";
    case "text":
      return typeof v.val === "string" ? null : "a text's val must be a string";
    case "blob":
      return isBytes(v.val) ? null : "a blob's val must be a Uint8Array";
    default:
      return `there is no tag ${JSON.stringify(v.tag)}`;
  }
}

// What each argument must be: its name in messages, the check, and what to say when it fails.
const ARG = {
  backend: { type: "Backend", ok: (v) => BACKENDS.includes(v), hint: `a Backend is ${BACKENDS.map((b) => JSON.stringify(b)).join(" or ")} (Backend.STORE, Backend.REMOTE_CACHE)` },
  string: { type: "string", ok: (v) => typeof v === "string" },
  bytes: { type: "Uint8Array", ok: isBytes, hint: BYTES_HINT },
  entries: {
    type: "Array<[string, Uint8Array]>",
    ok: (v) => Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && isBytes(e[1])),
    hint: `entries are [key, value] pairs; ${BYTES_HINT}`,
  },
  values: {
    type: "Array<Value>",
    ok: (v) => Array.isArray(v) && v.every((x) => dbValueProblem(x) === null),
    hint: 'a db Value is { tag: "null" | "integer" | "real" | "text" | "blob", val }, e.g. { tag: "integer", val: 5n }',
  },
};

/**
 * `f` (an import of the bindings) with its arguments checked against `params` (`[name, ARG.x]`):
 * a wrong call throws an Error naming the call, what it expects and what it got; an error the call
 * itself throws (a WIT `result` error, such as SQL the database refuses) is named after the call.
 */
function checked(call, f, params, then = (v) => v) {
  const signature = `${call}(${params.map(([name]) => name).join(", ")})`;
  return (...args) => {
    const wrong = args.length !== params.length || params.some(([, arg], i) => !arg.ok(args[i]));
    if (wrong) {
      const expected = params.map(([, arg]) => arg.type).join(", ");
      const got = args.map(shown).join(", ");
      const hints = params.filter(([, arg], i) => i < args.length && !arg.ok(args[i]) && arg.hint).map(([, arg]) => arg.hint);
      let detail = "";
      const bad = params.findIndex(([, arg], i) => arg === ARG.values && Array.isArray(args[i]));
      if (bad >= 0) {
        const at = args[bad].findIndex((x) => dbValueProblem(x) !== null);
        if (at >= 0) detail = `; ${params[bad][0]}[${at}]: ${dbValueProblem(args[bad][at])}`;
      }
      const hint = [...new Set(hints)].join("; ");
      throw new TypeError(`${signature}: expected (${expected}), got (${got})${detail}${hint ? `; ${hint}` : ""}`);
    }
    let value;
    try {
      value = f(...args);
    } catch (error) {
      throw new Error(`${signature}: ${errorMessage(error)}`);
    }
    return then(value);
  };
}

/** `imports[name]`, a function of the bindings module `imports` of the WIT interface `iface`. */
function importOf(imports, name, iface) {
  if (imports === null || typeof imports !== "object" || typeof imports[name] !== "function") {
    const helper = iface === "host" ? "checkedHost" : "checkedDb";
    throw new TypeError(
      `${helper}(imports): expected the ${iface} interface's module (import * as ${iface} from "wasmbench:plugin/${iface}@${CONTRACT_VERSION}"), got ${shown(imports)} without a function \`${name}\``,
    );
  }
  return imports[name].bind(imports);
}

/**
 * The `host` interface (plugins/wit/plugin.wit) with every call's arguments checked:
 *
 *   import * as rawHost from "wasmbench:plugin/host@0.1.1";
 *   import { Backend, checkedHost } from "../../sdk-js/wasmbench.js";
 *   const host = checkedHost(rawHost);
 *   host.put(Backend.STORE, "k", new TextEncoder().encode("v"));
 *
 * A wrong call throws (so the bench ends with status `error`) naming the call, what it expects and
 * what it got: `host.get(backend, key): expected (Backend, string), got (string "db", number 1); a
 * Backend is "store" or "remote-cache" ...`, where the raw bindings would say less, or store a
 * string as an empty value.
 */
export function checkedHost(imports) {
  const f = (name) => importOf(imports, name, "host");
  const { backend, string, bytes, entries } = ARG;
  return Object.freeze({
    get: checked("host.get", f("get"), [["backend", backend], ["key", string]]),
    put: checked("host.put", f("put"), [["backend", backend], ["key", string], ["value", bytes]]),
    delete: checked("host.delete", f("delete"), [["backend", backend], ["key", string]]),
    clear: checked("host.clear", f("clear"), [["backend", backend]]),
    load: checked("host.load", f("load"), [["backend", backend], ["entries", entries]]),
    digest: checked("host.digest", f("digest"), [["backend", backend]]),
    httpFixture: checked("host.httpFixture", f("httpFixture"), []),
  });
}

/** A resource of the db interface with its methods checked (the rest passes through). */
function checkedResource(raw, methods) {
  return new Proxy(raw, {
    get(target, property) {
      if (Object.hasOwn(methods, property)) return methods[property](target);
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function checkedStatement(raw) {
  const { values } = ARG;
  const method = (name, params) => (target) => checked(`statement.${name}`, target[name].bind(target), params);
  return checkedResource(raw, {
    execute: method("execute", [["params", values]]),
    query: method("query", [["params", values]]),
  });
}

function checkedConnection(raw) {
  const { string, values } = ARG;
  const method = (name, params, then) => (target) => checked(`connection.${name}`, target[name].bind(target), params, then);
  return checkedResource(raw, {
    execute: method("execute", [["sql", string], ["params", values]]),
    query: method("query", [["sql", string], ["params", values]]),
    prepare: method("prepare", [["sql", string]], checkedStatement),
    begin: method("begin", []),
    commit: method("commit", []),
    rollback: method("rollback", []),
  });
}

/**
 * The `db` interface with every call's arguments checked, as `checkedHost` does for `host`; the
 * connections and statements it returns check theirs too:
 *
 *   import * as rawDb from "wasmbench:plugin/db@0.1.1";
 *   const db = checkedDb(rawDb);
 *   db.query("SELECT title FROM books WHERE id = ?", [{ tag: "integer", val: 7n }]);
 */
export function checkedDb(imports) {
  const f = (name) => importOf(imports, name, "db");
  const { string, values } = ARG;
  return Object.freeze({
    connect: checked("db.connect", f("connect"), [], checkedConnection),
    execute: checked("db.execute", f("execute"), [["sql", string], ["params", values]]),
    query: checked("db.query", f("query"), [["sql", string], ["params", values]]),
    available: checked("db.available", f("available"), []),
  });
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
