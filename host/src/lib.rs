//! wasmbench: a harness that runs WebAssembly plugin workloads under fixed fuel, memory and time
//! limits, measures them, and reports.
//!
//! Data flows down this list: a module uses only modules declared after it (checked by the
//! `layering` test, which reads this file), `model` is the leaf everything shares, and nothing
//! below `cli` knows about the command line. ARCHITECTURE.md draws the picture.

/// What each subcommand does, start to finish.
pub mod commands;

/// The command line's shape and exit codes.
pub mod cli;

/// Progress on the terminal.
pub mod ui;

/// `wasmbench new`'s plugin templates per language.
pub mod scaffold;

/// Results and comparisons turned into files and tables people read.
pub mod report;

/// Plans benches and measures them (counting pass in-process, timed pass in worker processes).
pub mod runner;

/// Runs across commits: series per bench, metric and testbed, stored in SQLite; change points.
pub mod history;

/// Statistics and verdicts over results.
pub mod analysis;

/// results.json: its shape, reading and writing.
pub mod results;

/// What the host lends a plugin: fixtures, HTTP, backends, sandboxed WASI.
pub mod capability;

/// wasmtime engines and the compile cache.
pub mod engine;

/// Suites: TOML read into benches with defaults applied.
pub mod suite;

/// Finding, classifying and binding plugins.
pub mod plugin;

/// The run's temporary folders, under one root removed however the run ends.
pub mod scratch;

/// What SQL from a suite or a plugin may do on a bench's SQLite connection.
pub mod sql_guard;

/// Reading the files a user hands the harness: regular files only, each kind under a size cap.
pub mod input;

/// The shared vocabulary: status, limits, metrics, thresholds, service settings.
pub mod model;

#[cfg(test)]
mod code_shape;
#[cfg(test)]
mod layering;
