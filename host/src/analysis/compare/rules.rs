//! The rule per kind of metric: counted metrics compared exactly (beyond the spread when they
//! vary), sampled ones by intervals of the ratio; and the metric's direction applied last.

use super::{MetricChange, Verdict, WallGating};
use crate::analysis::stats::{
    execution_ratio_ci, hierarchical_ci, hierarchical_ratio_ci, median_of,
};
use crate::model::{Direction, Metric};
use crate::results::{Counted, WallResult};

/// Verdicts are computed as if more were worse; a metric where more is better swaps them.
pub(super) fn oriented(mut change: MetricChange) -> MetricChange {
    if change.metric.direction() == Direction::HigherIsBetter {
        change.verdict = match change.verdict {
            Verdict::Regressed => Verdict::Improved,
            Verdict::Improved => Verdict::Regressed,
            other => other,
        };
    }
    change
}

/// Deterministic metrics: any change beyond the tolerance counts.
pub(super) fn exact(metric: Metric, old: f64, new: f64, threshold: f64) -> MetricChange {
    let ratio = if old > 0.0 {
        new / old
    } else if new > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    let verdict = if ratio > 1.0 + threshold {
        Verdict::Regressed
    } else if ratio < 1.0 - threshold {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    };
    MetricChange {
        metric,
        verdict,
        old: Some(old),
        new: Some(new),
        ratio: Some(ratio),
        ratio_ci: None,
        threshold,
        gating: true,
        basis: None,
    }
}

/// Counted metrics (fuel, memory): exact when both sides are deterministic; when either varies
/// (fuel of concurrent I/O), a change must also lie beyond the spread of samples both sides showed
/// (new's lowest above old's highest by more than either side's range, or the reverse), so
/// variation alone is never called a change.
pub(super) fn counted_change(
    metric: Metric,
    old: Counted,
    new: Counted,
    threshold: f64,
) -> MetricChange {
    let mut change = exact(metric, old.value, new.value, threshold);
    if old.range.is_none() && new.range.is_none() {
        return change;
    }
    let ((old_min, old_max), (new_min, new_max)) = (old.span(), new.span());
    change.basis = Some(format!(
        "varies: {old_min}–{old_max} vs {new_min}–{new_max}"
    ));
    // Three samples understate a spread: the gap between the sides must also exceed the wider
    // of the two ranges.
    let spread = (old_max - old_min).max(new_max - new_min);
    let beyond = match change.verdict {
        Verdict::Regressed => new_min > old_max && new_min - old_max > spread,
        Verdict::Improved => new_max < old_min && old_min - new_max > spread,
        _ => true,
    };
    if !beyond {
        change.verdict = Verdict::Unchanged;
    }
    change
}

/// Sampled metrics (wall time): paired ratios in an A/B run, per-execution medians between
/// separate runs.
pub(super) fn sampled_change(
    metric: Metric,
    a: &WallResult,
    b: &WallResult,
    threshold: f64,
    pairs: Option<&Vec<Vec<(u64, u64)>>>,
    gating: WallGating,
) -> MetricChange {
    let mut change = MetricChange {
        metric,
        verdict: Verdict::InsufficientData,
        old: Some(a.summary.median),
        new: Some(b.summary.median),
        ratio: None,
        ratio_ci: None,
        threshold,
        gating: true,
        basis: None,
    };
    let paired = pairs.filter(|p| p.iter().map(Vec::len).sum::<usize>() > 0);
    let (ratio, ci) = match paired {
        Some(pairs) => {
            let ratios: Vec<Vec<f64>> = pairs
                .iter()
                .map(|execution| {
                    execution
                        .iter()
                        .filter(|(o, _)| *o > 0)
                        .map(|(o, n)| *n as f64 / *o as f64)
                        .collect()
                })
                .collect();
            let all: Vec<f64> = ratios.iter().flatten().copied().collect();
            change.basis = Some(format!(
                "paired: {} pairs in {} executions",
                all.len(),
                ratios.iter().filter(|r| !r.is_empty()).count()
            ));
            if all.len() < 2 {
                return change;
            }
            (median_of(&all), hierarchical_ci(&ratios, median_of))
        }
        None => {
            let (old_runs, new_runs) = (a.executions_f64(), b.executions_f64());
            let count = |runs: &[Vec<f64>]| runs.iter().filter(|r| !r.is_empty()).count();
            let (old_n, new_n) = (count(&old_runs), count(&new_runs));
            change.basis = Some(format!("{old_n} vs {new_n} executions"));
            if a.samples.len() < 2 || b.samples.len() < 2 {
                return change;
            }
            match execution_ratio_ci(&old_runs, &new_runs) {
                // Separate runs drift by a few percent whatever the code does: a change must be
                // confidently beyond the threshold, not merely beyond 1.
                Some((ratio, ci)) => {
                    change.verdict = beyond(ratio, ci, 1.0 + threshold, 1.0 - threshold, threshold);
                    change.ratio = Some(ratio);
                    change.ratio_ci = Some(ci);
                    return change;
                }
                None => {
                    change.gating = gating == WallGating::Always;
                    change.basis = Some(format!(
                        "{old_n} vs {new_n} executions: not gating (between-run variation unknown)"
                    ));
                    (
                        b.summary.median / a.summary.median,
                        hierarchical_ratio_ci(&old_runs, &new_runs),
                    )
                }
            }
        }
    };
    change.verdict = beyond(ratio, ci, 1.0, 1.0, threshold);
    change.ratio = Some(ratio);
    change.ratio_ci = Some(ci);
    change
}

/// `regressed` when the interval lies wholly above `above` and the ratio beyond the threshold,
/// `improved` for the mirror case, else `unchanged`.
pub(super) fn beyond(
    ratio: f64,
    ci: (f64, f64),
    above: f64,
    below: f64,
    threshold: f64,
) -> Verdict {
    if ci.0 > above && ratio > 1.0 + threshold {
        Verdict::Regressed
    } else if ci.1 < below && ratio < 1.0 - threshold {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    }
}
