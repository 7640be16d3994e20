// register(): the exported `workload` object as componentize-js calls it. componentize-js awaits
// `Bench.setup` and `Bench.prototype.run`; a thrown (or rejected) *string* becomes the WIT error,
// anything else traps. So every failure must come out as a string.
import { test } from "node:test";
import assert from "node:assert/strict";

import { errorMessage, fnv1a, register, toU64, u16le, u64le } from "../wasmbench.js";

/** What the host sees from a call: { ok } or { err } (a string), like the generated bindings. */
async function call(f) {
  try {
    return { ok: await f() };
  } catch (e) {
    assert.equal(typeof e, "string", `threw a ${typeof e}, which would trap: ${e}`);
    return { err: e };
  }
}

const echo = {
  name: "echo",
  description: "returns its parameters",
  unit: "items",
  params: { n: "3", label: "a", big: 7 },
  setup: (params) => ({ run: () => ({ checksum: params.u64("n"), units: params.int("big"), counters: { label: params.str("label").length } }) }),
};

const failing = (name, run, setup) => ({ name, setup: setup ?? (() => ({ run })) });

const plugin = register(
  echo,
  failing("error", () => { throw new Error("boom"); }),
  failing("string", () => { throw "plain string"; }),
  failing("object", () => { throw { code: 7 }; }),
  failing("reject", async () => { throw new Error("async boom"); }),
  failing("reject-string", () => Promise.reject("rejected")),
  failing("cause", () => { throw new Error("GET failed", { cause: new TypeError("connection refused") }); }),
  failing("setup-error", null, () => { throw new RangeError("bad setup"); }),
  failing("setup-reject", null, async () => { throw new Error("async setup"); }),
  failing("async-ok", async () => { await new Promise((r) => setTimeout(r, 1)); return { checksum: 1n, units: 2 }; }),
  failing("async-setup", null, async () => ({ run: async () => ({ checksum: 5, units: 1, counters: [["a", 1n]] }) })),
  failing("no-run", null, () => ({})),
  failing("nothing", () => undefined),
);

const run = async (name, params = []) => {
  const bench = await call(() => plugin.Bench.setup(name, params));
  if (bench.err !== undefined) return bench;
  assert.ok(bench.ok instanceof plugin.Bench, "setup must give a Bench (the bindings check instanceof)");
  return call(() => plugin.Bench.prototype.run.call(bench.ok));
};

test("workloads() lists camelCase records with string defaults", () => {
  const list = plugin.workloads();
  assert.deepEqual(list[0], {
    name: "echo",
    description: "returns its parameters",
    defaultParams: [{ name: "n", value: "3" }, { name: "label", value: "a" }, { name: "big", value: "7" }],
    unit: "items",
  });
  assert.equal(list[1].unit, "ops");
  assert.equal(list[1].description, "");
  assert.deepEqual(list[1].defaultParams, []);
});

test("defaults are overlaid by the given params; outcomes are BigInts", async () => {
  assert.deepEqual(await run("echo"), { ok: { checksum: 3n, units: 7n, counters: [{ name: "label", value: 1n }] } });
  assert.deepEqual(await run("echo", [{ name: "n", value: "42" }, { name: "label", value: "xyz" }]), {
    ok: { checksum: 42n, units: 7n, counters: [{ name: "label", value: 3n }] },
  });
  assert.deepEqual(await run("echo", [{ name: "n", value: "-1" }]), { err: "parameter `n` must be an unsigned integer, got `-1`" });
});

test("unknown workload: the Rust SDK's message", async () => {
  const names = plugin.workloads().map((w) => w.name).join(", ");
  assert.deepEqual(await run("nope"), { err: `unknown workload \`nope\` (this plugin offers: ${names})` });
});

test("sync throws and async rejections become error strings", async () => {
  assert.deepEqual(await run("error"), { err: "boom" });
  assert.deepEqual(await run("string"), { err: "plain string" });
  assert.deepEqual(await run("object"), { err: '{"code":7}' });
  assert.deepEqual(await run("reject"), { err: "async boom" });
  assert.deepEqual(await run("reject-string"), { err: "rejected" });
  assert.deepEqual(await run("cause"), { err: "GET failed: connection refused" });
  assert.deepEqual(await run("setup-error"), { err: "bad setup" });
  assert.deepEqual(await run("setup-reject"), { err: "async setup" });
  assert.match((await run("no-run")).err, /setup\(\) must return an object with a run\(\) method/);
  assert.match((await run("nothing")).err, /run\(\) must return \{ checksum, units, counters\? \}, got undefined/);
});

test("a sync run stays sync (no Promise), an async one resolves", async () => {
  const bench = plugin.Bench.setup("echo", []);
  assert.ok(bench instanceof plugin.Bench);
  assert.ok(!(bench.run() instanceof Promise));
  assert.deepEqual(await run("async-ok"), { ok: { checksum: 1n, units: 2n, counters: [] } });
  assert.deepEqual(await run("async-setup"), { ok: { checksum: 5n, units: 1n, counters: [{ name: "a", value: 1n }] } });
});

test("u64 fields: BigInt in [0, 2^64) or a safe non-negative Number, anything else is an error", async () => {
  const outcome = (o) => register({ name: "w", setup: () => ({ run: () => o }) });
  const check = async (o) => {
    const p = outcome(o);
    return call(() => p.Bench.setup("w", []).run());
  };
  assert.deepEqual(await check({ checksum: 2n ** 64n - 1n, units: Number.MAX_SAFE_INTEGER }), {
    ok: { checksum: 2n ** 64n - 1n, units: 9007199254740991n, counters: [] },
  });
  assert.deepEqual(await check({ checksum: -1, units: 1 }), {
    err: "checksum must be a u64 (0 ≤ n < 2^64): got -1; use BigInt for 64-bit values",
  });
  assert.deepEqual(await check({ checksum: 1n, units: -1n }), { err: "units must be a u64 (0 ≤ n < 2^64): got -1n; use BigInt for 64-bit values" });
  assert.match((await check({ checksum: 2n ** 64n, units: 1 })).err, /^checksum must be a u64 .*got 18446744073709551616n/);
  assert.match((await check({ checksum: 2 ** 64, units: 1 })).err, /^checksum must be a u64 .*got 18446744073709552000 \(a Number above 2\^53 - 1 has already lost bits\)/);
  assert.match((await check({ checksum: 2 ** 53, units: 1 })).err, /^checksum must be a u64/);
  assert.match((await check({ checksum: 1.5, units: 1 })).err, /^checksum must be a u64 .*got 1\.5/);
  assert.match((await check({ checksum: "1", units: 1 })).err, /^checksum must be a u64 .*got "1"/);
  assert.match((await check({ checksum: 1, units: 1, counters: { hits: -3 } })).err, /^counter `hits` must be a u64 .*got -3/);
  assert.match((await check({ checksum: 1, units: 1, counters: [["", 1]] })).err, /a counter needs a name/);
  assert.deepEqual(await check({ checksum: 1, units: 1, counters: [{ name: "a", value: 2 }, ["b", 3n]] }), {
    ok: { checksum: 1n, units: 1n, counters: [{ name: "a", value: 2n }, { name: "b", value: 3n }] },
  });
  assert.throws(() => toU64(NaN, "x"), /^Error: x must be a u64/);
});

test("register() refuses bad definitions when the module loads", () => {
  assert.throws(() => register({ name: "a" }), /needs a `setup\(params\)` function/);
  assert.throws(() => register({ setup() {} }), /needs a `name`/);
  assert.throws(() => register(echo, echo), /`echo` is registered twice/);
  assert.throws(() => register({ name: "a", setup() {}, params: { n: {} } }), /parameter `n` needs a default/);
});

test("errorMessage and byte helpers", () => {
  assert.equal(errorMessage(new Error("x")), "x");
  assert.equal(errorMessage(42), "42");
  assert.equal(errorMessage(undefined), "undefined");
  assert.deepEqual([...u64le(0x0102030405060708n)], [8, 7, 6, 5, 4, 3, 2, 1]);
  assert.deepEqual([...u64le(2n ** 64n - 1n)], Array(8).fill(255));
  assert.deepEqual([...u16le(200)], [200, 0]);
  assert.throws(() => u64le(-1), RangeError);
  assert.throws(() => u16le(65536), RangeError);
  // The Rust fetch plugin's per-response digest: fnv1a(fnv1a(0, status.to_le_bytes()), body).
  assert.equal(fnv1a(fnv1a(0, u16le(200)), "body"), fnv1a(0, new Uint8Array([200, 0, 98, 111, 100, 121])));
});
