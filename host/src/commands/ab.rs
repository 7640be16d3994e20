//! `wasmbench ab SUITE --base DIR_OR_WASM`: each bench runs in both versions — the base version of
//! each plugin and the current (head) one — in the same worker processes, iterations interleaved
//! in a seeded shuffled order; wall time is compared pair by pair, fuel and memory exactly. The
//! run loop, journal and interrupt handling are `run`'s.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::CommandError;
use super::loads::{Versions, filtered, load_id, run_loads, runnable_loads, scenario_rounds};
use super::measure::{Shown, assemble, base_wasm, measure, plan};
use super::verdicts::{Policy, conclude, exit_code};
use crate::analysis::compare::Pairs;
use crate::analysis::groups;
use crate::cli::{AbArgs, Executions};
use crate::report::escape::terminal::path as shown;
use crate::report::terminal;
use crate::results::write_json_atomically;
use crate::runner::{BenchPlan, RunOptions, Runner};
use crate::suite::load_suite;
use crate::ui::{metrics, use_color};

pub fn run(args: &AbArgs) -> Result<u8, CommandError> {
    let suite = load_suite(&args.suite)?;
    let policy = Policy::from_args(&args.compare)?;
    if !args.base.exists() {
        return Err(anyhow::anyhow!(
            "--base {}: no such folder or .wasm file",
            args.base.display()
        )
        .into());
    }
    let out_dir = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(format!("{}-ab", suite.name)));
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = Runner::new(args.engine.compile_cache())?;
        if !args.quiet {
            runner.observe_compiles(Box::new(crate::ui::CompileNotice::new()));
        }
        let candidates = runnable_loads(&suite, args.shard);
        let load_ids: Vec<String> = candidates.iter().map(|def| load_id(def)).collect();
        let selection = plan(&mut runner, &suite, &args.filter, args.shard, &load_ids).await?;
        let loads = filtered(candidates, &args.filter);
        let (plans, shard) = (selection.plans, selection.shard);
        // Base and head of a bench run as one unit; a bench with no base version runs alone and
        // is reported as new.
        let units: Vec<Vec<BenchPlan>> = plans
            .iter()
            .map(|head| match base_plan(head, &args.base) {
                Some(base) => vec![base, head.clone()],
                None => vec![head.clone()],
            })
            .collect();
        let settle = super::verdicts::settle(&args.measure, &units, None, &policy);
        let options = RunOptions {
            executions: args.measure.executions.and_then(Executions::count),
            seed: args.seed,
            settle: settle.as_ref(),
        };
        let mut measured = measure(
            &mut runner,
            &suite,
            &units,
            &options,
            shard,
            &Shown {
                out_dir: &out_dir,
                quiet: args.quiet,
                metrics_addr: args.measure.metrics_addr,
            },
        )
        .await?;
        let (mut interrupted, started_at) = (measured.interrupted, measured.started_at);
        // Scenarios after the benches, as in `run`; three rounds a side unless told, so each
        // metric has the spread of its pairs to be judged by.
        let load_runs = if interrupted {
            None
        } else {
            let live = measured.live.as_ref().map(|live| &live.metrics);
            let thresholds = policy.thresholds.unwrap_or_default();
            let rounds = scenario_rounds(args.measure.executions, AB_ROUNDS, Some(&thresholds));
            let versions = Versions::AgainstBase(&args.base);
            let progress = &mut measured.progress;
            let runs = run_loads(&mut runner, &loads, versions, rounds, progress, live).await;
            interrupted = crate::runner::interrupt::requested();
            Some(runs)
        };
        // As in `run`: the endpoint closes before results are written, so nothing a scraper holds
        // (connections, file descriptors) can keep them from being written; it serves the final
        // values again once they are (`--metrics-linger`).
        let served = measured.live.map(|live| live.close());
        let (mut base_benches, mut head_benches, mut pairs) =
            (Vec::new(), Vec::new(), Pairs::new());
        for mut unit in measured.units {
            let head = unit.results.pop().expect("a unit has a head side");
            if let Some(base) = unit.results.pop() {
                pairs.insert(head.id.clone(), unit.pairs);
                base_benches.push(base);
            }
            head_benches.push(head);
        }
        groups::check_checksums(&mut base_benches);
        groups::check_checksums(&mut head_benches);
        let mut base = assemble(&suite, started_at.clone(), base_benches, shard);
        let mut head = assemble(&suite, started_at, head_benches, shard);
        // One machine for both sides: the same noise.
        base.machine_noise = runner.machine_noise();
        head.machine_noise = runner.machine_noise();
        base.http_fixture = runner.http_fixture_times();
        head.http_fixture = runner.http_fixture_times();
        base.interrupted = interrupted;
        head.interrupted = interrupted;
        if let Some(runs) = load_runs {
            (base.loads, head.loads) = (runs.base, runs.head);
        }
        for (results, path) in [
            (&base, out_dir.join("base").join("results.json")),
            (&head, out_dir.join("results.json")),
        ] {
            write_json_atomically(&path, results)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        say!(
            "{}",
            terminal::render(&head, use_color(std::io::stdout().is_terminal()))
        );
        if let Some(settle) = &settle {
            say!(
                "\n{}",
                super::verdicts::auto_summary(settle, &head.benches, Some((&base.benches, &pairs)))
            );
        }
        say!(
            "\nresults: {} (base: {})",
            shown(&out_dir.join("results.json")),
            shown(&out_dir.join("base/results.json"))
        );
        let (_, verdicts) = conclude(&base, &head, Some(&pairs), &policy, &out_dir)?;
        if let Some((addr, metrics)) = served {
            metrics::linger(
                addr,
                metrics,
                metrics::linger_for(args.measure.metrics_linger),
            );
        }
        if interrupted {
            eprintln!(
                "interrupted: results of the {} finished benches are in {}",
                head.benches.len(),
                shown(&out_dir.join("results.json"))
            );
        }
        Ok(exit_code(Some(&head), verdicts, interrupted))
    })
}

/// Rounds of each load scenario a side unless `--executions` says.
const AB_ROUNDS: u32 = 3;

/// The same bench on the base version of its plugin, if `base` has one.
fn base_plan(head: &BenchPlan, base: &Path) -> Option<BenchPlan> {
    let mut plan = head.clone();
    plan.wasm_path = base_wasm(&head.def.plugin, base)?;
    Some(plan)
}
