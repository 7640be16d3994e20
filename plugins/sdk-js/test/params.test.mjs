// Parameters beyond the shared vectors: floats, booleans, Number conversions, defaults.
import { test } from "node:test";
import assert from "node:assert/strict";

import { Params, parseBool, parseFloat64, parseSize } from "../wasmbench.js";

test("parseFloat64 follows Rust's f64 syntax", () => {
  const accepted = {
    "0.5": 0.5, "1e3": 1000, "-2": -2, "+2": 2, "1.": 1, ".5": 0.5, "1E-2": 0.01, "007": 7,
    "inf": Infinity, "-inf": -Infinity, "+Infinity": Infinity, "INF": Infinity, "1e400": Infinity,
  };
  for (const [text, value] of Object.entries(accepted)) assert.equal(parseFloat64(text), value, text);
  assert.ok(Number.isNaN(parseFloat64("NaN")));
  assert.ok(Number.isNaN(parseFloat64("-nan")));
  for (const text of ["", " 1", "1 ", "1_000", ".", "e3", "1e", "1e+", "0x10", "1.2.3", "infinit", "Infinityy", "--1", "1f"]) {
    assert.equal(parseFloat64(text), null, JSON.stringify(text));
  }
});

test("parseBool accepts exactly true and false", () => {
  assert.equal(parseBool("true"), true);
  assert.equal(parseBool("false"), false);
  for (const text of ["True", "1", "yes", " true", ""]) assert.equal(parseBool(text), null, text);
});

test("sizes trim as Rust does and fold ASCII case only", () => {
  assert.equal(parseSize("\u00a08 KiB\u3000"), 8192n);
  assert.equal(parseSize("\u00858"), 8n); // NEL is Rust whitespace
  assert.equal(parseSize("\ufeff8"), null); // BOM is not
  assert.equal(parseSize("64 \u212a"), null); // KELVIN SIGN would lower-case to `k`
});

test("Params: errors name the parameter, with the Rust SDK's text", () => {
  const p = new Params({ n: "x", f: "fast", b: "yes", s: "4 parsecs", big: "9007199254740993", ok: "9007199254740991" });
  assert.throws(() => p.u64("n"), { message: "parameter `n` must be an unsigned integer, got `x`" });
  assert.throws(() => p.int("n"), { message: "parameter `n` must be an unsigned integer, got `x`" });
  assert.throws(() => p.f64("f"), { message: "parameter `f` must be a number, got `fast`" });
  assert.throws(() => p.bool("b"), { message: "parameter `b` must be true or false, got `yes`" });
  assert.throws(() => p.bytes("s"), { message: "parameter `s` must be a size like `64 KiB`, got `4 parsecs`" });
  assert.throws(() => p.str("zz"), { message: "missing parameter `zz`" });
  assert.throws(() => p.usize("big"), /^Error: parameter `big` is too large: 9007199254740993/);
  assert.equal(p.u64("big"), 9007199254740993n);
  assert.equal(p.int("ok"), Number.MAX_SAFE_INTEGER);
});

test("Params: types of the values", () => {
  const p = new Params({ n: "1_000", x: "0.25", on: "true", size: "64k" });
  assert.equal(p.u64("n"), 1000n);
  assert.equal(p.int("n"), 1000);
  assert.equal(p.usize("n"), 1000);
  assert.equal(p.f64("x"), 0.25);
  assert.equal(p.bool("on"), true);
  assert.equal(p.bytes("size"), 65536);
  assert.equal(p.str("size"), "64k");
});

test("Params: given values override defaults, in every accepted shape", () => {
  const defaults = { n: "1", m: "2" };
  for (const given of [[{ name: "n", value: "5" }], [["n", "5"]], { n: "5" }]) {
    const p = new Params(defaults, given);
    assert.equal(p.int("n"), 5);
    assert.equal(p.int("m"), 2);
    assert.ok(!p.has("x"));
  }
});
