//! `wasmbench run`: load the suite → plan → run every bench → write results.json → print the table.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::Context;

use super::CommandError;
use super::verdicts::{Policy, baseline_path, conclude, load_baseline, save_baseline};
use crate::analysis::groups;
use crate::cli::{RunArgs, exit};
use crate::plugin::PluginLocator;
use crate::report::export::Inputs;
use crate::report::terminal;
use crate::report::write_all;
use crate::results::BenchResult;
use crate::results::Journal;
use crate::results::{Environment, RunResults, SCHEMA_VERSION, SuiteInfo, write_json_atomically};
use crate::runner::{BenchPlan, RunOptions, Runner, interrupt};
use crate::suite::{Suite, load_suite};
use crate::ui::{ProgressObserver, use_color};

pub fn run(args: &RunArgs) -> Result<u8, CommandError> {
    let suite = load_suite(&args.suite)?;
    // Check the comparison inputs before spending time on the run.
    let policy = Policy::from_args(&args.compare)?;
    let baseline = match &args.baseline {
        Some(spec) => Some(load_baseline(
            &baseline_path(spec, &args.baseline_dir),
            &suite.name,
        )?),
        None => None,
    };
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&suite.name));
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = Runner::new(args.engine.compile_cache())?;
        let plans = select(
            runner.plan(&suite, &PluginLocator::default()).await?,
            &args.filter,
        )?;
        runner.prepare_capabilities(&suite)?;

        let started_at = timestamp();
        interrupt::install()?;
        let suite_info = SuiteInfo {
            name: suite.name.clone(),
            path: suite.path.display().to_string(),
        };
        let mut journal = Journal::create(
            &out_dir.join("journal.jsonl"),
            &suite_info,
            &Environment::capture(),
            &started_at,
        )?;
        let mut observer = ProgressObserver::new(plans.len(), args.quiet);
        let units: Vec<Vec<BenchPlan>> = plans.into_iter().map(|plan| vec![plan]).collect();
        let options = RunOptions {
            executions: args.measure.executions,
            seed: 1,
        };
        let mut journal_error = None;
        let finished = runner
            .run_units(&units, &options, &mut observer, &mut |unit| {
                for result in &unit.results {
                    if let Err(e) = journal.append(result) {
                        journal_error.get_or_insert(e);
                    }
                }
            })
            .await;
        if let Some(e) = journal_error {
            return Err(e.into());
        }
        let mut benches: Vec<BenchResult> = finished.into_iter().flat_map(|u| u.results).collect();
        observer.finish();
        let interrupted = interrupt::requested();
        groups::check_checksums(&mut benches);

        let mut results = assemble(&suite, started_at, benches);
        results.interrupted = interrupted;
        let results_path = out_dir.join("results.json");
        write_json_atomically(&results_path, &results)
            .with_context(|| format!("writing {}", results_path.display()))?;

        say!(
            "{}",
            terminal::render(&results, use_color(std::io::stdout().is_terminal()))
        );
        say!("\nresults: {}", results_path.display());
        if interrupted {
            eprintln!(
                "interrupted: results of the {} finished benches are in {}",
                results.benches.len(),
                results_path.display()
            );
        }
        let mut code = if results.unmet().next().is_some() {
            exit::BENCH_FAILED
        } else {
            exit::OK
        };
        if let Some(name) = &args.save_baseline {
            let path = baseline_path(name, &args.baseline_dir);
            save_baseline(&results, &path)?;
            say!("baseline saved: {}", path.display());
        }
        if let Some(baseline) = &baseline {
            let (_, verdict_code) = conclude(baseline, &results, None, &policy, &out_dir)?;
            code = verdict_code.unwrap_or(code);
        } else {
            write_all(
                &out_dir,
                &Inputs {
                    results: &results,
                    comparison: None,
                    all: policy.all,
                },
            )?;
        }
        let report = out_dir.join(crate::report::html::FILE_NAME);
        say!("report: {}", report.display());
        Ok(if interrupted { exit::INTERRUPTED } else { code })
    })
}

/// The results of a run of `suite` that started at `started_at` and ends now.
pub(super) fn assemble(suite: &Suite, started_at: String, benches: Vec<BenchResult>) -> RunResults {
    RunResults {
        schema_version: SCHEMA_VERSION,
        suite: SuiteInfo {
            name: suite.name.clone(),
            path: suite.path.display().to_string(),
        },
        environment: Environment::capture(),
        started_at,
        finished_at: timestamp(),
        interrupted: false,
        benches,
    }
}

/// Keeps the benches whose id contains any filter (all when there are none).
pub(super) fn select(plans: Vec<BenchPlan>, filters: &[String]) -> anyhow::Result<Vec<BenchPlan>> {
    if filters.is_empty() {
        return Ok(plans);
    }
    let ids: Vec<String> = plans.iter().map(|p| p.id.clone()).collect();
    let kept: Vec<BenchPlan> = plans
        .into_iter()
        .filter(|p| filters.iter().any(|f| p.id.contains(f.as_str())))
        .collect();
    anyhow::ensure!(
        !kept.is_empty(),
        "no bench id contains {:?}; the suite's benches are: {}",
        filters,
        ids.join(", ")
    );
    Ok(kept)
}

pub(super) fn timestamp() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}
