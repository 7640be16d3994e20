//! The baseline section: the comparison's headline, the ratio chart and one row per bench.

use std::collections::BTreeMap;

use super::super::charts::{Chart, RatioChart, RatioRow};
use super::colors::ABSENT;
use super::context::Context;
use super::figure::Figure;
use super::link::BenchLink;
use super::verdict::{VerdictText, decided_by, metric, verdict_text};
use crate::analysis::compare::{BenchChange, Comparison, LoadChange, Mode, Verdict};
use crate::model::Metric;
use crate::report::format;

pub struct Baseline {
    pub old_label: String,
    pub new_label: String,
    pub mode: &'static str,
    pub headline: String,
    /// The wall-time threshold, e.g. `5%`.
    pub wall_threshold: String,
    /// The metrics compared exactly and their thresholds: `fuel and peak memory`, `0.5% and 0%`.
    pub exact_metrics: String,
    pub exact_thresholds: String,
    pub chart: Option<Figure>,
    /// What the wall-time values beside each ratio are, in words (one sentence).
    pub wall_values: String,
    /// When one run's machine was much noisier than the other's.
    pub noise_warning: Option<String>,
    /// Column titles after bench and verdict, in [`Metric::ALL`] order.
    pub columns: Vec<String>,
    pub rows: Vec<BaselineRow>,
    /// Column titles of the load scenarios' table after scenario and verdict (`Metric::load()`).
    pub load_columns: Vec<String>,
    pub loads: Vec<LoadBaselineRow>,
}

/// A load scenario against the baseline, from its rounds.
pub struct LoadBaselineRow {
    pub id: String,
    pub verdict: VerdictText,
    /// Per metric in `Metric::load()` order: `+3.4% [−0.5% … +7.6%] inconclusive`.
    pub cells: Vec<(&'static str, String)>,
    /// `3 vs 3 rounds, paired`, or `new` / `missing`.
    pub basis: String,
}

pub struct BaselineRow {
    /// The bench id; a link when the bench is in this run.
    pub id: String,
    pub link: Option<BenchLink>,
    pub verdict: VerdictText,
    /// The metrics that decided the verdict (`fuel`), empty when none did.
    pub decided_by: String,
    /// Per metric in [`Metric::ALL`] order.
    pub metrics: Vec<MetricCells>,
    pub note: String,
}

/// A metric's cells in the baseline table.
pub enum MetricCells {
    /// Wall time, compared statistically: old → new, and the ratio with its interval.
    Interval {
        times: Option<String>,
        ratio: Option<(VerdictText, String, Option<String>)>,
    },
    /// Fuel and memory, compared exactly.
    Exact(Option<Exact>),
}

pub enum Exact {
    Unchanged(String),
    Changed {
        class: &'static str,
        ratio: String,
        old: String,
        new: String,
    },
}

/// Whether a metric is judged by an interval (wall time) or exactly (fuel, memory).
fn by_interval(m: Metric) -> bool {
    m == Metric::Wall
}

pub(super) fn baseline(cx: &mut Context, comparison: &Comparison) -> Baseline {
    let mode = match comparison.mode {
        Mode::Baseline => "a stored baseline and this run",
        Mode::Paired => "an interleaved A/B run, compared pair by pair",
    };
    let t = &comparison.thresholds;
    let ordered = comparison.by_concern();
    let index_of = bench_indices(cx);
    let chart = wall_figure(cx, comparison, &ordered, &index_of);
    let exact: Vec<Metric> = Metric::bench().filter(|m| !by_interval(*m)).collect();
    let rows = ordered
        .into_iter()
        .map(|change| row(cx, &index_of, change))
        .collect();
    Baseline {
        old_label: comparison.old_label.clone(),
        new_label: comparison.new_label.clone(),
        mode,
        headline: comparison.headline(),
        wall_threshold: format::percent(t.get(Metric::Wall)),
        exact_metrics: joined(&exact, |m| m.label().to_string()),
        exact_thresholds: joined(&exact, |m| format::percent(t.get(m))),
        chart,
        wall_values: format::wall_values(comparison),
        noise_warning: comparison.noise_warning(),
        columns: columns(),
        rows,
        load_columns: Metric::load().map(|m| m.label().to_string()).collect(),
        loads: comparison.loads.iter().map(load_row).collect(),
    }
}

/// Each bench of this run by id: its index, for its colour and link.
fn bench_indices<'a>(cx: &Context<'a>) -> BTreeMap<&'a str, usize> {
    cx.run
        .benches
        .iter()
        .enumerate()
        .map(|(i, b)| (b.head.id.as_str(), i))
        .collect()
}

/// `fuel and peak memory`: each metric's words, joined.
fn joined(metrics: &[Metric], words: impl Fn(Metric) -> String) -> String {
    metrics
        .iter()
        .map(|m| words(*m))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The wall-time ratio chart, a row per bench with a ratio, in the table's order; none without
/// any.
fn wall_figure(
    cx: &mut Context,
    comparison: &Comparison,
    ordered: &[&BenchChange],
    index_of: &BTreeMap<&str, usize>,
) -> Option<Figure> {
    let rows: Vec<RatioRow> = ordered
        .iter()
        .filter_map(|change| wall_row(cx, index_of, change))
        .collect();
    (!rows.is_empty()).then(|| {
        cx.figure(
            Chart::Ratios(RatioChart {
                rows,
                band: 1.0 + comparison.thresholds.get(Metric::Wall),
                axis: "wall time, this run ÷ baseline (log scale): right of 1× is slower".into(),
            }),
            "Wall time against the baseline".into(),
            "Ratio of wall time, this run over the baseline, with its 95% confidence interval, per bench, regressions first.".into(),
            "Wall time, this run ÷ baseline, with its 95% interval (log scale). Shaded: within the threshold. Right of 1× is slower. Each label is the wall-time verdict; a bench decided by another metric says so after `·`.".into(),
            "wide",
        )
    })
}

/// A bench's row in the wall-time chart, in its colour; none without a wall-time ratio.
fn wall_row(
    cx: &Context,
    index_of: &BTreeMap<&str, usize>,
    change: &BenchChange,
) -> Option<RatioRow> {
    let wall = metric(change, Metric::Wall)?;
    let ratio = wall.ratio?;
    // The label is the wall-time verdict; when another metric decided the bench's, it says so,
    // so the chart never reads as contradicting the table.
    let mut note = format!(
        "wall {} {}",
        format::ratio(ratio),
        verdict_text(wall.verdict).text
    );
    if change.verdict != wall.verdict && !change.decided_by().is_empty() {
        note.push_str(&format!(
            " · bench {} ({})",
            verdict_text(change.verdict).text,
            decided_by(change)
        ));
    }
    Some(RatioRow {
        label: change.id.clone(),
        ratio,
        interval: wall.ratio_ci.unwrap_or((ratio, ratio)),
        color: index_of
            .get(change.id.as_str())
            .map(|&i| cx.colors[i])
            .unwrap_or(ABSENT),
        note,
    })
}

/// The table's column titles after bench and verdict: two for wall time, one for each other.
fn columns() -> Vec<String> {
    Metric::bench()
        .flat_map(|m| {
            let name = m.label();
            if by_interval(m) {
                vec![
                    format!("{name}: baseline → this run"),
                    "ratio [95% CI]".to_string(),
                ]
            } else {
                vec![name.to_string()]
            }
        })
        .collect()
}

/// A load scenario's row: its verdict, a cell per load metric, and what it was compared on.
fn load_row(load: &LoadChange) -> LoadBaselineRow {
    LoadBaselineRow {
        id: load.id.clone(),
        verdict: verdict_text(load.verdict),
        cells: Metric::load()
            .map(|m| {
                let change = load.metric(m);
                let class = change.map_or("", |c| verdict_text(c.verdict).class);
                (class, format::load_change(change))
            })
            .collect(),
        basis: load.basis().to_string(),
    }
}

fn row(cx: &Context, index_of: &BTreeMap<&str, usize>, change: &BenchChange) -> BaselineRow {
    let metrics = Metric::bench()
        .map(|m| {
            let value = |v: f64| format::quantity(m.unit(), v);
            let c = metric(change, m);
            if by_interval(m) {
                MetricCells::Interval {
                    times: c.and_then(|c| Some(format!("{} → {}", value(c.old?), value(c.new?)))),
                    ratio: c.and_then(|c| {
                        let interval = c
                            .ratio_ci
                            .map(|(a, b)| format!("[{} – {}]", format::ratio(a), format::ratio(b)));
                        Some((verdict_text(c.verdict), format::ratio(c.ratio?), interval))
                    }),
                }
            } else {
                MetricCells::Exact(c.and_then(|c| {
                    let (old, new, ratio) = (c.old?, c.new?, c.ratio?);
                    Some(if c.verdict == Verdict::Unchanged {
                        Exact::Unchanged(format!("= {}", value(new)))
                    } else {
                        Exact::Changed {
                            class: verdict_text(c.verdict).class,
                            ratio: format::ratio(ratio),
                            old: value(old),
                            new: value(new),
                        }
                    })
                }))
            }
        })
        .collect();
    let mut note = change.note.clone().unwrap_or_default();
    if let (Some(a), Some(b)) = (change.old_status, change.new_status)
        && a != b
        && note.is_empty()
    {
        note = format!("{a} → {b}");
    }
    BaselineRow {
        id: change.id.clone(),
        link: index_of.get(change.id.as_str()).map(|&i| cx.link(i)),
        verdict: verdict_text(change.verdict),
        decided_by: decided_by(change),
        metrics,
        note,
    }
}
