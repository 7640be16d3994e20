//! The summary table (one row per bench) and the failures section.

use super::{
    BenchLink, Context, StatusText, VerdictText, decided_by, load, metric, status_of, verdict_text,
};
use crate::analysis::compare::{BenchChange, Verdict};
use crate::model::Metric;
use crate::report::format;

/// A row of the summary table. Numbers come with the raw value the table sorts on.
pub struct SummaryRow {
    pub bench: BenchLink,
    pub failed: bool,
    /// (group index, group name).
    pub group: Option<(usize, String)>,
    pub status: StatusText,
    pub wall: Option<Wall>,
    pub throughput: Option<Throughput>,
    /// (fuel per iteration, its text).
    pub fuel: Option<(u64, String)>,
    pub memory: Option<Memory>,
    /// `None` without a baseline; `Some(None)` for a bench the comparison doesn't have.
    pub change: Option<Option<Change>>,
}

pub struct Wall {
    pub median: f64,
    pub text: String,
    pub noisy: bool,
    pub interval: String,
    /// `3 executions × 10 iterations`.
    pub rests_on: String,
}

pub struct Throughput {
    pub per_second: f64,
    pub text: String,
    /// `×2: 300 MiB/s (1.60× speedup)` when there was a parallel pass.
    pub parallel: Option<String>,
}

pub struct Memory {
    pub peak: u64,
    pub text: String,
    /// `⚠ leak? +1.00 KiB/iter`.
    pub leak: Option<String>,
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
            group: bench.group.clone().map(|g| (cx.group_of[i], g)),
            status: status_of(bench),
            wall: bench.wall_ns.as_ref().map(|w| {
                let s = &w.summary;
                Wall {
                    median: s.median,
                    text: format::duration_ns(s.median),
                    noisy: s.noisy,
                    interval: format::duration_range(s.median_ci_low, s.median_ci_high),
                    rests_on: format::rests_on(w),
                }
            }),
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
            fuel: bench
                .fuel
                .as_ref()
                .map(|f| (f.per_iteration, format::fuel(f.per_iteration, f.varies))),
            memory: (bench.memory.peak_bytes > 0).then(|| Memory {
                peak: bench.memory.peak_bytes,
                text: format::bytes(bench.memory.peak_bytes),
                leak: bench.memory.leak_suspected.then(|| {
                    format!(
                        "⚠ leak? +{}/iter",
                        format::bytes(bench.memory.growth_per_iteration.max(0.0) as u64)
                    )
                }),
            }),
            change: cx
                .comparison
                .map(|_| cx.changes.get(bench.id.as_str()).map(|c| change(c))),
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
            id: b.id.clone(),
            status: status_of(b),
            message: b.message.clone(),
        })
        .chain(
            cx.run
                .loads
                .iter()
                .enumerate()
                .filter(|(_, l)| load::failed(l))
                .map(|(index, l)| Failure {
                    anchor: format!("load-{index}"),
                    id: l.id.clone(),
                    status: load::status_of(l),
                    message: load::failure_text(l),
                }),
        )
        .collect()
}
