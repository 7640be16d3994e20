//! What a plugin's SQL may do: data statements only. A statement must start with a data keyword (the
//! check that catches `VACUUM INTO`, which SQLite's authorizer never sees), and the authorizer
//! refuses schema changes, PRAGMA, ATTACH and extension loading as SQLite compiles it. The
//! connection itself is hardened before any plugin SQL reaches it.

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

/// Why a plugin's statement is refused, before SQLite sees it; `None` when it may run.
pub fn refuse(sql: &str) -> Option<String> {
    let keyword: String = skip_comments(sql)
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
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
fn skip_comments(mut sql: &str) -> &str {
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
    // Sorts and temporary tables stay in memory, under the heap cap, instead of files outside the
    // bench's folder.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

/// Installs the authorizer: from here on the connection runs plugin SQL.
pub fn lock_down(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.authorizer(Some(authorize))
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
