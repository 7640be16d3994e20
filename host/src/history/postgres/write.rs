//! Runs recorded, each in the transaction of its `add` (or of its bulk import): the run's row, the
//! series it is the first to reach, its points. Safe with many writers at once: the run's unique
//! key refuses a second copy, a new series is inserted `ON CONFLICT DO NOTHING` (in key order, so
//! two writers don't deadlock over series both create) and then looked up, so it exists once
//! whoever inserted it; a transaction aborted for another one's sake is run again.

use std::collections::HashMap;

use anyhow::{Result, bail};
use postgres::{Client, Transaction};

use super::super::record::RunRecord;
use super::super::series::{SeriesKey, Value};
use super::super::store::{Added, already_recorded};
use super::super::time::now_rfc3339;
use super::retry::retrying;

/// Records `runs` in one transaction: all or none.
pub(super) fn add_all(client: &mut Client, runs: &[RunRecord], shown: &str) -> Result<Vec<Added>> {
    retrying(client, shown, |client| {
        let mut tx = client.transaction()?;
        let added = runs
            .iter()
            .map(|run| insert_run(&mut tx, run))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(added)
    })
}

/// Records one run inside `tx`.
fn insert_run(tx: &mut Transaction<'_>, run: &RunRecord) -> Result<Added> {
    let row = tx.query_opt(
        "INSERT INTO wasmbench_history.runs
           (commit_id, branch, at_ms, suite, testbed, host, started_at, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (suite, testbed, host, commit_id, started_at) DO NOTHING
         RETURNING id",
        &[
            &run.commit,
            &run.branch,
            &run.at_ms,
            &run.suite,
            &run.testbed,
            &run.host,
            &run.started_at,
            &now_rfc3339(),
        ],
    )?;
    let Some(row) = row else {
        return Err(already_recorded(run));
    };
    let run_id: i64 = row.get(0);
    let (ids, new_series) = series_ids(tx, &run.values)?;
    insert_points(tx, run, run_id, &ids)?;
    Ok(Added {
        run: run_id,
        values: run.values.len(),
        new_series,
    })
}

/// The series' columns as arrays, one element a key, for `unnest`.
#[derive(Default)]
struct Columns<'a> {
    suite: Vec<&'a str>,
    bench: Vec<&'a str>,
    testbed: Vec<&'a str>,
    host: Vec<&'a str>,
    limits: Vec<&'a str>,
    metric: Vec<&'static str>,
}

impl<'a> Columns<'a> {
    fn of(keys: &[&'a SeriesKey]) -> Columns<'a> {
        let mut out = Columns::default();
        for key in keys {
            out.suite.push(&key.suite);
            out.bench.push(&key.bench);
            out.testbed.push(&key.testbed);
            out.host.push(&key.host);
            out.limits.push(&key.limits);
            out.metric.push(key.metric.as_str());
        }
        out
    }
}

/// The id of each value's series, creating those not stored yet (in key order), and how many it
/// created.
fn series_ids(
    tx: &mut Transaction<'_>,
    values: &[(SeriesKey, Value)],
) -> Result<(HashMap<SeriesKey, i64>, usize)> {
    if values.is_empty() {
        return Ok((HashMap::new(), 0));
    }
    let mut keys: Vec<&SeriesKey> = values.iter().map(|(key, _)| key).collect();
    keys.sort();
    keys.dedup();
    let c = Columns::of(&keys);
    let columns = [&c.suite, &c.bench, &c.testbed, &c.host, &c.limits];
    let created = tx.execute(
        "INSERT INTO wasmbench_history.series (suite, bench, testbed, host, limits, metric)
         SELECT s, b, t, h, l, m
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              WITH ORDINALITY AS k(s, b, t, h, l, m, n)
         ORDER BY n
         ON CONFLICT DO NOTHING",
        &[
            columns[0], columns[1], columns[2], columns[3], columns[4], &c.metric,
        ],
    )?;
    let rows = tx.query(
        "SELECT k.n, s.id
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              WITH ORDINALITY AS k(suite, bench, testbed, host, limits, metric, n)
         JOIN wasmbench_history.series s USING (suite, bench, testbed, host, limits, metric)",
        &[
            columns[0], columns[1], columns[2], columns[3], columns[4], &c.metric,
        ],
    )?;
    if rows.len() != keys.len() {
        bail!(
            "{} of the run's {} series were not found after they were inserted",
            keys.len() - rows.len(),
            keys.len()
        );
    }
    let ids = rows
        .iter()
        .map(|row| {
            let n: i64 = row.get(0);
            (keys[n as usize - 1].clone(), row.get::<_, i64>(1))
        })
        .collect();
    Ok((ids, created as usize))
}

/// The run's points, one statement for all of them.
fn insert_points(
    tx: &mut Transaction<'_>,
    run: &RunRecord,
    run_id: i64,
    ids: &HashMap<SeriesKey, i64>,
) -> Result<()> {
    if run.values.is_empty() {
        return Ok(());
    }
    let series: Vec<i64> = run.values.iter().map(|(key, _)| ids[key]).collect();
    let value: Vec<f64> = run.values.iter().map(|(_, v)| v.value).collect();
    let low: Vec<f64> = run.values.iter().map(|(_, v)| v.low).collect();
    let high: Vec<f64> = run.values.iter().map(|(_, v)| v.high).collect();
    let exact: Vec<bool> = run.values.iter().map(|(_, v)| v.exact).collect();
    tx.execute(
        "INSERT INTO wasmbench_history.points
           (series_id, at_ms, run_id, value, low, high, exact)
         SELECT s, $2, $3, v, l, h, e
         FROM unnest($1::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::bool[])
              AS p(s, v, l, h, e)",
        &[&series, &run.at_ms, &run_id, &value, &low, &high, &exact],
    )?;
    Ok(())
}
