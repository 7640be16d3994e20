//! `wasmbench ab SUITE --base DIR_OR_WASM`: each bench runs in both versions — the base version of
//! each plugin and the current (head) one — in the same worker processes, iterations interleaved
//! in a seeded shuffled order; wall time is compared pair by pair, fuel and memory exactly. The
//! run loop, journal and interrupt handling are `run`'s.

use std::path::{Path, PathBuf};

use super::CommandError;
use super::loads::{plan_all, scenario_rounds, scenario_work};
use super::measure::{
    Measured, Shown, assemble, base_wasm, linger, measure, note_run, print_summary,
    say_interrupted, start_runner, write_results,
};
use super::verdicts::{Policy, conclude, exit_code};
use crate::analysis::compare::Pairs;
use crate::analysis::groups;
use crate::cli::{AbArgs, Executions};
use crate::report::escape::terminal::path as shown;
use crate::results::{RunResults, ShardInfo};
use crate::runner::{BenchPlan, RunOptions, Work};
use crate::suite::load_suite;

pub fn run(args: &AbArgs) -> Result<u8, CommandError> {
    let suite = load_suite(&args.suite)?;
    let policy = Policy::from_args(&args.compare)?;
    if !args.base.exists() {
        let base = args.base.display();
        return Err(anyhow::anyhow!("--base {base}: no such folder or .wasm file").into());
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-ab", suite.name)));
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = start_runner(&args.engine, args.quiet)?;
        let (selection, loads) = plan_all(&mut runner, &suite, &args.filter, args.shard).await?;
        let (plans, shard) = (selection.plans, selection.shard);
        let mut work = ab_units(&plans, &args.base);
        work.extend(scenario_work(loads, Some(&args.base)));
        let settle = super::verdicts::settle(&args.measure, &work, None, &policy);
        let thresholds = policy.thresholds.unwrap_or_default();
        let options = RunOptions {
            executions: args.measure.executions.and_then(Executions::count),
            seed: args.seed,
            settle: settle.as_ref(),
            // Three rounds a side unless told, so each metric has the spread of its pairs to be
            // judged by.
            scenario_rounds: scenario_rounds(args.measure.executions, AB_ROUNDS, Some(&thresholds)),
        };
        let shown_as = Shown {
            out_dir: &out_dir,
            quiet: args.quiet,
            metrics_addr: args.measure.metrics_addr,
        };
        let mut measured = measure(&mut runner, &suite, &work, &options, shard, &shown_as).await?;
        let interrupted = crate::runner::interrupt::requested();
        // As in `run`: the endpoint closes before results are written, so nothing a scraper holds
        // (connections, file descriptors) can keep them from being written; it serves the final
        // values again once they are (`--metrics-linger`).
        let served = measured.live.take().map(|live| live.close());
        let (mut base, mut head, pairs) = sides(&suite, measured, shard);
        // One machine for both sides: the same noise.
        for side in [&mut base, &mut head] {
            note_run(side, &runner, interrupted);
        }
        write_results(&base, &out_dir.join("base").join("results.json"))?;
        let results_path = write_results(&head, &out_dir.join("results.json"))?;
        print_summary(&head, settle.as_ref(), Some((&base.benches, &pairs)));
        say!(
            "\nresults: {} (base: {})",
            shown(&results_path),
            shown(&out_dir.join("base/results.json"))
        );
        let (_, verdicts) = conclude(&base, &head, Some(&pairs), &policy, &out_dir)?;
        linger(served, args.measure.metrics_linger);
        if interrupted {
            say_interrupted(&head, &results_path);
        }
        Ok(exit_code(Some(&head), verdicts, interrupted))
    })
}

/// The two sides' results from the measured units (an A/B pair gives its base side and its wall
/// pairs; a bench or scenario with no base version is in the head side alone), checksums checked
/// per side.
fn sides(
    suite: &crate::suite::Suite,
    measured: Measured,
    shard: Option<ShardInfo>,
) -> (RunResults, RunResults, Pairs) {
    let (mut base_benches, mut head_benches, mut pairs) = (Vec::new(), Vec::new(), Pairs::new());
    for mut unit in measured.benches {
        let head_side = unit.results.pop().expect("a unit has a head side");
        if let Some(base) = unit.results.pop() {
            pairs.insert(head_side.head.id.clone(), unit.pairs);
            base_benches.push(base);
        }
        head_benches.push(head_side);
    }
    groups::check_checksums(&mut base_benches);
    groups::check_checksums(&mut head_benches);
    let mut base = assemble(suite, measured.started_at.clone(), base_benches, shard);
    let mut head = assemble(suite, measured.started_at, head_benches, shard);
    for scenario in measured.scenarios {
        base.loads.extend(scenario.base);
        head.loads.push(scenario.head);
    }
    (base, head, pairs)
}

/// Rounds of each load scenario a side unless `--executions` says.
const AB_ROUNDS: u32 = 3;

/// Base and head of a bench run as one unit; a bench with no base version runs alone and is
/// reported as new.
fn ab_units(plans: &[BenchPlan], base: &Path) -> Vec<Work> {
    plans
        .iter()
        .map(|head| match base_plan(head, base) {
            Some(base) => Work::Bench(vec![base, head.clone()]),
            None => Work::Bench(vec![head.clone()]),
        })
        .collect()
}

/// The same bench on the base version of its plugin, if `base` has one.
fn base_plan(head: &BenchPlan, base: &Path) -> Option<BenchPlan> {
    let mut plan = head.clone();
    plan.wasm_path = base_wasm(&head.def.plugin, base)?;
    Some(plan)
}
