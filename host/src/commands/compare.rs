//! `wasmbench compare OLD NEW`: verdicts between two results files.

use super::CommandError;
use super::verdicts::{Policy, conclude, exit_code, read_checked};
use crate::cli::CompareCommandArgs;

pub fn run(args: &CompareCommandArgs) -> Result<u8, CommandError> {
    let policy = Policy::from_args(&args.compare)?;
    let old = read_checked(&args.old)?;
    let new = read_checked(&args.new)?;
    if old.suite.name != new.suite.name {
        return Err(anyhow::anyhow!(
            "{} is a run of suite `{}` but {} is a run of `{}`; compare runs of the same suite",
            args.old.display(),
            old.suite.name,
            args.new.display(),
            new.suite.name
        )
        .into());
    }
    let out = args.out.clone().unwrap_or_else(|| {
        args.new
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_default()
    });
    let (_, verdicts) = conclude(&old, &new, None, &policy, &out)?;
    Ok(exit_code(None, verdicts, false))
}
