//! `comparison.md`: a summary for a pull-request comment or a CI step summary. Lists changed benches
//! only unless `all`, regressions first; then the load scenarios, each with its phases and its
//! thresholds' verdicts.

use std::fmt::Write;

use anyhow::Result;

use super::escape::markdown as md;
use super::export::{Export, Inputs};
use super::format;
use super::relative;
use crate::analysis::compare::{BenchChange, Comparison, Mode, Verdict};
use crate::analysis::relative::{Chosen, Relative, group_summaries, load_group_summaries};
use crate::model::Metric;
use crate::results::RunResults;

mod cells;
mod load;

use cells::metric_cell;
use load::{write_load_ratios, write_loads};

pub struct Markdown;

impl Export for Markdown {
    fn file_name(&self) -> &'static str {
        "comparison.md"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let loads = &inputs.results.loads;
        // Groups, then models: what a run shows without a baseline.
        let groups = groups(inputs.results)? + &models(inputs.results)?;
        // With a comparison, only the benches the table shows (all of them with `--all`).
        let apart = super::executions::markdown(inputs.results, |id| {
            inputs.all
                || inputs
                    .comparison
                    .is_none_or(|c| c.benches.iter().any(|b| b.id == id && b.changed()))
        });
        let Some(c) = inputs.comparison else {
            if loads.is_empty() && groups.is_empty() && apart.is_none() {
                return Ok(None);
            }
            let failed = loads.iter().filter(|l| !format::load_status(l).0).count();
            let icon = if failed > 0 { "🔴" } else { "🟢" };
            let mut out = format!(
                "## {icon} wasmbench: suite {}\n\n",
                md::code(&inputs.results.suite.name)
            );
            out.push_str(&groups);
            if !loads.is_empty() {
                if !groups.is_empty() {
                    writeln!(out)?;
                }
                write_loads(&mut out, loads)?;
            }
            if let Some(apart) = &apart {
                writeln!(out)?;
                out.push_str(apart);
            }
            return Ok(Some(out));
        };
        let mut out = String::new();
        benches(&mut out, inputs, c)?;
        if !groups.is_empty() {
            writeln!(out)?;
            out.push_str(&groups);
        }
        if !loads.is_empty() {
            writeln!(out)?;
            write_loads(&mut out, loads)?;
        }
        if !c.loads.is_empty() {
            writeln!(out)?;
            write_load_ratios(&mut out, &c.loads)?;
        }
        if let Some(apart) = &apart {
            writeln!(out)?;
            out.push_str(apart);
        }
        Ok(Some(out))
    }
}

/// The comparison's part: headline, thresholds, and a row per bench shown.
fn benches(out: &mut String, inputs: &Inputs<'_>, c: &Comparison) -> Result<()> {
    heading(out, inputs, c)?;
    let shown: Vec<&BenchChange> = c
        .by_concern()
        .into_iter()
        .filter(|b| inputs.all || b.changed())
        .collect();
    if shown.is_empty() {
        writeln!(out, "No bench changed beyond its thresholds.")?;
        return Ok(());
    }
    let columns: Vec<String> = Metric::bench()
        .map(|m| format!("{} (new / old)", m.label()))
        .collect();
    writeln!(out, "| bench | verdict | {} | note |", columns.join(" | "))?;
    writeln!(out, "|---|---|{}---|", "---|".repeat(columns.len()))?;
    for b in &shown {
        let cells: Vec<String> = Metric::bench()
            .map(|m| metric_cell(&b.metrics, m))
            .collect();
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            md::code(&b.id),
            verdict_cell(b),
            cells.join(" | "),
            md::text(b.note.as_deref().unwrap_or(""))
        )?;
    }
    below_the_table(out, inputs, c, &shown)
}

/// The summary's heading (its icon the worst verdict's colour), the mode and the thresholds.
fn heading(out: &mut String, inputs: &Inputs<'_>, c: &Comparison) -> Result<()> {
    let icon = if c.any(&[Verdict::Regressed, Verdict::Failed])
        || inputs
            .results
            .loads
            .iter()
            .any(|l| !format::load_status(l).0)
    {
        "🔴"
    } else if c.any(&[Verdict::Inconclusive]) {
        "🟡"
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
        "Suite {}, {mode}. Thresholds: {} (wall time: a change needs its 95% interval beyond the threshold, `unchanged` needs it within; otherwise inconclusive).",
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
    Ok(())
}

/// After the verdicts' table: the noise warning, the wall-time values, what is inconclusive and
/// why, the changes in words, how many unchanged benches were left out.
fn below_the_table(
    out: &mut String,
    inputs: &Inputs<'_>,
    c: &Comparison,
    shown: &[&BenchChange],
) -> Result<()> {
    if let Some(warning) = c.noise_warning() {
        writeln!(out)?;
        writeln!(out, "⚠️ {}", md::text(&warning))?;
    }
    let values = format::wall_values(c);
    if !values.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", md::text(&values))?;
    }
    let unsettled = relative::unsettled_lines(shown.iter().copied());
    if !unsettled.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "🟡 Inconclusive (does not fail the job unless `--fail-on inconclusive`):"
        )?;
        writeln!(out)?;
        for s in unsettled {
            writeln!(out, "- {}", md::text(&s))?;
        }
    }
    let sentences = relative::comparison_lines(c.mode, shown.iter().copied());
    if !sentences.is_empty() {
        writeln!(out)?;
        writeln!(out, "In words:")?;
        writeln!(out)?;
        for s in sentences {
            writeln!(out, "- {}", md::text(&s))?;
        }
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
    Ok(())
}

/// Each group's alternatives against its reference, as sentences (empty without groups).
fn groups(run: &RunResults) -> Result<String> {
    let summaries = group_summaries(run);
    let loads = load_group_summaries(run);
    let mut out = String::new();
    if summaries.is_empty() && loads.is_empty() {
        return Ok(out);
    }
    writeln!(
        out,
        "### Groups: each alternative against the group's reference"
    )?;
    writeln!(out)?;
    for s in &summaries {
        let reference = &run.benches[s.reference].head.id;
        let setting = if s.setting.is_empty() {
            String::new()
        } else {
            format!(" ({})", md::text(&s.setting))
        };
        writeln!(
            out,
            "**{}**{setting}: {} ran",
            md::code(&s.group),
            md::code(reference)
        )?;
        for r in &s.others {
            writeln!(out, "- {}", alternative(run, r))?;
        }
        let host = relative::host_lines(run, s);
        if let Some((title, parts)) = host.split_first() {
            writeln!(out, "\n{}", md::text(title))?;
            for part in parts {
                writeln!(out, "- {}", md::text(part.trim()))?;
            }
        }
        writeln!(
            out,
            "\nReference: {}.\n",
            match s.chosen {
                Chosen::Fastest => "the fastest",
                Chosen::Named => "named by the suite",
            }
        )?;
    }
    for s in &loads {
        let lines = relative::load_lines(run, s);
        for (k, line) in lines.iter().enumerate() {
            let prefix = if k == 0 { "" } else { "- " };
            writeln!(out, "{prefix}{}", md::text(line.trim()))?;
        }
        writeln!(out)?;
    }
    if let Some(note) = relative::statistic_note(&summaries) {
        writeln!(out, "{}", md::text(&note))?;
    }
    Ok(out)
}

/// One alternative of a group against its reference: the wall-time ratio (or why there is none),
/// then the exact ones.
fn alternative(run: &RunResults, r: &Relative) -> String {
    let other = &run.benches[r.bench];
    let wall = match r.wall() {
        Some(w) if w.distinguishable() => {
            format!(
                "{} {}",
                relative::faster_or_slower(w),
                md::code(&other.head.id)
            )
        }
        Some(w) => format!(
            "{} {} (not told apart: the 95% interval includes 1)",
            relative::faster_or_slower(w),
            md::code(&other.head.id)
        ),
        None => format!(
            "no wall-time ratio with {}: it ended {}",
            md::code(&other.head.id),
            md::code(other.head.status.as_str())
        ),
    };
    let exact = relative::exact_ratios(r);
    if exact.is_empty() {
        wall
    } else {
        format!("{wall}; {exact} of the reference's")
    }
}

/// Each bench with a `model` against what it predicts (empty without models).
fn models(run: &RunResults) -> Result<String> {
    let rows = super::models::rows(run);
    let mut out = String::new();
    if rows.is_empty() {
        return Ok(out);
    }
    writeln!(
        out,
        "### Models: {} against what the suite predicts\n",
        super::models::MEASURED
    )?;
    writeln!(out, "| bench | measured | predicted | model | deviation |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for row in &rows {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md::code(row.id),
            format::duration_ns(row.against.measured_ns),
            format::duration_ns(row.against.expected_ns),
            md::code(row.expression),
            super::models::deviation(row)
        )?;
    }
    writeln!(out)?;
    if let Some(fixture) = super::models::fixture_sentence(run) {
        writeln!(out, "{fixture}.\n")?;
    }
    Ok(out)
}

fn verdict_cell(b: &BenchChange) -> String {
    let symbol = match b.verdict {
        Verdict::Regressed => "🔴",
        Verdict::Failed => "❌",
        Verdict::Missing => "⚠️",
        Verdict::NoData => "∅",
        Verdict::New => "🆕",
        Verdict::Improved => "🟢",
        Verdict::Inconclusive => "🟡",
        Verdict::InsufficientData => "❔",
        Verdict::Unchanged => "⚪",
    };
    format!("{symbol} {}", b.verdict_label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{could_not_start, hostile, overloaded, run_with_loads};

    fn render(run: &crate::results::RunResults, comparison: Option<&Comparison>) -> String {
        let inputs = Inputs {
            results: run,
            comparison,
            all: false,
            dir: None,
        };
        Markdown.render(&inputs).unwrap().expect("something to say")
    }

    #[test]
    fn load_scenarios_have_their_phases_and_verdicts() {
        let run = run_with_loads(vec![overloaded(), could_not_start()]);
        let out = render(&run, None);
        assert!(
            out.starts_with("## 🔴 wasmbench: suite <code>load</code>\n\n### Load scenarios\n")
        );
        assert!(
            out.contains("**<code>handler/echo</code>** ❌ FAILED: 2 of 4 thresholds missed\n")
        );
        assert!(out.contains(
            "| overload | 1.50 k req/s | 1.50 k req/s | 1.06 k req/s (70.7%) | 3.64% (timeout 380 · trap 20) | 4,000 | 163 ms | 814 ms | 1.70 s |"
        ), "{out}");
        assert!(out.contains("| **overall** | — | 725 req/s | 615 req/s (84.8%) |"));
        assert!(out.contains("| <code>p95 &lt; 100ms</code> | overall | 183 ms | ❌ **FAIL** |"));
        assert!(
            out.contains("| <code>throughput &gt; 500/s</code> | ramp | 600 req/s | ✅ pass |")
        );
        assert!(out.contains("| overload | — (nothing measured) | ❌ **FAIL** |"));
        // Nothing measured: the status and the message, on one line, no table.
        assert!(out.contains(
            "**<code>misbehave/trap</code>** ❌ FAILED: trap: wasm trap: unreachable\\\\n  at misbehave::run\n"
        ), "{out}");

        // After a comparison's benches, in the same file.
        let comparison = crate::analysis::compare::compare(&run, &run, None, None);
        let out = render(&run, Some(&comparison));
        assert!(out.starts_with("## 🔴 wasmbench: "), "{out}");
        assert!(out.contains("No bench changed beyond its thresholds.\n\n### Load scenarios\n"));
        // No comparison and no loads: nothing to write.
        let inputs = Inputs {
            results: &run_with_loads(Vec::new()),
            comparison: None,
            all: false,
            dir: None,
        };
        assert!(Markdown.render(&inputs).unwrap().is_none());
    }

    #[test]
    fn load_text_is_inert() {
        let out = render(&run_with_loads(vec![hostile()]), None);
        for raw in ["<script>", "<b>", "<i>", "<img", "<40s>"] {
            assert!(!out.contains(raw), "{raw} in {out}");
        }
        assert!(out.contains("| &lt;b&gt;warm&lt;/b&gt; &amp; \\| \\`x\\` | 200 req/s |"));
        // Every table row has its cells: no pipe escaped from a name.
        for line in out.lines().filter(|l| l.starts_with("| ")) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!(cells == 10 || cells == 5, "{line}");
        }
    }
}
