//! The HTML report: one self-contained file (inline CSS, inline SVG charts, a few lines of inline
//! script) that opens anywhere, with no network: a CI artifact, a file attached to a pull request.
//!
//! [`render`] builds it from a run (and, optionally, its comparison with a baseline); `run`,
//! `compare` and `ab` write it as `report.html` next to `results.json` through [`HtmlReport`], and
//! `wasmbench report` renders it from a results file.
//!
//! Two steps: [`view`] computes everything the page shows from the results, [`templates`] lay it out
//! with maud templates; [`charts`] draws the SVG charts.

pub mod charts;
mod templates;
pub mod trends;
mod view;

use std::path::Path;

use anyhow::{Context, Result};

use crate::analysis::compare::Comparison;
use crate::report::export::{Export, Inputs};
use crate::results::{RunResults, write_atomically};

/// The file name `run` and the comparison commands write next to `results.json`.
pub const FILE_NAME: &str = "report.html";

/// The whole page.
pub fn render(results: &RunResults, comparison: Option<&Comparison>) -> Result<String> {
    templates::page(&view::Page::new(results, comparison))
}

/// Renders and writes the page to `path` (through a temporary file and a rename).
pub fn write(path: &Path, results: &RunResults, comparison: Option<&Comparison>) -> Result<()> {
    write_linked(path, results, comparison, None)
}

/// [`write`], with a link in the header to the trend report at `trends` (relative to the page).
pub fn write_linked(
    path: &Path,
    results: &RunResults,
    comparison: Option<&Comparison>,
    trends: Option<&str>,
) -> Result<()> {
    let mut page = view::Page::new(results, comparison);
    page.header.trends = trends.map(str::to_owned);
    if let Some(dir) = path.parent() {
        page.embed_profiles(dir);
    }
    let html = templates::page(&page)?;
    write_atomically(path, html.as_bytes()).with_context(|| format!("writing {}", path.display()))
}

/// The HTML report as one of the formats written next to `results.json`.
pub struct HtmlReport;

impl Export for HtmlReport {
    fn file_name(&self) -> &'static str {
        FILE_NAME
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let mut page = view::Page::new(inputs.results, inputs.comparison);
        if let Some(dir) = inputs.dir {
            page.embed_profiles(dir);
        }
        templates::page(&page).map(Some)
    }
}
