//! The one loop of a run, for `run` and `ab` alike. Every unit — a bench (one plan, or `ab`'s base
//! and head plans run together) or a load scenario (in `ab`, its base and head versions) — is
//! prepared first: compiled, its fuel counted on the metered engine. Then the units run round
//! after round, one execution or one scenario round of each unit still open in turn, so a drift
//! of the machine spreads over all of them. A unit ends when its planned rounds are done or,
//! under `--executions auto`, when its question is answered; a failure ends only its own unit.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::bench::{BenchUnit, BenchUnitResult, more_wanted};
use super::bench_plan::BenchPlan;
use super::harness::Runner;
use super::load::{RoundPlan, RoundSteps, ScenarioResult, ScenarioUnit};
use super::observer::Observer;
use crate::analysis::settle::Settle;
use crate::plugin::PluginLocator;
use crate::suite::LoadDef;

/// How a run is carried out, beyond each bench's and scenario's settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions<'a> {
    /// Executions for every bench (`--executions`), overriding the suite.
    pub executions: Option<u32>,
    /// Seed of the shuffled base/head order of A/B units.
    pub seed: u64,
    /// `--executions auto`: after its planned executions, a bench whose question is not yet
    /// answered gets more, interleaved with the others still open, until it is, it reaches the
    /// most executions, or the time budget is spent.
    pub settle: Option<&'a Settle>,
    /// Rounds of each load scenario.
    pub scenario_rounds: RoundPlan<'a>,
}

/// What a run measures, unit by unit.
#[derive(Debug, Clone)]
pub enum Work {
    /// One bench's plan, or `ab`'s base and head plans of it (base first).
    Bench(Vec<BenchPlan>),
    /// A load scenario, and in `ab` the base version's wasm when there is one.
    Scenario {
        def: Box<LoadDef>,
        base: Option<PathBuf>,
    },
}

/// A finished unit.
#[derive(Debug)]
pub enum Finished {
    Bench(BenchUnitResult),
    Scenario(Box<ScenarioResult>),
}

/// A unit while the run goes.
enum Open<'a> {
    /// `index` among the run's benches, for progress.
    Bench {
        index: usize,
        unit: BenchUnit<'a>,
    },
    Scenario(ScenarioUnit<'a>),
}

/// When `--executions auto` may still add executions to a bench: measured from the end of the
/// planned rounds.
struct Budget<'a> {
    settle: Option<&'a Settle>,
    /// The most executions any bench planned.
    planned: u32,
    timed_start: Instant,
    /// Set when the planned rounds are done: until when extra executions may start.
    deadline: Option<Instant>,
}

impl Budget<'_> {
    /// Starts the clock for the extra executions once `round` reaches the planned ones.
    fn round_starts(&mut self, round: u32) {
        if round == self.planned && self.deadline.is_none() {
            let spent = self.timed_start.elapsed();
            let budget = (self.settle.and_then(|s| s.budget))
                // A third: the round in progress when it runs out still finishes, and the whole
                // run stays within about 1.5× the planned one.
                .unwrap_or(spent / 3)
                .max(Duration::ZERO);
            self.deadline = Some(Instant::now() + budget);
        }
    }
}

impl Runner {
    /// Runs every unit to its end; `finished` sees each unit as it ends (in the order they end).
    /// On an interrupt, units with at least one finished execution or round are kept; the others
    /// are dropped. Results come back in `work`'s order.
    pub async fn run_units(
        &mut self,
        work: &[Work],
        options: &RunOptions<'_>,
        observer: &mut dyn Observer,
        finished: &mut dyn FnMut(&Finished),
    ) -> Vec<Finished> {
        let mut open = open_units(work, options);
        let benches = work.iter().filter(|w| matches!(w, Work::Bench(_))).count();
        let prepared = self.prepare_units(&mut open, benches, observer).await;
        let mut steps = RoundSteps {
            done: 0,
            total: (open.iter())
                .map(|unit| match unit {
                    Open::Scenario(s) => s.most_rounds(),
                    Open::Bench { .. } => 0,
                })
                .sum(),
        };
        let mut budget = Budget {
            settle: options.settle,
            planned: (open.iter())
                .filter_map(|unit| match unit {
                    Open::Bench { unit, .. } => Some(unit.executions),
                    Open::Scenario(_) => None,
                })
                .max()
                .unwrap_or(0),
            timed_start: Instant::now(),
            deadline: None,
        };
        let mut results: Vec<Option<Finished>> = work.iter().map(|_| None).collect();
        let mut round = 0;
        'rounds: while (0..prepared).any(|i| results[i].is_none() && wants(&open[i], round)) {
            budget.round_starts(round);
            for (i, unit) in open.iter_mut().enumerate().take(prepared) {
                if super::interrupt::requested() {
                    break 'rounds;
                }
                if results[i].is_some() {
                    continue;
                }
                let step = (benches, &mut steps, &mut budget);
                let Some(done) = self.run_round(unit, round, step, options, observer) else {
                    // The execution in progress didn't finish: keep only what did.
                    break 'rounds;
                };
                if done {
                    let result = conclude(unit, observer);
                    finished(&result);
                    results[i] = Some(result);
                }
            }
            round += 1;
        }
        if round > 0 && benches > 0 {
            self.noise_probes.push(super::noise::probe());
        }
        // Interrupted: what has at least one execution or round (or ended before one) still counts.
        for (i, unit) in open.iter_mut().enumerate().take(prepared) {
            if results[i].is_none() && kept_when_cut_short(unit) {
                let result = conclude(unit, observer);
                finished(&result);
                results[i] = Some(result);
            }
        }
        results.into_iter().flatten().collect()
    }

    /// Prepares the units in order (a bench's counting pass, a scenario's plugin checks and fuel
    /// pass) until an interrupt; how many were.
    async fn prepare_units(
        &mut self,
        open: &mut [Open<'_>],
        benches: usize,
        observer: &mut dyn Observer,
    ) -> usize {
        let mut locator = None;
        let mut prepared = 0;
        for unit in open.iter_mut() {
            if super::interrupt::requested() {
                break;
            }
            match unit {
                Open::Bench { index, unit } => {
                    observer.bench_started(*index, benches, unit.head());
                    self.count_unit(unit, observer).await;
                }
                Open::Scenario(scenario) => {
                    let locator = locator.get_or_insert_with(|| self.scenario_locator());
                    scenario.prepare(self, locator).await;
                }
            }
            prepared += 1;
        }
        prepared
    }

    /// Where scenarios' plugins are found. Without a locator only `wasm =` paths resolve; each
    /// scenario says what it misses.
    fn scenario_locator(&self) -> PluginLocator {
        self.plugin_locator().unwrap_or_else(|e| {
            eprintln!("warning: {e:#}");
            PluginLocator::new(Vec::new())
        })
    }

    /// Round `round` of one unit: a bench's execution (and, under `auto`, whether it gets one
    /// more), or a scenario's round of each side. Whether the unit is done after it; `None` when
    /// an interrupt cut it short.
    fn run_round(
        &mut self,
        unit: &mut Open<'_>,
        round: u32,
        (benches, steps, budget): (usize, &mut RoundSteps, &mut Budget<'_>),
        options: &RunOptions<'_>,
        observer: &mut dyn Observer,
    ) -> Option<bool> {
        match unit {
            Open::Bench { index, unit } => {
                if round < unit.executions && !unit.ended() {
                    observer.bench_started(*index, benches, unit.head());
                    if !self.execute(unit, round, options.seed, observer) {
                        return None;
                    }
                }
                if round + 1 >= unit.executions
                    && let Some(settle) = options.settle
                    && more_wanted(
                        settle,
                        unit,
                        budget.deadline,
                        budget.timed_start,
                        budget.planned,
                    )
                {
                    unit.executions += 1;
                }
                Some(round + 1 >= unit.executions || unit.ended())
            }
            Open::Scenario(scenario) => {
                scenario.run_round(self, round as usize, steps, observer);
                if super::interrupt::requested() {
                    return None;
                }
                Some(scenario.done_after(round as usize))
            }
        }
    }
}

/// The units of `work`, none started.
fn open_units<'a>(work: &'a [Work], options: &RunOptions<'a>) -> Vec<Open<'a>> {
    let mut benches = 0;
    (work.iter())
        .map(|w| match w {
            Work::Bench(plans) => {
                benches += 1;
                Open::Bench {
                    index: benches - 1,
                    unit: BenchUnit::new(plans, options.executions),
                }
            }
            Work::Scenario { def, base } => Open::Scenario(ScenarioUnit::new(
                def,
                base.clone(),
                options.scenario_rounds,
            )),
        })
        .collect()
}

/// Whether the unit has round `round` to run.
fn wants(unit: &Open<'_>, round: u32) -> bool {
    match unit {
        Open::Bench { unit, .. } => round < unit.executions,
        Open::Scenario(_) => true,
    }
}

/// Whether an unfinished unit counts when the run is cut short: it has a finished execution or
/// round, or (a bench) every side had already failed.
fn kept_when_cut_short(unit: &Open<'_>) -> bool {
    match unit {
        Open::Bench { unit, .. } => unit.started() || unit.ended(),
        Open::Scenario(scenario) => scenario.started(),
    }
}

/// The unit's result, told to `observer`.
fn conclude(unit: &mut Open<'_>, observer: &mut dyn Observer) -> Finished {
    match unit {
        Open::Bench { unit, .. } => {
            let result = unit.conclude();
            observer.bench_finished(result.results.last().expect("a side"));
            Finished::Bench(result)
        }
        Open::Scenario(scenario) => Finished::Scenario(Box::new(scenario.finish(observer))),
    }
}
