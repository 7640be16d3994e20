//! What `run` and `ab` share: plan the suite's selected benches, then measure the units (a bench
//! or an A/B pair of it, a load scenario or its two versions) in one loop with the journal, Ctrl-C
//! handling, progress and live metrics.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::Context;

use super::CommandError;
use crate::plugin::PluginLocator;
use crate::report::escape::terminal::Inert;
use crate::report::openmetrics::RunMetrics;
use crate::results::{
    BenchResult, Environment, GroupInfo, Journal, OutputCheck, RunResults, SCHEMA_VERSION,
    ShardInfo, SuiteInfo,
};
use crate::runner::Observer;
use crate::runner::load::ScenarioResult;
use crate::runner::{
    BenchPlan, BenchUnitResult, Finished, RunOptions, Runner, Shard, Work, expected_output_files,
    interrupt,
};
use crate::suite::{PluginSource, Suite};
use crate::ui::ProgressObserver;
use crate::ui::metrics::{MeteredObserver, MetricsEndpoint};

/// The units a run measured (in the suite's order), and when it started.
pub(super) struct Measured {
    pub benches: Vec<BenchUnitResult>,
    pub scenarios: Vec<ScenarioResult>,
    pub started_at: String,
    /// The live metrics (`--metrics-addr`), still served. A command closes it before it writes
    /// results: nothing a scraper holds (connections, file descriptors) can keep them from being
    /// written; then `ui::metrics::linger` serves the final values again for a while.
    pub live: Option<LiveMetrics>,
}

/// The metrics endpoint of a run and the families it serves; the endpoint stops when dropped.
pub(super) struct LiveMetrics {
    pub metrics: Arc<RunMetrics>,
    endpoint: MetricsEndpoint,
}

impl LiveMetrics {
    /// Stops the endpoint; where it served and what, for `ui::metrics::linger` once the results
    /// are written.
    pub fn close(self) -> (SocketAddr, Arc<RunMetrics>) {
        let LiveMetrics { metrics, endpoint } = self;
        let addr = endpoint.addr();
        drop(endpoint);
        (addr, metrics)
    }
}

/// The benches a run measures, and which shard of the suite they are.
pub(super) struct Selection {
    pub plans: Vec<BenchPlan>,
    pub shard: Option<ShardInfo>,
}

/// Every bench of `suite` whose id contains one of `filters` (all when none) and, with `shard`,
/// that belongs to it (by the id the planner gave it, loaded or not), planned, with the
/// capabilities they need started. A shard may hold no bench.
pub(super) async fn plan(
    runner: &mut Runner,
    suite: &Suite,
    filters: &[String],
    shard: Option<Shard>,
    load_ids: &[String],
) -> Result<Selection, CommandError> {
    let locator = runner.plugin_locator()?;
    let plans = select(runner.plan(suite, &locator).await?, filters, load_ids)?;
    let (plans, shard) = match shard {
        None => (plans, None),
        Some(shard) => {
            let benches_in_suite = plans.len();
            let plans = shard.select(plans, |plan| plan.id.as_str());
            eprintln!(
                "note: shard {shard}: {} of the suite's {benches_in_suite} benches",
                plans.len()
            );
            let info = ShardInfo {
                index: shard.index,
                count: shard.count,
                benches_in_suite,
            };
            (plans, Some(info))
        }
    };
    runner.prepare_capabilities(suite)?;
    let mut plans = plans;
    if let Some(times) = runner.http_fixture_times() {
        crate::runner::predict_again(suite, &mut plans, &times)?;
    }
    // Planning compiled each plugin for the metered engine; the timed engine's code is compiled
    // now too, before any progress bar, so a long compile is said on its own line (the counting
    // pass then finds it ready). A plugin that fails to compile fails its benches there.
    let mut warmed = std::collections::BTreeSet::new();
    for plan in &plans {
        if plan.broken.is_none() && warmed.insert(plan.wasm_path.clone()) {
            let _ = runner.warm_timed(&plan.wasm_path);
        }
    }
    for note in &suite.notes {
        eprintln!("note: {}", Inert::text(note));
    }
    for plan in &plans {
        if plan.output_check == Some(OutputCheck::default()) && plan.broken.is_none() {
            // As sightglass warns: a module whose output is never checked can be measured
            // producing the wrong answer.
            let [own, default] = expected_output_files(&plan.wasm_path, "stdout").map(|path| {
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            });
            eprintln!(
                "warning: {}: no expected output ({} or {default}, likewise for stderr): its \
                 output is not checked",
                Inert::line(&plan.id),
                Inert::line(&own),
            );
        }
    }
    Ok(Selection { plans, shard })
}

/// Where and how a run is shown while it goes.
#[derive(Clone, Copy)]
pub(super) struct Shown<'a> {
    /// The output folder (its journal.jsonl is appended to as benches finish).
    pub out_dir: &'a Path,
    /// No progress display.
    pub quiet: bool,
    /// Serve live metrics here (`--metrics-addr`).
    pub metrics_addr: Option<SocketAddr>,
}

/// Runs the units of `work`, appending each finished one's result (the bench or scenario, or an
/// A/B pair's head side, as results.json holds) to `out_dir/journal.jsonl`, with progress on the
/// terminal.
pub(super) async fn measure(
    runner: &mut Runner,
    suite: &Suite,
    work: &[Work],
    options: &RunOptions<'_>,
    shard: Option<ShardInfo>,
    shown: &Shown<'_>,
) -> Result<Measured, CommandError> {
    let Shown {
        out_dir,
        quiet,
        metrics_addr,
    } = *shown;
    let started_at = timestamp();
    interrupt::install()?;
    let environment = Environment::capture();
    // Bound before anything runs: a port in use stops the command, not the run half-way.
    let metrics = Arc::new(RunMetrics::new(
        &suite.name,
        &environment.wasmbench_version,
        &environment.wasmtime_version,
    ));
    let endpoint = metrics_addr
        .map(|addr| MetricsEndpoint::start(addr, metrics.clone()))
        .transpose()?;
    if let Some(endpoint) = &endpoint {
        eprintln!("metrics: http://{}/metrics", endpoint.addr());
    }
    let mut journal = Journal::create(
        &out_dir.join("journal.jsonl"),
        &suite_info(suite),
        &environment,
        &started_at,
        shard,
    )?;
    let benches = work.iter().filter(|w| matches!(w, Work::Bench(_))).count();
    let mut progress = ProgressObserver::new(benches, quiet);
    let mut metered;
    let observer: &mut dyn Observer = if endpoint.is_some() {
        metered = MeteredObserver::new(&mut progress, metrics.clone(), benches);
        &mut metered
    } else {
        &mut progress
    };
    let mut journal_error = None;
    let finished = runner
        .run_units(work, options, observer, &mut |unit| {
            let appended = match unit {
                Finished::Bench(bench) => bench.results.last().map(|r| journal.append(r)),
                Finished::Scenario(scenario) => Some(journal.append_load(&scenario.head)),
            };
            if let Some(Err(e)) = appended {
                journal_error.get_or_insert(e);
            }
        })
        .await;
    if let Some(e) = journal_error {
        return Err(e.into());
    }
    progress.finish();
    let (mut bench_results, mut scenarios) = (Vec::new(), Vec::new());
    for unit in finished {
        match unit {
            Finished::Bench(bench) => bench_results.push(bench),
            Finished::Scenario(scenario) => scenarios.push(*scenario),
        }
    }
    Ok(Measured {
        benches: bench_results,
        scenarios,
        started_at,
        live: endpoint.map(|endpoint| LiveMetrics { metrics, endpoint }),
    })
}

pub(super) fn assemble(
    suite: &Suite,
    started_at: String,
    benches: Vec<BenchResult>,
    shard: Option<ShardInfo>,
) -> RunResults {
    RunResults {
        schema_version: SCHEMA_VERSION,
        suite: suite_info(suite),
        environment: Environment::capture(),
        started_at,
        finished_at: timestamp(),
        interrupted: false,
        shard,
        benches,
        loads: Vec::new(),
        machine_noise: None,
        http_fixture: None,
    }
}

/// Keeps the benches whose id contains any filter (all when there are none).
/// `load_ids`: the load scenarios this run may run; when the filters keep one of them, keeping no
/// bench is fine.
pub(super) fn select(
    plans: Vec<BenchPlan>,
    filters: &[String],
    load_ids: &[String],
) -> anyhow::Result<Vec<BenchPlan>> {
    if filters.is_empty() {
        return Ok(plans);
    }
    let ids: Vec<String> = plans.iter().map(|p| p.id.clone()).collect();
    let kept: Vec<BenchPlan> = plans
        .into_iter()
        .filter(|p| filters.iter().any(|f| p.id.contains(f.as_str())))
        .collect();
    let loads_selected = load_ids
        .iter()
        .any(|id| filters.iter().any(|f| id.contains(f.as_str())));
    let loads_listed = if load_ids.is_empty() {
        String::new()
    } else {
        format!("; its load scenarios: {}", load_ids.join(", "))
    };
    let benches_listed = if ids.is_empty() {
        "the suite has no benches".to_string()
    } else {
        format!("the suite's benches are: {}", ids.join(", "))
    };
    anyhow::ensure!(
        !kept.is_empty() || loads_selected,
        "no bench id contains {filters:?}; {benches_listed}{loads_listed}"
    );
    Ok(kept)
}

pub(super) fn timestamp() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

fn suite_info(suite: &Suite) -> SuiteInfo {
    SuiteInfo {
        name: suite.name.clone(),
        path: suite.path.display().to_string(),
        groups: suite
            .groups
            .iter()
            .map(|(name, g)| {
                let info = GroupInfo {
                    reference: g.reference.clone(),
                };
                (name.clone(), info)
            })
            .collect(),
    }
}

/// The base version of a plugin for `ab`, if `base` has one: a folder is searched by plugin name;
/// a single `.wasm` file stands in for the plugin with its file name.
pub(super) fn base_wasm(plugin: &PluginSource, base: &Path) -> Option<PathBuf> {
    let name = match plugin {
        PluginSource::Named(name) => name.clone(),
        PluginSource::File(path) => path.file_stem()?.to_string_lossy().into_owned(),
    };
    if base.is_dir() {
        PluginLocator::new(vec![base.to_path_buf()]).find(&name)
    } else {
        let stem = base.file_stem()?.to_string_lossy().replace('_', "-");
        (stem == name.replace('_', "-")).then(|| base.to_path_buf())
    }
}

/// Writes `results` atomically to `path`; the path, for what is said next.
pub(super) fn write_results(results: &RunResults, path: &Path) -> Result<PathBuf, CommandError> {
    crate::results::write_json_atomically(path, results)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path.to_path_buf())
}

/// Records on a side's results what the run's machine and fixtures were like, and any Ctrl-C.
pub(super) fn note_run(results: &mut RunResults, runner: &Runner, interrupted: bool) {
    results.machine_noise = runner.machine_noise();
    results.http_fixture = runner.http_fixture_times();
    results.interrupted = interrupted;
}

/// Says on stderr that Ctrl-C stopped the run, and where the finished benches' results are.
pub(super) fn say_interrupted(results: &RunResults, path: &Path) {
    eprintln!(
        "interrupted: results of the {} finished benches are in {}",
        results.benches.len(),
        crate::report::escape::terminal::path(path)
    );
}

/// The run's table on stdout, then under `--executions auto` how it went (with the base side and
/// the pairs for `ab`).
pub(super) fn print_summary(
    results: &RunResults,
    settle: Option<&crate::analysis::settle::Settle>,
    ab: Option<(&[BenchResult], &crate::analysis::compare::Pairs)>,
) {
    use std::io::IsTerminal;
    let color = crate::ui::use_color(std::io::stdout().is_terminal());
    say!("{}", crate::report::terminal::render(results, color));
    if let Some(settle) = settle {
        say!(
            "\n{}",
            super::verdicts::auto_summary(settle, &results.benches, ab)
        );
    }
}

/// Serves the final metrics again for `--metrics-linger` once the results are written (the
/// endpoint closed before they were).
pub(super) fn linger(
    served: Option<(SocketAddr, Arc<RunMetrics>)>,
    linger: Option<std::time::Duration>,
) {
    if let Some((addr, metrics)) = served {
        crate::ui::metrics::linger(addr, metrics, crate::ui::metrics::linger_for(linger));
    }
}

/// The runner of a command, saying on the terminal when a compile misses the cache unless
/// `quiet`.
pub(super) fn start_runner(
    engine: &crate::cli::EngineArgs,
    quiet: bool,
) -> Result<Runner, CommandError> {
    let mut runner = Runner::new(engine.compile_cache())?;
    if !quiet {
        runner.observe_compiles(Box::new(crate::ui::CompileNotice::new()));
    }
    Ok(runner)
}
