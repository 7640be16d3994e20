//! `comparison.md`: a summary for a pull-request comment or a CI step summary. Lists changed benches
//! only unless `all`, regressions first.

use std::fmt::Write;

use anyhow::Result;

use super::escape::markdown as md;
use super::export::{Export, Inputs};
use super::format;
use crate::analysis::compare::{BenchChange, MetricChange, Mode, Verdict};
use crate::model::Metric;

pub struct Markdown;

impl Export for Markdown {
    fn file_name(&self) -> &'static str {
        "comparison.md"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let Some(c) = inputs.comparison else {
            return Ok(None);
        };
        let mut out = String::new();
        let icon = if c.any(&[Verdict::Regressed, Verdict::Failed]) {
            "🔴"
        } else {
            "🟢"
        };
        writeln!(out, "## {icon} wasmbench: {}", c.headline())?;
        writeln!(out)?;
        let mode = match c.mode {
            Mode::Paired => "interleaved A/B run (wall time compared pair by pair)",
            Mode::Baseline => "against a stored baseline",
        };
        let thresholds: Vec<String> = c
            .thresholds
            .iter()
            .map(|(metric, t)| format!("{metric} {}", format::percent(t)))
            .collect();
        writeln!(
            out,
            "Suite {}, {mode}. Thresholds: {} (wall time also needs its 95% interval to exclude no change).",
            md::code(&inputs.results.suite.name),
            thresholds.join(", ")
        )?;
        if c.benches
            .iter()
            .any(|b| b.metrics.iter().any(|m| !m.gating))
        {
            writeln!(out)?;
            writeln!(
                out,
                "Wall time marked *not gating* comes from a side with a single execution: separate runs differ more than one execution shows, so it is reported but does not fail the job (run with `--executions 2` or more on both sides, or use `wasmbench ab`)."
            )?;
        }
        writeln!(out)?;
        let shown: Vec<&BenchChange> = c
            .by_concern()
            .into_iter()
            .filter(|b| {
                inputs.all
                    || b.verdict != Verdict::Unchanged
                    || b.metrics.iter().any(|m| m.verdict != Verdict::Unchanged)
            })
            .collect();
        if shown.is_empty() {
            writeln!(out, "No bench changed beyond its thresholds.")?;
            return Ok(Some(out));
        }
        let columns: Vec<String> = Metric::ALL
            .iter()
            .map(|m| format!("{} (new / old)", m.label()))
            .collect();
        writeln!(out, "| bench | verdict | {} | note |", columns.join(" | "))?;
        writeln!(out, "|---|---|{}---|", "---|".repeat(Metric::COUNT))?;
        for b in shown {
            let cells: Vec<String> = Metric::ALL.iter().map(|&m| metric_cell(b, m)).collect();
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                md::code(&b.id),
                verdict_cell(b.verdict),
                cells.join(" | "),
                md::text(b.note.as_deref().unwrap_or(""))
            )?;
        }
        if !inputs.all {
            let unchanged = c
                .benches
                .iter()
                .filter(|b| b.verdict == Verdict::Unchanged)
                .count();
            if unchanged > 0 {
                writeln!(out)?;
                writeln!(out, "{unchanged} unchanged benches not shown.")?;
            }
        }
        Ok(Some(out))
    }
}

fn verdict_cell(v: Verdict) -> String {
    let symbol = match v {
        Verdict::Regressed => "🔴",
        Verdict::Failed => "❌",
        Verdict::Missing => "⚠️",
        Verdict::NoData => "∅",
        Verdict::New => "🆕",
        Verdict::Improved => "🟢",
        Verdict::InsufficientData => "❔",
        Verdict::Unchanged => "⚪",
    };
    format!("{symbol} {v}")
}

fn metric_cell(b: &BenchChange, metric: Metric) -> String {
    let Some(m) = b.metrics.iter().find(|m| m.metric == metric) else {
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
