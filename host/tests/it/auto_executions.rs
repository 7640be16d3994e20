//! `--executions auto`: executions are added to the benches whose answer isn't known yet, within
//! the time budget, and the run says how it went.

use serde_json::Value;

use crate::common::{Harness, bench};

const SUITE: &str = r#"
[defaults]
warmup = 1
samples = 5

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 12 }
"#;

fn executions(results: &Value, id: &str) -> usize {
    bench(results, id)["wall_ns"]["executions"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn no_budget_means_the_planned_executions_only() {
    let h = Harness::new();
    let run = h.run_suite(SUITE, &["--executions", "auto", "--time-budget", "0s"]);
    run.assert_code(0);
    assert_eq!(executions(run.results(), "cpu/fib[n=12]"), 3);
    assert!(
        run.stdout.contains("executions auto: ") && run.stdout.contains("timed benches answered"),
        "{}",
        run.transcript()
    );
}

#[test]
fn an_unanswered_verdict_gets_more_executions_up_to_the_limit_or_budget() {
    let h = Harness::new();
    let first = h.run_suite(SUITE, &[]);
    first.assert_code(0);
    // A baseline whose executions disagree wildly: no number of executions on this side can make
    // the comparison conclusive, so auto keeps adding them until the budget or the limit.
    let mut baseline = first.results().clone();
    let b = baseline["benches"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|b| b["id"] == "cpu/fib[n=12]")
        .unwrap();
    for (k, execution) in b["wall_ns"]["executions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        for s in execution.as_array_mut().unwrap() {
            *s = Value::from(s.as_u64().unwrap() * (1 + 2 * k as u64));
        }
    }
    let samples: Vec<Value> = b["wall_ns"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e.as_array().unwrap().clone())
        .collect();
    b["wall_ns"]["samples"] = Value::from(samples);
    let path = h.path().join("noisy-baseline.json");
    std::fs::write(&path, serde_json::to_string(&baseline).unwrap()).unwrap();

    let run = h.run_suite(
        SUITE,
        &[
            "--executions",
            "auto",
            "--time-budget",
            "3s",
            "--baseline",
            path.to_str().unwrap(),
        ],
    );
    // Inconclusive does not fail the run.
    run.assert_code(0);
    let n = executions(run.results(), "cpu/fib[n=12]");
    assert!(
        (4..=20).contains(&n),
        "{n} executions\n{}",
        run.transcript()
    );
    assert_eq!(
        bench(run.results(), "cpu/fib[n=12]")["timing"]["executions"],
        n
    );
    assert!(
        run.stdout.contains(
            "still open when the budget or the limit of 20 executions was reached: cpu/fib[n=12]"
        ),
        "{}",
        run.transcript()
    );
}

#[test]
fn executions_must_be_a_number_or_auto() {
    let h = Harness::new();
    let run = h.run_suite(SUITE, &["--executions", "sometimes"]);
    run.assert_code(2);
    assert!(
        run.stderr
            .contains("`sometimes` is neither `auto` nor a number of executions from 1 to 1000"),
        "{}",
        run.transcript()
    );
}
