//! `history migrate` between two SQLite files (the PostgreSQL side: host/tests/it/history_postgres.rs).

use super::tests::{all, run};
use super::*;
use crate::model::Metric;

/// A point as compared: commit, time, value, interval, exactness.
type Compared = (String, i64, f64, f64, f64, bool);

/// Every series of `store` with its points, keyed (ids differ between stores).
fn contents(store: &dyn Store) -> Vec<(SeriesKey, Vec<Compared>)> {
    store
        .series(&all())
        .unwrap()
        .into_iter()
        .map(|series| {
            let points = store.points(&series, &all()).unwrap();
            let points = points
                .into_iter()
                .map(|p| {
                    let v = p.value;
                    (p.commit, p.at_ms, v.value, v.low, v.high, v.exact)
                })
                .collect();
            (series.key, points)
        })
        .collect()
}

#[test]
fn migrate_copies_every_run_once_with_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let mut from = SqliteStore::open(&dir.path().join("a.db"), true).unwrap();
    // Added out of time order, one with no values, one series only the last run has.
    let runs = [
        run(
            "c2",
            2_000,
            &[
                ("cpu/fib", "ci", Metric::Wall, 10.0),
                ("cpu/fib", "ci", Metric::Fuel, 7.0),
            ],
        ),
        run(
            "c1",
            1_000,
            &[
                ("cpu/fib", "ci", Metric::Wall, 11.0),
                ("cpu/fib", "ci", Metric::Fuel, 7.0),
            ],
        ),
        run("c3", 3_000, &[]),
        run(
            "c4",
            4_000,
            &[
                ("cpu/fib", "ci", Metric::Wall, 9.0),
                ("cpu/sieve", "ci", Metric::Memory, 65536.0),
            ],
        ),
    ];
    for r in &runs {
        from.add(r).unwrap();
    }
    let mut to = SqliteStore::open(&dir.path().join("b.db"), true).unwrap();
    to.add(&runs[1]).unwrap();
    let mut batches = 0;
    let done = migrate::copy(&from, &mut to, |_| batches += 1).unwrap();
    assert_eq!(
        done,
        migrate::Copied {
            copied: 3,
            skipped: 1,
            values: 4
        }
    );
    assert_eq!(batches, 1);
    assert_eq!(to.counts().unwrap(), from.counts().unwrap());
    assert_eq!(contents(&to), contents(&from));
    // In the order they were added: c1 (already there) first, then c2, c3, c4.
    let order: Vec<String> = to
        .runs()
        .unwrap()
        .into_iter()
        .map(|r| r.record.commit)
        .collect();
    assert_eq!(order, ["c1", "c2", "c3", "c4"]);
    let again = migrate::copy(&from, &mut to, |_| {}).unwrap();
    assert_eq!((again.copied, again.skipped), (0, 4));
}
