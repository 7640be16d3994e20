//! What a load worker is asked (a scenario's job) and what it answers (events, then the measured
//! run).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::capability::Lending;
use crate::model::{LimitHit, Limits, LoadThreshold, Status};
use crate::results::{LoadStats, Percentiles, TimelinePoint};
use crate::runner::observer::LoadProgress;
use crate::suite::{LoadPhase, LoadShape};

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
