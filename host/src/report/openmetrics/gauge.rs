//! What the gauges hold: a float gauge's type, and a count saturated into an integer gauge's i64.

use std::sync::atomic::AtomicU64;

use prometheus_client::metrics::gauge::Gauge;

/// A gauge of a float value (seconds, rates).
pub(super) type FloatGauge = Gauge<f64, AtomicU64>;

/// A count as a gauge's value (an i64), saturating rather than wrapping.
pub(super) fn gauge_count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
