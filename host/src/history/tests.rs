use super::*;
use crate::analysis::changepoint::Settings;
use crate::model::Metric;

fn key(bench: &str, testbed: &str, metric: Metric) -> SeriesKey {
    SeriesKey {
        suite: "quick".into(),
        bench: bench.into(),
        testbed: testbed.into(),
        host: "wasmbench 0.1.0 · wasmtime 48.0.8".into(),
        limits: "fuel=1 memory=2 deadline=10s".into(),
        metric,
    }
}

pub(super) fn run(commit: &str, at_ms: i64, values: &[(&str, &str, Metric, f64)]) -> RunRecord {
    RunRecord {
        commit: commit.into(),
        branch: Some("main".into()),
        at_ms,
        suite: "quick".into(),
        testbed: "ci".into(),
        host: "wasmbench 0.1.0 · wasmtime 48.0.8".into(),
        started_at: format_time(at_ms),
        values: values
            .iter()
            .map(|&(bench, testbed, metric, v)| {
                (
                    key(bench, testbed, metric),
                    Value {
                        value: v,
                        low: v * 0.99,
                        high: v * 1.01,
                        // Fuel and peak memory are exact; wall time and load metrics sampled.
                        exact: matches!(metric, Metric::Fuel | Metric::Memory),
                    },
                )
            })
            .collect(),
    }
}

pub(super) fn all() -> Selection {
    Selection {
        last: usize::MAX,
        ..Selection::default()
    }
}

#[test]
fn runs_become_series_that_never_mix_testbeds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let mut store = SqliteStore::open(&path, true).unwrap();
    let added = store
        .add(&run(
            "aaa",
            1_000,
            &[
                ("cpu/fib", "ci", Metric::Wall, 10.0),
                ("cpu/fib", "ci", Metric::Fuel, 500.0),
                ("cpu/fib", "laptop", Metric::Wall, 7.0),
            ],
        ))
        .unwrap();
    assert_eq!((added.values, added.new_series), (3, 3));
    let added = store
        .add(&run("bbb", 2_000, &[("cpu/fib", "ci", Metric::Wall, 11.0)]))
        .unwrap();
    assert_eq!(added.new_series, 0);
    assert_eq!(store.counts().unwrap(), (2, 3));

    let ci = Selection {
        testbed: Some("ci".into()),
        ..all()
    };
    let series = store.series(&ci).unwrap();
    assert_eq!(series.len(), 2);
    let wall = series
        .iter()
        .find(|s| s.key.metric == Metric::Wall)
        .unwrap();
    let points = store.points(wall, &ci).unwrap();
    let values: Vec<(String, f64)> = points
        .iter()
        .map(|p| (p.commit.clone(), p.value.value))
        .collect();
    assert_eq!(values, vec![("aaa".into(), 10.0), ("bbb".into(), 11.0)]);
    // The newest N, still oldest first.
    let newest = store.points(wall, &Selection { last: 1, ..ci }).unwrap();
    assert_eq!(newest[0].commit, "bbb");
}

#[test]
fn points_follow_commit_time_not_insertion_order_and_filter_by_branch() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    store
        .add(&run("late", 3_000, &[("b", "ci", Metric::Wall, 3.0)]))
        .unwrap();
    store
        .add(&run("early", 1_000, &[("b", "ci", Metric::Wall, 1.0)]))
        .unwrap();
    let mut feature = run("side", 2_000, &[("b", "ci", Metric::Wall, 2.0)]);
    feature.branch = Some("feature".into());
    store.add(&feature).unwrap();
    let series = store.series(&all()).unwrap();
    let commits = |selection: &Selection| -> Vec<String> {
        store
            .points(&series[0], selection)
            .unwrap()
            .into_iter()
            .map(|p| p.commit)
            .collect()
    };
    assert_eq!(commits(&all()), ["early", "side", "late"]);
    let main = Selection {
        branches: vec!["main".into()],
        ..all()
    };
    assert_eq!(commits(&main), ["early", "late"]);
    let both = Selection {
        branches: vec!["main".into(), "feature".into()],
        ..all()
    };
    assert_eq!(commits(&both), ["early", "side", "late"]);
    assert_eq!(store.commit_time("lat").unwrap(), Some(3_000));
    assert_eq!(store.commit_time("nope").unwrap(), None);
}

#[test]
fn the_same_run_is_refused_twice() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    let once = run("aaa", 1_000, &[("b", "ci", Metric::Wall, 1.0)]);
    store.add(&once).unwrap();
    let error = store.add(&once).unwrap_err().to_string();
    assert!(error.contains("already in the history"), "{error}");
    assert_eq!(store.counts().unwrap(), (1, 1));
}

#[test]
fn a_history_survives_reopening_and_other_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    SqliteStore::open(&path, true)
        .unwrap()
        .add(&run("aaa", 1_000, &[("b", "ci", Metric::Wall, 1.0)]))
        .unwrap();
    assert_eq!(
        SqliteStore::open(&path, false).unwrap().counts().unwrap(),
        (1, 1)
    );

    // Not there, and not asked to create it.
    let missing = dir.path().join("missing.db");
    let error = SqliteStore::open(&missing, false)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("history add"), "{error}");
    assert!(!missing.exists());

    // Another program's database is left alone.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let error = SqliteStore::open(&other, true).err().unwrap().to_string();
    assert!(error.contains("not a wasmbench history"), "{error}");

    // Nor is a database that holds only a view, or carries another program's id: untouched.
    for (name, sql, says) in [
        (
            "view.db",
            "CREATE VIEW v AS SELECT 1",
            "one schema object of another program: view `v`",
        ),
        ("app.db", "PRAGMA application_id = 7", "application_id is 7"),
    ] {
        let path = dir.path().join(name);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        let before = std::fs::read(&path).unwrap();
        let error = SqliteStore::open(&path, true).err().unwrap().to_string();
        assert!(error.contains(says) && error.contains(name), "{error}");
        assert_eq!(std::fs::read(&path).unwrap(), before, "{name} changed");
    }

    // Not a database at all.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "x".repeat(4096)).unwrap();
    let error = format!("{:#}", SqliteStore::open(&text, true).err().unwrap());
    assert!(error.contains("notes.txt"), "{error}");

    // A newer schema.
    let newer = dir.path().join("newer.db");
    SqliteStore::open(&newer, true).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let error = SqliteStore::open(&newer, false).err().unwrap().to_string();
    assert!(error.contains("schema version 99 is newer"), "{error}");

    // A folder.
    let error = SqliteStore::open(dir.path(), true)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("not a regular file"), "{error}");
}

#[test]
fn attach_is_refused_inside_a_history() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    let outside = dir.path().join("outside.db");
    let attach = format!("ATTACH DATABASE '{}' AS outside", outside.display());
    assert!(store.connection.execute_batch(&attach).is_err());
    assert!(!outside.exists());
}

#[test]
fn check_names_the_commit_where_a_regression_started() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    // Wall time: quiet noise, then 10% slower from c20 on. Fuel: 1% more from c25 on.
    let wobble = [0.0, 0.004, -0.003, 0.002, -0.004, 0.001, 0.003, -0.002];
    for i in 0..30 {
        let wall = 100.0 * (1.0 + wobble[i % wobble.len()]) * if i >= 20 { 1.1 } else { 1.0 };
        let fuel = if i >= 25 { 1010.0 } else { 1000.0 };
        store
            .add(&run(
                &format!("c{i}"),
                i as i64 * 1000,
                &[
                    ("b", "ci", Metric::Wall, wall),
                    ("b", "ci", Metric::Fuel, fuel),
                ],
            ))
            .unwrap();
    }
    let analysis = analyze(&store, &all(), &Settings::default()).unwrap();
    let gate = Gate {
        thresholds: crate::model::Thresholds::default(),
        recent: 20,
        since_ms: None,
    };
    let failures: Vec<(Metric, String, f64)> = analysis
        .failures(&gate)
        .map(|(t, c)| (t.series.key.metric, c.commit.clone(), c.at.change))
        .collect();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].0, Metric::Wall);
    assert_eq!(failures[0].1, "c20");
    assert!((failures[0].2 - 0.1).abs() < 0.02);
    assert_eq!(failures[1].0, Metric::Fuel);
    assert_eq!(failures[1].1, "c25");

    // Too old for the gate, or before `since`: reported, not failing.
    let old = Gate {
        recent: 3,
        ..gate.clone()
    };
    assert_eq!(analysis.failures(&old).count(), 0);
    let since = Gate {
        since_ms: Some(26_000),
        ..gate.clone()
    };
    assert_eq!(analysis.failures(&since).count(), 0);
    // Above the threshold only.
    let loose = Gate {
        thresholds: crate::model::Thresholds::default()
            .with_overrides("wall=20%,fuel=2%")
            .unwrap(),
        ..gate
    };
    assert_eq!(analysis.failures(&loose).count(), 0);
}

/// A step beyond the threshold on a series that varies as much as the threshold between commits
/// is `inconclusive`, not a regression; the same step on a quiet series fails.
#[test]
fn a_change_on_a_series_too_noisy_for_the_threshold_is_inconclusive() {
    let gate = Gate {
        thresholds: crate::model::Thresholds::default(),
        recent: 20,
        since_ms: None,
    };
    let outcome = |noise: f64, step: f64| {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
        let wobble = [0.0, 1.0, -0.8, 0.6, -1.0, 0.3, 0.9, -0.5];
        for i in 0..24 {
            let step = if i >= 20 { step } else { 1.0 };
            let wall = 100.0 * (1.0 + noise * wobble[i % wobble.len()]) * step;
            store
                .add(&run(
                    &format!("c{i}"),
                    i as i64 * 1000,
                    &[("b", "ci", Metric::Wall, wall)],
                ))
                .unwrap();
        }
        let analysis = analyze(&store, &all(), &Settings::default()).unwrap();
        let trend = &analysis.trends[0];
        (
            trend.failing(&gate).map(|c| c.commit.clone()),
            trend
                .inconclusive(&gate)
                .map(|(c, why)| (c.commit.clone(), why)),
        )
    };
    let (failing, inconclusive) = outcome(0.004, 1.12);
    assert_eq!(failing.as_deref(), Some("c20"));
    assert!(inconclusive.is_none());
    // Commits ±6% apart and a 25% step: found, but the shift's interval (four commits after it)
    // is wider than ±5%.
    let (failing, inconclusive) = outcome(0.09, 1.25);
    assert!(
        failing.is_none(),
        "a noisy series must not fail: {failing:?} {inconclusive:?}"
    );
    let (commit, why) = inconclusive.expect("the change is found, and inconclusive");
    assert_eq!(commit, "c20");
    assert!(
        why.contains("varies too much") && why.contains("--executions"),
        "{why}"
    );
}

#[test]
fn an_improvement_after_a_regression_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    for i in 0..12 {
        let fuel = if (4..8).contains(&i) { 1100.0 } else { 1000.0 };
        store
            .add(&run(
                &format!("c{i}"),
                i * 1000,
                &[("b", "ci", Metric::Fuel, fuel)],
            ))
            .unwrap();
    }
    let analysis = analyze(&store, &all(), &Settings::default()).unwrap();
    assert_eq!(analysis.trends[0].changes.len(), 2);
    let gate = Gate {
        thresholds: crate::model::Thresholds::default(),
        recent: 100,
        since_ms: None,
    };
    assert_eq!(analysis.failures(&gate).count(), 0);
}

#[test]
fn a_bulk_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    let runs: Vec<RunRecord> = (0..3)
        .map(|i| {
            run(
                &format!("c{i}"),
                i * 1000,
                &[("b", "ci", Metric::Wall, 1.0)],
            )
        })
        .collect();
    let added = store.add_all(&runs).unwrap();
    assert_eq!(added.iter().map(|a| a.new_series).sum::<usize>(), 1);
    assert_eq!(store.counts().unwrap(), (3, 1));
    // One run already there: the whole batch is refused, nothing of it kept.
    let again = vec![
        run("c9", 9_000, &[("other", "ci", Metric::Wall, 1.0)]),
        runs[1].clone(),
    ];
    assert!(store.add_all(&again).is_err());
    assert_eq!(store.counts().unwrap(), (3, 1));
}

#[test]
fn writers_at_once_wait_their_turn() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    // Each thread its own connection, as each process has: the first ones race to create the file.
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = SqliteStore::open(&path, true)?;
                store.add(&run(
                    &format!("c{i}"),
                    1_000 + i,
                    &[("b", "ci", Metric::Wall, 1.0)],
                ))
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
    assert_eq!(
        SqliteStore::open(&path, false).unwrap().counts().unwrap(),
        (8, 1)
    );
}
