//! The charts of a load scenario's section: the HDR percentile spectrum per phase, and latency and
//! requests per second over time with the phases as bands.

use super::super::charts::{Axis, Chart, LineChart, Rgb, SMALL_H, Scale, Series, WIDE};
use super::colors::PALETTE;
use super::context::Context;
use super::figure::Figure;
use crate::analysis::distribution::{CHART_POINTS, thin};
use crate::report::format::{self, duration_ns, plural};
use crate::results::{LoadResult, LoadStats, SpectrumPoint, TimelinePoint};

/// The lines every scenario's "overall" draws in: dark, apart from the phases' colours.
const OVERALL: Rgb = (0x33, 0x33, 0x33);
const OFFERED: Rgb = (0x70, 0x76, 0x7e);

/// The colour of phase `k`'s line (the palette's grey is left to the overall lines).
pub(super) fn phase_color(k: usize) -> Rgb {
    PALETTE[k % (PALETTE.len() - 1)]
}

/// A latency axis on a log scale up to `max` ns (the spectrum's and the timeline's).
fn latency_axis(max: f64) -> Axis {
    Axis {
        title: "latency, log scale".into(),
        scale: Scale::duration(max),
        log: true,
        from_zero: false,
        integer: false,
    }
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
        step: false,
    }
}

pub(super) fn spectrum_figure(cx: &mut Context, l: &LoadResult) -> Option<Figure> {
    let mut series = spectrum_series(l);
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
        y: latency_axis(max),
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
        format!("Latency by percentile, {}", l.head.id),
        format!(
            "Line chart of latency against percentile, one line per phase of {} ({}), and the overall service time dashed.{}",
            l.head.id,
            plural(l.phases.len(), "phase", "phases"),
            l.overall.as_ref().map(described).unwrap_or_default()
        ),
        "Latency by percentile (HDR-style: each step right is one more nine). Solid lines: from each request's intended start, queueing included (corrected for coordinated omission); dashed: service time, from when an instance took the request. The gap between them is time spent waiting.".into(),
        "wide",
    ))
}

/// The spectrum's lines: one per phase, the whole scenario's when there are several phases, and
/// the whole scenario's service time dashed.
fn spectrum_series(l: &LoadResult) -> Vec<Series> {
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
    series
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

/// When the schedule ended: the last phase's end, or for a scenario `abort_on_fail` stopped, the
/// end of the last step that offered a request.
fn schedule_end(l: &LoadResult) -> u64 {
    let planned = l
        .phases
        .iter()
        .map(|p| p.start_ns.saturating_add(p.duration_ns))
        .max()
        .unwrap_or(u64::MAX);
    let offered = l
        .timeline
        .iter()
        .rev()
        .find(|t| t.offered > 0)
        .map(|t| t.at_ns.saturating_add(l.timeline_step_ns));
    match (l.aborted.is_some(), offered) {
        (true, Some(end)) => planned.min(end),
        _ => planned,
    }
}

/// How much of each timeline step the schedule covered, ns: the step, less for the step it ended
/// in; `None` for steps after it (requests that finished in the drain).
fn covered(l: &LoadResult) -> Vec<Option<u64>> {
    let (step, end) = (l.timeline_step_ns, schedule_end(l));
    l.timeline
        .iter()
        .map(|t| (t.at_ns < end).then(|| step.min(end - t.at_ns)))
        .collect()
}

/// A count per second in each step, divided by the time the step covered (a step the schedule
/// ended halfway through counted over half a step: no plunge that reads as an outage), at the
/// middle of that time. Steps after the schedule are left out: no rate of theirs compares.
fn rate_points(
    l: &LoadResult,
    covered: &[Option<u64>],
    value: fn(&TimelinePoint) -> u64,
) -> Vec<(f64, f64)> {
    l.timeline
        .iter()
        .zip(covered)
        .filter_map(|(t, c)| {
            let c = c.filter(|c| *c > 0)?;
            Some((
                t.at_ns as f64 + c as f64 / 2.0,
                value(t) as f64 / (c as f64 / 1e9),
            ))
        })
        .collect()
}

/// What the rate chart's caption says about partial steps and the drain, if anything.
fn coverage_note(l: &LoadResult, covered: &[Option<u64>]) -> String {
    let step = l.timeline_step_ns;
    let mut note = String::new();
    if let Some(c) = covered.iter().flatten().find(|c| **c < step) {
        note.push_str(&format!(
            " The last step covered {} of its {}: its rates are per second of that.",
            duration_ns(*c as f64),
            duration_ns(step as f64)
        ));
    }
    let drained = l
        .timeline
        .iter()
        .zip(covered)
        .filter(|(_, c)| c.is_none())
        .fold(0u64, |sum, (t, _)| {
            sum.saturating_add(t.ok).saturating_add(t.failed)
        });
    if drained > 0 {
        note.push_str(&format!(
            " {} after the schedule ended (the drain), not drawn as a rate.",
            plural(drained as usize, "request finished", "requests finished")
        ));
    }
    note
}

/// Latency, then requests per second, over the scenario's time: two panels on one time axis, the
/// phases shaded alike in both.
pub(super) fn timeline_figures(cx: &mut Context, l: &LoadResult) -> Vec<Figure> {
    let step = l.timeline_step_ns;
    if l.timeline.is_empty() || step == 0 {
        return Vec::new();
    }
    // Saturating: results.json is input, and a hostile one must not wrap an end before its start.
    let end = l
        .phases
        .iter()
        .map(|p| p.start_ns.saturating_add(p.duration_ns))
        .chain(l.timeline.iter().map(|t| t.at_ns.saturating_add(step)))
        .max()
        .unwrap_or(step) as f64;
    let bands: Vec<(f64, f64, String)> = l
        .phases
        .iter()
        .map(|p| {
            (
                p.start_ns as f64,
                p.start_ns.saturating_add(p.duration_ns) as f64,
                p.name.clone(),
            )
        })
        .collect();
    let mut figures = Vec::new();
    figures.extend(latency_figure(cx, l, end, &bands));
    figures.push(rate_figure(cx, l, end, bands));
    figures
}

/// The timeline's x axis: time since the scenario's start, up to `end` ns.
fn time_axis(end: f64) -> Axis {
    Axis {
        title: "time since start".into(),
        scale: Scale::duration(end),
        log: false,
        from_zero: true,
        integer: false,
    }
}

/// p50 and p99 latency of the requests finished in each step, phases shaded (none when no
/// request finished).
fn latency_figure(
    cx: &mut Context,
    l: &LoadResult,
    end: f64,
    bands: &[(f64, f64, String)],
) -> Option<Figure> {
    let step = l.timeline_step_ns;
    let mid = |at: u64| at as f64 + step as f64 / 2.0;
    let latency = |value: fn(&TimelinePoint) -> u64| {
        thinned(
            l.timeline
                .iter()
                .filter(|t| value(t) > 0)
                .map(|t| (mid(t.at_ns), value(t) as f64))
                .collect(),
        )
    };
    let p50 = latency(|t| t.p50_ns);
    let p99 = latency(|t| t.p99_ns);
    if p99.is_empty() {
        return None;
    }
    let max = p99.iter().map(|p| p.1).fold(0.0, f64::max);
    let chart = LineChart {
        series: vec![
            line("p50".into(), PALETTE[0], p50, false),
            line("p99".into(), PALETTE[5], p99, false),
        ],
        x: time_axis(end),
        y: latency_axis(max),
        marks: Vec::new(),
        x_marks: Vec::new(),
        x_span: Some((0.0, end)),
        x_ticks: Vec::new(),
        x_bands: bands.to_vec(),
        size: (WIDE, 260),
    };
    Some(cx.figure(
        Chart::Lines(chart),
        format!("Latency over time, {}", l.head.id),
        format!(
            "Line chart of the p50 and p99 latency from the intended start of the requests finished in each {} step of {}, phases shaded; highest p99 {}.",
            duration_ns(step as f64),
            l.head.id,
            duration_ns(max)
        ),
        format!(
            "Latency over time, from the intended start (corrected), of the requests finished in each {} step. Shaded bands are the phases.",
            duration_ns(step as f64)
        ),
        "wide",
    ))
}

/// Requests offered, completed, failed and dropped per second in each step, phases shaded.
fn rate_figure(
    cx: &mut Context,
    l: &LoadResult,
    end: f64,
    bands: Vec<(f64, f64, String)>,
) -> Figure {
    let step = l.timeline_step_ns;
    let covered = covered(l);
    let rate = |value: fn(&TimelinePoint) -> u64| thinned(rate_points(l, &covered, value));
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
        x: time_axis(end),
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
    cx.figure(
        Chart::Lines(chart),
        format!("Requests per second over time, {}", l.head.id),
        format!(
            "Line chart of requests offered, completed without error{} per second in each {} step of {}, phases shaded; overall {} achieved of {} offered.",
            if l.timeline.iter().any(|t| t.failed > 0 || t.dropped > 0) {
                ", failed and dropped"
            } else {
                ""
            },
            duration_ns(step as f64),
            l.head.id,
            o.map_or("—".into(), |o| format::requests_per_second(o.throughput)),
            o.map_or("—".into(), |o| format::requests_per_second(o.offered_rate)),
        ),
        format!(
            "Requests per second over time: offered by the schedule (dashed) against completed without error (ok); failed and dropped when there were any. Ok below offered is the workload falling behind.{}",
            coverage_note(l, &covered)
        ),
        "wide",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{overloaded, run_with_loads};

    /// The schedule ends a quarter into a 0.5 s step (39.75 s), and a request finishes after it:
    /// the partial step's rate is that of its neighbours (it plunged to half), the drain's isn't
    /// drawn, and the caption says both.
    #[test]
    fn a_partial_last_step_is_scaled_and_the_drain_left_out() {
        let mut l = overloaded();
        l.phases[2].duration_ns = 9_750_000_000;
        l.timeline.truncate(81);
        l.timeline[79].offered /= 2;
        l.timeline[80] = TimelinePoint {
            offered: 0,
            ok: 3,
            failed: 0,
            ..l.timeline[80]
        };
        let covered = covered(&l);
        assert_eq!(covered[78], Some(500_000_000));
        assert_eq!(covered[79], Some(250_000_000));
        assert_eq!(covered[80], None);
        let offered = rate_points(&l, &covered, |t| t.offered);
        assert_eq!(offered.len(), 80);
        let (before, last) = (offered[78], offered[79]);
        assert_eq!(last.0, 39.625e9);
        assert!(
            (last.1 / before.1 - 1.0).abs() < 0.01,
            "{before:?} → {last:?}"
        );
        let note = coverage_note(&l, &covered);
        assert!(note.contains("covered 250 ms of its 500 ms"), "{note}");
        assert!(
            note.contains("3 requests finished after the schedule ended"),
            "{note}"
        );
        // And the chart's caption carries it.
        let run = run_with_loads(vec![l.clone()]);
        let mut cx = Context::new(&run, None);
        let figures = timeline_figures(&mut cx, &l);
        assert!(figures[1].caption.contains("the drain"));
    }

    /// A hostile results.json: ends past u64::MAX saturate instead of wrapping (or panicking in
    /// a debug build).
    #[test]
    fn huge_offsets_do_not_overflow() {
        let mut l = overloaded();
        l.phases[2].start_ns = u64::MAX - 5;
        l.phases[2].duration_ns = u64::MAX;
        if let Some(t) = l.timeline.last_mut() {
            t.at_ns = u64::MAX - 1;
        }
        l.timeline_step_ns = u64::MAX / 2;
        let run = run_with_loads(vec![l.clone()]);
        let mut cx = Context::new(&run, None);
        let figures = timeline_figures(&mut cx, &l);
        assert_eq!(figures.len(), 2);
        for f in &figures {
            f.chart.draw().unwrap();
        }
        assert_eq!(schedule_end(&l), u64::MAX);
    }
}
