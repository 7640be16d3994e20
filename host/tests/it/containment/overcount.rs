//! A workload that claims more work than a u64 can count: `misbehave/overcount` reports
//! `u64::MAX / 2` units per iteration, so the parallel pass's sum over 4 instances overflows. The
//! bench ends `error` with a message naming the units, instead of wrapping into a throughput a
//! quarter of the truth (or any other plausible-looking number).

use super::{DEFAULTS, assert_bench, run_corpus};

#[test]
fn units_beyond_u64_end_the_bench_with_an_error() {
    let h = crate::common::Harness::new();
    let half = u64::MAX / 2;
    let benches = format!(
        "\n[[bench]]\nid = \"overcount\"\nplugin = \"misbehave\"\nworkload = \"overcount\"\nparams = {{ units = {half} }}\ninstances = 4\nexpect = \"error\"\n"
    );
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(0);
    assert_bench(
        &run,
        "overcount",
        "error",
        &[
            "parallel pass (4 instances)",
            "`overcount`",
            &format!("{half} units per iteration"),
        ],
    );
    let bench = run.bench("overcount");
    assert!(bench["parallel"].is_null(), "no throughput: {bench:#}");
}
