//! The files a run or comparison writes, one module per format behind [`Export`].

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::analysis::compare::Comparison;
use crate::results::{RunResults, write_atomically};

/// What an exporter may read.
pub struct Inputs<'a> {
    pub results: &'a RunResults,
    pub comparison: Option<&'a Comparison>,
    /// Include unchanged benches where a format would otherwise list only changes.
    pub all: bool,
}

/// One output format.
pub trait Export {
    /// The file it writes in the output folder.
    fn file_name(&self) -> &'static str;
    /// The file's contents, or `None` when the format has nothing to say (e.g. no comparison).
    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>>;
}

/// Every format, in the order files are written.
pub fn exporters() -> Vec<Box<dyn Export>> {
    vec![
        Box::new(super::json::ComparisonJson),
        Box::new(super::markdown::Markdown),
        Box::new(super::junit::JUnit),
        Box::new(super::bmf::BencherMetricFormat),
        Box::new(super::gab::GithubActionBenchmark),
        Box::new(super::html::HtmlReport),
    ]
}

/// Writes every applicable format into `dir` (atomically); returns the paths written.
pub fn write_all(dir: &Path, inputs: &Inputs<'_>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for exporter in exporters() {
        if let Some(text) = exporter.render(inputs)? {
            let path = dir.join(exporter.file_name());
            write_atomically(&path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            written.push(path);
        }
    }
    Ok(written)
}
