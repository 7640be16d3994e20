//! The database lent to a bench (`[db]`): the embedded SQLite one by default, or a schema of its
//! own on a PostgreSQL server (`[db] url`). Either is created fresh per execution, seeded from the
//! suite with the same generated rows, and reached through a pool the bench's instances share;
//! the plugin sees one WIT interface and the harness the same counters, plans and limits.

mod backend;
mod generate;
mod observed;
mod outcome;
mod postgres;
mod sqlite;

pub use backend::{Database, DbSession};
pub use outcome::{DbLimit, Outcome, PoolWaits, Reply, StatementPlan};
