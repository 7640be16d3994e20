//! What `run` and `ab` choose of a suite's load scenarios, and how many rounds each runs; the
//! run loop (`runner::Runner::run_units`) runs them with the benches.

use std::path::Path;

use super::measure::base_wasm;
use crate::cli::Executions;
use crate::model::Thresholds;
use crate::runner::load::RoundPlan;
use crate::runner::{Runner, Shard, Work};
use crate::suite::{LoadDef, Suite};

/// Rounds of a scenario under `--executions auto` without a base to settle against: enough for
/// an interval.
pub(super) const AUTO_ROUNDS: u32 = 5;

/// `--executions N` rounds, else `default`; `auto`: [`AUTO_ROUNDS`], or in an A/B run (`settle`
/// with the thresholds) until the verdicts are known.
pub(super) fn scenario_rounds<'a>(
    executions: Option<Executions>,
    default: u32,
    settle: Option<&'a Thresholds>,
) -> RoundPlan<'a> {
    match (executions, settle) {
        (Some(Executions::Count(n)), _) => RoundPlan::Fixed(n),
        (Some(Executions::Auto), Some(thresholds)) => RoundPlan::UntilSettled {
            min: default,
            thresholds,
        },
        (Some(Executions::Auto), None) => RoundPlan::Fixed(AUTO_ROUNDS),
        (None, _) => RoundPlan::Fixed(default),
    }
}

/// The suite's load scenarios a command may run (before `--filter`): none in a sharded run but its
/// first shard, so a sharded suite runs each scenario once.
pub(super) fn runnable_loads(suite: &Suite, shard: Option<Shard>) -> Vec<&LoadDef> {
    if shard.is_some_and(|s| s.index != 1) {
        if !suite.loads.is_empty() {
            eprintln!("note: load scenarios run in shard 1 only");
        }
        return Vec::new();
    }
    suite.loads.iter().collect()
}

/// The scenarios of `candidates` whose id contains one of `filters` (all when there are none).
pub(super) fn filtered(candidates: Vec<&LoadDef>, filters: &[String]) -> Vec<LoadDef> {
    candidates
        .into_iter()
        .filter(|def| {
            let id = load_id(def);
            filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str()))
        })
        .cloned()
        .collect()
}

/// The benches and the load scenarios a command runs: the benches planned (see
/// [`super::measure::plan`]), the scenarios chosen by the same filters and shard.
pub(super) async fn plan_all(
    runner: &mut Runner,
    suite: &Suite,
    filters: &[String],
    shard: Option<Shard>,
) -> Result<(super::measure::Selection, Vec<LoadDef>), super::CommandError> {
    let candidates = runnable_loads(suite, shard);
    let load_ids: Vec<String> = candidates.iter().map(|def| load_id(def)).collect();
    let selection = super::measure::plan(runner, suite, filters, shard, &load_ids).await?;
    Ok((selection, filtered(candidates, filters)))
}

pub(super) fn load_id(def: &LoadDef) -> String {
    def.id
        .clone()
        .unwrap_or_else(|| format!("{}/{}", def.plugin.display_name(), def.workload))
}

/// The scenarios as units of work; against `base` (`ab`), each with its plugin's base version
/// when the folder or file has one.
pub(super) fn scenario_work(loads: Vec<LoadDef>, base: Option<&Path>) -> Vec<Work> {
    loads
        .into_iter()
        .map(|def| Work::Scenario {
            base: base.and_then(|base| base_wasm(&def.plugin, base)),
            def: Box::new(def),
        })
        .collect()
}
