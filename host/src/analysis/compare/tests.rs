//! Unit tests of the verdict rules.

use super::rules::{Intervals, beyond, counted_change, exact, no_data, sampled_change, unsettled};
use super::*;
use crate::analysis::ratio::Statistic;
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

/// One interval at both levels (tests that are about the threshold, not the levels).
fn same(ci: (f64, f64)) -> Intervals {
    Intervals {
        ci,
        equivalence: ci,
    }
}

/// `unchanged` is two one-sided tests at 5% (the 90% interval within ±threshold); a change is held
/// to the 95% interval.
#[test]
fn equivalence_reads_the_90_percent_interval_and_a_change_the_95_percent_one() {
    let wide_95_narrow_90 = Intervals {
        ci: (0.94, 1.06),
        equivalence: (0.955, 1.045),
    };
    assert_eq!(
        beyond(1.0, wide_95_narrow_90, 1.05, 0.95, 0.05),
        Verdict::Unchanged
    );
    // Beyond the threshold at 90% but not at 95%: not enough to fail a job.
    let beyond_at_90_only = Intervals {
        ci: (1.045, 1.15),
        equivalence: (1.055, 1.14),
    };
    assert_eq!(
        beyond(1.10, beyond_at_90_only, 1.05, 0.95, 0.05),
        Verdict::Inconclusive
    );
    let why = unsettled(1.10, beyond_at_90_only, 0.05, Some((3, 3)));
    assert!(
        why.starts_with("inconclusive: the 95% interval 1.045×–1.150× reaches back within ±5%"),
        "{why}"
    );
    let why = unsettled(
        1.0,
        Intervals {
            ci: (0.9, 1.1),
            equivalence: (0.92, 1.08),
        },
        0.05,
        Some((3, 3)),
    );
    assert!(
        why.starts_with("inconclusive: the 90% interval 0.920×–1.080× reaches beyond ±5%"),
        "{why}"
    );
}

#[test]
fn separate_runs_need_the_interval_beyond_the_threshold() {
    // Interval wholly above 1 but reaching below 1.05: drift-sized, not a regression — and not
    // evidence of no change either.
    assert_eq!(
        beyond(1.08, same((1.02, 1.14)), 1.05, 0.95, 0.05),
        Verdict::Inconclusive
    );
    assert_eq!(
        beyond(1.08, same((1.02, 1.14)), 1.0, 1.0, 0.05),
        Verdict::Regressed
    );
    assert_eq!(
        beyond(1.12, same((1.06, 1.18)), 1.05, 0.95, 0.05),
        Verdict::Regressed
    );
    assert_eq!(
        beyond(0.88, same((0.82, 0.94)), 1.05, 0.95, 0.05),
        Verdict::Improved
    );
    // The interval within ±threshold: evidence of no change beyond it.
    assert_eq!(
        beyond(1.04, same((1.03, 1.05)), 1.0, 1.0, 0.05),
        Verdict::Unchanged
    );
    assert_eq!(
        beyond(1.0, same((0.96, 1.04)), 1.05, 0.95, 0.05),
        Verdict::Unchanged
    );
}

/// `unchanged` needs the interval inside ±threshold (two one-sided tests); an interval that also
/// admits a change beyond it is `inconclusive`, with why and what would settle it.
#[test]
fn wide_intervals_are_inconclusive_not_unchanged() {
    // The intervals: each said `unchanged` before.
    for ci in [(0.564, 1.469), (0.398, 4.544), (0.554, 1.964)] {
        assert_eq!(
            beyond(1.0, same(ci), 1.05, 0.95, 0.05),
            Verdict::Inconclusive,
            "{ci:?}"
        );
    }
    // Three executions a side spread out evenly (none stands apart to be set aside) around the
    // same value: inconclusive, with a way out.
    let old = wall(vec![
        vec![100, 101, 99],
        vec![115, 116, 114],
        vec![130, 131, 129],
    ]);
    let new = wall(vec![
        vec![101, 100, 99],
        vec![116, 115, 114],
        vec![128, 130, 131],
    ]);
    let change = wall_change(&old, &new);
    assert_eq!(change.verdict, Verdict::Inconclusive, "{change:?}");
    let basis = change.basis.unwrap();
    assert!(
        basis.contains("reaches beyond ±5% (3 vs 3 executions)")
            && basis.contains("--executions")
            && basis.contains("wasmbench ab"),
        "{basis}"
    );
    // Quiet executions a side: the interval fits inside ±5%.
    let old = wall(vec![
        vec![100, 101, 99],
        vec![100, 101, 100],
        vec![101, 100, 99],
    ]);
    let new = wall(vec![
        vec![101, 100, 99],
        vec![100, 101, 102],
        vec![100, 100, 101],
    ]);
    assert_eq!(wall_change(&old, &new).verdict, Verdict::Unchanged);
}

/// Setting apart an execution that stands apart may settle `unchanged`, never make a regression:
/// the run that had it was noisy (the loaded runs of `suites/quick.toml` did exactly this).
#[test]
fn an_execution_set_aside_does_not_make_a_regression() {
    // The baseline's third execution ran at twice the others; the new run all at twice.
    let old = wall(vec![
        vec![390, 391, 389],
        vec![380, 381, 379],
        vec![790, 791, 789],
    ]);
    let new = wall(vec![
        vec![1000, 1001, 999],
        vec![800, 801, 799],
        vec![680, 681, 679],
    ]);
    let change = wall_change(&old, &new);
    assert_eq!(change.verdict, Verdict::Inconclusive, "{change:?}");
    let basis = change.basis.unwrap();
    assert!(
        basis.contains("execution 3 of the baseline")
            && basis.contains("only with them set aside")
            && basis.contains("with every execution it is"),
        "{basis}"
    );
}

/// Time a side's worker waited for a CPU is taken out before a change is called between runs.
#[test]
fn waiting_for_a_cpu_explains_a_slower_run() {
    let old = wall(vec![
        vec![100, 101, 99],
        vec![100, 102, 98],
        vec![101, 100, 99],
    ]);
    let mut new = wall(vec![
        vec![200, 201, 199],
        vec![200, 202, 198],
        vec![201, 200, 199],
    ]);
    // Without the counts: a regression.
    assert_eq!(wall_change(&old, &new).verdict, Verdict::Regressed);
    let mut old = old;
    old.cpu_wait_ns = vec![0, 1, 0];
    // Half of the new run's wall time was other processes' turn on the CPU.
    new.cpu_wait_ns = vec![300, 300, 300];
    let change = wall_change(&old, &new);
    assert_eq!(change.verdict, Verdict::Inconclusive, "{change:?}");
    assert!(
        change
            .basis
            .as_deref()
            .unwrap()
            .contains("the new run's for 50%"),
        "{change:?}"
    );
    // A change beyond what the waiting explains stands.
    new.cpu_wait_ns = vec![30, 30, 30];
    assert_eq!(wall_change(&old, &new).verdict, Verdict::Regressed);
}

#[test]
fn verdicts_parse() {
    assert_eq!("regressed".parse::<Verdict>(), Ok(Verdict::Regressed));
    assert!("worse".parse::<Verdict>().is_err());
}

fn wall(executions: Vec<Vec<u64>>) -> crate::results::WallResult {
    crate::analysis::stats::wall_result(executions).unwrap()
}

fn wall_change(old: &crate::results::WallResult, new: &crate::results::WallResult) -> MetricChange {
    sampled_change(Metric::Wall, old, new, 0.05, None, WallGating::Auto)
}

/// No number in a change is NaN or infinite.
fn finite(change: &MetricChange) -> bool {
    let values = [change.old, change.new, change.ratio]
        .into_iter()
        .flatten()
        .chain(change.ratio_ci.into_iter().flat_map(|(a, b)| [a, b]));
    values.into_iter().all(f64::is_finite)
}

#[test]
fn empty_samples_are_no_data_not_unchanged() {
    let good = wall(vec![vec![100, 101, 102], vec![99, 100, 103]]);
    let mut empty = good.clone();
    empty.samples.clear();
    for (old, new, side) in [(&good, &empty, "new run"), (&empty, &good, "baseline")] {
        let change = wall_change(old, new);
        assert_eq!(change.verdict, Verdict::NoData, "{change:?}");
        assert!(
            change.basis.as_deref().unwrap().contains(side),
            "{change:?}"
        );
        assert!(finite(&change) && change.ratio.is_none(), "{change:?}");
    }
    // Samples without executions (an edited file): the samples are one execution, not NaN.
    let mut flat = good.clone();
    flat.executions.clear();
    let change = wall_change(&good, &flat);
    assert_ne!(change.verdict, Verdict::NoData, "{change:?}");
    assert!(finite(&change), "{change:?}");
}

#[test]
fn zero_medians_are_no_data() {
    let zeros = wall(vec![vec![0, 0, 0], vec![0, 0, 0]]);
    let good = wall(vec![vec![100, 101, 102], vec![99, 100, 103]]);
    for (old, new) in [(&zeros, &good), (&good, &zeros), (&zeros, &zeros)] {
        let change = wall_change(old, new);
        assert_eq!(change.verdict, Verdict::NoData, "{change:?}");
        assert!(finite(&change), "{change:?}");
    }
}

#[test]
fn single_and_equal_samples_give_finite_verdicts() {
    let one = wall(vec![vec![100]]);
    let change = wall_change(&one, &one);
    assert_eq!(change.verdict, Verdict::InsufficientData, "{change:?}");
    assert!(finite(&change));
    // All samples equal on both sides: no change, exactly.
    let same = wall(vec![vec![100; 5], vec![100; 5]]);
    let change = wall_change(&same, &same);
    assert_eq!(change.verdict, Verdict::Unchanged, "{change:?}");
    assert_eq!(change.ratio, Some(1.0));
    assert!(finite(&change));
    let single = wall(vec![vec![100; 5]]);
    let change = wall_change(&single, &single);
    assert_eq!(change.verdict, Verdict::Unchanged, "{change:?}");
    assert!(finite(&change));
}

#[test]
fn large_sample_sets_are_compared() {
    let side = |level: u64| -> Vec<u64> {
        (0..200_000u64)
            .map(|i| level + (i * 7919) % (level / 20))
            .collect()
    };
    // One execution a side: the bounded bootstrap; a 10% shift is called (not gating).
    let (old, new) = (wall(vec![side(10_000)]), wall(vec![side(11_000)]));
    let change = wall_change(&old, &new);
    assert_eq!(change.verdict, Verdict::Regressed, "{change:?}");
    assert!(!change.gating);
    let (low, high) = change.ratio_ci.unwrap();
    assert!(low > 1.05 && high < 1.15, "{change:?}");
}

#[test]
fn a_metric_measured_on_one_side_is_no_data() {
    let change = no_data(Metric::Wall, 0.05, true, false);
    assert_eq!(change.verdict, Verdict::NoData);
    assert_eq!(
        change.basis.as_deref(),
        Some("no data: no samples in the new run")
    );
    assert_eq!("no-data".parse::<Verdict>(), Ok(Verdict::NoData));
    // More concerning than a new bench or an improvement, less than a regression.
    assert!(Verdict::NoData > Verdict::Missing && Verdict::NoData < Verdict::New);
}

#[test]
fn the_values_beside_a_ratio_are_the_ones_it_is_made_of() {
    // One slow execution in the baseline: pooled medians would give 1.0, the execution medians'
    // geometric means give the ratio the verdict uses; the values must be the latter.
    let old = wall(vec![
        vec![100, 101, 99],
        vec![100, 102, 98],
        vec![140, 141, 139],
    ]);
    let new = wall(vec![
        vec![100, 101, 99],
        vec![101, 100, 99],
        vec![100, 102, 98],
    ]);
    let change = wall_change(&old, &new);
    assert_eq!(change.statistic, Some(Statistic::ExecutionGeomean));
    let (o, n, r) = (
        change.old.unwrap(),
        change.new.unwrap(),
        change.ratio.unwrap(),
    );
    assert!((r - n / o).abs() < 1e-9, "{o} → {n} beside {r}");
    // Exact metrics: the quotient too.
    let fuel = exact(Metric::Fuel, 200.0, 250.0, 0.005);
    assert_eq!(fuel.statistic, Some(Statistic::Exact));
    assert_eq!(fuel.ratio, Some(1.25));
}

#[test]
fn a_verdict_names_the_metrics_that_decided_it() {
    let regressed_fuel = exact(Metric::Fuel, 200.0, 250.0, 0.005);
    let same_memory = exact(Metric::Memory, 100.0, 100.0, 0.0);
    let mut bench = BenchChange {
        id: "cpu/sort".into(),
        group: None,
        old_status: Some(Status::Ok),
        new_status: Some(Status::Ok),
        verdict: Verdict::Regressed,
        metrics: vec![regressed_fuel, same_memory],
        note: None,
    };
    assert_eq!(bench.decided_by(), vec![Metric::Fuel]);
    assert_eq!(bench.verdict_label(), "regressed (fuel)");
    bench.verdict = Verdict::Unchanged;
    assert_eq!(bench.verdict_label(), "unchanged");
}

#[test]
fn a_run_on_a_much_noisier_machine_says_so() {
    let comparison = |old: f64, new: f64| Comparison {
        old_label: "a".into(),
        new_label: "b".into(),
        mode: Mode::Baseline,
        thresholds: Thresholds::default(),
        benches: Vec::new(),
        loads: Vec::new(),
        machine_noise: Some(NoiseChange {
            old_spread: old,
            new_spread: new,
            probe_ratio: 1.0,
        }),
    };
    let w = comparison(0.01, 0.06).noise_warning().unwrap();
    assert!(
        w.starts_with("this run's machine was noisier") && w.contains("±6.0% against ±1.0%"),
        "{w}"
    );
    assert!(
        comparison(0.06, 0.01)
            .noise_warning()
            .unwrap()
            .starts_with("the baseline's machine")
    );
    // Both quiet, or alike: nothing to say.
    assert!(comparison(0.005, 0.015).noise_warning().is_none());
    assert!(comparison(0.04, 0.05).noise_warning().is_none());
}

#[test]
fn a_machine_that_itself_slowed_beyond_the_threshold_makes_wall_changes_inconclusive() {
    let old = wall(vec![
        vec![100, 101, 99],
        vec![100, 101, 100],
        vec![101, 100, 99],
    ]);
    let new = wall(vec![
        vec![130, 131, 129],
        vec![130, 131, 130],
        vec![131, 130, 129],
    ]);
    let regressed = wall_change(&old, &new);
    assert_eq!(regressed.verdict, Verdict::Regressed);
    let comparison = |probe_ratio: f64| {
        Comparison {
            old_label: "a".into(),
            new_label: "b".into(),
            mode: Mode::Baseline,
            thresholds: Thresholds::default(),
            benches: vec![BenchChange {
                id: "cpu/fib".into(),
                group: None,
                old_status: Some(Status::Ok),
                new_status: Some(Status::Ok),
                verdict: Verdict::Regressed,
                metrics: vec![regressed.clone()],
                note: None,
            }],
            loads: Vec::new(),
            machine_noise: Some(NoiseChange {
                old_spread: 0.01,
                new_spread: 0.05,
                probe_ratio,
            }),
        }
        .with_machine_speed_accounted()
    };
    let slowed = comparison(1.3);
    assert_eq!(slowed.benches[0].verdict, Verdict::Inconclusive);
    let basis = slowed.benches[0].metrics[0].basis.as_deref().unwrap();
    assert!(
        basis.contains("ran the noise probe 0.77× as fast"),
        "{basis}"
    );
    // The machine ran as fast as before: the regression stands.
    assert_eq!(comparison(1.02).benches[0].verdict, Verdict::Regressed);
    // A machine 10% slower can't explain 30%: the regression stands too.
    assert_eq!(comparison(1.1).benches[0].verdict, Verdict::Regressed);
    // A machine that got faster doesn't excuse a slowdown.
    assert_eq!(comparison(0.7).benches[0].verdict, Verdict::Regressed);
}

#[test]
fn one_slow_execution_does_not_swing_the_verdict() {
    // The baseline's third process ran 40% slow; the new run is like the baseline's others.
    let old = wall(vec![
        vec![100, 101, 99],
        vec![100, 101, 100],
        vec![140, 141, 139],
    ]);
    let new = wall(vec![
        vec![101, 100, 99],
        vec![100, 101, 100],
        vec![100, 99, 101],
    ]);
    let change = wall_change(&old, &new);
    assert_eq!(change.verdict, Verdict::Unchanged, "{change:?}");
    let basis = change.basis.unwrap();
    assert!(
        basis.contains("set aside as standing apart from the others: execution 3 of the baseline"),
        "{basis}"
    );
    assert!((change.old.unwrap() - 100.0).abs() < 1.0);
}
