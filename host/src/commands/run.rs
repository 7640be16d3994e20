//! `wasmbench run`: load the suite → plan → run every bench and load scenario → write results.json
//! → print the table.

use std::path::{Path, PathBuf};

use super::CommandError;
use super::loads::{plan_all, scenario_rounds, scenario_work};
use super::measure::{
    Measured, Shown, assemble, linger, measure, note_run, print_summary, say_interrupted,
    start_runner, write_results,
};
use super::verdicts::{Policy, baseline_path, conclude, exit_code, load_baseline, save_baseline};
use crate::analysis::groups;
use crate::cli::{Executions, RunArgs};
use crate::report::escape::terminal::path as shown;
use crate::report::export::Inputs;
use crate::report::write_all;
use crate::results::{BenchResult, RunResults};
use crate::runner::{BenchPlan, RunOptions, Runner, Work};
use crate::suite::load_suite;

/// Where `--plugin-output` keeps the plugins' output, next to results.json.
pub const PLUGIN_OUTPUT_DIR: &str = "plugin-output";

pub fn run(args: &RunArgs) -> Result<u8, CommandError> {
    let suite = load_suite(&args.suite)?;
    // Check the comparison inputs before spending time on the run.
    let policy = Policy::from_args(&args.compare)?;
    let baseline = (args.baseline.as_ref())
        .map(|spec| load_baseline(&baseline_path(spec, &args.baseline_dir), &suite.name))
        .transpose()?;
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&suite.name));
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = start_runner(&args.engine, args.quiet)?;
        if args.plugin_output {
            runner.keep_plugin_output(out_dir.join(PLUGIN_OUTPUT_DIR));
        }
        let (selection, loads) = plan_all(&mut runner, &suite, &args.filter, args.shard).await?;
        let profiled = args.profile.then(|| selection.plans.clone());
        let mut work: Vec<Work> = (selection.plans.into_iter())
            .map(|plan| Work::Bench(vec![plan]))
            .collect();
        work.extend(scenario_work(loads, None));
        let settle = super::verdicts::settle(&args.measure, &work, baseline.as_ref(), &policy);
        let options = RunOptions {
            executions: args.measure.executions.and_then(Executions::count),
            seed: 1,
            settle: settle.as_ref(),
            // One round each unless `--executions` says.
            scenario_rounds: scenario_rounds(args.measure.executions, 1, None),
        };
        let shown_as = Shown {
            out_dir: &out_dir,
            quiet: args.quiet,
            metrics_addr: args.measure.metrics_addr,
        };
        let mut measured = measure(
            &mut runner,
            &suite,
            &work,
            &options,
            selection.shard,
            &shown_as,
        )
        .await?;
        let benches = bench_results(&mut measured);
        let load_results = std::mem::take(&mut measured.scenarios)
            .into_iter()
            .map(|s| s.head)
            .collect();
        let interrupted = crate::runner::interrupt::requested();
        // The endpoint closes before results are written: nothing a scraper holds (connections,
        // file descriptors) can keep the results from being written. It serves the final values
        // again once they are (`--metrics-linger`).
        let served = measured.live.take().map(|live| live.close());
        let mut results = assemble(&suite, measured.started_at, benches, selection.shard);
        note_run(&mut results, &runner, interrupted);
        results.loads = load_results;
        let results_path = write_results(&results, &out_dir.join("results.json"))?;
        if let Some(plans) = profiled.as_deref().filter(|_| !interrupted) {
            profile(&mut runner, plans, args, &out_dir).await?;
        }
        print_summary(&results, settle.as_ref(), None);
        say!("\nresults: {}", shown(&results_path));
        if interrupted {
            say_interrupted(&results, &results_path);
        }
        let verdicts = report(args, &policy, baseline.as_ref(), &results, &out_dir)?;
        linger(served, args.measure.metrics_linger);
        Ok(exit_code(Some(&results), verdicts, interrupted))
    })
}

/// The benches' results (one a unit), checksums checked within their groups.
fn bench_results(measured: &mut Measured) -> Vec<BenchResult> {
    let mut benches: Vec<BenchResult> = std::mem::take(&mut measured.benches)
        .into_iter()
        .flat_map(|u| u.results)
        .collect();
    groups::check_checksums(&mut benches);
    benches
}

/// `--profile`: flamegraphs of the benches into the output folder, after the timed passes.
async fn profile(
    runner: &mut Runner,
    plans: &[BenchPlan],
    args: &RunArgs,
    out_dir: &Path,
) -> Result<(), CommandError> {
    // After the timed passes, never during them: the report embeds the flamegraphs.
    let dir = out_dir.join(crate::report::flamegraph::PROFILES_DIR);
    let options = args.sampling.options();
    super::profile::profile_all(runner, plans, &options, &dir, None).await?;
    Ok(())
}

/// Saves the baseline when asked; compares with the baseline (its verdicts' exit code) or writes
/// the run's reports alone.
fn report(
    args: &RunArgs,
    policy: &Policy,
    baseline: Option<&RunResults>,
    results: &RunResults,
    out_dir: &Path,
) -> Result<Option<u8>, CommandError> {
    if let Some(name) = &args.save_baseline {
        let path = baseline_path(name, &args.baseline_dir);
        save_baseline(results, &path)?;
        say!("baseline saved: {}", shown(&path));
    }
    let verdicts = match baseline {
        Some(baseline) => conclude(baseline, results, None, policy, out_dir)?.1,
        None => {
            let inputs = Inputs {
                results,
                comparison: None,
                all: policy.all,
                dir: None,
            };
            write_all(out_dir, &inputs)?;
            None
        }
    };
    let report = out_dir.join(crate::report::html::FILE_NAME);
    say!("report: {}", shown(&report));
    Ok(verdicts)
}
