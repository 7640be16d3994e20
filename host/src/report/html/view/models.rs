//! The benches whose suite predicts their wall time: measured median beside the prediction.

use super::context::Context;
use super::link::BenchLink;

/// A bench's measured median beside what its model predicts.
pub struct ModelRowView {
    pub bench: BenchLink,
    pub measured: String,
    pub predicted: String,
    pub expression: String,
    pub deviation: String,
}

pub(super) fn models(cx: &Context<'_>) -> Vec<ModelRowView> {
    let rows = crate::report::models::rows(cx.run);
    rows.iter()
        .filter_map(|row| {
            let index = cx.run.benches.iter().position(|b| b.head.id == row.id)?;
            Some(ModelRowView {
                bench: cx.link(index),
                measured: crate::report::format::duration_ns(row.against.measured_ns),
                predicted: crate::report::format::duration_ns(row.against.expected_ns),
                expression: row.expression.to_string(),
                deviation: crate::report::models::deviation(row),
            })
        })
        .collect()
}
