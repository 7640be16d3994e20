//! A group's section: its legend, the alternatives' wall time, fuel and memory side by side, scaling
//! charts and the counters table.

use super::super::charts::{BarChart, BarRow, BoxChart, BoxRow, Chart, HALF, Scale};
use super::counters::{self, CounterTable};
use super::relative::{self, RelativeSet};
use super::{BenchLink, Context, Figure, StatusText, scaling, status_of};
use crate::analysis::distribution::BoxStats;
use crate::model::Status;
use crate::report::format::{self, plural};
use crate::results::BenchResult;

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
    let mut figures = vec![
        wall_figure(cx, &benches, &title),
        fuel_figure(cx, &benches, &title),
        memory_figure(cx, &benches, &title),
    ];
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

fn wall_figure(cx: &mut Context, benches: &[(usize, &BenchResult)], title: &str) -> Figure {
    let samples: Vec<Vec<f64>> = benches
        .iter()
        .map(|(_, b)| {
            b.wall_ns
                .as_ref()
                .map(|w| w.samples.iter().map(|&s| s as f64).collect())
                .unwrap_or_default()
        })
        .collect();
    let max_ns = samples.iter().flatten().copied().fold(0.0, f64::max);
    let scale = Scale::duration(max_ns);
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
                note: b
                    .wall_ns
                    .as_ref()
                    .map(|w| format!("median {}", format::duration_ns(w.summary.median)))
                    .unwrap_or_default(),
            }
        })
        .collect();
    let medians = benches
        .iter()
        .map(|(_, b)| {
            let median = b
                .wall_ns
                .as_ref()
                .map(|w| format::duration_ns(w.summary.median));
            format!(
                "{} {}",
                b.head.id,
                median.unwrap_or_else(|| "no samples".into())
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    cx.figure(
        Chart::Boxes(BoxChart {
            rows,
            axis: "wall time per iteration",
            scale,
        }),
        format!("Wall time per iteration, {title}"),
        format!("Box plots of wall time per iteration for each bench of {title}; medians: {medians}."),
        "Wall time per iteration: box = quartiles, thick line = median, whiskers = furthest sample within 1.5 IQR, dots = every sample.".into(),
        "wide",
    )
}

fn fuel_figure(cx: &mut Context, benches: &[(usize, &BenchResult)], title: &str) -> Figure {
    let max_fuel = benches
        .iter()
        .filter_map(|(_, b)| b.fuel.as_ref())
        .flat_map(|f| f.samples.iter().copied().chain([f.per_iteration]))
        .max()
        .unwrap_or(0) as f64;
    let rows = benches
        .iter()
        .map(|&(i, b)| BarRow {
            label: b.head.id.clone(),
            color: cx.colors[i],
            value: b.fuel.as_ref().map(|f| f.per_iteration as f64),
            range: b.fuel.as_ref().filter(|f| f.varies).and_then(|f| {
                Some((
                    *f.samples.iter().min()? as f64,
                    *f.samples.iter().max()? as f64,
                ))
            }),
            note: b
                .fuel
                .as_ref()
                .map(|f| format::fuel(f.per_iteration, f.varies))
                .unwrap_or_else(|| format!("not measured — {}", status_of(b).text)),
        })
        .collect();
    cx.figure(
        Chart::Bars(BarChart {
            rows,
            axis: "fuel per iteration",
            scale: Scale::count(max_fuel, ""),
            width: HALF,
        }),
        format!("Fuel per iteration, {title}"),
        format!("Bar chart of fuel (roughly, wasm instructions) per iteration for each bench of {title}."),
        "Fuel per iteration (≈ wasm instructions executed). A whisker spans the iterations' range when fuel varies.".into(),
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
