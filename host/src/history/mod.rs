//! The history of runs across commits: what a series is, how a run becomes points in series, where
//! they are stored ([`Store`]: an SQLite file, [`SqliteStore`], or a PostgreSQL database,
//! [`PostgresStore`], as a [`Location`] names it), copied between stores ([`migrate`]), and which
//! series shifted ([`analyze`]).
//!
//! A series is one metric of one bench (or load scenario) on one testbed under one host version and
//! one set of limits: values measured on different machines, by different wasmtime versions or
//! under different limits are never compared, so they never share a series.

mod analyze;
mod location;
pub mod migrate;
mod postgres;
mod record;
mod series;
mod sqlite;
mod store;
mod time;

pub use analyze::{Analysis, Change, Gate, SeriesTrend, analyze, trend};
pub use location::Location;
pub use postgres::{PostgresStore, PostgresUrl};
pub use record::{Provenance, RunRecord, default_testbed};
pub use series::{Point, Selection, Series, SeriesKey, Value, by_bench};
pub use sqlite::SqliteStore;
pub use store::{Added, Store, StoredRun};
pub use time::format_time;

/// How many of a series' newest commits are analysed and charted unless told otherwise.
pub const DEFAULT_LAST: u32 = 200;

#[cfg(test)]
mod load_tests;
#[cfg(test)]
mod migrate_tests;
#[cfg(test)]
mod tests;
