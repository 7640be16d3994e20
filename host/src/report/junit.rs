//! `junit.xml`: one test case per bench and metric (against a baseline), and per load scenario and
//! threshold; a regression, failure or missed threshold is a failing test, so CI systems that read
//! JUnit show exactly what changed. Written with `quick-junit`, which escapes and
//! serializes to the schema CI systems read. Text from plugins and results files goes through
//! [`super::escape::xml`] first, so the file stays well-formed whatever a name holds.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::escape::xml;
use super::export::{Export, Inputs};
use super::format;
use crate::analysis::compare::{BenchChange, MetricChange, Verdict};
use crate::model::{Metric, Status};
use crate::results::{BenchResult, LoadResult, RunResults};

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
        let mut suite = TestSuite::new(xml::attribute(&inputs.results.suite.name));
        let by_id: BTreeMap<&str, &BenchResult> = inputs
            .results
            .benches
            .iter()
            .map(|b| (b.id.as_str(), b))
            .collect();
        for bench in inputs.comparison.iter().flat_map(|c| &c.benches) {
            let measured = by_id.get(bench.id.as_str()).copied();
            suite.add_test_cases(cases(bench, measured));
        }
        // Load scenarios gate on their own thresholds, baseline or not.
        for load in loads {
            suite.add_test_cases(load_cases(load));
        }
        if let Some(elapsed) = run_time(inputs.results) {
            suite.set_time(elapsed);
        }
        let mut report = Report::new("wasmbench");
        report.add_test_suite(suite);
        Ok(Some(report.to_string()?))
    }
}

/// A bench's cases: one per compared metric, or one `status` case when no metric was compared (new,
/// missing, failed, no measurements).
fn cases(bench: &BenchChange, measured: Option<&BenchResult>) -> Vec<TestCase> {
    if bench.metrics.is_empty() {
        let note = bench.note.clone().unwrap_or_default();
        let mut case = TestCase::new("status", status(bench.verdict, true, &note));
        case.set_classname(xml::attribute(&bench.id));
        if !note.is_empty() {
            case.set_system_out(xml::text(&format!("{}: {note}", bench.verdict)));
        }
        return vec![case];
    }
    bench
        .metrics
        .iter()
        .map(|m| {
            let detail = describe(m);
            let mut case = TestCase::new(m.metric.as_str(), status(m.verdict, m.gating, &detail));
            case.set_classname(xml::attribute(&bench.id));
            case.set_system_out(xml::text(&format!("{}: {detail}", m.verdict)));
            // The time the new run spent in this bench's timed iterations, on the wall-time case.
            if let Some(time) = measured
                .filter(|_| m.metric == Metric::Wall)
                .and_then(timed)
            {
                case.set_time(time);
            }
            case
        })
        .collect()
}

/// A load scenario's cases: `status` (whether it ran its phases), then one per threshold, named as
/// written with its scope (`p95 < 200ms (overall)`), failing when the threshold was missed.
fn load_cases(load: &LoadResult) -> Vec<TestCase> {
    let classname = xml::attribute(&load.id);
    let status = match load.status {
        Status::Ok => TestCaseStatus::success(),
        other => failure(
            other.as_str(),
            &format!("{other}: {}", load.message.as_deref().unwrap_or("")),
        ),
    };
    let mut first = TestCase::new("status", status);
    first.set_classname(classname.clone());
    let ran: u64 = load.phases.iter().map(|p| p.duration_ns).sum();
    first.set_time(Duration::from_nanos(ran));
    let (_, summary) = format::load_status(load);
    let mut out = summary;
    if let Some(aborted) = &load.aborted {
        out.push_str(&format!("; aborted: {aborted}"));
    }
    first.set_system_out(xml::text(&out));
    let thresholds = load.thresholds.iter().map(|verdict| {
        let observed = format::load_value(verdict.threshold.metric, verdict.observed);
        let name = format!("{} ({})", verdict.threshold.text, verdict.scope);
        let status = if verdict.passed {
            TestCaseStatus::success()
        } else {
            failure("threshold", &format!("{name} missed: observed {observed}"))
        };
        let mut case = TestCase::new(xml::attribute(&name), status);
        case.set_classname(classname.clone());
        case.set_system_out(xml::text(&format!("observed {observed}")));
        case
    });
    std::iter::once(first).chain(thresholds).collect()
}

fn status(verdict: Verdict, gating: bool, detail: &str) -> TestCaseStatus {
    if verdict == Verdict::NoData {
        // Nothing was compared: neither a pass nor a failure.
        let mut status = TestCaseStatus::skipped();
        status
            .set_type(verdict.as_str())
            .set_message(format!("{verdict}: {detail}"));
        return status;
    }
    if gating
        && matches!(
            verdict,
            Verdict::Regressed | Verdict::Failed | Verdict::Missing
        )
    {
        failure(verdict.as_str(), &format!("{verdict}: {detail}"))
    } else {
        TestCaseStatus::success()
    }
}

/// A failing case's status: its type (`regressed`, `trap`, `threshold`) and message.
fn failure(kind: &str, message: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status
        .set_type(kind.to_string())
        .set_message(xml::attribute(message));
    status
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
    text.push_str(&format!(", threshold {}", format::percent(m.threshold)));
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
mod tests {
    use super::*;

    /// Without a baseline, a run with load scenarios still writes junit.xml: a `status` case per
    /// scenario and a case per threshold, failing exactly where a threshold was missed or the
    /// scenario could not run.
    #[test]
    fn load_scenarios_are_test_cases_without_a_baseline() {
        let (run, xml) = crate::report::testing::rendered_loads(&JUnit);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let cases: Vec<(String, String, bool)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .map(|n| {
                (
                    n.attribute("classname").unwrap_or("").to_string(),
                    n.attribute("name").unwrap_or("").to_string(),
                    n.children().any(|c| c.has_tag_name("failure")),
                )
            })
            .collect();
        let overloaded = &run.loads[0].id;
        let failed: Vec<&str> = cases
            .iter()
            .filter(|(class, _, failed)| class == overloaded && *failed)
            .map(|(_, name, _)| name.as_str())
            .collect();
        assert_eq!(
            failed,
            ["p95 < 100ms (overall)", "service.p99 <= 10ms (overload)"],
            "{xml}"
        );
        let passed = cases
            .iter()
            .filter(|(class, _, failed)| class == overloaded && !*failed)
            .count();
        assert_eq!(passed, 3, "status, error_rate and throughput hold: {xml}");
        let unstarted = &run.loads[1];
        assert!(
            cases
                .iter()
                .any(|(class, name, failed)| class == &unstarted.id && name == "status" && *failed),
            "{xml}"
        );
        let p95 = &run.loads[0].thresholds[0];
        let message = format!(
            "p95 &lt; 100ms (overall) missed: observed {}",
            format::load_value(p95.threshold.metric, p95.observed)
        );
        assert!(xml.contains(&message), "no {message:?} in {xml}");
    }

    #[test]
    fn failure_text_reads_as_a_sentence() {
        let change = MetricChange {
            metric: Metric::Wall,
            verdict: Verdict::Regressed,
            old: Some(1_200_000.0),
            new: Some(1_340_000.0),
            ratio: Some(1.117),
            ratio_ci: Some((1.08, 1.152)),
            threshold: 0.05,
            gating: true,
            basis: Some("3 vs 3 executions".into()),
        };
        assert_eq!(
            describe(&change),
            "median wall time 1.34 ms vs 1.20 ms (+11.7%, 95% CI +8.0% … +15.2%), threshold 5%; 3 vs 3 executions"
        );
    }
}
