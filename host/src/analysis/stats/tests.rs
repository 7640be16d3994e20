//! Unit tests of the summaries and intervals.

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
    let same =
        execution_ratio_ci(&side(&[100.0, 104.0, 97.0]), &side(&[103.0, 98.0, 101.0])).unwrap();
    let (r, (low, high)) = (same.ratio, same.ci);
    assert!(
        (r - 1.0).abs() < 0.02 && low < 1.0 && high > 1.0,
        "{r} ({low}, {high})"
    );
    // The equivalence (90%) interval lies strictly inside the 95% one, around the same ratio.
    let (e_low, e_high) = same.equivalence;
    assert!(
        low < e_low && e_low < r && r < e_high && e_high < high,
        "{same:?}"
    );
    // Bimodal executions (a fast process now and then) make a wide interval, not a change.
    let (low, high) =
        execution_ratio_ci(&side(&[100.0, 100.0, 65.0]), &side(&[100.0, 100.0, 100.0]))
            .unwrap()
            .ci;
    assert!(low < 1.0 && high > 1.3, "({low}, {high})");
    // A clear, consistent 20% shift is bracketed tightly.
    let shifted =
        execution_ratio_ci(&side(&[100.0, 101.0, 99.0]), &side(&[120.0, 121.0, 119.0])).unwrap();
    let (r, (low, high)) = (shifted.ratio, shifted.ci);
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

#[test]
fn median_by_selection_matches_the_sorted_median() {
    assert!(median_of(&[]).is_nan());
    assert_eq!(median_of(&[4.0]), 4.0);
    assert_eq!(median_of(&[4.0, 1.0]), 2.5);
    assert_eq!(median_of(&[9.0, 1.0, 5.0, 3.0]), 4.0);
    let v: Vec<f64> = (0..1001)
        .map(|i| ((i * 7919) % 1001) as f64 * 0.37)
        .collect();
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(median_of(&v), quantile_sorted(&sorted, 0.5));
    assert_eq!(
        median_of(&v[1..]),
        quantile_sorted(&sorted_copy(&v[1..]), 0.5)
    );
}

fn sorted_copy(v: &[f64]) -> Vec<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s
}

/// A deterministic spread around 1000 (±5%), for large sample sets.
fn spread(n: usize, level: f64) -> Vec<f64> {
    (0..n)
        .map(|i| level * (1.0 + 0.05 * (((i * 7919) % 10_007) as f64 / 10_007.0 - 0.5)))
        .collect()
}

#[test]
fn a_million_samples_are_summarized_with_a_bounded_bootstrap() {
    // Beyond RESAMPLED_POINTS the bootstrap resamples a quantile subsample: the interval still
    // covers the median, is seeded, and is narrow (the subsample's width, not the full set's).
    let samples = spread(1_000_000, 1000.0);
    let s = summarize(&samples).unwrap();
    assert_eq!(s.count, 1_000_000);
    assert!((s.median - 1000.0).abs() < 0.1, "{}", s.median);
    assert!(
        s.median_ci_low <= s.median && s.median <= s.median_ci_high,
        "{s:?}"
    );
    assert!(s.median_ci_high - s.median_ci_low < 2.0, "{s:?}");
    assert!(!s.noisy);
    assert_eq!(summarize(&samples).unwrap(), s, "seeded");
    // A 10% shift between two large sides is bracketed tightly.
    let (low, high) = ratio_of_medians_ci(&spread(100_000, 1000.0), &spread(100_000, 1100.0));
    assert!(low > 1.09 && high < 1.11 && low <= high, "({low}, {high})");
    // Many executions: at most RESAMPLED_EXECUTIONS of them are resampled.
    let executions: Vec<Vec<f64>> = (0..2_000)
        .map(|i| spread(50, 1000.0 + (i % 3) as f64))
        .collect();
    let (low, high) = hierarchical_ci(&executions, median_of);
    assert!(
        low <= 1001.0 && high >= 1000.0 && high - low < 5.0,
        "({low}, {high})"
    );
}

#[test]
fn quantile_points_keep_the_distribution() {
    let v: Vec<f64> = (0..100_000).rev().map(f64::from).collect();
    let points = intervals::quantile_points(&v, 1000);
    assert_eq!(points.len(), 1000);
    assert_eq!((points[0], points[999]), (50.0, 99_950.0));
    assert!((median_of(&points) - median_of(&v)).abs() <= 100.0);
}

#[test]
fn single_and_equal_samples_give_finite_summaries() {
    let one = summarize(&[7.0]).unwrap();
    assert_eq!(
        (one.median, one.median_ci_low, one.median_ci_high),
        (7.0, 7.0, 7.0)
    );
    let same = summarize(&[5.0; 100]).unwrap();
    assert_eq!(
        (
            same.median,
            same.median_ci_low,
            same.median_ci_high,
            same.mad
        ),
        (5.0, 5.0, 5.0, 0.0)
    );
    assert!(!same.noisy && same.cv == 0.0);
    let zeros = summarize(&[0.0; 10]).unwrap();
    assert!(!zeros.noisy && zeros.cv == 0.0, "{zeros:?}");
    assert!(wall_result(vec![vec![], vec![]]).is_none());
}
