//! A verdict in words with its CSS class, and the metrics that decided it.

use crate::analysis::compare::{BenchChange, MetricChange, Verdict};
use crate::model::Metric;

/// A verdict in words, with its CSS class.
pub struct VerdictText {
    pub class: &'static str,
    pub text: &'static str,
}

pub(super) fn verdict_text(v: Verdict) -> VerdictText {
    let (class, text) = match v {
        Verdict::Regressed => ("v-bad", "▲ regressed"),
        Verdict::Failed => ("v-bad", "✗ failed"),
        Verdict::Missing => ("v-note", "− missing"),
        Verdict::NoData => ("v-note", "∅ no data"),
        Verdict::New => ("v-note", "+ new"),
        Verdict::Improved => ("v-good", "▼ improved"),
        Verdict::Inconclusive => ("v-note", "~ inconclusive"),
        Verdict::InsufficientData => ("v-note", "? insufficient data"),
        Verdict::Unchanged => ("v-same", "= unchanged"),
    };
    VerdictText { class, text }
}

/// The metrics that decided a bench's verdict, for the words beside it: `fuel`, `wall time, fuel`.
pub(super) fn decided_by(change: &BenchChange) -> String {
    let by: Vec<&str> = change.decided_by().iter().map(|m| m.label()).collect();
    by.join(", ")
}

pub(super) fn metric(change: &BenchChange, m: Metric) -> Option<&MetricChange> {
    change.metrics.iter().find(|c| c.metric == m)
}
