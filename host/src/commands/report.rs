//! `wasmbench report`: results.json (and optionally a baseline) → one self-contained HTML file.

use anyhow::Context;

use super::CommandError;
use super::verdicts::{baseline_path, read_checked};
use crate::analysis::compare::compare;
use crate::cli::{ReportArgs, exit};
use crate::report::escape::terminal::path as shown;
use crate::report::html;

pub fn run(args: &ReportArgs) -> Result<u8, CommandError> {
    let results = read_checked(&args.results)?;
    let baseline = args
        .baseline
        .as_deref()
        .map(|spec| read_checked(&baseline_path(spec, &args.baseline_dir)))
        .transpose()?;
    let comparison = baseline
        .as_ref()
        .map(|base| compare(base, &results, None, None));
    let out = args
        .output
        .clone()
        .unwrap_or_else(|| args.results.with_file_name(html::FILE_NAME));
    let trends = args
        .history
        .as_ref()
        .map(|history| super::history::write_suite_trends(history, &results.suite.name, &out))
        .transpose()?;
    html::write_linked(
        &out,
        &results,
        comparison.as_ref(),
        trends.is_some().then_some(html::trends::FILE_NAME),
    )
    .with_context(|| format!("writing the report for {}", args.results.display()))?;
    say!("report: {}", shown(&out));
    if let Some(trends) = trends {
        say!("trends: {}", shown(&trends));
    }
    Ok(exit::OK)
}
