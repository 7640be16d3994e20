//! Limits and misbehaving plugins: every failure is contained in its bench, ends with the right
//! status and a useful message, and the run goes on.

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

#[test]
fn spin_runs_out_of_fuel() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[bench]]
plugin = "misbehave"
workload = "spin"
warmup = 1
samples = 3
fuel = 10_000_000
"#,
        &[],
    );
    run.assert_code(1);
    let spin = run.bench("misbehave/spin");
    assert_eq!(status(spin), "out-of-fuel", "{}", message(spin));
    assert_eq!(spin["expected"], "ok");
    assert_eq!(spin["met_expectation"], false);
    assert_eq!(spin["limits"]["fuel"], 10_000_000u64);
    assert!(
        message(spin).contains("fuel budget of 10000000"),
        "{}",
        message(spin)
    );
    // The default 10 s deadline was never the limit.
    assert!(
        run.elapsed < Duration::from_secs(8),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn spin_with_endless_fuel_times_out_at_the_deadline() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[bench]]
plugin = "misbehave"
workload = "spin"
warmup = 1
samples = 3
fuel = 1_000_000_000_000_000
deadline = "300ms"
"#,
        &[],
    );
    run.assert_code(1);
    let spin = run.bench("misbehave/spin");
    assert_eq!(status(spin), "timeout", "{}", message(spin));
    assert_eq!(spin["limits"]["deadline"], 300_000_000u64);
    assert_eq!(spin["limits"]["fuel"], 1_000_000_000_000_000u64);
    assert!(message(spin).contains("300ms"), "{}", message(spin));
    assert!(
        run.elapsed < Duration::from_secs(10),
        "took {:?}",
        run.elapsed
    );
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

/// A guest parked in a host call (WASI sleep) can't be stopped by epoch interruption; the host's
/// own timeout must end it.
#[test]
fn sleep_in_a_host_call_times_out_quickly() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[bench]]
plugin = "misbehave"
workload = "sleep"
params = { ms = 5000 }
deadline = "200ms"
warmup = 1
samples = 3
"#,
        &[],
    );
    run.assert_code(1);
    let sleep = run.bench("misbehave/sleep[ms=5000]");
    assert_eq!(status(sleep), "timeout", "{}", message(sleep));
    assert!(message(sleep).contains("200ms"), "{}", message(sleep));
    assert!(message(sleep).contains("host call"), "{}", message(sleep));
    // One iteration alone would sleep 5 s.
    assert!(
        run.elapsed < Duration::from_millis(4500),
        "the sleeping guest was not stopped at the deadline: took {:?}",
        run.elapsed
    );
}

#[test]
fn trap_reports_unreachable_with_a_wasm_backtrace() {
    let h = Harness::new();
    let run = h.run_suite(
        "[[bench]]\nplugin = \"misbehave\"\nworkload = \"trap\"\nsamples = 3\n",
        &[],
    );
    run.assert_code(1);
    let trap = run.bench("misbehave/trap");
    assert_eq!(status(trap), "trap", "{}", message(trap));
    let text = message(trap);
    assert!(text.contains("unreachable"), "{text}");
    assert!(text.contains("trap_inner"), "no backtrace frame in: {text}");
    assert!(
        trap["fuel"].is_null() && trap["wall_ns"].is_null(),
        "{trap:#}"
    );
}

#[test]
fn panic_reports_the_panic_message() {
    let h = Harness::new();
    let run = h.run_suite(
        "[[bench]]\nplugin = \"misbehave\"\nworkload = \"panic\"\nsamples = 3\n",
        &[],
    );
    run.assert_code(1);
    let panic = run.bench("misbehave/panic");
    assert_eq!(status(panic), "trap", "{}", message(panic));
    assert!(
        message(panic).contains("misbehave/panic panicked on purpose"),
        "{}",
        message(panic)
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

#[test]
fn memory_bomb_hits_the_memory_limit() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[[bench]]
plugin = "misbehave"
workload = "grow"
params = { bytes = "8 MiB" }
memory = "32 MiB"
warmup = 1
samples = 3
fuel_iterations = 3
"#,
        &[],
    );
    run.assert_code(1);
    let grow = run.bench("misbehave/grow[bytes=8 MiB]");
    assert_eq!(status(grow), "memory-limit", "{}", message(grow));
    assert_eq!(grow["limits"]["memory_bytes"], 32 * MIB);
    assert!(
        message(grow).contains("memory limit exceeded"),
        "{}",
        message(grow)
    );
    let peak = grow["memory"]["peak_bytes"].as_u64().unwrap();
    assert!(
        (16 * MIB..=32 * MIB).contains(&peak),
        "the guest grew to {peak} bytes before being stopped"
    );
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

/// The fixture folder is the only file system a plugin sees: paths out of it fail in the plugin.
#[test]
fn plugins_cannot_read_outside_the_fixture_folder() {
    let h = Harness::new();
    // The host makes its fixture folder in the same temporary folder as this harness's, so this
    // relative path names a real file next door.
    std::fs::write(h.path().join("secret.txt"), "secret").unwrap();
    let next_door = format!(
        "../{}/secret.txt",
        h.path().file_name().unwrap().to_str().unwrap()
    );
    let run = h.run_suite(
        &format!(
            r#"
[defaults]
warmup = 0
samples = 1
fuel_iterations = 1

[fixtures]
"data.bin" = {{ size = "1 KiB" }}

[[bench]]
id = "dot-dot"
plugin = "fs-read"
workload = "blocking"
params = {{ file = "../../../../../../../../etc/hostname" }}

[[bench]]
id = "next-door"
plugin = "fs-read"
workload = "stream"
params = {{ file = "{next_door}" }}

[[bench]]
id = "inside"
plugin = "fs-read"
workload = "blocking"
"#
        ),
        &[],
    );
    run.assert_code(1);
    for id in ["dot-dot", "next-door"] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "error", "{id} read outside: {bench:#}");
        assert!(bench["checksum"].is_null(), "{bench:#}");
    }
    let inside = run.bench("inside");
    assert_eq!(status(inside), "ok", "{}", message(inside));
    assert_eq!(inside["units"]["per_iteration"], 1024);
}

/// A file that is not a component fails its own bench with `error`; the others run.
#[test]
fn a_broken_plugin_file_fails_only_its_bench() {
    let h = Harness::new();
    std::fs::write(h.path().join("broken.wasm"), "not wasm at all").unwrap();
    let run = h.run_suite(
        r#"
[defaults]
warmup = 0
samples = 1
fuel_iterations = 1

[[bench]]
wasm = "broken.wasm"
workload = "anything"

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 12 }
"#,
        &[],
    );
    run.assert_code(1);
    assert_eq!(ids(run.results()), ["broken/anything", "cpu/fib[n=12]"]);
    let broken = run.bench("broken/anything");
    assert_eq!(status(broken), "error", "{broken:#}");
    assert!(
        message(broken).contains("broken.wasm")
            && message(broken).contains("not a valid component"),
        "{}",
        message(broken)
    );
    assert_eq!(
        run.bench("cpu/fib[n=12]")["checksum"],
        "0000000000000090",
        "fib(12) = 144"
    );
}
