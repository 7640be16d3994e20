//! Stopping a run on SIGINT / SIGTERM: the first signal sets a flag that every call into a plugin
//! checks, so the bench in progress stops at its next call (at most one iteration, bounded by the
//! deadline) and the run writes what finished. A second signal exits at once.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();

fn flag() -> &'static Arc<AtomicBool> {
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// Exit code of a run stopped by a signal (128 + SIGINT, the shell convention).
pub const EXIT_CODE: i32 = 130;

/// Installs the handlers (once per process).
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    for signal in [SIGINT, SIGTERM] {
        // Order matters: the conditional exit sees the flag as it was before this signal set it.
        signal_hook::flag::register_conditional_shutdown(signal, EXIT_CODE, flag().clone())?;
        signal_hook::flag::register(signal, flag().clone())?;
    }
    Ok(())
}

/// Whether a stop was requested.
pub fn requested() -> bool {
    flag().load(Ordering::Relaxed)
}

/// Requests a stop as a signal would (for tests and embedders).
pub fn request() {
    flag().store(true, Ordering::Relaxed);
}
