//! The ratio of two measurements of a sampled metric (wall time, or any metric whose
//! `BenchResult::measurement` is `Sampled`), and the two values it is made of.
//!
//! Every report that puts a ratio next to two times takes all three from here, so the page's
//! arithmetic holds: `new / old` is the ratio shown, and [`Statistic`] names what `old` and `new`
//! are. With two executions or more a side the values are geometric means of per-execution medians
//! (a slow process moves one of them, not every sample) and the interval is Welch's t on their
//! logarithms; with fewer, the medians of all iterations with a two-level bootstrap interval.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::executions::standing_apart;
use super::stats::{execution_ratio_ci, hierarchical_ratio_ci, log_execution_medians, median_of};

/// What the values beside a ratio are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statistic {
    /// Exact values (fuel, peak memory): the ratio is their quotient.
    Exact,
    /// Each side's geometric mean of its executions' medians; the ratio is their quotient.
    ExecutionGeomean,
    /// Each side's median over all its iterations; the ratio is their quotient.
    PooledMedian,
    /// The ratio is the median of per-pair ratios of an interleaved A/B run; the values are each
    /// side's median over all its iterations (so `new / old` differs from the ratio).
    PairedRatio,
    /// A load scenario's rounds: each side's geometric mean of its rounds' values; the ratio is
    /// their quotient (an error rate: the mean, and their difference).
    RoundMean,
    /// A load scenario in an interleaved A/B run: the ratio is the geometric mean of per-round
    /// ratios (an error rate: the mean per-round difference); the values are each side's mean.
    PairedRounds,
}

impl Statistic {
    /// Words for a page: what the two values beside the ratio are.
    pub fn describe(self) -> &'static str {
        match self {
            Statistic::Exact => "exact values",
            Statistic::ExecutionGeomean => {
                "geometric mean of the executions' medians (one that stands apart set aside)"
            }
            Statistic::PooledMedian => "median of all iterations",
            Statistic::PairedRatio => {
                "ratio: median of per-pair ratios; times: median of all iterations"
            }
            Statistic::RoundMean => "geometric mean of the rounds (an error rate: the mean)",
            Statistic::PairedRounds => {
                "ratio: geometric mean of per-round ratios; values: mean of the rounds"
            }
        }
    }

    /// Whether `new / old` is the ratio (all but the paired ones).
    pub fn is_quotient(self) -> bool {
        !matches!(self, Statistic::PairedRatio | Statistic::PairedRounds)
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// `new / old` of a sampled metric (wall time, whose name it keeps) with its 95% interval (and,
/// between separate runs, its 90% one).
#[derive(Debug, Clone, PartialEq)]
pub struct WallRatio {
    pub old: f64,
    pub new: f64,
    pub ratio: f64,
    pub ci: (f64, f64),
    /// The 90% interval that must lie within a threshold to show no change beyond it (two
    /// one-sided tests at 5%); `None` for the pooled-median bootstrap, which has too little to
    /// go on to show equivalence.
    pub equivalence: Option<(f64, f64)>,
    /// With executions set aside: the 95% interval over all of them. A change must hold with it
    /// too — an execution that stands apart is itself a sign of a noisy run, so setting it aside
    /// may settle `unchanged` but never make a regression.
    pub ci_all: Option<(f64, f64)>,
    pub statistic: Statistic,
    /// Executions with samples on each side.
    pub executions: (usize, usize),
    /// Executions (by index in run order) left out because they stand apart from the others
    /// (`analysis::executions`), on each side.
    pub set_aside: (Vec<usize>, Vec<usize>),
}

impl WallRatio {
    /// Whether the interval excludes 1 (the two differ at 95%).
    pub fn distinguishable(&self) -> bool {
        self.ci.0 > 1.0 || self.ci.1 < 1.0
    }
}

/// The geometric mean of the executions' medians (executions without samples left out).
pub fn execution_geomean(executions: &[Vec<f64>]) -> Option<f64> {
    let logs = log_execution_medians(executions);
    (!logs.is_empty()).then(|| (logs.iter().sum::<f64>() / logs.len() as f64).exp())
}

/// A side's executions without those that stand apart (when two or more are left), and which
/// were left out: a single slow process must not swing a ratio between runs.
fn without_apart(executions: &[Vec<f64>]) -> (Vec<Vec<f64>>, Vec<usize>) {
    let apart = standing_apart(executions);
    let kept: Vec<Vec<f64>> = executions
        .iter()
        .enumerate()
        .filter(|(i, _)| !apart.contains(i))
        .map(|(_, e)| e.clone())
        .collect();
    if apart.is_empty() || kept.iter().filter(|e| !e.is_empty()).count() < 2 {
        return (executions.to_vec(), Vec::new());
    }
    (kept, apart)
}

/// `new / old` for two sets of executions (samples per execution); `None` when a side has no
/// positive median to divide by. With two executions or more a side, an execution that stands
/// apart from its side's others is set aside first (and named in [`WallRatio::set_aside`]).
pub fn wall_ratio(old: &[Vec<f64>], new: &[Vec<f64>]) -> Option<WallRatio> {
    let count = |runs: &[Vec<f64>]| runs.iter().filter(|r| !r.is_empty()).count();
    let executions = (count(old), count(new));
    let ((old_kept, old_aside), (new_kept, new_aside)) = (without_apart(old), without_apart(new));
    if let Some(r) = execution_ratio_ci(&old_kept, &new_kept) {
        let (o, n) = (execution_geomean(&old_kept)?, execution_geomean(&new_kept)?);
        let ci_all = (!old_aside.is_empty() || !new_aside.is_empty())
            .then(|| execution_ratio_ci(old, new).map(|all| all.ci))
            .flatten();
        return Some(WallRatio {
            old: o,
            new: n,
            ratio: r.ratio,
            ci: r.ci,
            equivalence: Some(r.equivalence),
            ci_all,
            statistic: Statistic::ExecutionGeomean,
            executions,
            set_aside: (old_aside, new_aside),
        });
    }
    let pooled = |runs: &[Vec<f64>]| median_of(&runs.iter().flatten().copied().collect::<Vec<_>>());
    let (o, n) = (pooled(old), pooled(new));
    if !(o > 0.0 && o.is_finite() && n.is_finite()) {
        return None;
    }
    Some(WallRatio {
        old: o,
        new: n,
        ratio: n / o,
        ci: hierarchical_ratio_ci(old, new),
        equivalence: None,
        ci_all: None,
        statistic: Statistic::PooledMedian,
        executions,
        set_aside: (Vec::new(), Vec::new()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
    }

    #[test]
    fn the_ratio_is_the_quotient_of_the_values_beside_it() {
        // Executions spread out on each side: the pooled medians' quotient differs from the ratio
        // of execution medians, so only the right values agree with it.
        let old = vec![
            vec![100.0, 101.0, 99.0],
            vec![110.0, 112.0, 108.0],
            vec![121.0, 122.0, 120.0],
        ];
        let new = vec![vec![110.0, 111.0, 109.0], vec![132.0, 130.0, 128.0]];
        let r = wall_ratio(&old, &new).unwrap();
        assert_eq!(r.statistic, Statistic::ExecutionGeomean);
        assert!(close(r.ratio, r.new / r.old), "{r:?}");
        assert!(close(r.old, (100.0f64 * 110.0 * 121.0).cbrt()), "{r:?}");
        assert!(r.ci.0 <= r.ratio && r.ratio <= r.ci.1);
        assert_eq!(r.executions, (3, 2));
        assert_eq!(r.set_aside, (vec![], vec![]));
    }

    #[test]
    fn an_execution_that_stands_apart_is_set_aside_and_named() {
        let old = vec![
            vec![100.0, 101.0, 99.0],
            vec![100.0, 102.0, 98.0],
            vec![140.0, 141.0, 139.0],
        ];
        let new = vec![vec![110.0, 111.0, 109.0], vec![112.0, 110.0, 108.0]];
        let r = wall_ratio(&old, &new).unwrap();
        assert_eq!(r.set_aside, (vec![2], vec![]));
        assert!(
            close(r.old, 100.0) && close(r.ratio, r.new / r.old),
            "{r:?}"
        );
    }

    #[test]
    fn one_execution_a_side_uses_the_medians_of_all_iterations() {
        let r = wall_ratio(&[vec![10.0, 12.0, 11.0]], &[vec![20.0, 22.0, 21.0]]).unwrap();
        assert_eq!(r.statistic, Statistic::PooledMedian);
        assert_eq!((r.old, r.new), (11.0, 21.0));
        assert!(close(r.ratio, 21.0 / 11.0));
        assert!(r.distinguishable());
    }

    #[test]
    fn nothing_to_divide_by_is_no_ratio() {
        assert!(wall_ratio(&[vec![]], &[vec![1.0]]).is_none());
        assert!(wall_ratio(&[vec![0.0, 0.0]], &[vec![1.0, 2.0]]).is_none());
    }
}
