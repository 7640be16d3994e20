//! Resolved suite types: defaults already merged into every bench.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::capability::{BackendsConfig, HttpFixtureConfig};
use crate::results::Status;

/// Limits every iteration (and `setup`) runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Fuel budget per iteration (roughly, wasm instructions).
    pub fuel: u64,
    /// Cap on the plugin's total linear memory, in bytes.
    pub memory_bytes: u64,
    /// Wall-clock deadline per iteration, in nanoseconds.
    #[serde(with = "duration_ns")]
    pub deadline: Duration,
}

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
    pub thresholds: Option<crate::analysis::compare::Thresholds>,
    pub limits: Limits,
}

/// Executions per bench unless a suite or `--executions` says otherwise. Chosen from measurement:
/// see "How a bench is measured" in the README.
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
    /// The status the bench is expected to end with.
    pub expect: Status,
    /// Where the bench is defined, for errors: `file:line:column`.
    pub location: String,
}

/// A generated fixture file: `size` seeded pseudo-random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixtureSpec {
    pub size: u64,
    pub seed: u64,
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
}

pub(crate) mod duration_ns {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_nanos(u64::deserialize(d)?))
    }
}
