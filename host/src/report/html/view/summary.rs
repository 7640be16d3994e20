//! The summary table (one row per bench) and the failures section.

use super::context::Context;
use super::link::BenchLink;
use super::load;
use super::status::{StatusText, status_of};
use super::verdict::{VerdictText, decided_by, metric, verdict_text};
use crate::analysis::compare::{BenchChange, Verdict};
use crate::model::Metric;
use crate::model::Unit;
use crate::report::format;
use crate::results::{BenchResult, Measurement};

/// A row of the summary table. Numbers come with the raw value the table sorts on.
pub struct SummaryRow {
    pub bench: BenchLink,
    pub failed: bool,
    /// (group index, group name).
    pub group: Option<(usize, String)>,
    pub status: StatusText,
    /// One cell per sampled bench metric, in [`metric_titles`]' order; `None` where not measured.
    pub sampled: Vec<Option<MetricCell>>,
    pub throughput: Option<Throughput>,
    /// One cell per counted bench metric, in [`metric_titles`]' order.
    pub counted: Vec<Option<MetricCell>>,
    /// `None` without a baseline; `Some(None)` for a bench the comparison doesn't have.
    pub change: Option<Option<Change>>,
}

/// A bench's value of one metric: a sampled one's median with its interval and what it rests on,
/// a counted one's value (`~` and `(varies)` when its iterations disagreed).
pub struct MetricCell {
    /// The raw value the column sorts on.
    pub sort: f64,
    pub text: String,
    /// The median's 95% interval is wider than 10% of it.
    pub noisy: bool,
    /// Lines under the value, each (what it is, for a tooltip; its text): `CI 1.2 – 1.3 ms`.
    pub lines: Vec<(&'static str, String)>,
    /// `⚠ leak? +1.00 KiB/iter`.
    pub warn: Option<String>,
}

pub struct Throughput {
    pub per_second: f64,
    pub text: String,
    /// `×2: 300 MiB/s (1.60× speedup)` when there was a parallel pass.
    pub parallel: Option<String>,
}

/// The summary's metric column titles: the sampled metrics' (before the throughput column), the
/// counted ones' (after it). A sampled metric is titled by its median, a counted one by its label.
pub fn metric_titles() -> (Vec<String>, Vec<String>) {
    let titles = |sampled: bool| {
        bench_metrics(sampled)
            .map(|m| match m.sampled() {
                true => format!("median {}", m.label()),
                false => m.label().to_string(),
            })
            .collect()
    };
    (titles(true), titles(false))
}

/// The bench metrics of one kind, in report order.
fn bench_metrics(sampled: bool) -> impl Iterator<Item = Metric> {
    Metric::bench().filter(move |m| m.sampled() == sampled)
}

/// A bench's cell for `metric`; `None` where it has no value (a peak of 0 bytes: nothing was
/// measured).
fn metric_cell(bench: &BenchResult, metric: Metric) -> Option<MetricCell> {
    let unit = metric.unit();
    Some(match bench.measurement(metric)? {
        Measurement::Sampled(w) => {
            let s = &w.summary;
            MetricCell {
                sort: s.median,
                text: format::quantity(unit, s.median),
                noisy: s.noisy,
                lines: vec![
                    (
                        "95% confidence interval of the median",
                        format!(
                            "CI {}",
                            super::measured::interval(unit, s.median_ci_low, s.median_ci_high)
                        ),
                    ),
                    ("what the median rests on", format::rests_on(w)),
                ],
                warn: None,
            }
        }
        Measurement::Counted(c) if unit == Unit::Bytes && c.value == 0.0 => return None,
        Measurement::Counted(c) => {
            let value = format::quantity(unit, c.value);
            MetricCell {
                sort: c.value,
                text: match c.range {
                    Some(_) => format!("~{value} (varies)"),
                    None => value,
                },
                noisy: false,
                lines: Vec::new(),
                warn: warning(bench, metric),
            }
        }
    })
}

/// What a metric's cell warns of, from the bench's other fields: a suspected leak under peak
/// memory.
fn warning(bench: &BenchResult, metric: Metric) -> Option<String> {
    (metric == Metric::Memory && bench.memory.leak_suspected).then(|| {
        format!(
            "⚠ leak? +{}/iter",
            format::bytes(bench.memory.growth_per_iteration.max(0.0) as u64)
        )
    })
}

/// The "vs baseline" cell.
pub struct Change {
    /// The wall-time ratio the column sorts on.
    pub sort: String,
    pub verdict: VerdictText,
    /// The metrics that decided the verdict: `fuel`, `wall time, fuel`; empty when none did.
    pub decided_by: String,
    pub lines: Vec<MetricLine>,
}

/// One metric's ratio in the "vs baseline" cell.
pub struct MetricLine {
    pub class: &'static str,
    /// `wall 1.234×`.
    pub ratio: String,
    /// ` [1.1× – 1.3×]` and ` (not gating: a single execution)`, when they apply.
    pub rest: String,
}

/// A bench that did not end with the status the suite expected, or a load scenario that failed.
pub struct Failure {
    /// The anchor of its section: `bench-3`, `load-0`.
    pub anchor: String,
    pub id: String,
    pub status: StatusText,
    pub message: Option<String>,
}

pub(super) fn rows(cx: &Context) -> Vec<SummaryRow> {
    cx.run
        .benches
        .iter()
        .enumerate()
        .map(|(i, bench)| SummaryRow {
            bench: cx.link(i),
            failed: !bench.met_expectation,
            group: bench.head.group.clone().map(|g| (cx.group_of[i], g)),
            status: status_of(bench),
            sampled: bench_metrics(true).map(|m| metric_cell(bench, m)).collect(),
            throughput: bench.units.as_ref().and_then(|u| {
                let ps = u.per_second?;
                Some(Throughput {
                    per_second: ps,
                    text: format::per_second(ps, &u.unit),
                    parallel: bench.parallel.as_ref().map(|p| {
                        format!(
                            "×{}: {}{}",
                            p.instances,
                            format::per_second(p.units_per_second, &u.unit),
                            p.speedup
                                .map(|s| format!(" ({s:.2}× speedup)"))
                                .unwrap_or_default()
                        )
                    }),
                })
            }),
            counted: bench_metrics(false)
                .map(|m| metric_cell(bench, m))
                .collect(),
            change: cx
                .comparison
                .map(|_| cx.changes.get(bench.head.id.as_str()).map(|c| change(c))),
        })
        .collect()
}

/// The verdict and, per metric, the ratio: wall time always, the others when they changed.
fn change(change: &BenchChange) -> Change {
    let lines = Metric::bench()
        .filter_map(|m| metric(change, m))
        .filter_map(|m| {
            let r = m.ratio?;
            if m.metric != Metric::Wall && m.verdict == Verdict::Unchanged {
                return None;
            }
            let interval = m
                .ratio_ci
                .map(|(a, b)| format!(" [{} – {}]", format::ratio(a), format::ratio(b)))
                .unwrap_or_default();
            let gating = if m.gating {
                ""
            } else {
                " (not gating: a single execution)"
            };
            Some(MetricLine {
                class: verdict_text(m.verdict).class,
                ratio: format!("{} {}", m.metric.as_str(), format::ratio(r)),
                rest: format!("{interval}{gating}"),
            })
        })
        .collect();
    Change {
        sort: metric(change, Metric::Wall)
            .and_then(|m| m.ratio)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        verdict: verdict_text(change.verdict),
        decided_by: decided_by(change),
        lines,
    }
}

pub(super) fn failures(cx: &Context) -> Vec<Failure> {
    cx.run
        .benches
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.met_expectation)
        .map(|(index, b)| Failure {
            anchor: format!("bench-{index}"),
            id: b.head.id.clone(),
            status: status_of(b),
            message: b.head.message.clone(),
        })
        .chain(
            cx.run
                .loads
                .iter()
                .enumerate()
                .filter(|(_, l)| load::failed(l))
                .map(|(index, l)| Failure {
                    anchor: format!("load-{index}"),
                    id: l.head.id.clone(),
                    status: load::status_of(l),
                    message: load::failure_text(l),
                }),
        )
        .collect()
}
