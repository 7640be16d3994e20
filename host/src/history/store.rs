//! Where runs are recorded and series read: the [`Store`] trait, whatever database is behind it.

use anyhow::Result;

use super::record::RunRecord;
use super::series::{Point, Selection, Series};

/// What `add` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    pub run: i64,
    pub values: usize,
    /// Series seen for the first time.
    pub new_series: usize,
}

/// A history of runs. SQLite today ([`SqliteStore`](super::SqliteStore)); a server database (PostgreSQL for a team
/// with many runners writing at once) would be another implementation of this trait.
pub trait Store {
    /// Records a run; refuses one already recorded (same suite, testbed, host, commit and start).
    fn add(&mut self, run: &RunRecord) -> Result<Added>;
    /// Records many runs at once, all or none (a bulk import).
    fn add_all(&mut self, runs: &[RunRecord]) -> Result<Vec<Added>>;
    /// The series the selection names, ordered by key.
    fn series(&self, selection: &Selection) -> Result<Vec<Series>>;
    /// The newest `selection.last` points of a series, oldest first.
    fn points(&self, series: &Series, selection: &Selection) -> Result<Vec<Point>>;
    /// How many runs and series are stored.
    fn counts(&self) -> Result<(u64, u64)>;
    /// Where a commit (or a unique prefix of its id) sits on the time axis: its earliest run.
    fn commit_time(&self, commit: &str) -> Result<Option<i64>>;
}
