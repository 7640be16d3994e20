//! Resolved suite types: defaults already merged into every bench.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::{
    BackendsConfig, DbConfig, FixtureSpec, HttpFixtureConfig, Limits, Status, Thresholds,
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
    /// The database the bench is lent (`[db]` with its own `db = { ... }` over it).
    pub db: Option<DbConfig>,
    /// The status the bench is expected to end with.
    pub expect: Status,
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
    /// What the user should know about how the suite was read (files a folder left out).
    pub notes: Vec<String>,
}
