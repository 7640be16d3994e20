//! Load mode: a `[[load]]` scenario's requests arrive on a schedule at a pool of instances, and
//! their latency is recorded from the intended start. The fuel budget is checked first on the
//! metered engine, in this process (`scenario`); the load itself runs on the uninstrumented engine
//! in a worker process (`worker`, `drive`), which the supervisor kills if it overruns, so a
//! request stuck in a runaway guest costs only its own scenario.

mod drive;
mod job;
mod record;
mod rounds;
mod scenario;
mod schedule;
mod verdict;
pub(super) mod worker;

pub use super::observer::LoadProgress;
pub use job::{LoadEvent, LoadJob, LoadRun};
pub use rounds::{MAX_AUTO_ROUNDS, RoundPlan, RoundSteps, ScenarioResult, ScenarioUnit};
pub use scenario::Scenario;
pub use verdict::judge;
