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
                id: &b.id,
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
