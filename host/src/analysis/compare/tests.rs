//! Unit tests of the verdict rules.

use super::rules::{beyond, counted_change, exact};
use super::*;
use crate::results::Counted;

#[test]
fn thresholds_parse_and_override() {
    let t = Thresholds::default()
        .with_overrides("fuel=0.5%,wall=5%,memory=0")
        .unwrap();
    assert_eq!(
        (
            t.get(Metric::Fuel),
            t.get(Metric::Wall),
            t.get(Metric::Memory)
        ),
        (0.005, 0.05, 0.0)
    );
    assert!(
        Thresholds::default()
            .with_overrides("speed=5%")
            .unwrap_err()
            .contains("unknown metric")
    );
    assert!(Thresholds::default().with_overrides("wall=-1%").is_err());
    assert!(Thresholds::default().with_overrides("wall").is_err());
}

#[test]
fn exact_metrics_at_the_threshold_edges() {
    assert_eq!(
        exact(Metric::Fuel, 1000.0, 1005.0, 0.005).verdict,
        Verdict::Unchanged,
        "exactly at the threshold"
    );
    assert_eq!(
        exact(Metric::Fuel, 1000.0, 1006.0, 0.005).verdict,
        Verdict::Regressed
    );
    assert_eq!(
        exact(Metric::Fuel, 1000.0, 994.0, 0.005).verdict,
        Verdict::Improved
    );
    assert_eq!(
        exact(Metric::Memory, 65536.0, 65536.0, 0.0).verdict,
        Verdict::Unchanged
    );
    assert_eq!(
        exact(Metric::Memory, 65536.0, 131072.0, 0.0).verdict,
        Verdict::Regressed
    );
    assert_eq!(
        exact(Metric::Memory, 0.0, 0.0, 0.0).verdict,
        Verdict::Unchanged
    );
}

/// Fuel as a bench reports it: the median, and the range when iterations disagreed.
fn fuel(samples: &[u64]) -> Counted {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let varies = sorted.first() != sorted.last();
    Counted {
        value: sorted[sorted.len() / 2] as f64,
        range: varies.then(|| (sorted[0] as f64, sorted[sorted.len() - 1] as f64)),
    }
}

fn fuel_change(old: &Counted, new: &Counted, threshold: f64) -> MetricChange {
    counted_change(Metric::Fuel, *old, *new, threshold)
}

#[test]
fn varying_fuel_changes_only_beyond_both_sides_spread() {
    // Medians 1000 vs 1030 (+3%), but the spreads overlap: variation, not a change.
    let change = fuel_change(&fuel(&[950, 1000, 1040]), &fuel(&[1000, 1030, 1060]), 0.005);
    assert_eq!(change.verdict, Verdict::Unchanged, "{change:?}");
    assert!(change.basis.as_deref().unwrap().contains("varies"));
    // New's lowest above old's highest, by more than either side's range: a change.
    let change = fuel_change(&fuel(&[990, 1000, 1010]), &fuel(&[1050, 1060, 1070]), 0.005);
    assert_eq!(change.verdict, Verdict::Regressed);
    // Apart, but by less than a side's own range: not enough to tell.
    let change = fuel_change(&fuel(&[990, 1000, 1040]), &fuel(&[1050, 1060, 1070]), 0.005);
    assert_eq!(change.verdict, Verdict::Unchanged);
    let change = fuel_change(&fuel(&[1050, 1060, 1070]), &fuel(&[990, 1000, 1010]), 0.005);
    assert_eq!(change.verdict, Verdict::Improved);
    // Deterministic fuel stays exact.
    let change = fuel_change(&fuel(&[1000; 3]), &fuel(&[1006; 3]), 0.005);
    assert_eq!(change.verdict, Verdict::Regressed);
    assert_eq!(change.basis, None);
}

#[test]
fn separate_runs_need_the_interval_beyond_the_threshold() {
    // Interval wholly above 1 but reaching below 1.05: drift-sized, not a regression.
    assert_eq!(
        beyond(1.08, (1.02, 1.14), 1.05, 0.95, 0.05),
        Verdict::Unchanged
    );
    assert_eq!(
        beyond(1.08, (1.02, 1.14), 1.0, 1.0, 0.05),
        Verdict::Regressed
    );
    assert_eq!(
        beyond(1.12, (1.06, 1.18), 1.05, 0.95, 0.05),
        Verdict::Regressed
    );
    assert_eq!(
        beyond(0.88, (0.82, 0.94), 1.05, 0.95, 0.05),
        Verdict::Improved
    );
    // Inside the effect size: unchanged whatever the interval.
    assert_eq!(
        beyond(1.04, (1.03, 1.05), 1.0, 1.0, 0.05),
        Verdict::Unchanged
    );
}

#[test]
fn verdicts_parse() {
    assert_eq!("regressed".parse::<Verdict>(), Ok(Verdict::Regressed));
    assert!("worse".parse::<Verdict>().is_err());
}
