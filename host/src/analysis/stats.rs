//! Statistics of samples: robust summaries, bootstrap confidence intervals (two-level when samples
//! come from several executions), Tukey outlier counts, and the growth trend of a series.
//!
//! The bootstrap is seeded, so the same samples always give the same interval.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::results::{Outliers, Summary, WallResult};

/// Bootstrap resamples for confidence intervals.
pub const RESAMPLES: usize = 2000;
/// Confidence level of the intervals.
pub const CONFIDENCE: f64 = 0.95;
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

/// Linear-interpolated quantile `q` (0..=1) of sorted values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Median of unsorted values (reorders a copy).
pub fn median_of(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    quantile_sorted(&v, 0.5)
}

/// A seeded percentile-bootstrap interval of `statistic` over `samples`.
pub fn bootstrap_ci(samples: &[f64], statistic: impl Fn(&[f64]) -> f64) -> (f64, f64) {
    // One execution: the two-level bootstrap is the ordinary one.
    hierarchical_ci(&[samples.to_vec()], statistic)
}

/// Seeded percentile-bootstrap interval of median(new) / median(old) for two independent sample sets.
pub fn ratio_of_medians_ci(old: &[f64], new: &[f64]) -> (f64, f64) {
    hierarchical_ratio_ci(&[old.to_vec()], &[new.to_vec()])
}

/// Draws one two-level resample into `out`: as many executions as there are, with replacement, and
/// within each drawn execution as many samples as it has, with replacement (Kalibera & Jones,
/// "Rigorous benchmarking in reasonable time", ISMM 2013). With one execution this is the ordinary
/// bootstrap.
fn hierarchical_resample(rng: &mut ChaCha8Rng, executions: &[&[f64]], out: &mut Vec<f64>) {
    out.clear();
    for _ in 0..executions.len() {
        let execution = executions[rng.random_range(0..executions.len())];
        out.extend((0..execution.len()).map(|_| execution[rng.random_range(0..execution.len())]));
    }
}

fn non_empty(executions: &[Vec<f64>]) -> Vec<&[f64]> {
    executions
        .iter()
        .filter(|e| !e.is_empty())
        .map(Vec::as_slice)
        .collect()
}

fn seed_of(parts: &[usize]) -> u64 {
    parts.iter().fold(0x5eed_0002, |seed, &n| {
        crate::model::stable_hash(&(n as u64 ^ seed).to_le_bytes())
    })
}

/// A seeded two-level bootstrap interval of `statistic` over the pooled samples of `executions`:
/// it reflects the spread between executions as well as within them. With fewer than two samples
/// in all, the interval is the point itself (and callers must not treat it as evidence).
pub fn hierarchical_ci(executions: &[Vec<f64>], statistic: impl Fn(&[f64]) -> f64) -> (f64, f64) {
    let groups = non_empty(executions);
    let pooled: Vec<f64> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let point = statistic(&pooled);
    if pooled.len() < 2 {
        return (point, point);
    }
    let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed_of(&sizes));
    let mut resample = Vec::with_capacity(pooled.len());
    let mut estimates: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            hierarchical_resample(&mut rng, &groups, &mut resample);
            statistic(&resample)
        })
        .collect();
    percentile_interval(&mut estimates)
}

/// A seeded two-level bootstrap interval of median(new) / median(old), each side's executions
/// resampled independently (see [`hierarchical_ci`]).
pub fn hierarchical_ratio_ci(old: &[Vec<f64>], new: &[Vec<f64>]) -> (f64, f64) {
    let (a, b) = (non_empty(old), non_empty(new));
    let pooled =
        |groups: &[&[f64]]| -> Vec<f64> { groups.iter().flat_map(|g| g.iter().copied()).collect() };
    let (pa, pb) = (pooled(&a), pooled(&b));
    if pa.len() < 2 || pb.len() < 2 {
        let r = median_of(&pb) / median_of(&pa);
        return (r, r);
    }
    let sizes: Vec<usize> = a.iter().chain(b.iter()).map(|g| g.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed_of(&sizes) ^ 0x0001);
    let (mut ra, mut rb) = (Vec::with_capacity(pa.len()), Vec::with_capacity(pb.len()));
    let mut ratios: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            hierarchical_resample(&mut rng, &a, &mut ra);
            hierarchical_resample(&mut rng, &b, &mut rb);
            median_of(&rb) / median_of(&ra)
        })
        .collect();
    percentile_interval(&mut ratios)
}

/// The ratio new/old of the geometric means of per-execution medians, with a Welch t interval
/// computed on their logarithms; `None` unless both sides have two executions or more.
///
/// Between separate runs this is the honest interval: each execution's median carries its own
/// sampling noise plus the process-level effect (code and data layout, measured here to put whole
/// executions of a CPU-bound bench 30–50% apart), so the spread of execution medians covers both
/// levels, and the t quantile with Welch's degrees of freedom stays wide with few executions, where
/// a bootstrap over three executions is far too narrow (see README, "Regression checks").
pub fn execution_ratio_ci(old: &[Vec<f64>], new: &[Vec<f64>]) -> Option<(f64, (f64, f64))> {
    let logs = |side: &[Vec<f64>]| -> Vec<f64> {
        side.iter()
            .filter(|e| !e.is_empty())
            .map(|e| median_of(e))
            .filter(|m| *m > 0.0)
            .map(f64::ln)
            .collect()
    };
    let (a, b) = (logs(old), logs(new));
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let var = |v: &[f64]| {
        let m = mean(v);
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64
    };
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (va, vb) = (var(&a) / na, var(&b) / nb);
    let difference = mean(&b) - mean(&a);
    let ratio = difference.exp();
    let se = (va + vb).sqrt();
    if se == 0.0 || !se.is_finite() {
        return Some((ratio, (ratio, ratio)));
    }
    // Welch–Satterthwaite degrees of freedom.
    let df = (va + vb).powi(2) / (va.powi(2) / (na - 1.0) + vb.powi(2) / (nb - 1.0));
    let t = StudentsT::new(0.0, 1.0, df)
        .map(|d| d.inverse_cdf(1.0 - (1.0 - CONFIDENCE) / 2.0))
        .ok()?;
    Some((
        ratio,
        ((difference - t * se).exp(), (difference + t * se).exp()),
    ))
}

/// The central [`CONFIDENCE`] interval of bootstrap estimates.
fn percentile_interval(estimates: &mut [f64]) -> (f64, f64) {
    estimates.sort_by(f64::total_cmp);
    let tail = (1.0 - CONFIDENCE) / 2.0;
    (
        quantile_sorted(estimates, tail),
        quantile_sorted(estimates, 1.0 - tail),
    )
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_known_values() {
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!((s.min, s.max, s.mean, s.median), (2.0, 9.0, 5.0, 4.5));
        assert!((s.stddev - 2.138_089_935).abs() < 1e-6);
        // |x - 4.5| = 2.5, .5, .5, .5, .5, .5, 2.5, 4.5 → median 0.5
        assert_eq!(s.mad, 0.5);
        // p95 by linear interpolation: position 6.65 between 7 and 9.
        assert!((s.p95 - 8.3).abs() < 1e-9);
        assert!((s.cv - 2.138_089_935 / 5.0).abs() < 1e-6);
        assert!(s.median_ci_low <= s.median && s.median <= s.median_ci_high);
        assert_eq!(summarize(&[3.0]).unwrap().stddev, 0.0);
        assert!(summarize(&[]).is_none());
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
    }

    #[test]
    fn tukey_fences_classify() {
        // Quartiles 2.25 and 4.75 (IQR 2.5): mild above 8.5, severe above 12.25; low fences below 0.
        let v = [1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 8.0, 20.0];
        let o = tukey(&v);
        assert_eq!(
            (o.high_mild, o.high_severe, o.low_mild, o.low_severe),
            (0, 1, 0, 0)
        );
        let v = [1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 10.0];
        // Quartiles 2.25 and 4.75 again: 10 is mild.
        assert_eq!(tukey(&v).high_mild, 1);
    }

    #[test]
    fn bootstrap_is_seeded_and_covers_the_median() {
        let samples: Vec<f64> = (0..50).map(|i| 100.0 + (i % 7) as f64).collect();
        let a = bootstrap_ci(&samples, median_of);
        let b = bootstrap_ci(&samples, median_of);
        assert_eq!(a, b, "same samples, same interval");
        let m = median_of(&samples);
        assert!(a.0 <= m && m <= a.1);
    }

    #[test]
    fn ratio_interval_brackets_a_known_shift() {
        let old: Vec<f64> = (0..40).map(|i| 100.0 + (i % 5) as f64).collect();
        let new: Vec<f64> = old.iter().map(|x| x * 1.2).collect();
        let (low, high) = ratio_of_medians_ci(&old, &new);
        assert!(low <= 1.2 + 1e-9 && 1.2 - 1e-9 <= high, "({low}, {high})");
        assert!(
            low > 1.1,
            "a 20% shift is clearly outside 1: ({low}, {high})"
        );
    }

    #[test]
    fn between_execution_spread_widens_the_interval() {
        // Three executions, each tight, but their levels differ by 10%: the pooled one-level
        // bootstrap is narrow, the two-level one must cover the spread of levels.
        let executions: Vec<Vec<f64>> = [100.0, 110.0, 120.0]
            .iter()
            .map(|level| (0..20).map(|i| level + (i % 3) as f64 * 0.1).collect())
            .collect();
        let pooled: Vec<f64> = executions.iter().flatten().copied().collect();
        let flat = bootstrap_ci(&pooled, median_of);
        let (low, high) = hierarchical_ci(&executions, median_of);
        assert!(
            high - low > 2.0 * (flat.1 - flat.0),
            "({low}, {high}) vs {flat:?}"
        );
        assert!(low <= 101.0 && high >= 119.0, "({low}, {high})");
        let summary = summarize_executions(&executions).unwrap();
        assert_eq!((summary.count, summary.executions), (60, 3));
        assert!(summary.noisy, "a 20% spread between executions is noisy");
        // Seeded: the same input gives the same interval.
        assert_eq!(hierarchical_ci(&executions, median_of), (low, high));
    }

    #[test]
    fn ratio_between_separate_executions_includes_their_spread() {
        let side = |levels: &[f64]| -> Vec<Vec<f64>> {
            levels
                .iter()
                .map(|level| (0..15).map(|i| level + (i % 4) as f64 * 0.05).collect())
                .collect()
        };
        // Same distribution of levels on both sides: the interval must contain 1.
        let (low, high) =
            hierarchical_ratio_ci(&side(&[100.0, 104.0, 97.0]), &side(&[103.0, 98.0, 101.0]));
        assert!(low < 1.0 && high > 1.0, "({low}, {high})");
        // A clear 20% shift stays outside 1.
        let (low, _) =
            hierarchical_ratio_ci(&side(&[100.0, 101.0, 99.0]), &side(&[120.0, 121.0, 119.0]));
        assert!(low > 1.1, "{low}");
        // One sample a side: no interval to speak of.
        assert_eq!(
            hierarchical_ratio_ci(&[vec![100.0]], &[vec![150.0]]),
            (1.5, 1.5)
        );
        // Empty executions are ignored.
        assert_eq!(
            hierarchical_ci(&[vec![], vec![5.0, 5.0]], median_of),
            (5.0, 5.0)
        );
    }

    #[test]
    fn execution_ratio_uses_the_spread_of_execution_medians() {
        let side = |levels: &[f64]| -> Vec<Vec<f64>> {
            levels
                .iter()
                .map(|&l| vec![l, l * 1.01, l * 0.99])
                .collect()
        };
        // Identical levels: ratio 1 inside the interval.
        let (r, (low, high)) =
            execution_ratio_ci(&side(&[100.0, 104.0, 97.0]), &side(&[103.0, 98.0, 101.0])).unwrap();
        assert!(
            (r - 1.0).abs() < 0.02 && low < 1.0 && high > 1.0,
            "{r} ({low}, {high})"
        );
        // Bimodal executions (a fast process now and then) make a wide interval, not a change.
        let (_, (low, high)) =
            execution_ratio_ci(&side(&[100.0, 100.0, 65.0]), &side(&[100.0, 100.0, 100.0]))
                .unwrap();
        assert!(low < 1.0 && high > 1.3, "({low}, {high})");
        // A clear, consistent 20% shift is bracketed tightly.
        let (r, (low, high)) =
            execution_ratio_ci(&side(&[100.0, 101.0, 99.0]), &side(&[120.0, 121.0, 119.0]))
                .unwrap();
        assert!(
            (r - 1.2).abs() < 0.01 && low > 1.15 && high < 1.25,
            "{r} ({low}, {high})"
        );
        // One execution a side: no between-execution variation to go on.
        assert!(execution_ratio_ci(&side(&[100.0]), &side(&[100.0, 101.0])).is_none());
    }

    #[test]
    fn noisy_samples_are_flagged() {
        let steady: Vec<f64> = (0..30).map(|i| 1000.0 + (i % 3) as f64).collect();
        assert!(!summarize(&steady).unwrap().noisy);
        let noisy: Vec<f64> = (0..30)
            .map(|i| if i % 2 == 0 { 1000.0 } else { 1500.0 })
            .collect();
        assert!(summarize(&noisy).unwrap().noisy);
    }

    #[test]
    fn slope_of_lines() {
        assert_eq!(slope(&[5.0, 5.0, 5.0]), 0.0);
        assert!((slope(&[0.0, 2.0, 4.0, 6.0]) - 2.0).abs() < 1e-12);
        assert_eq!(slope(&[1.0]), 0.0);
    }

    #[test]
    fn integer_median() {
        assert_eq!(median_u64(&[3, 1, 2]), Some(2));
        assert_eq!(median_u64(&[]), None);
    }
}
