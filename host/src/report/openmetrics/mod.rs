//! A run as OpenMetrics text (the Prometheus exposition format), through the `prometheus-client`
//! crate: live while a run goes (`run --metrics-addr`, fed sample by sample) and for a finished
//! run (`wasmbench export openmetrics`, for a Pushgateway or node_exporter's textfile collector).
//! One set of metric families serves both, so a scrape during a run and the export after it
//! name and label everything alike.
//!
//! Counts that only grow during a run (samples, finished benches, failures) are gauges, not
//! counters: an OpenMetrics counter's samples end in `_total` while its HELP and TYPE lines don't,
//! which Prometheus's classic text parser (Debian's promtool 2.42) reads as two metrics.

mod gauge;
mod load;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{self, Registry, Unit};

use crate::model::{Metric, Status, Unit as MetricUnit};
use crate::results::{BenchResult, LoadResult, Measurement, RunResults};
use gauge::{FloatGauge, gauge_count};
pub use load::LiveLoad;
use load::LoadMetrics;

/// The content type of the exposition, for HTTP.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BenchLabels {
    pub suite: String,
    pub bench: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GroupLabels {
    suite: String,
    bench: String,
    group: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    suite: String,
    bench: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CounterLabels {
    suite: String,
    bench: String,
    name: String,
}

/// A counter's statistic over the timed iterations: `median`, `min` or `max`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CounterStatLabels {
    suite: String,
    bench: String,
    name: String,
    stat: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: String,
    wasmtime: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SuiteLabels {
    suite: String,
}

type Histograms = Family<BenchLabels, Histogram, fn() -> Histogram>;

/// Iteration times from 1 µs to ~67 s, doubling.
fn iteration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(1e-6, 2.0, 27))
}

/// A bench metric's family: a sampled metric's samples in a histogram (times in seconds), a
/// counted metric's value in a gauge (an integer for counts of fuel and bytes).
enum MetricFamily {
    Sampled(Histograms),
    Count(Family<BenchLabels, Gauge>),
    Value(Family<BenchLabels, FloatGauge>),
}

impl MetricFamily {
    /// Registers `metric`'s family under its name (see [`family_name`]).
    fn register(registry: &mut Registry, metric: Metric) -> Self {
        if metric.sampled() {
            let constructor: fn() -> Histogram = match metric.unit() {
                MetricUnit::Nanoseconds => iteration_histogram,
                _ => value_histogram,
            };
            let family = Histograms::new_with_constructor(constructor);
            register_family(registry, metric, family.clone());
            MetricFamily::Sampled(family)
        } else if matches!(metric.unit(), MetricUnit::Fuel | MetricUnit::Bytes) {
            let family = Family::default();
            register_family(registry, metric, Clone::clone(&family));
            MetricFamily::Count(family)
        } else {
            let family = Family::default();
            register_family(registry, metric, Clone::clone(&family));
            MetricFamily::Value(family)
        }
    }

    /// One sample of a sampled metric, in the metric's unit.
    fn observe(&self, labels: &BenchLabels, metric: Metric, value: f64) {
        if let MetricFamily::Sampled(family) = self {
            let value = match metric.unit() {
                MetricUnit::Nanoseconds => value / 1e9,
                _ => value,
            };
            family.get_or_create(labels).observe(value);
        }
    }

    /// A counted metric's value.
    fn set(&self, labels: &BenchLabels, value: f64) {
        match self {
            MetricFamily::Sampled(_) => {}
            MetricFamily::Count(family) => {
                family.get_or_create(labels).set(gauge_count(value as u64));
            }
            MetricFamily::Value(family) => {
                family.get_or_create(labels).set(value);
            }
        }
    }
}

/// A bench metric's family name (before its unit suffix) and help. Wall time, fuel and peak
/// memory keep the names they were published under; any other metric is `wasmbench_<name>`.
fn family_name(metric: Metric) -> (String, String) {
    let (name, help) = match metric {
        Metric::Wall => (
            "wasmbench_iteration_duration",
            "Wall time of one timed iteration (timed pass, uninstrumented engine)",
        ),
        Metric::Fuel => (
            "wasmbench_fuel_per_iteration",
            "Fuel one iteration uses (median of the counting pass)",
        ),
        Metric::Memory => (
            "wasmbench_peak_linear_memory",
            "Peak linear memory of the bench",
        ),
        other => {
            return (
                format!("wasmbench_{}", other.as_str().replace('-', "_")),
                format!("The bench's {} ({})", other.label(), other.unit().as_str()),
            );
        }
    };
    (name.to_string(), help.to_string())
}

/// Registers a bench metric's family with its name, help and unit (seconds for times, bytes).
fn register_family(registry: &mut Registry, metric: Metric, family: impl registry::Metric) {
    let (name, help) = family_name(metric);
    match metric.unit() {
        MetricUnit::Nanoseconds => registry.register_with_unit(name, help, Unit::Seconds, family),
        MetricUnit::Bytes => registry.register_with_unit(name, help, Unit::Bytes, family),
        _ => registry.register(name, help, family),
    }
}

/// Samples of a metric other than a time: from 1 to ~1.1e12, doubling.
fn value_histogram() -> Histogram {
    Histogram::new(exponential_buckets(1.0, 2.0, 40))
}

/// The metric families of a run.
pub struct RunMetrics {
    registry: Registry,
    suite: String,
    /// A family per bench metric (`Metric::bench()`), in report order.
    metrics: Vec<(Metric, MetricFamily)>,
    samples: Family<BenchLabels, Gauge>,
    memory: Family<BenchLabels, Gauge>,
    host_calls: Family<BenchLabels, Gauge>,
    host_seconds: Family<BenchLabels, FloatGauge>,
    group_calls: Family<GroupLabels, Gauge>,
    group_bytes: Family<GroupLabels, Gauge>,
    group_seconds: Family<GroupLabels, FloatGauge>,
    throughput: Family<BenchLabels, FloatGauge>,
    outcome: Family<StatusLabels, Gauge>,
    failures: Family<StatusLabels, Gauge>,
    counters: Family<CounterLabels, Gauge>,
    counter_stats: Family<CounterStatLabels, Gauge>,
    planned: Family<SuiteLabels, Gauge>,
    finished: Family<SuiteLabels, Gauge>,
    load: LoadMetrics,
}

impl RunMetrics {
    // long: every family registered in the order the exposition lists them, each with its help
    // line; split, the order would be spread over several functions.
    /// The families of a run of `suite` by this wasmbench, with nothing observed yet.
    pub fn new(suite: &str, wasmbench: &str, wasmtime: &str) -> Self {
        let mut registry = Registry::default();
        let metrics = Metric::bench()
            .map(|metric| (metric, MetricFamily::register(&mut registry, metric)))
            .collect();
        let samples = Family::default();
        registry.register(
            "wasmbench_samples",
            "Timed iterations recorded",
            Clone::clone(&samples),
        );
        let memory = Family::default();
        registry.register_with_unit(
            "wasmbench_linear_memory",
            "Linear memory after the latest iteration",
            Unit::Bytes,
            Clone::clone(&memory),
        );
        let host_calls = Family::default();
        registry.register(
            "wasmbench_host_calls_per_iteration",
            "Calls into the host per iteration (counting pass, median)",
            Clone::clone(&host_calls),
        );
        let host_seconds = Family::default();
        registry.register_with_unit(
            "wasmbench_host_time_per_iteration",
            "Time spent in the host per iteration (counting pass, median)",
            Unit::Seconds,
            Clone::clone(&host_seconds),
        );
        let group_calls = Family::default();
        registry.register(
            "wasmbench_host_group_calls_per_iteration",
            "Calls into the host per iteration by import group (counting pass, median)",
            Clone::clone(&group_calls),
        );
        let group_bytes = Family::default();
        registry.register_with_unit(
            "wasmbench_host_group_transfer_per_iteration",
            "Bytes across the boundary per iteration by import group (counting pass, median)",
            Unit::Bytes,
            Clone::clone(&group_bytes),
        );
        let group_seconds = Family::default();
        registry.register_with_unit(
            "wasmbench_host_group_time_per_iteration",
            "Time spent in the host per iteration by import group (counting pass, median)",
            Unit::Seconds,
            Clone::clone(&group_seconds),
        );
        let throughput = Family::default();
        registry.register(
            "wasmbench_units_per_second",
            "Work units per second at the median (the workload's own unit)",
            Clone::clone(&throughput),
        );
        let outcome = Family::default();
        registry.register(
            "wasmbench_bench_status",
            "1 for the status the bench ended with",
            Clone::clone(&outcome),
        );
        let failures = Family::default();
        registry.register(
            "wasmbench_bench_failures",
            "Benches that ended with a status other than ok",
            Clone::clone(&failures),
        );
        let counters = Family::default();
        registry.register(
            "wasmbench_last_iteration",
            "A count the bench's last iteration reported, by name (the plugin's, and the host's store.*, remote_cache.*, db.*)",
            Clone::clone(&counters),
        );
        let counter_stats = Family::default();
        registry.register(
            "wasmbench_counter",
            "A count the bench's timed iterations reported, by name: their median, min and max (stat)",
            Clone::clone(&counter_stats),
        );
        let planned = Family::default();
        registry.register(
            "wasmbench_benches_planned",
            "Benches the run will measure",
            Clone::clone(&planned),
        );
        let finished = Family::default();
        registry.register(
            "wasmbench_benches_finished",
            "Benches the run has finished (any status)",
            Clone::clone(&finished),
        );
        // A gauge at 1 rather than OpenMetrics' `info` type, which Prometheus's classic text
        // parser (promtool 2.x) doesn't know.
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: wasmbench.to_string(),
                wasmtime: wasmtime.to_string(),
            })
            .set(1);
        registry.register("wasmbench_build_info", "The harness that measured", build);
        let load = LoadMetrics::register(&mut registry, suite);
        RunMetrics {
            registry,
            suite: suite.to_string(),
            metrics,
            samples,
            memory,
            host_calls,
            host_seconds,
            group_calls,
            group_bytes,
            group_seconds,
            throughput,
            outcome,
            failures,
            counters,
            counter_stats,
            planned,
            finished,
            load,
        }
    }

    /// The family of a bench metric.
    fn family(&self, metric: Metric) -> &MetricFamily {
        let (_, family) = (self.metrics.iter())
            .find(|(m, _)| *m == metric)
            .expect("a family per bench metric");
        family
    }

    fn labels(&self, bench: &str) -> BenchLabels {
        BenchLabels {
            suite: self.suite.clone(),
            bench: bench.to_string(),
        }
    }

    fn suite_labels(&self) -> SuiteLabels {
        SuiteLabels {
            suite: self.suite.clone(),
        }
    }

    /// The run will measure `count` benches.
    pub fn planned(&self, count: usize) {
        self.planned
            .get_or_create(&self.suite_labels())
            .set(count as i64);
    }

    /// One timed iteration of `bench`: its wall time and the linear memory after it.
    pub fn sample(&self, bench: &str, wall_ns: u64, memory: u64) {
        let labels = self.labels(bench);
        self.family(Metric::Wall)
            .observe(&labels, Metric::Wall, wall_ns as f64);
        self.samples.get_or_create(&labels).inc();
        self.memory.get_or_create(&labels).set(memory as i64);
    }

    /// What `bench` made the host do per iteration, in all and by import group.
    fn host_finished(&self, bench: &str, host: &crate::results::HostResult) {
        let labels = self.labels(bench);
        self.host_calls
            .get_or_create(&labels)
            .set(gauge_count(host.calls_per_iteration));
        self.host_seconds
            .get_or_create(&labels)
            .set(host.ns_per_iteration as f64 / 1e9);
        for group in &host.groups {
            let labels = GroupLabels {
                suite: self.suite.clone(),
                bench: bench.to_string(),
                group: group.group.clone(),
            };
            self.group_calls
                .get_or_create(&labels)
                .set(gauge_count(group.calls_per_iteration));
            self.group_bytes
                .get_or_create(&labels)
                .set(gauge_count(group.bytes_per_iteration));
            self.group_seconds
                .get_or_create(&labels)
                .set(group.ns_per_iteration as f64 / 1e9);
        }
    }

    /// `bench` ended: what its result says.
    pub fn bench_finished(&self, bench: &BenchResult) {
        let labels = self.labels(&bench.head.id);
        for (metric, family) in &self.metrics {
            if let Some(Measurement::Counted(c)) = bench.measurement(*metric) {
                family.set(&labels, c.value);
            }
        }
        if let Some(last) = bench.memory.per_iteration.last() {
            self.memory.get_or_create(&labels).set(gauge_count(*last));
        }
        if let Some(host) = &bench.host {
            self.host_finished(&bench.head.id, host);
        }
        if let Some(per_second) = bench.units.as_ref().and_then(|u| u.per_second) {
            self.throughput.get_or_create(&labels).set(per_second);
        }
        for status in Status::ALL {
            let labels = StatusLabels {
                suite: self.suite.clone(),
                bench: bench.head.id.clone(),
                status: status.as_str().to_string(),
            };
            self.outcome
                .get_or_create(&labels)
                .set(i64::from(bench.head.status == status));
        }
        if bench.head.status != Status::Ok {
            self.failures
                .get_or_create(&StatusLabels {
                    suite: self.suite.clone(),
                    bench: bench.head.id.clone(),
                    status: bench.head.status.as_str().to_string(),
                })
                .inc();
        }
        for (name, value) in &bench.counters {
            self.counters
                .get_or_create(&CounterLabels {
                    suite: self.suite.clone(),
                    bench: bench.head.id.clone(),
                    name: name.clone(),
                })
                .set(gauge_count(*value));
        }
        for (name, stat) in &bench.counter_stats {
            for (which, value) in [
                ("median", stat.median),
                ("min", stat.min),
                ("max", stat.max),
            ] {
                self.counter_stats
                    .get_or_create(&CounterStatLabels {
                        suite: self.suite.clone(),
                        bench: bench.head.id.clone(),
                        name: name.clone(),
                        stat: which.to_string(),
                    })
                    .set(gauge_count(value));
            }
        }
        self.finished.get_or_create(&self.suite_labels()).inc();
    }

    /// A load scenario's progress, as it runs.
    pub fn load_progress(&self, live: &LiveLoad<'_>) {
        self.load.progress(live);
    }

    /// A load scenario ended: what its result says.
    pub fn load_finished(&self, load: &LoadResult) {
        self.load.finished(load);
    }

    /// The exposition so far, ending in `# EOF`; the same metrics always give the same text.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String does not fail");
        in_label_order(&text)
    }
}

/// `text` with each family's samples ordered by their labels (a family keeps its label sets in a
/// hash map). The sort is stable and ignores a bucket's `le`, so each histogram's samples stay
/// together and in order.
fn in_label_order(text: &str) -> String {
    fn key(line: &str) -> &str {
        // The labels between the braces; the value after the last `}` is a number.
        let labels = match (line.find('{'), line.rfind('}')) {
            (Some(open), Some(close)) if open < close => &line[open + 1..close],
            _ => "",
        };
        match labels.strip_prefix("le=\"") {
            // `le` comes first and its value is a number: skip to the next label.
            Some(rest) => rest.split_once("\",").map_or("", |(_, after)| after),
            None => labels,
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut samples: Vec<&str> = Vec::new();
    let flush = |samples: &mut Vec<&str>, out: &mut String| {
        samples.sort_by(|a, b| key(a).cmp(key(b)));
        for line in samples.drain(..) {
            out.push_str(line);
            out.push('\n');
        }
    };
    for line in text.lines() {
        if line.starts_with('#') {
            flush(&mut samples, &mut out);
            out.push_str(line);
            out.push('\n');
        } else {
            samples.push(line);
        }
    }
    flush(&mut samples, &mut out);
    out
}

/// A finished run as OpenMetrics text: every timed sample in the iteration histograms, each
/// bench's result, and each load scenario's.
pub fn render(run: &RunResults) -> String {
    let metrics = RunMetrics::new(
        &run.suite.name,
        &run.environment.wasmbench_version,
        &run.environment.wasmtime_version,
    );
    metrics.planned(run.benches.len());
    for bench in &run.benches {
        let labels = metrics.labels(&bench.head.id);
        for (metric, family) in &metrics.metrics {
            if let Some(Measurement::Sampled(w)) = bench.measurement(*metric) {
                for &value in &w.samples {
                    family.observe(&labels, *metric, value as f64);
                }
            }
        }
        if let Some(wall) = &bench.wall_ns {
            metrics
                .samples
                .get_or_create(&labels)
                .inc_by(wall.samples.len() as i64);
        }
        metrics.bench_finished(bench);
    }
    for load in &run.loads {
        metrics.load_finished(load);
    }
    metrics.encode()
}

#[cfg(test)]
mod tests;
