//! A compared metric in a comparison.md table cell: new / old, the ratio with its interval, and
//! the verdict when it is not plain.

use std::fmt::Write;

use super::super::format;
use crate::analysis::compare::{MetricChange, Verdict};
use crate::model::Metric;

pub(super) fn metric_cell(metrics: &[MetricChange], metric: Metric) -> String {
    let Some(m) = metrics.iter().find(|m| m.metric == metric) else {
        return "—".into();
    };
    let value = |x: Option<f64>| match x {
        None => "—".to_string(),
        Some(v) => format::quantity(metric.unit(), v),
    };
    let mut cell = format!("{} / {}", value(m.new), value(m.old));
    if let Some(ratio) = m.ratio {
        write!(cell, " ({})", change(m, ratio)).expect("writing to a String");
    }
    if !m.gating {
        write!(cell, " {}, not gating", m.verdict).expect("writing to a String");
    } else if m.verdict == Verdict::Regressed || m.verdict == Verdict::Improved {
        cell = format!("**{cell}**");
    } else if m.verdict == Verdict::Inconclusive {
        cell.push_str(" inconclusive");
    } else if m.verdict == Verdict::InsufficientData {
        cell.push_str(" insufficient data");
    } else if m.verdict == Verdict::NoData {
        cell.push_str(" no data");
    }
    cell
}

fn change(m: &MetricChange, ratio: f64) -> String {
    let pct = format::change;
    match m.ratio_ci {
        Some((low, high)) => format!("{}, 95% CI {} … {}", pct(ratio), pct(low), pct(high)),
        None => pct(ratio),
    }
}
