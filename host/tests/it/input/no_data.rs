//! Results with nothing to compare — no wall-time samples, zero medians — and results with 10^6
//! samples per bench: `compare` and `report` finish (the harness kills a process after its limit,
//! so a hang fails the test instead of hanging CI; speed itself is measured by the `large_results`
//! criterion bench, not asserted here), say "no data" where there is none, and write no NaN.

use crate::common;

use std::path::Path;

use common::{Harness, Run};
use serde_json::Value;

/// A real results.json (cpu/fib, 2 executions of 3 samples) as JSON.
fn real_results(h: &Harness) -> Value {
    let run = h.run_suite(
        "[defaults]\nwarmup = 0\nsamples = 3\nexecutions = 2\nfuel_iterations = 1\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\n",
        &[],
    );
    run.assert_code(0);
    run.results().clone()
}

/// `results` with its first bench's wall time replaced by these executions (samples and summary
/// left as `edit` makes them).
fn with_wall(results: &Value, edit: impl Fn(&mut Value)) -> Value {
    let mut results = results.clone();
    edit(&mut results["benches"][0]["wall_ns"]);
    results
}

fn write(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path.display().to_string()
}

/// Every file in `dir` (the comparison's reports), none with NaN or infinity in it.
fn assert_no_nan(dir: &Path, run: &Run) {
    assert!(
        !run.stdout.contains("NaN") && !run.stdout.contains("inf%"),
        "{}",
        run.transcript()
    );
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("NaN") && !text.contains("inf%"),
            "{} has NaN",
            path.display()
        );
    }
}

#[test]
fn compare_and_report_say_no_data_without_samples() {
    let h = Harness::new();
    let good = real_results(&h);
    let dir = h.path();
    let good_path = write(dir, "good.json", &good);
    let empty = with_wall(&good, |w| {
        w["samples"] = Value::Array(vec![]);
        w["executions"] = serde_json::json!([[], []]);
    });
    let samples_only = with_wall(&good, |w| {
        w["samples"] = Value::Array(vec![]);
    });
    let zero = with_wall(&good, |w| {
        w["samples"] = serde_json::json!([0, 0, 0, 0, 0, 0]);
        w["executions"] = serde_json::json!([[0, 0, 0], [0, 0, 0]]);
    });
    for (name, bad) in [
        ("empty.json", &empty),
        ("samples-only-empty.json", &samples_only),
        ("zero.json", &zero),
    ] {
        let bad_path = write(dir, name, bad);
        for (old, new) in [(&good_path, &bad_path), (&bad_path, &good_path)] {
            let out = dir.join(format!("out-{name}-{}", old == &good_path));
            let out_arg = out.display().to_string();
            let run = h.wasmbench(&["compare", old, new, "--out", &out_arg]);
            // `no-data` is not a regression: the default `--fail-on regressed` passes.
            run.assert_code(0);
            assert!(
                run.stdout.contains("no-data") && run.stdout.contains("no data"),
                "{name}: {}",
                run.transcript()
            );
            assert!(!run.stdout.contains("unchanged"), "{}", run.transcript());
            assert_no_nan(&out, &run);
            let comparison: Value =
                serde_json::from_slice(&std::fs::read(out.join("comparison.json")).unwrap())
                    .unwrap();
            let bench = &comparison["comparison"]["benches"][0];
            assert_eq!(bench["verdict"], "no-data", "{bench:#}");
            let md = std::fs::read_to_string(out.join("comparison.md")).unwrap();
            assert!(md.contains("no-data"), "{md}");
            let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
            assert!(
                junit.contains("skipped") && junit.contains("no-data"),
                "{junit}"
            );
            let html = std::fs::read_to_string(out.join("report.html")).unwrap();
            assert!(
                html.contains("no data"),
                "{name}: the HTML report has no verdict"
            );
            // Asked for, `no-data` fails the job.
            let run = h.wasmbench(&[
                "compare",
                old,
                new,
                "--out",
                &out_arg,
                "--fail-on",
                "regressed,no-data",
            ]);
            run.assert_code(3);
        }
        let html = dir.join(format!("{name}.html"));
        let run = h.wasmbench(&[
            "report",
            &bad_path,
            "--baseline",
            &good_path,
            "-o",
            &html.display().to_string(),
        ]);
        run.assert_code(0);
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(!text.contains("NaN"), "{name}: NaN in the report");
        assert!(text.contains("no data"), "{name}: no verdict in the report");
    }
}

#[test]
fn a_million_samples_per_bench_are_compared_and_reported() {
    let h = Harness::new();
    let good = real_results(&h);
    let dir = h.path();
    // One execution a side: the verdict resamples (the bootstrap once had no bound here).
    let big = |level: u64| {
        let samples: Vec<u64> = (0..1_000_000u64)
            .map(|i| level + (i * 7919) % (level / 20))
            .collect();
        with_wall(&good, |w| {
            w["samples"] = serde_json::json!(samples);
            w["executions"] = serde_json::json!([samples]);
            w["summary"]["count"] = serde_json::json!(1_000_000);
        })
    };
    let old = write(dir, "old.json", &big(10_000));
    let new = write(dir, "new.json", &big(11_000));
    let out = dir.join("out");
    let run = h.wasmbench(&["compare", &old, &new, "--out", &out.display().to_string()]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("regressed (not gating"),
        "{}",
        run.transcript()
    );
    assert_no_nan(&out, &run);
    let html = std::fs::metadata(out.join("report.html")).unwrap().len();
    assert!(
        html < 4 << 20,
        "the report is {html} bytes: charts draw every sample"
    );
}
