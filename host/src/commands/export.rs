//! `wasmbench export FORMAT RESULTS`: a finished run in another tool's format.

use anyhow::Context;

use super::CommandError;
use super::verdicts::read_checked;
use crate::cli::{ExportArgs, ExportFormat, exit};
use crate::report::escape::terminal::path as shown;
use crate::report::openmetrics;
use crate::results::write_atomically;

pub fn run(args: &ExportArgs) -> Result<u8, CommandError> {
    let results = read_checked(&args.results)?;
    let text = match args.format {
        ExportFormat::Openmetrics => openmetrics::render(&results),
    };
    match &args.output {
        Some(path) => {
            write_atomically(path, text.as_bytes())
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("openmetrics: {}", shown(path));
        }
        None => {
            use std::io::Write as _;
            // A reader that went away (`| head`) loses nothing the run needs.
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
    }
    Ok(exit::OK)
}
