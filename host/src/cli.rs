//! Command-line interface: arguments and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Exit codes, documented in the README.
pub mod exit {
    /// Every bench ended as the suite expected.
    pub const OK: u8 = 0;
    /// At least one bench ended with a status other than the one expected.
    pub const BENCH_FAILED: u8 = 1;
    /// Bad usage or input (suite, plugin name, results file), or the harness could not run.
    pub const INPUT: u8 = 2;
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
    /// No progress output; print only the summary table and the results path.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// List only the plugins this suite uses.
    pub suite: Option<PathBuf>,
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
