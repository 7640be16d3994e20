//! Database access patterns over the bench's embedded SQLite database (the suite's `[db]` table,
//! reached through `wasmbench_sdk::db`). Each workload does one lesson once per iteration; the host
//! counts every statement as a round trip (`db.queries`, `db.rows_read`, `db.rows_written`,
//! `db.prepared`, `db.time_ns`, `db.pool_wait_ns`, `db.latency_ns`) and charges the pool's latency
//! for it, so the counters show what each pattern costs besides its wall time.
//!
//! The workloads expect the schema of `suites/db.toml`: `authors(id, name, country)`,
//! `books(id, author_id, title, published)`, `orders(id, customer_id, total)` and an empty
//! `events(id, kind, amount)`. Their setup fails if the suite has no `[db]` table.
//!
//! - **Pagination** (`page-offset` vs `page-keyset`, params `depth`, `page_size`): page `depth` of
//!   the books ordered by `(published, id)`. `LIMIT … OFFSET` makes the database walk and throw
//!   away every row before the page, so its cost grows with the depth; a keyset ("seek") query
//!   starts from the last row of the previous page, `WHERE (published, id) > (?, ?)`, and costs
//!   the same at any depth when an index covers the order. Both return the same page: equal
//!   checksums (the digest of the page's rows) at the same `depth` and `page_size`.
//! - **Inserts** (`insert-transaction` vs `insert-autocommit`, param `rows`): empty `events`, then
//!   insert `rows` rows. One explicit transaction around a statement prepared once, vs a statement
//!   compiled and committed for every row. Both end with the same table: equal checksums (a digest
//!   of its count, sums and kinds in id order).
//! - **N+1 queries** (`authors-n-plus-one` vs `authors-join`, param `authors`): the first `authors`
//!   authors with the titles of their books, as one query for the authors plus one per author, vs
//!   one join. Same authors and titles in the same order: equal checksums. The `db.queries`
//!   counter shows `authors + 1` round trips against 1.
//! - **Indexes** (`orders-by-customer`, param `lookups`): `count(*)` and `sum(total)` of the orders
//!   of `lookups` customers through one prepared statement; the suite runs it with and without an
//!   index on `orders(customer_id)` (a seek vs a full scan per lookup), equal checksums.
//! - **Connection pool** (`pool-lookups`, param `queries`): `queries` point lookups through the
//!   pool shortcut `db::query`, each taking and giving back a connection; the suite runs it with
//!   several instances against pools of different sizes (`db.pool_wait_ns` shows the queueing).
//! - **Round trip** (`round-trip`, params `calls`, `via`): `calls` `SELECT 1` per iteration through
//!   the pool shortcut (`via = pool`) or a statement prepared once (`via = prepared`): the
//!   capability's own cost per call.
//!
//! Every workload returns the same checksum in every iteration: the inserting ones start each
//! iteration by emptying `events`. They are meant for `instances = 1`, as concurrent instances
//! would interleave their rows in the shared table.

mod authors;
mod inserts;
mod lookups;
mod pagination;

use wasmbench_sdk::db::{self, Rows, Value};
use wasmbench_sdk::{Params, fnv1a};

use authors::{AuthorsJoin, AuthorsNPlusOne};
use inserts::{InsertAutocommit, InsertTransaction};
use lookups::{OrdersByCustomer, PoolLookups, RoundTrip};
use pagination::{PageKeyset, PageOffset};

wasmbench_sdk::register!(
    PageOffset,
    PageKeyset,
    InsertTransaction,
    InsertAutocommit,
    AuthorsNPlusOne,
    AuthorsJoin,
    OrdersByCustomer,
    PoolLookups,
    RoundTrip,
);

/// Fails unless the bench has a database.
pub(crate) fn require_db() -> Result<(), String> {
    if db::available() {
        Ok(())
    } else {
        Err("this workload needs a database: add a [db] table to the suite".to_string())
    }
}

/// An integer parameter of at least `min`, as SQLite's integer type.
pub(crate) fn int_param(params: &Params, name: &str, min: u64) -> Result<i64, String> {
    let value = params.u64(name)?;
    if value < min {
        return Err(format!(
            "parameter `{name}` must be at least {min}, got {value}"
        ));
    }
    i64::try_from(value).map_err(|_| format!("parameter `{name}` is too large: {value}"))
}

/// `hash` extended by the number of rows and then every value, in order.
pub(crate) fn digest_rows(hash: u64, rows: &Rows) -> u64 {
    rows.digest(fnv1a(hash, &(rows.rows.len() as u64).to_le_bytes()))
}

/// Column `index` of a result row, or an error naming what was read.
pub(crate) fn column<'a>(row: &'a [Value], index: usize, what: &str) -> Result<&'a Value, String> {
    row.get(index).ok_or_else(|| {
        format!(
            "{what}: expected at least {} columns, got {}",
            index + 1,
            row.len()
        )
    })
}

/// Column `index` of a result row as an integer.
pub(crate) fn int_column(row: &[Value], index: usize, what: &str) -> Result<i64, String> {
    let value = column(row, index, what)?;
    value
        .as_i64()
        .ok_or_else(|| format!("{what}: column {index} is not an integer: {value:?}"))
}

/// The single row of a query that returns one (an aggregate), or an error.
pub(crate) fn single_row<'a>(rows: &'a Rows, what: &str) -> Result<&'a [Value], String> {
    match rows.rows.as_slice() {
        [row] => Ok(row),
        other => Err(format!("{what}: expected one row, got {}", other.len())),
    }
}

/// `count` ids spread deterministically over `1..=max` (distinct while `count <= max` and `max`
/// is not a multiple of the stride).
pub(crate) fn spread_ids(count: i64, max: i64) -> Vec<i64> {
    const STRIDE: i64 = 7919; // prime
    (0..count)
        .map(|k| (k.wrapping_mul(STRIDE)).rem_euclid(max.max(1)) + 1)
        .collect()
}
