//! Regression checks end to end: baselines, `compare`, interleaved A/B, verdicts, exit codes and every
//! output format.

mod common;

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
        !md.contains("`cpu/sieve[limit=20000]`"),
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

#[test]
fn ab_of_identical_plugins_is_quiet() {
    let h = Harness::new();
    let suite = h.suite("reg.toml", SUITE);
    let plugins =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/wasm-plugins/wasm32-wasip2/release");
    let out = h.path().join("ab");
    let run = h.wasmbench(&[
        "ab",
        suite.to_str().unwrap(),
        "--base",
        plugins.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
        "--fail-on",
        "regressed,failed,missing",
    ]);
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
        text.replace("\"schema_version\": 1", "\"schema_version\": 99"),
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
