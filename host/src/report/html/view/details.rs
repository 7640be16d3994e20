//! One bench's detail section: its facts, its samples in run order and their distribution, linear
//! memory per iteration, and its counters.

use std::collections::BTreeMap;

use super::super::charts::{
    Axis, Chart, HistogramChart, LineChart, SMALL_H, SMALL_W, Scale, Series,
};
use super::context::Context;
use super::counters::{self, CounterTable};
use super::facts::{Fact, Piece};
use super::figure::Figure;
use super::link::BenchLink;
use super::status::{StatusText, status_of};
use crate::analysis::distribution::{CHART_POINTS, Histogram, thin};
use crate::model::{Metric, Unit};
use crate::report::format::{self, duration_ns};
use crate::results::{BenchResult, Measurement, WallResult};

/// Benches above this count start with their detail sections closed.
const OPEN_DETAILS_UP_TO: usize = 12;

pub struct Detail {
    pub bench: BenchLink,
    pub open: bool,
    pub status: StatusText,
    /// ` · median 1.23 ms`, or empty.
    pub median: String,
    pub message: Option<String>,
    pub facts: Vec<Fact>,
    pub figures: Vec<Figure>,
    pub counters: Option<CounterTable>,
    /// `(statement, plan)` of each distinct database statement, the plan's lines joined.
    pub plans: Vec<(String, String)>,
    /// Host calls per import group: the cells of [`format::host_group_cells`].
    pub host_groups: Vec<[String; 5]>,
    /// The bench's flamegraph (`profiles/<name>.svg` next to the results), made inert.
    pub profile: Option<String>,
}

pub(super) fn detail(cx: &mut Context, i: usize) -> Detail {
    let run = cx.run;
    let b = &run.benches[i];
    let mut figures = Vec::new();
    for metric in Metric::bench().filter(|m| m.sampled()) {
        let Some(Measurement::Sampled(w)) = b.measurement(metric) else {
            continue;
        };
        if !w.samples.is_empty() {
            figures.extend(sample_figures(cx, i, metric, w));
        }
    }
    if !b.memory.per_iteration.is_empty() {
        figures.push(memory_figure(cx, b, i));
    }
    let counters = (!b.counters.is_empty()).then(|| counters::table(Vec::new(), &[b]));
    Detail {
        bench: cx.link(i),
        open: run.benches.len() <= OPEN_DETAILS_UP_TO,
        status: status_of(b),
        median: first_median(b),
        message: b.head.message.clone(),
        facts: facts(b, cx.group_of[i]),
        figures,
        counters,
        plans: plans(b),
        host_groups: host_groups(b),
        profile: None,
    }
}

/// A sampled metric's two figures: its samples in run order, then their distribution.
fn sample_figures(cx: &mut Context, i: usize, metric: Metric, w: &WallResult) -> [Figure; 2] {
    let raw: Vec<f64> = w.samples.iter().map(|&s| s as f64).collect();
    let max = raw.iter().copied().fold(0.0, f64::max);
    let scale = scale(metric.unit(), max);
    let run_order = run_order_figure(cx, i, metric, w, &raw, scale.clone());
    [run_order, histogram_figure(cx, i, metric, w, &raw, scale)]
}

/// The samples in run order as a line chart, the median marked.
fn run_order_figure(
    cx: &mut Context,
    i: usize,
    metric: Metric,
    w: &WallResult,
    raw: &[f64],
    scale: Scale,
) -> Figure {
    let id = &cx.run.benches[i].head.id;
    let (median, n) = (format::quantity(metric.unit(), w.summary.median), raw.len());
    let run_order = LineChart {
        series: vec![Series {
            label: String::new(),
            color: cx.colors[i],
            // At most CHART_POINTS: the extremes of equal runs when there are more.
            points: thin(raw, CHART_POINTS)
                .into_iter()
                .map(|(k, v)| ((k + 1) as f64, v))
                .collect(),
            errors: Vec::new(),
            band: Vec::new(),
            dashed: false,
            markers: true,
            step: false,
        }],
        x: iterations("timed iteration (run order)"),
        y: Axis {
            title: metric.label().into(),
            scale,
            log: false,
            from_zero: false,
            integer: false,
        },
        marks: vec![(w.summary.median, "median".into())],
        x_marks: Vec::new(),
        x_span: None,
        x_ticks: Vec::new(),
        x_bands: Vec::new(),
        size: (SMALL_W, SMALL_H),
    };
    cx.figure(
        Chart::Lines(run_order),
        format!("{} in run order, {id}", capitalized(metric.label())),
        format!("Line chart of the {n} timed iterations of {id} in run order; median {median}."),
        "Samples in run order: a slope is drift, a high start is warm-up.".into(),
        "small",
    )
}

/// The samples' distribution as a histogram, binned in the axis's unit.
fn histogram_figure(
    cx: &mut Context,
    i: usize,
    metric: Metric,
    w: &WallResult,
    raw: &[f64],
    scale: Scale,
) -> Figure {
    let id = &cx.run.benches[i].head.id;
    let q = |v: f64| format::quantity(metric.unit(), v);
    // Binned in the axis's unit, so bin edges fall where the axis puts them.
    let in_unit: Vec<f64> = raw.iter().map(|v| v / scale.divisor).collect();
    let histogram = HistogramChart {
        histogram: Histogram::of(&in_unit).expect("samples are not empty"),
        color: cx.colors[i],
        axis: per_iteration(metric),
        scale,
    };
    cx.figure(
        Chart::Histogram(histogram),
        format!("Distribution of {}, {id}", metric.label()),
        format!(
            "Histogram of the {} of {id}: from {} to {}, median {}.",
            metric.label(),
            q(w.summary.min),
            q(w.summary.max),
            q(w.summary.median),
        ),
        "Distribution of the samples.".into(),
        "small",
    )
}

/// ` · median 1.23 ms`: the first sampled metric's median (wall time's), or empty.
fn first_median(b: &BenchResult) -> String {
    Metric::bench()
        .find_map(|m| match b.measurement(m)? {
            Measurement::Sampled(w) => Some(format!(
                " · median {}",
                format::quantity(m.unit(), w.summary.median)
            )),
            Measurement::Counted(_) => None,
        })
        .unwrap_or_default()
}

/// `(statement, plan)` of each distinct database statement, the plan's lines joined.
fn plans(b: &BenchResult) -> Vec<(String, String)> {
    b.db.as_ref().map_or_else(Vec::new, |db| {
        db.plans
            .iter()
            .map(|p| (p.sql.clone(), p.plan.join("\n")))
            .collect()
    })
}

/// Host calls per import group, a row of cells each.
fn host_groups(b: &BenchResult) -> Vec<[String; 5]> {
    b.host.as_ref().map_or_else(Vec::new, |h| {
        h.groups
            .iter()
            .map(|g| format::host_group_cells(h, g))
            .collect()
    })
}

/// A chart's scale for values of `unit` up to `max`.
pub(super) fn scale(unit: Unit, max: f64) -> Scale {
    match unit {
        Unit::Nanoseconds => Scale::duration(max),
        Unit::Bytes => Scale::bytes(max),
        Unit::Fuel => Scale::count(max, ""),
        Unit::PerSecond => Scale::count(max, "/s"),
        Unit::Fraction => Scale::plain(""),
    }
}

/// `wall time per iteration`, for a histogram's axis (which holds a `&'static str`).
pub(super) fn per_iteration(metric: Metric) -> &'static str {
    static TITLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let titles = TITLES.get_or_init(|| {
        (Metric::ALL.iter())
            .map(|m| format!("{} per iteration", m.label()))
            .collect()
    });
    &titles[metric.index()]
}

/// `Wall time` for a title.
pub(super) fn capitalized(label: &str) -> String {
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// An x axis of iterations: whole numbers.
fn iterations(title: &str) -> Axis {
    Axis {
        title: title.into(),
        scale: Scale::plain(""),
        log: false,
        from_zero: false,
        integer: true,
    }
}

fn memory_figure(cx: &mut Context, b: &BenchResult, i: usize) -> Figure {
    let per_iteration: Vec<f64> = b.memory.per_iteration.iter().map(|&v| v as f64).collect();
    let points: Vec<(f64, f64)> = thin(&per_iteration, CHART_POINTS)
        .into_iter()
        .map(|(k, v)| ((k + 1) as f64, v))
        .collect();
    let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let chart = LineChart {
        series: vec![Series {
            label: String::new(),
            color: cx.colors[i],
            points,
            errors: Vec::new(),
            band: Vec::new(),
            dashed: false,
            markers: true,
            step: false,
        }],
        x: iterations("timed iteration"),
        y: Axis {
            title: "linear memory".into(),
            scale: Scale::bytes(max),
            log: false,
            from_zero: true,
            integer: false,
        },
        marks: Vec::new(),
        x_marks: Vec::new(),
        x_span: None,
        x_ticks: Vec::new(),
        x_bands: Vec::new(),
        size: (SMALL_W, SMALL_H),
    };
    let growth = b.memory.growth_per_iteration;
    let sign = if growth >= 0.0 { "+" } else { "−" };
    let trend = format!("{sign}{}/iteration", format::bytes(growth.abs() as u64));
    let leak = b.memory.leak_suspected;
    cx.figure(
        Chart::Lines(chart),
        format!("Linear memory after each iteration, {}", b.head.id),
        format!(
            "Line chart of linear memory after each timed iteration of {}: trend {trend}{}.",
            b.head.id,
            if leak { ", leak suspected" } else { "" }
        ),
        format!(
            "Linear memory after each iteration (trend {trend}){}.",
            if leak {
                " — ⚠ keeps growing: leak suspected"
            } else {
                ""
            }
        ),
        "small",
    )
}

/// The facts list: what ran, under which limits, and every measurement in words.
fn facts(b: &BenchResult, group: usize) -> Vec<Fact> {
    let mut facts = vec![plugin_fact(&b.head.plugin, &b.head.workload)];
    if let Some(g) = &b.head.group {
        facts.push(Fact {
            term: "group",
            pieces: vec![Piece::Group(group, g.clone())],
        });
    }
    facts.extend(params_fact(&b.head.params));
    facts.push(Fact {
        term: "limits",
        pieces: vec![Piece::Text(format::limits(&b.head.limits))],
    });
    facts.extend(super::measured::facts(b));
    facts.extend(db_facts(b));
    facts
}

/// What ran: `plugin / workload`.
pub(super) fn plugin_fact(plugin: &str, workload: &str) -> Fact {
    Fact {
        term: "plugin / workload",
        pieces: vec![
            Piece::Code(plugin.to_string()),
            Piece::Text(" / ".into()),
            Piece::Code(workload.to_string()),
        ],
    }
}

/// The parameters, `key=value` each; none without any.
pub(super) fn params_fact(params: &BTreeMap<String, String>) -> Option<Fact> {
    if params.is_empty() {
        return None;
    }
    let mut pieces = Vec::new();
    for (k, (key, value)) in params.iter().enumerate() {
        if k > 0 {
            pieces.push(Piece::Text(" ".into()));
        }
        pieces.push(Piece::Code(format!("{key}={value}")));
    }
    Some(Fact {
        term: "params",
        pieces,
    })
}

/// The database the bench was lent, and how long its parallel instances queued for connections.
fn db_facts(b: &BenchResult) -> Vec<Fact> {
    let Some(db) = &b.db else { return Vec::new() };
    let latency = match db.latency_ns {
        0 => "no latency".to_string(),
        ns => format!(
            "{} per round trip ({})",
            duration_ns(ns as f64),
            match db.latency_mode {
                crate::model::LatencyMode::Accounted => "accounted",
                crate::model::LatencyMode::Slept => "slept",
            }
        ),
    };
    let tables: Vec<String> = db
        .tables
        .iter()
        .map(|t| format!("{} ({} rows)", t.name, format::count(t.rows as f64)))
        .collect();
    let mut facts = vec![Fact {
        term: "database",
        pieces: vec![Piece::Text(format!(
            "{} · pool of {} · {latency} · {} {} · {}",
            db.server.as_deref().unwrap_or("SQLite"),
            db.pool,
            // On a server the cap is what each connection's work memory is cut from.
            if db.server.is_some() {
                "memory"
            } else {
                "heap cap"
            },
            format::bytes(db.memory_cap),
            if tables.is_empty() {
                "no seeded tables".to_string()
            } else {
                tables.join(", ")
            }
        ))],
    }];
    let mut indexes = Vec::new();
    for (k, name) in db.indexes.iter().enumerate() {
        if k > 0 {
            indexes.push(Piece::Text(" ".into()));
        }
        indexes.push(Piece::Code(name.clone()));
    }
    if indexes.is_empty() {
        indexes.push(Piece::Text("none".into()));
    }
    facts.push(Fact {
        term: "indexes",
        pieces: indexes,
    });
    if let Some(p) = &b.parallel
        && let (Some(waits), Some(wait)) = (p.pool_waits, p.pool_wait_ns)
    {
        facts.push(Fact {
            term: "connection waits",
            pieces: vec![Piece::Text(format!(
                "{waits} waits over {} iterations of {} instances, {} in all ({} per iteration)",
                p.iterations,
                p.instances,
                duration_ns(wait as f64),
                duration_ns(wait as f64 / p.iterations.max(1) as f64)
            ))],
        });
    }
    facts
}
