//! A load scenario as a unit of a run: its versions (the suite's, and in `ab` the base's), their
//! rounds alternating, and how many rounds it runs: a fixed count, or in `ab --executions auto`
//! until every load metric's verdict is known.

use std::path::PathBuf;

use super::Scenario;
use crate::analysis::compare::load::metric_change;
use crate::analysis::compare::{Rounds, Verdict};
use crate::model::{Metric, Thresholds};
use crate::plugin::PluginLocator;
use crate::results::{LoadResult, LoadRound};
use crate::runner::{Observer, RoundStart, Runner};
use crate::suite::LoadDef;

/// Most rounds a side `ab --executions auto` runs while a verdict is still open.
pub const MAX_AUTO_ROUNDS: u32 = 12;

/// How many rounds each scenario runs.
#[derive(Debug, Clone, Copy)]
pub enum RoundPlan<'a> {
    Fixed(u32),
    /// `ab --executions auto`: at least `min` rounds a side, then more until no metric's verdict
    /// is inconclusive with `thresholds`, up to [`MAX_AUTO_ROUNDS`].
    UntilSettled {
        min: u32,
        thresholds: &'a Thresholds,
    },
}

impl Default for RoundPlan<'_> {
    fn default() -> Self {
        RoundPlan::Fixed(1)
    }
}

impl RoundPlan<'_> {
    /// The most rounds a side may run.
    pub fn most(self) -> usize {
        match self {
            RoundPlan::Fixed(n) => n.max(1) as usize,
            RoundPlan::UntilSettled { min, .. } => min.max(MAX_AUTO_ROUNDS) as usize,
        }
    }

    /// Whether the rounds run so far answer every metric (never, for a fixed count: it runs them
    /// all).
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

/// Rounds started so far across a run's scenarios (and sides), and the most there can be: what
/// progress shows as `load 3/12`.
#[derive(Debug, Default)]
pub struct RoundSteps {
    pub done: usize,
    pub total: usize,
}

/// A finished scenario: the suite's version's result, and in `ab` the base version's.
#[derive(Debug)]
pub struct ScenarioResult {
    pub base: Option<LoadResult>,
    pub head: LoadResult,
}

/// A scenario while a run goes: its sides (base first when there is one), prepared once, then
/// round after round.
pub struct ScenarioUnit<'a> {
    def: &'a LoadDef,
    /// The base version's wasm (`ab`), when it has one.
    base: Option<PathBuf>,
    plan: RoundPlan<'a>,
    sides: Vec<(&'static str, Scenario<'a>)>,
}

impl<'a> ScenarioUnit<'a> {
    pub fn new(def: &'a LoadDef, base: Option<PathBuf>, plan: RoundPlan<'a>) -> Self {
        ScenarioUnit {
            def,
            base,
            plan,
            sides: Vec::new(),
        }
    }

    /// Versions the scenario runs in: 2 against a base, else 1.
    pub fn side_count(&self) -> usize {
        1 + usize::from(self.base.is_some())
    }

    /// The most rounds it may run, all sides together.
    pub fn most_rounds(&self) -> usize {
        self.plan.most() * self.side_count()
    }

    /// Finds, checks and fuel-measures each version: the base's first (`base`), then the suite's
    /// (`head`, or unnamed when it runs alone).
    pub async fn prepare(&mut self, runner: &mut Runner, locator: &PluginLocator) {
        if let Some(path) = self.base.clone() {
            let base = Scenario::prepare(runner, self.def, locator, Some(path)).await;
            self.sides.push(("base", base));
        }
        let head = Scenario::prepare(runner, self.def, locator, None).await;
        let name = if self.sides.is_empty() { "" } else { "head" };
        self.sides.push((name, head));
    }

    /// Runs round `round` (0-based) of each side that can still run: base first in rounds 1, 3, …
    /// (1-based), head first in 2, 4, …, so a drift of the machine falls on both alike and round
    /// i of each can be paired.
    pub fn run_round(
        &mut self,
        runner: &Runner,
        round: usize,
        steps: &mut RoundSteps,
        observer: &mut dyn Observer,
    ) {
        let rounds = self.plan.most();
        let mut order: Vec<usize> = (0..self.sides.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (side, scenario) = &mut self.sides[i];
            if !scenario.runnable() || crate::runner::interrupt::requested() {
                continue;
            }
            observer.round_started(&RoundStart {
                index: steps.done,
                total: steps.total,
                id: scenario.id(),
                side: (!side.is_empty()).then_some(*side),
                round: round + 1,
                rounds,
                phases: &self.def.phases,
            });
            steps.done += 1;
            scenario.run_round(runner, observer);
        }
    }

    /// Whether the scenario is done once round `round` (0-based) has run: its plan has every
    /// round, the verdicts are known (`auto`), or no side can run another.
    pub fn done_after(&self, round: usize) -> bool {
        round + 1 >= self.plan.most()
            || self.sides.iter().all(|(_, s)| !s.runnable())
            || self.plan.settled(&self.sides)
    }

    /// Whether any side has a round to show.
    pub fn started(&self) -> bool {
        self.sides.iter().any(|(_, s)| s.rounds() > 0)
    }

    /// The sides' results, each told to `observer` as it is made.
    pub fn finish(&mut self, observer: &mut dyn Observer) -> ScenarioResult {
        let mut base = None;
        let mut head = None;
        for (side, scenario) in std::mem::take(&mut self.sides) {
            let result = scenario.finish();
            observer.scenario_finished(&result);
            if side == "base" {
                base = Some(result);
            } else {
                head = Some(result);
            }
        }
        ScenarioResult {
            base,
            head: head.expect("a prepared scenario has a head side"),
        }
    }
}
