//! Benches measured against what their suite's `model` predicts (`model = "n * latency_ms ms"`):
//! the rows every format shows, and the words for them.

use super::format;
use crate::results::{AgainstModel, RunResults};

/// One bench with a model.
pub struct ModelRow<'a> {
    pub id: &'a str,
    /// The expression as the suite wrote it.
    pub expression: &'a str,
    pub against: AgainstModel,
}

/// The run's benches that have a model and a measured median, in run order.
pub fn rows(run: &RunResults) -> Vec<ModelRow<'_>> {
    run.benches
        .iter()
        .filter_map(|b| {
            Some(ModelRow {
                id: &b.head.id,
                expression: &b.model.as_ref()?.expression,
                against: b.against_model()?,
            })
        })
        .collect()
}

/// What the measured value is, for a heading or a note.
pub const MEASURED: &str = "the median wall time per iteration";

/// `+8.7%`: how far the measurement is from the prediction.
pub fn deviation(row: &ModelRow<'_>) -> String {
    format::change(1.0 + row.against.deviation())
}

/// `217.4 ms against 200.0 ms predicted by n * latency_ms ms (+8.7%)`.
pub fn sentence(row: &ModelRow<'_>) -> String {
    format!(
        "{} against {} predicted by {} ({})",
        format::duration_ns(row.against.measured_ns),
        format::duration_ns(row.against.expected_ns),
        row.expression,
        deviation(row)
    )
}

/// `The HTTP fixture server's own round trip (timed before the run, no latency, empty body): 48 µs
/// kept alive (p99 95 µs), 160 µs on a new connection (p99 310 µs); a model adds them as
/// http_round_trip_ms and http_new_connection_ms`; none without an `[http]` table.
pub fn fixture_sentence(run: &RunResults) -> Option<String> {
    let t = run.http_fixture?;
    Some(format!(
        "The HTTP fixture server's own round trip (timed before the run: no latency, an empty \
         body): {} kept alive (p99 {}), {} on a new connection (p99 {}); a model adds them as \
         http_round_trip_ms and http_new_connection_ms",
        format::duration_ns(t.keep_alive_p50_ns as f64),
        format::duration_ns(t.keep_alive_p99_ns as f64),
        format::duration_ns(t.new_connection_p50_ns as f64),
        format::duration_ns(t.new_connection_p99_ns as f64),
    ))
}
