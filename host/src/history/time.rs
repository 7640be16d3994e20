//! Times on a series' axis: RFC 3339 text to and from milliseconds since the Unix epoch.

use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;

/// Milliseconds since the Unix epoch of an RFC 3339 time (negative before it).
pub(super) fn parse_time(text: &str) -> Result<i64> {
    let time = humantime::parse_rfc3339_weak(text.trim())?;
    let ms = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_millis() as i64,
        Err(before) => -(before.duration().as_millis() as i64),
    };
    Ok(ms)
}

/// An RFC 3339 UTC time of `ms` since the epoch, to the second.
pub fn format_time(ms: i64) -> String {
    let time = if ms >= 0 {
        UNIX_EPOCH + std::time::Duration::from_millis(ms as u64)
    } else {
        UNIX_EPOCH - std::time::Duration::from_millis(ms.unsigned_abs())
    };
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Seconds since the epoch now, for `added_at`.
pub(super) fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}
