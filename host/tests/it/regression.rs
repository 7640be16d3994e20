//! Regression checks end to end: baselines, `compare`, interleaved A/B, verdicts, exit codes and every
//! output format.

use crate::common;

use std::path::Path;

use common::Harness;
use serde_json::Value;

const SUITE: &str = "[suite]\nname = \"reg\"\n[defaults]\nsamples = 8\nwarmup = 1\nfuel_iterations = 2\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 18 }\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"sieve\"\nparams = { limit = 20000 }\n";

fn read_json(path: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("valid JSON")
}

/// Rewrites a results file: `edit` gets each bench.
fn edit_results(path: &Path, edit: impl Fn(&mut Value)) {
    let mut results = read_json(path);
    for bench in results["benches"].as_array_mut().unwrap() {
        edit(bench);
    }
    std::fs::write(path, serde_json::to_string_pretty(&results).unwrap()).unwrap();
}

#[test]
fn baseline_round_trip_and_injected_regression_exit_3() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);
    let first = h.run(&suite, &["--save-baseline", "main"]);
    first.assert_code(0);
    let baseline = h.path().join("reports/baselines/main.json");
    assert!(baseline.is_file(), "{}", first.transcript());

    // Wall time between two separate runs on a busy test machine is exactly what baseline mode
    // can't judge (the A/B mode exists for it), so these checks take wall time out of the verdict.
    const NO_WALL: &str = "wall=100000%";
    // Same plugins again: fuel and memory are exact, so no regression.
    h.run(&suite, &["--baseline", "main", "--threshold", NO_WALL])
        .assert_code(0);

    // Inject a 3% fuel regression and a memory increase into a copy of the baseline's *new* side by
    // making the baseline cheaper.
    edit_results(&baseline, |bench| {
        let fuel = bench["fuel"]["per_iteration"].as_u64().unwrap();
        bench["fuel"]["per_iteration"] = Value::from(fuel * 100 / 103);
    });
    let run = h.run(&suite, &["--baseline", "main"]);
    run.assert_code(3);
    let out = run.out.as_ref().unwrap();
    let comparison = read_json(&out.join("comparison.json"));
    let benches = comparison["comparison"]["benches"].as_array().unwrap();
    for bench in benches {
        let fuel = bench["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == "fuel")
            .unwrap();
        assert_eq!(fuel["verdict"], "regressed", "{bench}");
        assert_eq!(bench["verdict"], "regressed");
    }
    // A looser fuel threshold on the command line accepts it.
    h.run(
        &suite,
        &["--baseline", "main", "--threshold", "fuel=5%,wall=100000%"],
    )
    .assert_code(0);
    // --fail-on without `regressed` reports but doesn't fail.
    h.run(&suite, &["--baseline", "main", "--fail-on", "failed"])
        .assert_code(0);
}

#[test]
fn every_output_format_has_its_documented_shape() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);
    let new_run = h.run(&suite, &[]);
    new_run.assert_code(0);
    let new = new_run.out.as_ref().unwrap().join("results.json");
    // The old side is the same run (so wall time is identical, whatever the machine's noise) with
    // one bench made cheaper in fuel: exactly one regression, in fuel.
    let old = h.path().join("old-results.json");
    std::fs::copy(&new, &old).unwrap();
    edit_results(&old, |bench| {
        if bench["id"] == "cpu/fib[n=18]" {
            let fuel = bench["fuel"]["per_iteration"].as_u64().unwrap();
            bench["fuel"]["per_iteration"] = Value::from(fuel / 2);
        }
    });
    let out = h.path().join("cmp");
    let run = h.wasmbench(&[
        "compare",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        // Both sides are the same run, but its executions differ: with the default 5% the
        // interval of execution medians can reach beyond it (`inconclusive`); this test is about
        // the shape of the files, with exactly one change, in fuel.
        "--threshold",
        "wall=100000%",
    ]);
    run.assert_code(3);

    // JUnit: one test case per bench and metric; the regression is a failure.
    let xml = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("junit.xml is well-formed XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failures: Vec<_> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .collect();
    assert_eq!(cases.len(), 6, "2 benches × (wall, fuel, memory)");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].attribute("classname"), Some("cpu/fib[n=18]"));
    assert_eq!(failures[0].attribute("name"), Some("fuel"));
    let suite_node = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert_eq!(suite_node.attribute("tests"), Some("6"));
    assert_eq!(suite_node.attribute("failures"), Some("1"));

    // Markdown: changed benches only by default.
    let md = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(
        md.contains("cpu/fib[n=18]") && md.contains("regressed"),
        "{md}"
    );
    assert!(
        !md.contains("cpu/sieve[limit=20000]"),
        "unchanged benches are left out by default:\n{md}"
    );

    // BMF: { bench: { measure: { value, lower_value?, upper_value? } } } with latency in ns.
    let bmf = read_json(&new_run.out.as_ref().unwrap().join("bmf.json"));
    let fib = &bmf["cpu/fib[n=18]"];
    assert!(fib["latency"]["value"].as_f64().unwrap() > 0.0);
    assert!(
        fib["latency"]["lower_value"].as_f64().unwrap()
            <= fib["latency"]["value"].as_f64().unwrap()
    );
    assert!(fib["fuel"]["value"].as_f64().unwrap() > 0.0);
    assert!(fib["peak-memory"]["value"].as_f64().unwrap() > 0.0);

    // github-action-benchmark customSmallerIsBetter: [{ name, unit, value, range?, extra? }].
    let gab = read_json(
        &new_run
            .out
            .as_ref()
            .unwrap()
            .join("github-action-benchmark.json"),
    );
    let entries = gab.as_array().unwrap();
    assert_eq!(entries.len(), 6);
    for entry in entries {
        assert!(
            entry["name"].is_string() && entry["unit"].is_string() && entry["value"].is_number(),
            "{entry}"
        );
    }
}

/// `wasmbench ab SUITE` with this workspace's own plugins as the base: an A/A run.
fn ab_against_the_same_plugins(
    h: &Harness,
    suite: &Path,
    out: &Path,
    fail_on: &str,
) -> common::Run {
    // Where host/build.rs put this build's plugin components (also under a custom target dir).
    let plugins = Path::new(env!("WASMBENCH_BUILT_PLUGINS"));
    h.wasmbench(&[
        "ab",
        suite.to_str().unwrap(),
        "--base",
        plugins.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
        "--fail-on",
        fail_on,
    ])
}

#[test]
fn ab_of_identical_plugins_is_quiet() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);
    let out = h.path().join("ab");
    let run = ab_against_the_same_plugins(&h, &suite, &out, "regressed,failed,missing");
    // Fuel and memory must agree exactly; wall time may differ by chance, but an A/A run on a quiet
    // machine rarely crosses both the 95% interval and the 5% effect size.
    let comparison = read_json(&out.join("comparison.json"));
    assert_eq!(comparison["comparison"]["mode"], "paired");
    for bench in comparison["comparison"]["benches"].as_array().unwrap() {
        for metric in bench["metrics"].as_array().unwrap() {
            if metric["metric"] != "wall" {
                assert_eq!(metric["verdict"], "unchanged", "{bench}");
                assert_eq!(metric["ratio"], 1.0, "{bench}");
            }
        }
    }
    assert!(
        matches!(run.code, Some(0) | Some(3)),
        "{}",
        run.transcript()
    );
    assert!(out.join("base/results.json").is_file() && out.join("results.json").is_file());
}

#[test]
fn missing_or_incompatible_baselines_are_input_errors() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);
    let run = h.run(&suite, &["--baseline", "nope"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("nope.json") && run.stderr.contains("does not exist"),
        "{}",
        run.transcript()
    );
    assert!(
        run.results.is_none(),
        "the run must not start without its baseline"
    );

    // A baseline of another suite.
    let other = h.suite(
        "other.toml",
        &SUITE.replace("name = \"reg\"", "name = \"other\""),
    );
    h.run(&other, &["--save-baseline", "theirs"]).assert_code(0);
    let run = h.run(&suite, &["--baseline", "theirs"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("for suite `other`"),
        "{}",
        run.transcript()
    );

    // Another schema version, and truncated JSON.
    let baseline = h.path().join("reports/baselines/theirs.json");
    let text = std::fs::read_to_string(&baseline).unwrap();
    std::fs::write(
        &baseline,
        text.replace("\"schema_version\": 2", "\"schema_version\": 99"),
    )
    .unwrap();
    let run = h.run(&other, &["--baseline", "theirs"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("schema version 99"),
        "{}",
        run.transcript()
    );
    std::fs::write(&baseline, &text[..text.len() / 2]).unwrap();
    let run = h.run(&other, &["--baseline", "theirs"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("theirs.json") && run.stderr.contains("not valid JSON"),
        "{}",
        run.transcript()
    );

    // Bad thresholds and verdict names.
    h.run(&suite, &["--threshold", "speed=5%"]).assert_code(2);
    h.run(&suite, &["--fail-on", "worse"]).assert_code(2);
}

/// Divides every wall-time number of a results file by 1000, so the next run looks a thousand times
/// as slow (far beyond the noise of a debug build on a busy test machine, even through the wide
/// interval of a few executions).
fn speed_up_wall_times(path: &Path) {
    edit_results(path, |bench| {
        let wall = &mut bench["wall_ns"];
        let faster = |v: &mut Value| *v = Value::from(v.as_u64().unwrap() / 1000);
        wall["samples"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .for_each(faster);
        for execution in wall["executions"].as_array_mut().unwrap() {
            execution
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .for_each(faster);
        }
        let median = wall["summary"]["median"].as_f64().unwrap();
        wall["summary"]["median"] = Value::from(median / 1000.0);
    });
}

fn wall_metric(comparison: &Value, id: &str) -> Value {
    let bench = comparison["comparison"]["benches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no bench {id} in {comparison}"));
    bench["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "wall")
        .unwrap_or_else(|| panic!("no wall metric in {bench}"))
        .clone()
}

/// Between separate runs, wall time fails the job only when both sides have two or more executions;
/// from a single execution it is reported, marked not gating (unless `--wall-gating always`); one
/// sample is `insufficient-data`, never a change.
#[test]
fn wall_time_gates_only_with_executions_on_both_sides() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);

    h.run(&suite, &["--executions", "1", "--save-baseline", "one"])
        .assert_code(0);
    let one = h.path().join("reports/baselines/one.json");
    speed_up_wall_times(&one);
    let run = h.run(&suite, &["--executions", "1", "--baseline", "one"]);
    run.assert_code(0);
    let comparison = read_json(&run.out.as_ref().unwrap().join("comparison.json"));
    let wall = wall_metric(&comparison, "cpu/fib[n=18]");
    assert_eq!(wall["verdict"], "regressed", "{wall}");
    assert_eq!(wall["gating"], false, "{wall}");
    let markdown =
        std::fs::read_to_string(run.out.as_ref().unwrap().join("comparison.md")).unwrap();
    assert!(markdown.contains("not gating"), "{markdown}");
    h.run(
        &suite,
        &[
            "--executions",
            "1",
            "--baseline",
            "one",
            "--wall-gating",
            "always",
        ],
    )
    .assert_code(3);

    h.run(&suite, &["--executions", "3", "--save-baseline", "two"])
        .assert_code(0);
    let two = h.path().join("reports/baselines/two.json");
    let saved = read_json(&two);
    let fib = &saved["benches"][0];
    assert_eq!(fib["wall_ns"]["executions"].as_array().unwrap().len(), 3);
    assert_eq!(fib["wall_ns"]["summary"]["executions"], 3);
    assert_eq!(fib["timing"]["isolation"], "worker-process");
    speed_up_wall_times(&two);
    let run = h.run(&suite, &["--executions", "3", "--baseline", "two"]);
    run.assert_code(3);
    let comparison = read_json(&run.out.as_ref().unwrap().join("comparison.json"));
    let wall = wall_metric(&comparison, "cpu/fib[n=18]");
    assert_eq!(
        (wall["verdict"].clone(), wall["gating"].clone()),
        ("regressed".into(), true.into())
    );

    // One sample on the old side: nothing to judge.
    edit_results(&two, |bench| {
        let first = bench["wall_ns"]["samples"][0].clone();
        bench["wall_ns"]["samples"] = Value::Array(vec![first.clone()]);
        bench["wall_ns"]["executions"] = Value::Array(vec![Value::Array(vec![first])]);
    });
    let run = h.run(&suite, &["--executions", "2", "--baseline", "two"]);
    run.assert_code(0);
    let comparison = read_json(&run.out.as_ref().unwrap().join("comparison.json"));
    assert_eq!(
        wall_metric(&comparison, "cpu/fib[n=18]")["verdict"],
        "insufficient-data"
    );
}

/// `ab` of a bench that ends as expected on the base side but has nothing to time: each side keeps
/// its own status (this once recorded the head side `ok` with no data).
#[test]
fn ab_keeps_each_sides_expected_failure() {
    let h = Harness::new();
    let suite = h.suite(
        "ab.toml",
        r#"
[suite]
name = "ab"
[defaults]
samples = 4
warmup = 1
fuel_iterations = 1
executions = 2
[fixtures]
"big.bin" = { size = "8 MiB", seed = 2 }
[[bench]]
plugin = "fs-read"
workload = "blocking"
params = { file = "big.bin" }
memory = "4 MiB"
expect = "memory-limit"
[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 15 }
"#,
    );
    let out = h.path().join("ab");
    let run = ab_against_the_same_plugins(&h, &suite, &out, "failed,missing");
    run.assert_code(0);
    let id = "fs-read/blocking[file=big.bin]";
    for side in ["results.json", "base/results.json"] {
        let results = read_json(&out.join(side));
        let bench = common::bench(&results, id);
        assert_eq!(bench["status"], "memory-limit", "{side}: {bench}");
        let fib = common::bench(&results, "cpu/fib[n=15]");
        assert_eq!(fib["status"], "ok", "{side}: {fib}");
        assert_eq!(fib["timing"]["executions"], 2, "{side}: {fib}");
    }
    assert!(out.join("journal.jsonl").is_file());
}

/// Results written before executions existed (schema version 1) are still compared and reported.
#[test]
fn results_of_schema_version_1_are_still_read() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);
    let run = h.run(&suite, &["--executions", "2"]);
    run.assert_code(0);
    let out = run.out.as_ref().unwrap();
    let mut old = read_json(&out.join("results.json"));
    old["schema_version"] = Value::from(1);
    for bench in old["benches"].as_array_mut().unwrap() {
        let bench = bench.as_object_mut().unwrap();
        bench.remove("timing");
        let wall = bench["wall_ns"].as_object_mut().unwrap();
        wall.remove("executions");
        wall["summary"]
            .as_object_mut()
            .unwrap()
            .remove("executions");
    }
    let v1 = h.path().join("v1.json");
    std::fs::write(&v1, serde_json::to_string_pretty(&old).unwrap()).unwrap();
    let compared = h.wasmbench(&[
        "compare",
        v1.to_str().unwrap(),
        out.join("results.json").to_str().unwrap(),
        "--out",
        h.path().join("cmp").to_str().unwrap(),
    ]);
    compared.assert_code(0);
    let comparison = read_json(&h.path().join("cmp/comparison.json"));
    // The old side is one execution: wall time is shown, not gating.
    let wall = wall_metric(&comparison, "cpu/fib[n=18]");
    assert_eq!(wall["gating"], false, "{wall}");
    assert!(
        wall["basis"].as_str().unwrap().starts_with("1 vs 2"),
        "{wall}"
    );
    h.wasmbench(&[
        "report",
        v1.to_str().unwrap(),
        "-o",
        h.path().join("v1.html").to_str().unwrap(),
    ])
    .assert_code(0);
}
