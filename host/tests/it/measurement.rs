//! What is measured: checksums of alternatives agree, fuel is deterministic, and the compile cache
//! is used.

use crate::common;

use common::{Harness, Run, message, status, u64s};

/// Blocking and streaming reads of one fixture give the same checksum, whatever the chunk size, and
/// a different fixture gives a different one.
#[test]
fn blocking_and_stream_reads_agree_on_the_checksum() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[defaults]
warmup = 1
samples = 3
fuel_iterations = 2

[fixtures]
"data.bin" = { size = "100 KiB", seed = 7 }
"other.bin" = { size = "100 KiB", seed = 8 }

[[bench]]
plugin = "fs-read"
workload = "blocking"
group = "same-file"

[[bench]]
plugin = "fs-read"
workload = "stream"
group = "same-file"

[[bench]]
id = "odd-chunks"
plugin = "fs-read"
workload = "stream"
params = { chunk = "1000" }
group = "same-file"

[[bench]]
id = "other-file"
plugin = "fs-read"
workload = "blocking"
params = { file = "other.bin" }
"#,
        &[],
    );
    run.assert_code(0);
    let blocking = run.bench("fs-read/blocking");
    let stream = run.bench("fs-read/stream");
    let odd = run.bench("odd-chunks");
    for bench in [blocking, stream, odd] {
        assert_eq!(status(bench), "ok", "{}", message(bench));
        assert_eq!(bench["checksum_stable"], true, "{bench:#}");
        assert_eq!(bench["units"]["per_iteration"], 100 * 1024, "{bench:#}");
    }
    let checksum = blocking["checksum"].as_str().expect("a checksum");
    assert_eq!(checksum.len(), 16, "{checksum}");
    assert_eq!(stream["checksum"], checksum);
    assert_eq!(odd["checksum"], checksum);
    let other = run.bench("other-file");
    assert_eq!(status(other), "ok", "{}", message(other));
    assert_ne!(
        other["checksum"], checksum,
        "different bytes must hash differently"
    );
}

const FUEL_SUITE: &str = r#"
[defaults]
warmup = 1
samples = 3
fuel_iterations = 3

[fixtures]
"data.bin" = { size = "256 KiB", seed = 1 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 20 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 22 }

[[bench]]
plugin = "fs-read"
workload = "blocking"

[[bench]]
plugin = "fs-read"
workload = "stream"
"#;

const FUEL_BENCHES: [&str; 4] = [
    "cpu/fib[n=20]",
    "cpu/fib[n=22]",
    "fs-read/blocking",
    "fs-read/stream",
];

/// Fuel per iteration of `id`, after checking every counted iteration used the same amount.
fn steady_fuel(run: &Run, id: &str) -> (u64, u64) {
    let bench = run.bench(id);
    assert_eq!(status(bench), "ok", "{id}: {}", message(bench));
    let fuel = &bench["fuel"];
    let samples = u64s(&fuel["samples"]);
    assert_eq!(samples.len(), 3, "{id}: one sample per counted iteration");
    assert!(
        samples.iter().all(|&s| s == samples[0]),
        "{id}: fuel differs between iterations: {samples:?}"
    );
    assert_eq!(fuel["varies"], false, "{id}: {fuel}");
    assert_eq!(fuel["per_iteration"], samples[0], "{id}: {fuel}");
    assert!(samples[0] > 0, "{id}: no fuel counted");
    let setup = fuel["setup"].as_u64().expect("setup fuel");
    (samples[0], setup)
}

#[test]
fn fuel_is_identical_across_iterations_and_runs() {
    let h = Harness::new();
    let suite = h.suite("fuel.toml", FUEL_SUITE);
    let first = h.run(&suite, &[]);
    first.assert_code(0);
    let second = h.run(&suite, &[]);
    second.assert_code(0);
    for id in FUEL_BENCHES {
        assert_eq!(
            steady_fuel(&first, id),
            steady_fuel(&second, id),
            "{id}: fuel (per iteration, setup) differs between runs"
        );
    }
    // Fuel measures the work: fib(22) makes ~2.6x the calls of fib(20).
    let (fib20, _) = steady_fuel(&first, "cpu/fib[n=20]");
    let (fib22, _) = steady_fuel(&first, "cpu/fib[n=22]");
    assert!(
        fib22 > fib20 * 2 && fib22 < fib20 * 3,
        "fib(20): {fib20}, fib(22): {fib22}"
    );
}

const CACHE_SUITE: &str = r#"
[defaults]
warmup = 0
samples = 1
fuel_iterations = 1

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 10 }

[[bench]]
plugin = "misbehave"
workload = "noop"
"#;

fn compile_cached(run: &Run) -> Vec<bool> {
    run.results()["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            assert_eq!(status(b), "ok", "{}", message(b));
            assert!(b["phases"]["compile_ns"].is_u64(), "{b:#}");
            b["phases"]["compile_cached"]
                .as_bool()
                .expect("compile_cached is a bool")
        })
        .collect()
}

/// Files in the compile cache folder (recursively).
fn cache_entries(dir: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                cache_entries(&path)
            } else {
                1
            }
        })
        .sum()
}

#[test]
fn compile_cache_is_used_on_the_second_run() {
    let h = Harness::new();
    let suite = h.suite("cache.toml", CACHE_SUITE);
    assert_eq!(cache_entries(&h.cache_dir()), 0);

    let first = h.run(&suite, &[]);
    first.assert_code(0);
    assert_eq!(compile_cached(&first), [false, false], "a cold cache");
    let entries = cache_entries(&h.cache_dir());
    assert!(
        entries >= 2,
        "{entries} files in the cache after compiling two plugins"
    );

    let second = h.run(&suite, &[]);
    second.assert_code(0);
    assert_eq!(compile_cached(&second), [true, true], "a warm cache");
    assert_eq!(cache_entries(&h.cache_dir()), entries, "nothing recompiled");

    let uncached = h.run(&suite, &["--no-cache"]);
    uncached.assert_code(0);
    assert_eq!(compile_cached(&uncached), [false, false], "--no-cache");

    // The same results either way.
    for run in [&second, &uncached] {
        for (a, b) in first.results()["benches"]
            .as_array()
            .unwrap()
            .iter()
            .zip(run.results()["benches"].as_array().unwrap())
        {
            assert_eq!(a["checksum"], b["checksum"]);
            assert_eq!(a["fuel"]["per_iteration"], b["fuel"]["per_iteration"]);
        }
    }
}

#[test]
fn no_cache_neither_reads_nor_writes_the_cache() {
    let h = Harness::new();
    let suite = h.suite("cache.toml", CACHE_SUITE);
    let run = h.run(&suite, &["--no-cache"]);
    run.assert_code(0);
    assert_eq!(compile_cached(&run), [false, false]);
    assert_eq!(
        cache_entries(&h.cache_dir()),
        0,
        "--no-cache wrote the cache"
    );
}

/// Counters are distributions over the timed iterations: the plugin's `iteration` counter counts
/// the runs of its instance, so in each fresh worker the timed iterations (after two warm-ups) read
/// 3 to 7, while the counting pass's (one warm-up, one counted) read 1 and 2. The median, range
/// and count are those of the 15 timed iterations of three executions, not one iteration's value.
#[test]
fn counters_are_summarized_over_the_timed_iterations() {
    let h = Harness::new();
    let run = h.run_suite(
        r#"
[defaults]
warmup = 2
samples = 5
fuel_iterations = 1
executions = 3

[[bench]]
plugin = "hostile"
workload = "unstable-checksum"
"#,
        &[],
    );
    let bench = run.bench("hostile/unstable-checksum");
    assert_eq!(status(bench), "ok", "{}", message(bench));
    let stat = &bench["counter_stats"]["iteration"];
    assert_eq!(stat["median"], 5, "{stat}");
    assert_eq!(stat["min"], 3, "{stat}");
    assert_eq!(stat["max"], 7, "{stat}");
    assert_eq!(stat["iterations"], 15, "{stat}");
    assert_eq!(stat["median_of"], 15, "{stat}");
    // The last iteration's value, as older readers know it, stays.
    assert_eq!(bench["counters"]["iteration"], 7);
    assert!(
        run.stdout.contains("median of the timed iterations") && run.stdout.contains("5 (3 – 7)"),
        "{}",
        run.transcript()
    );
}
