//! Memory and time the host spends for a plugin outside its linear memory and its fuel: resources
//! held through handles count against the bench's memory (the harness stays small), and host time
//! is reported per bench.

use super::{
    DEFAULTS, assert_bench, assert_good_benches_ran, assert_peak_below, corpus, hostile,
    run_corpus_measured,
};
use crate::common::{Harness, message, status};

/// wasi:http `fields` hoarded in the host's resource table: 20,000 or 40,000 × 4 KiB per iteration
/// under a 16 MiB limit. Caught on the counting pass (in the harness process) and, for a plugin that waits
/// for the timed pass, in the worker process; either way `memory-limit`, and the harness holds far
/// less than the ~1 GB the attack used to make it hold.
#[test]
fn resources_held_in_the_host_count_against_the_memory_limit() {
    let h = Harness::new();
    let benches = [
        hostile(
            "fields-counting-pass",
            "fields-hoard",
            "count = 20000, bytes = \"4 KiB\"",
            "memory = \"16 MiB\"",
        ),
        // The counting pass runs two iterations (warm-up + one counted); a worker runs three.
        hostile(
            "fields-timed-pass",
            "fields-hoard",
            "count = 40000, bytes = \"4 KiB\", from = 3",
            "memory = \"16 MiB\"",
        ),
        // A few fields are fine.
        hostile(
            "fields-few",
            "fields-hoard",
            "count = 10, bytes = \"64\"",
            "memory = \"16 MiB\"",
        ),
    ]
    .concat();
    let (run, peak) = run_corpus_measured(&h, DEFAULTS, &benches);
    run.assert_code(1);
    assert_bench(
        &run,
        "fields-counting-pass",
        "memory-limit",
        &["host memory limit exceeded", "run"],
    );
    assert_bench(
        &run,
        "fields-timed-pass",
        "memory-limit",
        &["host memory limit exceeded", "worker process was stopped"],
    );
    let few = run.bench("fields-few");
    assert_eq!(status(few), "ok", "{}", message(few));
    assert_peak_below(peak, 512 << 20);
}

/// A plugin that spends almost nothing in fuel but makes the host hash 4 MiB ten times per
/// iteration: its host time is in results.json, the terminal table and the report.
#[test]
fn host_time_is_reported_per_bench() {
    let h = Harness::new();
    let benches = hostile(
        "hasher",
        "host-hasher",
        "bytes = \"4 MiB\", rounds = 10",
        "",
    );
    let run = h.run_suite(&corpus(DEFAULTS, &benches), &[]);
    assert_good_benches_ran(&run);
    run.assert_code(0);
    let hasher = run.bench("hasher");
    assert_eq!(status(hasher), "ok", "{}", message(hasher));
    let host = &hasher["host"];
    let calls = host["calls_per_iteration"].as_u64().expect("host calls");
    assert!(calls >= 10, "10 digests are at least 10 host calls: {host}");
    let fuel = hasher["fuel"]["per_iteration"].as_u64().expect("fuel");
    assert!(fuel < 100_000, "the guest does almost nothing: {fuel} fuel");
    // Hashing 40 MiB takes milliseconds; the guest's share is a few thousand instructions. The
    // host time comes from the counting pass and the wall time from the timed one, so a machine
    // busy with other work during one of them moves the share: the bound leaves room for that.
    let share = host["share_of_wall"]
        .as_f64()
        .expect("a share of the wall time");
    assert!(
        share > 0.25,
        "the host's work is a large part of the iteration: {host}"
    );
    assert!(
        run.stdout.contains("host "),
        "the terminal table shows the host time:\n{}",
        run.stdout
    );
    // A plugin doing its work in guest code shows a small share.
    let fib = &run.bench("good-before")["host"];
    assert!(
        fib["share_of_wall"].as_f64().unwrap_or(0.0) < 0.25,
        "fib is guest work: {fib}"
    );
}
