//! `wasmbench history add | check | report | migrate`: runs recorded across commits, change points
//! found, CI failed on a shift for the worse, trends charted, a history copied to another store.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

use super::CommandError;
use super::verdicts::read_checked;
use crate::analysis::changepoint::Settings;
use crate::cli::{
    HistoryAddArgs, HistoryCheckArgs, HistoryCommand, HistoryMigrateArgs, HistoryReportArgs,
    SeriesArgs, exit,
};
use crate::history::{
    Analysis, Gate, Location, Provenance, RunRecord, Selection, Store, analyze, migrate,
};
use crate::model::{Thresholds, parse_fraction};
use crate::report::escape::terminal::{Inert, path as shown};
use crate::report::format::plural;
use crate::report::history_check;
use crate::report::html::trends;
use crate::results::write_atomically;

pub fn run(command: &HistoryCommand) -> Result<u8, CommandError> {
    match command {
        HistoryCommand::Add(args) => add(args),
        HistoryCommand::Check(args) => check(args),
        HistoryCommand::Report(args) => report(args),
        HistoryCommand::Migrate(args) => migrate(args),
    }
}

fn add(args: &HistoryAddArgs) -> Result<u8, CommandError> {
    let results = read_checked(&args.results)?;
    let record = RunRecord::from_results(
        &results,
        &Provenance {
            commit: args.commit.clone(),
            branch: args.branch.clone(),
            time: args.time.clone(),
            testbed: args.testbed.clone(),
        },
    )?;
    if results.interrupted {
        eprintln!(
            "warning: {} is an interrupted run: only its finished benches and load scenarios are recorded",
            shown(&args.results)
        );
    }
    if record.values.is_empty() {
        eprintln!(
            "warning: {} has no bench or load scenario that ran to completion: the commit is recorded without values",
            shown(&args.results)
        );
    }
    let location = &args.file.history;
    let mut store = location.open(true)?;
    let added = store
        .add(&record)
        .with_context(|| format!("adding {} to {location}", args.results.display()))?;
    let (runs, series) = store.counts()?;
    say!(
        "history: {} · commit {} · {} ({} new) · testbed {}",
        shown_location(location),
        Inert::line(&record.commit),
        plural(added.values, "value", "values"),
        plural(added.new_series, "series", "series"),
        Inert::line(&record.testbed)
    );
    say!(
        "history: {} and {} in all",
        plural(runs as usize, "run", "runs"),
        plural(series as usize, "series", "series")
    );
    Ok(exit::OK)
}

/// The selection and detection settings the series arguments describe.
fn selection(args: &SeriesArgs) -> Result<(Selection, Settings), CommandError> {
    if !(args.significance > 0.0 && args.significance < 1.0) {
        return Err(anyhow!(
            "--significance {} must be between 0 and 1 (e.g. 0.01)",
            args.significance
        )
        .into());
    }
    let min_change = parse_fraction(args.min_change.trim()).ok_or_else(|| {
        anyhow!(
            "--min-change `{}` is not a percentage like `1%` or a fraction like `0.01`",
            args.min_change
        )
    })?;
    let selection = Selection {
        suite: args.suite.clone(),
        testbed: args.testbed.clone(),
        bench: args.filter.clone(),
        branches: args.branch.clone(),
        last: args.last as usize,
    };
    let settings = Settings {
        significance: args.significance,
        min_size: args.min_size as usize,
        min_change,
        ..Settings::default()
    };
    Ok((selection, settings))
}

fn open_existing(location: &Location) -> Result<Box<dyn Store>, CommandError> {
    Ok(location.open(false)?)
}

/// Where the history is, for the terminal: a file's path, or a URL without its password.
fn shown_location(location: &Location) -> String {
    match location.file() {
        Some(path) => shown(path),
        None => Inert::line(&location.to_string()).to_string(),
    }
}

fn check(args: &HistoryCheckArgs) -> Result<u8, CommandError> {
    let (selection, settings) = selection(&args.series)?;
    let thresholds = Thresholds::default()
        .with_overrides(args.threshold.as_deref().unwrap_or(""))
        .map_err(|e| anyhow!("--threshold: {e}"))?;
    let store = open_existing(&args.file.history)?;
    let since_ms = args
        .since
        .as_deref()
        .map(|commit| {
            store.commit_time(commit)?.ok_or_else(|| {
                anyhow!(
                    "--since {commit:?}: no run of this commit is in {}",
                    args.file.history
                )
            })
        })
        .transpose()?;
    let gate = Gate {
        thresholds,
        recent: args.recent as usize,
        since_ms,
    };
    let analysis = analyze(store.as_ref(), &selection, &settings)?;
    if analysis.trends.is_empty() {
        return Err(anyhow!(
            "{}: no series matches (add runs with `wasmbench history add`, or widen --suite/--testbed/--branch/--filter)",
            args.file.history
        )
        .into());
    }
    say!("{}", overview(&args.file.history, &analysis));
    let findings = history_check::findings(&analysis, &gate);
    for finding in &findings {
        say!("{}", history_check::line(finding));
    }
    let failing = findings.iter().filter(|f| f.failing).count();
    let inconclusive = findings.iter().filter(|f| f.inconclusive.is_some()).count();
    let markdown = history_check::markdown(&analysis, &findings);
    if let Some(path) = &args.markdown {
        write_atomically(path, markdown.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)
            .context("appending to $GITHUB_STEP_SUMMARY")?;
        writeln!(file, "{markdown}")?;
    }
    if inconclusive > 0 {
        say!(
            "history check: {} for the worse beyond the threshold on a series too noisy to tell: inconclusive, not failing",
            plural(inconclusive, "change", "changes")
        );
    }
    if failing == 0 {
        say!(
            "history check: no series sits after a change for the worse (within the newest {} commits{})",
            args.recent,
            if since_ms.is_some() {
                ", since the given commit"
            } else {
                ""
            }
        );
        Ok(exit::OK)
    } else {
        say!(
            "history check: {} after a change for the worse",
            plural(failing, "series sits", "series sit")
        );
        Ok(exit::REGRESSION)
    }
}

/// One line naming the series' scope.
fn overview(location: &Location, analysis: &Analysis) -> String {
    let newest = analysis
        .trends
        .iter()
        .filter_map(|t| t.points.last())
        .max_by_key(|p| (p.at_ms, p.run));
    let commits = analysis
        .trends
        .iter()
        .map(|t| t.points.len())
        .max()
        .unwrap_or(0);
    format!(
        "history: {} · {} · up to {} each{}",
        shown_location(location),
        plural(analysis.trends.len(), "series", "series"),
        plural(commits, "commit", "commits"),
        newest
            .map(|p| format!(", newest {}", Inert::line(&p.commit)))
            .unwrap_or_default()
    )
}

fn report(args: &HistoryReportArgs) -> Result<u8, CommandError> {
    let (selection, settings) = selection(&args.series)?;
    let store = open_existing(&args.file.history)?;
    let analysis = analyze(store.as_ref(), &selection, &settings)?;
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.file.history.sibling(trends::FILE_NAME));
    trends::write(&out, &analysis, &args.file.history.to_string())
        .with_context(|| format!("writing the trend report {}", out.display()))?;
    say!(
        "trends: {} ({})",
        shown(&out),
        plural(analysis.trends.len(), "series", "series")
    );
    Ok(exit::OK)
}

/// Writes the trend report of `suite` from `history` next to `report` (for the run report to
/// link to) and returns its path.
pub fn write_suite_trends(
    history: &Location,
    suite: &str,
    report: &Path,
) -> Result<PathBuf, CommandError> {
    let store = open_existing(history)?;
    let selection = Selection {
        suite: Some(suite.to_owned()),
        last: crate::history::DEFAULT_LAST as usize,
        ..Selection::default()
    };
    let analysis = analyze(store.as_ref(), &selection, &Settings::default())?;
    let out = report.with_file_name(trends::FILE_NAME);
    trends::write(&out, &analysis, &history.to_string())
        .with_context(|| format!("writing the trend report {}", out.display()))?;
    Ok(out)
}

/// Copies every run of `--from` that `--to` doesn't hold into it.
fn migrate(args: &HistoryMigrateArgs) -> Result<u8, CommandError> {
    let from = open_existing(&args.from)?;
    let mut to = args.to.open(true)?;
    let copied = migrate::copy(from.as_ref(), to.as_mut(), |done| {
        eprintln!("  {} copied", plural(done.copied, "run", "runs"));
    })
    .with_context(|| format!("copying runs from {} to {}", args.from, args.to))?;
    let (runs, series) = to.counts()?;
    say!(
        "history migrate: {} ({}) copied from {} to {}; {} already there, skipped",
        plural(copied.copied, "run", "runs"),
        plural(copied.values, "value", "values"),
        shown_location(&args.from),
        shown_location(&args.to),
        plural(copied.skipped, "run", "runs"),
    );
    say!(
        "history: {} holds {} and {}",
        shown_location(&args.to),
        plural(runs as usize, "run", "runs"),
        plural(series as usize, "series", "series")
    );
    Ok(exit::OK)
}
