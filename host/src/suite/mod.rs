//! The suite model: what to run, with which limits, parsed from `suites/*.toml` with errors that
//! name the file, line, column and key.

mod load;
mod model;
pub mod params;

pub use load::{SuiteError, load_suite, parse_suite, suggest};
pub use model::{BenchDef, DEFAULT_EXECUTIONS, FixtureSpec, Limits, PluginSource, Settings, Suite};
