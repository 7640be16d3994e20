//! What `history check` found, for people: lines on the terminal, a Markdown table for a pull
//! request or the CI step summary.

use crate::history::{Analysis, Change, Gate, SeriesTrend};
use crate::model::Metric;
use crate::report::escape::{markdown, terminal::Inert};
use crate::report::format::{change as signed_change, plural, quantity};

/// A change point as `history check` reports it.
pub struct Finding<'a> {
    pub trend: &'a SeriesTrend,
    pub change: &'a Change,
    /// It fails the gate (the newest commits sit after it, it is for the worse and big enough).
    pub failing: bool,
    /// It would fail the gate, but the series varies too much to resolve the threshold: why.
    pub inconclusive: Option<String>,
}

/// Every failing change, then the latest three other changes of each series.
pub fn findings<'a>(analysis: &'a Analysis, gate: &'a Gate) -> Vec<Finding<'a>> {
    let mut out: Vec<Finding<'a>> = analysis
        .failures(gate)
        .map(|(trend, change)| Finding {
            trend,
            change,
            failing: true,
            inconclusive: None,
        })
        .collect();
    for trend in &analysis.trends {
        if let Some((change, why)) = trend.inconclusive(gate) {
            out.push(Finding {
                trend,
                change,
                failing: false,
                inconclusive: Some(why),
            });
        }
    }
    for trend in &analysis.trends {
        let gated = trend
            .failing(gate)
            .or_else(|| trend.inconclusive(gate).map(|(c, _)| c))
            .map(|c| c.at.index);
        for change in trend.changes.iter().rev().take(3).rev() {
            if Some(change.at.index) != gated {
                out.push(Finding {
                    trend,
                    change,
                    failing: false,
                    inconclusive: None,
                });
            }
        }
    }
    out
}

/// A change point's size as `+3.0%`, the way comparisons show theirs: relative (`(after - before)
/// / before`), or in percentage points for a metric compared as a difference (an error rate
/// going from 0% to 2%: `+2.0 pp`).
pub fn shift(metric: Metric, change: f64) -> String {
    if metric.compared_as_difference() {
        format!("{:+.1} pp", change * 100.0)
    } else {
        signed_change(1.0 + change)
    }
}

fn label(finding: &Finding<'_>) -> &'static str {
    if finding.inconclusive.is_some() {
        return "INCONCLUSIVE";
    }
    match (finding.failing, finding.change.regression) {
        (true, _) => "REGRESSED",
        (false, true) => "worse",
        (false, false) => "better",
    }
}

/// One terminal line: `REGRESSED  cpu/fib · fuel +3.0% (1 M → 1.03 M) from commit c08 (after c07), exact · suite s · testbed`.
pub fn line(finding: &Finding<'_>) -> String {
    let key = &finding.trend.series.key;
    let change = finding.change;
    let unit = key.metric.unit();
    let evidence = match change.at.p_value {
        Some(p) => format!(", p {p:.3}"),
        None => ", exact".to_string(),
    };
    let why = finding
        .inconclusive
        .as_deref()
        .map(|why| format!("\n{:<9}  {why}", ""))
        .unwrap_or_default();
    format!(
        "{:<9}  {} · {} {} ({} → {}) from commit {}{}{evidence} · suite {} · {}{why}",
        label(finding),
        Inert::line(&key.bench),
        key.metric.as_str(),
        shift(key.metric, change.at.change),
        quantity(unit, change.at.before),
        quantity(unit, change.at.after),
        Inert::line(&change.commit),
        change
            .previous_commit
            .as_deref()
            .map(|c| format!(" (after {})", Inert::line(c)))
            .unwrap_or_default(),
        Inert::line(&key.suite),
        Inert::line(&key.testbed),
    )
}

/// The findings as a Markdown section (GitHub-flavoured).
pub fn markdown(analysis: &Analysis, findings: &[Finding<'_>]) -> String {
    let failing = findings.iter().filter(|f| f.failing).count();
    let inconclusive: Vec<&Finding<'_>> = findings
        .iter()
        .filter(|f| f.inconclusive.is_some())
        .collect();
    let mut out = String::from("## wasmbench history check\n\n");
    out.push_str(&if failing > 0 {
        format!(
            "**{} after a change for the worse** (of {}).\n\n",
            plural(failing, "series sits", "series sit"),
            plural(analysis.trends.len(), "series", "series")
        )
    } else {
        format!(
            "No series sits after a change for the worse ({} checked).\n\n",
            plural(analysis.trends.len(), "series", "series")
        )
    });
    if !inconclusive.is_empty() {
        out.push_str(&format!(
            "🟡 **{} inconclusive**: for the worse beyond the threshold, on a series too noisy to tell (does not fail the check):\n\n",
            plural(inconclusive.len(), "change is", "changes are")
        ));
        for f in &inconclusive {
            out.push_str(&format!(
                "- {} {}: {}\n",
                markdown::code(&f.trend.series.key.bench),
                f.trend.series.key.metric.as_str(),
                markdown::text(f.inconclusive.as_deref().unwrap_or(""))
            ));
        }
        out.push('\n');
    }
    if findings.is_empty() {
        return out;
    }
    out.push_str(
        "| | bench or scenario | metric | change | before → after | from commit | evidence | testbed |\n",
    );
    out.push_str("|---|---|---|---:|---|---|---|---|\n");
    for f in findings {
        let key = &f.trend.series.key;
        let unit = key.metric.unit();
        let c = f.change;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} → {} | {}{} | {} | {} |\n",
            label(f),
            markdown::code(&key.bench),
            key.metric.as_str(),
            shift(key.metric, c.at.change),
            quantity(unit, c.at.before),
            quantity(unit, c.at.after),
            markdown::code(&c.commit),
            c.previous_commit
                .as_deref()
                .map(|p| format!(" (after {})", markdown::code(p)))
                .unwrap_or_default(),
            c.at.p_value
                .map(|p| format!("p = {p:.3}"))
                .unwrap_or_else(|| "exact".into()),
            markdown::text(&key.testbed),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_rate_shift_reads_in_percentage_points() {
        assert_eq!(shift(Metric::ErrorRate, 0.05), "+5.0 pp");
        assert_eq!(shift(Metric::ErrorRate, -0.012), "-1.2 pp");
        assert_eq!(shift(Metric::Throughput, -0.1), "-10.0%");
        assert_eq!(shift(Metric::LatencyP99, 0.2), "+20.0%");
    }
}
