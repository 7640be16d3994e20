// checkedHost / checkedDb: the WIT imports with their arguments checked, so a wrong call names the
// call, what it expects and what it got; and errorMessage for what the bindings throw (errors of
// another realm, which fail `instanceof Error` and stringify to `{}` as JSON).
import { test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";

import { Backend, checkedDb, checkedHost, errorMessage } from "../wasmbench.js";

/** A stand-in for the `host` bindings that records its calls. */
function fakeHost() {
  const calls = [];
  const record = (name, result) => (...args) => {
    calls.push([name, ...args]);
    return result;
  };
  return {
    calls,
    imports: {
      get: record("get", new Uint8Array([1])),
      put: record("put"),
      delete: record("delete", true),
      clear: record("clear"),
      load: record("load"),
      digest: record("digest", 7n),
      httpFixture: record("httpFixture", "http://127.0.0.1:1"),
    },
  };
}

const message = (f) => {
  try {
    f();
  } catch (e) {
    return errorMessage(e);
  }
  assert.fail("no throw");
};

test("right calls pass through unchanged", () => {
  const { calls, imports } = fakeHost();
  const host = checkedHost(imports);
  const value = new Uint8Array([1, 2]);
  assert.deepEqual(host.get(Backend.STORE, "k"), new Uint8Array([1]));
  host.put("remote-cache", "k", value);
  host.put(Backend.STORE, "k", [1, 2, 255]);
  assert.equal(host.delete(Backend.STORE, "k"), true);
  host.clear(Backend.REMOTE_CACHE);
  host.load(Backend.STORE, [["a", value]]);
  assert.equal(host.digest(Backend.STORE), 7n);
  assert.equal(host.httpFixture(), "http://127.0.0.1:1");
  assert.deepEqual(calls.map((c) => c[0]), ["get", "put", "put", "delete", "clear", "load", "digest", "httpFixture"]);
  assert.equal(calls[1][3], value, "the value itself is passed on");
});

test("a wrong call names the call, what it expects and what it got", () => {
  const { calls, imports } = fakeHost();
  const host = checkedHost(imports);
  assert.equal(
    message(() => host.get("store", 1)),
    "host.get(backend, key): expected (Backend, string), got (string \"store\", number 1)",
  );
  assert.equal(
    message(() => host.get("Store", "k")),
    'host.get(backend, key): expected (Backend, string), got (string "Store", string "k"); a Backend is "store" or "remote-cache" (Backend.STORE, Backend.REMOTE_CACHE)',
  );
  assert.match(message(() => host.get("k")), /^host\.get\(backend, key\): expected \(Backend, string\), got \(string "k"\)/);
  assert.match(
    message(() => host.put(Backend.STORE, "k", "text")),
    /^host\.put\(backend, key, value\): expected \(Backend, string, Uint8Array\), got \(string "store", string "k", string "text"\); bytes are a Uint8Array \(text: new TextEncoder\(\)\.encode\(text\)\)$/,
  );
  assert.match(message(() => host.load(Backend.STORE, { a: "b" })), /^host\.load\(backend, entries\): expected \(Backend, Array<\[string, Uint8Array\]>\)/);
  assert.match(message(() => host.httpFixture(1)), /^host\.httpFixture\(\): expected \(\), got \(number 1\)$/);
  assert.equal(calls.length, 0, "a wrong call never reaches the host");
  assert.match(message(() => checkedHost({})), /^checkedHost\(imports\): expected the host interface's module \(import \* as host from "wasmbench:plugin\/host@0\.1\.1"\)/);
});

test("db calls, connections and statements check their arguments too", () => {
  const statement = { execute: (params) => BigInt(params.length), query: () => ({ columns: [], rows: [] }) };
  const connection = {
    execute: () => 1n,
    query: () => ({ columns: ["x"], rows: [] }),
    prepare: () => statement,
    begin() {},
    commit() {},
    rollback() {},
    extra: "passes through",
  };
  const db = checkedDb({
    connect: () => connection,
    execute: () => 2n,
    query: () => ({ columns: [], rows: [] }),
    available: () => true,
  });
  assert.equal(db.available(), true);
  assert.equal(db.execute("DELETE FROM t", []), 2n);
  const values = [{ tag: "null" }, { tag: "integer", val: 5n }, { tag: "real", val: 0.5 }, { tag: "text", val: "x" }, { tag: "blob", val: new Uint8Array(1) }];
  assert.deepEqual(db.query("SELECT ?", values), { columns: [], rows: [] });
  const conn = db.connect();
  assert.equal(conn.extra, "passes through");
  assert.equal(conn.prepare("SELECT 1").execute([{ tag: "null" }]), 1n);
  assert.equal(
    message(() => db.query("SELECT ?", [5])),
    'db.query(sql, params): expected (string, Array<Value>), got (string "SELECT ?", Array [5]); params[0]: 5 is not a { tag, val }; a db Value is { tag: "null" | "integer" | "real" | "text" | "blob", val }, e.g. { tag: "integer", val: 5n }',
  );
  assert.match(message(() => db.execute("x", [{ tag: "integer", val: 5 }])), /params\[0\]: an integer's val must be a BigInt \(5n\)/);
  assert.match(message(() => conn.query(1, [])), /^connection\.query\(sql, params\): expected \(string, Array<Value>\), got \(number 1, Array \[\]\)$/);
  assert.match(message(() => conn.prepare("x").query([{ tag: "texts", val: "a" }])), /^statement\.query\(params\): .*params\[0\]: there is no tag "texts"/);
});

test("an error the call itself throws is named after the call", () => {
  // As the bindings throw a WIT `result` error: an Error whose message is the payload.
  const db = checkedDb({
    connect: () => ({}),
    execute: () => {
      throw new Error("no such table: books");
    },
    query: () => ({}),
    available: () => true,
  });
  assert.equal(message(() => db.execute("DELETE FROM books", [])), "db.execute(sql, params): no such table: books");
});

test("errorMessage never says just {}", () => {
  assert.equal(errorMessage({}), "a thrown Object with no message");
  assert.equal(errorMessage([]), "a thrown Array with no message (an empty array)");
  assert.equal(errorMessage({ code: 7 }), '{"code":7}');
  class Problem {
    constructor() {
      this.code = 7;
    }
  }
  assert.equal(errorMessage(new Problem()), 'Problem {"code":7}');
  class Shown {
    toString() {
      return "shown as text";
    }
  }
  assert.equal(errorMessage(new Shown()), "shown as text");
  // An Error of another realm (as the component bindings throw): its message, not `{}`.
  const foreign = vm.runInNewContext('new TypeError("expected a string, received [number]")');
  assert.ok(!(foreign instanceof Error));
  assert.equal(errorMessage(foreign), "expected a string, received [number]");
});

test("an error the bindings threw for a raw import names the call and the plugin's line", () => {
  // What componentize-js's generated bindings throw for `get("store", 1)`, stack and all.
  const thrown = vm.runInNewContext('new TypeError("expected a string, received [number]")');
  Object.defineProperty(thrown, "stack", {
    value:
      "_utf8AllocateAndEncode@/tmp/878105ca1fbe/sources/initializer.js:82:11\n" +
      "import_wasmbench_plugin_host_0_1_1$get@/tmp/878105ca1fbe/sources/initializer.js:156:41\n" +
      "setup/<@bad/bad.js:10:31\nsetup@bad/bad.js:11:13\nregister/setup/<@sdk-js/wasmbench.js:394:21\n",
  });
  assert.equal(errorMessage(thrown), "host.get: expected a string, received [number] (at bad/bad.js:10)");
  const method = new Error("invalid s64 value [5]");
  method.stack = "import_wasmbench_plugin_db_0_1_1$connection$method$query@/b/initializer.js:9:1\nrun@app.js:5:3\n";
  assert.equal(errorMessage(method), "db.connection.query: invalid s64 value [5] (at app.js:5)");
  // An error thrown by the plugin's own code is left as it is.
  const own = new Error("boom");
  own.stack = "run@app.js:5:3\nimport_wasmbench_plugin_host_0_1_1$get@/b/initializer.js:1:1\n";
  assert.equal(errorMessage(own), "boom");
});
