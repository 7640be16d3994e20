//! comparison.md's load scenario sections: each scenario's phases and thresholds, and the
//! scenarios against a baseline.

use std::fmt::Write;

use anyhow::Result;

use super::super::escape::markdown as md;
use super::super::format;
use super::cells::metric_cell;
use crate::model::{LatencyStat, Metric};
use crate::results::{LoadResult, LoadStats};

/// The load scenarios: per scenario its status, a row per phase and overall (corrected latency,
/// throughput against the offered rate, errors) and its thresholds' verdicts.
/// Load scenarios against the baseline: a verdict per scenario from its rounds, then per phase the
/// detail rounds' percentiles new/old (information).
pub(super) fn write_load_ratios(
    out: &mut String,
    loads: &[crate::analysis::compare::LoadChange],
) -> Result<()> {
    use crate::analysis::compare::load::COMPARED;
    writeln!(out, "### Load scenarios against the baseline")?;
    writeln!(out)?;
    writeln!(
        out,
        "Each metric over every phase, new / old, from the scenario's rounds (each a fresh worker); one round a side is information, not a verdict."
    )?;
    writeln!(out)?;
    let columns: Vec<String> = Metric::load()
        .map(|m| format!("{} (new / old)", m.label()))
        .collect();
    writeln!(
        out,
        "| scenario | verdict | {} | rounds |",
        columns.join(" | ")
    )?;
    writeln!(out, "|---|---|{}---|", "---|".repeat(columns.len()))?;
    for load in loads {
        let cells: Vec<String> = Metric::load()
            .map(|m| metric_cell(&load.metrics, m))
            .collect();
        let rounds = load.basis();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md::code(&load.id),
            md::text(&load.verdict_label()),
            cells.join(" | "),
            md::text(rounds)
        )?;
    }
    if loads.iter().all(|l| l.spans.is_empty()) {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "Per phase, the median round of each side, new/old (information):"
    )?;
    writeln!(out)?;
    let stats: Vec<&str> = COMPARED.iter().map(|s| s.name()).collect();
    writeln!(
        out,
        "| scenario | phase | {} | throughput | error rate |",
        stats.join(" | ")
    )?;
    writeln!(out, "|---|---|{}---|---|", "---|".repeat(stats.len()))?;
    for load in loads {
        for span in &load.spans {
            let ratios: Vec<String> = COMPARED
                .iter()
                .map(|stat| {
                    span.latency_ratio(*stat)
                        .map_or_else(|| "—".into(), format::ratio)
                })
                .collect();
            writeln!(
                out,
                "| {} | {} | {} | {} | {} → {} |",
                md::code(&load.id),
                md::text(&span.scope),
                ratios.join(" | "),
                span.throughput_ratio()
                    .map_or_else(|| "—".into(), format::ratio),
                format::share(span.old.error_rate),
                format::share(span.new.error_rate)
            )?;
        }
    }
    Ok(())
}

pub(super) fn write_loads(out: &mut String, loads: &[LoadResult]) -> Result<()> {
    writeln!(out, "### Load scenarios")?;
    writeln!(out)?;
    writeln!(
        out,
        "Latency from each request's intended start (queueing included: corrected for coordinated omission); throughput counts requests completed without error."
    )?;
    for l in loads {
        writeln!(out)?;
        let (held, status) = format::load_status(l);
        let icon = if held { "✅" } else { "❌" };
        write!(
            out,
            "**{}** {icon} {}",
            md::code(&l.head.id),
            md::text(&status)
        )?;
        if let Some(m) = &l.head.message {
            write!(out, ": {}", md::text(m))?;
        }
        writeln!(out)?;
        if let Some(a) = &l.aborted {
            writeln!(out)?;
            writeln!(out, "Aborted early: {}", md::text(a))?;
        }
        if let Some(rounds) = format::load_rounds(l) {
            writeln!(out)?;
            writeln!(out, "{}.", md::text(&rounds))?;
        }
        write_phases(out, l)?;
        write_thresholds(out, l)?;
    }
    Ok(())
}

/// A row per phase and one for the whole scenario: offered, throughput, errors, drops, latency.
fn write_phases(out: &mut String, l: &LoadResult) -> Result<()> {
    let rows: Vec<(String, String, &LoadStats)> = l
        .phases
        .iter()
        .map(|p| {
            let planned = if l.setup.model == "closed" {
                "—".to_string()
            } else {
                format::planned_rate(p.rate, p.ramp_to)
            };
            (md::text(&p.name), planned, &p.stats)
        })
        .chain(
            l.overall
                .iter()
                .map(|o| ("**overall**".to_string(), "—".to_string(), o)),
        )
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "| phase | planned | offered | throughput | error rate | dropped | p50 | p95 | p99 |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for (name, planned, s) in rows {
        let latency = |stat: LatencyStat| {
            s.latency
                .as_ref()
                .filter(|p| p.count > 0)
                .map_or_else(|| "—".to_string(), |p| format::duration_ns(p.get(stat)))
        };
        let achieved = if s.offered_rate > 0.0 {
            format!(
                " ({})",
                format::percent_one_decimal(s.throughput / s.offered_rate)
            )
        } else {
            String::new()
        };
        let kinds = format::error_kinds(&s.errors).join(" · ");
        let errors = if kinds.is_empty() {
            format::share(s.error_rate)
        } else {
            format!("{} ({})", format::share(s.error_rate), md::text(&kinds))
        };
        writeln!(
            out,
            "| {name} | {planned} | {} | {}{achieved} | {errors} | {} | {} | {} | {} |",
            format::requests_per_second(s.offered_rate),
            format::requests_per_second(s.throughput),
            format::exact_or_count(s.dropped),
            latency(LatencyStat::P50),
            latency(LatencyStat::P95),
            latency(LatencyStat::P99),
        )?;
    }
    Ok(())
}

/// The scenario's thresholds, each with what was observed and whether it held.
fn write_thresholds(out: &mut String, l: &LoadResult) -> Result<()> {
    if l.thresholds.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| threshold | scope | observed | verdict |")?;
    writeln!(out, "|---|---|---:|---|")?;
    for t in &l.thresholds {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md::code(&t.threshold.to_string()),
            md::text(&t.scope),
            format::load_value(t.threshold.metric, t.observed),
            if t.passed { "✅ pass" } else { "❌ **FAIL**" }
        )?;
    }
    Ok(())
}
