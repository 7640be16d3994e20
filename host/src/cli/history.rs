//! `wasmbench history`'s arguments: where the history lives, which series, and each
//! subcommand's own options.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::history::Location;

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Record a results file (a run of one commit) in the history.
    Add(HistoryAddArgs),
    /// Find change points; exit 3 when the newest commits of a series sit after a change for the
    /// worse, naming the commit where it started.
    Check(HistoryCheckArgs),
    /// Write the trend report: each bench's metrics over commits, change points marked.
    Report(HistoryReportArgs),
    /// Copy every run of one history into another (an SQLite file to a PostgreSQL database, or
    /// back); runs the destination already holds are skipped.
    Migrate(HistoryMigrateArgs),
}

/// Where the history lives.
#[derive(Debug, Args, Clone)]
pub struct HistoryFile {
    /// The history: an SQLite file, or a PostgreSQL database shared by many runners
    /// (`postgres://USER:PASSWORD@HOST:PORT/DATABASE`); created by `history add`.
    #[arg(
        long,
        value_name = "FILE|URL",
        env = "WASMBENCH_HISTORY",
        hide_env_values = true,
        default_value = "reports/history.db",
        value_parser = Location::parse
    )]
    pub history: Location,
}

#[derive(Debug, Args)]
pub struct HistoryAddArgs {
    /// The run's results file, e.g. reports/quick/results.json.
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,
    /// The commit the run measured.
    #[arg(long, value_name = "SHA")]
    pub commit: String,
    /// The branch the commit is on.
    #[arg(long)]
    pub branch: Option<String>,
    /// The commit's place on the time axis (RFC 3339, e.g. the commit time)
    /// [default: when the run started].
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Name of the machine class the run measured [default: OS, architecture, CPU model and
    /// cores]. Series of different testbeds never mix.
    #[arg(long, value_name = "NAME")]
    pub testbed: Option<String>,
    #[command(flatten)]
    pub file: HistoryFile,
}

/// Which series, how many of their newest points, and how change points are found.
#[derive(Debug, Args, Clone)]
pub struct SeriesArgs {
    /// Only this suite's series.
    #[arg(long)]
    pub suite: Option<String>,
    /// Only this testbed's series.
    #[arg(long, value_name = "NAME")]
    pub testbed: Option<String>,
    /// Only runs recorded on this branch (repeatable: any), e.g. `--branch main --branch pr-42`
    /// to check a pull request's run against main's history.
    #[arg(long)]
    pub branch: Vec<String>,
    /// Only benches whose id contains this text (repeatable: any match).
    #[arg(long, short)]
    pub filter: Vec<String>,
    /// The newest this many commits of each series.
    #[arg(long, value_name = "N", default_value_t = crate::history::DEFAULT_LAST, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub last: u32,
    /// Largest p-value of the permutation test for a change point in a sampled metric (wall time).
    #[arg(long, value_name = "P", default_value_t = crate::analysis::changepoint::Settings::DEFAULT_SIGNIFICANCE)]
    pub significance: f64,
    /// Commits each side of a wall-time change point needs: more means fewer false alarms and
    /// a later alarm (6 instead of 4: 40% fewer false alarms on this project's noise, 2 commits
    /// later).
    #[arg(long, value_name = "N", default_value_t = crate::analysis::changepoint::Settings::DEFAULT_MIN_SIZE as u32, value_parser = clap::value_parser!(u32).range(2..=50))]
    pub min_size: u32,
    /// Change points smaller than this relative change are not reported, e.g. `1%` (for an error
    /// rate, a difference: `1%` is one percentage point).
    #[arg(long, value_name = "PERCENT", default_value = "0")]
    pub min_change: String,
}

#[derive(Debug, Args)]
pub struct HistoryCheckArgs {
    #[command(flatten)]
    pub file: HistoryFile,
    #[command(flatten)]
    pub series: SeriesArgs,
    /// The smallest change that fails, per metric, e.g. `wall=3%,fuel=0`, `p99=20%` [default: the
    /// same as `compare`: wall 5%, fuel 0.5%, memory 0; p50 5%, p99 10%, throughput 5%, error-rate
    /// one percentage point].
    #[arg(long, value_name = "METRIC=VALUE,...")]
    pub threshold: Option<String>,
    /// Only changes that started within the newest N commits of their series fail.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub recent: u32,
    /// Only changes that started at this commit or later fail (e.g. the last release).
    #[arg(long, value_name = "COMMIT")]
    pub since: Option<String>,
    /// Also write the findings as Markdown (for a pull-request comment); appended to
    /// `$GITHUB_STEP_SUMMARY` too when it is set.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HistoryReportArgs {
    #[command(flatten)]
    pub file: HistoryFile,
    #[command(flatten)]
    pub series: SeriesArgs,
    /// The HTML file to write [default: trends.html next to the history file].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HistoryMigrateArgs {
    /// The history to copy from: an SQLite file or a `postgres://` URL.
    #[arg(long, value_name = "FILE|URL", value_parser = Location::parse)]
    pub from: Location,
    /// The history to copy into (created when it doesn't exist): an SQLite file or a
    /// `postgres://` URL.
    #[arg(long, value_name = "FILE|URL", value_parser = Location::parse)]
    pub to: Location,
}
