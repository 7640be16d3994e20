//! How a run becomes points: a results file as the history records it, each value with the key of
//! its series (a bench's limits, a load scenario's setup).

use anyhow::{Context, Result, bail};

use super::series::{SeriesKey, Value};
use super::time::parse_time;
use crate::analysis::stats;
use crate::model::{Metric, Status};
use crate::results::{LoadResult, Measurement, RunResults};

/// A results file as the history records it.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub commit: String,
    pub branch: Option<String>,
    /// When the commit is placed on the series' axis: milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub suite: String,
    pub testbed: String,
    pub host: String,
    /// The results' own start time, which tells two runs of one commit apart.
    pub started_at: String,
    pub values: Vec<(SeriesKey, Value)>,
}

/// Where a run, and the commit it measured, came from.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub commit: String,
    pub branch: Option<String>,
    /// RFC 3339; default: when the run started.
    pub time: Option<String>,
    /// Default: [`default_testbed`].
    pub testbed: Option<String>,
}

/// The testbed a run's environment belongs to when none is named: OS, architecture, CPU model and
/// core count. Not the host name: CI runners of one class have a new name every job.
pub fn default_testbed(results: &RunResults) -> String {
    let env = &results.environment;
    format!("{}-{} {} ×{}", env.os, env.arch, env.cpu.trim(), env.cores)
}

impl RunRecord {
    /// The points a run adds: every metric of every bench that ran to completion, and every load
    /// metric of every load scenario that ran (status ok), from its rounds.
    pub fn from_results(results: &RunResults, provenance: &Provenance) -> Result<RunRecord> {
        let commit = label("--commit", &provenance.commit)?;
        let branch = provenance
            .branch
            .as_deref()
            .map(|b| label("--branch", b).map(str::to_owned))
            .transpose()?;
        let time = provenance.time.as_deref().unwrap_or(&results.started_at);
        let at_ms = parse_time(time).with_context(|| {
            format!(
                "{} is not an RFC 3339 time (e.g. 2026-11-30T07:15:00Z)",
                if provenance.time.is_some() {
                    format!("--time {time:?}")
                } else {
                    format!("the results' started_at {time:?}")
                }
            )
        })?;
        let testbed = match provenance.testbed.as_deref() {
            Some(name) => label("--testbed", name)?.to_owned(),
            None => default_testbed(results),
        };
        let env = &results.environment;
        let host = format!(
            "wasmbench {} · wasmtime {}",
            env.wasmbench_version, env.wasmtime_version
        );
        let suite = results.suite.name.clone();
        let values = points(results, &testbed, &host);
        Ok(RunRecord {
            commit: commit.to_owned(),
            branch,
            at_ms,
            suite,
            testbed,
            host,
            started_at: results.started_at.clone(),
            values,
        })
    }
}

/// Every metric of every bench that ran to completion, and every load metric of every scenario
/// that ran (the rounds' median), each with its series' key.
fn points(results: &RunResults, testbed: &str, host: &str) -> Vec<(SeriesKey, Value)> {
    let key = |id: &str, limits: &str, metric| SeriesKey {
        suite: results.suite.name.clone(),
        bench: id.to_owned(),
        testbed: testbed.to_owned(),
        host: host.to_owned(),
        limits: limits.to_owned(),
        metric,
    };
    let mut values = Vec::new();
    for bench in results
        .benches
        .iter()
        .filter(|b| b.head.status == Status::Ok)
    {
        let limits = format!(
            "fuel={} memory={} deadline={}",
            bench.head.limits.fuel,
            bench.head.limits.memory_bytes,
            humantime::format_duration(bench.head.limits.deadline)
        );
        for metric in Metric::bench() {
            if let Some(value) = bench.measurement(metric).and_then(value_of) {
                values.push((key(&bench.head.id, &limits, metric), value));
            }
        }
    }
    for load in results.loads.iter().filter(|l| l.head.status == Status::Ok) {
        let limits = load_limits(load);
        for metric in Metric::load() {
            if let Some(value) = rounds_value(&load.rounds_of(metric)) {
                values.push((key(&load.head.id, &limits, metric), value));
            }
        }
    }
    values
}

/// A name given on the command line, checked: 1 to 200 characters, none of them control characters
/// (they would end up in terminal lines, Markdown tables and file names of reports).
fn label<'a>(option: &str, text: &'a str) -> Result<&'a str> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 200 || text.chars().any(char::is_control) {
        bail!("{option} must be 1 to 200 characters, none of them control characters");
    }
    Ok(text)
}

fn value_of(measurement: Measurement<'_>) -> Option<Value> {
    let value = match measurement {
        Measurement::Counted(counted) => {
            let (low, high) = counted.span();
            Value {
                value: counted.value,
                low,
                high,
                exact: counted.range.is_none(),
            }
        }
        Measurement::Sampled(wall) => Value {
            value: wall.summary.median,
            low: wall.summary.median_ci_low,
            high: wall.summary.median_ci_high,
            exact: false,
        },
    };
    [value.value, value.low, value.high]
        .iter()
        .all(|v| v.is_finite())
        .then_some(value)
}

/// A load scenario's limits and everything else its latencies and throughput depend on besides
/// the code: the offered load (model, arrivals, connections and think time, each phase's length
/// and rate), the capacity that serves it (pool and queue: twice the instances halve the queueing
/// at the same rate) and the workload's params (not in a scenario's id, unlike a bench's). Change
/// any and the scenario starts new series rather than a false change point. Not the warmup, which
/// precedes the measured requests. No value holds whitespace, so the parts read as `name=value`.
fn load_limits(load: &LoadResult) -> String {
    let setup = &load.setup;
    let mut parts = vec![
        format!("fuel={}", load.head.limits.fuel),
        format!("memory={}", load.head.limits.memory_bytes),
        format!(
            "deadline={}",
            humantime::format_duration(load.head.limits.deadline)
        ),
        format!("model={}", setup.model),
    ];
    if let Some(arrival) = &setup.arrival {
        parts.push(format!("arrival={arrival}"));
    }
    if let Some(connections) = setup.connections {
        parts.push(format!("connections={connections}"));
    }
    if let Some(think) = setup.think_ns {
        parts.push(format!("think={}", seconds(think)));
    }
    parts.push(format!("pool={} queue={}", setup.pool, setup.queue));
    let phases: Vec<String> = load
        .phases
        .iter()
        .map(|p| {
            let ramp = p
                .ramp_to
                .filter(|to| *to != p.rate)
                .map(|to| format!("..{to}"))
                .unwrap_or_default();
            format!("{}@{}{ramp}", seconds(p.duration_ns), p.rate)
        })
        .collect();
    parts.push(format!("phases={}", phases.join(",")));
    parts.extend(
        load.head
            .params
            .iter()
            .map(|(name, value)| format!("{name}={}", without_whitespace(value))),
    );
    parts.join(" ")
}

/// Nanoseconds as seconds without trailing zeros: `3s`, `0.25s`.
fn seconds(ns: u64) -> String {
    format!("{}s", ns as f64 / 1e9)
}

fn without_whitespace(text: &str) -> String {
    text.split_whitespace().collect()
}

/// A load metric's point from its rounds: their median; its 95% interval (a bootstrap over the
/// rounds) from three rounds on, the rounds' range below that. `None` without rounds.
fn rounds_value(rounds: &[f64]) -> Option<Value> {
    let mut sorted: Vec<f64> = rounds.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let (low, high) = if sorted.len() >= 3 {
        stats::bootstrap_ci(&sorted, stats::median_of)
    } else {
        (sorted[0], sorted[sorted.len() - 1])
    };
    let value = Value {
        value: stats::median_of(&sorted),
        low,
        high,
        exact: false,
    };
    [value.value, value.low, value.high]
        .iter()
        .all(|v| v.is_finite())
        .then_some(value)
}
