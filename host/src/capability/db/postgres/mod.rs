//! A bench's database on a PostgreSQL server (`[db] url`): a schema and a role of its own, made,
//! seeded and dropped by the harness (`setup`); a pool of connections as that role (`database`);
//! one store's calls on it (`session`), with SQLite's placeholders and values mapped (`sql`,
//! `values`) and plans captured as `EXPLAIN (ANALYZE, FORMAT JSON)` (`plan`).

mod database;
mod plan;
mod session;
mod setup;
mod sql;
mod values;

pub use database::PgDatabase;
pub use session::PgSession;
