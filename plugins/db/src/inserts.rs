//! Inserting `rows` rows into `events`: one transaction around a prepared statement vs a statement
//! compiled and committed per row.

use wasmbench_sdk::db::{self, Connection, Value};
use wasmbench_sdk::{Outcome, Params, Workload};

use crate::{digest_rows, int_param, require_db, single_row};

const PARAMS: &[(&str, &str)] = &[("rows", "200")];

/// At most this many rows per iteration, so the summary's sums can't overflow.
const MAX_ROWS: i64 = 1_000_000;

const INSERT: &str = "INSERT INTO events (id, kind, amount) VALUES (?1, ?2, ?3)";

/// The final table, read the same way by both workloads: count, sums and the kinds in id order.
const SUMMARY: &str = "SELECT count(*), sum(amount), sum(id * amount), group_concat(kind, ',') \
                       FROM (SELECT id, kind, amount FROM events ORDER BY id) AS ordered";

const KINDS: [&str; 5] = ["view", "click", "cart", "buy", "share"];

/// The values of row `i` (0-based): derived from the index only.
fn event(i: i64) -> [Value; 3] {
    let kind = KINDS[i.rem_euclid(KINDS.len() as i64) as usize];
    let amount = (i * 7919 + 13) % 1000;
    [Value::Integer(i + 1), kind.into(), Value::Integer(amount)]
}

fn rows_param(params: &Params) -> Result<i64, String> {
    require_db()?;
    let rows = int_param(params, "rows", 1)?;
    if rows > MAX_ROWS {
        return Err(format!(
            "parameter `rows` must be at most {MAX_ROWS}, got {rows}"
        ));
    }
    Ok(rows)
}

/// Checks that an insert changed one row.
fn inserted(changed: u64, i: i64) -> Result<(), String> {
    if changed == 1 {
        Ok(())
    } else {
        Err(format!("insert of row {i} changed {changed} rows, not 1"))
    }
}

/// Empties `events`: the start of every iteration, so each one ends with the same table.
fn clear(conn: &Connection) -> Result<(), String> {
    conn.execute("DELETE FROM events", &[])
        .map(drop)
        .map_err(|e| format!("emptying events: {e}"))
}

/// The outcome of an iteration: the digest of the final table, and the rows inserted.
fn summary(conn: &Connection, rows: i64) -> Result<Outcome, String> {
    let summary = conn
        .query(SUMMARY, &[])
        .map_err(|e| format!("reading events: {e}"))?;
    let count = crate::int_column(single_row(&summary, "reading events")?, 0, "reading events")?;
    if count != rows {
        return Err(format!("events holds {count} rows after inserting {rows}"));
    }
    Ok(Outcome::new(digest_rows(0, &summary), rows as u64))
}

/// BEGIN, one prepared INSERT run per row, COMMIT.
pub(crate) struct InsertTransaction {
    rows: i64,
}

impl Workload for InsertTransaction {
    const NAME: &'static str = "insert-transaction";
    const DESCRIPTION: &'static str = "insert `rows` rows in one transaction with a statement \
         prepared once: one compile and one commit for all of them";
    const UNIT: &'static str = "rows";
    const PARAMS: &'static [(&'static str, &'static str)] = PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(InsertTransaction {
            rows: rows_param(params)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let conn = db::connect().map_err(|e| format!("connecting: {e}"))?;
        clear(&conn)?;
        let insert = conn
            .prepare(INSERT)
            .map_err(|e| format!("preparing the insert: {e}"))?;
        conn.begin().map_err(|e| format!("BEGIN: {e}"))?;
        // On an error, dropping the connection rolls the transaction back.
        for i in 0..self.rows {
            let changed = insert
                .execute(&event(i))
                .map_err(|e| format!("inserting row {i}: {e}"))?;
            inserted(changed, i)?;
        }
        conn.commit().map_err(|e| format!("COMMIT: {e}"))?;
        drop(insert);
        summary(&conn, self.rows)
    }
}

/// One `execute(INSERT, …)` per row outside any transaction: compiled and committed every time.
pub(crate) struct InsertAutocommit {
    rows: i64,
}

impl Workload for InsertAutocommit {
    const NAME: &'static str = "insert-autocommit";
    const DESCRIPTION: &'static str = "insert `rows` rows one statement at a time in autocommit \
         mode: each row is compiled and committed on its own";
    const UNIT: &'static str = "rows";
    const PARAMS: &'static [(&'static str, &'static str)] = PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(InsertAutocommit {
            rows: rows_param(params)?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let conn = db::connect().map_err(|e| format!("connecting: {e}"))?;
        clear(&conn)?;
        for i in 0..self.rows {
            let changed = conn
                .execute(INSERT, &event(i))
                .map_err(|e| format!("inserting row {i}: {e}"))?;
            inserted(changed, i)?;
        }
        summary(&conn, self.rows)
    }
}
