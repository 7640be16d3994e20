//! Which database a bench is lent — the embedded SQLite one, or a schema of its own on the
//! PostgreSQL server `[db] url` names — and one store's session on it. The `db` WIT interface
//! (`capability/db_calls.rs`) talks to [`DbSession`] and never to a server directly.

use std::sync::Arc;
use std::time::Instant;

use super::outcome::{Outcome, PoolWaits, Reply, StatementPlan};
use super::postgres::{PgDatabase, PgSession};
use super::sqlite::{SqliteDatabase, SqliteSession};
use crate::model::DbConfig;
use crate::plugin::bindings::db::Value;

/// One bench execution's database, shared by the stores of its instances.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(Arc<SqliteDatabase>),
    Postgres(Arc<PgDatabase>),
}

impl Database {
    /// Creates and seeds a fresh database from `config`; `capture_plans` records each statement's
    /// query plan (the counting pass).
    pub fn open(config: &DbConfig, capture_plans: bool) -> anyhow::Result<Database> {
        Ok(match &config.url {
            Some(url) => Database::Postgres(PgDatabase::open(config, url, capture_plans)?),
            None => Database::Sqlite(SqliteDatabase::open(config, capture_plans)?),
        })
    }

    pub fn config(&self) -> &DbConfig {
        match self {
            Database::Sqlite(db) => db.config(),
            Database::Postgres(db) => db.config(),
        }
    }

    /// The plans of the distinct statements run so far.
    pub fn plans(&self) -> Vec<StatementPlan> {
        match self {
            Database::Sqlite(db) => db.plans(),
            Database::Postgres(db) => db.plans(),
        }
    }

    /// Waits for a connection so far.
    pub fn pool_waits(&self) -> PoolWaits {
        match self {
            Database::Sqlite(db) => db.pool_waits(),
            Database::Postgres(db) => db.pool_waits(),
        }
    }

    /// The server, for results (`PostgreSQL 15.4 at 127.0.0.1:5432/app`); none for SQLite.
    pub fn server(&self) -> Option<String> {
        match self {
            Database::Sqlite(_) => None,
            Database::Postgres(db) => Some(db.server().to_string()),
        }
    }
}

/// One store's use of the bench's database: its connections, statements and counters.
pub enum DbSession {
    Sqlite(SqliteSession),
    Postgres(PgSession),
}

impl DbSession {
    pub fn new(database: Option<Database>) -> DbSession {
        match database {
            Some(Database::Postgres(db)) => DbSession::Postgres(PgSession::new(db)),
            Some(Database::Sqlite(db)) => DbSession::Sqlite(SqliteSession::new(Some(db))),
            None => DbSession::Sqlite(SqliteSession::new(None)),
        }
    }

    /// Sets the deadline of the guest call about to start.
    pub fn arm(&mut self, deadline: Instant) {
        match self {
            DbSession::Sqlite(s) => s.arm(deadline),
            DbSession::Postgres(s) => s.arm(deadline),
        }
    }

    pub fn available(&self) -> bool {
        match self {
            DbSession::Sqlite(s) => s.available(),
            DbSession::Postgres(_) => true,
        }
    }

    /// The counters since the last call, named `db.<counter>`.
    pub fn take_counters(&mut self) -> Vec<(String, u64)> {
        match self {
            DbSession::Sqlite(s) => s.take_counters(),
            DbSession::Postgres(s) => s.take_counters(),
        }
    }

    /// Takes a connection from the pool for the guest; returns its rep.
    pub async fn connect(&mut self) -> Reply<u32> {
        match self {
            DbSession::Sqlite(s) => s.connect(),
            DbSession::Postgres(s) => s.connect().await,
        }
    }

    /// One statement, on the guest's connection `on`, or on one taken from the pool for it.
    pub async fn statement(
        &mut self,
        on: Option<u32>,
        sql: &str,
        params: &[Value],
        want_rows: bool,
    ) -> Reply<Outcome> {
        match (self, on) {
            (DbSession::Sqlite(s), None) => s.pooled(|s, conn| s.run(conn, sql, params, want_rows)),
            (DbSession::Sqlite(s), Some(id)) => {
                s.with_connection(id, |s, conn| s.run(conn, sql, params, want_rows))
            }
            (DbSession::Postgres(s), on) => s.statement(on, sql, params, want_rows).await,
        }
    }

    /// Compiles `sql` on connection `id` for the guest's statement; returns its rep.
    pub async fn prepare(&mut self, id: u32, sql: String) -> Reply<u32> {
        match self {
            DbSession::Sqlite(s) => s.prepare(id, sql),
            DbSession::Postgres(s) => s.prepare(id, sql).await,
        }
    }

    /// Runs the guest's prepared statement `id`.
    pub async fn run_prepared(
        &mut self,
        id: u32,
        params: &[Value],
        want_rows: bool,
    ) -> Reply<Outcome> {
        match self {
            DbSession::Sqlite(s) => s.run_prepared(id, params, want_rows),
            DbSession::Postgres(s) => s.run_prepared(id, params, want_rows).await,
        }
    }

    /// Gives the guest's connection back, rolling back a transaction left open.
    pub async fn disconnect(&mut self, id: u32) {
        match self {
            DbSession::Sqlite(s) => s.disconnect(id),
            DbSession::Postgres(s) => s.disconnect(id).await,
        }
    }

    /// Forgets the guest's statement `id`.
    pub fn drop_statement(&mut self, id: u32) {
        match self {
            DbSession::Sqlite(s) => s.drop_statement(id),
            DbSession::Postgres(s) => s.drop_statement(id),
        }
    }
}
