//! The embedded SQLite database lent to a bench (`[db]`): created fresh per execution in its own
//! temporary folder, seeded from the suite, and reached through a pool of hardened connections that
//! the bench's instances share. [`DbSession`] is one store's side of it: its held connections,
//! prepared statements and counters.

mod clock;
mod pool;
mod seed;
mod session;

pub use pool::{Database, PoolWaits, StatementPlan};
pub use session::{DbLimit, DbSession, Outcome, Reply};

#[cfg(test)]
mod tests;
