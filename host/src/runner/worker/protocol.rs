//! What the supervisor and the child say to each other: the [`Job`] sent on the child's stdin
//! (inside the worker request, see [`Request`]), the [`Event`]s it answers with, one JSON line
//! each, and the [`Sample`] an iteration reports.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::capability::Lending;
use crate::model::{LimitHit, Limits, Status};
use crate::plugin::bindings::Outcome;

/// This job as the worker process reads its request: the `execution` variant of
/// `runner::WorkerRequest`, which the worker reads every request as (the test below checks that
/// the two agree). Its own type, so that the job's side needs nothing of the module that dispatches.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Request<'a> {
    Execution(&'a Job),
}

/// One execution: fresh instances of one or two plugins, set up, warmed up, sampled.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Job {
    /// The compile cache the supervisor filled: the worker deserializes instead of compiling.
    pub cache_dir: Option<PathBuf>,
    pub lending: Lending,
    pub limits: Limits,
    pub warmup: u32,
    pub samples: u32,
    /// One side for `run`, two (base, head) for `ab`, whose iterations alternate in an order
    /// shuffled by `order_seed`.
    pub sides: Vec<SideJob>,
    pub order_seed: u64,
    /// Instances of the parallel pass after the samples (one side only), if any.
    pub parallel: Option<u32>,
}

/// One plugin of a job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SideJob {
    pub wasm: PathBuf,
    /// The SHA-256 the supervisor measured: a file changed since is refused, not timed.
    pub sha256: String,
    pub workload: String,
    pub params: BTreeMap<String, String>,
}

/// What a worker reports, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// Every side is compiled (or loaded from the cache); what that cost.
    Ready {
        load_ns: u64,
    },
    /// A call into `side` starts now; it may take `calls` deadlines (a core module's run is an
    /// instantiation and a call).
    Begin {
        side: usize,
        calls: u32,
        what: String,
    },
    Instantiated {
        side: usize,
        ns: u64,
    },
    SetUp {
        side: usize,
        ns: Option<u64>,
    },
    /// A warm-up iteration (not recorded, but its outcome counts for checksum agreement).
    Warmed {
        side: usize,
        sample: Sample,
    },
    Sample {
        side: usize,
        sample: Sample,
    },
    /// The parallel pass starts; it may take `calls` deadlines.
    ParallelStarted {
        calls: u32,
    },
    Parallel {
        elapsed_ns: u64,
        units: u64,
        iterations: u64,
        /// Waits for a database connection during the pass, and their total (ns).
        pool_waits: Option<(u64, u64)>,
    },
    /// `side` ended early; the job goes on with the other side, if any.
    Failed {
        side: usize,
        status: Status,
        message: String,
        /// The bench's limit it ran into, if that is why.
        #[serde(default)]
        limit: Option<LimitHit>,
        peak_memory: u64,
    },
    Done,
}

/// One iteration as the worker saw it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sample {
    pub wall_ns: u64,
    /// Linear memory after the iteration, and the highest so far.
    pub memory: u64,
    pub peak_memory: u64,
    pub checksum: u64,
    pub units: u64,
    pub counters: BTreeMap<String, u64>,
    /// How long the worker waited for a CPU during the iteration while other processes had it
    /// (`runner::noise::cpu_wait_ns`); `None` for warm-up iterations and where not counted.
    #[serde(default)]
    pub cpu_wait_ns: Option<u64>,
}

impl Sample {
    /// The plugin's outcome, as the record keeps it.
    pub fn outcome(&self) -> Outcome {
        Outcome {
            checksum: self.checksum,
            units: self.units,
            counters: self
                .counters
                .iter()
                .map(|(name, value)| crate::plugin::bindings::Counter {
                    name: name.clone(),
                    value: *value,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_what_the_worker_reads() {
        let job = Job {
            cache_dir: None,
            lending: Lending::default(),
            limits: Limits::DEFAULT,
            warmup: 1,
            samples: 2,
            sides: Vec::new(),
            order_seed: 3,
            parallel: None,
        };
        let sent = serde_json::to_string(&Request::Execution(&job)).unwrap();
        let read: crate::runner::WorkerRequest = serde_json::from_str(&sent).unwrap();
        let crate::runner::WorkerRequest::Execution(read) = read else {
            panic!("read as another request: {sent}");
        };
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            serde_json::to_string(&job).unwrap()
        );
    }
}
