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
    ParallelResult, Phases, ResultHead, TimingInfo, UnitsResult, WasmInfo,
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
    // Kept for the executions that have samples (the ones the wall result keeps), when every one
    // of them was counted.
    let cpu_wait_ns: Option<Vec<u64>> = (record.executions.iter())
        .zip(&record.cpu_wait_ns)
        .filter(|(samples, _)| !samples.is_empty())
        .map(|(_, &waited)| waited)
        .collect();
    let wall = stats::wall_result(record.executions).map(|mut wall| {
        if let Some(waited) = cpu_wait_ns.filter(|w| w.len() == wall.executions.len()) {
            wall.cpu_wait_ns = waited;
        }
        wall
    });
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
    let host = host_result(&record.host, wall.as_ref().map(|w| w.summary.median));
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
        head: ResultHead {
            id: plan.id.clone(),
            plugin: plan.plugin_name.clone(),
            workload: plan.workload.clone(),
            group: plan.def.group.clone(),
            params: plan.params.clone(),
            wasm: WasmInfo {
                path: plan.wasm_path.display().to_string(),
                sha256: record.wasm_sha256.clone(),
            },
            limits: plan.def.settings.limits.into(),
            status,
            // Plugin text in it was clipped where it was quoted; this bounds the whole.
            message: failure.map(|f| {
                let f = advised(f, plan);
                crate::model::clip(&f.message, crate::model::MAX_MESSAGE)
            }),
        },
        model: plan.model.clone(),
        warmup: plan.def.settings.warmup,
        expected,
        met_expectation: status == expected,
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
        counter_stats: record.counters.stats(),
        db: record.db,
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
                pool_waits: p.pool_waits.map(|w| w.waits),
                pool_wait_ns: p.pool_waits.map(|w| w.wait.as_nanos() as u64),
            }
        }),
        host,
        output_check: plan.output_check.clone(),
        timing: Some(TimingInfo {
            instrumentation: EngineKind::Timed
                .instrumentation()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            isolation: "worker-process".into(),
            executions_planned,
            executions: completed,
            worker_start_ns: record.worker_start_ns,
        }),
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
