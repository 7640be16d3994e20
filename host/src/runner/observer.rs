//! How a run reports its progress as it goes: the seam between the runner and whatever shows it,
//! for benches and load scenarios alike.

use serde::{Deserialize, Serialize};

use super::bench_plan::BenchPlan;
use crate::results::{BenchResult, LoadResult};
use crate::suite::LoadPhase;

/// What a bench is doing, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Prepare,
    CountFuel,
    Warmup,
    Time,
    Parallel,
}

/// A round of a load scenario about to run (in `ab`, of one side).
#[derive(Debug, Clone, Copy)]
pub struct RoundStart<'a> {
    /// Rounds started before this one, across the scenarios, and how many there are at most.
    pub index: usize,
    pub total: usize,
    /// The scenario's id.
    pub id: &'a str,
    /// `base` or `head` in an A/B run.
    pub side: Option<&'a str>,
    /// This round (1-based) and the rounds planned.
    pub round: usize,
    pub rounds: usize,
    pub phases: &'a [LoadPhase],
}

impl RoundStart<'_> {
    /// `fetch/fixed-latency · base · round 2/3`; just the id for a single round of one version.
    pub fn label(&self) -> String {
        let mut label = self.id.to_string();
        if let Some(side) = self.side {
            label.push_str(&format!(" · {side}"));
        }
        if self.rounds > 1 {
            label.push_str(&format!(" · round {}/{}", self.round, self.rounds));
        }
        label
    }
}

/// A snapshot of a running load scenario, for live progress (a load worker sends one every half
/// second).
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

/// Follows a run as it goes (progress bars, log lines, live metrics): its benches, then its load
/// scenarios' rounds.
pub trait Observer {
    /// Work on bench `index` of `total` starts: its counting pass, or one of its executions.
    fn bench_started(&mut self, index: usize, total: usize, plan: &BenchPlan);
    /// The bench just started runs its execution `number` of `of` (1-based).
    fn execution_started(&mut self, _number: u32, _of: u32) {}
    fn progress(&mut self, phase: Phase, done: u32, total: u32);
    /// One timed iteration of side `side` (0 for a bench run alone) of the bench started last:
    /// its wall time and the linear memory after it.
    fn sample(&mut self, _side: usize, _wall_ns: u64, _memory: u64) {}
    fn bench_finished(&mut self, result: &BenchResult);
    /// A round of a load scenario starts its worker.
    fn round_started(&mut self, _round: &RoundStart<'_>) {}
    /// The round started last goes on.
    fn round_progress(&mut self, _progress: &LoadProgress) {}
    /// A scenario ran every round it would (or failed): its result.
    fn scenario_finished(&mut self, _result: &LoadResult) {}
}

/// An observer that shows nothing.
pub struct SilentObserver;

impl Observer for SilentObserver {
    fn bench_started(&mut self, _: usize, _: usize, _: &BenchPlan) {}
    fn progress(&mut self, _: Phase, _: u32, _: u32) {}
    fn bench_finished(&mut self, _: &BenchResult) {}
}

/// Hears about compiles that are not in the cache, which take from a second to a minute (an
/// interpreter component of 10–20 MB), so a run never sits silent while one goes on.
pub trait CompileObserver {
    /// Compiling `plugin` (`bytes` of wasm) for `engine` (`metered` or `timed`) starts.
    fn compile_started(&mut self, plugin: &str, bytes: u64, engine: &str);
    /// The compile that started last ended after `elapsed`; `ok` is false when it failed.
    fn compile_finished(&mut self, elapsed: std::time::Duration, ok: bool);
}
