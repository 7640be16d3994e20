//! Load scenarios' sections: how each ran, one row per phase and one overall (throughput against
//! the offered rate, errors, latency from the intended start and from the actual start), the
//! thresholds' verdicts, the latency spectrum per phase and the timeline.

use super::colors::hex;
use super::context::Context;
use super::details::{params_fact, plugin_fact};
use super::facts::{Fact, Piece};
use super::figure::Figure;
use super::load_charts::{self, phase_color};
use super::status::StatusText;
use crate::model::LatencyStat;
use crate::report::format::{self, duration_ns, exact_or_count};
use crate::results::{LoadResult, LoadStats, ThresholdVerdict};

/// The latency columns of the phases' table, in order.
pub const LATENCY_STATS: [LatencyStat; 6] = LatencyStat::PERCENTILES;

/// Below this share of the offered rate, a span's throughput is flagged as falling short.
const SHORT_OF_OFFERED: f64 = 0.95;

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
    let mut lines: Vec<String> = l.head.message.iter().cloned().collect();
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
    let mut figures: Vec<Figure> = load_charts::spectrum_figure(cx, l).into_iter().collect();
    figures.extend(load_charts::timeline_figures(cx, l));
    LoadSection {
        index,
        id: l.head.id.clone(),
        status: status_of(l),
        message: l.head.message.clone(),
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
    let mut facts = vec![plugin_fact(&l.head.plugin, &l.head.workload)];
    if let Some(g) = &l.head.group {
        facts.push(Fact {
            term: "group",
            pieces: vec![Piece::Code(g.clone())],
        });
    }
    facts.extend(params_fact(&l.head.params));
    facts.push(fact("setup", format::load_setup(&l.setup)));
    facts.push(fact("limits", format::limits(&l.head.limits)));
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
    if let Some(rounds) = format::load_rounds(l) {
        facts.push(fact("rounds", rounds));
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

#[cfg(test)]
mod tests {
    use super::super::load_charts::{spectrum_points, spectrum_ticks, spectrum_x};
    use super::*;
    use crate::results::SpectrumPoint;

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
