//! `wasmbench run`: load the suite → plan → run every bench → write results.json → print the table.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::SystemTime;

use anyhow::Context;

use super::CommandError;
use crate::analysis::groups;
use crate::cli::{RunArgs, exit};
use crate::plugin::PluginLocator;
use crate::report::terminal;
use crate::results::{Environment, RunResults, SCHEMA_VERSION, SuiteInfo, write_json_atomically};
use crate::runner::{BenchPlan, Observer, Runner};
use crate::suite::load_suite;
use crate::ui::{ProgressObserver, use_color};

pub fn run(args: &RunArgs) -> Result<u8, CommandError> {
    let suite = load_suite(&args.suite)?;
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
        let mut observer = ProgressObserver::new(plans.len(), args.quiet);
        let mut benches = Vec::with_capacity(plans.len());
        for (index, plan) in plans.iter().enumerate() {
            observer.bench_started(index, plans.len(), plan);
            let result = runner.run_bench(plan, &mut observer).await;
            observer.bench_finished(&result);
            benches.push(result);
        }
        observer.finish();
        groups::check_checksums(&mut benches);

        let results = RunResults {
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
        };
        let results_path = out_dir.join("results.json");
        write_json_atomically(&results_path, &results)
            .with_context(|| format!("writing {}", results_path.display()))?;

        println!(
            "{}",
            terminal::render(&results, use_color(std::io::stdout().is_terminal()))
        );
        println!("\nresults: {}", results_path.display());
        Ok(if results.unmet().next().is_some() {
            exit::BENCH_FAILED
        } else {
            exit::OK
        })
    })
}

/// Keeps the benches whose id contains any filter (all when there are none).
fn select(plans: Vec<BenchPlan>, filters: &[String]) -> anyhow::Result<Vec<BenchPlan>> {
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

fn timestamp() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}
