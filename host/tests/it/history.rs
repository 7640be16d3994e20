//! The history across commits end to end: `history add`, `check` (exit 3 naming the commit where a
//! shift for the worse started), `report` (trends.html), and the run report's link to it.

use crate::common;

use std::path::{Path, PathBuf};

use common::{Harness, Run};
use serde_json::Value;

pub const SUITE: &str = "[suite]\nname = \"hist\"\n[defaults]\nsamples = 5\nwarmup = 1\nfuel_iterations = 2\nexecutions = 1\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 18 }\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"sieve\"\nparams = { limit = 20000 }\n";

/// One real run of the suite: its results file.
pub fn one_run(h: &Harness) -> PathBuf {
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    run.out.as_ref().unwrap().join("results.json")
}

/// A copy of `results` as another commit's run: a new start time, and `edit` applied to each bench.
pub fn variant(h: &Harness, results: &Path, name: &str, edit: impl Fn(&mut Value)) -> PathBuf {
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

/// Runs stored in the history file at `path`, counted by opening it (read only).
fn stored_runs(path: &Path) -> i64 {
    let db =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    db.query_row("SELECT count(*) FROM runs", [], |row| row.get(0))
        .unwrap()
}

/// `count` `history add`s of `results` into `history` (a file or a URL) started at once (as
/// parallel CI jobs that finish together do), each as another commit; every one must succeed.
/// Returns how long they took together.
pub fn add_at_once(h: &Harness, results: &Path, history: &str, round: &str, count: usize) -> f64 {
    let started = std::time::Instant::now();
    let children: Vec<_> = (0..count)
        .map(|i| {
            let mut cmd = h.command();
            cmd.args(["history", "add"])
                .arg(results)
                .args(["--commit", &format!("{round}-{i}"), "--history", history])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().expect("starting wasmbench")
        })
        .collect();
    let failed: Vec<String> = children
        .into_iter()
        .enumerate()
        .filter_map(|(i, child)| {
            let out = child.wait_with_output().expect("waiting for wasmbench");
            (!out.status.success()).then(|| {
                format!(
                    "add {i}: {:?}: {}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr)
                )
            })
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {count} concurrent adds failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    started.elapsed().as_secs_f64()
}

#[test]
fn concurrent_adds_wait_their_turn_and_lose_no_run() {
    const AT_ONCE: usize = 12;
    let h = Harness::new();
    let results = one_run(&h);
    // Into a history that doesn't exist yet: the first adds race to create its tables.
    add_at_once(&h, &results, "fresh.db", "fresh", AT_ONCE);
    assert_eq!(stored_runs(&h.path().join("fresh.db")), AT_ONCE as i64);
    // Into an existing one, twice.
    for round in ["second", "third"] {
        add_at_once(&h, &results, "fresh.db", round, AT_ONCE);
    }
    assert_eq!(stored_runs(&h.path().join("fresh.db")), 3 * AT_ONCE as i64);
    let report = h.wasmbench(&["history", "check", "--history", "fresh.db"]);
    report.assert_code(0);
    assert!(
        report
            .stdout
            .contains(&format!("up to {} commits", 3 * AT_ONCE)),
        "{}",
        report.transcript()
    );
    // Nothing left beside it: no journal of a transaction that didn't finish.
    assert!(!h.path().join("fresh.db-journal").exists());
}

/// A file's bytes and modification time, to tell whether anything touched it.
fn fingerprint(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    let bytes = std::fs::read(path).unwrap();
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    (bytes, modified)
}

/// An SQLite file at `name` in the harness folder, made by running `sql` in it.
fn sqlite_file(h: &Harness, name: &str, sql: &str) -> PathBuf {
    let path = h.path().join(name);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(sql)
        .unwrap();
    path
}

#[test]
fn another_programs_file_is_refused_and_left_byte_for_byte_unchanged() {
    let h = Harness::new();
    let results = one_run(&h);
    let r = results.to_str().unwrap();
    let foreign = [
        (
            sqlite_file(&h, "view.db", "CREATE VIEW v AS SELECT 1 AS x;"),
            "view `v`",
        ),
        (
            sqlite_file(
                &h,
                "table.db",
                "CREATE TABLE t (x); CREATE INDEX tx ON t (x);
                 CREATE TRIGGER tt AFTER INSERT ON t BEGIN SELECT 1; END;",
            ),
            "table `t`",
        ),
        (
            sqlite_file(&h, "app.db", "PRAGMA application_id = 1234;"),
            "application_id",
        ),
        (
            sqlite_file(&h, "version.db", "PRAGMA user_version = 7;"),
            "user_version 7",
        ),
        (
            {
                let path = h.path().join("notes.db");
                std::fs::write(&path, "not a database, just text ".repeat(200)).unwrap();
                path
            },
            "not an SQLite database",
        ),
    ];
    for (path, why) in &foreign {
        let before = fingerprint(path);
        let name = path.file_name().unwrap().to_str().unwrap();
        for args in [
            vec!["history", "add", r, "--commit", "x", "--history", name],
            vec!["history", "check", "--history", name],
            vec!["history", "report", "--history", name, "-o", "t.html"],
        ] {
            let refused = h.wasmbench(&args);
            refused.assert_code(2);
            assert!(
                refused.stderr.contains(name)
                    && refused.stderr.contains(why)
                    && refused.stderr.contains("not a wasmbench history"),
                "{args:?}: the message should name {name} and say {why:?}\n{}",
                refused.transcript()
            );
            assert!(before == fingerprint(path), "{args:?} changed {name}");
            for suffix in ["-journal", "-wal", "-shm"] {
                let beside = h.path().join(format!("{name}{suffix}"));
                assert!(!beside.exists(), "{args:?} left {}", beside.display());
            }
        }
    }

    // An empty file, and an SQLite database with nothing in it, become histories.
    std::fs::write(h.path().join("empty.db"), b"").unwrap();
    sqlite_file(&h, "blank.db", "CREATE TABLE t (x); DROP TABLE t;");
    for name in ["empty.db", "blank.db"] {
        // Reading commands don't create a history in them.
        h.wasmbench(&["history", "check", "--history", name])
            .assert_code(2);
        h.wasmbench(&["history", "add", r, "--commit", "y", "--history", name])
            .assert_code(0);
        assert_eq!(stored_runs(&h.path().join(name)), 1);
    }
}

/// A results file of one load scenario (`handler/steady`, no benches), written by hand rather
/// than run: three rounds of (p50 ns, p99 ns, throughput, error rate).
fn load_results(h: &Harness, name: &str, rounds: &[(u64, u64, f64, f64)]) -> PathBuf {
    let stats = serde_json::json!({
        "offered": 1200, "dropped": 0, "ok": 1200, "errors": {}, "offered_rate": 400.0,
        "throughput": 400.0, "error_rate": 0.0, "drop_rate": 0.0, "latency": null,
        "service": null, "spectrum": []
    });
    let rounds: Vec<Value> = rounds
        .iter()
        .map(|&(p50, p99, throughput, error_rate)| {
            serde_json::json!({
                "p50_ns": p50, "p99_ns": p99, "throughput": throughput, "error_rate": error_rate
            })
        })
        .collect();
    let results = serde_json::json!({
        "schema_version": 2,
        "suite": { "name": "load-hist", "path": "load-hist.toml" },
        "environment": {
            "wasmbench_version": "0.1.0", "wasmtime_version": "30.0.0", "os": "linux",
            "arch": "x86_64", "cpu": "Test CPU", "cores": 2, "hostname": null, "git_commit": null
        },
        "started_at": "2026-11-30T12:00:00Z",
        "finished_at": "2026-11-30T12:00:20Z",
        "benches": [],
        "loads": [{
            "id": "handler/steady", "plugin": "handler", "workload": "request", "group": null,
            "params": { "body": "64 KiB" },
            "wasm": { "path": "handler.wasm", "sha256": "0" },
            "limits": { "fuel": 1_000_000_000u64, "memory_bytes": 67_108_864u64, "deadline": 5_000_000_000u64 },
            "setup": { "model": "open", "arrival": "uniform", "connections": null, "think_ns": null,
                       "pool": 2, "queue": 64, "warmup": 20 },
            "status": "ok", "message": null, "fuel_per_request": 1000, "peak_memory": 65536,
            "phases": [{ "name": "steady", "start_ns": 0, "duration_ns": 3_000_000_000u64,
                         "rate": 400.0, "ramp_to": null, "stats": stats }],
            "overall": stats, "timeline": [], "timeline_step_ns": 100_000_000u64,
            "schedule_lag": null, "thresholds": [], "aborted": null,
            "rounds": rounds, "detail_round": 0
        }]
    });
    let path = h.path().join(format!("{name}.json"));
    std::fs::write(&path, serde_json::to_string(&results).unwrap()).unwrap();
    path
}

/// A load scenario's rounds become p50, p99, throughput and error-rate series; an error rate that
/// goes from 0 to 5% fails `history check` by its difference (5 percentage points against 1),
/// though a relative change from 0 means nothing; the trend report charts the scenario.
#[test]
fn a_load_scenarios_error_rate_step_fails_check_and_is_charted() {
    let h = Harness::new();
    let wobble = [0.0, 0.004, -0.003, 0.002, -0.004, 0.001, 0.003, -0.002];
    for i in 0..15 {
        let w = 1.0 + wobble[i % wobble.len()];
        let errors = if i >= 10 { 0.05 } else { 0.0 };
        let round = |k: f64| {
            (
                (1_000_000.0 * w * k) as u64,
                (4_000_000.0 * w * k) as u64,
                400.0 / w,
                errors,
            )
        };
        let results = load_results(
            &h,
            &format!("c{i:02}"),
            &[round(1.0), round(1.01), round(0.99)],
        );
        let added = add(&h, &results, &format!("c{i:02}"), i, &[]);
        added.assert_code(0);
        if i == 0 {
            assert!(
                added.stdout.contains("4 values (4 series new)"),
                "{}",
                added.transcript()
            );
        }
    }
    let check = h.wasmbench(&["history", "check", "--history", "h.db"]);
    check.assert_code(3);
    let regressed: Vec<&str> = check
        .stdout
        .lines()
        .filter(|l| l.starts_with("REGRESSED"))
        .collect();
    assert_eq!(regressed.len(), 1, "{}", check.transcript());
    assert!(
        regressed[0].contains(
            "handler/steady · error-rate +5.0 pp (0.0% → 5.0%) from commit c10 (after c09)"
        ),
        "{}",
        regressed[0]
    );
    // A threshold of 6 percentage points lets it pass.
    h.wasmbench(&[
        "history",
        "check",
        "--history",
        "h.db",
        "--threshold",
        "error-rate=6%",
    ])
    .assert_code(0);

    let report = h.wasmbench(&["history", "report", "--history", "h.db", "-o", "t.html"]);
    report.assert_code(0);
    assert!(
        report.stdout.contains("4 series"),
        "{}",
        report.transcript()
    );
    let html = std::fs::read_to_string(h.path().join("t.html")).unwrap();
    for text in [
        "handler/steady",
        "Load scenario",
        "pool 2",
        "phases 3s at 400/s",
        "+5.0 pp",
        "p99 latency",
        "throughput (requests/s)",
        "error rate (%)",
    ] {
        assert!(html.contains(text), "trends.html lacks {text:?}");
    }
}
