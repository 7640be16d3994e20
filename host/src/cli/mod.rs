//! Command-line interface: arguments and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

mod history;

pub use history::{
    HistoryAddArgs, HistoryCheckArgs, HistoryCommand, HistoryFile, HistoryMigrateArgs,
    HistoryReportArgs, SeriesArgs,
};

/// Exit codes, documented in docs/src/reference/exit-codes.md (generated from these).
pub mod exit {
    /// Every bench ended as the suite expected.
    pub const OK: u8 = 0;
    /// At least one bench ended with a status other than the one expected.
    pub const BENCH_FAILED: u8 = 1;
    /// Bad usage or input (suite, plugin name, results or baseline file), or the harness could not run.
    pub const INPUT: u8 = 2;
    /// A comparison found a verdict listed in `--fail-on` (by default: a regression).
    pub const REGRESSION: u8 = 3;
    /// A load scenario's threshold failed (`p99 < 200ms`, …): its own verdict, apart from a
    /// regression against a baseline.
    pub const THRESHOLD: u8 = 4;
    /// Stopped by SIGINT or SIGTERM; results and reports of the finished benches were written,
    /// marked `interrupted`.
    pub const INTERRUPTED: u8 = crate::runner::interrupt::EXIT_CODE as u8;
}

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}

#[derive(Debug, Parser)]
#[command(
    name = "wasmbench",
    version,
    about = "Benchmark WebAssembly plugin workloads under fixed fuel and memory limits"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a suite and write results.json.
    Run(RunArgs),
    /// Show plugins, their workloads and parameters (all built plugins, or those a suite uses).
    List(ListArgs),
    /// Compare two results files (e.g. a baseline and a new run) and write the comparison reports.
    Compare(CompareCommandArgs),
    /// Run two versions of the plugins interleaved in the same worker processes and compare them
    /// pair by pair: the mode that detects wall-time changes on a noisy machine.
    Ab(AbArgs),
    /// Write the HTML report of a results file (and its comparison with a baseline).
    Report(ReportArgs),
    /// Join the results of a suite's shards (`run --shard K/N`), or of runs of one suite with
    /// different benches, into one results file and its HTML report.
    Merge(MergeArgs),
    /// Profile benches' guest code in a separate pass (never the timed one): a Firefox Profiler
    /// file, folded stacks and a flamegraph SVG per bench, and a differential flamegraph against
    /// earlier profiles.
    Profile(ProfileArgs),
    /// Record runs across commits in a history database, find where metrics shifted (change
    /// points), fail CI on a shift for the worse, and chart the trends.
    #[command(subcommand)]
    History(HistoryCommand),
    /// Write a results file in another tool's format: `openmetrics` (Prometheus exposition text,
    /// for a Pushgateway or node_exporter's textfile collector).
    Export(ExportArgs),
    /// Show or trim the compiled-component cache (bounded at $WASMBENCH_CACHE_MAX, else 2 GiB;
    /// the least recently used entries go first).
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Serve the HTTP fixture server alone (the one a suite's `[http]` starts) until Ctrl-C: for
    /// trying its query parameters, or pointing an outside load generator (wrk, oha) at it.
    Fixture(FixtureArgs),
    /// Start a plugin: a project in Rust, JavaScript or Python with one workload, a suite and a
    /// README, ready to build and run.
    New(NewArgs),
    /// Internal: run one execution's job from stdin (started by the harness itself).
    #[command(name = "__worker", hide = true)]
    Worker,
}

#[derive(Debug, Args)]
pub struct FixtureArgs {
    /// Port on 127.0.0.1 (0: any free one; the URL is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Default latency of a response (a request's `latency_ms` overrides it).
    #[arg(long, default_value = "20ms", value_parser = humantime::parse_duration)]
    pub latency: std::time::Duration,
    /// Default body size (a request's `size` overrides it), at most 64 MiB.
    #[arg(long, default_value = "1 KiB", value_parser = fixture_body_size)]
    pub size: bytesize::ByteSize,
}

/// `--lang`: the languages `wasmbench new` makes a plugin in (`scaffold::Lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// Rust with the guest SDK (`wasmbench-sdk`), built by cargo for wasm32-wasip2.
    Rust,
    /// JavaScript with the JS helper library, built by componentize-js.
    Js,
    /// Python with the Python helper library, built by componentize-py.
    Python,
}

impl From<LangArg> for crate::scaffold::Lang {
    fn from(lang: LangArg) -> Self {
        match lang {
            LangArg::Rust => crate::scaffold::Lang::Rust,
            LangArg::Js => crate::scaffold::Lang::Js,
            LangArg::Python => crate::scaffold::Lang::Python,
        }
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The plugin's name: lowercase letters, digits and `-` (e.g. `my-cache`).
    pub name: String,
    /// The language to write it in.
    #[arg(long, value_enum, default_value_t = LangArg::Rust)]
    pub lang: LangArg,
    /// The folder to create [default: ./NAME]; it must not exist or be empty.
    #[arg(long)]
    pub dir: Option<std::path::PathBuf>,
    /// Rust: the `wasmbench-sdk` crate's folder (`plugins/sdk` of a wasmbench checkout)
    /// [default: the one this wasmbench was built from].
    #[arg(long, value_name = "PATH")]
    pub sdk: Option<std::path::PathBuf>,
}

/// How the timed pass is run.
#[derive(Debug, Args, Clone)]
pub struct MeasureArgs {
    /// Fresh worker processes per bench, each running warm-up and samples, interleaved across
    /// benches [default: the suite's `executions`, else 3]. Wall-time verdicts between separate
    /// runs gate only with 2 or more. `auto`: the suite's number first, then more for each bench
    /// whose answer is not yet known — against a baseline, a verdict that isn't inconclusive;
    /// without one, its median within ± half its wall threshold — until it is, it has had 20, or
    /// `--time-budget` is spent. Load scenarios run N rounds, each in a fresh worker [default: 1
    /// for `run`, 3 a side for `ab`]; `auto`: 5, and in `ab` 3 a side then more until no verdict
    /// is inconclusive (at most 12). Verdicts against a baseline need 2 or more.
    #[arg(long, value_name = "N|auto", value_parser = parse_executions)]
    pub executions: Option<Executions>,
    /// With `--executions auto`: how long the extra executions may take in all [default: a third
    /// of the time the planned ones took].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub time_budget: Option<std::time::Duration>,
    /// Serve the run's metrics live at http://ADDR/metrics (OpenMetrics text for Prometheus),
    /// e.g. `127.0.0.1:9464`; port 0 picks a free one, printed on stderr.
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// After the run, keep serving its final metrics this long (e.g. `15s`, `2m`; `0` stops at
    /// once), so a scraper's last scrape sees the finished run; Ctrl-C ends it early [default: 15s
    /// when stdout is not a terminal or CI is set, else 0].
    #[arg(long, value_name = "DURATION", requires = "metrics_addr", value_parser = humantime::parse_duration)]
    pub metrics_linger: Option<std::time::Duration>,
}

/// How comparisons decide and report.
#[derive(Debug, Args, Clone)]
pub struct CompareArgs {
    /// Override thresholds for every bench and load scenario, e.g. `fuel=0.5%,wall=5%,memory=0`,
    /// `p99=20%,error-rate=0.5%` (an error rate's threshold is a difference in percentage points).
    /// Metrics: wall, fuel, memory, p50, p99, throughput, error-rate.
    #[arg(long, value_name = "METRIC=VALUE,...")]
    pub threshold: Option<String>,
    /// Verdicts that make the exit code 3 (comma-separated): regressed, failed, missing, no-data, new,
    /// improved, inconclusive, insufficient-data.
    #[arg(long, value_delimiter = ',', default_value = "regressed")]
    pub fail_on: Vec<String>,
    /// List unchanged benches in comparison.md too.
    #[arg(long)]
    pub all: bool,
    /// When wall time between separate runs may fail the job: `auto` when both sides have two or
    /// more executions (or the run is a paired A/B), `always` even from a single execution.
    #[arg(long, value_name = "auto|always", default_value = "auto")]
    pub wall_gating: String,
}

#[derive(Debug, Args)]
pub struct CompareCommandArgs {
    /// The older results (a results.json or a saved baseline).
    pub old: PathBuf,
    /// The newer results.
    pub new: PathBuf,
    /// Where to write comparison.md, comparison.json and junit.xml [default: the folder of NEW].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub compare: CompareArgs,
}

#[derive(Debug, Args)]
pub struct AbArgs {
    /// The suite file.
    pub suite: PathBuf,
    /// The base version: a folder of plugin components (`<name>.wasm`, e.g. the base branch's build
    /// output) or one `.wasm` file standing in for the plugin of the same name.
    #[arg(long)]
    pub base: PathBuf,
    /// Output folder [default: reports/<suite name>-ab].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Run only benches whose id contains this text (repeatable).
    #[arg(long, short)]
    pub filter: Vec<String>,
    /// Run only shard K of N (1 ≤ K ≤ N ≤ 1000): the benches (after --filter) whose id hashes to
    /// it, the same split in every job, stable when benches are added or removed. Join the shards'
    /// results with `wasmbench merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::runner::Shard>,
    /// Seed of the shuffled base/head order within each round.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub measure: MeasureArgs,
    /// No progress output.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub compare: CompareArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The suite file (TOML), e.g. suites/quick.toml.
    pub suite: PathBuf,
    /// Output folder [default: reports/<suite name>].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Run only benches whose id contains this text (repeatable: any match).
    #[arg(long, short)]
    pub filter: Vec<String>,
    /// Run only shard K of N (1 ≤ K ≤ N ≤ 1000): the benches (after --filter) whose id hashes to
    /// it, the same split in every job, stable when benches are added or removed. Join the shards'
    /// results with `wasmbench merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::runner::Shard>,
    /// No progress output; print only the summary table and the results path.
    #[arg(long, short)]
    pub quiet: bool,
    /// Save the results as baseline NAME (in --baseline-dir), a file meant to be committed.
    #[arg(long, value_name = "NAME")]
    pub save_baseline: Option<String>,
    /// Compare against baseline NAME (in --baseline-dir) or a results/baseline FILE.
    #[arg(long, value_name = "NAME|FILE")]
    pub baseline: Option<String>,
    /// Where named baselines live.
    #[arg(long, default_value = "reports/baselines")]
    pub baseline_dir: PathBuf,
    #[command(flatten)]
    pub measure: MeasureArgs,
    #[command(flatten)]
    pub compare: CompareArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
    /// After the timed passes, profile every bench in a separate pass and write its profile
    /// files in `profiles/` next to results.json (the HTML report shows the flamegraphs).
    #[arg(long)]
    pub profile: bool,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Keep what each bench's plugin writes to stdout and stderr (the last 64 KiB of each, from
    /// the counting pass) in `plugin-output/<bench>.stdout|.stderr` next to results.json; stdout
    /// is discarded otherwise.
    #[arg(long)]
    pub plugin_output: bool,
}

/// How a profiling pass samples.
#[derive(Debug, Args, Clone)]
pub struct SamplingArgs {
    /// Time between samples of the guest's stack in the profiling pass.
    #[arg(long, value_name = "DURATION", default_value = "1ms", value_parser = parse_interval)]
    pub interval: std::time::Duration,
    /// Iterations the profiling pass runs after the bench's setup [default: as many as fit in
    /// about 1 s].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub iterations: Option<u32>,
}

impl SamplingArgs {
    pub fn options(&self) -> crate::runner::profile::ProfileOptions {
        use crate::runner::profile::{ProfileIterations, ProfileOptions};
        ProfileOptions {
            interval: self.interval,
            iterations: self
                .iterations
                .map_or(ProfileIterations::DEFAULT, ProfileIterations::Count),
        }
    }
}

fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let interval = humantime::parse_duration(text).map_err(|e| e.to_string())?;
    if interval < std::time::Duration::from_micros(100)
        || interval > std::time::Duration::from_secs(1)
    {
        return Err("the interval must be between 100us and 1s".into());
    }
    Ok(interval)
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The suite file (TOML).
    pub suite: PathBuf,
    /// Profile the benches whose id contains this text (repeatable: any match), as `run --filter`.
    #[arg(long, value_name = "ID", required = true)]
    pub bench: Vec<String>,
    /// Output folder [default: reports/<suite name>/profiles].
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// A folder of earlier profiles: for each bench with a `<name>.folded` there, also write the
    /// differential flamegraph `<name>.diff.svg` (what grew, what shrank).
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The results file, e.g. reports/quick/results.json.
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,
    /// Compare against baseline NAME (in --baseline-dir) or a results/baseline FILE.
    #[arg(long, value_name = "NAME|FILE")]
    pub baseline: Option<String>,
    /// Where named baselines live.
    #[arg(long, default_value = "reports/baselines")]
    pub baseline_dir: PathBuf,
    /// The HTML file to write [default: report.html next to the results file].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// A history (`wasmbench history`: an SQLite file or a `postgres://` URL): also write
    /// trends.html for this suite next to the report, and link to it from the report.
    #[arg(long, value_name = "FILE|URL", value_parser = crate::history::Location::parse)]
    pub history: Option<crate::history::Location>,
}

/// Formats `wasmbench export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// OpenMetrics 1.0 text: iteration-time histograms, fuel, memory, host calls, status and
    /// counters per bench.
    Openmetrics,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub format: ExportFormat,
    /// The results file, e.g. reports/quick/results.json.
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,
    /// The file to write [default: stdout].
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// The cache's folder, entries, size and cap.
    Info(CacheDirArgs),
    /// Remove entries: the least recently used beyond a size, those unused for a while, or all.
    Prune(CachePruneArgs),
}

#[derive(Debug, Args)]
pub struct CacheDirArgs {
    /// Folder of the compiled-component cache [default: $WASMBENCH_CACHE_DIR, else ~/.cache/wasmbench].
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CachePruneArgs {
    #[command(flatten)]
    pub dir: CacheDirArgs,
    /// Keep at most this much, removing the least recently used entries first, e.g. `500 MiB`
    /// [default: the cache's cap].
    #[arg(long, value_name = "SIZE", value_parser = size_arg)]
    pub max_size: Option<u64>,
    /// Remove entries not used for this long, e.g. `30d`.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub older_than: Option<std::time::Duration>,
    /// Remove every entry.
    #[arg(long, conflicts_with_all = ["max_size", "older_than"])]
    pub all: bool,
}

fn size_arg(text: &str) -> Result<u64, String> {
    crate::engine::parse_size(text)
        .ok_or_else(|| format!("`{text}` is not a size (e.g. `500 MiB`, `2 GiB`, `1073741824`)"))
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The results files (results.json or journal.jsonl) to join.
    #[arg(value_name = "RESULTS.json", required = true)]
    pub inputs: Vec<PathBuf>,
    /// The merged results file to write; report.html is written next to it.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Merge the shards that are there when some are missing (or cut short): the merged results
    /// are marked interrupted when benches are missing.
    #[arg(long)]
    pub partial: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// List only the plugins this suite uses, or this plugin file's workloads (`.wasm`, `.wat`).
    #[arg(value_name = "SUITE_OR_PLUGIN")]
    pub suite: Option<PathBuf>,
    /// Don't compile a suite's plugins for the timed pass too. By default `list SUITE` does, into
    /// the compile cache, so the next `run` of the suite compiles nothing again.
    #[arg(long)]
    pub no_warm: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Folder of the compiled-component cache [default: $WASMBENCH_CACHE_DIR, else ~/.cache/wasmbench].
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
    /// Compile every plugin afresh and don't touch the cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl EngineArgs {
    pub fn compile_cache(&self) -> crate::engine::CompileCache {
        let dir = if self.no_cache {
            None
        } else {
            self.cache_dir
                .clone()
                .or_else(crate::engine::CompileCache::default_dir)
        };
        crate::engine::CompileCache::new(dir)
    }
}

/// `--size` of `wasmbench fixture`: a size under the fixture server's one body cap.
fn fixture_body_size(text: &str) -> Result<bytesize::ByteSize, String> {
    let size: bytesize::ByteSize = text.parse()?;
    crate::model::HttpFixtureConfig::check_size(size.as_u64())?;
    Ok(size)
}

/// `--executions`: a number, or `auto`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Executions {
    Count(u32),
    Auto,
}

impl Executions {
    /// The number given, if one was.
    pub fn count(self) -> Option<u32> {
        match self {
            Executions::Count(n) => Some(n),
            Executions::Auto => None,
        }
    }
}

fn parse_executions(text: &str) -> Result<Executions, String> {
    if text.trim() == "auto" {
        return Ok(Executions::Auto);
    }
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=1000).contains(&n) => Ok(Executions::Count(n)),
        _ => Err(format!(
            "`{text}` is neither `auto` nor a number of executions from 1 to 1000"
        )),
    }
}
