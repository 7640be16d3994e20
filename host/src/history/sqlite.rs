//! The history in one SQLite file: a CI cache or artifact carries it between jobs.
//!
//! The schema's version is SQLite's `user_version`; opening a file applies the migrations it lacks,
//! in one transaction, and refuses a file from a newer wasmbench. `application_id` marks the file
//! as a wasmbench history, so another program's database is refused instead of altered.
//!
//! Points are stored clustered by series and time (`WITHOUT ROWID`, primary key
//! `(series_id, at_ms, run_id)`), so the newest N points of a series are one index range read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use super::{Added, Point, RunRecord, Selection, Series, SeriesKey, Store, Value, now_rfc3339};
use crate::model::Metric;

/// "wbhi" as a big-endian integer.
const APPLICATION_ID: i32 = 0x7762_6869;

/// Each entry moves the schema from version `index` to `index + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: runs, series, points.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        commit_id TEXT NOT NULL,
        branch TEXT,
        at_ms INTEGER NOT NULL,
        suite TEXT NOT NULL,
        testbed TEXT NOT NULL,
        host TEXT NOT NULL,
        started_at TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (suite, testbed, host, commit_id, started_at)
    );
    CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        suite TEXT NOT NULL,
        bench TEXT NOT NULL,
        testbed TEXT NOT NULL,
        host TEXT NOT NULL,
        limits TEXT NOT NULL,
        metric TEXT NOT NULL,
        UNIQUE (suite, bench, testbed, host, limits, metric)
    );
    CREATE TABLE points (
        series_id INTEGER NOT NULL REFERENCES series(id),
        at_ms INTEGER NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        value REAL NOT NULL,
        low REAL NOT NULL,
        high REAL NOT NULL,
        exact INTEGER NOT NULL,
        PRIMARY KEY (series_id, at_ms, run_id)
    ) WITHOUT ROWID;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A history database file.
pub struct SqliteStore {
    pub(super) connection: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the history at `path`, creating it when `create` and it doesn't exist.
    pub fn open(path: &Path, create: bool) -> Result<SqliteStore> {
        match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => bail!(
                "{}: is not a regular file; a history is an SQLite database file",
                path.display()
            ),
            Ok(_) => {}
            Err(_) if create => {}
            Err(error) => {
                bail!(
                    "{}: cannot open the history: {error} (`wasmbench history add` creates it)",
                    path.display()
                )
            }
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let connection = Connection::open_with_flags(path, flags)
            .with_context(|| format!("{}: cannot open the history", path.display()))?;
        let mut store = SqliteStore {
            connection,
            path: path.to_path_buf(),
        };
        store.harden()?;
        store.migrate()?;
        Ok(store)
    }

    /// A history file is input like any other: nothing in it may reach outside it.
    fn harden(&mut self) -> Result<()> {
        let c = &self.connection;
        // No ATTACH of other files, no extension loading, no triggers or views that run on read.
        c.set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED, 0)?;
        c.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER,
            false,
        )?;
        c.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW,
            false,
        )?;
        c.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
        c.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA,
            false,
        )?;
        c.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        let shown = self.path.display().to_string();
        let version: i64 = self
            .connection
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|error| anyhow!("{shown}: is not a wasmbench history ({error})"))?;
        let application: i32 =
            self.connection
                .pragma_query_value(None, "application_id", |row| row.get(0))?;
        let tables: i64 = self.connection.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |row| row.get(0),
        )?;
        if application != APPLICATION_ID && (application != 0 || tables > 0) {
            bail!(
                "{shown}: is an SQLite database but not a wasmbench history; refusing to change it"
            );
        }
        if version > SCHEMA_VERSION {
            bail!(
                "{shown}: history schema version {version} is newer than this wasmbench reads ({SCHEMA_VERSION}); use a newer wasmbench"
            );
        }
        if version == SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self.connection.transaction()?;
        for (from, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(sql)
                .with_context(|| format!("{shown}: migrating the history from version {from}"))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Store for SqliteStore {
    fn add(&mut self, run: &RunRecord) -> Result<Added> {
        Ok(self.add_all(std::slice::from_ref(run))?[0])
    }

    fn add_all(&mut self, runs: &[RunRecord]) -> Result<Vec<Added>> {
        // One transaction: a run's points land on one page per series, so many runs at once
        // write each page once instead of once per run.
        let tx = self.connection.transaction()?;
        let added = runs
            .iter()
            .map(|run| insert_run(&tx, run))
            .collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(added)
    }

    fn series(&self, selection: &Selection) -> Result<Vec<Series>> {
        let mut statement = self.connection.prepare(
            "SELECT id, suite, bench, testbed, host, limits, metric FROM series
             WHERE (?1 IS NULL OR suite = ?1) AND (?2 IS NULL OR testbed = ?2)
             ORDER BY suite, bench, testbed, host, limits, metric",
        )?;
        let rows = statement.query_map(params![selection.suite, selection.testbed], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                SeriesKey {
                    suite: row.get(1)?,
                    bench: row.get(2)?,
                    testbed: row.get(3)?,
                    host: row.get(4)?,
                    limits: row.get(5)?,
                    metric: Metric::Wall,
                },
                row.get::<_, String>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, mut key, metric) = row?;
            key.metric = metric
                .parse()
                .map_err(|_| anyhow!("the history names an unknown metric {metric:?}"))?;
            if selection.bench.is_empty() || selection.bench.iter().any(|b| key.bench.contains(b)) {
                out.push(Series { id, key });
            }
        }
        // Metrics in the order reports show them, not alphabetical.
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    fn points(&self, series: &Series, selection: &Selection) -> Result<Vec<Point>> {
        let mut statement = self.connection.prepare_cached(
            "SELECT p.run_id, r.commit_id, r.branch, p.at_ms, p.value, p.low, p.high, p.exact
             FROM points p JOIN runs r ON r.id = p.run_id
             WHERE p.series_id = ?1
               AND (?2 IS NULL OR r.branch IN (SELECT value FROM json_each(?2)))
             ORDER BY p.at_ms DESC, p.run_id DESC LIMIT ?3",
        )?;
        let limit = i64::try_from(selection.last).unwrap_or(i64::MAX);
        let branches = (!selection.branches.is_empty())
            .then(|| serde_json::to_string(&selection.branches))
            .transpose()?;
        let rows = statement.query_map(params![series.id, branches, limit], |row| {
            Ok(Point {
                run: row.get(0)?,
                commit: row.get(1)?,
                branch: row.get(2)?,
                at_ms: row.get(3)?,
                value: Value {
                    value: row.get(4)?,
                    low: row.get(5)?,
                    high: row.get(6)?,
                    exact: row.get(7)?,
                },
            })
        })?;
        let mut points = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        points.reverse();
        Ok(points)
    }

    fn counts(&self) -> Result<(u64, u64)> {
        let count = |table: &str| -> Result<u64> {
            Ok(self
                .connection
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get::<_, i64>(0)
                })? as u64)
        };
        Ok((count("runs")?, count("series")?))
    }

    fn commit_time(&self, commit: &str) -> Result<Option<i64>> {
        let mut statement = self.connection.prepare(
            "SELECT DISTINCT commit_id, min(at_ms) FROM runs
             WHERE commit_id = ?1 OR substr(commit_id, 1, length(?1)) = ?1 GROUP BY commit_id",
        )?;
        let found = statement
            .query_map([commit], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        match found.as_slice() {
            [] => Ok(None),
            [(_, at)] => Ok(Some(*at)),
            many => match many.iter().find(|(id, _)| id == commit) {
                Some((_, at)) => Ok(Some(*at)),
                None => bail!(
                    "commit {commit:?} is ambiguous in the history: {} commits start with it",
                    many.len()
                ),
            },
        }
    }
}

/// Records one run inside `tx`.
fn insert_run(tx: &rusqlite::Transaction<'_>, run: &RunRecord) -> Result<Added> {
    let exists: Option<i64> = tx
        .query_row(
            "SELECT id FROM runs WHERE suite = ?1 AND testbed = ?2 AND host = ?3
               AND commit_id = ?4 AND started_at = ?5",
            params![run.suite, run.testbed, run.host, run.commit, run.started_at],
            |row| row.get(0),
        )
        .optional()?;
    if exists.is_some() {
        bail!(
            "this run (suite {}, commit {}, started {}) is already in the history",
            run.suite,
            run.commit,
            run.started_at
        );
    }
    tx.execute(
        "INSERT INTO runs (commit_id, branch, at_ms, suite, testbed, host, started_at, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            run.commit,
            run.branch,
            run.at_ms,
            run.suite,
            run.testbed,
            run.host,
            run.started_at,
            now_rfc3339()
        ],
    )?;
    let run_id = tx.last_insert_rowid();
    let mut new_series = 0;
    {
        let mut find = tx.prepare_cached(
            "SELECT id FROM series WHERE suite = ?1 AND bench = ?2 AND testbed = ?3
               AND host = ?4 AND limits = ?5 AND metric = ?6",
        )?;
        let mut insert_series = tx.prepare_cached(
            "INSERT INTO series (suite, bench, testbed, host, limits, metric)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        let mut insert_point = tx.prepare_cached(
            "INSERT INTO points (series_id, at_ms, run_id, value, low, high, exact)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for (key, value) in &run.values {
            let columns = params![
                key.suite,
                key.bench,
                key.testbed,
                key.host,
                key.limits,
                key.metric.as_str()
            ];
            let series = match find.query_row(columns, |row| row.get(0)).optional()? {
                Some(id) => id,
                None => {
                    insert_series.execute(columns)?;
                    new_series += 1;
                    tx.last_insert_rowid()
                }
            };
            insert_point.execute(params![
                series,
                run.at_ms,
                run_id,
                value.value,
                value.low,
                value.high,
                value.exact
            ])?;
        }
    }
    Ok(Added {
        run: run_id,
        values: run.values.len(),
        new_series,
    })
}
