//! Resolved suite types: defaults already merged into every bench.

use std::collections::BTreeMap;
use std::path::PathBuf;

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::{
    BackendsConfig, DbConfig, FixtureSpec, HttpFixtureConfig, LimitOrigins, Limits, LoadThreshold,
    Status, Thresholds, WallModel,
};

/// How a bench is measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Iterations run before measuring, not recorded.
    pub warmup: u32,
    /// Timed iterations (wall-time samples).
    pub samples: u32,
    /// Iterations counted on the fuel-metered engine.
    pub fuel_iterations: u32,
    /// Fresh worker processes that each run `warmup` + `samples` timed iterations; their spread is
    /// the between-run variation that wall-time verdicts need.
    pub executions: u32,
    /// Instances run at once in the parallel pass (1: no parallel pass).
    pub instances: u32,
    /// Regression thresholds for this bench (`thresholds = "wall=5%,fuel=0.5%"`), else the defaults.
    pub thresholds: Option<Thresholds>,
    pub limits: Limits,
    /// Where each limit was set (the bench's key, `[defaults]`, or nothing), for the messages of
    /// a bench that runs into one.
    pub limit_origins: LimitOrigins,
}

/// Executions per bench unless a suite or `--executions` says otherwise. Chosen from measurement:
/// see docs/src/methodology/measurement.md.
pub const DEFAULT_EXECUTIONS: u32 = 3;

/// Where a bench's plugin comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PluginSource {
    /// A plugin built by the workspace (or found on the plugin path), by crate name.
    Named(String),
    /// A prebuilt `.wasm` (or `.wat`) file, resolved against the suite's folder: a component, or a
    /// core module in the sightglass convention. (`wasm = "folder"` in a suite becomes one bench
    /// per module in the folder, each with its own `File`.)
    File(PathBuf),
}

impl PluginSource {
    /// The name shown in results: the crate name, or the file's stem.
    pub fn display_name(&self) -> String {
        match self {
            PluginSource::Named(name) => name.clone(),
            PluginSource::File(path) => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
        }
    }
}

/// One bench as written in the suite, with defaults applied.
#[derive(Debug, Clone)]
pub struct BenchDef {
    /// Explicit id from the suite, if any; otherwise the planner derives one.
    pub id: Option<String>,
    pub plugin: PluginSource,
    /// The workload to run; a core module may leave it out (it runs `_start`).
    pub workload: Option<String>,
    /// Parameters as given in the suite (plugin defaults are added by the planner).
    pub params: BTreeMap<String, String>,
    pub group: Option<String>,
    pub settings: Settings,
    /// The database the bench is lent (`[db]` with its own `db = { ... }` over it).
    pub db: Option<DbConfig>,
    /// The status the bench is expected to end with.
    pub expect: Status,
    /// The wall time per iteration its lesson predicts (`model = "n * latency_ms ms"`).
    pub model: Option<WallModel>,
    /// Where the bench is defined, for errors: `file:line:column`.
    pub location: String,
}

/// A loaded suite.
#[derive(Debug, Clone)]
pub struct Suite {
    pub name: String,
    pub description: Option<String>,
    pub path: PathBuf,
    pub fixtures: BTreeMap<String, FixtureSpec>,
    /// The HTTP fixture server's defaults, when the suite starts one (`[http]`).
    pub http: Option<HttpFixtureConfig>,
    /// Latencies of the simulated backends (`[backends]`).
    pub backends: BackendsConfig,
    pub benches: Vec<BenchDef>,
    /// Load scenarios (`[[load]]`), run in the same loop as the benches.
    pub loads: Vec<LoadDef>,
    /// `[groups.NAME]`: settings per group of alternatives.
    pub groups: BTreeMap<String, GroupSettings>,
    /// What the user should know about how the suite was read (files a folder left out).
    pub notes: Vec<String>,
}

/// A group's settings (`[groups.NAME]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSettings {
    /// The bench or scenario the others are stated against (id, workload or `plugin/workload`);
    /// the fastest when `None`.
    pub reference: Option<String>,
}

/// A load scenario: requests arriving on a schedule at a pool of instances of one workload, each
/// request one `run` call (`[[load]]`).
#[derive(Debug, Clone)]
pub struct LoadDef {
    /// Explicit id from the suite, else `plugin/workload`.
    pub id: Option<String>,
    pub plugin: PluginSource,
    pub workload: String,
    pub params: BTreeMap<String, String>,
    pub group: Option<String>,
    pub shape: LoadShape,
    pub phases: Vec<LoadPhase>,
    /// Instances serving requests, each in its own store under `limits`.
    pub pool: u32,
    /// Requests that may wait for a free instance; one more arriving is dropped and counted.
    pub queue: u32,
    /// Requests each instance serves before the first phase, not recorded.
    pub warmup: u32,
    /// Requests run on the fuel-metered engine first, to check the fuel budget and count fuel.
    pub fuel_iterations: u32,
    pub limits: Limits,
    /// Where each limit was set, as for a bench.
    pub limit_origins: LimitOrigins,
    /// Criteria over the whole scenario; phases carry their own.
    pub thresholds: Vec<LoadThreshold>,
    /// Stop the scenario as soon as a threshold fails (k6's `abortOnFail`).
    pub abort_on_fail: bool,
    pub location: String,
}

/// How requests arrive.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "kebab-case")]
pub enum LoadShape {
    /// Arrivals follow the phases' rates whatever the completions (wrk2, k6's arrival-rate
    /// executors): the honest model for a service with independent users.
    Open { arrival: Arrival },
    /// `connections` loops that each send a request, wait for it, think, and send the next
    /// (autocannon's connections).
    Closed { connections: u32, think: Duration },
}

/// Spacing of arrivals in the open model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "arrival", rename_all = "kebab-case")]
pub enum Arrival {
    /// Evenly spaced at the current rate.
    Uniform,
    /// A Poisson process at the current rate (exponential gaps), seeded.
    Poisson { seed: u64 },
}

/// One phase of a scenario: `rate` arrivals per second, moving linearly to `ramp_to` by its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadPhase {
    pub name: String,
    pub duration: Duration,
    /// Arrivals per second at the phase's start (open model; 0 in the closed model).
    pub rate: f64,
    pub ramp_to: Option<f64>,
    pub thresholds: Vec<LoadThreshold>,
}

impl LoadPhase {
    /// The rate at the phase's end.
    pub fn end_rate(&self) -> f64 {
        self.ramp_to.unwrap_or(self.rate)
    }
}
