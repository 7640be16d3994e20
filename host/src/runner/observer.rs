//! How a run reports its progress as it goes: the seam between the runner and whatever shows it.

use super::bench_plan::BenchPlan;
use crate::results::BenchResult;

/// What a bench is doing, for progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Prepare,
    CountFuel,
    Warmup,
    Time,
    Parallel,
}

/// Follows a run as it goes (progress bars, log lines).
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
