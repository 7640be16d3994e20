//! The history in one SQLite file: a CI cache or artifact carries it between jobs.
//!
//! The schema's version is SQLite's `user_version`; opening a file applies the migrations it lacks,
//! in one transaction, and refuses a file from a newer wasmbench. `application_id` marks the file
//! as a wasmbench history. A file is changed only when it carries that mark or is empty (zero
//! bytes, or an SQLite database with no schema objects, no application id and no user version);
//! any other file is refused before SQLite opens it for writing, from its header, so it is left
//! byte for byte as it was, with no journal beside it (docs/containment/history-and-merge.md).
//!
//! Several processes may write one history at once (parallel CI jobs finishing together): every
//! write is a `BEGIN IMMEDIATE` transaction, which waits for the others (SQLite's busy timeout,
//! [`BUSY_WAIT`]), the schema is created inside one that checks the version again, and a write
//! SQLite refuses as busy without waiting is tried again until the same bound. No run is lost.
//!
//! Points are stored clustered by series and time (`WITHOUT ROWID`, primary key
//! `(series_id, at_ms, run_id)`), so the newest N points of a series are one index range read.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

mod busy;
mod export;
mod foreign;

use busy::{BUSY_WAIT, retrying};
use foreign::schema_objects;

use super::record::RunRecord;
use super::series::{Point, Selection, Series, SeriesKey, Value};
use super::store::{Added, Store, StoredRun, already_recorded, commit_time_among};
use super::time::now_rfc3339;
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

/// What is at a history's path, judged before SQLite opens it for writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Nothing: created when asked.
    Missing,
    /// Zero bytes, or an SQLite database with no schema objects, application id or user version:
    /// may become a history.
    Empty,
    /// An SQLite database with wasmbench's application id.
    Ours,
}

impl SqliteStore {
    /// Opens the history at `path`, creating it when `create` and it doesn't exist or is empty.
    /// Refuses any other file without changing it.
    pub fn open(path: &Path, create: bool) -> Result<SqliteStore> {
        let shown = path.display();
        let found = inspect(path)?;
        match found {
            Found::Missing if !create => bail!(
                "{shown}: cannot open the history: no such file (`wasmbench history add` creates it)"
            ),
            Found::Empty if !create => {
                bail!("{shown}: is empty, not a history yet (`wasmbench history add` makes it one)")
            }
            _ => {}
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let connection = Connection::open_with_flags(path, flags)
            .with_context(|| format!("{shown}: cannot open the history"))?;
        let mut store = SqliteStore {
            connection,
            path: path.to_path_buf(),
        };
        harden(&store.connection)?;
        store.migrate(create)?;
        Ok(store)
    }

    /// Brings the schema to [`SCHEMA_VERSION`]. A history already there needs no lock; otherwise,
    /// inside an immediate transaction (one process at a time), the file is judged again and the
    /// migrations it lacks are applied: another process may have created the schema meanwhile.
    fn migrate(&mut self, create: bool) -> Result<()> {
        let shown = self.path.display().to_string();
        let (application, version) = marks(&self.connection)
            .map_err(|error| anyhow!("{shown}: not a wasmbench history ({error})"))?;
        if application == APPLICATION_ID && version == SCHEMA_VERSION {
            return Ok(());
        }
        if application == APPLICATION_ID && version > SCHEMA_VERSION {
            bail!("{}", newer(&shown, version));
        }
        retrying(&mut self.connection, &shown, |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (application, version) = marks(&tx)?;
            let objects: i64 =
                tx.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;
            if application != APPLICATION_ID {
                if application != 0 {
                    bail!("{}", not_ours(&shown, &foreign_id(application)));
                }
                if version != 0 {
                    bail!("{}", not_ours(&shown, &foreign_version(version)));
                }
                if objects > 0 {
                    let what = schema_objects(&tx).unwrap_or_else(|| {
                        format!("it holds {objects} schema objects of another program")
                    });
                    bail!("{}", not_ours(&shown, &what));
                }
                if !create {
                    bail!(
                        "{shown}: is empty, not a history yet (`wasmbench history add` makes it one)"
                    );
                }
            }
            if version > SCHEMA_VERSION {
                bail!("{}", newer(&shown, version));
            }
            if version == SCHEMA_VERSION {
                return Ok(());
            }
            for (from, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
                tx.execute_batch(sql).with_context(|| {
                    format!("{shown}: migrating the history from version {from}")
                })?;
            }
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
            tx.commit()?;
            Ok(())
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A history file is input like any other: nothing in it may reach outside it. Writers wait for
/// each other up to [`BUSY_WAIT`].
fn harden(c: &Connection) -> Result<()> {
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
    c.busy_timeout(BUSY_WAIT)?;
    Ok(())
}

/// The file's `application_id` and `user_version`.
fn marks(c: &Connection) -> rusqlite::Result<(i32, i64)> {
    let application = c.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let version = c.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok((application, version))
}

/// The SQLite file header's first bytes, and page 1's b-tree header after them: enough to tell a
/// history, an empty database and another program's file apart.
const HEADER: usize = 108;

/// Judges the file at `path` from its first bytes, read without SQLite (which, opening the file
/// for writing, may create a journal beside it or roll back one left there). Refuses, naming the
/// file and why, anything that is neither ours nor empty.
fn inspect(path: &Path) -> Result<Found> {
    let shown = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Missing),
        Err(error) => bail!("{shown}: cannot open the history: {error}"),
    };
    if !meta.is_file() {
        bail!("{shown}: is not a regular file; a history is an SQLite database file");
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO put there meanwhile would block `open`.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options
        .open(path)
        .with_context(|| format!("{shown}: cannot open the history"))?;
    if !file.metadata()?.is_file() {
        bail!("{shown}: is not a regular file; a history is an SQLite database file");
    }
    let mut header = Vec::with_capacity(HEADER);
    file.take(HEADER as u64)
        .read_to_end(&mut header)
        .with_context(|| format!("{shown}: cannot read the history"))?;
    let verdict = judge(&header);
    match verdict {
        Judged::Found(found) => Ok(found),
        Judged::Foreign(why) => bail!("{}", not_ours(&shown, &why)),
        Judged::HasSchema { cells } => {
            let what = schema_objects_read_only(path).unwrap_or_else(|| match cells {
                Some(n) => format!("it holds {n} schema objects of another program"),
                None => "it holds schema objects of another program".into(),
            });
            bail!("{}", not_ours(&shown, &what))
        }
    }
}

/// What a file's first [`HEADER`] bytes say.
#[derive(Debug, PartialEq, Eq)]
enum Judged {
    Found(Found),
    /// Not ours, and why.
    Foreign(String),
    /// An SQLite database of no application with schema objects: how many page 1 lists, when it
    /// lists them itself (a leaf page).
    HasSchema {
        cells: Option<u16>,
    },
}

/// The rule, on the header's bytes (see <https://sqlite.org/fileformat2.html#the_database_header>).
fn judge(header: &[u8]) -> Judged {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    if header.is_empty() {
        return Judged::Found(Found::Empty);
    }
    if header.len() < HEADER || !header.starts_with(MAGIC) {
        return Judged::Foreign("not an SQLite database".into());
    }
    let be32 = |at: usize| {
        i32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let application = be32(68);
    if application == APPLICATION_ID {
        return Judged::Found(Found::Ours);
    }
    if application != 0 {
        return Judged::Foreign(foreign_id(application));
    }
    let version = be32(60);
    if version != 0 {
        return Judged::Foreign(foreign_version(i64::from(version)));
    }
    // Write and read versions 2: write-ahead logging, which wasmbench's histories don't use; the
    // main file may not hold the newest schema, and opening it would create `-wal` and `-shm`.
    if header[18] == 2 || header[19] == 2 {
        return Judged::Foreign(
            "it is an SQLite database in WAL mode (another program's: wasmbench's histories use a rollback journal)"
                .into(),
        );
    }
    // Page 1 is the schema table's root: a leaf table b-tree page (0x0d) of no cells is no
    // schema object at all.
    let (page_type, cells) = (header[100], u16::from_be_bytes([header[103], header[104]]));
    match (page_type, cells) {
        (0x0d, 0) => Judged::Found(Found::Empty),
        (0x0d, n) => Judged::HasSchema { cells: Some(n) },
        _ => Judged::HasSchema { cells: None },
    }
}

fn newer(shown: &str, version: i64) -> String {
    format!(
        "{shown}: history schema version {version} is newer than this wasmbench reads ({SCHEMA_VERSION}); use a newer wasmbench"
    )
}

fn not_ours(shown: &str, why: &str) -> String {
    format!("{shown}: not a wasmbench history: {why}; refusing to change it")
}

fn foreign_id(application: i32) -> String {
    format!(
        "its application_id is {application} ({application:#010x}), not wasmbench's ({APPLICATION_ID:#010x})"
    )
}

fn foreign_version(version: i64) -> String {
    format!(
        "it is an SQLite database with user_version {version} and no application_id: another program's"
    )
}

/// The first schema objects of the SQLite file at `path`, read through a read-only connection (a
/// database in rollback-journal mode, so nothing is created beside it), naming them.
fn schema_objects_read_only(path: &Path) -> Option<String> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).ok()?;
    harden(&connection).ok()?;
    connection.busy_timeout(Duration::from_secs(5)).ok()?;
    schema_objects(&connection)
}

impl Store for SqliteStore {
    fn add(&mut self, run: &RunRecord) -> Result<Added> {
        Ok(self.add_all(std::slice::from_ref(run))?[0])
    }

    fn add_all(&mut self, runs: &[RunRecord]) -> Result<Vec<Added>> {
        // One transaction: a run's points land on one page per series, so many runs at once
        // write each page once instead of once per run.
        // Immediate: the write lock is taken (waiting for other writers) before anything is
        // read, so a transaction never has to upgrade a read lock, which SQLite can't wait for.
        let shown = self.path.display().to_string();
        retrying(&mut self.connection, &shown, |connection| {
            let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let added = runs
                .iter()
                .map(|run| insert_run(&tx, run))
                .collect::<Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(added)
        })
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

    fn runs(&self) -> Result<Vec<StoredRun>> {
        export::runs(&self.connection)
    }

    fn read_values(&self, runs: &mut [StoredRun]) -> Result<()> {
        export::read_values(&self.connection, runs)
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
        commit_time_among(commit, &found)
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
        return Err(already_recorded(run));
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
