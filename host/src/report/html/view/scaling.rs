//! Scaling charts of a group: throughput against instances for benches with a parallel pass, and
//! median wall time against any numeric parameter that varies among otherwise equal benches.

use std::collections::{BTreeMap, BTreeSet};

use super::super::charts::{Axis, Chart, LineChart, Scale, Series, WIDE};
use super::context::Context;
use super::figure::Figure;
use crate::report::format;
use crate::results::BenchResult;
use crate::suite::params::{ParamKind, param_number as param_value};

type Members<'b> = Vec<(usize, &'b BenchResult)>;

pub(super) fn figures(
    cx: &mut Context,
    benches: &[(usize, &BenchResult)],
    title: &str,
) -> Vec<Figure> {
    let mut figures: Vec<Figure> = instances(cx, benches, title).into_iter().collect();
    for (key, kind, series) in varying_params(benches) {
        figures.push(parameter(cx, &key, kind, &series, title));
    }
    figures
}

/// Throughput at 1 and at N instances against ideal linear scaling.
fn instances(cx: &mut Context, benches: &[(usize, &BenchResult)], title: &str) -> Option<Figure> {
    let parallel = parallel_benches(benches);
    let &(_, _, _, unit) = parallel.first()?;
    let mut series = Vec::new();
    let mut max = 0.0f64;
    let mut max_n = 1u32;
    let mut described = Vec::new();
    for &(i, b, single, _) in &parallel {
        let p = b.parallel.as_ref().expect("filtered on parallel");
        max = max.max(single * p.instances as f64).max(p.units_per_second);
        max_n = max_n.max(p.instances);
        series.extend(scaling_lines(cx, i, b, single));
        described.push(format!(
            "{}: {} alone, {} with {} instances",
            b.head.id,
            format::per_second(single, unit),
            format::per_second(p.units_per_second, unit),
            p.instances
        ));
    }
    Some(cx.figure(
        Chart::Lines(instances_chart(series, max, unit)),
        format!("Throughput against instances, {title}"),
        format!(
            "Line chart of aggregate throughput at 1 and at N instances, against ideal linear scaling: {}.",
            described.join("; ")
        ),
        format!(
            "Single-instance vs aggregate throughput (1 → {max_n} instances); dashed: ideal linear scaling."
        ),
        "wide",
    ))
}

/// The benches with a parallel pass and a single-instance throughput, `(index, bench, per
/// second, unit)`, in the first one's unit: one unit per chart, benches counting others left out.
fn parallel_benches<'b>(
    benches: &[(usize, &'b BenchResult)],
) -> Vec<(usize, &'b BenchResult, f64, &'b str)> {
    let parallel: Vec<(usize, &BenchResult, f64, &str)> = benches
        .iter()
        .filter_map(|(i, b)| {
            b.parallel.as_ref()?;
            let units = b.units.as_ref()?;
            Some((*i, *b, units.per_second?, units.unit.as_str()))
        })
        .collect();
    let Some(&(_, _, _, unit)) = parallel.first() else {
        return parallel;
    };
    parallel.into_iter().filter(|p| p.3 == unit).collect()
}

/// A bench's two lines: its measured throughput at 1 and at N instances, and the ideal (dashed).
fn scaling_lines(cx: &Context, i: usize, b: &BenchResult, single: f64) -> [Series; 2] {
    let p = b.parallel.as_ref().expect("filtered on parallel");
    let n = p.instances as f64;
    [
        Series {
            label: format!("{} measured", b.head.id),
            color: cx.colors[i],
            points: vec![(1.0, single), (n, p.units_per_second)],
            errors: Vec::new(),
            band: Vec::new(),
            dashed: false,
            markers: true,
            step: false,
        },
        Series {
            label: format!("{} ideal (linear)", b.head.id),
            color: cx.colors[i],
            points: vec![(1.0, single), (n, single * n)],
            errors: Vec::new(),
            band: Vec::new(),
            dashed: true,
            markers: false,
            step: false,
        },
    ]
}

/// The scaling chart: instances across, aggregate throughput in `unit` up to `max`.
fn instances_chart(series: Vec<Series>, max: f64, unit: &str) -> LineChart {
    LineChart {
        series,
        x: Axis {
            title: "instances running at once".into(),
            scale: Scale::plain(""),
            log: false,
            from_zero: false,
            integer: true,
        },
        y: Axis {
            title: "aggregate throughput".into(),
            scale: Scale::throughput(max, unit),
            log: false,
            from_zero: true,
            integer: false,
        },
        marks: Vec::new(),
        x_marks: Vec::new(),
        x_span: None,
        x_ticks: Vec::new(),
        x_bands: Vec::new(),
        size: (WIDE, 320),
    }
}

/// A bench's parameter `key` as a number.
fn value(b: &BenchResult, key: &str) -> Option<f64> {
    param_value(b.head.params.get(key)?).map(|v| v.0)
}

/// Median wall time, with its interval, against the parameter `key`: one line per series.
fn parameter(
    cx: &mut Context,
    key: &str,
    kind: ParamKind,
    series_members: &[Members],
    title: &str,
) -> Figure {
    let mut series = Vec::new();
    let mut max_x = 0.0f64;
    let mut min_x = f64::INFINITY;
    let mut max_y = 0.0f64;
    for members in series_members {
        let (first, first_bench) = members[0];
        let mut points = Vec::new();
        let mut errors = Vec::new();
        for &(_, b) in members {
            let (Some(x), Some(w)) = (value(b, key), &b.wall_ns) else {
                continue;
            };
            max_x = max_x.max(x);
            min_x = min_x.min(x);
            max_y = max_y.max(w.summary.median_ci_high);
            points.push((x, w.summary.median));
            errors.push((x, w.summary.median_ci_low, w.summary.median_ci_high));
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        series.push(Series {
            label: format!("{}/{}", first_bench.head.plugin, first_bench.head.workload),
            color: cx.colors[first],
            points,
            errors,
            band: Vec::new(),
            dashed: false,
            markers: true,
            step: false,
        });
    }
    let x_scale = match kind {
        ParamKind::Bytes => Scale::bytes(max_x),
        ParamKind::Duration => Scale::duration(max_x),
        ParamKind::Number => Scale::plain(""),
    };
    let integer = kind == ParamKind::Number
        && series_members
            .iter()
            .flatten()
            .all(|(_, b)| value(b, key).is_some_and(|v| v.fract() == 0.0));
    let chart = LineChart {
        series,
        x: Axis {
            title: key.to_string(),
            scale: x_scale,
            log: min_x > 0.0 && max_x / min_x >= 8.0,
            from_zero: false,
            integer,
        },
        y: Axis {
            title: "median wall time".into(),
            scale: Scale::duration(max_y),
            log: false,
            from_zero: true,
            integer: false,
        },
        marks: Vec::new(),
        x_marks: Vec::new(),
        x_span: None,
        x_ticks: Vec::new(),
        x_bands: Vec::new(),
        size: (WIDE, 320),
    };
    cx.figure(
        Chart::Lines(chart),
        format!("Median wall time against {key}, {title}"),
        format!(
            "Line chart of median wall time, with its 95% interval, against the parameter {key}."
        ),
        format!("Median wall time against `{key}`, with 95% confidence intervals."),
        "wide",
    )
}

/// Numeric parameters that vary among benches that are otherwise the same (same plugin, workload and
/// other params): per parameter, its kind and the series of benches (each with ≥ 2 distinct values).
fn varying_params<'b>(
    benches: &[(usize, &'b BenchResult)],
) -> Vec<(String, ParamKind, Vec<Members<'b>>)> {
    let measured: Vec<(usize, &BenchResult)> = benches
        .iter()
        .filter(|(_, b)| b.wall_ns.is_some())
        .copied()
        .collect();
    let keys: BTreeSet<&str> = measured
        .iter()
        .flat_map(|(_, b)| b.head.params.keys().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for key in keys {
        let mut series: BTreeMap<String, Members> = BTreeMap::new();
        let mut kinds = BTreeSet::new();
        for &(i, b) in &measured {
            let Some((_, kind)) = b.head.params.get(key).and_then(|t| param_value(t)) else {
                continue;
            };
            kinds.insert(kind);
            let rest: Vec<String> = b
                .head
                .params
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            series
                .entry(format!(
                    "{}/{}[{}]",
                    b.head.plugin,
                    b.head.workload,
                    rest.join(",")
                ))
                .or_default()
                .push((i, b));
        }
        // Mixed kinds (a number here, a size there) have no common axis.
        let Some(&kind) = kinds.first().filter(|_| kinds.len() == 1) else {
            continue;
        };
        let kept: Vec<Members> = series
            .into_values()
            .filter(|members| {
                let values: BTreeSet<u64> = members
                    .iter()
                    .filter_map(|(_, b)| value(b, key).map(f64::to_bits))
                    .collect();
                values.len() >= 2
            })
            .collect();
        if !kept.is_empty() {
            out.push((key.to_string(), kind, kept));
        }
    }
    out
}
