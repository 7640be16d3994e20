// Concurrent HTTP requests in JavaScript: the `sequential`, `parallel` and `limited` workloads of the
// Rust `fetch` plugin (plugins/fetch), with the same parameters, defaults, checksums, units and
// counters, so the two can be compared in one group. Requests use the global `fetch()`
// (componentize-js `http` feature, WASI 0.2 outgoing HTTP); `run` is async and componentize-js
// runs the event loop until its Promise settles.
import * as rawHost from "wasmbench:plugin/host@0.1.1";
import { checkedHost, fnv1a, register, u16le, u64le } from "../../sdk-js/wasmbench.js";

const { httpFixture } = checkedHost(rawHost);

const PARAMS = { n: "10", latency_ms: "20", size: "1 KiB", seed: "1", connection: "keep-alive" };

/** The `n` request URLs and the in-flight gauge every workload shares. */
class Requests {
  constructor(params) {
    const n = params.int("n");
    if (n === 0) throw new Error("parameter `n` must be at least 1 request");
    const latencyMs = params.u64("latency_ms");
    const size = params.bytes("size");
    const seed = params.u64("seed");
    // Only "keep-alive": the Fetch standard forbids a `Connection` request header and
    // StarlingMonkey's fetch() drops it, so this example can't ask for a new connection per
    // request. The Rust fetch plugin's `connection = "close"` shows that side of the lesson.
    const connection = params.str("connection");
    if (connection === "close") {
      throw new Error(
        "parameter `connection = \"close\"` can't be honoured: fetch() drops the `Connection` header (a forbidden request header in the Fetch standard), so requests always reuse connections here; use the Rust `fetch` plugin for a new connection per request",
      );
    }
    if (connection !== "keep-alive") {
      throw new Error(`parameter \`connection\` must be \`keep-alive\` or \`close\`, not \`${connection}\``);
    }
    const base = httpFixture();
    if (base === undefined || base === null) {
      throw new Error("this bench needs the HTTP fixture server; add an `[http]` table to the suite");
    }
    const root = base.replace(/\/+$/, "");
    this.urls = Array.from({ length: n }, (_, i) => `${root}/item/${i}?size=${size}&latency_ms=${latencyMs}&seed=${seed}`);
    this.inFlight = 0;
    this.maxInFlight = 0;
  }

  /** GETs request `index` and reads its whole body. A non-2xx status is a result (an error count). */
  async fetch(index) {
    const url = this.urls[index];
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      let response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw new Error(`GET ${url} failed`, { cause: e });
      }
      let body;
      try {
        body = new Uint8Array(await response.arrayBuffer());
      } catch (e) {
        throw new Error(`reading the body of GET ${url} failed`, { cause: e });
      }
      return {
        index,
        ok: response.ok,
        bytes: body.length,
        digest: fnv1a(fnv1a(0, u16le(response.status)), body),
      };
    } finally {
      this.inFlight -= 1;
    }
  }

  /** One iteration: `work()` fetches every index (in any order); the outcome is in request order. */
  async run(work) {
    this.inFlight = 0;
    this.maxInFlight = 0;
    const fetched = await work();
    fetched.sort((a, b) => a.index - b.index);
    const checksum = fetched.reduce((acc, f) => fnv1a(acc, u64le(f.digest)), 0n);
    return {
      checksum,
      units: fetched.length,
      counters: {
        requests: fetched.length,
        bytes: fetched.reduce((sum, f) => sum + f.bytes, 0),
        errors: fetched.filter((f) => !f.ok).length,
        max_in_flight: this.maxInFlight,
      },
    };
  }
}

/** Runs `task(i)` for i in 0..n with at most `k` in flight, like `p-limit(k)`. */
async function pool(n, k, task) {
  const results = [];
  let next = 0;
  async function worker() {
    while (next < n) {
      const i = next++;
      results.push(await task(i));
    }
  }
  await Promise.all(Array.from({ length: Math.min(k, n) }, worker));
  return results;
}

const sequential = {
  name: "sequential",
  description: "GET n items one after another (await in a loop)",
  unit: "requests",
  params: PARAMS,
  setup(params) {
    const requests = new Requests(params);
    return {
      run: () =>
        requests.run(async () => {
          const fetched = [];
          for (let i = 0; i < requests.urls.length; i++) fetched.push(await requests.fetch(i));
          return fetched;
        }),
    };
  },
};

const parallel = {
  name: "parallel",
  description: "GET n items all at once and join them (Promise.all)",
  unit: "requests",
  params: PARAMS,
  setup(params) {
    const requests = new Requests(params);
    return { run: () => requests.run(() => Promise.all(requests.urls.map((_, i) => requests.fetch(i)))) };
  },
};

const limited = {
  name: "limited",
  description: "GET n items with at most k in flight (p-limit)",
  unit: "requests",
  params: { ...PARAMS, k: "3" },
  setup(params) {
    const k = params.int("k");
    if (k === 0) throw new Error("parameter `k` must be at least 1 request in flight");
    const requests = new Requests(params);
    return { run: () => requests.run(() => pool(requests.urls.length, k, (i) => requests.fetch(i))) };
  },
};

export const workload = register(sequential, parallel, limited);
