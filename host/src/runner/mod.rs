//! Running benches and load scenarios: planning a suite against the plugins' declared workloads,
//! then each unit through its phases: compile and count fuel in this process (metered engine),
//! then time it in fresh worker processes (uninstrumented engine), executions and scenario rounds
//! interleaved across units (`units.rs`).

mod bench;
mod bench_plan;
mod command;
mod counters;
mod expected;
mod harness;
mod instance;
pub mod interrupt;
mod limits;
pub mod load;
mod noise;
mod observer;
mod parallel;
mod plan;
mod plugins;
mod probe;
mod process;
pub mod profile;
mod record;
mod session;
pub mod shard;
mod units;
pub mod worker;

use anyhow::{Context, Result};

pub use bench::BenchUnitResult;
pub use bench_plan::BenchPlan;
pub use expected::candidates as expected_output_files;
pub use harness::Runner;
pub use limits::Failure;
pub use observer::{CompileObserver, LoadProgress, Observer, Phase, RoundStart, SilentObserver};
pub use plan::{
    PlanError, PluginListing, list_plugin, predict_again, resolve_source, unknown_plugin_message,
};
pub use plugins::{command_linker, host_linker};
pub use probe::TimedProbe;
pub use shard::Shard;
pub use units::{Finished, RunOptions, Work};

/// What a worker process is asked to do, on its stdin.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkerRequest {
    /// Time one execution of a bench (or of an A/B pair).
    Execution(Box<worker::Job>),
    /// Run a load scenario.
    Load(Box<load::LoadJob>),
}

/// A worker process (`wasmbench __worker`): reads its request from stdin, runs it, reports on
/// stdout. Errors here are the harness's own (a request it can't read, a closed pipe).
pub fn serve_worker() -> Result<()> {
    use std::io::Read;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the job")?;
    match serde_json::from_str(&input).context("parsing the job")? {
        WorkerRequest::Execution(job) => worker::serve(&job),
        WorkerRequest::Load(job) => load::worker::serve(&job),
    }
}
