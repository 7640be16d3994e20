//! The comparison with a baseline (or an A/B run) on the terminal: a table of verdicts,
//! regressions first, then in words — what is inconclusive and why, each ratio as a sentence — and
//! the load scenarios' ratios.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::super::escape::terminal::{line, text};
use super::super::format;
use crate::model::{Metric, Unit};

/// The comparison as a table, regressions first.
pub fn render_comparison(comparison: &crate::analysis::compare::Comparison, color: bool) -> String {
    use crate::analysis::compare::Verdict;
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
        let mut verdict = Cell::new(bench.verdict_label());
        if color {
            verdict = verdict.fg(match bench.verdict {
                Verdict::Regressed | Verdict::Failed | Verdict::Missing => Color::Red,
                Verdict::NoData | Verdict::Inconclusive => Color::Yellow,
                Verdict::Improved => Color::Green,
                Verdict::New | Verdict::InsufficientData | Verdict::Unchanged => Color::Reset,
            });
        }
        let cell = |metric: Metric| {
            bench
                .metrics
                .iter()
                .find(|m| m.metric == metric)
                .and_then(|m| m.ratio.map(|r| (m, r)))
                .map(|(m, r)| {
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
                })
                .unwrap_or_else(|| {
                    match bench.metrics.iter().find(|m| m.metric == metric) {
                        Some(m) if m.verdict == Verdict::InsufficientData => "insufficient data",
                        Some(m) if m.verdict == Verdict::NoData => "no data",
                        _ => "—",
                    }
                    .into()
                })
        };
        let mut row = vec![Cell::new(line(&bench.id)), verdict];
        row.extend(Metric::bench().map(|m| Cell::new(cell(m))));
        row.push(Cell::new(text(bench.note.as_deref().unwrap_or(""))));
        table.add_row(row);
    }
    let mut out = format!(
        "comparison ({}): {}\n{table}",
        match comparison.mode {
            crate::analysis::compare::Mode::Paired => "interleaved A/B",
            crate::analysis::compare::Mode::Baseline => "against baseline",
        },
        comparison.headline()
    );
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
        out.push_str(&load_comparison(&comparison.loads));
    }
    out
}

/// Load scenarios against the baseline: new/old of corrected percentiles and throughput per phase
/// (informational: load tests gate on their thresholds).
fn load_comparison(loads: &[crate::analysis::compare::LoadChange]) -> String {
    use crate::analysis::compare::load::COMPARED;
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let mut header = vec!["load scenario".to_string(), "phase".to_string()];
    header.extend(COMPARED.iter().map(|s| format!("{} new/old", s.name())));
    header.extend(["throughput new/old".into(), "error rate".into()]);
    table.set_header(header);
    for load in loads {
        if load.spans.is_empty() {
            let mut row = vec![line(&load.id).into_owned(), "—".into()];
            row.extend(COMPARED.iter().map(|_| String::new()));
            row.extend([load.note.clone().unwrap_or_default(), String::new()]);
            table.add_row(row);
        }
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
            table.add_row(row);
        }
    }
    format!("load scenarios against the baseline (informational; thresholds gate)\n{table}")
}
