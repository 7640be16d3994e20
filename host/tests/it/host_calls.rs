//! Host-call accounting: each bench's host calls land in the import group of the capability
//! it used (filesystem and streams for a file read, backends for a cache, http and streams for a
//! fetch, db for queries), with the bytes that crossed, in results.json, the terminal, the HTML
//! report and the OpenMetrics export.

use serde_json::Value;

use crate::common::{Harness, bench};

const FILE_BYTES: u64 = 256 << 10;

const SUITE: &str = r#"
[defaults]
warmup = 1
samples = 3
executions = 1
fuel_iterations = 3

[fixtures]
"data.bin" = { size = "256 KiB", seed = 1 }

[http]
latency = "1ms"
size = "1 KiB"
seed = 7

[backends]
latency_mode = "accounted"
store = "1ms"
remote_cache = "100us"

[db]
schema = "CREATE TABLE t (id INTEGER PRIMARY KEY)"
pool = 1
latency = "0s"

[[bench]]
id = "stream"
plugin = "fs-read"
workload = "stream"

[[bench]]
id = "aside"
plugin = "cache"
workload = "aside"

[[bench]]
id = "fetch"
plugin = "fetch"
workload = "sequential"

[[bench]]
id = "db"
plugin = "db"
workload = "round-trip"
params = { calls = 10, via = "pool" }

[[bench]]
id = "fib"
plugin = "cpu"
workload = "fib"
params = { n = 15 }
"#;

/// `(calls, bytes, ns)` per iteration of `group` in `bench`'s host calls, if it was called.
fn group(bench: &Value, name: &str) -> Option<(u64, u64, u64)> {
    bench["host"]["groups"]
        .as_array()
        .expect("host.groups")
        .iter()
        .find(|g| g["group"] == name)
        .map(|g| {
            let n = |key: &str| g[key].as_u64().expect(key);
            (
                n("calls_per_iteration"),
                n("bytes_per_iteration"),
                n("ns_per_iteration"),
            )
        })
}

fn names(bench: &Value) -> Vec<String> {
    bench["host"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn host_calls_are_counted_per_import_group() {
    let h = Harness::new();
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    let results = run.results();

    // A streaming file read: opening and stat in the filesystem group, the file's bytes through
    // the io streams.
    let stream = bench(results, "stream");
    let (fs_calls, _, _) = group(stream, "filesystem").expect("filesystem calls");
    assert!(fs_calls >= 1, "{}", stream["host"]);
    let (stream_calls, stream_bytes, stream_ns) = group(stream, "streams").expect("stream calls");
    assert!(stream_calls >= 4, "{}", stream["host"]);
    assert!(stream_ns > 0);
    // Every byte of the file crosses once, through the file's input stream.
    assert_eq!(
        stream_bytes, FILE_BYTES,
        "bytes through streams for a {FILE_BYTES}-byte file"
    );
    assert!(
        !names(stream)
            .iter()
            .any(|n| ["http", "backends", "db"].contains(&n.as_str()))
    );

    // Cache-aside: the simulated stores, with keys and values counted.
    let aside = bench(results, "aside");
    let (calls, bytes, _) = group(aside, "backends").expect("backend calls");
    assert!(calls > 0 && bytes > 0, "{}", aside["host"]);
    assert!(group(aside, "filesystem").is_none());

    // A fetch: the request in http, the body and the waiting in streams (pollables).
    let fetch = bench(results, "fetch");
    assert!(group(fetch, "http").expect("http calls").0 > 0);
    let (_, body_bytes, _) = group(fetch, "streams").expect("body streams");
    assert!(body_bytes >= 1024, "{}", fetch["host"]);

    // Queries: 10 `SELECT 1` through the pool shortcut, statement text and rows counted.
    let db = bench(results, "db");
    let (calls, bytes, _) = group(db, "db").expect("db calls");
    assert!(calls >= 10, "{}", db["host"]);
    assert!(bytes >= 10 * "SELECT 1".len() as u64, "{}", db["host"]);

    // Pure CPU: nothing but runtime calls, if any.
    let fib = bench(results, "fib");
    assert!(names(fib).iter().all(|n| n == "runtime"), "{}", fib["host"]);

    // The totals are the groups' sums for these deterministic workloads.
    for id in ["stream", "aside", "db"] {
        let b = bench(results, id);
        let sum: u64 = b["host"]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["bytes_per_iteration"].as_u64().unwrap())
            .sum();
        assert_eq!(b["host"]["bytes_per_iteration"].as_u64(), Some(sum), "{id}");
    }

    // Shown: the terminal table, the report's details, the OpenMetrics export.
    assert!(
        run.stdout.contains("host calls per import group"),
        "{}",
        run.stdout
    );
    let html = std::fs::read_to_string(run.out.as_ref().unwrap().join("report.html")).unwrap();
    assert!(
        html.contains("Host calls per import group"),
        "no host-call table in the report"
    );
    assert!(html.contains("<code>streams</code>"));
    let export = h.wasmbench(&[
        "export",
        "openmetrics",
        run.out
            .as_ref()
            .unwrap()
            .join("results.json")
            .to_str()
            .unwrap(),
    ]);
    export.assert_code(0);
    assert!(
        export.stdout.contains(
            "wasmbench_host_group_calls_per_iteration{suite=\"suite\",bench=\"stream\",group=\"streams\"}"
        ),
        "{}",
        export.stdout
    );
}
