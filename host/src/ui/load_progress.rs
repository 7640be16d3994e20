//! Live progress of load scenarios: on a terminal, a bar through the phases with the current
//! rate, in-flight requests and the phase's p99 so far; elsewhere, one plain line every few
//! seconds and one per finished scenario.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::escape::terminal::{Inert, line};
use crate::report::format;
use crate::results::LoadResult;
use crate::runner::{LoadProgress, RoundStart};

/// How often plain-line mode writes a progress line.
const LINE_EVERY: Duration = Duration::from_secs(5);

enum Mode {
    Bar(ProgressBar),
    Lines { last: Option<Instant> },
    Quiet,
}

/// The load scenarios' part of [`super::ProgressObserver`].
pub(super) struct LoadProgressView {
    mode: Mode,
    id: String,
    phases: Vec<(String, Duration)>,
}

impl LoadProgressView {
    pub(super) fn new(quiet: bool) -> Self {
        let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let mode = if quiet {
            Mode::Quiet
        } else if interactive {
            Mode::Bar(ProgressBar::hidden())
        } else {
            Mode::Lines { last: None }
        };
        LoadProgressView {
            mode,
            id: String::new(),
            phases: Vec::new(),
        }
    }

    /// What the scenario is doing now, in one line.
    fn status(&self, p: &LoadProgress) -> String {
        let (name, _) = self
            .phases
            .get(p.phase)
            .cloned()
            .unwrap_or_else(|| ("?".into(), Duration::ZERO));
        let rate = if p.rate > 0.0 {
            format!("offered {} · ", format::requests_per_second(p.rate))
        } else {
            String::new()
        };
        let p99 = p
            .p99_ns
            .map_or_else(|| "—".into(), |ns| format::duration_ns(ns as f64));
        format!(
            "{} · {name} · {rate}done {} · in flight {} · p99 {p99} · failed {} · dropped {}",
            self.id,
            format::requests_per_second(p.throughput),
            p.in_flight,
            p.failed,
            p.dropped
        )
    }
}

impl LoadProgressView {
    pub(super) fn round_started(&mut self, round: &RoundStart<'_>) {
        let (index, total, phases) = (round.index, round.total, round.phases);
        self.id = line(&round.label()).into_owned();
        self.phases = phases
            .iter()
            .map(|p| (line(&p.name).into_owned(), p.duration))
            .collect();
        let length: Duration = phases.iter().map(|p| p.duration).sum();
        match &mut self.mode {
            Mode::Bar(bar) => {
                // A scenario's next round starts without a `scenario_finished` between.
                bar.finish_and_clear();
                *bar = ProgressBar::with_draw_target(
                    Some(length.as_millis() as u64),
                    ProgressDrawTarget::stderr(),
                );
                bar.set_style(
                    ProgressStyle::with_template("{spinner} load {prefix} {bar:20} {msg}")
                        .expect("valid template")
                        .progress_chars("=> "),
                );
                bar.set_prefix(format!("{}/{}", index + 1, total));
                bar.set_message(format!("{} · starting the pool", self.id));
                bar.enable_steady_tick(Duration::from_millis(120));
            }
            Mode::Lines { last } => {
                *last = None;
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "[load {}/{}] {} · {} phases, {}",
                    index + 1,
                    total,
                    self.id,
                    phases.len(),
                    humantime::format_duration(length)
                );
            }
            Mode::Quiet => {}
        }
    }

    /// Takes the round's bar off the screen (a bench runs next).
    pub(super) fn clear(&mut self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }

    pub(super) fn round_progress(&mut self, progress: &LoadProgress) {
        let status = self.status(progress);
        match &mut self.mode {
            Mode::Bar(bar) => {
                bar.set_position(progress.elapsed_ns / 1_000_000);
                bar.set_message(status);
            }
            Mode::Lines { last } => {
                if last.is_none_or(|at| at.elapsed() >= LINE_EVERY) {
                    *last = Some(Instant::now());
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "  {:>6.1} s  {status}",
                        progress.elapsed_ns as f64 / 1e9
                    );
                }
            }
            Mode::Quiet => {}
        }
    }

    pub(super) fn scenario_finished(&mut self, result: &LoadResult) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
        if matches!(self.mode, Mode::Quiet) {
            return;
        }
        let summary = match &result.overall {
            Some(overall) => format!(
                "{} · {} · errors {} · dropped {}",
                result.head.status,
                overall
                    .latency
                    .as_ref()
                    .map_or_else(|| "no latency".into(), format::latency_summary),
                format::share(overall.error_rate),
                format::share(overall.drop_rate)
            ),
            None => result.head.status.to_string(),
        };
        let failed = result.thresholds.iter().filter(|t| !t.passed).count();
        let verdict = if failed > 0 {
            format!("  << {failed} threshold(s) FAILED")
        } else {
            String::new()
        };
        // No round number: the scenario's rounds are done (and in a run with benches they took
        // turns with the benches' executions).
        let _ = writeln!(
            std::io::stderr().lock(),
            "[load done] {} {summary}{verdict}",
            Inert::line(&result.head.id)
        );
    }
}
