//! What SQL may do on the SQLite connections wasmbench opens for benches, from a plugin or from a
//! suite. Every connection is hardened first ([`harden`]: no ATTACH — which also stops `VACUUM
//! INTO`, built on it —, no extension loading, no memory mapping, temporary tables in memory).
//! A plugin's SQL: data statements only. A statement must start with a data keyword ([`refuse`]),
//! and the authorizer ([`lock_down`]) refuses schema changes, PRAGMA, ATTACH and extension loading
//! as SQLite compiles it. A suite's SQL (`[db] schema` and its indexes) may also create and drop
//! tables, indexes, views and triggers, but nothing else ([`run_suite_sql`]), within a heap cap and
//! a deadline, so a schema can't write a file, change a setting or run away.

use std::sync::Mutex;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::config::DbConfig;
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;

/// Keywords a plugin's statement may start with.
const DATA_KEYWORDS: [&str; 13] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "REPLACE",
    "WITH",
    "VALUES",
    "BEGIN",
    "COMMIT",
    "END",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
];

/// The first keyword of a statement, upper-cased, after leading whitespace and comments.
pub fn first_keyword(sql: &str) -> String {
    skip_comments(sql)
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Why a plugin's statement is refused, before SQLite sees it; `None` when it may run.
pub fn refuse(sql: &str) -> Option<String> {
    let keyword = first_keyword(sql);
    if DATA_KEYWORDS.contains(&keyword.as_str()) {
        return None;
    }
    let shown = if keyword.is_empty() {
        "an empty statement".to_string()
    } else {
        format!("a `{keyword}` statement")
    };
    Some(format!(
        "refused {shown}: plugins run data statements only (SELECT, INSERT, UPDATE, DELETE, WITH, \
         and transactions); the schema comes from the suite's [db] table"
    ))
}

/// `sql` after leading whitespace and comments.
pub fn skip_comments(mut sql: &str) -> &str {
    loop {
        sql = sql.trim_start();
        if let Some(rest) = sql.strip_prefix("--") {
            sql = rest.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(rest) = sql.strip_prefix("/*") {
            sql = rest.split_once("*/").map_or("", |(_, after)| after);
        } else {
            return sql;
        }
    }
}

/// The authorizer's verdict on one action of a plugin's statement.
fn authorize(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::Select
        | AuthAction::Read { .. }
        | AuthAction::Insert { .. }
        | AuthAction::Update { .. }
        | AuthAction::Delete { .. }
        | AuthAction::Transaction { .. }
        | AuthAction::Savepoint { .. }
        | AuthAction::Recursive => Authorization::Allow,
        AuthAction::Function { function_name } if function_name != "load_extension" => {
            Authorization::Allow
        }
        _ => Authorization::Deny,
    }
}

/// Settings every connection gets before anything runs on it: no ATTACH, no extension loading,
/// defensive mode (no writes to the schema or shadow tables), an untrusted schema, no file mapping,
/// no temporary files, and no string or blob longer than the heap cap.
pub fn harden(conn: &Connection, max_length: u64) -> rusqlite::Result<()> {
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
    let length = i32::try_from(max_length).unwrap_or(i32::MAX).max(1 << 20);
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, length)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    let page_size: i64 = conn.pragma_query_value(None, "page_size", |row| row.get(0))?;
    conn.pragma_update(
        None,
        "max_page_count",
        MAX_DATABASE_BYTES as i64 / page_size.max(512),
    )?;
    // Sorts and temporary tables stay in memory, under the heap cap, instead of files outside the
    // bench's folder.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Installs the authorizer: from here on the connection runs plugin SQL.
pub fn lock_down(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.authorizer(Some(authorize))
}

/// A database's share of SQLite's process-wide hard heap limit: the limit is the sum of the caps of
/// the databases open in the process (in a worker, the one bench's), and none when there are none.
pub struct HeapShare(u64);

static HEAP_CAPS: Mutex<u64> = Mutex::new(0);

impl HeapShare {
    pub fn new(cap: u64) -> HeapShare {
        let mut total = HEAP_CAPS.lock().unwrap_or_else(|e| e.into_inner());
        *total = total.saturating_add(cap);
        set_heap_limit(*total);
        HeapShare(cap)
    }
}

impl Drop for HeapShare {
    fn drop(&mut self) {
        let mut total = HEAP_CAPS.lock().unwrap_or_else(|e| e.into_inner());
        *total = total.saturating_sub(self.0);
        set_heap_limit(*total);
    }
}

fn set_heap_limit(bytes: u64) {
    // SAFETY: sqlite3_hard_heap_limit64 only stores the limit; it is safe to call at any time.
    unsafe {
        rusqlite::ffi::sqlite3_hard_heap_limit64(i64::try_from(bytes).unwrap_or(i64::MAX));
    }
}

/// The most a bench's database file may grow to (`PRAGMA max_page_count`): a runaway schema or
/// plugin gets "database or disk is full", not a full disk.
pub const MAX_DATABASE_BYTES: u64 = 4 << 30;

/// How long a suite's own SQL (schema, indexes) may run on a connection.
pub const SUITE_SQL_DEADLINE: Duration = Duration::from_secs(30);

/// The authorizer's verdict on one action of a suite's SQL: what a plugin may do, and defining
/// the schema (tables, indexes, views, triggers, their removal, `ANALYZE`); never ATTACH, PRAGMA,
/// virtual tables or extension loading.
fn authorize_suite(context: AuthContext<'_>) -> Authorization {
    match context.action {
        AuthAction::CreateIndex { .. }
        | AuthAction::CreateTable { .. }
        | AuthAction::CreateTrigger { .. }
        | AuthAction::CreateView { .. }
        | AuthAction::DropIndex { .. }
        | AuthAction::DropTable { .. }
        | AuthAction::DropTrigger { .. }
        | AuthAction::DropView { .. }
        | AuthAction::AlterTable { .. }
        | AuthAction::Reindex { .. }
        | AuthAction::Analyze { .. } => Authorization::Allow,
        _ => authorize(context),
    }
}

/// Runs a suite's `sql` (its schema or an index) on a hardened connection: schema statements
/// allowed, nothing that reaches a file or a setting, stopped after `deadline`. The error says
/// which rule stopped it.
pub fn run_suite_sql(conn: &mut Connection, sql: &str, deadline: Duration) -> Result<(), String> {
    let start = std::time::Instant::now();
    let result = conn
        .authorizer(Some(authorize_suite))
        .and_then(|()| conn.progress_handler(1000, Some(move || start.elapsed() > deadline)))
        .and_then(|()| conn.execute_batch(sql));
    // The hooks come off whatever happened: the connection goes on to run plugin SQL.
    let removed = conn
        .progress_handler(1000, None::<fn() -> bool>)
        .and_then(|()| conn.authorizer(None::<fn(AuthContext<'_>) -> Authorization>));
    result
        .and(removed)
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) => format!(
                "it was still running after {} s and was stopped (a suite's SQL may run {} s)",
                start.elapsed().as_secs(),
                deadline.as_secs()
            ),
            Some(rusqlite::ErrorCode::AuthorizationForStatementDenied) => format!(
                "{e}: a suite's SQL may create, alter and drop tables, indexes, views and triggers \
             and write rows, but not ATTACH, PRAGMA, virtual tables or extensions"
            ),
            Some(rusqlite::ErrorCode::OutOfMemory) => {
                format!("{e}: it needed more than the database's heap cap ([db] memory)")
            }
            Some(rusqlite::ErrorCode::DiskFull) => format!(
                "{e}: the database may grow to {} GiB at most",
                MAX_DATABASE_BYTES >> 30
            ),
            _ => e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_data_statements_pass_the_keyword_check() {
        for ok in [
            "SELECT 1",
            "  select 1",
            "-- a comment\nWITH x AS (SELECT 1) SELECT * FROM x",
            "/* c */ insert into t values (1)",
            "begin",
        ] {
            assert_eq!(refuse(ok), None, "{ok}");
        }
        for bad in [
            "VACUUM INTO '/tmp/x.db'",
            "ATTACH 'x' AS y",
            "PRAGMA writable_schema = 1",
            "/* */ DROP TABLE t",
            "",
            "-- only a comment",
            "EXPLAIN SELECT 1",
        ] {
            assert!(refuse(bad).is_some(), "{bad}");
        }
        assert!(refuse("vacuum").unwrap().contains("`VACUUM`"));
    }

    #[test]
    fn the_authorizer_refuses_what_the_keyword_check_lets_through() {
        let mut conn = Connection::open_in_memory().unwrap();
        harden(&conn, 1 << 30).unwrap();
        conn.execute_batch("CREATE TABLE t(x)").unwrap();
        lock_down(&mut conn).unwrap();
        conn.execute("INSERT INTO t VALUES (1)", []).unwrap();
        let n: i64 = conn
            .query_row(
                "WITH r(x) AS (SELECT 1) SELECT count(*) FROM t, r",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        for bad in [
            "SELECT load_extension('/tmp/x')",
            "CREATE TABLE u(x)",
            "DROP TABLE t",
            "ATTACH DATABASE '/tmp/x.db' AS other",
        ] {
            assert!(conn.prepare(bad).is_err(), "{bad}");
        }
    }
}
