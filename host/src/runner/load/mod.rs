//! Load mode: a `[[load]]` scenario's requests arrive on a schedule at a pool of instances, and
//! their latency is recorded from the intended start. The fuel budget is checked first on the
//! metered engine, in this process (`scenario`); the load itself runs on the uninstrumented engine
//! in a worker process (`worker`, `drive`), which the supervisor kills if it overruns, so a
//! request stuck in a runaway guest costs only its own scenario.

mod drive;
mod record;
mod scenario;
mod schedule;
mod verdict;
pub(super) mod worker;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::capability::Lending;
use crate::model::{LimitHit, Limits, LoadThreshold, Status};
use crate::results::{LoadResult, LoadStats, Percentiles, TimelinePoint};
use crate::suite::{LoadPhase, LoadShape};

pub use scenario::{Scenario, run_scenario};
pub use verdict::judge;

/// What a worker needs to run a scenario.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadJob {
    pub cache_dir: Option<PathBuf>,
    pub lending: Lending,
    pub limits: Limits,
    pub wasm: PathBuf,
    pub sha256: String,
    pub workload: String,
    pub params: BTreeMap<String, String>,
    pub shape: LoadShape,
    pub phases: Vec<LoadPhase>,
    pub pool: u32,
    pub queue: u32,
    pub warmup: u32,
    pub thresholds: Vec<LoadThreshold>,
    pub abort_on_fail: bool,
}

/// What a load worker reports, one JSON line each.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LoadEvent {
    /// The plugin is loaded; the pool is starting (instantiation, setup, warm-up).
    Ready,
    /// Every instance is warm; the first phase starts now.
    Started,
    Progress(LoadProgress),
    Finished(Box<LoadRun>),
    Failed {
        status: Status,
        message: String,
        /// The scenario's limit it ran into, if that is why.
        #[serde(default)]
        limit: Option<LimitHit>,
    },
}

/// A snapshot of a running scenario, for live progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadProgress {
    pub phase: usize,
    pub elapsed_ns: u64,
    /// Planned arrivals per second now (open model).
    pub rate: f64,
    /// Requests finished per second over the last half second.
    pub throughput: f64,
    pub in_flight: u64,
    /// The current phase's corrected p99 so far.
    pub p99_ns: Option<u64>,
    pub completed: u64,
    pub failed: u64,
    pub dropped: u64,
}

/// What the worker measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadRun {
    pub phases: Vec<LoadStats>,
    pub overall: LoadStats,
    pub timeline: Vec<TimelinePoint>,
    pub timeline_step_ns: u64,
    pub schedule_lag: Option<Percentiles>,
    pub aborted: Option<String>,
    /// Instances that could not restart after a failed request.
    pub lost: Vec<String>,
}

/// Follows load scenarios as they run.
pub trait LoadObserver {
    fn scenario_started(&mut self, index: usize, total: usize, id: &str, phases: &[LoadPhase]);
    fn progress(&mut self, progress: &LoadProgress);
    fn scenario_finished(&mut self, result: &LoadResult);
}
