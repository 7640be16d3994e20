//! Progress of a run: bench n of m, the phase and iteration, and an ETA; each load scenario's
//! rounds (`load_progress.rs`) in between, as the run loop interleaves them.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::load_progress::LoadProgressView;
use crate::report::escape::terminal::{Inert, line};
use crate::report::format;
use crate::results::{BenchResult, LoadResult};
use crate::runner::{BenchPlan, LoadProgress, Observer, Phase, RoundStart};

enum Mode {
    /// An animated bar (interactive terminal, not CI).
    Bar(ProgressBar),
    /// One line per finished bench (logs, CI).
    Lines,
    /// Nothing.
    Quiet,
}

pub struct ProgressObserver {
    mode: Mode,
    loads: LoadProgressView,
    total: usize,
    finished: usize,
    id: String,
    execution: String,
    started: Instant,
    /// A scenario's round is on screen (the benches' bar is hidden meanwhile).
    showing_round: bool,
}

impl ProgressObserver {
    /// Picks the display: nothing when `quiet`; a bar on an interactive terminal; else lines.
    pub fn new(total: usize, quiet: bool) -> Self {
        let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let mode = if quiet {
            Mode::Quiet
        } else if interactive {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:25} {pos}/{len} benches · ETA {eta} · {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            Mode::Bar(bar)
        } else {
            Mode::Lines
        };
        ProgressObserver {
            mode,
            loads: LoadProgressView::new(quiet),
            total,
            finished: 0,
            id: String::new(),
            execution: String::new(),
            started: Instant::now(),
            showing_round: false,
        }
    }

    /// Clears the bars before the summary is printed.
    pub fn finish(&mut self) {
        self.loads.clear();
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}

impl Observer for ProgressObserver {
    fn bench_started(&mut self, _index: usize, total: usize, plan: &BenchPlan) {
        if std::mem::take(&mut self.showing_round) {
            self.loads.clear();
            if let Mode::Bar(bar) = &self.mode {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
        self.total = total;
        self.id = line(&plan.id).into_owned();
        self.execution.clear();
        if let Mode::Bar(bar) = &self.mode {
            bar.set_message(self.id.clone());
        }
    }

    fn execution_started(&mut self, number: u32, of: u32) {
        self.execution = format!(" · execution {number}/{of}");
    }

    fn progress(&mut self, phase: Phase, done: u32, total: u32) {
        if let Mode::Bar(bar) = &self.mode {
            let phase = match phase {
                Phase::Prepare => "compiling",
                Phase::CountFuel => "counting fuel",
                Phase::Warmup => "warm-up",
                Phase::Time => "timing",
                Phase::Parallel => "parallel instances",
            };
            bar.set_message(format!(
                "{}{} · {phase} {done}/{total}",
                self.id, self.execution
            ));
        }
    }

    fn round_started(&mut self, round: &RoundStart<'_>) {
        if let Mode::Bar(bar) = &self.mode
            && !self.showing_round
        {
            // Hidden, not finished: the benches' bar comes back when a bench runs again. Hiding
            // leaves its line on screen: wipe it for the round's bar.
            bar.set_draw_target(ProgressDrawTarget::hidden());
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
        self.showing_round = true;
        self.loads.round_started(round);
    }

    fn round_progress(&mut self, progress: &LoadProgress) {
        self.loads.round_progress(progress);
    }

    fn scenario_finished(&mut self, result: &LoadResult) {
        self.loads.scenario_finished(result);
    }

    fn bench_finished(&mut self, result: &BenchResult) {
        self.finished += 1;
        match &self.mode {
            Mode::Bar(bar) => bar.set_position(self.finished as u64),
            Mode::Lines => {
                let median = result
                    .wall_ns
                    .as_ref()
                    .map(|w| format::duration_ns(w.summary.median))
                    .unwrap_or_else(|| "—".into());
                let verdict = if result.met_expectation {
                    ""
                } else {
                    "  << FAILED"
                };
                let mut err = std::io::stderr().lock();
                let _ = writeln!(
                    err,
                    "[{}/{}] {} {} median {} ({:.1} s elapsed){verdict}",
                    self.finished,
                    self.total,
                    Inert::line(&result.head.id),
                    result.head.status,
                    median,
                    self.started.elapsed().as_secs_f64()
                );
            }
            Mode::Quiet => {}
        }
    }
}
