//! `wasmbench run`: load the suite → plan → run every bench → write results.json → print the table.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;

use super::CommandError;
use super::loads::{Versions, filtered, load_id, run_loads, runnable_loads, scenario_rounds};
use super::measure::{Shown, assemble, measure, plan};
use super::verdicts::{Policy, baseline_path, conclude, exit_code, load_baseline, save_baseline};
use crate::analysis::groups;
use crate::cli::{Executions, RunArgs};
use crate::report::escape::terminal::path as shown;
use crate::report::export::Inputs;
use crate::report::terminal;
use crate::report::write_all;
use crate::results::BenchResult;
use crate::results::write_json_atomically;
use crate::runner::{BenchPlan, RunOptions, Runner};
use crate::suite::load_suite;
use crate::ui::metrics;
use crate::ui::use_color;

/// Where `--plugin-output` keeps the plugins' output, next to results.json.
pub const PLUGIN_OUTPUT_DIR: &str = "plugin-output";

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
        if !args.quiet {
            runner.observe_compiles(Box::new(crate::ui::CompileNotice::new()));
        }
        if args.plugin_output {
            runner.keep_plugin_output(out_dir.join(PLUGIN_OUTPUT_DIR));
        }
        let candidates = runnable_loads(&suite, args.shard);
        let load_ids: Vec<String> = candidates.iter().map(|def| load_id(def)).collect();
        let selection = plan(&mut runner, &suite, &args.filter, args.shard, &load_ids).await?;
        let loads = filtered(candidates, &args.filter);
        let profiled = args.profile.then(|| selection.plans.clone());
        let units: Vec<Vec<BenchPlan>> =
            selection.plans.into_iter().map(|plan| vec![plan]).collect();
        let settle = super::verdicts::settle(&args.measure, &units, baseline.as_ref(), &policy);
        let options = RunOptions {
            executions: args.measure.executions.and_then(Executions::count),
            seed: 1,
            settle: settle.as_ref(),
        };
        let mut measured = measure(
            &mut runner,
            &suite,
            &units,
            &options,
            selection.shard,
            &Shown {
                out_dir: &out_dir,
                quiet: args.quiet,
                metrics_addr: args.measure.metrics_addr,
            },
        )
        .await?;
        let mut interrupted = measured.interrupted;
        let mut benches: Vec<BenchResult> =
            measured.units.into_iter().flat_map(|u| u.results).collect();
        groups::check_checksums(&mut benches);
        let load_results = if interrupted {
            Vec::new()
        } else {
            let live = measured.live.as_ref().map(|live| &live.metrics);
            let rounds = scenario_rounds(args.measure.executions, 1, None);
            let progress = &mut measured.progress;
            let runs = run_loads(
                &mut runner,
                &loads,
                Versions::Current,
                rounds,
                progress,
                live,
            );
            let results = runs.await.head;
            interrupted = crate::runner::interrupt::requested();
            results
        };
        // The endpoint closes before results are written: nothing a scraper holds (connections,
        // file descriptors) can keep the results from being written. It serves the final values
        // again once they are (`--metrics-linger`).
        let served = measured.live.map(|live| live.close());

        let mut results = assemble(&suite, measured.started_at, benches, selection.shard);
        results.machine_noise = runner.machine_noise();
        results.http_fixture = runner.http_fixture_times();
        results.loads = load_results;
        results.interrupted = interrupted;
        let results_path = out_dir.join("results.json");
        write_json_atomically(&results_path, &results)
            .with_context(|| format!("writing {}", results_path.display()))?;
        if let Some(plans) = profiled.as_deref().filter(|_| !interrupted) {
            // After the timed passes, never during them: the report embeds the flamegraphs.
            let dir = out_dir.join(crate::report::flamegraph::PROFILES_DIR);
            let options = args.sampling.options();
            super::profile::profile_all(&mut runner, plans, &options, &dir, None).await?;
        }

        say!(
            "{}",
            terminal::render(&results, use_color(std::io::stdout().is_terminal()))
        );
        if let Some(settle) = &settle {
            say!(
                "\n{}",
                super::verdicts::auto_summary(settle, &results.benches, None)
            );
        }
        say!("\nresults: {}", shown(&results_path));
        if interrupted {
            eprintln!(
                "interrupted: results of the {} finished benches are in {}",
                results.benches.len(),
                shown(&results_path)
            );
        }
        let mut verdicts = None;
        if let Some(name) = &args.save_baseline {
            let path = baseline_path(name, &args.baseline_dir);
            save_baseline(&results, &path)?;
            say!("baseline saved: {}", shown(&path));
        }
        if let Some(baseline) = &baseline {
            verdicts = conclude(baseline, &results, None, &policy, &out_dir)?.1;
        } else {
            write_all(
                &out_dir,
                &Inputs {
                    results: &results,
                    comparison: None,
                    all: policy.all,
                    dir: None,
                },
            )?;
        }
        let report = out_dir.join(crate::report::html::FILE_NAME);
        say!("report: {}", shown(&report));
        if let Some((addr, metrics)) = served {
            metrics::linger(
                addr,
                metrics,
                metrics::linger_for(args.measure.metrics_linger),
            );
        }
        Ok(exit_code(Some(&results), verdicts, interrupted))
    })
}
