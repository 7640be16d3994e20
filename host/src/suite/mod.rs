//! The suite model: what to run, with which limits, parsed from `suites/*.toml` with errors that
//! name the file, line, column and key.

mod db;
mod error;
mod folder;
mod groups;
mod model;
pub mod params;
mod parse;
mod raw;
mod resolve;
mod scenario;
mod settings;
mod source;
#[cfg(test)]
mod tests;

pub use error::{SuiteError, suggest};
pub use model::{
    Arrival, BenchDef, DEFAULT_EXECUTIONS, GroupSettings, LoadDef, LoadPhase, LoadShape,
    PluginSource, Settings, Suite,
};
pub use parse::{load_suite, parse_suite};
