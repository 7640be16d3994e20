//! Limits and expectations with ordinary plugins: a memory limit one read strategy fits and another
//! doesn't, a runaway stopped in the timed pass, a `setup` error, and `expect`: declared failures
//! make a successful run, undeclared ones and declared ones that don't happen fail it, and the run
//! goes on after each. The attack corpus is in the sibling modules.

use crate::common;

use std::time::Duration;

use common::{Harness, ids, message, status};

const MIB: u64 = 1 << 20;

/// The quick suite's memory case: a 64 MiB file under a 16 MiB limit. Reading it whole can't fit,
/// streaming it in 64 KiB chunks can; the failure is declared, so the run succeeds.
#[test]
fn blocking_read_hits_memory_limit_where_stream_passes() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[defaults]
warmup = 0
samples = 1
fuel_iterations = 1

[fixtures]
"big.bin" = { size = "64 MiB", seed = 2 }

[[bench]]
plugin = "fs-read"
workload = "blocking"
params = { file = "big.bin" }
memory = "16 MiB"
expect = "memory-limit"

[[bench]]
plugin = "fs-read"
workload = "stream"
params = { file = "big.bin" }
memory = "16 MiB"
"#,
        &[],
    );
    run.assert_code(0);

    let blocking = run.bench("fs-read/blocking[file=big.bin]");
    assert_eq!(status(blocking), "memory-limit", "{blocking:#}");
    assert_eq!(blocking["expected"], "memory-limit");
    assert_eq!(blocking["met_expectation"], true);
    assert_eq!(blocking["limits"]["memory_bytes"], 16 * MIB);
    assert!(
        message(blocking).contains("memory limit exceeded"),
        "{}",
        message(blocking)
    );
    let peak = blocking["memory"]["peak_bytes"].as_u64().unwrap();
    assert!(peak <= 16 * MIB, "peak {peak} is over the limit");
    assert!(blocking["checksum"].is_null(), "no iteration completed");

    let stream = run.bench("fs-read/stream[file=big.bin]");
    assert_eq!(status(stream), "ok", "{}", message(stream));
    assert_eq!(stream["met_expectation"], true);
    assert_eq!(stream["units"]["unit"], "bytes");
    assert_eq!(
        stream["units"]["per_iteration"],
        64 * MIB,
        "read the whole file"
    );
    let peak = stream["memory"]["peak_bytes"].as_u64().unwrap();
    assert!(peak > 0 && peak <= 16 * MIB, "stream peak {peak}");
    assert!(stream["checksum"].is_string());
    assert_eq!(stream["checksum_stable"], true);
}

/// The timed pass has no instrumentation: a guest that loops only there (after passing the counting
/// pass) is stopped by killing its worker process at the deadline. The samples before it are kept,
/// and the next bench runs as usual.
#[test]
fn a_runaway_in_the_timed_pass_is_stopped_by_killing_its_worker() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[defaults]
warmup = 0
samples = 4
fuel_iterations = 1
executions = 2
deadline = "300ms"

[[bench]]
plugin = "misbehave"
workload = "spin-later"
params = { after = 2 }

[[bench]]
plugin = "misbehave"
workload = "noop"
"#,
        &[],
    );
    run.assert_code(1);
    let spin = run.bench("misbehave/spin-later[after=2]");
    assert_eq!(status(spin), "timeout", "{}", message(spin));
    assert!(
        message(spin).contains("300ms") && message(spin).contains("worker process was stopped"),
        "{}",
        message(spin)
    );
    // The counting pass's instance ran 1 iteration; the worker's ran 2 before it spun.
    assert_eq!(spin["wall_ns"]["samples"].as_array().unwrap().len(), 2);
    assert_eq!(
        spin["timing"]["executions"], 1,
        "a failed bench runs no further execution"
    );
    let noop = run.bench("misbehave/noop");
    assert_eq!(status(noop), "ok", "{}", message(noop));
    assert_eq!(noop["timing"]["executions"], 2);
    assert_eq!(noop["timing"]["instrumentation"], serde_json::json!([]));
    assert_eq!(noop["wall_ns"]["executions"].as_array().unwrap().len(), 2);
    assert_eq!(noop["wall_ns"]["samples"].as_array().unwrap().len(), 8);
    assert!(
        run.elapsed < Duration::from_secs(10),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn setup_error_ends_with_status_error() {
    let h = Harness::new();
    let run = h.run_suite(
        "[[bench]]\nplugin = \"misbehave\"\nworkload = \"setup-error\"\nsamples = 3\n",
        &[],
    );
    run.assert_code(1);
    let bench = run.bench("misbehave/setup-error");
    assert_eq!(status(bench), "error", "{}", message(bench));
    assert!(
        message(bench).contains("misbehave/setup-error refuses to set up"),
        "{}",
        message(bench)
    );
    assert!(bench["checksum"].is_null());
}

/// Benches of one suite: two good ones between and after misbehaving ones.
fn mixed_suite(declare_failures: bool) -> String {
    let expect = |status: &str| {
        if declare_failures {
            format!("expect = \"{status}\"\n")
        } else {
            String::new()
        }
    };
    format!(
        r#"
[defaults]
warmup = 1
samples = 3
fuel_iterations = 2

[[bench]]
plugin = "misbehave"
workload = "trap"
{}
[[bench]]
id = "good-1"
plugin = "cpu"
workload = "fib"
params = {{ n = 15 }}

[[bench]]
plugin = "misbehave"
workload = "spin"
fuel = 10_000_000
{}
[[bench]]
plugin = "misbehave"
workload = "sleep"
params = {{ ms = 5000 }}
deadline = "100ms"
{}
[[bench]]
id = "good-2"
plugin = "cpu"
workload = "fib"
params = {{ n = 16 }}
"#,
        expect("trap"),
        expect("out-of-fuel"),
        expect("timeout"),
    )
}

fn assert_mixed_results(run: &common::Run) {
    assert_eq!(
        ids(run.results()),
        [
            "misbehave/trap",
            "good-1",
            "misbehave/spin",
            "misbehave/sleep[ms=5000]",
            "good-2"
        ]
    );
    let statuses: Vec<&str> = run.results()["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(status)
        .collect();
    assert_eq!(statuses, ["trap", "ok", "out-of-fuel", "timeout", "ok"]);
    // fib(15) = 610, fib(16) = 987: the good benches really ran, after the failures.
    assert_eq!(run.bench("good-1")["checksum"], "0000000000000262");
    assert_eq!(run.bench("good-2")["checksum"], "00000000000003db");
    for id in ["good-1", "good-2"] {
        let good = run.bench(id);
        assert_eq!(good["met_expectation"], true, "{good:#}");
        // 3 samples in each of the default 3 executions.
        assert_eq!(good["wall_ns"]["samples"].as_array().unwrap().len(), 9);
    }
}

#[test]
fn a_failing_bench_does_not_stop_the_others() {
    let h = Harness::new();
    let run = h.run_suite(&mixed_suite(false), &[]);
    run.assert_code(1);
    assert_mixed_results(&run);
    for id in [
        "misbehave/trap",
        "misbehave/spin",
        "misbehave/sleep[ms=5000]",
    ] {
        let bad = run.bench(id);
        assert_eq!(bad["expected"], "ok");
        assert_eq!(bad["met_expectation"], false, "{bad:#}");
    }
}

#[test]
fn declared_failures_make_a_successful_run() {
    let h = Harness::new();
    let run = h.run_suite(&mixed_suite(true), &[]);
    run.assert_code(0);
    assert_mixed_results(&run);
    for bench in run.results()["benches"].as_array().unwrap() {
        assert_eq!(bench["met_expectation"], true, "{bench:#}");
        assert_eq!(bench["status"], bench["expected"]);
    }
}

#[test]
fn a_declared_failure_that_does_not_happen_fails_the_run() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 10 }
warmup = 0
samples = 2
expect = "trap"
"#,
        &[],
    );
    run.assert_code(1);
    let fib = run.bench("cpu/fib[n=10]");
    assert_eq!(status(fib), "ok");
    assert_eq!(fib["expected"], "trap");
    assert_eq!(fib["met_expectation"], false);
    assert_eq!(fib["checksum"], "0000000000000037", "fib(10) = 55");
}

/// The 1-based line of `suite` that starts with `needle` after `from` (the table it belongs to).
fn line_of(suite: &str, from: &str, needle: &str) -> usize {
    let start = suite.find(from).expect("the table is in the suite");
    let offset = start
        + suite[start..]
            .find(needle)
            .expect("the key is in the table");
    suite[..offset].matches('\n').count() + 1
}

/// A bench that runs into a limit says, in human units, where the limit was set and what to write
/// instead: the bench's own key, the `[defaults]` key, or the default and where to add one. In
/// the counting pass, the timed pass (worker process and supervisor) and a load scenario alike; a
/// bench that expects the failure gets no advice.
#[test]
fn a_limit_hit_names_the_key_that_set_it_and_a_larger_value() {
    let h = Harness::new();
    let suite = r#"
[defaults]
warmup = 0
samples = 8
fuel_iterations = 1
executions = 1
fuel = 50_000_000

[[bench]]
id = "own-memory"
plugin = "misbehave"
workload = "grow"
params = { bytes = "4 MiB" }
memory = "16 MiB"
fuel_iterations = 8

[[bench]]
id = "defaults-fuel"
plugin = "misbehave"
workload = "spin"

[[bench]]
id = "default-memory"
plugin = "misbehave"
workload = "grow"
params = { bytes = "64 MiB" }
fuel = 1_000_000_000
fuel_iterations = 6

[[bench]]
id = "timed-pass-memory"
plugin = "misbehave"
workload = "grow"
params = { bytes = "4 MiB" }
memory = 16777216

[[bench]]
id = "timed-pass-deadline"
plugin = "misbehave"
workload = "spin-later"
params = { after = 2 }
deadline = "300ms"

[[bench]]
id = "expected"
plugin = "misbehave"
workload = "grow"
params = { bytes = "4 MiB" }
memory = "16 MiB"
fuel_iterations = 8
expect = "memory-limit"

[[load]]
id = "load-memory"
plugin = "misbehave"
workload = "grow"
params = { bytes = "4 MiB" }
memory = "16 MiB"
fuel_iterations = 8
[[load.phase]]
duration = "1s"
rate = 5
"#;
    let run = h.run_suite(suite, &[]);
    run.assert_code(1);
    // Places are written `file:line`, the file as the suite was named (the harness: in full).
    let file = h.path().join("suite.toml").display().to_string();
    let at = |from: &str, key: &str| format!("{file}:{}", line_of(suite, from, key));
    let bench_line = |id: &str| format!("{file}:{}", bench_line(suite, id));
    let expect = |id: &str, status_: &str, parts: &[String]| {
        let bench = run.bench(id);
        assert_eq!(status(bench), status_, "{id}: {}", message(bench));
        let text = message(bench);
        for part in parts {
            assert!(
                text.contains(part.as_str()),
                "{id}: {part:?} not in\n{text}"
            );
        }
    };
    expect(
        "own-memory",
        "memory-limit",
        &[
            "MiB, over the 16 MiB limit".into(),
            format!(
                "(`memory = \"16 MiB\"` at {}; raise it there, e.g. memory = \"32 MiB\")",
                at("\"own-memory\"", "memory =")
            ),
        ],
    );
    expect(
        "defaults-fuel",
        "out-of-fuel",
        &[format!(
            "run used more than the fuel budget of 50,000,000 per iteration (`fuel = 50_000_000` \
             in [defaults] at {}; raise it there, or set one on this bench at {}, e.g. \
             fuel = 500_000_000)",
            at("[defaults]", "fuel ="),
            bench_line("\"defaults-fuel\""),
        )],
    );
    expect(
        "default-memory",
        "memory-limit",
        &[format!(
            "over the 256 MiB limit (the default; set it on this bench at {} or in [defaults], \
             e.g. memory = \"512 MiB\")",
            bench_line("\"default-memory\"")
        )],
    );
    expect(
        "timed-pass-memory",
        "memory-limit",
        &[format!(
            "over the 16 MiB limit (`memory = 16777216` at {}; raise it there, e.g. memory = \
             33554432)",
            at("\"timed-pass-memory\"", "memory =")
        )],
    );
    expect(
        "timed-pass-deadline",
        "timeout",
        &[format!(
            "passed the 300ms deadline (its worker process was stopped) (`deadline = \"300ms\"` \
             at {}; raise it there, e.g. deadline = \"600ms\")",
            at("\"timed-pass-deadline\"", "deadline =")
        )],
    );
    let expected = run.bench("expected");
    assert_eq!(expected["met_expectation"], true);
    assert!(
        message(expected).ends_with("over the 16 MiB limit"),
        "{}",
        message(expected)
    );
    let load = &run.results()["loads"][0];
    assert_eq!(load["status"], "memory-limit", "{load:#}");
    let text = load["message"].as_str().unwrap_or("");
    let wanted = format!(
        "over the 16 MiB limit (`memory = \"16 MiB\"` at {}; raise it there, e.g. memory = \"32 MiB\")",
        at("\"load-memory\"", "memory =")
    );
    assert!(text.contains(&wanted), "{wanted:?} not in\n{text}");
}

/// The line of the `[[bench]]` header before the line holding `id`.
fn bench_line(suite: &str, id: &str) -> usize {
    let offset = suite.find(id).expect("the bench is in the suite");
    let header = suite[..offset].rfind("[[bench]]").expect("a bench table");
    suite[..header].matches('\n').count() + 1
}
