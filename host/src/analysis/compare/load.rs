//! Load scenarios against a baseline. Verdicts on the scenario's metrics (`Metric::load()`: p50,
//! p99, throughput, error rate) come from its rounds, as a bench's wall time comes from its
//! executions: each round is a fresh worker running every phase, so the spread of rounds is the
//! between-run variation a verdict must clear. In an interleaved A/B run the rounds are paired
//! (base and head alternate), elsewhere the two sides' rounds are compared by Welch's t. With one
//! round a side there is no spread: the ratios are shown as information, not a verdict. Per phase,
//! the detail rounds' percentiles are set side by side, as information.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rules::{Intervals, beyond};
use super::verdict::{MetricChange, Verdict};
use crate::analysis::ratio::Statistic;
use crate::analysis::stats::{Difference, mean_interval, welch_difference};
use crate::model::{Direction, LatencyStat, Metric, Status, Thresholds, percent};
use crate::results::{LoadResult, LoadStats};

/// The percentiles a comparison shows per phase.
pub const COMPARED: [LatencyStat; 4] = [
    LatencyStat::P50,
    LatencyStat::P90,
    LatencyStat::P99,
    LatencyStat::P999,
];

/// One scenario in both runs, or in one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadChange {
    pub id: String,
    /// The worst of the gating metric verdicts (or new / missing / failed for the scenario as a
    /// whole; insufficient data when no metric could be judged).
    #[serde(default = "insufficient")]
    pub verdict: Verdict,
    /// Per load metric, from the rounds; empty when the scenario is in one run only.
    #[serde(default)]
    pub metrics: Vec<MetricChange>,
    /// Phases matched by name, then `overall`, of the detail rounds; empty when the scenario is
    /// in one run only.
    pub spans: Vec<SpanChange>,
    /// `new` or `missing` when the scenario is in one run only; a status change otherwise.
    pub note: Option<String>,
}

fn insufficient() -> Verdict {
    Verdict::InsufficientData
}

impl LoadChange {
    pub(super) fn gating_verdicts(&self) -> impl Iterator<Item = Verdict> + '_ {
        self.metrics.iter().filter(|m| m.gating).map(|m| m.verdict)
    }

    /// `regressed (p99 latency)`, `unchanged`.
    pub fn verdict_label(&self) -> String {
        let by: Vec<&str> = self
            .metrics
            .iter()
            .filter(|m| m.gating && m.verdict == self.verdict && self.verdict != Verdict::Unchanged)
            .map(|m| m.metric.label())
            .collect();
        if by.is_empty() {
            self.verdict.to_string()
        } else {
            format!("{} ({})", self.verdict, by.join(", "))
        }
    }

    /// What the verdict stands on: `3 vs 3 rounds, paired`, or the note (`new`, `missing`).
    pub fn basis(&self) -> &str {
        self.metrics
            .first()
            .and_then(|m| m.basis.as_deref())
            .and_then(|b| b.split(':').next())
            .or(self.note.as_deref())
            .unwrap_or("")
    }

    /// The change of `metric`, if it was compared.
    pub fn metric(&self, metric: Metric) -> Option<&MetricChange> {
        self.metrics.iter().find(|m| m.metric == metric)
    }
}

/// A phase (or `overall`) in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanChange {
    pub scope: String,
    pub old: LoadStats,
    pub new: LoadStats,
}

impl SpanChange {
    /// new/old of a corrected latency statistic; none when either run has no latency.
    pub fn latency_ratio(&self, stat: LatencyStat) -> Option<f64> {
        let (old, new) = (self.old.latency?, self.new.latency?);
        ratio(new.get(stat), old.get(stat))
    }

    pub fn throughput_ratio(&self) -> Option<f64> {
        ratio(self.new.throughput, self.old.throughput)
    }

    /// new − old error rate (a fraction).
    pub fn error_rate_change(&self) -> f64 {
        self.new.error_rate - self.old.error_rate
    }
}

fn ratio(new: f64, old: f64) -> Option<f64> {
    (old > 0.0 && new.is_finite()).then(|| new / old)
}

/// How the two sides' rounds relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounds {
    /// Separate runs: the rounds of each side are independent.
    Separate,
    /// One interleaved A/B run: round i of the base ran beside round i of the head.
    Paired,
}

/// Matches scenarios by id, and their phases by name; judges each load metric with `thresholds`.
pub fn compare_loads(
    old: &[LoadResult],
    new: &[LoadResult],
    thresholds: &Thresholds,
    rounds: Rounds,
) -> Vec<LoadChange> {
    let old_by_id: BTreeMap<&str, &LoadResult> =
        old.iter().map(|l| (l.head.id.as_str(), l)).collect();
    let mut changes: Vec<LoadChange> = new
        .iter()
        .map(|load| match old_by_id.get(load.head.id.as_str()) {
            None => alone(load, Verdict::New, "new"),
            Some(base) => compare_scenario(base, load, thresholds, rounds),
        })
        .collect();
    let new_ids: Vec<&str> = new.iter().map(|l| l.head.id.as_str()).collect();
    changes.extend(
        old.iter()
            .filter(|l| !new_ids.contains(&l.head.id.as_str()))
            .map(|l| alone(l, Verdict::Missing, "missing")),
    );
    changes
}

fn alone(load: &LoadResult, verdict: Verdict, note: &str) -> LoadChange {
    LoadChange {
        id: load.head.id.clone(),
        verdict,
        metrics: Vec::new(),
        spans: Vec::new(),
        note: Some(note.into()),
    }
}

fn compare_scenario(
    old: &LoadResult,
    new: &LoadResult,
    thresholds: &Thresholds,
    rounds: Rounds,
) -> LoadChange {
    let mut change = LoadChange {
        id: new.head.id.clone(),
        verdict: Verdict::Unchanged,
        metrics: Vec::new(),
        spans: spans(old, new),
        note: (old.head.status != new.head.status)
            .then(|| format!("status {} → {}", old.head.status, new.head.status)),
    };
    if new.head.status != Status::Ok {
        change.verdict = Verdict::Failed;
        return change;
    }
    if old.head.status != Status::Ok {
        change.verdict = Verdict::NoData;
        return change;
    }
    change.metrics = Metric::load()
        .map(|metric| {
            let (a, b) = (old.rounds_of(metric), new.rounds_of(metric));
            metric_change(metric, &a, &b, thresholds.get(metric), rounds)
        })
        .collect();
    change.verdict = change
        .gating_verdicts()
        .min()
        .unwrap_or(Verdict::InsufficientData);
    change
}

/// One load metric from its rounds on each side.
pub fn metric_change(
    metric: Metric,
    old: &[f64],
    new: &[f64],
    threshold: f64,
    rounds: Rounds,
) -> MetricChange {
    let as_difference = metric.compared_as_difference();
    let mut change = MetricChange {
        metric,
        verdict: Verdict::InsufficientData,
        old: central(old, as_difference),
        new: central(new, as_difference),
        ratio: None,
        ratio_ci: None,
        equivalence_ci: None,
        threshold,
        gating: false,
        basis: None,
        statistic: Some(match rounds {
            Rounds::Separate => Statistic::RoundMean,
            Rounds::Paired => Statistic::PairedRounds,
        }),
    };
    let count = format!("{} vs {} rounds", old.len(), new.len());
    if old.is_empty() || new.is_empty() {
        change.verdict = Verdict::NoData;
        change.basis = Some(format!("no data: {count}"));
        return change;
    }
    let (Some(a), Some(b)) = (on_scale(old, as_difference), on_scale(new, as_difference)) else {
        change.verdict = Verdict::NoData;
        change.basis = Some(format!("no data: a round with a {} of 0", metric.label()));
        return change;
    };
    if !as_difference && let (Some(o), Some(n)) = (change.old, change.new) {
        change.ratio = Some(n / o);
    }
    let paired = rounds == Rounds::Paired && a.len() == b.len();
    let Some(d) = estimate(&a, &b, paired) else {
        change.basis = Some(format!(
            "{count}: no spread to judge a change by; run each side with `--executions 3` or more for a verdict"
        ));
        return change;
    };
    judge(&mut change, &d, paired);
    change.basis = Some(basis(&change, &d, &count, paired, as_difference));
    change
}

/// The values a verdict is judged on: logarithms for a ratio (none when a value is 0, which has
/// none), the values themselves for a difference.
fn on_scale(values: &[f64], as_difference: bool) -> Option<Vec<f64>> {
    if as_difference {
        return Some(values.to_vec());
    }
    values
        .iter()
        .map(|x| (*x > 0.0 && x.is_finite()).then(|| x.ln()))
        .collect()
}

/// new − old on the judging scale with its intervals: the mean per-pair difference (paired
/// rounds), else Welch's; none without two values a side.
fn estimate(old: &[f64], new: &[f64], paired: bool) -> Option<Difference> {
    if paired {
        let differences: Vec<f64> = old.iter().zip(new).map(|(x, y)| y - x).collect();
        mean_interval(&differences)
    } else {
        welch_difference(old, new)
    }
}

/// The verdict from the estimate, in the metric's direction; the ratio and its intervals beside
/// it (not for a difference).
fn judge(change: &mut MetricChange, d: &Difference, paired: bool) {
    let (as_difference, threshold) = (change.metric.compared_as_difference(), change.threshold);
    change.gating = true;
    // On the ratio scale around 1, which is what `beyond` reads; a difference is shifted there.
    let to_ratio = |x: f64| if as_difference { 1.0 + x } else { x.exp() };
    let (estimate, ci, equivalence) = (
        to_ratio(d.estimate),
        (to_ratio(d.ci.0), to_ratio(d.ci.1)),
        (to_ratio(d.equivalence.0), to_ratio(d.equivalence.1)),
    );
    if !as_difference {
        change.ratio = Some(estimate);
        change.ratio_ci = Some(ci);
        change.equivalence_ci = Some(equivalence);
    }
    let intervals = Intervals { ci, equivalence };
    // Between separate runs, as for a bench's wall time, a change must be confidently beyond the
    // threshold: runs drift by a few percent whatever the code does.
    let (above, below) = if paired {
        (1.0, 1.0)
    } else {
        (1.0 + threshold, 1.0 - threshold)
    };
    change.verdict = beyond(estimate, intervals, above, below, threshold);
    if change.metric.direction() == Direction::HigherIsBetter {
        change.verdict = match change.verdict {
            Verdict::Regressed => Verdict::Improved,
            Verdict::Improved => Verdict::Regressed,
            other => other,
        };
    }
}

/// A side's value beside the verdict: the geometric mean of its rounds (the arithmetic mean for a
/// difference metric).
fn central(values: &[f64], arithmetic: bool) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    if arithmetic {
        return Some(values.iter().sum::<f64>() / n);
    }
    if values.len() == 1 || values.iter().any(|v| *v <= 0.0) {
        return Some(values.iter().sum::<f64>() / n);
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / n).exp())
}

/// How the verdict was reached, and for an inconclusive one what would settle it.
fn basis(
    change: &MetricChange,
    d: &Difference,
    count: &str,
    paired: bool,
    as_difference: bool,
) -> String {
    let how = if paired { "paired" } else { "separate runs" };
    let threshold = change.threshold;
    let interval = if as_difference {
        format!(
            "difference {:+.2} points, 95% {:+.2} to {:+.2}",
            100.0 * d.estimate,
            100.0 * d.ci.0,
            100.0 * d.ci.1
        )
    } else {
        let (low, high) = change.ratio_ci.unwrap_or_default();
        format!("95% interval {low:.3}×–{high:.3}×")
    };
    let tolerance = if as_difference {
        format!("±{:.1} points", 100.0 * threshold)
    } else {
        format!("±{}", percent(threshold))
    };
    let mut text = format!("{count}, {how}: {interval}; threshold {tolerance}");
    if change.verdict == Verdict::Inconclusive {
        text.push_str(
            "; inconclusive: the interval reaches both within and beyond the threshold; more rounds (`--executions N`) would narrow it",
        );
    }
    text
}

fn spans(old: &LoadResult, new: &LoadResult) -> Vec<SpanChange> {
    let mut spans: Vec<SpanChange> = new
        .phases
        .iter()
        .filter_map(|phase| {
            let base = old.phases.iter().find(|p| p.name == phase.name)?;
            Some(SpanChange {
                scope: phase.name.clone(),
                old: base.stats.clone(),
                new: phase.stats.clone(),
            })
        })
        .collect();
    if let (Some(old), Some(new)) = (&old.overall, &new.overall) {
        spans.push(SpanChange {
            scope: "overall".into(),
            old: old.clone(),
            new: new.clone(),
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Percentiles;

    fn stats(p99: u64, throughput: f64) -> LoadStats {
        LoadStats {
            throughput,
            latency: Some(Percentiles {
                count: 10,
                p50: p99 / 2,
                p99,
                ..Percentiles::default()
            }),
            ..LoadStats::default()
        }
    }

    #[test]
    fn ratios_are_new_over_old_per_phase_and_overall() {
        let base = SpanChange {
            scope: "hold".into(),
            old: stats(100, 50.0),
            new: stats(150, 40.0),
        };
        assert_eq!(base.latency_ratio(LatencyStat::P99), Some(1.5));
        assert_eq!(base.latency_ratio(LatencyStat::P50), Some(1.5));
        assert_eq!(base.throughput_ratio(), Some(0.8));
        let empty = SpanChange {
            old: LoadStats::default(),
            ..base
        };
        assert_eq!(empty.latency_ratio(LatencyStat::P99), None);
    }

    fn judged(metric: Metric, old: &[f64], new: &[f64], rounds: Rounds) -> MetricChange {
        metric_change(metric, old, new, metric.default_threshold(), rounds)
    }

    #[test]
    fn a_clear_latency_rise_regresses_and_a_throughput_fall_too() {
        let old = [10.0, 10.2, 9.9, 10.1];
        let slower = [11.5, 11.6, 11.4, 11.7];
        let p99 = judged(Metric::LatencyP99, &old, &slower, Rounds::Separate);
        assert_eq!(p99.verdict, Verdict::Regressed, "{p99:?}");
        assert!(p99.gating);
        let (low, high) = p99.ratio_ci.unwrap();
        assert!(low < p99.ratio.unwrap() && p99.ratio.unwrap() < high);
        let throughput = judged(Metric::Throughput, &slower, &old, Rounds::Separate);
        assert_eq!(throughput.verdict, Verdict::Regressed, "{throughput:?}");
        let rise = judged(Metric::Throughput, &old, &slower, Rounds::Separate);
        assert_eq!(rise.verdict, Verdict::Improved, "{rise:?}");
    }

    #[test]
    fn the_same_rounds_are_unchanged_and_wide_ones_inconclusive() {
        let old = [10.0, 10.1, 9.9, 10.05, 9.95];
        let same = [10.02, 9.97, 10.08, 9.93, 10.0];
        let p50 = judged(Metric::LatencyP50, &old, &same, Rounds::Paired);
        assert_eq!(p50.verdict, Verdict::Unchanged, "{p50:?}");
        let wide = [7.0, 13.0, 9.0];
        let p50 = judged(Metric::LatencyP50, &old[..3], &wide, Rounds::Separate);
        assert_eq!(p50.verdict, Verdict::Inconclusive, "{p50:?}");
        assert!(p50.basis.unwrap().contains("--executions"));
    }

    #[test]
    fn pairing_removes_a_drift_both_sides_share() {
        // The machine slows round by round; head is 3% slower than base in every pair.
        let base = [10.0, 11.0, 12.0, 13.0, 14.0];
        let head: Vec<f64> = base.iter().map(|v| v * 1.03).collect();
        let separate = judged(Metric::LatencyP50, &base, &head, Rounds::Separate);
        assert_eq!(separate.verdict, Verdict::Inconclusive, "{separate:?}");
        let paired = metric_change(Metric::LatencyP50, &base, &head, 0.02, Rounds::Paired);
        assert_eq!(paired.verdict, Verdict::Regressed, "{paired:?}");
        assert!((paired.ratio.unwrap() - 1.03).abs() < 1e-9);
    }

    #[test]
    fn one_round_a_side_is_shown_but_not_judged() {
        let change = judged(Metric::LatencyP99, &[10.0], &[20.0], Rounds::Separate);
        assert_eq!(change.verdict, Verdict::InsufficientData);
        assert!(!change.gating);
        assert_eq!(change.ratio, Some(2.0));
        assert!(change.basis.unwrap().contains("--executions 3"));
    }

    #[test]
    fn an_error_rate_is_judged_by_its_difference_from_zero() {
        let clean = [0.0, 0.0, 0.0];
        let failing = [0.05, 0.06, 0.04];
        let change = judged(Metric::ErrorRate, &clean, &failing, Rounds::Separate);
        assert_eq!(change.verdict, Verdict::Regressed, "{change:?}");
        assert_eq!(change.ratio, None);
        assert!(change.basis.unwrap().contains("points"));
        let still_clean = judged(Metric::ErrorRate, &clean, &clean, Rounds::Separate);
        assert_eq!(still_clean.verdict, Verdict::Unchanged, "{still_clean:?}");
    }

    #[test]
    fn a_zero_throughput_is_no_data() {
        let change = judged(
            Metric::Throughput,
            &[0.0, 0.0],
            &[5.0, 5.0],
            Rounds::Separate,
        );
        assert_eq!(change.verdict, Verdict::NoData);
    }
}
