//! Point lookups: per customer through a prepared statement (with or without an index), through the
//! pool shortcut, and the capability's own cost per call.

use wasmbench_sdk::db::{self, Value};
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

use crate::{digest_rows, int_param, require_db, single_row, spread_ids};

/// The largest value of an integer column (`SELECT max(...)`), at least 1.
fn max_of(sql: &str, what: &str) -> Result<i64, String> {
    let rows = db::query(sql, &[]).map_err(|e| format!("{what}: {e}"))?;
    match single_row(&rows, what)?.first() {
        Some(Value::Integer(max)) if *max >= 1 => Ok(*max),
        Some(Value::Null) => Err(format!("{what}: the table is empty")),
        other => Err(format!(
            "{what}: expected a positive integer, got {other:?}"
        )),
    }
}

/// `count(*)` and `sum(total)` of the orders of `lookups` customers, one prepared statement on
/// one connection.
pub(crate) struct OrdersByCustomer {
    customers: Vec<i64>,
}

impl Workload for OrdersByCustomer {
    const NAME: &'static str = "orders-by-customer";
    const DESCRIPTION: &'static str = "count and total the orders of `lookups` customers with one \
         prepared statement: an index seek per lookup with an index on orders(customer_id), a \
         full scan without";
    const UNIT: &'static str = "lookups";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("lookups", "20")];

    fn setup(params: &Params) -> Result<Self, String> {
        require_db()?;
        let lookups = int_param(params, "lookups", 1)?;
        let max = max_of(
            "SELECT max(customer_id) FROM orders",
            "finding the customer ids",
        )?;
        Ok(OrdersByCustomer {
            customers: spread_ids(lookups, max),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let conn = db::connect().map_err(|e| format!("connecting: {e}"))?;
        let lookup = conn
            .prepare("SELECT count(*), sum(total) FROM orders WHERE customer_id = ?1")
            .map_err(|e| format!("preparing the lookup: {e}"))?;
        let mut hash = fnv1a(0, &(self.customers.len() as u64).to_le_bytes());
        let mut orders = 0;
        for &customer in &self.customers {
            let rows = lookup
                .query(&[customer.into()])
                .map_err(|e| format!("orders of customer {customer}: {e}"))?;
            let what = "orders lookup";
            orders += crate::int_column(single_row(&rows, what)?, 0, what)? as u64;
            hash = digest_rows(hash, &rows);
        }
        Ok(Outcome::new(hash, self.customers.len() as u64).counter("orders", orders))
    }
}

/// `queries` point lookups of books by id, each through `db::query` (a connection taken from the
/// pool and given back per query).
pub(crate) struct PoolLookups {
    books: Vec<i64>,
}

impl Workload for PoolLookups {
    const NAME: &'static str = "pool-lookups";
    const DESCRIPTION: &'static str = "`queries` point lookups of books through the pool shortcut, \
         each taking a connection and giving it back: run with several instances against pools of \
         different sizes to see the wait for a connection";
    const UNIT: &'static str = "queries";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("queries", "4")];

    fn setup(params: &Params) -> Result<Self, String> {
        require_db()?;
        let queries = int_param(params, "queries", 1)?;
        let max = max_of("SELECT max(id) FROM books", "finding the book ids")?;
        Ok(PoolLookups {
            books: spread_ids(queries, max),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut hash = fnv1a(0, &(self.books.len() as u64).to_le_bytes());
        for &book in &self.books {
            let rows = db::query(
                "SELECT id, title, published FROM books WHERE id = ?1",
                &[book.into()],
            )
            .map_err(|e| format!("book {book}: {e}"))?;
            hash = digest_rows(hash, &rows);
        }
        Ok(Outcome::new(hash, self.books.len() as u64))
    }
}

/// One trivial query per iteration: what a call through the capability costs by itself.
pub(crate) struct RoundTrip {
    calls: u64,
    /// `Some` for `via = "prepared"`: one held connection and its statement.
    prepared: Option<(db::Connection, db::Statement)>,
}

impl Workload for RoundTrip {
    const NAME: &'static str = "round-trip";
    const DESCRIPTION: &'static str = "`calls` trivial `SELECT 1` round trips per iteration: the \
         capability's own cost per call, through the pool shortcut (take a connection, compile, \
         run, give it back: `via = pool`) or a statement prepared once on a held connection \
         (`via = prepared`)";
    const UNIT: &'static str = "queries";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("calls", "100"), ("via", "pool")];

    fn setup(params: &Params) -> Result<Self, String> {
        require_db()?;
        let calls = params.u64("calls")?;
        let prepared = match params.str("via")? {
            "pool" => None,
            "prepared" => {
                let conn = db::connect()?;
                let statement = conn.prepare("SELECT 1")?;
                Some((conn, statement))
            }
            other => return Err(format!("unknown via `{other}` (pool, prepared)")),
        };
        Ok(RoundTrip { calls, prepared })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut hash = 0;
        for _ in 0..self.calls {
            let rows = match &self.prepared {
                None => db::query("SELECT 1", &[]),
                Some((_, statement)) => statement.query(&[]),
            }
            .map_err(|e| format!("SELECT 1: {e}"))?;
            hash = digest_rows(hash, &rows);
        }
        Ok(Outcome::new(hash, self.calls))
    }
}
