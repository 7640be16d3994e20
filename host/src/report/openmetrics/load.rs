//! The metric families of load scenarios: latency percentiles per phase (from the intended start
//! and from the actual start), requests by outcome, rates, threshold verdicts and status. Live
//! during a scenario ([`LoadMetrics::progress`]: its counts and current phase's p99 so far,
//! requests in flight) and final when it ends ([`LoadMetrics::finished`], which overwrites the live values),
//! so a scrape and the export of results.json name and label everything alike.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use super::gauge::{FloatGauge, gauge_count};
use crate::model::{LatencyStat, Status};
use crate::results::{LoadResult, LoadStats, Percentiles};

/// The phase label of a scenario's figures over all its phases (as thresholds name that scope).
pub const OVERALL: &str = "overall";

// Each label set nests the one it refines, so a sample's labels are always in the same order
// (suite, scenario, phase, then what distinguishes it) and are built in one place.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScenarioLabels {
    suite: String,
    scenario: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabels {
    #[prometheus(flatten)]
    scenario: ScenarioLabels,
    phase: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatLabels {
    #[prometheus(flatten)]
    at: PhaseLabels,
    stat: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    #[prometheus(flatten)]
    at: PhaseLabels,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ThresholdLabels {
    #[prometheus(flatten)]
    scenario: ScenarioLabels,
    threshold: String,
    scope: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScenarioStatusLabels {
    #[prometheus(flatten)]
    scenario: ScenarioLabels,
    status: String,
}

/// Where a running scenario stands (what the live progress line shows).
#[derive(Debug, Clone, Copy)]
pub struct LiveLoad<'a> {
    pub scenario: &'a str,
    pub phase: &'a str,
    pub in_flight: u64,
    /// The scenario's requests so far (all phases: the `overall` figures until it ends).
    pub completed: u64,
    pub failed: u64,
    pub dropped: u64,
    /// The phase's corrected p99 so far.
    pub p99_ns: Option<u64>,
}

/// The load families, registered in a run's registry.
pub struct LoadMetrics {
    suite: String,
    latency: Family<StatLabels, FloatGauge>,
    service: Family<StatLabels, FloatGauge>,
    requests: Family<OutcomeLabels, Gauge>,
    rate: Family<OutcomeLabels, FloatGauge>,
    in_flight: Family<ScenarioLabels, Gauge>,
    threshold: Family<ThresholdLabels, Gauge>,
    status: Family<ScenarioStatusLabels, Gauge>,
}

impl LoadMetrics {
    pub fn register(registry: &mut Registry, suite: &str) -> Self {
        let metrics = LoadMetrics {
            suite: suite.to_string(),
            latency: Family::default(),
            service: Family::default(),
            requests: Family::default(),
            rate: Family::default(),
            in_flight: Family::default(),
            threshold: Family::default(),
            status: Family::default(),
        };
        registry.register_with_unit(
            "wasmbench_load_latency",
            "Load scenario latency from each request's intended start (coordinated omission corrected), by phase and statistic",
            Unit::Seconds,
            metrics.latency.clone(),
        );
        registry.register_with_unit(
            "wasmbench_load_service_time",
            "Load scenario latency from the moment an instance took the request (no queueing), by phase and statistic",
            Unit::Seconds,
            metrics.service.clone(),
        );
        registry.register(
            "wasmbench_load_requests",
            "Load scenario requests by outcome: offered, ok, dropped (queue full), failed, and failed by kind (error-trap, error-timeout, ...)",
            metrics.requests.clone(),
        );
        registry.register(
            "wasmbench_load_requests_per_second",
            "Load scenario rates: offered by the schedule, and completed without error (throughput)",
            metrics.rate.clone(),
        );
        registry.register(
            "wasmbench_load_in_flight",
            "Requests of the running load scenario taken or queued and not yet answered",
            metrics.in_flight.clone(),
        );
        registry.register(
            "wasmbench_load_threshold_passed",
            "1 when the load scenario's threshold held over its scope, 0 when it failed",
            metrics.threshold.clone(),
        );
        registry.register(
            "wasmbench_load_status",
            "1 for the status the load scenario ended with",
            metrics.status.clone(),
        );
        metrics
    }

    fn scenario_labels(&self, scenario: &str) -> ScenarioLabels {
        ScenarioLabels {
            suite: self.suite.clone(),
            scenario: scenario.to_string(),
        }
    }

    fn phase_labels(&self, scenario: &str, phase: &str) -> PhaseLabels {
        PhaseLabels {
            scenario: self.scenario_labels(scenario),
            phase: phase.to_string(),
        }
    }

    fn set_requests(&self, at: &PhaseLabels, outcome: &str, count: u64) {
        self.requests
            .get_or_create(&outcome_labels(at, outcome))
            .set(gauge_count(count));
    }

    fn set_stat(family: &Family<StatLabels, FloatGauge>, at: &PhaseLabels, stat: &str, ns: f64) {
        family
            .get_or_create(&StatLabels {
                at: at.clone(),
                stat: stat.to_string(),
            })
            .set(ns / 1e9);
    }

    /// A running scenario's progress: its counts so far, and its current phase's p99 so far.
    pub fn progress(&self, live: &LiveLoad<'_>) {
        let overall = self.phase_labels(live.scenario, OVERALL);
        self.set_requests(&overall, "ok", live.completed);
        self.set_requests(&overall, "failed", live.failed);
        self.set_requests(&overall, "dropped", live.dropped);
        if let Some(p99) = live.p99_ns {
            let phase = self.phase_labels(live.scenario, live.phase);
            Self::set_stat(&self.latency, &phase, LatencyStat::P99.name(), p99 as f64);
        }
        self.in_flight
            .get_or_create(&self.scenario_labels(live.scenario))
            .set(gauge_count(live.in_flight));
    }

    /// A scenario ended: its figures per phase and overall, thresholds and status.
    pub fn finished(&self, load: &LoadResult) {
        let phases = load.phases.iter().map(|p| (p.name.as_str(), &p.stats));
        for (phase, stats) in phases.chain(load.overall.as_ref().map(|s| (OVERALL, s))) {
            self.phase_finished(&self.phase_labels(&load.head.id, phase), stats);
        }
        if let Some(in_flight) = self.in_flight.get(&self.scenario_labels(&load.head.id)) {
            in_flight.set(0);
        }
        for verdict in &load.thresholds {
            self.threshold
                .get_or_create(&ThresholdLabels {
                    scenario: self.scenario_labels(&load.head.id),
                    threshold: verdict.threshold.to_string(),
                    scope: verdict.scope.clone(),
                })
                .set(i64::from(verdict.passed));
        }
        for status in Status::ALL {
            self.status
                .get_or_create(&ScenarioStatusLabels {
                    scenario: self.scenario_labels(&load.head.id),
                    status: status.as_str().to_string(),
                })
                .set(i64::from(load.head.status == status));
        }
    }

    fn phase_finished(&self, at: &PhaseLabels, stats: &LoadStats) {
        self.set_requests(at, "offered", stats.offered);
        self.set_requests(at, "ok", stats.ok);
        self.set_requests(at, "dropped", stats.dropped);
        self.set_requests(at, "failed", stats.failed());
        for (kind, count) in &stats.errors {
            self.set_requests(at, &format!("error-{kind}"), *count);
        }
        for (outcome, per_second) in [("offered", stats.offered_rate), ("ok", stats.throughput)] {
            self.rate
                .get_or_create(&outcome_labels(at, outcome))
                .set(per_second);
        }
        let stats_of = |family, percentiles: Option<&Percentiles>| {
            for stat in LatencyStat::all() {
                if let Some(p) = percentiles {
                    Self::set_stat(family, at, stat.name(), p.get(stat));
                }
            }
        };
        stats_of(&self.latency, stats.latency.as_ref());
        stats_of(&self.service, stats.service.as_ref());
    }
}

fn outcome_labels(at: &PhaseLabels, outcome: &str) -> OutcomeLabels {
    OutcomeLabels {
        at: at.clone(),
        outcome: outcome.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::RunMetrics;
    use crate::report::testing::overloaded;

    fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in\n{text}"))
    }

    /// A finished scenario's families: per-phase and overall percentiles in seconds, requests by
    /// outcome and error kind, rates, threshold verdicts and status; live values are overwritten.
    #[test]
    fn a_finished_scenario_has_its_percentiles_requests_and_verdicts() {
        let metrics = RunMetrics::new("load", "0.1.0", "48.0.8");
        let load = overloaded();
        metrics.load_progress(&super::LiveLoad {
            scenario: &load.head.id,
            phase: "overload",
            in_flight: 7,
            completed: 5,
            failed: 1,
            dropped: 0,
            p99_ns: Some(1),
        });
        let live = metrics.encode();
        let at = format!("{{suite=\"load\",scenario=\"{}\"", load.head.id);
        assert!(
            line(&live, &format!("wasmbench_load_in_flight{at}}}")).ends_with(" 7"),
            "{live}"
        );
        metrics.load_finished(&load);
        let text = metrics.encode();
        let overload = &load.phases[2].stats;
        let p99 = overload.latency.as_ref().unwrap().p99 as f64 / 1e9;
        let p99_line = line(
            &text,
            &format!("wasmbench_load_latency_seconds{at},phase=\"overload\",stat=\"p99\"}}"),
        );
        let value: f64 = p99_line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!((value - p99).abs() < 1e-9, "{p99_line} against {p99}");
        for (outcome, count) in [
            ("offered", 15000),
            ("ok", 10600),
            ("dropped", 4000),
            ("failed", 400),
            ("error-timeout", 380),
            ("error-trap", 20),
        ] {
            let requests = line(
                &text,
                &format!("wasmbench_load_requests{at},phase=\"overload\",outcome=\"{outcome}\"}}"),
            );
            assert!(requests.ends_with(&format!(" {count}")), "{requests}");
        }
        assert!(text.contains(&format!(
            "wasmbench_load_service_time_seconds{at},phase=\"overall\",stat=\"p99.9\"}}"
        )));
        assert!(text.contains(&format!(
            "wasmbench_load_requests_per_second{at},phase=\"overload\",outcome=\"ok\"}} 1060"
        )));
        assert!(line(&text, &format!("wasmbench_load_in_flight{at}}}")).ends_with(" 0"));
        assert!(
            text.contains("wasmbench_load_threshold_passed{")
                && text.contains("scope=\"overall\"} 0"),
            "{text}"
        );
        assert!(text.contains(&format!("wasmbench_load_status{at},status=\"ok\"}} 1")));
    }
}
