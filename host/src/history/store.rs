//! Where runs are recorded and series read: the [`Store`] trait, whatever database is behind it.

use anyhow::{Result, anyhow, bail};

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

/// A run as stored, with its id in the store; its `record.values` are empty until
/// [`Store::read_values`] fills them (a history's values don't fit in memory all at once).
#[derive(Debug, Clone)]
pub struct StoredRun {
    pub id: i64,
    pub record: RunRecord,
}

impl StoredRun {
    /// What tells two runs apart in every store (its unique key): suite, testbed, host, commit
    /// and the results' start.
    pub fn identity(&self) -> (&str, &str, &str, &str, &str) {
        identity(&self.record)
    }
}

/// A run's unique key: suite, testbed, host, commit and the results' start.
pub fn identity(run: &RunRecord) -> (&str, &str, &str, &str, &str) {
    (
        &run.suite,
        &run.testbed,
        &run.host,
        &run.commit,
        &run.started_at,
    )
}

/// A history of runs: one SQLite file ([`SqliteStore`](super::SqliteStore), the default) or a
/// schema in a PostgreSQL database ([`PostgresStore`](super::PostgresStore), for a team with many
/// runners writing at once). Both keep the same tables and give the same answers.
pub trait Store {
    /// Records a run; refuses one already recorded (same suite, testbed, host, commit and start).
    fn add(&mut self, run: &RunRecord) -> Result<Added>;
    /// Records many runs at once, all or none (a bulk import).
    fn add_all(&mut self, runs: &[RunRecord]) -> Result<Vec<Added>>;
    /// The series the selection names, ordered by key.
    fn series(&self, selection: &Selection) -> Result<Vec<Series>>;
    /// The newest `selection.last` points of a series, oldest first.
    fn points(&self, series: &Series, selection: &Selection) -> Result<Vec<Point>>;
    /// [`Store::points`] of each of `series`, in one round trip where the store is a server.
    fn points_of(&self, series: &[Series], selection: &Selection) -> Result<Vec<Vec<Point>>> {
        series.iter().map(|s| self.points(s, selection)).collect()
    }
    /// How many runs and series are stored.
    fn counts(&self) -> Result<(u64, u64)>;
    /// Where a commit (or a unique prefix of its id) sits on the time axis: its earliest run.
    fn commit_time(&self, commit: &str) -> Result<Option<i64>>;
    /// Every run stored, in the order they were added, without their values.
    fn runs(&self) -> Result<Vec<StoredRun>>;
    /// Fills in the values of `runs` (from [`Store::runs`]), each in its series' key.
    fn read_values(&self, runs: &mut [StoredRun]) -> Result<()>;
}

/// Why a run is refused by a store that already holds it (the same suite, testbed, host, commit
/// and start): the same words whichever store.
pub fn already_recorded(run: &RunRecord) -> anyhow::Error {
    anyhow!(
        "this run (suite {}, commit {}, started {}) is already in the history",
        run.suite,
        run.commit,
        run.started_at
    )
}

/// Where `commit` sits on the time axis, from the commits whose id it equals or starts
/// (`found`: each id with its earliest run): its time, none, or an error when the prefix is
/// ambiguous and no id equals it.
pub fn commit_time_among(commit: &str, found: &[(String, i64)]) -> Result<Option<i64>> {
    match found {
        [] => Ok(None),
        [(_, at)] => Ok(Some(*at)),
        many => match many.iter().find(|(id, _)| id == commit) {
            Some((_, at)) => Ok(Some(*at)),
            None => bail!(
                "commit {commit:?} is ambiguous in the history: {} commits start with it",
                many.len()
            ),
        },
    }
}
