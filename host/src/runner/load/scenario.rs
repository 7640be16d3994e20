//! One load scenario from the supervisor's side: find and compile the plugin, check its workload,
//! run the fuel pass on the metered engine (the same budget as a bench's), then the load in a
//! worker once per round (`commands/loads.rs` decides how many, and in `ab` alternates two
//! versions' rounds), and judge the thresholds on the median round.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::job::{LoadJob, LoadRun};
use super::verdict::judge;
use super::worker::supervise;
use crate::analysis::stats::median_u64;
use crate::engine::EngineKind;
use crate::model::{LimitOwner, Status};
use crate::plugin::PluginLocator;
use crate::results::{
    LimitsRecord, LoadResult, LoadRound, LoadSetup, PhaseResult, ResultHead, WasmInfo,
};
use crate::runner::instance::BenchSession;
use crate::runner::limits::Failure;
use crate::runner::plan::{unknown_name_message, unknown_plugin_message};
use crate::runner::plugins::Pre;
use crate::runner::{Observer, Runner, resolve_source};
use crate::suite::{Arrival, LoadDef, LoadShape};

/// A scenario between rounds: its plugin found, checked and fuel-measured, and the rounds run so
/// far. `ab` holds two of them (base and head) and alternates their rounds.
pub struct Scenario<'a> {
    def: &'a LoadDef,
    result: LoadResult,
    job: Option<LoadJob>,
    runs: Vec<LoadRun>,
    failure: Option<Failure>,
}

impl<'a> Scenario<'a> {
    /// Finds the plugin (`wasm` in place of the suite's, for `ab`'s base side), checks its
    /// workload and runs the fuel pass.
    pub async fn prepare(
        runner: &mut Runner,
        def: &'a LoadDef,
        locator: &PluginLocator,
        wasm: Option<PathBuf>,
    ) -> Scenario<'a> {
        let mut result = skeleton(def);
        let mut scenario = Scenario {
            def,
            result: skeleton(def),
            job: None,
            runs: Vec::new(),
            failure: None,
        };
        let Some(path) = wasm.or_else(|| resolve_source(&def.plugin, locator)) else {
            scenario.failure = Some(Failure::new(
                Status::Error,
                unknown_plugin_message(&def.plugin, locator),
            ));
            return scenario;
        };
        result.head.wasm.path = path.display().to_string();
        match prepare(runner, def, &path, &mut result).await {
            Ok(job) => scenario.job = Some(job),
            Err(failure) => scenario.failure = Some(failure),
        }
        scenario.result = result;
        scenario
    }

    /// The scenario's id, as results name it.
    pub fn id(&self) -> &str {
        &self.result.head.id
    }

    /// Whether another round can run: prepared, and no round failed.
    pub fn runnable(&self) -> bool {
        self.job.is_some() && self.failure.is_none()
    }

    /// Rounds run to their end so far.
    pub fn rounds(&self) -> usize {
        self.runs.len()
    }

    /// The rounds so far, as verdicts read them.
    pub fn round_summaries(&self) -> Vec<LoadRound> {
        self.runs
            .iter()
            .map(|run| LoadRound::of(&run.overall))
            .collect()
    }

    /// Runs one more round in a fresh worker; a round that fails ends the scenario.
    pub fn run_round(&mut self, runner: &Runner, observer: &mut dyn Observer) {
        let Some(job) = self.job.as_ref().filter(|_| self.failure.is_none()) else {
            return;
        };
        match supervise(&runner.worker_exe, job, observer) {
            Ok(run) => self.runs.push(run),
            Err(failure) => {
                let failure = if self.runs.is_empty() {
                    failure
                } else {
                    Failure {
                        message: format!("round {}: {}", self.runs.len() + 1, failure.message),
                        ..failure
                    }
                };
                self.failure = Some(failure);
            }
        }
    }

    /// The result: every round's summary, the median round (by overall p99) in detail and its
    /// thresholds judged; a failed round's status and message.
    pub fn finish(self) -> LoadResult {
        let Scenario {
            def,
            mut result,
            runs,
            failure,
            ..
        } = self;
        result.rounds = runs.iter().map(|run| LoadRound::of(&run.overall)).collect();
        if let Some(failure) = failure {
            return failed(result, def, failure);
        }
        let Some(detail) = median_round(&result.rounds) else {
            // Interrupted before its first round.
            return failed(
                result,
                def,
                Failure::new(Status::Error, "interrupted before its first round"),
            );
        };
        result.detail_round = detail;
        let run = runs.into_iter().nth(detail).expect("the median is a round");
        finish(result, def, run)
    }
}

/// The round whose overall p99 is the median (the lower middle for an even count); rounds
/// without a p99 sort last. `None` without rounds.
fn median_round(rounds: &[LoadRound]) -> Option<usize> {
    let mut order: Vec<usize> = (0..rounds.len()).collect();
    order.sort_by_key(|&i| (rounds[i].p99_ns.is_none(), rounds[i].p99_ns, i));
    order.get(rounds.len().saturating_sub(1) / 2).copied()
}

/// The plugin compiled for both engines, its workload checked, and the fuel pass run.
async fn prepare(
    runner: &mut Runner,
    def: &LoadDef,
    path: &Path,
    result: &mut LoadResult,
) -> Result<LoadJob, Failure> {
    let (metered, sha256) = runner.prepare(path, EngineKind::Metered)?;
    result.head.wasm.sha256 = sha256.clone();
    if matches!(metered.pre, Pre::Command(_)) {
        return Err(Failure::new(
            Status::Error,
            "a load scenario needs a component (each request is one `run` call); this is a core \
             module",
        ));
    }
    let workloads = runner.inspect(path).await?;
    if !workloads.iter().any(|w| w.name == def.workload) {
        let owner = format!("plugin `{}`", def.plugin.display_name());
        return Err(Failure::new(
            Status::Error,
            unknown_name_message(
                "workload",
                &def.workload,
                &owner,
                workloads.iter().map(|w| w.name.as_str()),
            ),
        ));
    }
    // The fuel budget holds per request, as per iteration for a bench.
    let lending = runner.lending.clone();
    let params = crate::plugin::params(&def.params);
    let (mut session, _) =
        BenchSession::open(&metered.pre, EngineKind::Metered, def.limits, &lending).await?;
    session.setup(&def.workload, &params).await?;
    let mut fuel = Vec::new();
    for _ in 0..def.fuel_iterations {
        let iteration = session.iterate().await;
        result.peak_memory = Some(session.peak_memory());
        fuel.extend(iteration?.fuel);
    }
    result.fuel_per_request = median_u64(&fuel);
    let _ = session.close().await;
    // Compiled now for the uninstrumented engine, so the worker loads it from the cache.
    runner.prepare(path, EngineKind::Timed)?;
    Ok(LoadJob {
        cache_dir: runner.cache.dir().map(|d| d.to_path_buf()),
        lending,
        limits: def.limits,
        wasm: path.to_path_buf(),
        sha256,
        workload: def.workload.clone(),
        params: def.params.clone(),
        shape: def.shape,
        phases: def.phases.clone(),
        pool: def.pool,
        queue: def.queue,
        warmup: def.warmup,
        thresholds: def.thresholds.clone(),
        abort_on_fail: def.abort_on_fail,
    })
}

/// The result before anything ran: what the suite asked for.
fn skeleton(def: &LoadDef) -> LoadResult {
    let plugin = def.plugin.display_name();
    let (model, arrival, connections, think_ns) = match def.shape {
        LoadShape::Open { arrival } => {
            let arrival = match arrival {
                Arrival::Uniform => "uniform",
                Arrival::Poisson { .. } => "poisson",
            };
            ("open", Some(arrival.to_string()), None, None)
        }
        LoadShape::Closed { connections, think } => (
            "closed",
            None,
            Some(connections),
            Some(crate::runner::load::record::nanos(think)),
        ),
    };
    LoadResult {
        head: ResultHead {
            id: def
                .id
                .clone()
                .unwrap_or_else(|| format!("{plugin}/{}", def.workload)),
            plugin,
            workload: def.workload.clone(),
            group: def.group.clone(),
            params: def.params.clone(),
            wasm: WasmInfo {
                path: String::new(),
                sha256: String::new(),
            },
            limits: LimitsRecord::from(def.limits),
            status: Status::Ok,
            message: None,
        },
        setup: LoadSetup {
            model: model.into(),
            arrival,
            connections,
            think_ns,
            pool: def.pool,
            queue: def.queue,
            warmup: def.warmup,
        },
        fuel_per_request: None,
        peak_memory: None,
        phases: Vec::new(),
        overall: None,
        timeline: Vec::new(),
        timeline_step_ns: 0,
        schedule_lag: None,
        thresholds: Vec::new(),
        aborted: None,
        rounds: Vec::new(),
        detail_round: 0,
    }
}

/// The scenario ended early: its status, and a message that says what to change when it ran into
/// one of its limits (a scenario expects none).
fn failed(mut result: LoadResult, def: &LoadDef, failure: Failure) -> LoadResult {
    let owner = LimitOwner {
        what: "load scenario",
        at: crate::runner::limits::table_line(&def.location),
    };
    let failure = failure.advised(&def.limits, &def.limit_origins, owner, Status::Ok);
    result.head.status = failure.status;
    result.head.message = Some(failure.message);
    result
}

/// The measured run, its phases, and the thresholds judged.
fn finish(mut result: LoadResult, def: &LoadDef, run: LoadRun) -> LoadResult {
    let starts = super::schedule::phase_starts(&def.phases);
    for ((phase, stats), start) in def.phases.iter().zip(run.phases).zip(starts) {
        result
            .thresholds
            .extend(judge(&phase.thresholds, &phase.name, &stats));
        result.phases.push(PhaseResult {
            name: phase.name.clone(),
            start_ns: super::record::nanos(start),
            duration_ns: super::record::nanos(phase.duration),
            rate: phase.rate,
            ramp_to: phase.ramp_to,
            stats,
        });
    }
    result
        .thresholds
        .extend(judge(&def.thresholds, "overall", &run.overall));
    result.overall = Some(run.overall);
    result.timeline = run.timeline;
    result.timeline_step_ns = run.timeline_step_ns;
    result.schedule_lag = run.schedule_lag;
    result.aborted = run.aborted;
    if !run.lost.is_empty() {
        let mut unique: BTreeMap<&str, usize> = BTreeMap::new();
        for message in &run.lost {
            *unique.entry(message.as_str()).or_default() += 1;
        }
        let lost: Vec<String> = unique
            .into_iter()
            .map(|(message, n)| format!("{n}× {message}"))
            .collect();
        result.head.message = Some(format!("instances lost: {}", lost.join("; ")));
    }
    result
}
