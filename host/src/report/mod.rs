//! Turning results into things people read. One module per output format, each behind
//! [`export::Export`]; [`exporters`] lists them.
//! Text from plugins and results files is made inert for each destination by [`escape`].

pub mod bmf;
pub mod counters;
pub mod escape;
pub mod executions;
pub mod export;
pub mod flamegraph;
pub mod format;
pub mod gab;
pub mod history_check;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod models;
pub mod openmetrics;
pub mod relative;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testing;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::results::write_atomically;
use export::{Export, Inputs};

/// Every format, in the order files are written.
pub fn exporters() -> Vec<Box<dyn Export>> {
    vec![
        Box::new(json::ComparisonJson),
        Box::new(markdown::Markdown),
        Box::new(junit::JUnit),
        Box::new(bmf::BencherMetricFormat),
        Box::new(gab::GithubActionBenchmark),
        Box::new(html::HtmlReport),
    ]
}

/// Writes every applicable format into `dir` (atomically); returns the paths written.
pub fn write_all(dir: &Path, inputs: &Inputs<'_>) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let inputs = &Inputs {
        dir: Some(dir),
        ..*inputs
    };
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
