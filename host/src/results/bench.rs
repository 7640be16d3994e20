//! One bench's result: its phases, fuel, wall time, memory, counters and what the host did for it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ModelResult, ResultHead};
use crate::model::{Metric, Status};

/// One bench.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BenchResult {
    #[serde(flatten)]
    pub head: ResultHead,
    pub warmup: u32,
    pub expected: Status,
    /// `status == expected`.
    pub met_expectation: bool,
    pub phases: Phases,
    pub fuel: Option<FuelResult>,
    pub wall_ns: Option<WallResult>,
    pub memory: MemoryResult,
    /// The first iteration's checksum, as 16 hex digits (u64 doesn't survive JSON readers in JS).
    pub checksum: Option<String>,
    /// False if iterations disagreed on the checksum.
    pub checksum_stable: bool,
    pub units: Option<UnitsResult>,
    /// The last iteration's counters (the plugin's, plus `store.*` / `remote_cache.*` / `db.*` from
    /// the host): one iteration, kept for older readers; [`BenchResult::counter_stats`] is what
    /// reports show.
    pub counters: BTreeMap<String, u64>,
    /// Each counter over the timed iterations: median, range and how many iterations reported it
    /// (absent in older results, and for a bench that failed before its timed pass).
    #[serde(default)]
    pub counter_stats: BTreeMap<String, CounterStat>,
    /// The parallel pass, when the bench ran more than one instance.
    pub parallel: Option<ParallelResult>,
    /// Time the plugin made the host spend per iteration (absent in older results).
    #[serde(default)]
    pub host: Option<HostResult>,
    /// The database the bench was lent and the query plans of its statements (absent without
    /// `[db]`, and in older results).
    #[serde(default)]
    pub db: Option<DbResult>,
    /// For a core module: which files its stdout and stderr were checked against (null for a
    /// component, and in older results).
    #[serde(default)]
    pub output_check: Option<OutputCheck>,
    /// How the timed pass ran (absent in results older than schema version 2).
    #[serde(default)]
    pub timing: Option<TimingInfo>,
    /// Regression thresholds the suite set for this bench, if any.
    #[serde(default)]
    pub thresholds: Option<crate::model::Thresholds>,
    /// The wall time per iteration the suite's `model` predicts (null without one, and in older
    /// results).
    #[serde(default)]
    pub model: Option<ModelResult>,
}

impl BenchResult {
    /// The bench's value of `metric`, as verdicts compare it; `None` when it wasn't measured.
    pub fn measurement(&self, metric: Metric) -> Option<Measurement<'_>> {
        match metric {
            Metric::Wall => self.wall_ns.as_ref().map(Measurement::Sampled),
            Metric::Fuel => self.fuel.as_ref().map(|f| {
                Measurement::Counted(Counted {
                    value: f.per_iteration as f64,
                    range: f.varies.then(|| {
                        let min = f.samples.iter().min().copied().unwrap_or(f.per_iteration);
                        let max = f.samples.iter().max().copied().unwrap_or(f.per_iteration);
                        (min as f64, max as f64)
                    }),
                })
            }),
            Metric::Memory => Some(Measurement::Counted(Counted {
                value: self.memory.peak_bytes as f64,
                range: None,
            })),
            // A scenario's metrics: `LoadResult::rounds_of`.
            Metric::LatencyP50 | Metric::LatencyP99 | Metric::Throughput | Metric::ErrorRate => {
                None
            }
            // Test builds: the wall samples again, for a bench that asks for it (a `toy`
            // parameter), so other tests' benches keep their metrics.
            #[cfg(test)]
            Metric::Toy => (self.wall_ns.as_ref())
                .filter(|_| self.head.params.contains_key(Metric::Toy.as_str()))
                .map(Measurement::Sampled),
        }
    }

    /// A sampled metric's samples; `None` for a counted metric or one not measured.
    pub fn samples_of(&self, metric: Metric) -> Option<&WallResult> {
        match self.measurement(metric)? {
            Measurement::Sampled(samples) => Some(samples),
            Measurement::Counted(_) => None,
        }
    }

    /// The one number exports show for `metric`: the count, or the median of the samples.
    pub fn metric_value(&self, metric: Metric) -> Option<f64> {
        self.measurement(metric).map(|m| match m {
            Measurement::Counted(c) => c.value,
            Measurement::Sampled(w) => w.summary.median,
        })
    }
}

/// One counter over the timed iterations of every execution (warm-up iterations left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterStat {
    /// The median (of an even count, the upper of the two middle values, as fuel's): a value some
    /// iteration reported.
    pub median: u64,
    pub min: u64,
    pub max: u64,
    /// Timed iterations that reported the counter.
    pub iterations: u64,
    /// Values the median was taken from: `iterations`, unless there were more than the harness
    /// keeps per counter (then an evenly spaced subset of them; `min` and `max` stay exact).
    pub median_of: u64,
}

/// A bench's value of one metric.
#[derive(Debug, Clone, Copy)]
pub enum Measurement<'a> {
    /// A count: exact for a given wasm, or varying between iterations.
    Counted(Counted),
    /// Samples per execution (wall time).
    Sampled(&'a WallResult),
}

/// A counted metric's value, and the range its iterations spanned when they disagreed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counted {
    pub value: f64,
    pub range: Option<(f64, f64)>,
}

impl Counted {
    /// The range the iterations spanned (just the value when they agreed).
    pub fn span(&self) -> (f64, f64) {
        self.range.unwrap_or((self.value, self.value))
    }
}

/// N instances run at once, each on its own thread and store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParallelResult {
    pub instances: u32,
    /// Iterations done by all instances together.
    pub iterations: u64,
    /// Wall time from all-ready to last-finished, nanoseconds.
    pub elapsed_ns: u64,
    /// Aggregate throughput: units of all instances per second.
    pub units_per_second: f64,
    /// Aggregate throughput over the single-instance throughput of the timing pass.
    pub speedup: Option<f64>,
    /// Times an instance waited for a database connection, and the total wait, nanoseconds
    /// (benches with a database only).
    #[serde(default)]
    pub pool_waits: Option<u64>,
    #[serde(default)]
    pub pool_wait_ns: Option<u64>,
}

/// A bench's database: how it was set up, and how SQLite ran each distinct statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbResult {
    /// The PostgreSQL server the bench ran on (`PostgreSQL 15.4 at 127.0.0.1:5432/app`, no
    /// password); none (null) for the embedded SQLite database and in older results.
    #[serde(default)]
    pub server: Option<String>,
    /// Connections in the pool the instances shared.
    pub pool: u32,
    /// Charged per round trip, nanoseconds, and how (`accounted` or `slept`).
    pub latency_ns: u64,
    pub latency_mode: crate::model::LatencyMode,
    /// SQLite's heap cap, bytes (on PostgreSQL, what each connection's work memory is cut from).
    pub memory_cap: u64,
    /// Seeded tables with their row counts.
    pub tables: Vec<DbTable>,
    /// Indexes the bench had.
    pub indexes: Vec<String>,
    /// `EXPLAIN QUERY PLAN` of each distinct statement the counting pass ran.
    pub plans: Vec<DbPlan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbTable {
    pub name: String,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbPlan {
    pub sql: String,
    /// One line per step, indented two spaces per level.
    pub plan: Vec<String>,
}

/// Time spent outside the iterations, in nanoseconds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Phases {
    /// Compile time of the component (or core module) for the timed engine (or load time when
    /// `compile_cached`).
    pub compile_ns: Option<u64>,
    pub compile_cached: bool,
    /// Instantiation of the component on the timed engine (a core module: its first instance; each
    /// run gets a fresh one).
    pub instantiate_ns: Option<u64>,
    /// The plugin's `setup` for this bench (none for a core module).
    pub setup_ns: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FuelResult {
    /// Fuel per iteration: the value every iteration used when `varies` is false, else the median.
    pub per_iteration: u64,
    pub samples: Vec<u64>,
    /// True when iterations used different amounts (expected for concurrent I/O, not for CPU work).
    pub varies: bool,
    /// Fuel spent in `setup`.
    pub setup: u64,
    /// Median wall time of the counted (fuel-metered) iterations over the timed median: how much
    /// fuel instrumentation would have distorted the timing, which is why timing runs without it.
    pub metering_slowdown: Option<f64>,
}

/// The expected-output files a core module's runs were compared with, as paths; `None`: that
/// stream was not checked (no `<stem>.<stream>.expected` nor `default.<stream>.expected`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputCheck {
    pub stdout: Option<String>,
    pub stderr: Option<String>,
}

/// Work done outside guest code for the plugin (host functions and runtime calls such as memory
/// growth and bulk copies): what fuel doesn't count. Measured on the counting pass, whose host code
/// runs natively, so it is comparable with the timed wall time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostResult {
    /// Calls into the host per iteration (median).
    pub calls_per_iteration: u64,
    /// Time in the host per iteration, in nanoseconds (median).
    pub ns_per_iteration: u64,
    /// `ns_per_iteration` over the timed median wall time, at most 1.
    pub share_of_wall: Option<f64>,
    /// Bytes copied across the boundary per iteration, both ways (median), where the functions
    /// carry payloads: io streams, backends, db.
    #[serde(default)]
    pub bytes_per_iteration: u64,
    /// The same per import group (filesystem, streams, http, clocks, random, cli, sockets,
    /// backends, host, db, wasi-p1, runtime), the groups that were called only.
    #[serde(default)]
    pub groups: Vec<HostGroupResult>,
}

/// One import group's host calls per iteration (medians over the counted iterations).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostGroupResult {
    pub group: String,
    pub calls_per_iteration: u64,
    pub bytes_per_iteration: u64,
    pub ns_per_iteration: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WallResult {
    /// Per-iteration wall time of every execution, in run order (the executions concatenated).
    pub samples: Vec<u64>,
    /// The same samples per execution (each a fresh worker process), in run order.
    pub executions: Vec<Vec<u64>>,
    pub summary: Summary,
    /// Per execution, how long its samples waited for a CPU while other processes had it (ns,
    /// Linux's run-queue wait of the worker's thread); empty where not counted (other systems,
    /// older results).
    #[serde(default)]
    pub cpu_wait_ns: Vec<u64>,
}

impl WallResult {
    /// Time the samples waited for a CPU, and their wall time in all, ns (when counted).
    pub fn cpu_wait(&self) -> Option<(u64, u64)> {
        if self.cpu_wait_ns.is_empty() || self.cpu_wait_ns.len() != self.executions.len() {
            return None;
        }
        let wall = self.executions.iter().flatten().sum();
        Some((self.cpu_wait_ns.iter().sum(), wall))
    }

    /// The samples per execution as floats, for statistics.
    pub fn executions_f64(&self) -> Vec<Vec<f64>> {
        self.executions
            .iter()
            .map(|e| e.iter().map(|&ns| ns as f64).collect())
            .collect()
    }
}

/// How the timed pass was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimingInfo {
    /// Instrumentation compiled into the timed code (`fuel`, `epochs`); empty: none, the code
    /// users ship.
    pub instrumentation: Vec<String>,
    /// `worker-process`: each execution in a fresh process, its deadline enforced from outside.
    pub isolation: String,
    /// Executions asked for, and completed.
    pub executions_planned: u32,
    pub executions: u32,
    /// Per execution: from spawning the worker to its plugins being loaded, nanoseconds.
    pub worker_start_ns: Vec<u64>,
}

/// Summary statistics of a sample set, in the samples' unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    /// Executions (fresh worker processes) the samples came from.
    #[serde(default = "one")]
    pub executions: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
    /// Sample standard deviation (n - 1).
    pub stddev: f64,
    /// Median absolute deviation from the median (unscaled).
    pub mad: f64,
    /// 95th percentile (linear interpolation).
    pub p95: f64,
    /// Coefficient of variation: stddev / mean.
    pub cv: f64,
    /// 95% percentile-bootstrap confidence interval of the median (2000 seeded resamples; two-level,
    /// executions then samples, when there are several executions).
    pub median_ci_low: f64,
    pub median_ci_high: f64,
    /// Samples beyond Tukey's fences.
    pub outliers: Outliers,
    /// The median's interval is wider than 10% of the median: too noisy to trust small differences.
    pub noisy: bool,
}

fn one() -> usize {
    1
}

/// Counts of samples beyond Tukey's fences: mild 1.5–3 IQR from the quartiles, severe beyond 3 IQR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outliers {
    pub low_mild: usize,
    pub low_severe: usize,
    pub high_mild: usize,
    pub high_severe: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MemoryResult {
    /// Highest linear memory size seen in any pass, in bytes.
    pub peak_bytes: u64,
    /// Linear memory size after each timed iteration (memory never shrinks, so this is the peak so far).
    pub per_iteration: Vec<u64>,
    /// Least-squares slope of `per_iteration`, bytes per iteration.
    pub growth_per_iteration: f64,
    /// Memory kept growing through the second half of the samples (see `analysis::leak`).
    pub leak_suspected: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitsResult {
    /// What is counted, e.g. "bytes".
    pub unit: String,
    pub per_iteration: u64,
    /// Units per second at the median wall time.
    pub per_second: Option<f64>,
}
