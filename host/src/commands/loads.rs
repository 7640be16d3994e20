//! What `run` and `ab` do with a suite's load scenarios: choose them, run each in rounds (in `ab`,
//! the base and head versions alternating round by round), with progress and live metrics.

use std::path::Path;
use std::sync::Arc;

use super::measure::base_wasm;
use crate::analysis::compare::load::metric_change;
use crate::analysis::compare::{Rounds, Verdict};
use crate::cli::Executions;
use crate::model::{Metric, Thresholds};
use crate::plugin::PluginLocator;
use crate::report::openmetrics::RunMetrics;
use crate::results::{LoadResult, LoadRound};
use crate::runner::load::Scenario;
use crate::runner::{Observer, RoundStart, Runner, Shard};
use crate::suite::{LoadDef, Suite};
use crate::ui::ProgressObserver;
use crate::ui::metrics::MeteredObserver;

/// Rounds of a scenario under `--executions auto` without a base to settle against: enough for
/// an interval.
pub(super) const AUTO_ROUNDS: u32 = 5;

/// Most rounds a side `ab --executions auto` runs while a verdict is still open.
pub(super) const MAX_AUTO_ROUNDS: u32 = 12;

/// How many rounds each scenario runs.
#[derive(Clone, Copy)]
pub(super) enum RoundPlan<'a> {
    Fixed(u32),
    /// `ab --executions auto`: at least `min` rounds a side, then more until no metric's verdict
    /// is inconclusive with `thresholds`, up to [`MAX_AUTO_ROUNDS`].
    UntilSettled {
        min: u32,
        thresholds: &'a Thresholds,
    },
}

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

impl RoundPlan<'_> {
    fn most(self) -> usize {
        match self {
            RoundPlan::Fixed(n) => n.max(1) as usize,
            RoundPlan::UntilSettled { min, .. } => min.max(MAX_AUTO_ROUNDS) as usize,
        }
    }

    /// Whether the rounds run so far answer every metric (always, for a fixed count).
    fn settled(self, sides: &[(&str, Scenario)]) -> bool {
        let RoundPlan::UntilSettled { min, thresholds } = self else {
            return false;
        };
        let [(_, base), (_, head)] = sides else {
            return sides.iter().all(|(_, s)| s.rounds() >= min as usize);
        };
        if base.rounds().min(head.rounds()) < min as usize {
            return false;
        }
        if !base.runnable() || !head.runnable() {
            return true;
        }
        let (base, head) = (base.round_summaries(), head.round_summaries());
        Metric::load().all(|metric| {
            let values = |rounds: &[LoadRound]| -> Vec<f64> {
                rounds.iter().filter_map(|r| r.get(metric)).collect()
            };
            let change = metric_change(
                metric,
                &values(&base),
                &values(&head),
                thresholds.get(metric),
                Rounds::Paired,
            );
            change.verdict != Verdict::Inconclusive
        })
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

/// Which versions of the plugins the scenarios run.
#[derive(Clone, Copy)]
pub(super) enum Versions<'a> {
    /// The suite's plugins.
    Current,
    /// The suite's (head) and, for each plugin the folder or file has, its base version (`ab`).
    AgainstBase(&'a Path),
}

/// The scenarios' results: `head` in the suite's order; `base` for those with a base version.
pub(super) struct LoadRuns {
    pub head: Vec<LoadResult>,
    pub base: Vec<LoadResult>,
}

/// Runs the scenarios one after another, after the benches, each for `rounds` rounds; against a
/// base, the two versions' rounds alternate (base first in odd rounds, head first in even ones),
/// so a drift of the machine falls on both alike and round i of each can be paired. With `live`
/// metrics (`--metrics-addr`), progress and results are served too.
pub(super) async fn run_loads(
    runner: &mut Runner,
    loads: &[LoadDef],
    versions: Versions<'_>,
    rounds: RoundPlan<'_>,
    progress: &mut ProgressObserver,
    live: Option<&Arc<RunMetrics>>,
) -> LoadRuns {
    let locator = match runner.plugin_locator() {
        Ok(locator) => locator,
        Err(e) => {
            // Without a locator only `wasm =` paths resolve; each scenario says what it misses.
            eprintln!("warning: {e:#}");
            PluginLocator::new(Vec::new())
        }
    };
    let mut metered;
    let view: &mut dyn Observer = match live {
        Some(metrics) => {
            metered = MeteredObserver::following(progress, metrics.clone());
            &mut metered
        }
        None => progress,
    };
    let sides = if matches!(versions, Versions::AgainstBase(_)) {
        2
    } else {
        1
    };
    let mut steps = Steps {
        done: 0,
        total: loads.len() * rounds.most() * sides,
    };
    let mut runs = LoadRuns {
        head: Vec::with_capacity(loads.len()),
        base: Vec::new(),
    };
    for def in loads {
        if crate::runner::interrupt::requested() {
            break;
        }
        let mut sides = prepare_sides(runner, def, &locator, versions).await;
        run_rounds(runner, def, &mut sides, rounds, &mut steps, view);
        for (side, scenario) in sides {
            let result = scenario.finish();
            view.scenario_finished(&result);
            if side == "base" {
                runs.base.push(result);
            } else {
                runs.head.push(result);
            }
        }
    }
    runs
}

/// The scenario ready for its rounds: its base version first when there is one (`base`), then
/// the suite's (`head`, or unnamed when it runs alone).
async fn prepare_sides<'a>(
    runner: &mut Runner,
    def: &'a LoadDef,
    locator: &PluginLocator,
    versions: Versions<'_>,
) -> Vec<(&'static str, Scenario<'a>)> {
    let base_path = match versions {
        Versions::Current => None,
        Versions::AgainstBase(base) => base_wasm(&def.plugin, base),
    };
    let mut sides = Vec::with_capacity(2);
    if let Some(path) = base_path {
        let base = Scenario::prepare(runner, def, locator, Some(path)).await;
        sides.push(("base", base));
    }
    let head = Scenario::prepare(runner, def, locator, None).await;
    let head_side = if sides.is_empty() { "" } else { "head" };
    sides.push((head_side, head));
    sides
}

/// Runs the scenario's rounds, its sides alternating (base first in rounds 1, 3, …; head first in
/// 2, 4, …), until the plan has them all or, under `auto`, the verdicts are known.
fn run_rounds(
    runner: &Runner,
    def: &LoadDef,
    sides: &mut [(&str, Scenario)],
    plan: RoundPlan<'_>,
    steps: &mut Steps,
    view: &mut dyn Observer,
) {
    let rounds = plan.most();
    for round in 0..rounds {
        if round % 2 == 1 {
            sides.reverse();
        }
        for (side, scenario) in sides.iter_mut() {
            if !scenario.runnable() || crate::runner::interrupt::requested() {
                continue;
            }
            view.round_started(&RoundStart {
                index: steps.done,
                total: steps.total,
                id: scenario.id(),
                side: (!side.is_empty()).then_some(*side),
                round: round + 1,
                rounds,
                phases: &def.phases,
            });
            steps.done += 1;
            scenario.run_round(runner, view);
        }
        if round % 2 == 1 {
            sides.reverse();
        }
        if plan.settled(sides) {
            break;
        }
    }
}

/// Progress over every round of every scenario (and side).
struct Steps {
    done: usize,
    total: usize,
}
