//! A group's section: its legend, the alternatives side by side in each bench metric (wall time,
//! fuel, memory, …: one chart each), scaling charts and the counters table.

use super::super::charts::{BarChart, BarRow, BoxChart, BoxRow, Chart, HALF, Scale};
use super::context::Context;
use super::counters::{self, CounterTable};
use super::details;
use super::figure::Figure;
use super::link::BenchLink;
use super::relative::{self, RelativeSet};
use super::scaling;
use super::status::{StatusText, status_of};
use crate::analysis::distribution::BoxStats;
use crate::model::{Metric, Status};
use crate::report::format::{self, plural};
use crate::results::{BenchResult, Measurement};

pub struct GroupSection {
    pub index: usize,
    /// `None` for the benches without a group.
    pub name: Option<String>,
    /// `5 benches`.
    pub count: String,
    pub legend: Vec<LegendItem>,
    pub figures: Vec<Figure>,
    /// Each set of comparable benches against its reference (none for the ungrouped benches).
    pub relative: Vec<RelativeSet>,
    pub counters: Option<CounterTable>,
}

pub struct LegendItem {
    pub bench: BenchLink,
    /// Shown when the bench did not simply succeed.
    pub status: Option<StatusText>,
}

pub(super) fn group(cx: &mut Context, g: usize) -> GroupSection {
    let members = cx.groups[g].members.clone();
    let title = cx.groups[g].title();
    let run = cx.run;
    let benches: Vec<(usize, &BenchResult)> =
        members.iter().map(|&i| (i, &run.benches[i])).collect();
    let legend = benches
        .iter()
        .map(|&(i, b)| LegendItem {
            bench: cx.link(i),
            status: (b.head.status != Status::Ok || !b.met_expectation).then(|| status_of(b)),
        })
        .collect();
    let mut figures: Vec<Figure> = Metric::bench()
        .map(|metric| metric_figure(cx, &benches, &title, metric))
        .collect();
    figures.extend(scaling::figures(cx, &benches, &title));
    let relative = match cx.groups[g].name.clone() {
        Some(name) => relative::sets(cx, &name),
        None => Vec::new(),
    };
    let with: Vec<(usize, &BenchResult)> = benches
        .iter()
        .filter(|(_, b)| !b.counters.is_empty())
        .copied()
        .collect();
    let counters = (!with.is_empty()).then(|| {
        let columns = with.iter().map(|&(i, _)| cx.link(i)).collect();
        let with: Vec<&BenchResult> = with.iter().map(|(_, b)| *b).collect();
        counters::table(columns, &with)
    });
    GroupSection {
        index: g,
        name: cx.groups[g].name.clone(),
        count: plural(benches.len(), "bench", "benches"),
        legend,
        figures,
        relative,
        counters,
    }
}

/// A group's charts, one per bench metric: box plots of a sampled one, bars of a counted one.
fn metric_figure(
    cx: &mut Context,
    benches: &[(usize, &BenchResult)],
    title: &str,
    metric: Metric,
) -> Figure {
    match metric {
        _ if metric.sampled() => sampled_figure(cx, benches, title, metric),
        // Against each bench's memory limit, with a suspected leak marked.
        Metric::Memory => memory_figure(cx, benches, title),
        _ => counted_figure(cx, benches, title, metric),
    }
}

/// The samples of a sampled metric (wall time) of each bench as box plots.
fn sampled_figure(
    cx: &mut Context,
    benches: &[(usize, &BenchResult)],
    title: &str,
    metric: Metric,
) -> Figure {
    let samples: Vec<Vec<f64>> = benches
        .iter()
        .map(|(_, b)| {
            b.samples_of(metric)
                .map(|w| w.samples.iter().map(|&s| s as f64).collect())
                .unwrap_or_default()
        })
        .collect();
    let max = samples.iter().flatten().copied().fold(0.0, f64::max);
    let scale = details::scale(metric.unit(), max);
    let median = |b: &BenchResult| {
        b.samples_of(metric)
            .map(|w| format::quantity(metric.unit(), w.summary.median))
    };
    let rows: Vec<BoxRow> = benches
        .iter()
        .zip(samples)
        .map(|(&(i, b), samples)| {
            // Quartiles in the axis's unit, so they land where the axis puts the samples.
            let in_unit: Vec<f64> = samples.iter().map(|v| v / scale.divisor).collect();
            BoxRow {
                label: b.head.id.clone(),
                color: cx.colors[i],
                stats: BoxStats::of(&in_unit),
                samples,
                missing: format!("no samples — {}", status_of(b).text),
                note: median(b).map(|m| format!("median {m}")).unwrap_or_default(),
            }
        })
        .collect();
    let medians = benches
        .iter()
        .map(|(_, b)| {
            let median = median(b).unwrap_or_else(|| "no samples".into());
            format!("{} {median}", b.head.id)
        })
        .collect::<Vec<_>>()
        .join(", ");
    let what = details::per_iteration(metric);
    let titled = details::capitalized(what);
    cx.figure(
        Chart::Boxes(BoxChart {
            rows,
            axis: what,
            scale,
        }),
        format!("{titled}, {title}"),
        format!("Box plots of {what} for each bench of {title}; medians: {medians}."),
        format!("{titled}: box = quartiles, thick line = median, whiskers = furthest sample within 1.5 IQR, dots = every sample."),
        "wide",
    )
}

/// A counted metric (fuel) of each bench as bars, a whisker over the iterations' range when it
/// varies.
fn counted_figure(
    cx: &mut Context,
    benches: &[(usize, &BenchResult)],
    title: &str,
    metric: Metric,
) -> Figure {
    let counted = |b: &BenchResult| match b.measurement(metric) {
        Some(Measurement::Counted(c)) => Some(c),
        _ => None,
    };
    let max = (benches.iter())
        .filter_map(|(_, b)| counted(b))
        .map(|c| c.span().1.max(c.value))
        .fold(0.0, f64::max);
    let rows = benches
        .iter()
        .map(|&(i, b)| BarRow {
            label: b.head.id.clone(),
            color: cx.colors[i],
            value: counted(b).map(|c| c.value),
            range: counted(b).and_then(|c| c.range),
            note: counted(b).map_or_else(
                || format!("not measured — {}", status_of(b).text),
                |c| match metric {
                    Metric::Fuel => format::fuel(c.value as u64, c.range.is_some()),
                    _ => format::quantity(metric.unit(), c.value),
                },
            ),
        })
        .collect();
    let what = details::per_iteration(metric);
    let titled = details::capitalized(what);
    let (description, caption) = match metric {
        Metric::Fuel => (
            format!("Bar chart of fuel (roughly, wasm instructions) per iteration for each bench of {title}."),
            "Fuel per iteration (≈ wasm instructions executed). A whisker spans the iterations' range when fuel varies.".to_string(),
        ),
        _ => (
            format!("Bar chart of {what} for each bench of {title}."),
            format!("{titled}. A whisker spans the iterations' range when it varies."),
        ),
    };
    cx.figure(
        Chart::Bars(BarChart {
            rows,
            axis: what,
            scale: details::scale(metric.unit(), max),
            width: HALF,
        }),
        format!("{titled}, {title}"),
        description,
        caption,
        "half",
    )
}

fn memory_figure(cx: &mut Context, benches: &[(usize, &BenchResult)], title: &str) -> Figure {
    let max_mem = benches
        .iter()
        .map(|(_, b)| b.memory.peak_bytes)
        .max()
        .unwrap_or(0) as f64;
    let rows = benches
        .iter()
        .map(|&(i, b)| {
            let peak = b.memory.peak_bytes;
            let leak = if b.memory.leak_suspected {
                " ⚠ leak?"
            } else {
                ""
            };
            BarRow {
                label: b.head.id.clone(),
                color: cx.colors[i],
                value: (peak > 0).then_some(peak as f64),
                range: None,
                note: if peak == 0 {
                    "not measured".into()
                } else {
                    let limit = format::bytes(b.head.limits.memory_bytes);
                    format!("{} of {limit}{leak}", format::bytes(peak))
                },
            }
        })
        .collect();
    cx.figure(
        Chart::Bars(BarChart {
            rows,
            axis: "peak linear memory",
            scale: Scale::bytes(max_mem),
            width: HALF,
        }),
        format!("Peak linear memory, {title}"),
        format!("Bar chart of the peak linear memory of each bench of {title}, against its limit."),
        "Peak linear memory, with the bench's memory limit; ⚠ marks a suspected leak.".into(),
        "half",
    )
}
