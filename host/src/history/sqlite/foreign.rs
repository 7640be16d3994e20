//! Another program's SQLite file, described: its first schema objects by type and name, for the
//! error that refuses to change it.

use rusqlite::Connection;

use crate::model::clip;

/// "it holds one schema object of another program: view `v`", or "it holds 3 schema objects of
/// another program: table `t`, index `tx`, trigger `tt`".
pub(super) fn schema_objects(c: &Connection) -> Option<String> {
    const SHOWN: usize = 3;
    let count: i64 = c
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
        .ok()?;
    let mut statement = c
        .prepare("SELECT type, name FROM sqlite_schema ORDER BY rowid LIMIT ?1")
        .ok()?;
    let named = statement
        .query_map([SHOWN as i64], |row| {
            Ok(format!(
                "{} `{}`",
                clip(&row.get::<_, String>(0)?, 16),
                clip(&row.get::<_, String>(1)?, 64)
            ))
        })
        .ok()?
        .collect::<rusqlite::Result<Vec<_>>>()
        .ok()?;
    match (count, named.as_slice()) {
        (_, []) => None,
        (1, [one]) => Some(format!(
            "it holds one schema object of another program: {one}"
        )),
        (n, named) => Some(format!(
            "it holds {n} schema objects of another program: {}{}",
            named.join(", "),
            if n as usize > named.len() {
                ", …"
            } else {
                ""
            }
        )),
    }
}
