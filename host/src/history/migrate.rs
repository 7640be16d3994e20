//! `history migrate`: every run of one history copied into another (SQLite to PostgreSQL and
//! back), through the [`Store`] trait, so it works between any two stores. Runs the destination
//! already holds are skipped and counted; the others are copied a batch at a time, each batch all
//! or none, so a migration that stopped halfway is finished by running it again.

use std::collections::HashSet;

use anyhow::Result;

use super::record::RunRecord;
use super::store::{Store, identity};

/// Runs copied per transaction: bounded memory (a run holds a value per series) and few commits.
const BATCH: usize = 100;

/// What a migration did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    pub copied: usize,
    /// Runs the destination already held.
    pub skipped: usize,
    pub values: usize,
}

/// Copies every run of `from` that `to` doesn't hold, in the order they were added; `progress` is
/// told after each batch.
pub fn copy(
    from: &dyn Store,
    to: &mut dyn Store,
    mut progress: impl FnMut(&Copied),
) -> Result<Copied> {
    let present: HashSet<(String, String, String, String, String)> = to
        .runs()?
        .iter()
        .map(|run| owned(identity(&run.record)))
        .collect();
    let (todo, there): (Vec<_>, Vec<_>) = from
        .runs()?
        .into_iter()
        .partition(|run| !present.contains(&owned(run.identity())));
    let mut done = Copied {
        skipped: there.len(),
        ..Copied::default()
    };
    for chunk in todo.chunks(BATCH) {
        let mut batch = chunk.to_vec();
        from.read_values(&mut batch)?;
        let records: Vec<RunRecord> = batch.into_iter().map(|run| run.record).collect();
        to.add_all(&records)?;
        done.copied += records.len();
        done.values += records.iter().map(|r| r.values.len()).sum::<usize>();
        progress(&done);
    }
    Ok(done)
}

fn owned(key: (&str, &str, &str, &str, &str)) -> (String, String, String, String, String) {
    (
        key.0.to_owned(),
        key.1.to_owned(),
        key.2.to_owned(),
        key.3.to_owned(),
        key.4.to_owned(),
    )
}
