//! What the user sees while a run goes: a progress bar on a terminal, plain lines elsewhere, and
//! the live metrics endpoint for Prometheus.

mod compile_notice;
mod load_progress;
pub mod metrics;
mod progress;

pub use compile_notice::CompileNotice;
pub use progress::ProgressObserver;

/// Whether to colour output: a terminal, and `NO_COLOR` unset (https://no-color.org).
pub fn use_color(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
