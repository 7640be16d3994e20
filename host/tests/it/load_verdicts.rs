//! Load scenarios judged like benches: `--executions N` runs a scenario in N rounds; `ab` runs the
//! base and head versions' rounds alternately and judges p50, p99, throughput and error rate pair
//! by pair; `compare` judges them from two runs' rounds, and only shows a ratio from one round a
//! side; the verdicts reach every format and the exit code. What a verdict says is checked on
//! results with known rounds, never on how fast anything ran.

use std::path::Path;

use serde_json::Value;

use crate::common::{Harness, Run};

const SUITE: &str = r#"
[suite]
name = "load-verdicts"

[[load]]
id = "web/empty"
plugin = "handler"
workload = "empty"
warmup = 1
pool = 1

[[load.phase]]
name = "steady"
duration = "500ms"
rate = 20
"#;

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load<'a>(results: &'a Value, id: &str) -> &'a Value {
    results["loads"]
        .as_array()
        .and_then(|loads| loads.iter().find(|l| l["id"] == id))
        .unwrap_or_else(|| panic!("no load scenario {id} in {results:#}"))
}

/// The comparison's change of `metric` for the scenario `id`.
fn change<'a>(comparison: &'a Value, id: &str, metric: &str) -> &'a Value {
    let load = comparison["comparison"]["loads"]
        .as_array()
        .and_then(|loads| loads.iter().find(|l| l["id"] == id))
        .unwrap_or_else(|| panic!("no load change {id} in {comparison:#}"));
    load["metrics"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["metric"] == metric))
        .unwrap_or_else(|| panic!("no {metric} in {load:#}"))
}

#[test]
fn ab_runs_a_scenario_in_paired_rounds_and_judges_each_metric() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", SUITE);
    let out = h.path().join("ab");
    let plugins = Path::new(env!("WASMBENCH_BUILT_PLUGINS"));
    let run = h.wasmbench(&[
        "ab",
        suite.to_str().unwrap(),
        "--base",
        plugins.to_str().unwrap(),
        "--executions",
        "2",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    // An A/A run: the verdicts may be anything but a failure; the exit code follows them.
    assert!(
        matches!(run.code, Some(0) | Some(3)),
        "{}",
        run.transcript()
    );
    let (head, base) = (
        read_json(&out.join("results.json")),
        read_json(&out.join("base/results.json")),
    );
    for side in [&head, &base] {
        let scenario = load(side, "web/empty");
        assert_eq!(scenario["status"], "ok", "{scenario:#}");
        let rounds = scenario["rounds"].as_array().expect("rounds");
        assert_eq!(rounds.len(), 2, "{scenario:#}");
        assert!(scenario["detail_round"].as_u64().unwrap() < 2);
        for round in rounds {
            assert!(round["p99_ns"].as_u64().unwrap() > 0, "{round}");
            assert_eq!(round["error_rate"], 0.0, "{round}");
        }
    }
    let comparison = read_json(&out.join("comparison.json"));
    assert_eq!(comparison["comparison"]["mode"], "paired");
    for metric in ["p50", "p99", "throughput", "error-rate"] {
        let m = change(&comparison, "web/empty", metric);
        assert_eq!(m["gating"], true, "{m:#}");
        assert!(
            m["basis"]
                .as_str()
                .unwrap()
                .starts_with("2 vs 2 rounds, paired"),
            "{m:#}"
        );
        assert_ne!(m["verdict"], "insufficient-data", "{m:#}");
    }
    // Both sides served every request: the error rate can't have moved.
    assert_eq!(
        change(&comparison, "web/empty", "error-rate")["verdict"],
        "unchanged"
    );
    let verdict_words = ["regressed", "improved", "unchanged", "inconclusive"];
    assert!(
        verdict_words
            .iter()
            .any(|v| run.stdout.contains(&format!("load scenarios: 1 {v}"))),
        "{}",
        run.transcript()
    );
    assert!(
        run.stdout.contains("2 vs 2 rounds, paired"),
        "{}",
        run.transcript()
    );
    let junit = std::fs::read_to_string(out.join("junit.xml")).unwrap();
    assert!(
        junit.contains(r#"name="p99" classname="web/empty""#),
        "{junit}"
    );
    let markdown = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    assert!(
        markdown.contains("### Load scenarios against the baseline"),
        "{markdown}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h3>Load scenarios</h3>"), "{html}");
}

/// Two runs of one round each, then the same runs with rounds set by hand: one round a side is
/// information; with three, a doubled p99 regresses and fails the job; so does an error rate from
/// 0 to 5%, while a throughput that rose is an improvement.
#[test]
fn compare_judges_scenarios_by_their_rounds() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", SUITE);
    let old_dir = h.path().join("old");
    let new_dir = h.path().join("new");
    for dir in [&old_dir, &new_dir] {
        let out = dir.to_str().unwrap();
        let run = h.wasmbench(&["run", suite.to_str().unwrap(), "-q", "--out", out]);
        run.assert_code(0);
        let results = read_json(&dir.join("results.json"));
        assert_eq!(
            load(&results, "web/empty")["rounds"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );
    }
    let compare = |old: &Path, new: &Path| -> Run {
        h.wasmbench(&[
            "compare",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--out",
            h.path().join("cmp").to_str().unwrap(),
        ])
    };
    let (old_path, new_path) = (old_dir.join("results.json"), new_dir.join("results.json"));
    let run = compare(&old_path, &new_path);
    run.assert_code(0);
    let comparison = read_json(&h.path().join("cmp/comparison.json"));
    let p99 = change(&comparison, "web/empty", "p99");
    assert_eq!(p99["verdict"], "insufficient-data", "{p99:#}");
    assert_eq!(p99["gating"], false, "{p99:#}");
    assert!(
        run.stdout.contains("information: one round a side"),
        "{}",
        run.transcript()
    );

    let with_rounds = |path: &Path, rounds: Value| {
        let mut results = read_json(path);
        results["loads"][0]["rounds"] = rounds;
        std::fs::write(path, serde_json::to_vec_pretty(&results).unwrap()).unwrap();
    };
    let round = |p99: u64, throughput: f64, error_rate: f64| serde_json::json!({"p50_ns": 1000, "p99_ns": p99, "throughput": throughput, "error_rate": error_rate});
    with_rounds(
        &old_path,
        serde_json::json!([
            round(10_000, 20.0, 0.0),
            round(10_200, 20.1, 0.0),
            round(9_900, 19.9, 0.0)
        ]),
    );
    with_rounds(
        &new_path,
        serde_json::json!([
            round(20_000, 24.0, 0.05),
            round(20_300, 24.2, 0.06),
            round(19_800, 23.9, 0.04)
        ]),
    );
    let run = compare(&old_path, &new_path);
    run.assert_code(3);
    let comparison = read_json(&h.path().join("cmp/comparison.json"));
    assert_eq!(
        change(&comparison, "web/empty", "p99")["verdict"],
        "regressed"
    );
    assert_eq!(
        change(&comparison, "web/empty", "error-rate")["verdict"],
        "regressed"
    );
    assert_eq!(
        change(&comparison, "web/empty", "throughput")["verdict"],
        "improved"
    );
    assert_eq!(
        change(&comparison, "web/empty", "p50")["verdict"],
        "unchanged"
    );
    assert!(
        run.stdout.contains("regressed (p99 latency, error rate)"),
        "{}",
        run.transcript()
    );
    // A threshold on the command line applies to a scenario's metric as to a bench's.
    let run = h.wasmbench(&[
        "compare",
        old_path.to_str().unwrap(),
        new_path.to_str().unwrap(),
        "--out",
        h.path().join("cmp").to_str().unwrap(),
        "--threshold",
        "p99=150%,error-rate=10%",
    ]);
    run.assert_code(0);
}
