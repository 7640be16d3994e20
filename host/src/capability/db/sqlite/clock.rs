//! The process-wide monotonic clock that statement deadlines are stored on, as nanoseconds.

use std::time::Instant;

/// Nanoseconds on a process-wide monotonic clock: what deadlines are stored as.
pub(super) fn clock_now() -> u64 {
    clock_origin().elapsed().as_nanos() as u64
}

fn clock_origin() -> Instant {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

pub(super) fn clock_at(deadline: Instant) -> u64 {
    deadline
        .saturating_duration_since(clock_origin())
        .as_nanos()
        .min(u128::from(u64::MAX)) as u64
}
