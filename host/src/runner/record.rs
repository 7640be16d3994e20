//! What is gathered about a bench while it runs, and the `BenchResult` it becomes: summaries,
//! fuel, memory trend, throughput, the parallel pass and how the timed pass ran.

use std::collections::{BTreeMap, BTreeSet};

use super::bench_plan::BenchPlan;
use super::counters::CounterStats;
use super::limits::Failure;
use super::parallel::ParallelRun;
use super::worker::SideRecord;
use crate::analysis::{leak, stats};
use crate::capability::Database;
use crate::engine::{EngineKind, HostCalls, ImportGroup};
use crate::model::{LimitOwner, Status};
use crate::plugin::bindings::Outcome;
use crate::results::{
    BenchResult, DbPlan, DbResult, DbTable, FuelResult, HostGroupResult, HostResult, MemoryResult,
    ParallelResult, Phases, ResultHead, TimingInfo, UnitsResult, WallResult, WasmInfo,
};

/// Measurements gathered so far; kept when a bench fails part-way.
#[derive(Default)]
pub(super) struct Record {
    pub(super) phases: Phases,
    pub(super) fuel_setup: u64,
    pub(super) fuel: Vec<u64>,
    /// Host calls of each counted iteration.
    pub(super) host: Vec<HostCalls>,
    /// Wall time per sample, per execution.
    pub(super) executions: Vec<Vec<u64>>,
    /// Per execution, how long its samples waited for a CPU (`None`: not counted).
    pub(super) cpu_wait_ns: Vec<Option<u64>>,
    /// Linear memory after each sample of the first execution (fresh processes start over).
    pub(super) memory: Vec<u64>,
    pub(super) peak_memory: u64,
    pub(super) first_outcome: Option<Outcome>,
    pub(super) last_counters: BTreeMap<String, u64>,
    /// Counters of the timed iterations (the counting pass's are left out: its engine is metered,
    /// and one of its iterations is what the results used to show).
    pub(super) counters: CounterStats,
    pub(super) checksum_stable: bool,
    pub(super) wasm_sha256: String,
    /// Wall time of the counted iterations: what timing under fuel metering would have shown.
    pub(super) metered_wall: Vec<u64>,
    pub(super) worker_start_ns: Vec<u64>,
    pub(super) parallel: Option<ParallelRun>,
    pub(super) db: Option<DbResult>,
}

impl Record {
    pub(super) fn outcome(&mut self, outcome: Outcome) {
        self.last_counters = outcome
            .counters
            .iter()
            .map(|c| (c.name.clone(), c.value))
            .collect();
        self.agree(outcome);
    }

    /// Adds an execution's counters (after its iterations' outcomes): their distribution, and the
    /// last iteration's.
    pub(super) fn timed_counters(&mut self, got: &SideRecord) {
        self.counters.absorb(&got.counters);
        if let Some(last) = &got.last_counters {
            self.last_counters = last.clone();
        }
    }

    /// Keeps the first outcome and notes whether every checksum agreed with it.
    fn agree(&mut self, outcome: Outcome) {
        match &self.first_outcome {
            None => {
                self.checksum_stable = true;
                self.first_outcome = Some(outcome);
            }
            Some(first) => self.checksum_stable &= first.checksum == outcome.checksum,
        }
    }
}

/// `failure` saying what to change in the suite when it ran into one of the bench's limits.
pub(super) fn advised(failure: Failure, plan: &BenchPlan) -> Failure {
    let at = super::limits::table_line(&plan.def.location);
    let settings = &plan.def.settings;
    failure.advised(
        &settings.limits,
        &settings.limit_origins,
        LimitOwner { what: "bench", at },
        plan.def.expect,
    )
}

/// The bench's result from what was measured (and how it ended).
pub(super) fn finish(
    plan: &BenchPlan,
    record: Record,
    failure: Option<Failure>,
    executions_planned: u32,
) -> BenchResult {
    let status = failure.as_ref().map_or(Status::Ok, |f| f.status);
    let expected = plan.def.expect;
    let completed = record.executions.iter().filter(|e| !e.is_empty()).count() as u32;
    let wall = wall_result(record.executions, &record.cpu_wait_ns);
    let median = wall.as_ref().map(|w| w.summary.median);
    let fuel = fuel_result(
        &record.fuel,
        record.fuel_setup,
        &record.metered_wall,
        median,
    );
    let host = host_result(&record.host, median);
    let single_rate = record
        .first_outcome
        .as_ref()
        .and_then(|o| units_per_second(o, median));
    let units = record.first_outcome.as_ref().map(|o| UnitsResult {
        unit: plan.unit.clone(),
        per_iteration: o.units,
        per_second: units_per_second(o, median),
    });
    BenchResult {
        head: head(plan, record.wasm_sha256, status, failure),
        model: plan.model.clone(),
        warmup: plan.def.settings.warmup,
        expected,
        met_expectation: status == expected,
        phases: record.phases,
        fuel,
        wall_ns: wall,
        memory: memory_result(record.peak_memory, record.memory),
        checksum: record
            .first_outcome
            .as_ref()
            .map(|o| format!("{:016x}", o.checksum)),
        checksum_stable: record.checksum_stable,
        units,
        counters: record.last_counters,
        counter_stats: record.counters.stats(),
        db: record.db,
        thresholds: plan.def.settings.thresholds,
        parallel: record
            .parallel
            .map(|p| parallel_result(plan, p, single_rate)),
        host,
        output_check: plan.output_check.clone(),
        timing: Some(timing_info(
            executions_planned,
            completed,
            record.worker_start_ns,
        )),
    }
}

/// The wall result of the executions that have samples, with their CPU waits when every one of
/// them was counted.
fn wall_result(executions: Vec<Vec<u64>>, cpu_wait_ns: &[Option<u64>]) -> Option<WallResult> {
    let cpu_wait_ns: Option<Vec<u64>> = (executions.iter())
        .zip(cpu_wait_ns)
        .filter(|(samples, _)| !samples.is_empty())
        .map(|(_, &waited)| waited)
        .collect();
    stats::wall_result(executions).map(|mut wall| {
        if let Some(waited) = cpu_wait_ns.filter(|w| w.len() == wall.executions.len()) {
            wall.cpu_wait_ns = waited;
        }
        wall
    })
}

/// The counted iterations' fuel, and how much slower metering made them than the timed median.
fn fuel_result(
    fuel: &[u64],
    setup: u64,
    metered_wall: &[u64],
    timed_median_ns: Option<f64>,
) -> Option<FuelResult> {
    let metered_median = stats::median_u64(metered_wall);
    stats::median_u64(fuel).map(|median| FuelResult {
        varies: fuel.iter().any(|&f| f != fuel[0]),
        per_iteration: median,
        samples: fuel.to_vec(),
        setup,
        metering_slowdown: metered_median
            .zip(timed_median_ns)
            .filter(|(_, timed)| *timed > 0.0)
            .map(|(metered, timed)| metered as f64 / timed),
    })
}

/// Units of work per second at the timed median (none when there is no positive median).
fn units_per_second(outcome: &Outcome, timed_median_ns: Option<f64>) -> Option<f64> {
    timed_median_ns
        .filter(|median| *median > 0.0)
        .map(|median| outcome.units as f64 / (median / 1e9))
}

/// What names the bench and says how it ended, its failure advised and clipped.
fn head(
    plan: &BenchPlan,
    wasm_sha256: String,
    status: Status,
    failure: Option<Failure>,
) -> ResultHead {
    ResultHead {
        id: plan.id.clone(),
        plugin: plan.plugin_name.clone(),
        workload: plan.workload.clone(),
        group: plan.def.group.clone(),
        params: plan.params.clone(),
        wasm: WasmInfo {
            path: plan.wasm_path.display().to_string(),
            sha256: wasm_sha256,
        },
        limits: plan.def.settings.limits.into(),
        status,
        // Plugin text in it was clipped where it was quoted; this bounds the whole.
        message: failure.map(|f| {
            let f = advised(f, plan);
            crate::model::clip(&f.message, crate::model::MAX_MESSAGE)
        }),
    }
}

/// The linear memory's peak and trend over the first execution's samples.
fn memory_result(peak_bytes: u64, per_iteration: Vec<u64>) -> MemoryResult {
    let series: Vec<f64> = per_iteration.iter().map(|&b| b as f64).collect();
    MemoryResult {
        peak_bytes,
        growth_per_iteration: stats::slope(&series),
        leak_suspected: leak::suspect(&per_iteration),
        per_iteration,
    }
}

/// The parallel pass's throughput, and its speedup over one instance's rate.
fn parallel_result(plan: &BenchPlan, p: ParallelRun, single_rate: Option<f64>) -> ParallelResult {
    let units_per_second = p.units as f64 / p.elapsed.as_secs_f64().max(1e-9);
    ParallelResult {
        instances: plan.def.settings.instances,
        iterations: p.iterations,
        elapsed_ns: p.elapsed.as_nanos() as u64,
        units_per_second,
        speedup: single_rate
            .filter(|r| *r > 0.0)
            .map(|r| units_per_second / r),
        pool_waits: p.pool_waits.map(|w| w.waits),
        pool_wait_ns: p.pool_waits.map(|w| w.wait.as_nanos() as u64),
    }
}

/// How the timed pass ran: its instrumentation, isolation and executions.
fn timing_info(executions_planned: u32, executions: u32, worker_start_ns: Vec<u64>) -> TimingInfo {
    TimingInfo {
        instrumentation: EngineKind::Timed
            .instrumentation()
            .iter()
            .map(|s| s.to_string())
            .collect(),
        isolation: "worker-process".into(),
        executions_planned,
        executions,
        worker_start_ns,
    }
}

/// Medians of the counted iterations' host calls, in total and per import group, and their share
/// of the timed median.
fn host_result(host: &[HostCalls], timed_median_ns: Option<f64>) -> Option<HostResult> {
    let median = |of: &dyn Fn(&HostCalls) -> u64| {
        stats::median_u64(&host.iter().map(of).collect::<Vec<_>>())
    };
    let ns_per_iteration = median(&|h| h.time().as_nanos() as u64)?;
    let called: BTreeSet<ImportGroup> = host
        .iter()
        .flat_map(|h| h.groups().map(|(g, _)| g))
        .collect();
    let groups = called
        .into_iter()
        .map(|g| HostGroupResult {
            group: g.name().to_string(),
            calls_per_iteration: median(&|h| h.group(g).calls).unwrap_or(0),
            bytes_per_iteration: median(&|h| h.group(g).bytes).unwrap_or(0),
            ns_per_iteration: median(&|h| h.group(g).time.as_nanos() as u64).unwrap_or(0),
        })
        // A group called in a few iterations only has medians of 0: nothing to show.
        .filter(|g| g.calls_per_iteration > 0)
        .collect();
    Some(HostResult {
        calls_per_iteration: median(&|h| h.calls())?,
        ns_per_iteration,
        share_of_wall: timed_median_ns
            .filter(|median| *median > 0.0)
            .map(|median| (ns_per_iteration as f64 / median).min(1.0)),
        bytes_per_iteration: median(&|h| h.bytes())?,
        groups,
    })
}

/// What the results keep of a bench's database: its setup and its statements' query plans.
pub(super) fn db_result(database: &Database) -> DbResult {
    let config = database.config();
    DbResult {
        server: database.server(),
        pool: config.pool,
        latency_ns: config.latency.as_nanos() as u64,
        latency_mode: config.mode,
        memory_cap: config.memory,
        tables: config
            .tables
            .iter()
            .map(|t| DbTable {
                name: t.name.clone(),
                rows: t.rows,
            })
            .collect(),
        indexes: config
            .indexes
            .iter()
            .map(|(name, _)| name.clone())
            .collect(),
        plans: database
            .plans()
            .into_iter()
            .map(|p| DbPlan {
                sql: p.sql,
                plan: p.plan,
            })
            .collect(),
    }
}
