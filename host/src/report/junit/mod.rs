//! `junit.xml`: one test case per bench and metric (against a baseline), and per load scenario and
//! threshold; a regression, failure or missed threshold is a failing test, so CI systems that read
//! JUnit show exactly what changed.
//!
//! The file is what Jenkins' xunit plugin validates against (its `junit-10.xsd`, kept in
//! `host/tests/fixtures/` and checked by the tests), GitLab's and junitparser's readers take:
//! `testsuites` (name, tests, failures, errors, time — the schema allows no `skipped` there) holding
//! one `testsuite`, whose `testcase`s hold a `failure` or `skipped` (type, message, and the message
//! again as text, as Surefire writes it) and their `system-out`. Written by [`write`] with quick-xml,
//! which escapes markup; text from plugins and results files goes through [`super::escape::xml`]
//! first, so the file stays well-formed whatever a name holds. Every failure and skip message is a
//! whole sentence: the verdict, then why.

mod write;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;

use super::escape::xml;
use super::export::{Export, Inputs};
use super::format;
use crate::analysis::compare::{BenchChange, MetricChange, Verdict};
use crate::model::{Metric, Status};
use crate::results::{BenchResult, LoadResult, RunResults};
use write::{Case, Outcome, Suite};

pub struct JUnit;

impl Export for JUnit {
    fn file_name(&self) -> &'static str {
        "junit.xml"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let loads = &inputs.results.loads;
        if inputs.comparison.is_none() && loads.is_empty() {
            return Ok(None);
        }
        let by_id: BTreeMap<&str, &BenchResult> = inputs
            .results
            .benches
            .iter()
            .map(|b| (b.head.id.as_str(), b))
            .collect();
        let mut cases = Vec::new();
        for bench in inputs.comparison.iter().flat_map(|c| &c.benches) {
            let measured = by_id.get(bench.id.as_str()).copied();
            cases.extend(bench_cases(bench, measured));
        }
        // Load scenarios gate on their own thresholds, baseline or not; against a baseline, on
        // their metrics' verdicts too.
        for load in loads {
            cases.extend(load_cases(load));
        }
        for load in inputs.comparison.iter().flat_map(|c| &c.loads) {
            cases.extend(load_verdict_cases(load));
        }
        let suite = Suite {
            name: xml::attribute(&inputs.results.suite.name),
            time: run_time(inputs.results),
            cases,
        };
        Ok(Some(write::report("wasmbench", &suite)?))
    }
}

/// A bench's cases: one per compared metric, or one `status` case when no metric was compared (new,
/// missing, failed, no measurements).
fn bench_cases(bench: &BenchChange, measured: Option<&BenchResult>) -> Vec<Case> {
    let classname = xml::attribute(&bench.id);
    if bench.metrics.is_empty() {
        let sentence = format!("{}: {}.", bench.verdict, status_reason(bench));
        return vec![Case {
            name: "status".into(),
            classname,
            time: None,
            outcome: outcome(bench.verdict, true, &sentence),
            out: xml::text(&sentence),
        }];
    }
    bench
        .metrics
        .iter()
        .map(|m| {
            let mut sentence = format!("{}: {}", m.verdict, describe(m));
            if m.verdict == Verdict::NoData {
                sentence.push_str(&format!("; {}", no_data_reason(m)));
            }
            sentence.push('.');
            // The time the new run spent in this bench's timed iterations, on the wall-time case.
            let time = measured
                .filter(|_| m.metric == Metric::Wall)
                .and_then(timed);
            Case {
                name: m.metric.as_str().into(),
                classname: classname.clone(),
                time,
                outcome: outcome(m.verdict, m.gating, &sentence),
                out: xml::text(&sentence),
            }
        })
        .collect()
}

/// A load scenario's verdicts against the baseline: one case per load metric (`p99`), or one
/// `vs baseline` case when none was compared (new, missing, failed).
fn load_verdict_cases(load: &crate::analysis::compare::LoadChange) -> Vec<Case> {
    let classname = xml::attribute(&load.id);
    if load.metrics.is_empty() {
        let sentence = format!("{}: {}.", load.verdict, load.basis());
        return vec![Case {
            name: "vs baseline".into(),
            classname,
            time: None,
            outcome: outcome(load.verdict, true, &sentence),
            out: xml::text(&sentence),
        }];
    }
    load.metrics
        .iter()
        .map(|m| {
            let sentence = format!("{}: {}.", m.verdict, describe(m));
            Case {
                name: m.metric.as_str().into(),
                classname: classname.clone(),
                time: None,
                outcome: outcome(m.verdict, m.gating, &sentence),
                out: xml::text(&sentence),
            }
        })
        .collect()
}

/// Why a bench has no metric to compare, in words: the comparison's note when it has one, else
/// what the two runs' statuses say.
fn status_reason(bench: &BenchChange) -> String {
    if let Some(note) = bench.note.as_deref().filter(|n| !n.trim().is_empty()) {
        return note.to_string();
    }
    match (bench.old_status, bench.new_status) {
        (Some(old), None) => {
            format!("in the baseline (where it ended `{old}`), not in this run")
        }
        (None, Some(new)) => format!("not in the baseline; it ended `{new}` in this run"),
        (Some(old), Some(new)) if old == new => {
            format!("ended `{new}` in both runs, so there are no measurements to compare")
        }
        (Some(old), Some(new)) => format!("ended `{old}` in the baseline and `{new}` in this run"),
        (None, None) => "in neither run".into(),
    }
}

/// Why a metric has no verdict: measured on one side only, or a median that can't be divided by.
fn no_data_reason(m: &MetricChange) -> &'static str {
    match (m.old, m.new) {
        (Some(_), None) => "measured in the baseline only",
        (None, Some(_)) => "measured in this run only",
        (None, None) => "measured in neither run",
        (Some(_), Some(_)) => "a side has no samples or a zero median, so no ratio can be taken",
    }
}

/// A load scenario's cases: `status` (whether it ran its phases and met its thresholds), then one
/// per threshold, named as written with its scope (`p95 < 200ms (overall)`), failing when the
/// threshold was missed.
fn load_cases(load: &LoadResult) -> Vec<Case> {
    let classname = xml::attribute(&load.head.id);
    let (held, summary) = format::load_status(load);
    let mut out = summary;
    if let Some(aborted) = &load.aborted {
        out.push_str(&format!("; aborted: {aborted}"));
    }
    let status = if held {
        Outcome::Passed
    } else if load.head.status != Status::Ok {
        let why = load
            .head
            .message
            .as_deref()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or("the scenario could not run its phases");
        Outcome::failed(
            load.head.status.as_str(),
            &format!("{}: {why}.", load.head.status),
        )
    } else {
        let missed: Vec<String> = load
            .thresholds
            .iter()
            .filter(|t| !t.passed)
            .map(|t| format!("{} ({})", t.threshold.text, t.scope))
            .collect();
        Outcome::failed(
            "thresholds",
            &format!(
                "{} of {} missed: {}.",
                missed.len(),
                format::plural(load.thresholds.len(), "threshold", "thresholds"),
                missed.join(", ")
            ),
        )
    };
    let ran: u64 = load.phases.iter().map(|p| p.duration_ns).sum();
    let first = Case {
        name: "status".into(),
        classname: classname.clone(),
        time: Some(Duration::from_nanos(ran)),
        outcome: status,
        out: xml::text(&out),
    };
    let thresholds = load.thresholds.iter().map(|verdict| {
        let observed = format::load_value(verdict.threshold.metric, verdict.observed);
        let name = format!("{} ({})", verdict.threshold.text, verdict.scope);
        let outcome = if verdict.passed {
            Outcome::Passed
        } else {
            Outcome::failed("threshold", &format!("{name} missed: observed {observed}."))
        };
        Case {
            name: xml::attribute(&name),
            classname: classname.clone(),
            time: None,
            outcome,
            out: xml::text(&format!("observed {observed}")),
        }
    });
    std::iter::once(first).chain(thresholds).collect()
}

/// A case's outcome from its verdict; `sentence` says why, whole.
fn outcome(verdict: Verdict, gating: bool, sentence: &str) -> Outcome {
    if matches!(verdict, Verdict::NoData | Verdict::Inconclusive) {
        // Nothing was compared, or the data can't tell: neither a pass nor a failure.
        return Outcome::Skipped {
            kind: verdict.as_str().into(),
            message: sentence.into(),
        };
    }
    if gating
        && matches!(
            verdict,
            Verdict::Regressed | Verdict::Failed | Verdict::Missing
        )
    {
        Outcome::failed(verdict.as_str(), sentence)
    } else {
        Outcome::Passed
    }
}

/// `1.34 ms vs 1.20 ms (+11.7%, 95% CI +8.0% … +15.2%), threshold 5%; 3 vs 3 executions`.
fn describe(m: &MetricChange) -> String {
    let value =
        |v: Option<f64>| v.map_or("—".to_string(), |v| format::quantity(m.metric.unit(), v));
    let mut text = format!("{} {} vs {}", m.metric.label(), value(m.new), value(m.old));
    if let Some(ratio) = m.ratio {
        text.push_str(&format!(" ({}", format::change(ratio)));
        if let Some((low, high)) = m.ratio_ci {
            text.push_str(&format!(
                ", 95% CI {} … {}",
                format::change(low),
                format::change(high)
            ));
        }
        text.push(')');
    }
    let threshold = if m.metric.compared_as_difference() {
        format!("{:.1} points", 100.0 * m.threshold)
    } else {
        format::percent(m.threshold)
    };
    text.push_str(&format!(", threshold {threshold}"));
    match (&m.basis, m.gating) {
        (Some(basis), _) => text.push_str(&format!("; {basis}")),
        (None, false) => text.push_str("; not gating"),
        (None, true) => {}
    }
    text
}

/// Sum of a bench's timed iterations.
fn timed(bench: &BenchResult) -> Option<Duration> {
    let wall = bench.wall_ns.as_ref()?;
    // Saturating: hand-edited samples must not overflow (a panic in debug builds, a wrap in release).
    Some(Duration::from_nanos(
        wall.samples
            .iter()
            .fold(0u64, |sum, ns| sum.saturating_add(*ns)),
    ))
}

/// From the run's start to its end.
fn run_time(results: &RunResults) -> Option<Duration> {
    let started = humantime::parse_rfc3339(&results.started_at).ok()?;
    let finished = humantime::parse_rfc3339(&results.finished_at).ok()?;
    finished.duration_since(started).ok()
}

#[cfg(test)]
mod tests;
