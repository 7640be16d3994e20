//! The bench's SQLite database itself: a fresh file seeded from the suite, the pool of hardened
//! connections its stores share, and what the pool saw (query plans, waits for a connection).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use super::clock::clock_now;
use crate::capability::db::observed::Observed;
use crate::capability::db::outcome::{PoolWaits, StatementPlan};
use crate::model::DbConfig;
use crate::sql_guard::{self as guard, HeapShare};

/// A pooled connection and the deadline its progress handler checks.
pub(super) struct Pooled {
    pub(super) conn: Connection,
    /// Nanoseconds on [`super::clock`] after which a running statement is interrupted.
    pub(super) deadline: Arc<AtomicU64>,
}

/// One bench execution's database: a file in its own temporary folder, removed with it.
pub struct SqliteDatabase {
    config: DbConfig,
    idle: Mutex<Vec<Pooled>>,
    freed: Condvar,
    /// Plans and connection waits.
    observed: Observed,
    _heap: HeapShare,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for SqliteDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteDatabase")
            .field("pool", &self.config.pool)
            .finish_non_exhaustive()
    }
}

impl SqliteDatabase {
    /// Creates, seeds and indexes a fresh database, then opens the pool's connections.
    pub fn open(config: &DbConfig, capture_plans: bool) -> anyhow::Result<Arc<SqliteDatabase>> {
        let heap = HeapShare::new(config.memory);
        let dir = crate::scratch::tempdir("wasmbench-db-")
            .map_err(|e| anyhow::anyhow!("creating the bench database's folder: {e}"))?;
        let path = dir.path().join("bench.db");
        let open = || -> rusqlite::Result<Connection> {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(&path, flags)?;
            guard::harden(&conn, config.memory)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.set_prepared_statement_cache_capacity(64);
            Ok(conn)
        };
        let mut first = open().map_err(|e| anyhow::anyhow!("opening the bench database: {e}"))?;
        super::seed::seed(&mut first, config)
            .map_err(|e| anyhow::anyhow!("creating the bench database: {e}"))?;
        let mut idle = vec![first];
        for _ in 1..config.pool.max(1) {
            idle.push(open().map_err(|e| anyhow::anyhow!("opening a pool connection: {e}"))?);
        }
        let idle = idle
            .into_iter()
            .map(|mut conn| {
                guard::lock_down(&mut conn)?;
                let deadline = Arc::new(AtomicU64::new(u64::MAX));
                let watched = deadline.clone();
                conn.progress_handler(
                    1000,
                    Some(move || clock_now() > watched.load(Ordering::Relaxed)),
                )?;
                Ok(Pooled { conn, deadline })
            })
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| anyhow::anyhow!("preparing a pool connection: {e}"))?;
        Ok(Arc::new(SqliteDatabase {
            config: config.clone(),
            idle: Mutex::new(idle),
            freed: Condvar::new(),
            observed: Observed::new(capture_plans),
            _heap: heap,
            _dir: dir,
        }))
    }

    pub fn config(&self) -> &DbConfig {
        &self.config
    }

    /// Takes a connection, waiting until `deadline` while all are in use; returns it and the wait.
    pub(super) fn acquire(&self, deadline: Instant) -> Result<(Pooled, Duration), ()> {
        let start = Instant::now();
        let mut blocked = false;
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(pooled) = idle.pop() {
                return Ok((pooled, self.observed.waited(start, blocked)));
            }
            blocked = true;
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(());
            }
            idle = self
                .freed
                .wait_timeout(idle, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Gives a connection back, rolling back a transaction left open.
    pub(super) fn release(&self, pooled: Pooled) {
        if !pooled.conn.is_autocommit() {
            pooled.deadline.store(u64::MAX, Ordering::Relaxed);
            let _ = pooled.conn.execute_batch("ROLLBACK");
        }
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(pooled);
        self.freed.notify_one();
    }

    /// Records `sql`'s query plan the first time it is seen on the counting pass.
    pub(super) fn note_plan(&self, conn: &Connection, sql: &str) {
        if self.observed.wants_plan(sql) {
            // A statement that can't be explained (e.g. BEGIN) has an empty plan, kept so it is
            // tried once.
            self.observed
                .keep_plan(sql, explain(conn, sql).unwrap_or_default());
        }
    }

    /// The plans of the distinct statements run so far, in statement order.
    pub fn plans(&self) -> Vec<StatementPlan> {
        self.observed.plans()
    }

    /// Waits for a connection so far.
    pub fn pool_waits(&self) -> PoolWaits {
        self.observed.pool_waits()
    }
}

/// `EXPLAIN QUERY PLAN sql` as indented lines.
fn explain(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
    // Unbound parameters are NULL, which is all a plan needs (`raw_query` skips the count check).
    let mut rows = stmt.raw_query();
    let mut depth_of: BTreeMap<i64, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    while let Some(row) = rows.next()? {
        let (id, parent, detail): (i64, i64, String) = (row.get(0)?, row.get(1)?, row.get(3)?);
        let depth = depth_of.get(&parent).map_or(0, |d| d + 1);
        depth_of.insert(id, depth);
        lines.push(format!("{}{detail}", "  ".repeat(depth)));
    }
    Ok(lines)
}
