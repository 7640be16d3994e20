//! Verdicts: how a bench changed between two runs (a baseline and a new run, or the two sides of an
//! interleaved A/B run), per metric.
//!
//! - fuel and peak memory are deterministic for a given wasm and settings: compared exactly, with a
//!   relative tolerance;
//!   fuel that varies (concurrent I/O, nondeterministic modules) is called only beyond the spread
//!   both sides showed;
//! - wall time is noisy. A/B runs (paired): the median of per-pair ratios, which cancels drift
//!   shared by both sides of a pair, with a two-level bootstrap interval (executions, then pairs);
//!   a regression needs the interval wholly above 1 and the ratio above 1 + threshold. Separate
//!   runs with two executions or more a side: the ratio of geometric means of per-execution
//!   medians with a Welch t interval, which must lie wholly above 1 + threshold (the threshold is
//!   the allowance for the drift separate runs always have). With a single execution on a side,
//!   the verdict (from a bootstrap of the samples) is shown but marked not gating. Too few samples
//!   give `insufficient-data`, never a zero-width interval called a change.
//! - a metric without data on a side — no samples, a zero median, or measured in one run only —
//!   gives `no-data`: neither a regression nor `unchanged`. It fails the exit code only when asked
//!   (`--fail-on no-data`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod load;
mod rules;
mod verdict;

pub use load::{LoadChange, Rounds, SpanChange, compare_loads};
use rules::{counted_change, no_data, oriented, sampled_change};
pub use verdict::{MetricChange, Verdict, WallGating};

use crate::model::{Metric, Status, Thresholds};
use crate::results::{BenchResult, Measurement, RunResults};

/// One bench across the two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchChange {
    pub id: String,
    pub group: Option<String>,
    pub old_status: Option<Status>,
    pub new_status: Option<Status>,
    /// The worst of the metric verdicts (or new / missing / failed for the bench as a whole).
    pub verdict: Verdict,
    pub metrics: Vec<MetricChange>,
    pub note: Option<String>,
}

impl BenchChange {
    fn gating_verdicts(&self) -> impl Iterator<Item = Verdict> + '_ {
        self.metrics.iter().filter(|m| m.gating).map(|m| m.verdict)
    }

    /// Whether anything about the bench changed: its verdict or a metric's is not `unchanged`
    /// (what comparison.md lists unless `--all`).
    pub fn changed(&self) -> bool {
        self.verdict != Verdict::Unchanged
            || self.metrics.iter().any(|m| m.verdict != Verdict::Unchanged)
    }

    /// The metrics whose verdict is the bench's, e.g. fuel for a bench that regressed on fuel
    /// alone. Empty when the bench was judged as a whole (new, missing, failed) or unchanged.
    pub fn decided_by(&self) -> Vec<Metric> {
        if matches!(
            self.verdict,
            Verdict::Unchanged | Verdict::New | Verdict::Missing | Verdict::Failed
        ) {
            return Vec::new();
        }
        self.metrics
            .iter()
            .filter(|m| m.gating && m.verdict == self.verdict)
            .map(|m| m.metric)
            .collect()
    }

    /// The verdict with the metrics that decided it: `regressed (fuel)`, `unchanged`.
    pub fn verdict_label(&self) -> String {
        let by = self.decided_by();
        if by.is_empty() {
            return self.verdict.to_string();
        }
        let names: Vec<&str> = by.iter().map(|m| m.label()).collect();
        format!("{} ({})", self.verdict, names.join(", "))
    }
}

/// How the two sides were measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Two separate runs (a stored baseline and a new run).
    Baseline,
    /// One interleaved A/B run: wall time compared pair by pair.
    Paired,
}

/// The comparison of two runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub old_label: String,
    pub new_label: String,
    pub mode: Mode,
    pub thresholds: Thresholds,
    pub benches: Vec<BenchChange>,
    /// Load scenarios: percentile ratios, informational (see [`load`]).
    #[serde(default)]
    pub loads: Vec<LoadChange>,
    /// How each run's machine ran the noise probe, when both runs measured it.
    #[serde(default)]
    pub machine_noise: Option<NoiseChange>,
}

/// The machine's noise in the two runs (see `runner/noise.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NoiseChange {
    /// The probe's spread in each run (0.02 = ±2%).
    pub old_spread: f64,
    pub new_spread: f64,
    /// New over old mean probe time: above 1, the machine itself ran slower in the new run
    /// (other processes took the CPU, or the clock changed).
    pub probe_ratio: f64,
}

impl Comparison {
    /// Verdicts equal to `verdict`, of benches and load scenarios and of their gating metrics.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.benches
            .iter()
            .flat_map(|b| std::iter::once(b.verdict).chain(b.gating_verdicts()))
            .chain(
                self.loads
                    .iter()
                    .flat_map(|l| std::iter::once(l.verdict).chain(l.gating_verdicts())),
            )
            .filter(|v| *v == verdict)
            .count()
    }

    /// Benches and load scenarios with any of `verdicts`, as a whole or in one gating metric.
    pub fn any(&self, verdicts: &[Verdict]) -> bool {
        let bench = self.benches.iter().any(|b| {
            verdicts.contains(&b.verdict) || b.gating_verdicts().any(|v| verdicts.contains(&v))
        });
        bench
            || self.loads.iter().any(|l| {
                verdicts.contains(&l.verdict) || l.gating_verdicts().any(|v| verdicts.contains(&v))
            })
    }

    /// Benches in order of concern: regressions first, then failures, missing, no data, new,
    /// improved, insufficient data, unchanged.
    pub fn by_concern(&self) -> Vec<&BenchChange> {
        let mut benches: Vec<&BenchChange> = self.benches.iter().collect();
        benches.sort_by_key(|b| b.verdict);
        benches
    }

    /// A warning when one run's machine was much noisier than the other's (the noise probe's
    /// spread at least twice the other's and beyond ±2%): wall verdicts then lean on the noise.
    pub fn noise_warning(&self) -> Option<String> {
        let NoiseChange {
            old_spread: old,
            new_spread: new,
            ..
        } = self.machine_noise?;
        let pct = |x: f64| format!("±{:.1}%", 100.0 * x);
        let noisier = |a: f64, b: f64| a >= 0.02 && a >= 2.0 * b;
        if noisier(new, old) {
            Some(format!(
                "this run's machine was noisier than the baseline's (noise probe {} against {}): wall-time verdicts are less sure, expect `inconclusive`; rerun on a quieter machine, or compare with `wasmbench ab`",
                pct(new),
                pct(old)
            ))
        } else if noisier(old, new) {
            Some(format!(
                "the baseline's machine was noisier than this run's (noise probe {} against {}): wall-time verdicts are less sure; record the baseline again on a quieter machine",
                pct(old),
                pct(new)
            ))
        } else {
            None
        }
    }

    /// A one-line summary, e.g. `2 regressed, 1 improved, 14 unchanged; load scenarios: 1
    /// unchanged`.
    pub fn headline(&self) -> String {
        let tally = |verdicts: &mut dyn Iterator<Item = Verdict>| {
            let verdicts: Vec<Verdict> = verdicts.collect();
            let parts: Vec<String> = Verdict::ALL
                .into_iter()
                .filter_map(|verdict| {
                    let n = verdicts.iter().filter(|v| **v == verdict).count();
                    (n > 0).then(|| format!("{n} {verdict}"))
                })
                .collect();
            parts.join(", ")
        };
        let benches = tally(&mut self.benches.iter().map(|b| b.verdict));
        let loads = tally(&mut self.loads.iter().map(|l| l.verdict));
        match (benches.is_empty(), loads.is_empty()) {
            (true, true) => "nothing to compare".into(),
            (false, true) => benches,
            (true, false) => format!("load scenarios: {loads}"),
            (false, false) => format!("{benches}; load scenarios: {loads}"),
        }
    }
}

/// Per-bench wall-time pairs from an interleaved A/B run: (old ns, new ns) per execution, in run
/// order.
pub type Pairs = BTreeMap<String, Vec<Vec<(u64, u64)>>>;

/// The wall-time verdict of `new` against `old` by the rules of [`compare`] (paired when `pairs`
/// has any), with `threshold`.
pub fn wall_verdict(
    old: &crate::results::WallResult,
    new: &crate::results::WallResult,
    threshold: f64,
    pairs: Option<&[Vec<(u64, u64)>]>,
) -> Verdict {
    let pairs = pairs.map(<[Vec<(u64, u64)>]>::to_vec);
    sampled_change(
        Metric::Wall,
        old,
        new,
        threshold,
        pairs.as_ref(),
        WallGating::Auto,
    )
    .verdict
}

/// Compares `new` against `old` bench by bench (matched by id). `overrides` replace every bench's
/// thresholds; otherwise each bench uses its suite thresholds, else the defaults. With `pairs`, wall
/// time is compared pair by pair.
pub fn compare(
    old: &RunResults,
    new: &RunResults,
    overrides: Option<&Thresholds>,
    pairs: Option<&Pairs>,
) -> Comparison {
    compare_with(old, new, overrides, pairs, WallGating::Auto)
}

/// [`compare`] with a choice of when wall time gates.
pub fn compare_with(
    old: &RunResults,
    new: &RunResults,
    overrides: Option<&Thresholds>,
    pairs: Option<&Pairs>,
    gating: WallGating,
) -> Comparison {
    let (mode, rounds) = if pairs.is_some() {
        (Mode::Paired, Rounds::Paired)
    } else {
        (Mode::Baseline, Rounds::Separate)
    };
    let thresholds = overrides.copied().unwrap_or_default();
    Comparison {
        old_label: old.suite.name.clone(),
        new_label: new.suite.name.clone(),
        mode,
        thresholds,
        benches: bench_changes(old, new, overrides, pairs, gating),
        loads: compare_loads(&old.loads, &new.loads, &thresholds, rounds),
        machine_noise: noise_change(old, new),
    }
    .with_machine_speed_accounted()
}

/// Each bench of `new` against the one of `old` with its id (or new), then those only `old` has.
fn bench_changes(
    old: &RunResults,
    new: &RunResults,
    overrides: Option<&Thresholds>,
    pairs: Option<&Pairs>,
    gating: WallGating,
) -> Vec<BenchChange> {
    let old_by_id: BTreeMap<&str, &BenchResult> = old
        .benches
        .iter()
        .map(|b| (b.head.id.as_str(), b))
        .collect();
    let new_ids: std::collections::BTreeSet<&str> =
        new.benches.iter().map(|b| b.head.id.as_str()).collect();
    let mut benches = Vec::new();
    for bench in &new.benches {
        let thresholds = overrides.copied().or(bench.thresholds).unwrap_or_default();
        let change = match old_by_id.get(bench.head.id.as_str()) {
            None => unmatched(bench, None, Some(bench.head.status), Verdict::New),
            Some(base) => compare_bench(
                base,
                bench,
                &thresholds,
                pairs.and_then(|p| p.get(&bench.head.id)),
                gating,
            ),
        };
        benches.push(change);
    }
    for base in old
        .benches
        .iter()
        .filter(|b| !new_ids.contains(b.head.id.as_str()))
    {
        benches.push(unmatched(
            base,
            Some(base.head.status),
            None,
            Verdict::Missing,
        ));
    }
    benches
}

/// The change of a bench only one run has (`New` or `Missing`): its statuses, nothing measured.
fn unmatched(
    bench: &BenchResult,
    old_status: Option<Status>,
    new_status: Option<Status>,
    verdict: Verdict,
) -> BenchChange {
    BenchChange {
        id: bench.head.id.clone(),
        group: bench.head.group.clone(),
        old_status,
        new_status,
        verdict,
        metrics: Vec::new(),
        note: None,
    }
}

/// How the machine's own speed changed between the runs, when both probed it.
fn noise_change(old: &RunResults, new: &RunResults) -> Option<NoiseChange> {
    old.machine_noise
        .as_ref()
        .zip(new.machine_noise.as_ref())
        .filter(|(o, n)| o.mean_ns > 0.0 && n.mean_ns.is_finite())
        .map(|(o, n)| NoiseChange {
            old_spread: o.spread,
            new_spread: n.spread,
            probe_ratio: n.mean_ns / o.mean_ns,
        })
}

impl Comparison {
    /// Between separate runs, a machine that itself ran the noise probe slower (or faster) by more
    /// than a bench's wall threshold can't tell that bench's change from its own when the change
    /// is no bigger than the machine's: a wall-time `regressed` whose interval reaches down to the
    /// machine's slowdown plus the threshold (or an `improved` reaching up to its speed-up) becomes
    /// `inconclusive`, saying so. A change well beyond the machine's stands.
    fn with_machine_speed_accounted(mut self) -> Self {
        let Some(noise) = self.machine_noise.filter(|_| self.mode == Mode::Baseline) else {
            return self;
        };
        for bench in &mut self.benches {
            let mut changed = false;
            for m in &mut bench.metrics {
                let (machine, t) = (noise.probe_ratio, m.threshold);
                let (low, high) = m.ratio_ci.unwrap_or((0.0, f64::INFINITY));
                let explained = match m.verdict {
                    Verdict::Regressed => machine > 1.0 + t && low <= machine * (1.0 + t),
                    Verdict::Improved => machine < 1.0 - t && high >= machine * (1.0 - t),
                    _ => false,
                };
                if m.metric == Metric::Wall && explained {
                    m.verdict = Verdict::Inconclusive;
                    m.basis = Some(format!(
                        "{}; inconclusive: the machine itself ran the noise probe {:.2}× as fast as in the baseline (its time {:.3}×), beyond the ±{} threshold, so the change can't be told from the machine's; rerun both on a quieter machine, or use `wasmbench ab`",
                        m.basis.as_deref().unwrap_or(""),
                        1.0 / noise.probe_ratio,
                        noise.probe_ratio,
                        crate::model::percent(m.threshold)
                    ));
                    changed = true;
                }
            }
            if changed {
                bench.verdict = bench.gating_verdicts().min().unwrap_or(Verdict::Unchanged);
            }
        }
        self
    }
}

fn compare_bench(
    old: &BenchResult,
    new: &BenchResult,
    t: &Thresholds,
    pairs: Option<&Vec<Vec<(u64, u64)>>>,
    gating: WallGating,
) -> BenchChange {
    let mut change = BenchChange {
        id: new.head.id.clone(),
        group: new.head.group.clone(),
        old_status: Some(old.head.status),
        new_status: Some(new.head.status),
        verdict: Verdict::Unchanged,
        metrics: Vec::new(),
        note: None,
    };
    if !new.met_expectation {
        change.verdict = Verdict::Failed;
        change.note = Some(format!(
            "ended `{}`, expected `{}`",
            new.head.status, new.expected
        ));
        return change;
    }
    if new.head.status != Status::Ok || old.head.status != Status::Ok {
        // Both end as expected but without measurements to compare (e.g. an expected memory-limit).
        if old.head.status != new.head.status {
            change.note = Some(format!(
                "status changed from `{}` to `{}`",
                old.head.status, new.head.status
            ));
        }
        return change;
    }
    for metric in Metric::bench() {
        let threshold = t.get(metric);
        let (a, b) = match (old.measurement(metric), new.measurement(metric)) {
            (Some(a), Some(b)) => (a, b),
            (None, None) if metric != Metric::Wall => continue,
            // Every bench that ends `ok` has wall time; a metric measured on one side only has
            // nothing to compare with.
            (a, b) => {
                change
                    .metrics
                    .push(no_data(metric, threshold, a.is_some(), b.is_some()));
                continue;
            }
        };
        let metric_change = match (a, b) {
            (Measurement::Counted(a), Measurement::Counted(b)) => {
                counted_change(metric, a, b, threshold)
            }
            (Measurement::Sampled(a), Measurement::Sampled(b)) => {
                sampled_change(metric, a, b, threshold, pairs, gating)
            }
            _ => no_data(metric, threshold, true, true),
        };
        change.metrics.push(oriented(metric_change));
    }
    change.verdict = change.gating_verdicts().min().unwrap_or(Verdict::Unchanged);
    if let Some(w) = new
        .wall_ns
        .as_ref()
        .filter(|w| w.summary.noisy && !w.samples.is_empty())
        .filter(|w| w.summary.median > 0.0 && w.summary.median.is_finite())
    {
        change.note = Some(format!(
            "noisy: median 95% CI spans {:.1}% of the median",
            100.0 * (w.summary.median_ci_high - w.summary.median_ci_low) / w.summary.median
        ));
    }
    change
}

#[cfg(test)]
mod tests;
