//! HTTP connections as the guide's "reuse connections" lesson needs them: kept alive between a
//! plugin's requests unless it sends `Connection: close`, counted by the host where a plugin can't
//! spoof the counts; and the fixture server's own round trip, timed before the run, in
//! results.json, the reports, and the names a model may use.

use crate::common::{Harness, bench, counter};

const SUITE: &str = r#"
[defaults]
warmup = 1
samples = 3
fuel_iterations = 1
executions = 1

[http]
latency = "1ms"
size = "64 B"

[[bench]]
plugin = "fetch"
workload = "sequential"
params = { n = 4, latency_ms = 1, connection = "close" }
model = "n * (latency_ms + http_new_connection_ms) ms"
group = "connections"

[[bench]]
plugin = "fetch"
workload = "sequential"
params = { n = 4, latency_ms = 1 }
model = "n * (latency_ms + http_round_trip_ms) ms"
group = "connections"
"#;

#[test]
fn connections_are_kept_alive_unless_the_plugin_asks_to_close_them() {
    let h = Harness::new();
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    let results = run.results();
    let close = bench(
        results,
        "fetch/sequential[connection=close,latency_ms=1,n=4]",
    );
    let kept = bench(results, "fetch/sequential[latency_ms=1,n=4]");
    // The same requests and bodies either way.
    assert_eq!(close["checksum"], kept["checksum"], "{close}\n{kept}");
    assert_eq!(counter(close, "http.connections_opened"), 4);
    assert_eq!(counter(close, "http.connections_reused"), 0);
    // Kept alive, every request after the instance's first rides a connection already open.
    assert_eq!(counter(kept, "http.connections_opened"), 0);
    assert_eq!(counter(kept, "http.connections_reused"), 4);

    // The fixture's own round trip, timed before the benches, and the models that add it.
    let fixture = &results["http_fixture"];
    let ns = |key: &str| {
        fixture[key]
            .as_u64()
            .unwrap_or_else(|| panic!("{key}: {fixture}"))
    };
    assert_eq!(ns("keep_alive_requests"), 100, "{fixture}");
    assert!(ns("keep_alive_p50_ns") > 0 && ns("keep_alive_p50_ns") <= ns("keep_alive_p99_ns"));
    assert!(ns("new_connection_p50_ns") <= ns("new_connection_p99_ns"));
    let expected = |b: &serde_json::Value| b["model"]["expected_ns"].as_f64().unwrap();
    let close_model = 4.0 * (1e6 + ns("new_connection_p50_ns") as f64);
    let kept_model = 4.0 * (1e6 + ns("keep_alive_p50_ns") as f64);
    assert!((expected(close) - close_model).abs() < 1.0, "{close}");
    assert!((expected(kept) - kept_model).abs() < 1.0, "{kept}");
    assert!(
        run.stdout
            .contains("The HTTP fixture server's own round trip (timed before the run"),
        "{}",
        run.transcript()
    );
}

#[test]
fn a_connection_parameter_that_is_neither_is_an_error_naming_both() {
    let h = Harness::new();
    let suite = SUITE.replace("connection = \"close\"", "connection = \"sometimes\"");
    let run = h.run_suite(&suite, &[]);
    let close = bench(
        run.results(),
        "fetch/sequential[connection=sometimes,latency_ms=1,n=4]",
    );
    assert_eq!(close["status"], "error", "{close}");
    let message = close["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`connection` must be `keep-alive` or `close`, not `sometimes`"),
        "{message}"
    );
}
