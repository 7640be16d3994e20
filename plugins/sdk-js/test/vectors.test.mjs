// The shared vectors: crates/params/vectors.txt (the parameter rule) and plugins/sdk/checksum-vectors.txt
// (fnv1a), the files the Rust SDK and the host are tested against.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { CONTRACT_VERSION, Params, fnv1a, parseSize, parseUint } from "../wasmbench.js";

const read = (path) => readFileSync(new URL(path, import.meta.url), "utf8");

/** Non-blank, non-comment lines with their 1-based line numbers. */
function lines(text) {
  return text
    .split("\n")
    .map((line, i) => ({ line: i + 1, text: line }))
    .filter(({ text }) => text.trim() !== "" && !text.trimStart().startsWith("#"));
}

/** `rule "input" expected`, as `wasmbench_params::vectors` reads it. */
function paramVectors() {
  return lines(read("../../../crates/params/vectors.txt")).map(({ line, text }) => {
    const space = text.indexOf(" ");
    const rule = text.slice(0, space);
    const rest = text.slice(space + 1);
    const start = rest.indexOf('"');
    const end = rest.lastIndexOf('"');
    assert.ok(space > 0 && start >= 0 && end > start, `vectors.txt:${line}: malformed: ${text}`);
    const expected = rest.slice(end + 1).trim();
    return { line, rule, input: rest.slice(start + 1, end), expected: expected === "none" ? null : BigInt(expected) };
  });
}

const RULES = {
  uint: { parse: parseUint, read: (p) => p.u64("x"), message: "an unsigned integer" },
  size: { parse: parseSize, read: (p) => BigInt(p.bytes("x")), message: "a size like `64 KiB`" },
};

test("parseUint and parseSize follow crates/params/vectors.txt", () => {
  const vectors = paramVectors();
  assert.ok(vectors.length > 40, `only ${vectors.length} vectors`);
  for (const v of vectors) {
    const rule = RULES[v.rule];
    assert.ok(rule, `vectors.txt:${v.line}: rule \`${v.rule}\` has no JavaScript function; add it to the SDK and this test`);
    assert.equal(rule.parse(v.input), v.expected, `vectors.txt:${v.line}: ${v.rule} ${JSON.stringify(v.input)}`);
  }
});

test("Params reads the vectors with the Rust SDK's messages", () => {
  for (const v of paramVectors()) {
    const rule = RULES[v.rule];
    const p = new Params({ x: v.input });
    const at = `vectors.txt:${v.line}`;
    if (v.expected === null) {
      assert.throws(() => rule.read(p), { message: `parameter \`x\` must be ${rule.message}, got \`${v.input}\`` }, at);
    } else if (v.rule === "size" && v.expected > BigInt(Number.MAX_SAFE_INTEGER)) {
      assert.throws(() => rule.read(p), /parameter `x` is too large: /, at);
    } else {
      assert.equal(rule.read(p), v.expected, at);
    }
  }
});

/** `text SEED "input" EXPECTED` or `bytes SEED HEX EXPECTED`. */
function checksumVectors() {
  return lines(read("../../sdk/checksum-vectors.txt")).map(({ line, text }) => {
    const at = `checksum-vectors.txt:${line}`;
    const [kind, seed] = text.split(" ", 2);
    const rest = text.slice(kind.length + seed.length + 2);
    const cut = rest.lastIndexOf(" ");
    const input = rest.slice(0, cut);
    let data;
    if (kind === "text") {
      assert.ok(input.startsWith('"') && input.endsWith('"') && input.length >= 2, `${at}: malformed`);
      data = input.slice(1, -1);
    } else if (kind === "bytes") {
      assert.match(input, /^(-|([0-9a-f]{2})+)$/, `${at}: malformed`);
      data = input === "-" ? new Uint8Array() : Uint8Array.from(input.match(/../g), (h) => parseInt(h, 16));
    } else {
      assert.fail(`${at}: unknown kind \`${kind}\``);
    }
    return { at, seed: BigInt(seed), data, expected: BigInt(rest.slice(cut + 1)) };
  });
}

test("fnv1a follows plugins/sdk/checksum-vectors.txt", () => {
  const vectors = checksumVectors();
  assert.ok(vectors.length >= 10, `only ${vectors.length} vectors`);
  for (const v of vectors) {
    assert.equal(fnv1a(v.seed, v.data), v.expected, v.at);
    if (typeof v.data === "string") {
      // The same text as UTF-8 bytes gives the same hash.
      assert.equal(fnv1a(v.seed, new TextEncoder().encode(v.data)), v.expected, `${v.at} (as bytes)`);
    }
  }
});

test("fnv1a matches a plain BigInt FNV-1a on every byte value and long inputs", () => {
  const reference = (seed, bytes) => {
    let h = seed === 0n ? 0xcbf29ce484222325n : seed;
    for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
    return h;
  };
  const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
  for (const seed of [0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 12345678901234567n]) {
    assert.equal(fnv1a(seed, bytes), reference(seed, bytes), `seed ${seed}`);
  }
});

test("CONTRACT_VERSION is the package version of plugins/wit/plugin.wit", () => {
  const wit = read("../../wit/plugin.wit");
  const expected = `package wasmbench:plugin@${CONTRACT_VERSION};`;
  assert.ok(wit.split("\n").some((l) => l.trim() === expected), `plugin.wit has no line \`${expected}\``);
});
