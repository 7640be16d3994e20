//! Confidence intervals by seeded bootstrap (one- and two-level: executions, then samples) and
//! by Welch's t on per-execution medians.
//!
//! **Bounded cost.** A bootstrap draws [`RESAMPLES`] resamples as large as its input, so its cost
//! grows with the samples: 10^6 samples would take hours. Resampling therefore works on at most
//! [`RESAMPLED_POINTS`] samples from at most [`RESAMPLED_EXECUTIONS`] executions a side: beyond
//! that, every k-th execution (evenly spaced in run order), and within each execution its quantiles
//! at evenly spaced ranks (the midpoints of equal-count bins), as many as its share of the cap. The
//! subsample has the samples' distribution but fewer points, so the interval is that of
//! `RESAMPLED_POINTS` samples: wider than the full set's (conservative: never a change the full set
//! would not show), and still a fraction of a percent for timing noise of a few percent. Point
//! estimates (medians, ratios) always use every sample. Inputs within the caps are resampled as
//! they are, so results for ordinary sizes are unchanged.

use std::borrow::Cow;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::confidence::{CONFIDENCE, EQUIVALENCE_CONFIDENCE, RESAMPLES};
use super::quantile::{median_of, quantile_sorted};

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

/// The most samples a side's bootstrap resamples from (see the module's documentation).
pub const RESAMPLED_POINTS: usize = 10_000;
/// The most executions a side's bootstrap resamples from.
pub const RESAMPLED_EXECUTIONS: usize = 1_000;

fn non_empty(executions: &[Vec<f64>]) -> Vec<&[f64]> {
    executions
        .iter()
        .filter(|e| !e.is_empty())
        .map(Vec::as_slice)
        .collect()
}

/// The executions to resample: `groups` as they are within the caps, else a deterministic
/// subsample of at most [`RESAMPLED_EXECUTIONS`] executions and about [`RESAMPLED_POINTS`] samples
/// (each chosen execution keeps at least one).
fn bounded<'a>(groups: &[&'a [f64]]) -> Vec<Cow<'a, [f64]>> {
    let total: usize = groups.iter().map(|g| g.len()).sum();
    if total <= RESAMPLED_POINTS && groups.len() <= RESAMPLED_EXECUTIONS {
        return groups.iter().map(|g| Cow::Borrowed(*g)).collect();
    }
    let chosen: Vec<&[f64]> = if groups.len() > RESAMPLED_EXECUTIONS {
        (0..RESAMPLED_EXECUTIONS)
            .map(|i| groups[i * groups.len() / RESAMPLED_EXECUTIONS])
            .collect()
    } else {
        groups.to_vec()
    };
    let total: usize = chosen.iter().map(|g| g.len()).sum();
    chosen
        .into_iter()
        .map(|g| {
            let share =
                (RESAMPLED_POINTS as u128 * g.len() as u128 / total.max(1) as u128) as usize;
            let keep = share.clamp(1, g.len());
            if keep == g.len() {
                return Cow::Borrowed(g);
            }
            Cow::Owned(quantile_points(g, keep))
        })
        .collect()
}

/// `k` values of `values` at evenly spaced ranks: the middle of each of `k` equal-count bins of the
/// sorted values.
pub(super) fn quantile_points(values: &[f64], k: usize) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let n = sorted.len() as u128;
    (0..k as u128)
        .map(|j| sorted[((2 * j + 1) * n / (2 * k as u128)) as usize])
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
    hierarchical_ci_at(executions, statistic, &[CONFIDENCE])[0]
}

/// [`hierarchical_ci`] at each of `levels` (e.g. 0.95 and 0.90), from one set of resamples.
pub fn hierarchical_ci_at(
    executions: &[Vec<f64>],
    statistic: impl Fn(&[f64]) -> f64,
    levels: &[f64],
) -> Vec<(f64, f64)> {
    let groups = non_empty(executions);
    let pooled: Vec<f64> = groups.iter().flat_map(|g| g.iter().copied()).collect();
    let point = statistic(&pooled);
    if pooled.len() < 2 {
        return vec![(point, point); levels.len()];
    }
    let bounded = bounded(&groups);
    let groups: Vec<&[f64]> = bounded.iter().map(|g| g.as_ref()).collect();
    let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed_of(&sizes));
    let mut resample = Vec::with_capacity(sizes.iter().sum());
    let mut estimates: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            hierarchical_resample(&mut rng, &groups, &mut resample);
            statistic(&resample)
        })
        .collect();
    estimates.sort_by(f64::total_cmp);
    levels
        .iter()
        .map(|&level| percentile_interval(&mut estimates, level))
        .collect()
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
    let (bounded_a, bounded_b) = (bounded(&a), bounded(&b));
    let a: Vec<&[f64]> = bounded_a.iter().map(|g| g.as_ref()).collect();
    let b: Vec<&[f64]> = bounded_b.iter().map(|g| g.as_ref()).collect();
    let sizes: Vec<usize> = a.iter().chain(b.iter()).map(|g| g.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed_of(&sizes) ^ 0x0001);
    let (mut ra, mut rb) = (Vec::new(), Vec::new());
    let mut ratios: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            hierarchical_resample(&mut rng, &a, &mut ra);
            hierarchical_resample(&mut rng, &b, &mut rb);
            median_of(&rb) / median_of(&ra)
        })
        .collect();
    percentile_interval(&mut ratios, CONFIDENCE)
}

/// The logarithms of the executions' medians (executions without samples, and medians that are
/// not positive, left out): the scale every interval over executions works on.
pub fn log_execution_medians(executions: &[Vec<f64>]) -> Vec<f64> {
    executions
        .iter()
        .filter(|e| !e.is_empty())
        .map(|e| median_of(e))
        .filter(|m| *m > 0.0 && m.is_finite())
        .map(f64::ln)
        .collect()
}

/// The ratio new/old of the geometric means of per-execution medians with its intervals, from
/// Welch's t on their logarithms; `None` unless both sides have two executions or more.
///
/// Between separate runs this is the honest interval: each execution's median carries its own
/// sampling noise plus the process-level effect (code and data layout, measured here to put whole
/// executions of a CPU-bound bench 30–50% apart), so the spread of execution medians covers both
/// levels, and the t quantile with Welch's degrees of freedom stays wide with few executions, where
/// a bootstrap over three executions is far too narrow (see docs/src/methodology/statistics.md).
pub fn execution_ratio_ci(old: &[Vec<f64>], new: &[Vec<f64>]) -> Option<ExecutionRatio> {
    let (a, b) = (log_execution_medians(old), log_execution_medians(new));
    let d = welch_difference(&a, &b)?;
    let exp = |(low, high): (f64, f64)| (low.exp(), high.exp());
    Some(ExecutionRatio {
        ratio: d.estimate.exp(),
        ci: exp(d.ci),
        equivalence: exp(d.equivalence),
    })
}

/// A difference of means (or one mean) with its [`CONFIDENCE`] and [`EQUIVALENCE_CONFIDENCE`]
/// intervals, from Student's t: on logarithms it is a ratio's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub estimate: f64,
    pub ci: (f64, f64),
    pub equivalence: (f64, f64),
}

/// mean(b) − mean(a) by Welch's t (unequal variances, Welch–Satterthwaite degrees of freedom);
/// `None` unless both sides have two values or more. Values that don't vary give a point interval.
pub fn welch_difference(a: &[f64], b: &[f64]) -> Option<Difference> {
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (va, vb) = (variance(a) / na, variance(b) / nb);
    let df = (va + vb).powi(2) / (va.powi(2) / (na - 1.0) + vb.powi(2) / (nb - 1.0));
    t_intervals(mean(b) - mean(a), (va + vb).sqrt(), df)
}

/// The mean of `values` by Student's t (paired differences: one value per pair); `None` with
/// fewer than two values.
pub fn mean_interval(values: &[f64]) -> Option<Difference> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    t_intervals(mean(values), (variance(values) / n).sqrt(), n - 1.0)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample variance (n − 1).
fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64
}

fn t_intervals(estimate: f64, se: f64, df: f64) -> Option<Difference> {
    if !estimate.is_finite() {
        return None;
    }
    if se == 0.0 || !se.is_finite() {
        let point = (estimate, estimate);
        return Some(Difference {
            estimate,
            ci: point,
            equivalence: point,
        });
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let interval = |level: f64| {
        let half = t.inverse_cdf(1.0 - (1.0 - level) / 2.0) * se;
        (estimate - half, estimate + half)
    };
    Some(Difference {
        estimate,
        ci: interval(CONFIDENCE),
        equivalence: interval(EQUIVALENCE_CONFIDENCE),
    })
}

/// A ratio of execution geometric means with its [`CONFIDENCE`] interval (the one shown, and the
/// one a change must lie beyond) and its [`EQUIVALENCE_CONFIDENCE`] interval (the one that must lie
/// within a threshold to show no change beyond it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExecutionRatio {
    pub ratio: f64,
    pub ci: (f64, f64),
    pub equivalence: (f64, f64),
}

/// The central `level` interval of bootstrap estimates.
fn percentile_interval(estimates: &mut [f64], level: f64) -> (f64, f64) {
    estimates.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    (
        quantile_sorted(estimates, tail),
        quantile_sorted(estimates, 1.0 - tail),
    )
}
