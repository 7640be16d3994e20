//! The embedded SQLite database lent to a bench (`[db]` without a `url`): created fresh per
//! execution in its own temporary folder, seeded from the suite, and reached through a pool of
//! hardened connections that the bench's instances share. [`SqliteSession`] is one store's side of
//! it: its held connections, prepared statements and counters.

mod clock;
mod pool;
mod seed;
mod session;
mod values;

pub use pool::SqliteDatabase;
pub use session::SqliteSession;

#[cfg(test)]
mod tests;
