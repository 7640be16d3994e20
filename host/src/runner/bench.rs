//! A bench as a unit of a run: one bench, or the base and head versions of one bench (`ab`).
//! Its counting pass runs in this process, on the fuel-metered engine (fuel per iteration, budget
//! enforcement); each of its executions in a fresh worker process on the uninstrumented engine
//! (wall time, memory per iteration). The run loop (`units.rs`) interleaves the executions of
//! every unit. Any failure ends its own bench with a status; the run goes on.

use std::time::Instant;

use crate::analysis::settle::Settle;
use crate::engine::EngineKind;
use crate::model::Status;
use crate::results::BenchResult;

use super::bench_plan::BenchPlan;
use super::harness::Runner;
use super::instance::BenchSession;
use super::limits::Failure;
use super::observer::{Observer, Phase};
use super::record::{self, Record};
use super::worker::{self, Execution, Job, SideJob};

/// A finished bench: one result per side (base first), and for two sides the wall-time pairs
/// (base ns, head ns) of each execution in run order.
#[derive(Debug)]
pub struct BenchUnitResult {
    pub results: Vec<BenchResult>,
    pub pairs: Vec<Vec<(u64, u64)>>,
}

/// One side of a bench while it runs.
struct Side<'a> {
    plan: &'a BenchPlan,
    record: Record,
    failure: Option<Failure>,
}

/// A bench while a run goes.
pub(super) struct BenchUnit<'a> {
    sides: Vec<Side<'a>>,
    pairs: Vec<Vec<(u64, u64)>>,
    /// Executions planned so far (`--executions auto` adds to them).
    pub(super) executions: u32,
}

impl<'a> BenchUnit<'a> {
    /// The bench of `plans` (base first), for `executions` executions, else the suite's.
    pub(super) fn new(plans: &'a [BenchPlan], executions: Option<u32>) -> Self {
        BenchUnit {
            sides: plans
                .iter()
                .map(|plan| Side {
                    plan,
                    record: Record::default(),
                    failure: plan.broken.clone(),
                })
                .collect(),
            pairs: Vec::new(),
            executions: executions
                .unwrap_or(plans.last().map_or(1, |p| p.def.settings.executions))
                .max(1),
        }
    }

    /// Sides that have not failed.
    fn live(&self) -> Vec<usize> {
        (0..self.sides.len())
            .filter(|&i| self.sides[i].failure.is_none())
            .collect()
    }

    /// Whether every side has failed.
    pub(super) fn ended(&self) -> bool {
        self.live().is_empty()
    }

    /// Whether any side has a finished execution.
    pub(super) fn started(&self) -> bool {
        self.sides.iter().any(|s| !s.record.executions.is_empty())
    }

    /// The suite's (head) version's plan.
    pub(super) fn head(&self) -> &BenchPlan {
        self.sides.last().expect("a unit has a side").plan
    }

    /// The bench's results, as it stands.
    pub(super) fn conclude(&mut self) -> BenchUnitResult {
        let executions = self.executions;
        BenchUnitResult {
            results: self
                .sides
                .iter_mut()
                .map(|side| {
                    record::finish(
                        side.plan,
                        std::mem::take(&mut side.record),
                        side.failure.clone(),
                        executions,
                    )
                })
                .collect(),
            pairs: std::mem::take(&mut self.pairs),
        }
    }
}

impl Runner {
    /// The counting pass of each side still live (a side that fails it is done).
    pub(super) async fn count_unit(
        &mut self,
        unit: &mut BenchUnit<'_>,
        observer: &mut dyn Observer,
    ) {
        for side in unit.sides.iter_mut().filter(|s| s.failure.is_none()) {
            if let Err(failure) = self.count_pass(side.plan, &mut side.record, observer).await {
                side.failure = Some(failure);
            }
        }
    }

    /// Execution `round` (0-based) of the unit's live sides, in one fresh worker. `false` when an
    /// interrupt cut it short: nothing of it is kept.
    pub(super) fn execute(
        &mut self,
        unit: &mut BenchUnit<'_>,
        round: u32,
        seed: u64,
        observer: &mut dyn Observer,
    ) -> bool {
        let live = unit.live();
        if live.is_empty() {
            return true;
        }
        observer.execution_started(round + 1, unit.executions);
        self.noise_probes.push(super::noise::probe());
        let job = self.job(unit, &live, round, seed);
        let execution = worker::execute(&self.worker_exe, &job, observer);
        if super::interrupt::requested() {
            return false;
        }
        merge(unit, &live, execution, round);
        true
    }

    /// The job of execution `round` of `unit`'s live sides.
    fn job(&self, unit: &BenchUnit, live: &[usize], round: u32, seed: u64) -> Job {
        let head = unit.head();
        let settings = &head.def.settings;
        Job {
            cache_dir: self.cache.dir().map(|d| d.to_path_buf()),
            lending: self.lending_for(&head.def),
            limits: settings.limits,
            warmup: settings.warmup,
            samples: settings.samples,
            sides: live
                .iter()
                .map(|&i| {
                    let side = &unit.sides[i];
                    SideJob {
                        wasm: side.plan.wasm_path.clone(),
                        sha256: side.record.wasm_sha256.clone(),
                        workload: side.plan.workload.clone(),
                        params: side.plan.params.clone(),
                    }
                })
                .collect(),
            // Seeded per bench and execution, so a rerun with the same seed alternates identically.
            order_seed: seed
                ^ crate::model::stable_hash(head.id.as_bytes())
                ^ u64::from(round).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            // Once, in the first execution, for a bench measured alone.
            parallel: (round == 0 && unit.sides.len() == 1 && settings.instances > 1)
                .then_some(settings.instances),
        }
    }

    /// Compiles the plugin for both engines (the timed one into the cache the workers load from),
    /// then counts fuel per iteration on the metered engine.
    pub(super) async fn count_pass(
        &mut self,
        plan: &BenchPlan,
        record: &mut Record,
        observer: &mut dyn Observer,
    ) -> Result<(), Failure> {
        let settings = &plan.def.settings;
        observer.progress(Phase::Prepare, 0, 1);
        let (metered, sha256) = self.prepare(&plan.wasm_path, EngineKind::Metered)?;
        record.wasm_sha256 = sha256;
        let (timed, _) = self.prepare(&plan.wasm_path, EngineKind::Timed)?;
        record.phases.compile_ns = Some(timed.compile_time.as_nanos() as u64);
        record.phases.compile_cached = timed.compile_cached;

        // One warm-up iteration first, so one-off work (the allocator's first growth, lazy init)
        // doesn't make the first count differ.
        // A fresh database for this pass, whose statements' query plans the results keep.
        let lending = self
            .lending_for(&plan.def)
            .open_database(true)
            .map_err(|e| {
                Failure::new(
                    Status::Error,
                    format!("preparing the bench database: {e:#}"),
                )
            })?;
        let (mut session, _) =
            BenchSession::open(&metered.pre, EngineKind::Metered, settings.limits, &lending)
                .await?;
        let setup = session.setup(&plan.workload, &plan.param_list()).await;
        record.peak_memory = record.peak_memory.max(session.peak_memory());
        record.fuel_setup = setup?.and_then(|s| s.fuel).unwrap_or(0);
        let counted = settings.fuel_iterations;
        let warm = u32::from(settings.warmup > 0);
        for i in 0..warm + counted {
            observer.progress(Phase::CountFuel, i, warm + counted);
            let iteration = session.iterate().await;
            record.peak_memory = record.peak_memory.max(session.peak_memory());
            let iteration = iteration?;
            if i >= warm {
                record.fuel.push(iteration.fuel.unwrap_or(0));
                record.host.extend(iteration.host);
                record.metered_wall.push(iteration.wall.as_nanos() as u64);
            }
            record.outcome(iteration.outcome);
        }
        self.keep_output(plan, &session);
        let closed = session.close().await;
        record.db = lending.database.as_ref().map(record::db_result);
        closed
    }

    /// Writes the counting pass's plugin output when the run keeps it. A file that can't be
    /// written is reported and loses nothing else.
    fn keep_output(&self, plan: &BenchPlan, session: &BenchSession) {
        let (Some(dir), Some((stdout, stderr))) = (&self.plugin_output, session.output()) else {
            return;
        };
        let name = crate::model::bench_file_stem(&plan.id);
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            std::fs::write(
                dir.join(format!("{name}.stdout")),
                stdout.unwrap_or_default(),
            )?;
            std::fs::write(dir.join(format!("{name}.stderr")), stderr)
        });
        if let Err(e) = written {
            eprintln!(
                "warning: keeping the output of {}: {e}",
                crate::model::visible(&plan.id, crate::model::Lines::Single)
            );
        }
    }
}

/// Whether an unsettled unit gets one more execution: it still runs, its question isn't answered,
/// it is under the most executions, and the budget isn't spent (measured from the end of the
/// planned rounds; while they run, the time they have taken so far stands in for it).
pub(super) fn more_wanted(
    settle: &Settle,
    unit: &BenchUnit,
    deadline: Option<Instant>,
    timed_start: Instant,
    planned: u32,
) -> bool {
    let live = unit.live();
    if live.is_empty() || unit.executions >= settle.max_executions.max(planned) {
        return false;
    }
    let within_budget = match deadline {
        Some(deadline) => Instant::now() < deadline,
        // Still in the planned rounds: a budget given outright must not be spent already.
        None => settle
            .budget
            .is_none_or(|budget| timed_start.elapsed() < budget),
    };
    if !within_budget {
        return false;
    }
    let head = &unit.sides.last().expect("a side").record.executions;
    let base = (unit.sides.len() == 2).then(|| unit.sides[0].record.executions.as_slice());
    !settle.settled(&unit.head().id, head, base, &unit.pairs)
}

/// Adds one execution's measurements to the unit; `live[slot]` is the side of job slot `slot`.
fn merge(unit: &mut BenchUnit, live: &[usize], execution: Execution, round: u32) {
    for (slot, &index) in live.iter().enumerate() {
        let got = &execution.sides[slot];
        let side = &mut unit.sides[index];
        let record = &mut side.record;
        if round == 0 {
            record.phases.instantiate_ns = got.instantiate_ns;
            record.phases.setup_ns = got.setup_ns;
        }
        for sample in got.warmups.iter().chain(&got.samples) {
            record.outcome(sample.outcome());
        }
        record.timed_counters(got);
        if record.memory.is_empty() {
            record.memory = got.samples.iter().map(|s| s.memory).collect();
        }
        record.peak_memory = record.peak_memory.max(got.peak_memory);
        record
            .executions
            .push(got.samples.iter().map(|s| s.wall_ns).collect());
        record
            .cpu_wait_ns
            .push(got.samples.iter().map(|s| s.cpu_wait_ns).sum());
        record.worker_start_ns.extend(execution.start_ns);
        if let Some(failure) = &got.failure {
            side.failure = Some(failure.clone());
        }
    }
    if let [_, _] = live {
        let (b, h) = (&execution.sides[0], &execution.sides[1]);
        unit.pairs.push(
            b.samples
                .iter()
                .zip(&h.samples)
                .map(|(b, h)| (b.wall_ns, h.wall_ns))
                .collect(),
        );
    }
    match execution.parallel {
        Some(Ok(run)) => unit.sides[live[0]].record.parallel = Some(run),
        Some(Err(failure)) => unit.sides[live[0]].failure = Some(failure),
        None => {}
    }
}
