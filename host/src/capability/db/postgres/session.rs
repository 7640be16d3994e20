//! One store's use of a bench's PostgreSQL database: the connections it holds, the statements it
//! prepared, and the counters of the current iteration. Every call is counted, timed, charged the
//! suite's latency, and cancelled on the server at the call's deadline.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use deadpool_postgres::Object;
use futures_util::{TryStreamExt, pin_mut};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, RowStream, Statement};

use super::database::PgDatabase;
use super::setup::server_error;
use super::sql::translate;
use super::values::{Bound, column, unspecified};
use crate::capability::db::outcome::{
    Counters, DbLimit, MAX_RESULT_BYTES, Outcome, Reply, value_size,
};
use crate::model::LatencyMode;
use crate::plugin::bindings::db::{Rows, Value};
use crate::sql_guard as guard;

/// A connection the guest holds, and whether a transaction is open on it.
struct Held {
    client: Object,
    in_transaction: bool,
}

struct Prepared {
    connection: u32,
    sql: String,
    statement: Statement,
}

/// How a statement on the server ended, before it becomes the guest's reply.
enum Ran {
    Done(Outcome),
    /// The server or the mapping refused it: the guest gets the text.
    Refused(String),
    /// A limit that ends the bench.
    Limit(DbLimit),
}

pub struct PgSession {
    db: Arc<PgDatabase>,
    held: HashMap<u32, Held>,
    statements: HashMap<u32, Prepared>,
    next: u32,
    counters: Counters,
    deadline: Instant,
}

impl PgSession {
    pub fn new(db: Arc<PgDatabase>) -> PgSession {
        PgSession {
            db,
            held: HashMap::new(),
            statements: HashMap::new(),
            next: 1,
            counters: Counters::default(),
            deadline: Instant::now() + Duration::from_secs(60),
        }
    }

    pub fn arm(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    pub fn take_counters(&mut self) -> Vec<(String, u64)> {
        self.counters.take()
    }

    fn new_id(&mut self) -> u32 {
        let id = self.next;
        self.next = self.next.wrapping_add(1).max(1);
        id
    }

    /// A connection from the pool, waiting until the call's deadline (a trap past it).
    async fn take(&mut self) -> Reply<Held> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match self.db.acquire(left).await {
            Ok(Some((client, waited))) => {
                self.counters.pool_wait += waited;
                Ok(Ok(Held {
                    client,
                    in_transaction: false,
                }))
            }
            Ok(None) => Err(DbLimit::PoolExhausted {
                pool: self.db.config().pool,
                held: self.held.len(),
            }
            .into()),
            Err(message) => Ok(Err(message)),
        }
    }

    /// Gives a connection back to the pool, rolling back a transaction left open.
    async fn release(&self, held: Held) {
        if held.in_transaction {
            let left = self.deadline.saturating_duration_since(Instant::now());
            let rollback = held.client.batch_execute("ROLLBACK");
            if !matches!(tokio::time::timeout(left, rollback).await, Ok(Ok(()))) {
                // A connection in an unknown state is not handed to anyone else.
                drop(Object::take(held.client));
                return;
            }
        }
        drop(held.client);
    }

    pub async fn connect(&mut self) -> Reply<u32> {
        let held = match self.take().await? {
            Ok(held) => held,
            Err(message) => return Ok(Err(message)),
        };
        let id = self.new_id();
        self.held.insert(id, held);
        Ok(Ok(id))
    }

    pub async fn disconnect(&mut self, id: u32) {
        self.statements.retain(|_, s| s.connection != id);
        if let Some(held) = self.held.remove(&id) {
            self.release(held).await;
        }
    }

    pub fn drop_statement(&mut self, id: u32) {
        self.statements.remove(&id);
    }

    /// One statement on the guest's connection `on`, or on one taken from the pool for it.
    pub async fn statement(
        &mut self,
        on: Option<u32>,
        sql: &str,
        params: &[Value],
        want_rows: bool,
    ) -> Reply<Outcome> {
        let sql = match checked(sql) {
            Ok(sql) => sql,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let mut held = match on {
            Some(id) => match self.held.remove(&id) {
                Some(held) => held,
                None => return Ok(Err("this connection was given back to the pool".into())),
            },
            None => match self.take().await? {
                Ok(held) => held,
                Err(message) => return Ok(Err(message)),
            },
        };
        self.counters.queries += 1;
        self.counters.prepared += 1;
        self.explain(&mut held, &sql, params).await;
        let start = Instant::now();
        let ran = self
            .run_unprepared(&held.client, &sql, params, want_rows)
            .await;
        let reply = self.finish(start, ran, &mut held, &sql);
        match on {
            Some(id) => {
                self.held.insert(id, held);
            }
            None => self.release(held).await,
        }
        self.charge_latency();
        reply
    }

    /// Compiles `sql` on connection `id` for the guest's statement; returns its rep.
    pub async fn prepare(&mut self, id: u32, sql: String) -> Reply<u32> {
        let sql = match checked(&sql) {
            Ok(sql) => sql,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let Some(held) = self.held.get(&id) else {
            return Ok(Err("this connection was given back to the pool".into()));
        };
        self.counters.queries += 1;
        self.counters.prepared += 1;
        let start = Instant::now();
        let prepared = self
            .within_deadline(&held.client, held.client.prepare(&sql))
            .await;
        self.counters.time += start.elapsed();
        self.charge_latency();
        let statement = match prepared {
            Ok(Ok(statement)) => statement,
            Ok(Err(e)) => return Ok(Err(server_error(&e))),
            Err(limit) => return Err(limit.into()),
        };
        let rep = self.new_id();
        self.statements.insert(
            rep,
            Prepared {
                connection: id,
                sql,
                statement,
            },
        );
        Ok(Ok(rep))
    }

    /// Runs the guest's prepared statement `id` (compiled once: no parsing again).
    pub async fn run_prepared(
        &mut self,
        id: u32,
        params: &[Value],
        want_rows: bool,
    ) -> Reply<Outcome> {
        let Some(prepared) = self.statements.get(&id) else {
            return Ok(Err(
                "this statement's connection was given back to the pool".into(),
            ));
        };
        let (connection, sql, statement) = (
            prepared.connection,
            prepared.sql.clone(),
            prepared.statement.clone(),
        );
        let Some(mut held) = self.held.remove(&connection) else {
            return Ok(Err(
                "this statement's connection was given back to the pool".into(),
            ));
        };
        self.counters.queries += 1;
        self.explain(&mut held, &sql, params).await;
        let memory = self.db.config().memory;
        let start = Instant::now();
        let ran = self
            .within_deadline(
                &held.client,
                run(&held.client, &statement, &sql, params, want_rows, memory),
            )
            .await;
        let ran = flatten(ran);
        let reply = self.finish(start, ran, &mut held, &sql);
        self.held.insert(connection, held);
        self.charge_latency();
        reply
    }

    /// An unprepared statement in one round trip (parse, bind and execute together, the
    /// parameters' types inferred by the server), as a driver's `query(text, values)` sends it.
    async fn run_unprepared(
        &self,
        client: &Client,
        sql: &str,
        params: &[Value],
        want_rows: bool,
    ) -> Ran {
        let memory = self.db.config().memory;
        let bound = params.iter().map(|value| (Bound(value), unspecified()));
        let work = async {
            match client.query_typed_raw(sql, bound).await {
                Ok(stream) => collect(stream, sql, None, want_rows, memory).await,
                Err(e) => failed(&e, memory),
            }
        };
        match self.within_deadline(client, work).await {
            Ok(ran) => ran,
            Err(limit) => Ran::Limit(limit),
        }
    }

    /// `work` on `client`, cancelled on the server if the call's deadline passes first.
    async fn within_deadline<T>(
        &self,
        client: &Client,
        work: impl std::future::Future<Output = T>,
    ) -> Result<T, DbLimit> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, work).await {
            Ok(done) => Ok(done),
            Err(_) => {
                let token = client.cancel_token();
                let _ = self
                    .db
                    .handle()
                    .spawn(async move { token.cancel_query(NoTls).await })
                    .await;
                Err(DbLimit::Deadline)
            }
        }
    }

    /// Counts a finished statement and follows its transaction; a limit becomes a trap.
    fn finish(&mut self, start: Instant, ran: Ran, held: &mut Held, sql: &str) -> Reply<Outcome> {
        self.counters.time += start.elapsed();
        match ran {
            Ran::Done(outcome) => {
                self.counters.finished(&outcome);
                held.in_transaction = transaction_after(sql, held.in_transaction);
                Ok(Ok(outcome))
            }
            Ran::Refused(message) => Ok(Err(message)),
            Ran::Limit(limit) => Err(limit.into()),
        }
    }

    /// The suite's latency per round trip: slept while holding the connection, or accounted.
    fn charge_latency(&mut self) {
        let config = self.db.config();
        if config.mode == LatencyMode::Slept && !config.latency.is_zero() {
            // Slept without the final spin of `precise::block_for`: the server shares this
            // machine's cores, and instances spinning out their latency would starve it. A
            // sleep overshoots by tens of µs, so what is counted is what the call waited.
            self.counters.latency += crate::capability::precise::sleep_for(config.latency);
        } else {
            self.counters.latency += config.latency;
        }
    }

    /// On the counting pass, the statement's plan the first time it is seen: `EXPLAIN (ANALYZE,
    /// FORMAT JSON)` with the same parameters, rolled back, so its effects don't count.
    async fn explain(&self, held: &mut Held, sql: &str, params: &[Value]) {
        if !self.db.wants_plan(sql) || !explainable(sql) {
            return;
        }
        let (begin, end) = if held.in_transaction {
            (
                "SAVEPOINT wasmbench_plan",
                "ROLLBACK TO SAVEPOINT wasmbench_plan; RELEASE SAVEPOINT wasmbench_plan",
            )
        } else {
            ("BEGIN", "ROLLBACK")
        };
        let client = &held.client;
        let work = async {
            client.batch_execute(begin).await.ok()?;
            let explained = async {
                let statement = client
                    .prepare(&format!("EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))
                    .await
                    .ok()?;
                let bound: Vec<Bound> = params.iter().map(Bound).collect();
                let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b as _).collect();
                let row = client.query_one(&statement, &refs).await.ok()?;
                row.try_get::<_, serde_json::Value>(0).ok()
            }
            .await;
            let _ = client.batch_execute(end).await;
            explained
        };
        let plan = match self.within_deadline(client, work).await {
            Ok(Some(json)) => super::plan::plan_lines(&json),
            _ => Vec::new(),
        };
        self.db.keep_plan(sql, plan);
    }
}

impl Drop for PgSession {
    /// A store that ends (or fails) holding connections gives them back; one with a transaction
    /// open is rolled back on the database's runtime first.
    fn drop(&mut self) {
        for (_, held) in self.held.drain() {
            if held.in_transaction {
                let client = held.client;
                self.db.handle().spawn(async move {
                    let _ = client.batch_execute("ROLLBACK").await;
                });
            }
        }
    }
}

/// The plugin's statement as PostgreSQL takes it, or why it is refused.
fn checked(sql: &str) -> Result<String, String> {
    if let Some(refusal) = guard::refuse(sql) {
        return Err(refusal);
    }
    translate(sql)
}

fn flatten(ran: Result<Ran, DbLimit>) -> Ran {
    ran.unwrap_or_else(Ran::Limit)
}

fn explainable(sql: &str) -> bool {
    matches!(
        guard::first_keyword(sql).as_str(),
        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH" | "VALUES"
    )
}

/// Whether a transaction is open after `sql` ran (BEGIN opens one; COMMIT, END and ROLLBACK — but
/// not ROLLBACK TO a savepoint — close it).
fn transaction_after(sql: &str, before: bool) -> bool {
    match guard::first_keyword(sql).as_str() {
        "BEGIN" | "START" => true,
        "COMMIT" | "END" => false,
        "ROLLBACK" => {
            let rest = guard::skip_comments(sql)["ROLLBACK".len()..]
                .trim_start()
                .to_ascii_uppercase();
            before && rest.starts_with("TO")
        }
        _ => before,
    }
}

/// Binds `params` to the compiled statement, runs it and collects its rows (when wanted).
async fn run(
    client: &Client,
    statement: &Statement,
    sql: &str,
    params: &[Value],
    want_rows: bool,
    memory: u64,
) -> Ran {
    if params.len() != statement.params().len() {
        return Ran::Refused(format!(
            "the statement has {} parameters, and {} values were bound",
            statement.params().len(),
            params.len()
        ));
    }
    let bound: Vec<Bound> = params.iter().map(Bound).collect();
    match client
        .query_raw(statement, bound.iter().map(|b| b as &dyn ToSql))
        .await
    {
        Ok(stream) => collect(stream, sql, Some(statement), want_rows, memory).await,
        Err(e) => failed(&e, memory),
    }
}

/// Reads a statement's rows to the end (keeping them when wanted) and its count of rows written.
/// The column names come from the compiled statement, or from the first row when there is none.
async fn collect(
    stream: RowStream,
    sql: &str,
    statement: Option<&Statement>,
    want_rows: bool,
    memory: u64,
) -> Ran {
    pin_mut!(stream);
    let mut columns: Option<Vec<String>> =
        statement.map(|s| s.columns().iter().map(|c| c.name().to_string()).collect());
    let mut rows = Vec::new();
    let mut bytes = 0u64;
    loop {
        let row = match stream.try_next().await {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return failed(&e, memory),
        };
        let names = columns
            .get_or_insert_with(|| row.columns().iter().map(|c| c.name().to_string()).collect());
        if !want_rows {
            continue;
        }
        let mut values = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            match column(&row, i) {
                Ok(value) => {
                    bytes += value_size(&value);
                    values.push(value);
                }
                Err(message) => return Ran::Refused(message),
            }
        }
        rows.push(values);
        if bytes > MAX_RESULT_BYTES {
            return Ran::Limit(DbLimit::Memory {
                limit: MAX_RESULT_BYTES,
            });
        }
    }
    let columns = columns.unwrap_or_default();
    let changed = if writes(sql, &columns) {
        stream.rows_affected().unwrap_or(0)
    } else {
        0
    };
    Ran::Done(Outcome {
        rows: want_rows.then_some(Rows { columns, rows }),
        changed,
        bytes,
    })
}

/// Whether the statement's row count is of rows written (the server reports a SELECT's too).
fn writes(sql: &str, columns: &[String]) -> bool {
    match guard::first_keyword(sql).as_str() {
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" => true,
        "WITH" => columns.is_empty(),
        _ => false,
    }
}

/// A server error as the guest gets it; memory and disk limits end the bench.
fn failed(error: &tokio_postgres::Error, memory: u64) -> Ran {
    let code = error.code();
    if code == Some(&SqlState::OUT_OF_MEMORY)
        || code == Some(&SqlState::DISK_FULL)
        || code == Some(&SqlState::CONFIGURATION_LIMIT_EXCEEDED)
    {
        return Ran::Limit(DbLimit::Memory { limit: memory });
    }
    if code == Some(&SqlState::QUERY_CANCELED) {
        return Ran::Limit(DbLimit::Deadline);
    }
    Ran::Refused(server_error(error))
}
