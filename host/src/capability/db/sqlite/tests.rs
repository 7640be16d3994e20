use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::capability::db::outcome::{DbLimit, Outcome, Reply};
use crate::model::{ColumnGen, DbConfig, LatencyMode, SeedTable};
use crate::plugin::bindings::db::Value;

fn config(pool: u32) -> DbConfig {
    DbConfig {
        url: None,
        schema: "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);".into(),
        tables: vec![SeedTable {
            name: "t".into(),
            rows: 100,
            seed: 1,
            columns: vec![
                ("id".into(), ColumnGen::Serial),
                ("n".into(), ColumnGen::Int(1, 10)),
            ],
        }],
        indexes: Vec::new(),
        pool,
        latency: Duration::from_micros(250),
        mode: LatencyMode::Accounted,
        memory: DbConfig::MIN_MEMORY,
    }
}

fn session(database: &Arc<SqliteDatabase>, deadline: Duration) -> SqliteSession {
    let mut session = SqliteSession::new(Some(database.clone()));
    session.arm(Instant::now() + deadline);
    session
}

/// The guest's `db.query`: a pooled connection, one statement.
fn query(session: &mut SqliteSession, sql: &str, params: &[Value]) -> Reply<Outcome> {
    session.pooled(|s, conn| s.run(conn, sql, params, true))
}

fn counters(session: &mut SqliteSession) -> BTreeMap<String, u64> {
    session.take_counters().into_iter().collect()
}

#[test]
fn statements_are_counted_charged_and_planned() {
    let db = SqliteDatabase::open(&config(2), true).unwrap();
    let mut s = session(&db, Duration::from_secs(10));
    let rows = query(
        &mut s,
        "SELECT id FROM t WHERE id <= ?1",
        &[Value::Integer(3)],
    )
    .unwrap()
    .unwrap();
    assert_eq!(rows.rows.unwrap().rows.len(), 3);
    let conn = s.connect().unwrap().unwrap();
    let insert = s
        .prepare(conn, "INSERT INTO t(n) VALUES (?1)".into())
        .unwrap()
        .unwrap();
    for n in 0..5 {
        let done = s
            .run_prepared(insert, &[Value::Integer(n)], false)
            .unwrap()
            .unwrap();
        assert_eq!(done.changed, 1);
    }
    s.disconnect(conn);
    let c = counters(&mut s);
    assert_eq!(c["db.queries"], 7, "1 query + 1 prepare + 5 runs");
    assert_eq!(c["db.prepared"], 2, "the prepared statement compiles once");
    assert_eq!(c["db.rows_read"], 3);
    assert_eq!(c["db.rows_written"], 5);
    assert_eq!(
        c["db.latency_ns"],
        7 * 250_000,
        "accounted, one latency per round trip"
    );
    assert!(counters(&mut s).is_empty(), "counters restart once taken");
    let plans = db.plans();
    assert!(
        plans.iter().any(|p| p.sql.starts_with("SELECT id FROM t")
            && p.plan
                .iter()
                .any(|l| l.contains("SEARCH t USING INTEGER PRIMARY KEY"))),
        "{plans:?}"
    );
    assert_eq!(
        s.run_prepared(insert, &[], false).unwrap().unwrap_err(),
        "this statement's connection was given back to the pool"
    );
}

#[test]
fn plugin_sql_is_limited_to_data_statements() {
    let db = SqliteDatabase::open(&config(1), false).unwrap();
    let mut s = session(&db, Duration::from_secs(10));
    for sql in [
        "ATTACH DATABASE '/tmp/wasmbench-attach.db' AS other",
        "VACUUM INTO '/tmp/wasmbench-vacuum.db'",
        "PRAGMA writable_schema = 1",
        "DROP TABLE t",
        "CREATE TABLE u(x)",
        "SELECT load_extension('/tmp/nothing')",
        "SELECT 1; DROP TABLE t",
    ] {
        let refused = query(&mut s, sql, &[]).unwrap();
        assert!(refused.is_err(), "{sql} ran");
    }
    assert!(!Path::new("/tmp/wasmbench-vacuum.db").exists());
    let rows = query(&mut s, "SELECT count(*) FROM t", &[])
        .unwrap()
        .unwrap();
    assert!(
        matches!(rows.rows.unwrap().rows.as_slice(), [row] if matches!(row.as_slice(), [Value::Integer(100)]))
    );
}

#[test]
fn a_runaway_query_is_interrupted_at_the_deadline() {
    let db = SqliteDatabase::open(&config(1), false).unwrap();
    let mut s = session(&db, Duration::from_millis(200));
    let start = Instant::now();
    let forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) \
                   SELECT count(*) FROM c";
    let err = query(&mut s, forever, &[]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<DbLimit>(), Some(DbLimit::Deadline)),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    // The connection went back to the pool and works.
    s.arm(Instant::now() + Duration::from_secs(10));
    assert!(query(&mut s, "SELECT 1", &[]).unwrap().is_ok());
}

#[test]
fn a_full_pool_makes_callers_wait_until_the_deadline() {
    let db = SqliteDatabase::open(&config(1), false).unwrap();
    let mut holder = session(&db, Duration::from_secs(10));
    let held = holder.connect().unwrap().unwrap();
    let mut waiter = session(&db, Duration::from_millis(100));
    let err = waiter.connect().unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<DbLimit>(),
            Some(DbLimit::PoolExhausted { pool: 1, .. })
        ),
        "{err}"
    );
    // Given back (also when a store ends holding it), the connection serves the next caller, and
    // the wait is counted.
    let freed = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        holder.disconnect(held);
        drop(holder);
    });
    waiter.arm(Instant::now() + Duration::from_secs(10));
    assert!(query(&mut waiter, "SELECT 1", &[]).unwrap().is_ok());
    freed.join().unwrap();
    let c = counters(&mut waiter);
    assert!(c["db.pool_wait_ns"] >= 10_000_000, "{c:?}");
    assert_eq!(db.pool_waits().waits, 1);
}

#[test]
fn a_value_past_the_cap_is_a_memory_limit() {
    let db = SqliteDatabase::open(&config(1), false).unwrap();
    let mut s = session(&db, Duration::from_secs(10));
    let err = query(&mut s, "SELECT randomblob(64 * 1024 * 1024)", &[]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<DbLimit>(), Some(DbLimit::Memory { .. })),
        "{err}"
    );
}

#[test]
fn a_transaction_left_open_is_rolled_back_when_its_connection_goes_back() {
    let db = SqliteDatabase::open(&config(1), false).unwrap();
    let mut s = session(&db, Duration::from_secs(10));
    let conn = s.connect().unwrap().unwrap();
    s.with_connection(conn, |s, c| s.run(c, "BEGIN", &[], false))
        .unwrap()
        .unwrap();
    s.with_connection(conn, |s, c| s.run(c, "DELETE FROM t", &[], false))
        .unwrap()
        .unwrap();
    drop(s);
    let mut next = session(&db, Duration::from_secs(10));
    let rows = query(&mut next, "SELECT count(*) FROM t", &[])
        .unwrap()
        .unwrap();
    assert!(
        matches!(rows.rows.unwrap().rows.as_slice(), [row] if matches!(row.as_slice(), [Value::Integer(100)]))
    );
}

#[test]
fn without_a_database_the_guest_gets_an_error_not_a_trap() {
    let mut s = SqliteSession::new(None);
    assert!(!s.available());
    let err = s.connect().unwrap().unwrap_err();
    assert!(err.contains("add a [db] table"), "{err}");
}
