//! One store's use of the bench database: the connections it holds, the statements it prepared,
//! and the counters of the current iteration. Every call is a round trip: counted, timed, charged
//! the pool's latency while holding its connection, and interrupted at the call's deadline.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode};

use super::clock::clock_at;
use super::pool::{Pooled, SqliteDatabase};
use super::values::{from_sql, to_sql};
use crate::capability::db::outcome::{
    Counters, DbLimit, MAX_RESULT_BYTES, Outcome, Reply, no_database, value_size,
};
use crate::model::LatencyMode;
use crate::plugin::bindings::db::{Rows, Value};
use crate::sql_guard as guard;

struct Prepared {
    connection: u32,
    sql: String,
}

pub struct SqliteSession {
    database: Option<Arc<SqliteDatabase>>,
    held: HashMap<u32, Pooled>,
    statements: HashMap<u32, Prepared>,
    next: u32,
    counters: Counters,
    /// When the guest call in progress passes the bench's deadline.
    deadline: Instant,
}

impl SqliteSession {
    pub fn new(database: Option<Arc<SqliteDatabase>>) -> Self {
        SqliteSession {
            database,
            held: HashMap::new(),
            statements: HashMap::new(),
            next: 1,
            counters: Counters::default(),
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    /// Sets the deadline of the guest call about to start.
    pub fn arm(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    pub fn available(&self) -> bool {
        self.database.is_some()
    }

    fn database(&self) -> Result<&Arc<SqliteDatabase>, String> {
        self.database.as_ref().ok_or_else(no_database)
    }

    /// The counters since the last call, named `db.<counter>`; none when the database wasn't used.
    pub fn take_counters(&mut self) -> Vec<(String, u64)> {
        self.counters.take()
    }

    /// Takes a connection from the pool for the guest; returns its rep.
    pub fn connect(&mut self) -> Reply<u32> {
        let pooled = match self.take()? {
            Ok(pooled) => pooled,
            Err(message) => return Ok(Err(message)),
        };
        let id = self.next;
        self.next = self.next.wrapping_add(1).max(1);
        self.held.insert(id, pooled);
        Ok(Ok(id))
    }

    /// Gives the guest's connection back (its statements go with it).
    pub fn disconnect(&mut self, id: u32) {
        self.statements.retain(|_, s| s.connection != id);
        if let (Some(pooled), Some(db)) = (self.held.remove(&id), &self.database) {
            db.release(pooled);
        }
    }

    /// A connection from the pool, waiting until the call's deadline (a trap past it).
    fn take(&mut self) -> Reply<Pooled> {
        let db = match self.database() {
            Ok(db) => db.clone(),
            Err(message) => return Ok(Err(message)),
        };
        match db.acquire(self.deadline) {
            Ok((pooled, waited)) => {
                self.counters.pool_wait += waited;
                Ok(Ok(pooled))
            }
            Err(()) => Err(DbLimit::PoolExhausted {
                pool: db.config().pool,
                held: self.held.len(),
            }
            .into()),
        }
    }

    /// One statement on a connection taken for it and given back (the pool shortcut).
    pub fn pooled<T>(&mut self, run: impl FnOnce(&mut Self, &Connection) -> Reply<T>) -> Reply<T> {
        let pooled = match self.take()? {
            Ok(pooled) => pooled,
            Err(message) => return Ok(Err(message)),
        };
        let reply = self.on(&pooled, |session, conn| run(session, conn));
        if let Some(db) = &self.database {
            db.release(pooled);
        }
        reply
    }

    /// `run` on the guest's connection `id`.
    pub fn with_connection<T>(
        &mut self,
        id: u32,
        run: impl FnOnce(&mut Self, &Connection) -> Reply<T>,
    ) -> Reply<T> {
        let Some(pooled) = self.held.remove(&id) else {
            return Ok(Err("this connection was given back to the pool".into()));
        };
        let reply = self.on(&pooled, run);
        self.held.insert(id, pooled);
        reply
    }

    /// `run` under the call's deadline, then the round trip's latency (slept while holding the
    /// connection, or accounted).
    fn on<T>(
        &mut self,
        pooled: &Pooled,
        run: impl FnOnce(&mut Self, &Connection) -> Reply<T>,
    ) -> Reply<T> {
        pooled
            .deadline
            .store(clock_at(self.deadline), Ordering::Relaxed);
        let reply = run(self, &pooled.conn);
        pooled.deadline.store(u64::MAX, Ordering::Relaxed);
        if let Some(db) = &self.database {
            let config = db.config();
            self.counters.latency += config.latency;
            if config.mode == LatencyMode::Slept && !config.latency.is_zero() {
                crate::capability::precise::block_for(config.latency);
            }
        }
        reply
    }

    /// Compiles and runs `sql` (compiled every time: an unprepared round trip).
    pub fn run(
        &mut self,
        conn: &Connection,
        sql: &str,
        params: &[Value],
        want_rows: bool,
    ) -> Reply<Outcome> {
        if let Some(refusal) = guard::refuse(sql) {
            return Ok(Err(refusal));
        }
        self.counters.queries += 1;
        self.counters.prepared += 1;
        self.note_plan(conn, sql);
        let start = Instant::now();
        let result = conn
            .prepare(sql)
            .and_then(|mut stmt| step(conn, &mut stmt, params, want_rows));
        self.finish(start, result)
    }

    /// Compiles `sql` on connection `id` for the guest's statement; returns its rep.
    pub fn prepare(&mut self, id: u32, sql: String) -> Reply<u32> {
        if let Some(refusal) = guard::refuse(&sql) {
            return Ok(Err(refusal));
        }
        let reply = self.with_connection(id, |session, conn| {
            session.counters.queries += 1;
            session.counters.prepared += 1;
            session.note_plan(conn, &sql);
            let start = Instant::now();
            let result = conn.prepare_cached(&sql).map(|_| Outcome::default());
            session.finish(start, result)
        })?;
        Ok(reply.map(|_| {
            let statement = self.next;
            self.next = self.next.wrapping_add(1).max(1);
            self.statements.insert(
                statement,
                Prepared {
                    connection: id,
                    sql,
                },
            );
            statement
        }))
    }

    /// Runs the guest's prepared statement `id` (from the connection's cache: no compiling).
    pub fn run_prepared(&mut self, id: u32, params: &[Value], want_rows: bool) -> Reply<Outcome> {
        let Some(prepared) = self.statements.get(&id) else {
            return Ok(Err(
                "this statement's connection was given back to the pool".into(),
            ));
        };
        let (connection, sql) = (prepared.connection, prepared.sql.clone());
        self.with_connection(connection, |session, conn| {
            session.counters.queries += 1;
            let start = Instant::now();
            let result = conn
                .prepare_cached(&sql)
                .and_then(|mut stmt| step(conn, &mut stmt, params, want_rows));
            session.finish(start, result)
        })
    }

    /// Forgets the guest's statement `id`.
    pub fn drop_statement(&mut self, id: u32) {
        self.statements.remove(&id);
    }

    /// Counts a finished statement; turns a deadline or memory failure into a trap.
    fn finish(&mut self, start: Instant, result: rusqlite::Result<Outcome>) -> Reply<Outcome> {
        self.counters.time += start.elapsed();
        match result {
            Ok(outcome) => {
                self.counters.finished(&outcome);
                if outcome.bytes > MAX_RESULT_BYTES {
                    return Err(DbLimit::Memory {
                        limit: MAX_RESULT_BYTES,
                    }
                    .into());
                }
                Ok(Ok(outcome))
            }
            Err(e) => match e.sqlite_error_code() {
                Some(ErrorCode::OperationInterrupted) => Err(DbLimit::Deadline.into()),
                Some(ErrorCode::OutOfMemory | ErrorCode::TooBig) => {
                    let limit = self.database.as_ref().map_or(0, |d| d.config().memory);
                    Err(DbLimit::Memory { limit }.into())
                }
                _ => Ok(Err(e.to_string())),
            },
        }
    }

    fn note_plan(&self, conn: &Connection, sql: &str) {
        if let Some(db) = &self.database {
            db.note_plan(conn, sql);
        }
    }
}

impl Drop for SqliteSession {
    /// A store that ends (or fails) holding connections gives them back, so the pool's other users
    /// don't wait forever.
    fn drop(&mut self) {
        let ids: Vec<u32> = self.held.keys().copied().collect();
        for id in ids {
            self.disconnect(id);
        }
    }
}

/// Binds `params`, steps the statement to its end and collects its rows (when wanted) and changes.
fn step(
    conn: &Connection,
    stmt: &mut rusqlite::Statement<'_>,
    params: &[Value],
    want_rows: bool,
) -> rusqlite::Result<Outcome> {
    let columns: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let width = columns.len();
    let readonly = stmt.readonly();
    let mut rows = Vec::new();
    let mut bytes = 0u64;
    {
        let mut cursor = stmt.query(rusqlite::params_from_iter(params.iter().map(to_sql)))?;
        while let Some(row) = cursor.next()? {
            if !want_rows {
                continue;
            }
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                let value = from_sql(row.get_ref(i)?);
                bytes += value_size(&value);
                values.push(value);
            }
            rows.push(values);
            if bytes > MAX_RESULT_BYTES {
                break;
            }
        }
    }
    let changed = if readonly { 0 } else { conn.changes() };
    Ok(Outcome {
        rows: want_rows.then_some(Rows { columns, rows }),
        changed,
        bytes,
    })
}
