//! Runs read back out of the file, values included, for `history migrate`: the runs in the order
//! they were added, then the values of a batch of them at a time.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use rusqlite::Connection;

use super::super::record::RunRecord;
use super::super::series::{SeriesKey, Value};
use super::super::store::StoredRun;
use crate::model::Metric;

/// Every run, oldest id first, without values.
pub(super) fn runs(c: &Connection) -> Result<Vec<StoredRun>> {
    let mut statement = c.prepare(
        "SELECT id, commit_id, branch, at_ms, suite, testbed, host, started_at
         FROM runs ORDER BY id",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(StoredRun {
            id: row.get(0)?,
            record: RunRecord {
                commit: row.get(1)?,
                branch: row.get(2)?,
                at_ms: row.get(3)?,
                suite: row.get(4)?,
                testbed: row.get(5)?,
                host: row.get(6)?,
                started_at: row.get(7)?,
                values: Vec::new(),
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Fills in the values of `runs`, in the order their series were first recorded. Points are
/// clustered by series and time, so the batch's time span is read series by series (one index
/// range each) rather than the whole table once per run.
pub(super) fn read_values(c: &Connection, runs: &mut [StoredRun]) -> Result<()> {
    let (Some(from), Some(to)) = (
        runs.iter().map(|r| r.record.at_ms).min(),
        runs.iter().map(|r| r.record.at_ms).max(),
    ) else {
        return Ok(());
    };
    let index: HashMap<i64, usize> = runs.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for run in runs.iter_mut() {
        run.record.values.clear();
    }
    // CROSS JOIN: SQLite keeps `series` as the outer loop, each series one range of the key.
    let mut statement = c.prepare(
        "SELECT p.run_id, s.suite, s.bench, s.testbed, s.host, s.limits, s.metric,
                p.value, p.low, p.high, p.exact
         FROM series s CROSS JOIN points p
         WHERE p.series_id = s.id AND p.at_ms BETWEEN ?1 AND ?2
         ORDER BY s.id",
    )?;
    let mut rows = statement.query([from, to])?;
    while let Some(row) = rows.next()? {
        let Some(&at) = index.get(&row.get::<_, i64>(0)?) else {
            continue;
        };
        let metric: String = row.get(6)?;
        let key = SeriesKey {
            suite: row.get(1)?,
            bench: row.get(2)?,
            testbed: row.get(3)?,
            host: row.get(4)?,
            limits: row.get(5)?,
            metric: metric
                .parse::<Metric>()
                .map_err(|_| anyhow!("the history names an unknown metric {metric:?}"))?,
        };
        let value = Value {
            value: row.get(7)?,
            low: row.get(8)?,
            high: row.get(9)?,
            exact: row.get(10)?,
        };
        runs[at].record.values.push((key, value));
    }
    Ok(())
}
