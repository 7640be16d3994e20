//! The history across commits end to end: `history add`, `check` (exit 3 naming the commit where a
//! shift for the worse started), `report` (trends.html), and the run report's link to it.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Harness, Run};
use serde_json::Value;

const SUITE: &str = "[suite]\nname = \"hist\"\n[defaults]\nsamples = 5\nwarmup = 1\nfuel_iterations = 2\nexecutions = 1\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 18 }\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"sieve\"\nparams = { limit = 20000 }\n";

/// One real run of the suite: its results file.
fn one_run(h: &Harness) -> PathBuf {
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    run.out.as_ref().unwrap().join("results.json")
}

/// A copy of `results` as another commit's run: a new start time, and `edit` applied to each bench.
fn variant(h: &Harness, results: &Path, name: &str, edit: impl Fn(&mut Value)) -> PathBuf {
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(results).unwrap()).unwrap();
    json["started_at"] = Value::from(format!("2026-11-30T00:00:{:02}Z", name.len()));
    for bench in json["benches"].as_array_mut().unwrap() {
        edit(bench);
    }
    let path = h.path().join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
    path
}

fn add(h: &Harness, results: &Path, commit: &str, minute: usize, extra: &[&str]) -> Run {
    let time = format!("2026-11-01T00:{minute:02}:00Z");
    let mut args = vec![
        "history",
        "add",
        results.to_str().unwrap(),
        "--commit",
        commit,
        "--time",
        &time,
        "--history",
        "h.db",
    ];
    args.extend_from_slice(extra);
    h.wasmbench(&args)
}

#[test]
fn a_fuel_regression_fails_check_naming_its_commit_and_is_charted() {
    let h = Harness::new();
    let results = one_run(&h);
    let same = variant(&h, &results, "same", |_| {});
    // From c08 on, fib costs 3% more fuel: a deterministic metric, flagged at once.
    let slower = variant(&h, &results, "slower", |bench| {
        if bench["id"].as_str().unwrap().starts_with("cpu/fib") {
            let fuel = bench["fuel"]["per_iteration"].as_u64().unwrap();
            bench["fuel"]["per_iteration"] = Value::from(fuel * 103 / 100);
            for sample in bench["fuel"]["samples"].as_array_mut().unwrap() {
                *sample = Value::from(fuel * 103 / 100);
            }
        }
    });
    for i in 0..8 {
        add(&h, &same, &format!("c{i:02}"), i, &[]).assert_code(0);
        if i == 5 {
            // Before the shift: nothing to report.
            let check = h.wasmbench(&["history", "check", "--history", "h.db"]);
            check.assert_code(0);
            assert!(
                check
                    .stdout
                    .contains("no series sits after a change for the worse"),
                "{}",
                check.transcript()
            );
        }
    }
    let added = add(&h, &slower, "c08", 8, &["--branch", "main"]);
    added.assert_code(0);
    assert!(
        added.stdout.contains("commit c08"),
        "{}",
        added.transcript()
    );

    let check = h.wasmbench(&["history", "check", "--history", "h.db"]);
    check.assert_code(3);
    let line = check
        .stdout
        .lines()
        .find(|l| l.starts_with("REGRESSED"))
        .unwrap_or_else(|| panic!("no REGRESSED line\n{}", check.transcript()));
    assert!(
        line.contains("cpu/fib[n=18]") && line.contains("fuel +3.0%"),
        "{line}"
    );
    assert!(line.contains("from commit c08 (after c07)"), "{line}");
    // sieve didn't change, nor did fib's memory.
    assert_eq!(
        check.stdout.matches("REGRESSED").count(),
        1,
        "{}",
        check.transcript()
    );

    // The same, in Markdown for a pull request or the step summary.
    let md = h.wasmbench(&[
        "history",
        "check",
        "--history",
        "h.db",
        "--markdown",
        "check.md",
    ]);
    md.assert_code(3);
    let text = std::fs::read_to_string(h.path().join("check.md")).unwrap();
    assert!(
        text.contains("1 series sits after a change for the worse"),
        "{text}"
    );
    assert!(
        text.contains("| REGRESSED | <code>cpu/fib[n=18]</code> | fuel | +3.0% |"),
        "{text}"
    );

    // A looser threshold, or `--since` after the change, lets it pass.
    h.wasmbench(&[
        "history",
        "check",
        "--history",
        "h.db",
        "--threshold",
        "fuel=5%",
    ])
    .assert_code(0);
    let since = h.wasmbench(&["history", "check", "--history", "h.db", "--since", "c08"]);
    since.assert_code(3);
    add(&h, &slower, "c09", 9, &[]).assert_code(0);
    h.wasmbench(&["history", "check", "--history", "h.db", "--since", "c09"])
        .assert_code(0);
    // Only `main`'s runs: one point, no change to see.
    h.wasmbench(&["history", "check", "--history", "h.db", "--branch", "main"])
        .assert_code(0);

    let report = h.wasmbench(&["history", "report", "--history", "h.db", "-o", "t.html"]);
    report.assert_code(0);
    let html = std::fs::read_to_string(h.path().join("t.html")).unwrap();
    assert!(
        html.contains("cpu/fib[n=18]") && html.contains("c08"),
        "trends.html lacks the change"
    );
    assert!(html.contains("+3.0%"));
    assert!(html.contains("<svg"), "no chart");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "loads from the network"
    );

    // The run report links to the suite's trends, written next to it.
    let page = h.path().join("run.html");
    h.wasmbench(&[
        "report",
        results.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
        "--history",
        "h.db",
    ])
    .assert_code(0);
    let run_html = std::fs::read_to_string(&page).unwrap();
    assert!(
        run_html.contains("href=\"trends.html\""),
        "no link to the trends"
    );
    assert!(h.path().join("trends.html").is_file());
}

#[test]
fn testbeds_never_share_a_series() {
    let h = Harness::new();
    let results = one_run(&h);
    add(&h, &results, "a", 0, &["--testbed", "ci-small"]).assert_code(0);
    let other = add(&h, &results, "a", 1, &["--testbed", "laptop"]);
    other.assert_code(0);
    // Two benches × three metrics, twice.
    assert!(
        other.stdout.contains("2 runs and 12 series in all"),
        "{}",
        other.transcript()
    );
    let one = h.wasmbench(&[
        "history",
        "check",
        "--history",
        "h.db",
        "--testbed",
        "laptop",
    ]);
    one.assert_code(0);
    assert!(one.stdout.contains("6 series"), "{}", one.transcript());
}

#[test]
fn bad_history_input_is_refused_with_a_clear_error() {
    let h = Harness::new();
    let results = one_run(&h);
    let r = results.to_str().unwrap();

    let missing = h.wasmbench(&["history", "check", "--history", "nope.db"]);
    missing.assert_code(2);
    assert!(
        missing.stderr.contains("nope.db") && missing.stderr.contains("history add"),
        "{}",
        missing.transcript()
    );
    assert!(!h.path().join("nope.db").exists());

    let bad_time = h.wasmbench(&[
        "history",
        "add",
        r,
        "--commit",
        "x",
        "--time",
        "yesterday",
        "--history",
        "h.db",
    ]);
    bad_time.assert_code(2);
    assert!(
        bad_time
            .stderr
            .contains("--time \"yesterday\" is not an RFC 3339 time"),
        "{}",
        bad_time.transcript()
    );

    let control = h.wasmbench(&[
        "history",
        "add",
        r,
        "--commit",
        "x\u{1b}[2J",
        "--history",
        "h.db",
    ]);
    control.assert_code(2);
    assert!(
        control
            .stderr
            .contains("--commit must be 1 to 200 characters"),
        "{}",
        control.transcript()
    );

    add(&h, &results, "x", 0, &[]).assert_code(0);
    let twice = add(&h, &results, "x", 0, &[]);
    twice.assert_code(2);
    assert!(
        twice.stderr.contains("already in the history"),
        "{}",
        twice.transcript()
    );

    let since = h.wasmbench(&[
        "history",
        "check",
        "--history",
        "h.db",
        "--since",
        "deadbeef",
    ]);
    since.assert_code(2);
    assert!(
        since.stderr.contains("no run of this commit"),
        "{}",
        since.transcript()
    );

    let significance = h.wasmbench(&[
        "history",
        "check",
        "--history",
        "h.db",
        "--significance",
        "2",
    ]);
    significance.assert_code(2);
    h.wasmbench(&["history", "check", "--history", "h.db", "--min-size", "1"])
        .assert_code(2);
    h.wasmbench(&["history", "check", "--history", "h.db", "--min-size", "6"])
        .assert_code(0);

    std::fs::write(
        h.path().join("notes.db"),
        "not a database, just text ".repeat(200),
    )
    .unwrap();
    let text = h.wasmbench(&["history", "check", "--history", "notes.db"]);
    text.assert_code(2);
    assert!(text.stderr.contains("notes.db"), "{}", text.transcript());

    let results_as_history = h.wasmbench(&["history", "add", r, "--commit", "y", "--history", r]);
    results_as_history.assert_code(2);
    // The results file is untouched.
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(json["suite"]["name"], "hist");

    let no_match = h.wasmbench(&["history", "check", "--history", "h.db", "--suite", "other"]);
    no_match.assert_code(2);
    assert!(
        no_match.stderr.contains("no series matches"),
        "{}",
        no_match.transcript()
    );
}
