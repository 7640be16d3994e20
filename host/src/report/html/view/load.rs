//! Load scenarios' sections: how each ran, one row per phase and one overall (throughput against
//! the offered rate, errors, latency from the intended start and from the actual start), the
//! thresholds' verdicts, the latency spectrum per phase and the timeline.

use super::super::charts::{Axis, Chart, LineChart, Rgb, SMALL_H, Scale, Series, WIDE};
use super::colors::{PALETTE, hex};
use super::details::{params_fact, plugin_fact};
use super::{Context, Fact, Figure, Piece, StatusText};
use crate::analysis::distribution::{CHART_POINTS, thin};
use crate::model::LatencyStat;
use crate::report::format::{self, duration_ns, exact_or_count, plural};
use crate::results::{LoadResult, LoadStats, SpectrumPoint, ThresholdVerdict};

/// The latency columns of the phases' table, in order.
pub const LATENCY_STATS: [LatencyStat; 6] = LatencyStat::PERCENTILES;

/// Below this share of the offered rate, a span's throughput is flagged as falling short.
const SHORT_OF_OFFERED: f64 = 0.95;

/// The lines every scenario's "overall" draws in: dark, apart from the phases' colours.
const OVERALL: Rgb = (0x33, 0x33, 0x33);
const OFFERED: Rgb = (0x70, 0x76, 0x7e);

/// One load scenario's section.
pub struct LoadSection {
    /// The section's anchor is `load-{index}`.
    pub index: usize,
    pub id: String,
    pub status: StatusText,
    pub message: Option<String>,
    /// Why `abort_on_fail` stopped the scenario early.
    pub aborted: Option<String>,
    pub facts: Vec<Fact>,
    /// One per phase, then the overall row.
    pub rows: Vec<LoadRow>,
    pub thresholds: Vec<ThresholdRow>,
    pub figures: Vec<Figure>,
}

/// A row of a scenario's table: a phase, or the whole scenario.
pub struct LoadRow {
    pub name: String,
    pub overall: bool,
    /// The phase's colour in the spectrum chart.
    pub color: Option<String>,
    /// `30.0 s from 10.0 s`.
    pub span: String,
    /// `100 → 500 req/s`; `—` for the overall row and the closed model.
    pub planned: String,
    pub offered: String,
    pub offered_rate: String,
    pub throughput: String,
    /// `95.2% of offered`.
    pub achieved: String,
    /// Throughput fell short of the offered rate.
    pub short: bool,
    pub ok: String,
    pub failed: String,
    /// `timeout 12`, `trap 3`: the failures by kind, most first.
    pub kinds: Vec<String>,
    pub dropped: String,
    pub drop_rate: String,
    pub error_rate: String,
    pub has_failed: bool,
    pub has_dropped: bool,
    /// (from the intended start, from the actual start) for each of [`LATENCY_STATS`].
    pub latency: Vec<(String, String)>,
}

/// A threshold, where it applied, what was observed, and whether it held.
pub struct ThresholdRow {
    pub scope: String,
    pub threshold: String,
    pub observed: String,
    pub passed: bool,
}

/// The scenario did not run its phases, or missed a threshold.
pub fn failed(l: &LoadResult) -> bool {
    !format::load_status(l).0
}

/// A scenario's status in words: the word carries the meaning, colour only helps.
pub(super) fn status_of(l: &LoadResult) -> StatusText {
    match format::load_status(l) {
        (true, text) => StatusText {
            class: "st-ok",
            text: format!("✓ {text}"),
            order: 2,
        },
        (false, text) => StatusText {
            class: "st-failed",
            text: format!("✗ {text}"),
            order: 0,
        },
    }
}

/// What went wrong, for the failures section: the message, the abort, the missed thresholds.
pub(super) fn failure_text(l: &LoadResult) -> Option<String> {
    let mut lines: Vec<String> = l.message.iter().cloned().collect();
    if let Some(a) = &l.aborted {
        lines.push(format!("aborted: {a}"));
    }
    for t in l.thresholds.iter().filter(|t| !t.passed) {
        let row = threshold_row(t);
        lines.push(format!(
            "threshold {} ({}) missed: observed {}",
            row.threshold, row.scope, row.observed
        ));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The colour of phase `k`'s line (the palette's grey is left to the overall lines).
fn phase_color(k: usize) -> Rgb {
    PALETTE[k % (PALETTE.len() - 1)]
}

pub(super) fn section(cx: &mut Context, index: usize) -> LoadSection {
    let l = &cx.run.loads[index];
    let mut rows: Vec<LoadRow> = l
        .phases
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let planned = if l.setup.model == "closed" {
                "—".to_string()
            } else {
                format::planned_rate(p.rate, p.ramp_to)
            };
            let span = phase_span(p.start_ns, p.start_ns + p.duration_ns);
            row(&p.name, Some(hex(phase_color(k))), span, planned, &p.stats)
        })
        .collect();
    if let Some(overall) = &l.overall {
        let total: u64 = l.phases.iter().map(|p| p.duration_ns).sum();
        let span = if total > 0 {
            duration_ns(total as f64)
        } else {
            String::new()
        };
        let mut row = row("overall", None, span, "—".into(), overall);
        row.overall = true;
        rows.push(row);
    }
    let mut figures: Vec<Figure> = spectrum_figure(cx, l).into_iter().collect();
    figures.extend(timeline_figures(cx, l));
    LoadSection {
        index,
        id: l.id.clone(),
        status: status_of(l),
        message: l.message.clone(),
        aborted: l.aborted.clone(),
        facts: facts(l),
        rows,
        thresholds: l.thresholds.iter().map(threshold_row).collect(),
        figures,
    }
}

/// When a phase ran: `0 – 10.0 s`, `10.0 – 30.0 s`.
fn phase_span(start: u64, end: u64) -> String {
    if start == 0 {
        format!("0 – {}", duration_ns(end as f64))
    } else {
        format::duration_range(start as f64, end as f64)
    }
}

fn row(name: &str, color: Option<String>, span: String, planned: String, s: &LoadStats) -> LoadRow {
    let failed = s.failed();
    let cell = |p: Option<&crate::results::Percentiles>, stat: LatencyStat| {
        p.filter(|p| p.count > 0)
            .map_or_else(|| "—".to_string(), |p| duration_ns(p.get(stat)))
    };
    LoadRow {
        name: name.to_string(),
        overall: false,
        color,
        span,
        planned,
        offered: exact_or_count(s.offered),
        offered_rate: format::requests_per_second(s.offered_rate),
        throughput: format::requests_per_second(s.throughput),
        achieved: if s.offered_rate > 0.0 {
            format!(
                "{} of offered",
                format::percent_one_decimal(s.throughput / s.offered_rate)
            )
        } else {
            String::new()
        },
        short: s.offered > 0 && s.throughput < s.offered_rate * SHORT_OF_OFFERED,
        ok: exact_or_count(s.ok),
        failed: exact_or_count(failed),
        kinds: format::error_kinds(&s.errors),
        dropped: exact_or_count(s.dropped),
        drop_rate: format::share(s.drop_rate),
        error_rate: format::share(s.error_rate),
        has_failed: failed > 0,
        has_dropped: s.dropped > 0,
        latency: LATENCY_STATS
            .iter()
            .map(|&stat| {
                (
                    cell(s.latency.as_ref(), stat),
                    cell(s.service.as_ref(), stat),
                )
            })
            .collect(),
    }
}

fn threshold_row(t: &ThresholdVerdict) -> ThresholdRow {
    ThresholdRow {
        scope: t.scope.clone(),
        threshold: t.threshold.to_string(),
        observed: format::load_value(t.threshold.metric, t.observed),
        passed: t.passed,
    }
}

fn fact(term: &'static str, text: String) -> Fact {
    Fact {
        term,
        pieces: vec![Piece::Text(text)],
    }
}

fn facts(l: &LoadResult) -> Vec<Fact> {
    let mut facts = vec![plugin_fact(&l.plugin, &l.workload)];
    if let Some(g) = &l.group {
        facts.push(Fact {
            term: "group",
            pieces: vec![Piece::Code(g.clone())],
        });
    }
    facts.extend(params_fact(&l.params));
    facts.push(fact("setup", format::load_setup(&l.setup)));
    facts.push(fact("limits", format::limits(&l.limits)));
    if let Some(fuel) = l.fuel_per_request {
        facts.push(fact(
            "fuel / request",
            format!("{} (median of the fuel pass)", format::count(fuel as f64)),
        ));
    }
    if let Some(peak) = l.peak_memory {
        facts.push(fact(
            "peak memory",
            format!("{} per instance (fuel pass)", format::bytes(peak)),
        ));
    }
    if let Some(lag) = &l.schedule_lag {
        facts.push(fact(
            "scheduler lag",
            format!(
                "{} (dispatch − intended start: the harness's own delay, not the workload's)",
                format::latency_summary(lag)
            ),
        ));
    }
    facts
}

/// Where percentile `p` (0–100) sits on the spectrum's axis: 1/(1 − p), so each further nine
/// (90%, 99%, 99.9%) is one more decade. None at 100 (the maximum) and beyond.
pub fn spectrum_x(p: f64) -> Option<f64> {
    (p < 100.0).then(|| 1.0 / (1.0 - p.max(0.0) / 100.0))
}

/// The spectrum's ticks up to `decades` nines: 0%, 90%, 99%, 99.9%, …
pub fn spectrum_ticks(decades: u32) -> Vec<(f64, String)> {
    (0..=decades)
        .map(|k| {
            let label = match k {
                0 => "0%".to_string(),
                1 => "90%".to_string(),
                _ => format!("99{}%", {
                    let rest = "9".repeat(k as usize - 2);
                    if rest.is_empty() {
                        rest
                    } else {
                        format!(".{rest}")
                    }
                }),
            };
            (10f64.powi(k as i32), label)
        })
        .collect()
}

/// A spectrum as chart points: (axis x, latency); the maximum (at 100) drawn at the last finite
/// x, so the line ends in a step up to it. Zero latencies are left out (the axis is logarithmic).
pub fn spectrum_points(
    spectrum: &[SpectrumPoint],
    value: impl Fn(&SpectrumPoint) -> u64,
) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(spectrum.len());
    let mut last = None;
    for p in spectrum {
        let Some(x) = spectrum_x(p.percentile).or(last) else {
            continue;
        };
        last = Some(x);
        let v = value(p);
        if v > 0 {
            points.push((x, v as f64));
        }
    }
    points
}

fn line(label: String, color: Rgb, points: Vec<(f64, f64)>, dashed: bool) -> Series {
    Series {
        label,
        color,
        points,
        errors: Vec::new(),
        band: Vec::new(),
        dashed,
        markers: false,
    }
}

fn spectrum_figure(cx: &mut Context, l: &LoadResult) -> Option<Figure> {
    let mut series: Vec<Series> = l
        .phases
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.stats.spectrum.is_empty())
        .map(|(k, p)| {
            line(
                p.name.clone(),
                phase_color(k),
                spectrum_points(&p.stats.spectrum, |s| s.latency_ns),
                false,
            )
        })
        .collect();
    let overall = l.overall.as_ref().filter(|o| !o.spectrum.is_empty());
    if let Some(o) = overall {
        if series.len() > 1 {
            series.push(line(
                "overall".into(),
                OVERALL,
                spectrum_points(&o.spectrum, |s| s.latency_ns),
                false,
            ));
        }
        series.push(line(
            "overall, service time".into(),
            OVERALL,
            spectrum_points(&o.spectrum, |s| s.service_ns),
            true,
        ));
    }
    series.retain(|s| !s.points.is_empty());
    if series.is_empty() {
        return None;
    }
    let points = || series.iter().flat_map(|s| s.points.iter());
    let deepest = points().map(|p| p.0).fold(1.0, f64::max);
    let decades = (deepest.log10().ceil() as u32).max(4);
    let max = points().map(|p| p.1).fold(0.0, f64::max);
    let chart = LineChart {
        series,
        x: Axis {
            title: "percentile (log scale of 1/(1 − p))".into(),
            scale: Scale::plain(""),
            log: true,
            from_zero: false,
            integer: false,
        },
        y: Axis {
            title: "latency, log scale".into(),
            scale: Scale::duration(max),
            log: true,
            from_zero: false,
            integer: false,
        },
        marks: Vec::new(),
        x_marks: Vec::new(),
        // A little room right of the last tick for its label.
        x_span: Some((1.0, 10f64.powf(decades as f64 + 0.12))),
        x_ticks: spectrum_ticks(decades),
        x_bands: Vec::new(),
        size: (WIDE, 340),
    };
    let described = |o: &LoadStats| {
        let p99 = |p: Option<&crate::results::Percentiles>| {
            p.map_or("—".into(), |p| duration_ns(p.p99 as f64))
        };
        format!(
            " Overall p99 {} from the intended start, {} from the actual start.",
            p99(o.latency.as_ref()),
            p99(o.service.as_ref())
        )
    };
    Some(cx.figure(
        Chart::Lines(chart),
        format!("Latency by percentile, {}", l.id),
        format!(
            "Line chart of latency against percentile, one line per phase of {} ({}), and the overall service time dashed.{}",
            l.id,
            plural(l.phases.len(), "phase", "phases"),
            l.overall.as_ref().map(described).unwrap_or_default()
        ),
        "Latency by percentile (HDR-style: each step right is one more nine). Solid lines: from each request's intended start, queueing included (corrected for coordinated omission); dashed: service time, from when an instance took the request. The gap between them is time spent waiting.".into(),
        "wide",
    ))
}

/// Points thinned to at most [`CHART_POINTS`], spikes kept.
fn thinned(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= CHART_POINTS {
        return points;
    }
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    thin(&values, CHART_POINTS)
        .into_iter()
        .map(|(k, v)| (points[k].0, v))
        .collect()
}

/// Latency, then requests per second, over the scenario's time: two panels on one time axis, the
/// phases shaded alike in both.
fn timeline_figures(cx: &mut Context, l: &LoadResult) -> Vec<Figure> {
    let step = l.timeline_step_ns;
    if l.timeline.is_empty() || step == 0 {
        return Vec::new();
    }
    let step_s = step as f64 / 1e9;
    let mid = |at: u64| at as f64 + step as f64 / 2.0;
    let end = l
        .phases
        .iter()
        .map(|p| p.start_ns + p.duration_ns)
        .chain(l.timeline.iter().map(|t| t.at_ns + step))
        .max()
        .unwrap_or(step) as f64;
    let bands: Vec<(f64, f64, String)> = l
        .phases
        .iter()
        .map(|p| {
            (
                p.start_ns as f64,
                (p.start_ns + p.duration_ns) as f64,
                p.name.clone(),
            )
        })
        .collect();
    let time = || Axis {
        title: "time since start".into(),
        scale: Scale::duration(end),
        log: false,
        from_zero: true,
        integer: false,
    };
    let latency = |value: fn(&crate::results::TimelinePoint) -> u64| {
        thinned(
            l.timeline
                .iter()
                .filter(|t| value(t) > 0)
                .map(|t| (mid(t.at_ns), value(t) as f64))
                .collect(),
        )
    };
    let mut figures = Vec::new();
    let p50 = latency(|t| t.p50_ns);
    let p99 = latency(|t| t.p99_ns);
    if !p99.is_empty() {
        let max = p99.iter().map(|p| p.1).fold(0.0, f64::max);
        let chart = LineChart {
            series: vec![
                line("p50".into(), PALETTE[0], p50, false),
                line("p99".into(), PALETTE[5], p99, false),
            ],
            x: time(),
            y: Axis {
                title: "latency, log scale".into(),
                scale: Scale::duration(max),
                log: true,
                from_zero: false,
                integer: false,
            },
            marks: Vec::new(),
            x_marks: Vec::new(),
            x_span: Some((0.0, end)),
            x_ticks: Vec::new(),
            x_bands: bands.clone(),
            size: (WIDE, 260),
        };
        figures.push(cx.figure(
            Chart::Lines(chart),
            format!("Latency over time, {}", l.id),
            format!(
                "Line chart of the p50 and p99 latency from the intended start of the requests finished in each {} step of {}, phases shaded; highest p99 {}.",
                duration_ns(step as f64),
                l.id,
                duration_ns(max)
            ),
            format!(
                "Latency over time, from the intended start (corrected), of the requests finished in each {} step. Shaded bands are the phases.",
                duration_ns(step as f64)
            ),
            "wide",
        ));
    }
    let rate = |value: fn(&crate::results::TimelinePoint) -> u64| {
        thinned(
            l.timeline
                .iter()
                .map(|t| (mid(t.at_ns), value(t) as f64 / step_s))
                .collect(),
        )
    };
    let mut series = vec![
        line("offered".into(), OFFERED, rate(|t| t.offered), true),
        line("ok".into(), PALETTE[2], rate(|t| t.ok), false),
    ];
    if l.timeline.iter().any(|t| t.failed > 0) {
        series.push(line("failed".into(), PALETTE[5], rate(|t| t.failed), false));
    }
    if l.timeline.iter().any(|t| t.dropped > 0) {
        series.push(line(
            "dropped".into(),
            PALETTE[1],
            rate(|t| t.dropped),
            false,
        ));
    }
    let max = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let chart = LineChart {
        series,
        x: time(),
        y: Axis {
            title: "requests per second".into(),
            scale: Scale::throughput(max, "req"),
            log: false,
            from_zero: true,
            integer: false,
        },
        marks: Vec::new(),
        x_marks: Vec::new(),
        x_span: Some((0.0, end)),
        x_ticks: Vec::new(),
        x_bands: bands,
        size: (WIDE, SMALL_H + 20),
    };
    let o = l.overall.as_ref();
    figures.push(cx.figure(
        Chart::Lines(chart),
        format!("Requests per second over time, {}", l.id),
        format!(
            "Line chart of requests offered, completed without error{} per second in each {} step of {}, phases shaded; overall {} achieved of {} offered.",
            if l.timeline.iter().any(|t| t.failed > 0 || t.dropped > 0) {
                ", failed and dropped"
            } else {
                ""
            },
            duration_ns(step as f64),
            l.id,
            o.map_or("—".into(), |o| format::requests_per_second(o.throughput)),
            o.map_or("—".into(), |o| format::requests_per_second(o.offered_rate)),
        ),
        "Requests per second over time: offered by the schedule (dashed) against completed without error (ok); failed and dropped when there were any. Ok below offered is the workload falling behind.".into(),
        "wide",
    ));
    figures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_nine_is_one_decade() {
        assert_eq!(spectrum_x(0.0), Some(1.0));
        assert!((spectrum_x(90.0).unwrap() - 10.0).abs() < 1e-9);
        assert!((spectrum_x(99.0).unwrap() - 100.0).abs() < 1e-9);
        assert!((spectrum_x(99.9).unwrap() - 1000.0).abs() < 1e-6);
        assert_eq!(spectrum_x(100.0), None);
        assert_eq!(spectrum_x(f64::NAN), None);
        let labels: Vec<String> = spectrum_ticks(4).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["0%", "90%", "99%", "99.9%", "99.99%"]);
        assert_eq!(spectrum_ticks(5)[5], (1e5, "99.999%".to_string()));
    }

    #[test]
    fn a_scenario_has_a_row_per_phase_then_overall() {
        let run = crate::report::testing::run_with_loads(vec![
            crate::report::testing::overloaded(),
            crate::report::testing::could_not_start(),
        ]);
        let mut cx = Context::new(&run, None);
        let s = section(&mut cx, 0);
        let names: Vec<&str> = s.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["warm", "ramp", "overload", "overall"]);
        assert!(s.rows[3].overall && !s.rows[2].overall);
        assert_eq!(s.rows[1].planned, "200 → 1.00 k req/s");
        assert_eq!(s.rows[1].span, "10.0 – 30.0 s");
        assert_eq!(s.rows[0].span, "0 – 10.0 s");
        // Overloaded: short of the offered rate, failures by kind, drops.
        let overload = &s.rows[2];
        assert!(overload.short && overload.has_failed && overload.has_dropped);
        assert_eq!(overload.kinds, ["timeout 380", "trap 20"]);
        assert_eq!(overload.achieved, "70.7% of offered");
        assert!(!s.rows[0].short && !s.rows[0].has_failed);
        assert_eq!(s.rows[0].latency.len(), LATENCY_STATS.len());
        // Thresholds: observed in their unit, the unmeasured one fails.
        let observed: Vec<(&str, bool)> = s
            .thresholds
            .iter()
            .map(|t| (t.observed.as_str(), t.passed))
            .collect();
        assert_eq!(observed[1], ("1.64%", true));
        assert_eq!(observed[2], ("600 req/s", true));
        assert_eq!(observed[3], ("— (nothing measured)", false));
        assert!(
            !observed[0].1 && observed[0].0.ends_with(" ms"),
            "{observed:?}"
        );
        assert_eq!(s.status.class, "st-failed");
        assert_eq!(s.status.text, "✗ FAILED: 2 of 4 thresholds missed");
        // Spectrum, latency over time, requests per second over time.
        assert_eq!(s.figures.len(), 3);
        let ids: Vec<&str> = s.figures.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "c3"]);

        // Nothing measured: a status and a message, no rows, no charts.
        let s = section(&mut cx, 1);
        assert!(s.rows.is_empty() && s.figures.is_empty() && s.thresholds.is_empty());
        assert_eq!(s.status.text, "✗ FAILED: trap");
        let setup = s.facts.iter().find(|f| f.term == "setup").unwrap();
        assert!(matches!(&setup.pieces[0], Piece::Text(t)
            if t == "closed model, 16 connections, think 10.0 ms · pool of 16 instances · queue 0"));
    }

    #[test]
    fn the_maximum_lands_on_the_last_finite_percentile() {
        let point = |percentile, latency_ns| SpectrumPoint {
            percentile,
            latency_ns,
            service_ns: latency_ns / 2,
        };
        let spectrum = [
            point(0.0, 100),
            point(90.0, 200),
            point(99.0, 900),
            point(100.0, 5000),
        ];
        let points = spectrum_points(&spectrum, |p| p.latency_ns);
        assert_eq!(points.len(), 4);
        assert_eq!(points[3].1, 5000.0);
        assert_eq!(points[3].0, points[2].0);
        assert!(points.iter().all(|p| p.0.is_finite()));
        // Nothing at all before the maximum: nothing to place it at.
        assert!(spectrum_points(&[point(100.0, 5)], |p| p.latency_ns).is_empty());
    }
}
