//! Reading a suite: read the file, read its TOML ([`super::raw`]), resolve it ([`super::resolve`]).

use std::path::Path;

use super::error::{Ctx, SuiteError};
use super::model::Suite;
use super::raw::{RawSuite, deserialize};
use crate::input::Kind;

/// Loads and validates the suite at `path` (a regular file of at most 4 MiB: [`Kind::Suite`]).
pub fn load_suite(path: &Path) -> Result<Suite, SuiteError> {
    let text = crate::input::read_text(path, Kind::Suite).map_err(|e| SuiteError {
        file: path.to_path_buf(),
        position: None,
        key: None,
        message: format!("cannot read the suite: {}", e.reason),
        source_line: None,
    })?;
    parse_suite(path, &text)
}

/// Parses suite `text` as if read from `path` (relative `wasm` paths resolve against its folder).
pub fn parse_suite(path: &Path, text: &str) -> Result<Suite, SuiteError> {
    let ctx = Ctx { file: path, text };
    let raw: RawSuite = deserialize(&ctx)?;
    raw.resolve(&ctx)
}
