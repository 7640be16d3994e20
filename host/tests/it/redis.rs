//! Backends held by a real Redis server (`[backends] store = "redis://…"`): the cache plugins run
//! unchanged and count the same operations as on the simulated backends, each round trip is the
//! backend's latency, nothing is left on the server, and an unreachable server fails only the
//! benches that use it, with the server named.
//!
//! The tests start their own `redis-server` on a free loopback port. Without one they skip with a
//! message — unless Redis is required: `WASMBENCH_REQUIRE_REDIS=1` (which `.ci/run` exports) or
//! `CI` set, where a missing server fails them.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{self, Harness};

/// A `redis-server` of this test's own, stopped when dropped.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Asks the server a question with `redis-cli`'s wire format spoken by hand: `DBSIZE`.
    fn dbsize(&self) -> u64 {
        use std::io::{BufRead, BufReader, Write};
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.write_all(b"*1\r\n$6\r\nDBSIZE\r\n").unwrap();
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).unwrap();
        line.trim().trim_start_matches(':').parse().unwrap()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("WASMBENCH_REQUIRE_REDIS") || set("CI")
}

/// A fresh server on a free loopback port (no persistence), or `None` after saying why `test` is
/// skipped; panics instead when Redis is [`required`].
fn redis_or_skip(test: &str) -> Option<RedisServer> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let started = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let child = match started {
        Ok(child) => child,
        Err(e) if required() => panic!(
            "redis-server: {e}; Redis is required here (WASMBENCH_REQUIRE_REDIS or CI is set): \
             install Debian's `redis-server` (.ci/run does)"
        ),
        Err(e) => {
            eprintln!(
                "SKIPPED {test}: redis-server: {e} (install Debian's `redis-server`; with \
                 WASMBENCH_REQUIRE_REDIS=1 or CI set the test fails instead of skipping)"
            );
            return None;
        }
    };
    let server = RedisServer { child, port };
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "redis-server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(server)
}

/// The cache patterns of the guide, with `[backends]` as given.
fn suite(backends: &str) -> String {
    let mut text = format!(
        "[suite]\nname = \"cache\"\n[defaults]\nwarmup = 1\nsamples = 3\nfuel_iterations = 1\n\
         executions = 1\n[backends]\n{backends}\n"
    );
    for workload in ["aside", "write-through", "two-level", "invalidation"] {
        text.push_str(&format!(
            "[[bench]]\nplugin = \"cache\"\nworkload = \"{workload}\"\n"
        ));
    }
    text
}

/// The counters that count operations (not time), per bench.
fn operations(results: &Value) -> Vec<(String, Vec<(String, u64)>)> {
    results["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let counters = b["counters"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(name, _)| !name.ends_with("latency_ns"))
                .map(|(name, v)| (name.clone(), v.as_u64().unwrap()))
                .collect();
            (b["id"].as_str().unwrap().to_string(), counters)
        })
        .collect()
}

#[test]
fn cache_plugins_run_unchanged_on_redis_and_leave_nothing_behind() {
    let Some(server) = redis_or_skip("cache_plugins_run_unchanged_on_redis") else {
        return;
    };
    let h = Harness::new();
    let simulated = h.run_suite(&suite("store = \"0ms\"\nremote_cache = \"0ms\""), &[]);
    simulated.assert_code(0);
    let url = server.url();
    let text = suite(&format!("store = \"{url}\"\nremote_cache = \"{url}\""));
    let on_redis = h.run(&h.suite("redis.toml", &text), &[]);
    on_redis.assert_code(0);

    let (a, b) = (simulated.results(), on_redis.results());
    // The same operations, the same hits, the same final contents (the checksum holds the
    // backends' digests).
    assert_eq!(operations(a), operations(b), "{}", on_redis.transcript());
    for (x, y) in a["benches"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["benches"].as_array().unwrap())
    {
        assert_eq!(common::status(y), "ok", "{}", on_redis.transcript());
        assert_eq!(x["checksum"], y["checksum"], "{}", y["id"]);
        // Real round trips: time in the backend where the simulated one charged none.
        let latency = common::counter(y, "store.latency_ns");
        assert!(latency > 0, "{}: {latency}", y["id"]);
        assert_eq!(common::counter(x, "store.latency_ns"), 0);
    }
    assert_eq!(server.dbsize(), 0, "every bench's keys were removed");
}

#[test]
fn an_unreachable_server_fails_only_its_benches_and_is_named() {
    // No server needed: nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap();
    let h = Harness::new();
    let text = suite(&format!("remote_cache = \"redis://127.0.0.1:{port}\""))
        + "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\n";
    let run = h.run_suite(&text, &[]);
    run.assert_code(1);
    let results = run.results();
    // Benches that never call the remote cache never connect to it.
    for id in ["cpu/fib[n=10]", "cache/aside"] {
        let bench = common::bench(results, id);
        assert_eq!(common::status(bench), "ok", "{id}: {}", run.transcript());
    }
    let two_level = common::bench(results, "cache/two-level");
    assert_eq!(common::status(two_level), "error", "{}", run.transcript());
    let message = common::message(two_level);
    assert!(
        message.contains(&format!(
            "the remote_cache backend's Redis server (redis://127.0.0.1:{port})"
        )),
        "{message}"
    );
}

#[test]
fn a_backend_setting_is_a_latency_or_a_redis_url() {
    let h = Harness::new();
    let run = h.run_suite(&suite("remote_cache = \"fast\""), &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("backends.remote_cache")
            && run.stderr.contains("is neither a latency")
            && run.stderr.contains("redis://127.0.0.1:6379"),
        "{}",
        run.transcript()
    );
}
