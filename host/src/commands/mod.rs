//! The subcommands, each a short story over the library.

/// `println!` that doesn't panic when stdout is closed early (e.g. `wasmbench list | head`): the
/// output is for a reader who has gone, and the run's files are already written.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

pub mod ab;
pub mod cache;
pub mod compare;
pub mod export;
pub mod fixture;
pub mod history;
pub mod list;
mod loads;
mod measure;
pub mod merge;
pub mod new;
pub mod profile;
pub mod report;
pub mod run;
pub mod verdicts;

/// An error that ends a command, mapped to an exit code.
#[derive(Debug)]
pub struct CommandError {
    pub code: u8,
    pub error: anyhow::Error,
}

impl<E: Into<anyhow::Error>> From<E> for CommandError {
    fn from(error: E) -> Self {
        CommandError {
            code: crate::cli::exit::INPUT,
            error: error.into(),
        }
    }
}

/// A current-thread runtime: plugins run one at a time on this thread, timers included.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}
