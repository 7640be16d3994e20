//! Filling a fresh SQLite database from the suite: the schema, the generated rows
//! ([`table_rows`]), then the bench's indexes.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::values::to_sql;
use crate::capability::db::generate::{quote, table_rows};
use crate::model::{DbConfig, SeedTable};
use crate::sql_guard::{SUITE_SQL_DEADLINE, run_suite_sql};

/// Creates the schema, the rows and the indexes in one transaction; the suite's SQL runs under
/// the suite's rules (`sql_guard::run_suite_sql`).
pub fn seed(conn: &mut Connection, config: &DbConfig) -> Result<(), String> {
    conn.execute_batch("BEGIN").map_err(|e| e.to_string())?;
    let seeded = fill_all(conn, config);
    let end = if seeded.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = conn.execute_batch(end).map_err(|e| e.to_string());
    seeded.and(ended)
}

fn fill_all(conn: &mut Connection, config: &DbConfig) -> Result<(), String> {
    run_suite_sql(conn, &config.schema, SUITE_SQL_DEADLINE)
        .map_err(|e| format!("creating the schema: {e}"))?;
    let mut rows_of = BTreeMap::new();
    for table in &config.tables {
        fill(conn, table, &rows_of).map_err(|e| format!("seeding table `{}`: {e}", table.name))?;
        rows_of.insert(table.name.as_str(), table.rows);
    }
    for (name, sql) in &config.indexes {
        run_suite_sql(conn, sql, SUITE_SQL_DEADLINE)
            .map_err(|e| format!("creating index `{name}`: {e}"))?;
    }
    // The planner's statistics, as a maintained database would have them.
    conn.execute_batch("ANALYZE")
        .map_err(|e| format!("analyzing: {e}"))
}

fn fill(conn: &Connection, table: &SeedTable, rows_of: &BTreeMap<&str, u64>) -> Result<(), String> {
    let rows = table_rows(table, rows_of)?;
    let names: Vec<String> = table.columns.iter().map(|(n, _)| quote(n)).collect();
    let slots: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        quote(&table.name),
        names.join(", "),
        slots.join(", ")
    );
    let mut insert = conn.prepare(&sql).map_err(|e| e.to_string())?;
    for (i, values) in rows.enumerate() {
        insert
            .execute(rusqlite::params_from_iter(values.iter().map(to_sql)))
            .map_err(|e| format!("row {}: {e}", i + 1))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnGen, LatencyMode};

    fn config() -> DbConfig {
        DbConfig {
            url: None,
            schema: "CREATE TABLE a(id INTEGER PRIMARY KEY, name TEXT, n INTEGER);
                     CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER, owner INTEGER, x REAL);"
                .into(),
            tables: vec![
                SeedTable {
                    name: "a".into(),
                    rows: 50,
                    seed: 1,
                    columns: vec![
                        ("id".into(), ColumnGen::Serial),
                        ("name".into(), ColumnGen::Text(3, 6)),
                        ("n".into(), ColumnGen::Int(-5, 5)),
                    ],
                },
                SeedTable {
                    name: "b".into(),
                    rows: 200,
                    seed: 2,
                    columns: vec![
                        ("a_id".into(), ColumnGen::Cycle(50)),
                        ("owner".into(), ColumnGen::Ref("a".into())),
                        ("x".into(), ColumnGen::Real(0.0, 1.0)),
                    ],
                },
            ],
            indexes: vec![("b_by_a".into(), "CREATE INDEX b_by_a ON b(a_id)".into())],
            pool: 1,
            latency: std::time::Duration::ZERO,
            mode: LatencyMode::Accounted,
            memory: DbConfig::DEFAULT_MEMORY,
        }
    }

    fn dump(conn: &Connection) -> Vec<(i64, String, i64)> {
        let mut stmt = conn
            .prepare("SELECT id, name, n FROM a ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn seeding_is_reproducible_and_follows_the_generators() {
        let (mut one, mut two) = (
            Connection::open_in_memory().unwrap(),
            Connection::open_in_memory().unwrap(),
        );
        seed(&mut one, &config()).unwrap();
        seed(&mut two, &config()).unwrap();
        let rows = dump(&one);
        assert_eq!(rows, dump(&two));
        assert_eq!(rows.len(), 50);
        assert!(rows.iter().enumerate().all(|(i, r)| r.0 == i as i64 + 1));
        assert!(
            rows.iter()
                .all(|r| (3..=6).contains(&r.1.len()) && (-5..=5).contains(&r.2))
        );
        let (per_parent, owners_ok): (i64, bool) = one
            .query_row(
                "SELECT max(c), (SELECT min(owner) >= 1 AND max(owner) <= 50 FROM b)
                 FROM (SELECT count(*) AS c FROM b GROUP BY a_id)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(per_parent, 4, "cycle 50 over 200 rows gives each parent 4");
        assert!(owners_ok);
        let index: i64 = one
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'b_by_a'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(index, 1);
    }

    #[test]
    fn a_reference_to_a_later_table_is_an_error() {
        let mut config = config();
        config.tables.reverse();
        let err = seed(&mut Connection::open_in_memory().unwrap(), &config).unwrap_err();
        assert!(err.contains("refers to table `a`"), "{err}");
    }
}
