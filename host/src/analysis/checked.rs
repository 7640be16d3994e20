//! Results read from a file, made safe to analyse: the file's wall-time summary is only trusted
//! when it agrees with its samples. Cheap (O(n log n) at most, only for inconsistent benches), and
//! kept out of the reader (`results::read_results`), which checks the file's shape, not its sense.
//!
//! - no wall-time samples: the bench has no wall time (`wall_ns` dropped), so every report and
//!   verdict says "no data" rather than showing a summary of nothing;
//! - executions that don't add up to the samples, or a summary that counts another number of
//!   samples: the summary is computed again from the samples (the executions kept when they add
//!   up, else the samples taken as one execution).
//!
//! Values can't be non-finite: JSON has no NaN or infinity, and the reader refuses numbers beyond
//! `f64`.

use crate::results::{RunResults, WallResult};

use super::stats;

/// `results` with every bench's wall time consistent (see the module's documentation); returns
/// one line per bench that was changed, naming it and why.
pub fn consistent(results: &mut RunResults) -> Vec<String> {
    let mut notes = Vec::new();
    for bench in &mut results.benches {
        let Some(wall) = bench.wall_ns.take() else {
            continue;
        };
        let (wall, why) = repaired(wall);
        bench.wall_ns = wall;
        if let Some(why) = why {
            notes.push(format!("{}: {why}", bench.head.id));
        }
    }
    notes
}

/// `wall` made consistent (`None` without samples), and why it had to be when it did.
fn repaired(wall: WallResult) -> (Option<WallResult>, Option<String>) {
    let n = wall.samples.len();
    if n == 0 {
        return (None, Some("no wall-time samples: no data".into()));
    }
    let in_executions: usize = wall.executions.iter().map(Vec::len).sum();
    if in_executions == n && wall.summary.count == n {
        return (Some(wall), None);
    }
    let why = format!(
        "wall time: {n} samples, {in_executions} in executions, a summary of {}; summarized again from the samples",
        wall.summary.count
    );
    let executions = if in_executions == n {
        wall.executions
    } else {
        vec![wall.samples]
    };
    (stats::wall_result(executions), Some(why))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wall(executions: Vec<Vec<u64>>) -> WallResult {
        stats::wall_result(executions).unwrap()
    }

    #[test]
    fn consistent_wall_time_is_kept_as_is() {
        let w = wall(vec![vec![10, 11, 12], vec![13, 14]]);
        let (kept, why) = repaired(w.clone());
        assert_eq!((kept.unwrap().summary, why), (w.summary, None));
    }

    #[test]
    fn no_samples_is_no_wall_time() {
        let mut w = wall(vec![vec![10, 11, 12]]);
        w.samples.clear();
        let (repaired, why) = repaired(w);
        let why = why.unwrap();
        assert!(repaired.is_none());
        assert!(why.contains("no data"), "{why}");
    }

    #[test]
    fn a_stale_summary_is_computed_again() {
        let mut w = wall(vec![vec![10, 11, 12]]);
        w.samples = vec![100, 200];
        let (repaired, why) = repaired(w);
        let (repaired, why) = (repaired.unwrap(), why.unwrap());
        assert_eq!(repaired.summary.count, 2);
        assert_eq!(repaired.summary.median, 150.0);
        assert_eq!(repaired.executions, vec![vec![100, 200]]);
        assert!(why.contains("summarized again"), "{why}");
        // Executions missing (an edited file): the samples are one execution.
        let mut w = wall(vec![vec![10, 11, 12]]);
        w.executions.clear();
        let repaired = super::repaired(w).0.unwrap();
        assert_eq!(repaired.executions, vec![vec![10, 11, 12]]);
    }
}
