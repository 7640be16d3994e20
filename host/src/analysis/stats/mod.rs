//! Statistics of samples: robust summaries, bootstrap confidence intervals (two-level when samples
//! come from several executions), Tukey outlier counts, and the growth trend of a series.
//!
//! The bootstrap is seeded, so the same samples always give the same interval. Its cost is bounded
//! whatever the number of samples: resamples are drawn from at most [`RESAMPLED_POINTS`] samples
//! (`RESAMPLED_EXECUTIONS` executions); everything else is a sort or a selection, O(n log n).

mod confidence;
mod intervals;
mod quantile;

pub use confidence::{CONFIDENCE, EQUIVALENCE_CONFIDENCE, RESAMPLES};
pub use intervals::{
    Difference, ExecutionRatio, RESAMPLED_EXECUTIONS, RESAMPLED_POINTS, bootstrap_ci,
    execution_ratio_ci, hierarchical_ci, hierarchical_ci_at, hierarchical_ratio_ci,
    log_execution_medians, mean_interval, ratio_of_medians_ci, welch_difference,
};
pub use quantile::{median_of, quantile_sorted};

use crate::results::{Outliers, Summary, WallResult};

/// A summary is flagged noisy when its median's 95% interval is wider than this share of the median.
pub const NOISY_CI_WIDTH: f64 = 0.10;

/// Summary of `samples` from one execution; `None` when there are none.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    summarize_executions(&[samples.to_vec()])
}

/// Summary of the samples of several executions (fresh processes) pooled; the median's interval is
/// a two-level bootstrap (see [`hierarchical_ci`]), so it includes the variation between
/// executions. `None` when there are no samples.
pub fn summarize_executions(executions: &[Vec<f64>]) -> Option<Summary> {
    let mut sorted: Vec<f64> = executions.iter().flatten().copied().collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let count = sorted.len();
    let mean = sorted.iter().sum::<f64>() / count as f64;
    // Sample standard deviation (n - 1): the samples estimate a population.
    let stddev = if count > 1 {
        (sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (count - 1) as f64).sqrt()
    } else {
        0.0
    };
    let median = quantile_sorted(&sorted, 0.5);
    let mut deviations: Vec<f64> = sorted.iter().map(|x| (x - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let (ci_low, ci_high) = hierarchical_ci(executions, median_of);
    Some(Summary {
        count,
        executions: executions.iter().filter(|e| !e.is_empty()).count(),
        min: sorted[0],
        max: sorted[count - 1],
        mean,
        median,
        stddev,
        mad: quantile_sorted(&deviations, 0.5),
        p95: quantile_sorted(&sorted, 0.95),
        cv: if mean != 0.0 { stddev / mean } else { 0.0 },
        median_ci_low: ci_low,
        median_ci_high: ci_high,
        outliers: tukey(&sorted),
        noisy: median > 0.0 && (ci_high - ci_low) / median > NOISY_CI_WIDTH,
    })
}

/// Tukey's fences: mild beyond 1.5 IQR from the quartiles, severe beyond 3 IQR.
pub fn tukey(sorted: &[f64]) -> Outliers {
    let (q1, q3) = (quantile_sorted(sorted, 0.25), quantile_sorted(sorted, 0.75));
    let iqr = q3 - q1;
    let mut out = Outliers::default();
    for &x in sorted {
        if x < q1 - 3.0 * iqr {
            out.low_severe += 1;
        } else if x < q1 - 1.5 * iqr {
            out.low_mild += 1;
        } else if x > q3 + 3.0 * iqr {
            out.high_severe += 1;
        } else if x > q3 + 1.5 * iqr {
            out.high_mild += 1;
        }
    }
    out
}

/// Median of integer samples (upper-middle for even counts, so the result is a real sample).
pub fn median_u64(samples: &[u64]) -> Option<u64> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied()
}

/// Least-squares slope of `series` against its index: units per step. 0 for fewer than 2 points.
pub fn slope(series: &[f64]) -> f64 {
    let n = series.len();
    if n < 2 {
        return 0.0;
    }
    let mean_x = (n - 1) as f64 / 2.0;
    let mean_y = series.iter().sum::<f64>() / n as f64;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in series.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    num / den
}

/// Wall times from per-execution samples, summarized; `None` when there are none.
pub fn wall_result(executions: Vec<Vec<u64>>) -> Option<WallResult> {
    let executions: Vec<Vec<u64>> = executions.into_iter().filter(|e| !e.is_empty()).collect();
    let as_f64: Vec<Vec<f64>> = executions
        .iter()
        .map(|e| e.iter().map(|&ns| ns as f64).collect())
        .collect();
    let summary = summarize_executions(&as_f64)?;
    Some(WallResult {
        samples: executions.iter().flatten().copied().collect(),
        executions,
        summary,
        cpu_wait_ns: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
