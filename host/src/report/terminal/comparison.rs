//! The comparison with a baseline (or an A/B run) on the terminal: a table of verdicts,
//! regressions first, then in words — what is inconclusive and why, each ratio as a sentence — and
//! the load scenarios' ratios.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::super::escape::terminal::{line, text};
use super::super::format;
use crate::model::{Metric, Unit};

/// The comparison as a table, regressions first.
pub fn render_comparison(comparison: &crate::analysis::compare::Comparison, color: bool) -> String {
    let table = bench_table(comparison, color);
    let mut out = format!(
        "comparison ({}): {}",
        match comparison.mode {
            crate::analysis::compare::Mode::Paired => "interleaved A/B",
            crate::analysis::compare::Mode::Baseline => "against baseline",
        },
        comparison.headline()
    );
    // A suite of load scenarios alone has no bench table.
    if !comparison.benches.is_empty() {
        out.push_str(&format!("\n{table}"));
    }
    if let Some(warning) = comparison.noise_warning() {
        out.push_str(&format!("\nwarning: {warning}"));
    }
    let values = format::wall_values(comparison);
    if !values.is_empty() {
        out.push('\n');
        out.push_str(&values);
    }
    let unsettled = super::super::relative::unsettled_lines(comparison.by_concern());
    if !unsettled.is_empty() {
        out.push_str("\n\ninconclusive (does not fail the job unless --fail-on inconclusive):\n");
        let lines: Vec<String> = unsettled.iter().map(|s| format!("  {}", line(s))).collect();
        out.push_str(&lines.join("\n"));
    }
    let sentences =
        super::super::relative::comparison_lines(comparison.mode, comparison.by_concern());
    if !sentences.is_empty() {
        out.push_str("\n\nin words:\n");
        let sentences: Vec<String> = sentences.iter().map(|s| format!("  {}", line(s))).collect();
        out.push_str(&sentences.join("\n"));
    }
    if !comparison.loads.is_empty() {
        out.push_str("\n\n");
        out.push_str(&load_comparison(&comparison.loads, color));
    }
    out
}

/// The benches' verdicts, a row each, regressions first: each metric's change with its interval.
fn bench_table(comparison: &crate::analysis::compare::Comparison, color: bool) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(
            ["bench".to_string(), "verdict".to_string()]
                .into_iter()
                .chain(Metric::bench().map(|m| match m.unit() {
                    Unit::Nanoseconds => format!("{} (new/old, 95% CI)", m.label()),
                    _ => m.label().to_string(),
                }))
                .chain(["note".to_string()]),
        );
    for bench in comparison.by_concern() {
        let verdict = verdict_cell(bench.verdict_label(), bench.verdict, color);
        let mut row = vec![Cell::new(line(&bench.id)), verdict];
        row.extend(Metric::bench().map(|m| Cell::new(metric_cell(bench, m))));
        row.push(Cell::new(text(bench.note.as_deref().unwrap_or(""))));
        table.add_row(row);
    }
    table
}

/// One metric's change: `+3.1% [+1.0% … +5.2%] regressed`, or why there is none.
fn metric_cell(bench: &crate::analysis::compare::BenchChange, metric: Metric) -> String {
    use crate::analysis::compare::Verdict;
    let change = bench.metrics.iter().find(|m| m.metric == metric);
    match change.and_then(|m| m.ratio.map(|r| (m, r))) {
        Some((m, r)) => {
            let pct = super::format::change;
            let mut text = pct(r);
            if let Some((low, high)) = m.ratio_ci {
                text.push_str(&format!(" [{} … {}]", pct(low), pct(high)));
            }
            if m.verdict != Verdict::Unchanged {
                text.push_str(&format!(" {}", m.verdict));
            }
            if !m.gating {
                text.push_str(" (not gating: a single execution)");
            }
            text
        }
        None => match change {
            Some(m) if m.verdict == Verdict::InsufficientData => "insufficient data",
            Some(m) if m.verdict == Verdict::NoData => "no data",
            _ => "—",
        }
        .into(),
    }
}

/// Load scenarios against the baseline: a verdict per scenario from its rounds (p50, p99,
/// throughput new/old with their 95% intervals, the error rate old → new), then per phase the
/// detail rounds' percentiles new/old, as information.
fn load_comparison(loads: &[crate::analysis::compare::LoadChange], color: bool) -> String {
    use crate::analysis::compare::load::COMPARED;
    let mut verdicts = Table::new();
    verdicts
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let mut header = vec!["load scenario".to_string(), "verdict".to_string()];
    header.extend(Metric::load().map(|m| match m.unit() {
        Unit::Fraction => format!("{} (old → new)", m.label()),
        _ => format!("{} (new/old, 95% CI)", m.label()),
    }));
    header.push("rounds".into());
    verdicts.set_header(header);
    let mut phases = Table::new();
    phases
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let mut header = vec!["load scenario".to_string(), "phase".to_string()];
    header.extend(COMPARED.iter().map(|s| format!("{} new/old", s.name())));
    header.extend(["throughput new/old".into(), "error rate".into()]);
    phases.set_header(header);
    for load in loads {
        let mut row = vec![
            Cell::new(line(&load.id)),
            verdict_cell(load.verdict_label(), load.verdict, color),
        ];
        row.extend(Metric::load().map(|m| Cell::new(format::load_change(load.metric(m)))));
        row.push(Cell::new(text(load.basis())));
        verdicts.add_row(row);
        for span in &load.spans {
            let mut row = vec![line(&load.id).into_owned(), line(&span.scope).into_owned()];
            row.extend(COMPARED.iter().map(|stat| {
                span.latency_ratio(*stat)
                    .map_or_else(|| "—".into(), format::ratio)
            }));
            row.push(
                span.throughput_ratio()
                    .map_or_else(|| "—".into(), format::ratio),
            );
            row.push(format!(
                "{} → {}",
                format::share(span.old.error_rate),
                format::share(span.new.error_rate)
            ));
            phases.add_row(row);
        }
    }
    let mut out = format!("load scenarios against the baseline, from their rounds\n{verdicts}");
    let inconclusive: Vec<String> = loads
        .iter()
        .flat_map(|l| l.metrics.iter().map(move |m| (l, m)))
        .filter(|(_, m)| m.verdict == crate::analysis::compare::Verdict::Inconclusive)
        .filter_map(|(l, m)| {
            Some(format!(
                "  {} {}: {}",
                line(&l.id),
                m.metric.label(),
                line(m.basis.as_deref()?)
            ))
        })
        .collect();
    if !inconclusive.is_empty() {
        out.push('\n');
        out.push_str(&inconclusive.join("\n"));
    }
    if loads.iter().any(|l| !l.spans.is_empty()) {
        out.push_str(&format!(
            "\nper phase, the median round of each side (information)\n{phases}"
        ));
    }
    out
}

/// A verdict, coloured by concern.
fn verdict_cell(label: String, verdict: crate::analysis::compare::Verdict, color: bool) -> Cell {
    use crate::analysis::compare::Verdict;
    let cell = Cell::new(label);
    if !color {
        return cell;
    }
    cell.fg(match verdict {
        Verdict::Regressed | Verdict::Failed | Verdict::Missing => Color::Red,
        Verdict::NoData | Verdict::Inconclusive => Color::Yellow,
        Verdict::Improved => Color::Green,
        Verdict::New | Verdict::InsufficientData | Verdict::Unchanged => Color::Reset,
    })
}
