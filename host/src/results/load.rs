//! Load scenarios' results: per phase and overall, latency percentiles from the intended start
//! (coordinated omission corrected) and from the actual start, throughput achieved against offered,
//! errors by kind, a timeline, and the thresholds' verdicts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ResultHead;
use crate::model::{LatencyStat, LoadThreshold, Metric, Status, Subject};

/// One `[[load]]` scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadResult {
    #[serde(flatten)]
    pub head: ResultHead,
    pub setup: LoadSetup,
    /// Fuel of one request on the metered engine (median of the fuel pass).
    pub fuel_per_request: Option<u64>,
    /// Linear memory peak of one instance over the fuel pass, bytes.
    pub peak_memory: Option<u64>,
    pub phases: Vec<PhaseResult>,
    /// The whole scenario (every phase).
    pub overall: Option<LoadStats>,
    pub timeline: Vec<TimelinePoint>,
    /// Width of one timeline point, ns.
    pub timeline_step_ns: u64,
    /// How late the scheduler handed requests to the queue (dispatch − intended start): the
    /// harness's own error, not the workload's.
    pub schedule_lag: Option<Percentiles>,
    pub thresholds: Vec<ThresholdVerdict>,
    /// Set when `abort_on_fail` stopped the scenario early: which threshold, when.
    pub aborted: Option<String>,
    /// Every round the scenario ran (`--executions N` runs it N times, each in a fresh worker),
    /// in run order; `phases`, `overall` and `timeline` are those of `detail_round`. Absent in
    /// older results, which ran one round.
    #[serde(default)]
    pub rounds: Vec<LoadRound>,
    /// Which of `rounds` (0-based) the detail shows: the one whose overall p99 is the median.
    #[serde(default)]
    pub detail_round: usize,
}

/// One round of a scenario, over every phase: what verdicts between runs and the history compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadRound {
    /// Corrected latency percentiles, ns; none when no request completed.
    pub p50_ns: Option<u64>,
    pub p99_ns: Option<u64>,
    /// Requests completed without error per second.
    pub throughput: f64,
    /// Failed over sent.
    pub error_rate: f64,
}

impl LoadRound {
    pub fn of(overall: &LoadStats) -> LoadRound {
        LoadRound {
            p50_ns: overall.latency.map(|l| l.p50),
            p99_ns: overall.latency.map(|l| l.p99),
            throughput: overall.throughput,
            error_rate: overall.error_rate,
        }
    }

    /// The round's value of a load metric; `None` for a bench's metric or a latency not measured.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::LatencyP50 => self.p50_ns.map(|v| v as f64),
            Metric::LatencyP99 => self.p99_ns.map(|v| v as f64),
            Metric::Throughput => Some(self.throughput),
            Metric::ErrorRate => Some(self.error_rate),
            Metric::Wall | Metric::Fuel | Metric::Memory => None,
            #[cfg(test)]
            Metric::Toy => None,
        }
    }
}

impl LoadResult {
    /// Every threshold held.
    pub fn thresholds_passed(&self) -> bool {
        self.thresholds.iter().all(|t| t.passed)
    }

    /// The rounds' values of a load metric, in run order (rounds without the value left out).
    /// Results older than rounds count their one run as a round.
    pub fn rounds_of(&self, metric: Metric) -> Vec<f64> {
        debug_assert_eq!(metric.subject(), Subject::Load);
        let legacy;
        let rounds = if self.rounds.is_empty() {
            legacy = self.overall.as_ref().map(LoadRound::of);
            legacy.as_slice()
        } else {
            &self.rounds
        };
        if self.head.status != Status::Ok {
            return Vec::new();
        }
        rounds.iter().filter_map(|r| r.get(metric)).collect()
    }
}

/// How the scenario was run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadSetup {
    /// `open` or `closed`.
    pub model: String,
    /// `uniform` or `poisson` (open model).
    pub arrival: Option<String>,
    pub connections: Option<u32>,
    pub think_ns: Option<u64>,
    pub pool: u32,
    pub queue: u32,
    pub warmup: u32,
}

/// One phase as planned and as measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseResult {
    pub name: String,
    /// Offset from the scenario's start, ns.
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Planned arrivals per second at the start and the end (open model).
    pub rate: f64,
    pub ramp_to: Option<f64>,
    pub stats: LoadStats,
}

/// Counts, rates and latency distributions over a span of requests (those whose intended start
/// falls in it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadStats {
    /// Requests the schedule produced.
    pub offered: u64,
    /// Requests dropped because the queue was full.
    pub dropped: u64,
    /// Requests that completed without error.
    pub ok: u64,
    /// Failed requests by kind (`error`, `trap`, `memory-limit`, `deadline`, `timeout`, …).
    pub errors: BTreeMap<String, u64>,
    /// Offered requests per second.
    pub offered_rate: f64,
    /// Requests completed without error per second.
    pub throughput: f64,
    /// Failed over sent (offered − dropped).
    pub error_rate: f64,
    /// Dropped over offered.
    pub drop_rate: f64,
    /// From the intended start to completion: what a user waiting for the answer sees.
    pub latency: Option<Percentiles>,
    /// From the moment an instance took the request to completion: no queueing.
    pub service: Option<Percentiles>,
    /// Latency at percentiles 0 … 99.99+ (HDR-style spectrum), corrected and service.
    pub spectrum: Vec<SpectrumPoint>,
}

impl LoadStats {
    pub fn failed(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// Latency statistics, ns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50: u64,
    pub p90: u64,
    pub p95: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
    pub mean: f64,
}

impl Percentiles {
    pub fn get(&self, stat: LatencyStat) -> f64 {
        match stat {
            LatencyStat::P50 => self.p50 as f64,
            LatencyStat::P90 => self.p90 as f64,
            LatencyStat::P95 => self.p95 as f64,
            LatencyStat::P99 => self.p99 as f64,
            LatencyStat::P999 => self.p999 as f64,
            LatencyStat::Max => self.max as f64,
            LatencyStat::Mean => self.mean,
        }
    }
}

/// One point of the percentile spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SpectrumPoint {
    /// 0–100.
    pub percentile: f64,
    pub latency_ns: u64,
    pub service_ns: u64,
}

/// One step of the timeline, by completion time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    /// Offset of the step's start from the scenario's start, ns.
    pub at_ns: u64,
    /// Requests the schedule produced in the step.
    pub offered: u64,
    /// Requests finished in the step, without error and with one.
    pub ok: u64,
    pub failed: u64,
    pub dropped: u64,
    /// Requests queued or running at the step's end.
    pub in_flight: u64,
    /// Corrected latency of the requests finished in the step.
    pub p50_ns: u64,
    pub p99_ns: u64,
    pub max_ns: u64,
}

/// One threshold, where it applied, what was observed, and whether it held.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThresholdVerdict {
    pub threshold: LoadThreshold,
    /// `overall`, or the phase's name.
    pub scope: String,
    /// The observed value: ns for latencies, a fraction for rates, per second for throughput.
    /// None when nothing was measured (no request completed): the threshold fails.
    pub observed: Option<f64>,
    pub passed: bool,
}
