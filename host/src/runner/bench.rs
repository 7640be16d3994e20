//! One bench through its phases. The counting pass runs on the fuel-metered engine (fuel per
//! iteration, budget enforcement); the timing pass runs on the uninstrumented engine (wall time,
//! memory per iteration). Any failure ends the bench with a status; the run goes on.

use std::collections::BTreeMap;

use crate::analysis::{leak, stats};
use crate::engine::EngineKind;
use crate::plugin::bindings::{Outcome, Param};
use crate::results::{
    BenchResult, FuelResult, MemoryResult, ParallelResult, Phases, Status, UnitsResult, WallResult,
    WasmInfo,
};

use super::Runner;
use super::instance::BenchSession;
use super::parallel::{ParallelRun, ParallelSpec, run_parallel};
use super::plan::BenchPlan;
use super::plugins::Prepared;
use super::session::Failure;

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
    fn bench_started(&mut self, index: usize, total: usize, plan: &BenchPlan);
    fn progress(&mut self, phase: Phase, done: u32, total: u32);
    fn bench_finished(&mut self, result: &BenchResult);
}

/// An observer that shows nothing.
pub struct SilentObserver;

impl Observer for SilentObserver {
    fn bench_started(&mut self, _: usize, _: usize, _: &BenchPlan) {}
    fn progress(&mut self, _: Phase, _: u32, _: u32) {}
    fn bench_finished(&mut self, _: &BenchResult) {}
}

/// Measurements gathered so far; kept when a bench fails part-way.
#[derive(Default)]
pub(super) struct Record {
    phases: Phases,
    fuel_setup: u64,
    fuel: Vec<u64>,
    wall: Vec<u64>,
    memory: Vec<u64>,
    peak_memory: u64,
    first_outcome: Option<Outcome>,
    last_counters: BTreeMap<String, u64>,
    checksum_stable: bool,
    wasm_sha256: String,
    /// Wall time of the counted iterations: what timing under fuel metering would have shown.
    metered_wall: Vec<u64>,
    parallel: Option<ParallelRun>,
}

impl Record {
    fn outcome(&mut self, outcome: Outcome) {
        self.last_counters = outcome
            .counters
            .iter()
            .map(|c| (c.name.clone(), c.value))
            .collect();
        match &self.first_outcome {
            None => {
                self.checksum_stable = true;
                self.first_outcome = Some(outcome);
            }
            Some(first) => self.checksum_stable &= first.checksum == outcome.checksum,
        }
    }
}

impl Runner {
    /// Runs one planned bench to its end, successful or not.
    pub async fn run_bench(
        &mut self,
        plan: &BenchPlan,
        observer: &mut dyn Observer,
    ) -> BenchResult {
        let mut record = Record::default();
        let outcome = match &plan.broken {
            Some(failure) => Err(failure.clone()),
            None => self.measure(plan, &mut record, observer).await,
        };
        finish(plan, record, outcome.err())
    }

    async fn measure(
        &mut self,
        plan: &BenchPlan,
        record: &mut Record,
        observer: &mut dyn Observer,
    ) -> Result<(), Failure> {
        let settings = &plan.def.settings;
        let timed = self.count_pass(plan, record, observer).await?;
        let mut session = self.open_timed(&timed, plan, record, observer).await?;
        for i in 0..settings.samples {
            observer.progress(Phase::Time, i, settings.samples);
            sample(&mut session, record).await?;
        }
        observer.progress(Phase::Time, settings.samples, settings.samples);
        session.close().await?;

        if settings.instances > 1 {
            observer.progress(Phase::Parallel, 0, settings.instances);
            record.parallel = Some(run_parallel(ParallelSpec {
                pre: &timed.pre,
                lending: &self.lending(),
                limits: settings.limits,
                workload: &plan.workload,
                params: &params_of(plan),
                instances: settings.instances,
                warmup: settings.warmup,
                iterations: settings.samples,
            })?);
        }
        Ok(())
    }

    /// Compiles the plugin for both engines, then counts fuel per iteration on the metered engine.
    /// Returns the plugin prepared for the timed engine.
    pub(super) async fn count_pass(
        &mut self,
        plan: &BenchPlan,
        record: &mut Record,
        observer: &mut dyn Observer,
    ) -> Result<Prepared, Failure> {
        let settings = &plan.def.settings;
        let params = params_of(plan);
        observer.progress(Phase::Prepare, 0, 1);
        let (metered, sha256) = self.prepare(&plan.wasm_path, EngineKind::Metered)?;
        record.wasm_sha256 = sha256;
        let (timed, _) = self.prepare(&plan.wasm_path, EngineKind::Timed)?;
        record.phases.compile_ns = Some(timed.compile_time.as_nanos() as u64);
        record.phases.compile_cached = timed.compile_cached;

        // One warm-up iteration first, so one-off work (the allocator's first growth, lazy init)
        // doesn't make the first count differ.
        let (mut session, _) = BenchSession::open(
            &metered.pre,
            EngineKind::Metered,
            settings.limits,
            &self.lending(),
        )
        .await?;
        let setup = session.setup(&plan.workload, &params).await?;
        record.fuel_setup = setup.and_then(|s| s.fuel).unwrap_or(0);
        let counted = settings.fuel_iterations;
        let warm = u32::from(settings.warmup > 0);
        for i in 0..warm + counted {
            observer.progress(Phase::CountFuel, i, warm + counted);
            let iteration = session.iterate().await;
            record.peak_memory = record.peak_memory.max(session.peak_memory());
            let iteration = iteration?;
            if i >= warm {
                record.fuel.push(iteration.fuel.unwrap_or(0));
                record.metered_wall.push(iteration.wall.as_nanos() as u64);
            }
            record.outcome(iteration.outcome);
        }
        session.close().await?;
        Ok(timed)
    }

    /// A timed-engine instance, set up and warmed up, ready for samples.
    pub(super) async fn open_timed(
        &self,
        timed: &Prepared,
        plan: &BenchPlan,
        record: &mut Record,
        observer: &mut dyn Observer,
    ) -> Result<BenchSession, Failure> {
        let settings = &plan.def.settings;
        let (mut session, instantiate) = BenchSession::open(
            &timed.pre,
            EngineKind::Timed,
            settings.limits,
            &self.lending(),
        )
        .await?;
        record.phases.instantiate_ns = Some(instantiate.as_nanos() as u64);
        let setup = session.setup(&plan.workload, &params_of(plan)).await?;
        record.phases.setup_ns = setup.map(|s| s.elapsed.as_nanos() as u64);
        for i in 0..settings.warmup {
            observer.progress(Phase::Warmup, i, settings.warmup);
            let iteration = session.iterate().await;
            record.peak_memory = record.peak_memory.max(session.peak_memory());
            record.outcome(iteration?.outcome);
        }
        Ok(session)
    }
}

/// One timed iteration, recorded; returns its wall time in nanoseconds.
pub(super) async fn sample(
    session: &mut BenchSession,
    record: &mut Record,
) -> Result<u64, Failure> {
    let iteration = session.iterate().await;
    record.peak_memory = record.peak_memory.max(session.peak_memory());
    let iteration = iteration?;
    let wall = iteration.wall.as_nanos() as u64;
    record.wall.push(wall);
    record.memory.push(iteration.memory);
    record.outcome(iteration.outcome);
    Ok(wall)
}

fn params_of(plan: &BenchPlan) -> Vec<Param> {
    plan.params
        .iter()
        .map(|(name, value)| Param {
            name: name.clone(),
            value: value.clone(),
        })
        .collect()
}

pub(super) fn finish(plan: &BenchPlan, record: Record, failure: Option<Failure>) -> BenchResult {
    let status = failure.as_ref().map_or(Status::Ok, |f| f.status);
    let expected = plan.def.expect;
    let wall = stats::summarize(&record.wall.iter().map(|&ns| ns as f64).collect::<Vec<_>>()).map(
        |summary| WallResult {
            samples: record.wall.clone(),
            summary,
        },
    );
    let metered_median = stats::median_u64(&record.metered_wall);
    let fuel = stats::median_u64(&record.fuel).map(|median| FuelResult {
        varies: record.fuel.iter().any(|&f| f != record.fuel[0]),
        per_iteration: median,
        samples: record.fuel.clone(),
        setup: record.fuel_setup,
        metering_slowdown: metered_median
            .zip(wall.as_ref().map(|w| w.summary.median))
            .filter(|(_, timed)| *timed > 0.0)
            .map(|(metered, timed)| metered as f64 / timed),
    });
    let memory_series: Vec<f64> = record.memory.iter().map(|&b| b as f64).collect();
    let single_rate = wall
        .as_ref()
        .zip(record.first_outcome.as_ref())
        .filter(|(w, _)| w.summary.median > 0.0)
        .map(|(w, o)| o.units as f64 / (w.summary.median / 1e9));
    let units = record.first_outcome.as_ref().map(|o| UnitsResult {
        unit: plan.unit.clone(),
        per_iteration: o.units,
        per_second: wall
            .as_ref()
            .filter(|w| w.summary.median > 0.0)
            .map(|w| o.units as f64 / (w.summary.median / 1e9)),
    });
    BenchResult {
        id: plan.id.clone(),
        plugin: plan.plugin_name.clone(),
        workload: plan.workload.clone(),
        group: plan.def.group.clone(),
        params: plan.params.clone(),
        wasm: WasmInfo {
            path: plan.wasm_path.display().to_string(),
            sha256: record.wasm_sha256.clone(),
        },
        limits: plan.def.settings.limits,
        warmup: plan.def.settings.warmup,
        status,
        expected,
        met_expectation: status == expected,
        message: failure.map(|f| f.message),
        phases: record.phases,
        fuel,
        wall_ns: wall,
        memory: MemoryResult {
            peak_bytes: record.peak_memory,
            growth_per_iteration: stats::slope(&memory_series),
            leak_suspected: leak::suspect(&record.memory),
            per_iteration: record.memory,
        },
        checksum: record
            .first_outcome
            .as_ref()
            .map(|o| format!("{:016x}", o.checksum)),
        checksum_stable: record.checksum_stable,
        units,
        counters: record.last_counters,
        thresholds: plan.def.settings.thresholds,
        parallel: record.parallel.map(|p| {
            let units_per_second = p.units as f64 / p.elapsed.as_secs_f64().max(1e-9);
            ParallelResult {
                instances: plan.def.settings.instances,
                iterations: p.iterations,
                elapsed_ns: p.elapsed.as_nanos() as u64,
                units_per_second,
                speedup: single_rate
                    .filter(|r| *r > 0.0)
                    .map(|r| units_per_second / r),
            }
        }),
    }
}
