//! The history read back: series, a series' newest points, counts, a commit's time, and every
//! run with its values (for `history migrate`). The same queries as SQLite's, in PostgreSQL's
//! terms; order is settled in Rust where collations could differ.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use postgres::{Client, Row, Statement};

use super::super::record::RunRecord;
use super::super::series::{Point, Selection, Series, SeriesKey, Value};
use super::super::store::{StoredRun, commit_time_among};
use crate::model::Metric;

/// A series' key from the row's columns `at`..`at + 6` (suite, bench, testbed, host, limits,
/// metric).
fn key(row: &Row, at: usize) -> Result<SeriesKey> {
    let metric: String = row.get(at + 5);
    Ok(SeriesKey {
        suite: row.get(at),
        bench: row.get(at + 1),
        testbed: row.get(at + 2),
        host: row.get(at + 3),
        limits: row.get(at + 4),
        metric: metric
            .parse::<Metric>()
            .map_err(|_| anyhow!("the history names an unknown metric {metric:?}"))?,
    })
}

pub(super) fn series(client: &mut Client, selection: &Selection) -> Result<Vec<Series>> {
    let rows = client.query(
        "SELECT id, suite, bench, testbed, host, limits, metric FROM wasmbench_history.series
         WHERE ($1::text IS NULL OR suite = $1) AND ($2::text IS NULL OR testbed = $2)",
        &[&selection.suite, &selection.testbed],
    )?;
    let mut out = Vec::new();
    for row in &rows {
        let key = key(row, 1)?;
        if selection.bench.is_empty() || selection.bench.iter().any(|b| key.bench.contains(b)) {
            out.push(Series {
                id: row.get(0),
                key,
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// The statement [`points`] runs, prepared once per connection (it runs once per series).
pub(super) fn points_statement(client: &mut Client) -> Result<Statement> {
    Ok(client.prepare(
        "SELECT p.run_id, r.commit_id, r.branch, p.at_ms, p.value, p.low, p.high, p.exact
         FROM wasmbench_history.points p JOIN wasmbench_history.runs r ON r.id = p.run_id
         WHERE p.series_id = $1 AND ($2::text[] IS NULL OR r.branch = ANY($2))
         ORDER BY p.at_ms DESC, p.run_id DESC LIMIT $3",
    )?)
}

pub(super) fn points(
    client: &mut Client,
    statement: &Statement,
    series: &Series,
    selection: &Selection,
) -> Result<Vec<Point>> {
    let limit = i64::try_from(selection.last).unwrap_or(i64::MAX);
    let branches = (!selection.branches.is_empty()).then_some(&selection.branches);
    let rows = client.query(statement, &[&series.id, &branches, &limit])?;
    let mut points: Vec<Point> = rows.iter().map(|row| point(row, 0)).collect();
    points.reverse();
    Ok(points)
}

/// The newest points of each of `series`, one query for all of them.
pub(super) fn points_of(
    client: &mut Client,
    series: &[Series],
    selection: &Selection,
) -> Result<Vec<Vec<Point>>> {
    let limit = i64::try_from(selection.last).unwrap_or(i64::MAX);
    let branches = (!selection.branches.is_empty()).then_some(&selection.branches);
    let ids: Vec<i64> = series.iter().map(|s| s.id).collect();
    let rows = client.query(
        "SELECT s.n, p.run_id, p.commit_id, p.branch, p.at_ms, p.value, p.low, p.high, p.exact
         FROM unnest($1::bigint[]) WITH ORDINALITY AS s(id, n)
         CROSS JOIN LATERAL (
             SELECT p.run_id, r.commit_id, r.branch, p.at_ms, p.value, p.low, p.high, p.exact
             FROM wasmbench_history.points p JOIN wasmbench_history.runs r ON r.id = p.run_id
             WHERE p.series_id = s.id AND ($2::text[] IS NULL OR r.branch = ANY($2))
             ORDER BY p.at_ms DESC, p.run_id DESC LIMIT $3
         ) p",
        &[&ids, &branches, &limit],
    )?;
    let mut out: Vec<Vec<Point>> = vec![Vec::new(); series.len()];
    for row in &rows {
        let n: i64 = row.get(0);
        out[n as usize - 1].push(point(row, 1));
    }
    for points in &mut out {
        points.reverse();
    }
    Ok(out)
}

/// A point from the row's columns `at`..`at + 8`.
fn point(row: &Row, at: usize) -> Point {
    Point {
        run: row.get(at),
        commit: row.get(at + 1),
        branch: row.get(at + 2),
        at_ms: row.get(at + 3),
        value: Value {
            value: row.get(at + 4),
            low: row.get(at + 5),
            high: row.get(at + 6),
            exact: row.get(at + 7),
        },
    }
}

pub(super) fn counts(client: &mut Client) -> Result<(u64, u64)> {
    let row = client.query_one(
        "SELECT (SELECT count(*) FROM wasmbench_history.runs),
                (SELECT count(*) FROM wasmbench_history.series)",
        &[],
    )?;
    Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
}

pub(super) fn commit_time(client: &mut Client, commit: &str) -> Result<Option<i64>> {
    let rows = client.query(
        "SELECT commit_id, min(at_ms) FROM wasmbench_history.runs
         WHERE commit_id = $1 OR left(commit_id, length($1)) = $1 GROUP BY commit_id",
        &[&commit],
    )?;
    let found: Vec<(String, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    commit_time_among(commit, &found)
}

/// Every run, oldest id first, without values.
pub(super) fn runs(client: &mut Client) -> Result<Vec<StoredRun>> {
    let rows = client.query(
        "SELECT id, commit_id, branch, at_ms, suite, testbed, host, started_at
         FROM wasmbench_history.runs ORDER BY id",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|row| StoredRun {
            id: row.get(0),
            record: RunRecord {
                commit: row.get(1),
                branch: row.get(2),
                at_ms: row.get(3),
                suite: row.get(4),
                testbed: row.get(5),
                host: row.get(6),
                started_at: row.get(7),
                values: Vec::new(),
            },
        })
        .collect())
}

/// Fills in the values of `runs`, in the order their series were first recorded.
pub(super) fn read_values(client: &mut Client, runs: &mut [StoredRun]) -> Result<()> {
    let index: HashMap<i64, usize> = runs.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let ids: Vec<i64> = runs.iter().map(|r| r.id).collect();
    for run in runs.iter_mut() {
        run.record.values.clear();
    }
    let rows = client.query(
        "SELECT p.run_id, s.suite, s.bench, s.testbed, s.host, s.limits, s.metric,
                p.value, p.low, p.high, p.exact
         FROM wasmbench_history.points p JOIN wasmbench_history.series s ON s.id = p.series_id
         WHERE p.run_id = ANY($1) ORDER BY s.id",
        &[&ids],
    )?;
    for row in &rows {
        let Some(&at) = index.get(&row.get::<_, i64>(0)) else {
            continue;
        };
        let value = Value {
            value: row.get(7),
            low: row.get(8),
            high: row.get(9),
            exact: row.get(10),
        };
        runs[at].record.values.push((key(row, 1)?, value));
    }
    Ok(())
}
