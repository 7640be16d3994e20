//! What a database round trip gives back, whatever server ran it: the guest's reply, the limits
//! that end a bench, the rows a statement returned, the counters a store keeps and what the pool
//! saw (plans, waits).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::plugin::bindings::db::{Rows, Value};

/// What a round trip gives the guest: its `result` (Ok or the error text), or a trap.
pub type Reply<T> = wasmtime::Result<Result<T, String>>;

/// A limit a plugin's database use hit; raised as a trap, so the bench ends with the status it names.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DbLimit {
    #[error("the database statement was still running at the deadline and was interrupted")]
    Deadline,
    #[error(
        "no connection of the pool of {pool} came free before the deadline (this instance holds {held})"
    )]
    PoolExhausted { pool: u32, held: usize },
    #[error(
        "memory limit exceeded: the bench's database needed more than its heap cap of {} ([db] memory; raise it there)",
        crate::model::size(*limit)
    )]
    Memory { limit: u64 },
}

/// Most bytes of rows one query may hand the guest: beyond it the host would hold the plugin's
/// data outside any limit.
pub const MAX_RESULT_BYTES: u64 = 256 << 20;

/// What one statement did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub rows: Option<Rows>,
    pub changed: u64,
    /// Bytes of the rows handed over.
    pub bytes: u64,
}

/// Bytes a value takes in the guest's memory (roughly: payload plus the variant's slot).
pub fn value_size(value: &Value) -> u64 {
    16 + match value {
        Value::Text(text) => text.len() as u64,
        Value::Blob(bytes) => bytes.len() as u64,
        _ => 0,
    }
}

/// A store's database counters since they were last taken.
#[derive(Debug, Default)]
pub struct Counters {
    pub queries: u64,
    pub rows_read: u64,
    pub rows_written: u64,
    pub prepared: u64,
    pub time: Duration,
    pub pool_wait: Duration,
    pub latency: Duration,
}

impl Counters {
    /// The counters since the last call, named `db.<counter>`; none when the database wasn't used.
    pub fn take(&mut self) -> Vec<(String, u64)> {
        let c = std::mem::take(self);
        if c.queries == 0 && c.pool_wait.is_zero() {
            return Vec::new();
        }
        [
            ("db.queries", c.queries),
            ("db.rows_read", c.rows_read),
            ("db.rows_written", c.rows_written),
            ("db.prepared", c.prepared),
            ("db.time_ns", c.time.as_nanos() as u64),
            ("db.pool_wait_ns", c.pool_wait.as_nanos() as u64),
            ("db.latency_ns", c.latency.as_nanos() as u64),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
    }

    /// Counts a statement that finished: the rows it read and wrote.
    pub fn finished(&mut self, outcome: &Outcome) {
        self.rows_read += outcome.rows.as_ref().map_or(0, |r| r.rows.len() as u64);
        self.rows_written += outcome.changed;
    }
}

/// The error a guest gets when its bench has no `[db]`.
pub fn no_database() -> String {
    "this bench has no database: add a [db] table to the suite (see the guide, docs/src/database.md)"
        .to_string()
}

/// A statement's query plan, one line per step indented by depth (SQLite's `EXPLAIN QUERY PLAN`,
/// PostgreSQL's `EXPLAIN (ANALYZE, FORMAT JSON)` rendered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementPlan {
    pub sql: String,
    pub plan: Vec<String>,
}

/// How long callers waited for a connection, over the database's life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolWaits {
    pub waits: u64,
    pub wait: Duration,
}
