//! When a bench's executions have answered the question asked of them, so `--executions auto` can
//! stop adding more: against a baseline, a wall-time verdict that is not `inconclusive`; in an A/B
//! run, the same from the pairs; without either, the median known to within a precision target.

use std::collections::BTreeMap;
use std::time::Duration;

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::compare::{Verdict, wall_verdict};
use super::stats::{log_execution_medians, wall_result};
use crate::results::WallResult;

/// Executions a bench may take under `--executions auto` unless told otherwise.
pub const MAX_AUTO_EXECUTIONS: u32 = 20;

/// What settles a bench, and what bounds the search.
#[derive(Debug, Clone, Default)]
pub struct Settle {
    /// The baseline's wall time per bench id (`run --baseline`).
    pub baseline: BTreeMap<String, WallResult>,
    /// The wall-time threshold per bench id; [`Settle::DEFAULT_THRESHOLD`] for others.
    pub thresholds: BTreeMap<String, f64>,
    /// The most executions a bench takes.
    pub max_executions: u32,
    /// The time the extra executions may take in all, beyond the planned ones; `None`: a third of
    /// the time the planned ones took.
    pub budget: Option<Duration>,
}

impl Settle {
    /// The wall threshold of benches the suite gives none (`Thresholds::default()`'s).
    pub const DEFAULT_THRESHOLD: f64 = 0.05;

    fn threshold(&self, id: &str) -> f64 {
        self.thresholds
            .get(id)
            .copied()
            .unwrap_or(Self::DEFAULT_THRESHOLD)
    }

    /// Whether bench `id`'s executions so far answer its question. `head` is the bench's samples
    /// per execution; in an A/B run `base` the base side's and `pairs` the (base, head) pairs.
    pub fn settled(
        &self,
        id: &str,
        head: &[Vec<u64>],
        base: Option<&[Vec<u64>]>,
        pairs: &[Vec<(u64, u64)>],
    ) -> bool {
        let threshold = self.threshold(id);
        let Some(new) = wall_result(head.to_vec()) else {
            return true; // nothing measured: more executions won't help
        };
        let decided = |verdict: Verdict| {
            !matches!(verdict, Verdict::Inconclusive | Verdict::InsufficientData)
        };
        if let Some(base) = base {
            return wall_result(base.to_vec())
                .is_none_or(|old| decided(wall_verdict(&old, &new, threshold, Some(pairs))));
        }
        if let Some(old) = self.baseline.get(id) {
            return decided(wall_verdict(old, &new, threshold, None));
        }
        precise(head, threshold / 2.0)
    }
}

/// Whether the executions' medians pin the bench's wall time down to ± `precision` (relative, at
/// 95%): Student's t on their logarithms, the interval separate runs are compared with.
pub fn precise(executions: &[Vec<u64>], precision: f64) -> bool {
    let as_f64: Vec<Vec<f64>> = executions
        .iter()
        .map(|e| e.iter().map(|&ns| ns as f64).collect())
        .collect();
    let logs = log_execution_medians(&as_f64);
    let n = logs.len() as f64;
    if logs.len() < 2 {
        return false;
    }
    let mean = logs.iter().sum::<f64>() / n;
    let sd = (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let t = StudentsT::new(0.0, 1.0, n - 1.0).map_or(f64::INFINITY, |d| d.inverse_cdf(0.975));
    t * sd / n.sqrt() <= (1.0 + precision).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn executions(medians: &[u64]) -> Vec<Vec<u64>> {
        medians.iter().map(|&m| vec![m - 1, m, m + 1]).collect()
    }

    #[test]
    fn without_a_baseline_the_median_must_be_known_to_the_precision() {
        assert!(
            !precise(&executions(&[100]), 0.025),
            "one execution tells nothing"
        );
        assert!(precise(&executions(&[100, 101, 100]), 0.025));
        assert!(!precise(&executions(&[100, 130, 100]), 0.025));
        // More executions narrow the interval: one slow one among many is absorbed.
        assert!(precise(
            &executions(&[100, 130, 100, 101, 99, 100, 101, 100, 99, 100, 101, 100]),
            0.05
        ));
    }

    #[test]
    fn against_a_baseline_a_verdict_settles_and_inconclusive_does_not() {
        let mut settle = Settle::default();
        settle.baseline.insert(
            "b".into(),
            wall_result(executions(&[100, 100, 101])).unwrap(),
        );
        assert!(settle.settled("b", &executions(&[100, 101, 100]), None, &[]));
        assert!(settle.settled("b", &executions(&[150, 151, 150]), None, &[]));
        // Executions spread out (none standing apart to set aside): the data can't tell yet.
        assert!(!settle.settled("b", &executions(&[100, 115, 130]), None, &[]));
    }
}
