//! The seam every output format implements: what it may read, and the file it writes.

use anyhow::Result;

use crate::analysis::compare::Comparison;
use crate::results::RunResults;

/// What an exporter may read.
pub struct Inputs<'a> {
    pub results: &'a RunResults,
    pub comparison: Option<&'a Comparison>,
    /// Include unchanged benches where a format would otherwise list only changes.
    pub all: bool,
    /// The folder the files are written to: the HTML report embeds the flamegraphs of its
    /// `profiles/` (set by [`super::write_all`]).
    pub dir: Option<&'a std::path::Path>,
}

/// One output format.
pub trait Export {
    /// The file it writes in the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's contents, or `None` when the format has nothing to say (e.g. no comparison).
    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>>;
}
