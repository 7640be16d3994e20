//! Group comparisons in words, hyperfine-style: `db/page-keyset ran 3.14× [3.02× – 3.27×] faster
//! than db/page-offset`. The terminal and comparison.md print these lines; the HTML report draws
//! the same ratios (report/html/view/groups.rs) and states them with these words.

use super::format;
use crate::analysis::compare::{BenchChange, Mode, Verdict};
use crate::analysis::ratio::{Statistic, WallRatio};
use crate::analysis::relative::{
    Chosen, GroupSummary, LoadGroupSummary, Ratio, Relative, group_summaries, load_group_summaries,
};
use crate::model::Metric;
use crate::results::RunResults;

/// A group set's heading: `pagination (depth=1000): against db/page-keyset, the fastest`.
pub fn heading(run: &RunResults, s: &GroupSummary) -> String {
    format!("{}{}", s.group, against(run, s))
}

/// The part of the heading after the group's name: ` (depth=1000): against db/page-keyset, the
/// fastest`, or `: against …` when the group sweeps nothing.
pub fn against(run: &RunResults, s: &GroupSummary) -> String {
    let setting = if s.setting.is_empty() {
        String::new()
    } else {
        format!(" ({})", s.setting)
    };
    format!(
        "{setting}: against {}, {}",
        run.benches[s.reference].head.id,
        chosen(s.chosen)
    )
}

/// Why this reference: `the fastest`, `the group's reference`.
pub fn chosen(c: Chosen) -> &'static str {
    match c {
        Chosen::Fastest => "the fastest",
        Chosen::Named => "the group's reference",
    }
}

/// `3.14× [3.02× – 3.27×] faster than`: the factor ≥ 1 of the reference's speed against the
/// other's, with its interval.
pub fn faster_or_slower(wall: &WallRatio) -> String {
    speed_words(wall.ratio, wall.ci)
}

/// [`faster_or_slower`] from `other / reference` and its interval.
pub fn speed_words(ratio: f64, ci: (f64, f64)) -> String {
    // Above 1 the reference is faster.
    let (factor, low, high, word) = if ratio >= 1.0 {
        (ratio, ci.0, ci.1, "faster")
    } else {
        (1.0 / ratio, 1.0 / ci.1, 1.0 / ci.0, "slower")
    };
    format!(
        "{} [{} – {}] {word} than",
        format::ratio(factor),
        format::ratio(low),
        format::ratio(high)
    )
}

/// The other metrics of one bench against the reference: `fuel 4.90×, peak memory 1.00×`.
pub fn exact_ratios(r: &Relative) -> String {
    (r.beside_wall())
        .map(|(metric, ratio)| format!("{} {}", metric.label(), ratio_cell(ratio)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One metric's ratio as a table cell: `4.90×` exact, `1.02× [0.98× – 1.06×]` sampled.
pub fn ratio_cell(ratio: &Ratio) -> String {
    match ratio {
        Ratio::Exact(value) => format::ratio(*value),
        Ratio::Sampled(r) => format!(
            "{} [{} – {}]",
            format::ratio(r.ratio),
            format::ratio(r.ci.0),
            format::ratio(r.ci.1)
        ),
    }
}

/// The lines of one set: the reference's sentence, one line per other bench.
pub fn lines(run: &RunResults, s: &GroupSummary) -> Vec<String> {
    let reference = &run.benches[s.reference].head.id;
    let mut out = vec![format!("{reference} ran")];
    for r in &s.others {
        let other = &run.benches[r.bench];
        out.push(match r.wall() {
            Some(wall) => {
                let tie = if wall.distinguishable() {
                    ""
                } else {
                    " (not told apart: the 95% interval includes 1)"
                };
                format!("  {} {}{tie}", faster_or_slower(wall), other.head.id)
            }
            None => format!(
                "  (no wall-time ratio with {}: it ended `{}`)",
                other.head.id, other.head.status
            ),
        });
        let exact = exact_ratios(r);
        if !exact.is_empty() {
            out.push(format!("    {}: {exact} of {reference}'s", other.head.id));
        }
    }
    out
}

/// The host's part of each bench of a set, reference first (none when no bench called the host):
/// which part of a difference is the sandbox's price rather than the plugin's work.
pub fn host_lines(run: &RunResults, s: &GroupSummary) -> Vec<String> {
    let benches = std::iter::once(s.reference).chain(s.others.iter().map(|r| r.bench));
    let parts: Vec<String> = benches
        .filter_map(|i| {
            let bench = &run.benches[i];
            Some(format!(
                "  {}: {}",
                bench.head.id,
                format::host_part(bench)?
            ))
        })
        .collect();
    if parts.is_empty() {
        return parts;
    }
    std::iter::once(
        "in the host per iteration (host calls: the sandbox's work and any wait in them):"
            .to_string(),
    )
    .chain(parts)
    .collect()
}

/// What the wall-time ratios of a run's groups are made of, in one sentence.
pub fn statistic_note(summaries: &[GroupSummary]) -> Option<String> {
    let mut used: Vec<Statistic> = summaries
        .iter()
        .flat_map(|s| {
            s.others
                .iter()
                .filter_map(|r| r.wall().map(|w| w.statistic))
        })
        .collect();
    used.sort_by_key(|s| *s as u8);
    used.dedup();
    let words: Vec<&str> = used
        .iter()
        .map(|s| match s {
            Statistic::ExecutionGeomean => {
                "geometric means of the executions' medians, with a 95% Welch interval"
            }
            _ => "medians of all iterations, with a 95% bootstrap interval (a single execution)",
        })
        .collect();
    (!words.is_empty()).then(|| format!("Wall-time ratios: {}.", words.join("; ")))
}

/// Load scenarios of one group: `api/slow: p50 2.10×, p99 3.40× api/fast (the fastest by p50)`.
pub fn load_lines(run: &RunResults, s: &LoadGroupSummary) -> Vec<String> {
    let reference = &run.loads[s.reference].head.id;
    let mut out = vec![format!(
        "{}: against {reference}, {} (one run each: no interval)",
        s.group,
        match s.chosen {
            Chosen::Fastest => "the lowest p50",
            Chosen::Named => "the group's reference",
        }
    )];
    for other in &s.others {
        let ratios: Vec<String> = (other.ratios.iter())
            .map(|(metric, r)| {
                let r = r.map_or_else(|| "—".into(), format::ratio);
                format!("{} {r}", metric.as_str())
            })
            .collect();
        out.push(format!(
            "  {}: {} the reference's",
            run.loads[other.load].head.id,
            ratios.join(", ")
        ));
    }
    out
}

/// Every group's lines as plain text (the terminal's section), `None` without groups to compare.
pub fn plain(run: &RunResults) -> Option<String> {
    let summaries = group_summaries(run);
    let loads = load_group_summaries(run);
    if summaries.is_empty() && loads.is_empty() {
        return None;
    }
    let mut out = String::new();
    for s in &summaries {
        out.push_str(&heading(run, s));
        out.push('\n');
        for line in lines(run, s).into_iter().chain(host_lines(run, s)) {
            out.push_str("  ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    for s in &loads {
        for line in load_lines(run, s) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    if let Some(note) = statistic_note(&summaries) {
        out.push_str(&note);
        out.push('\n');
    }
    Some(out)
}

/// A comparison's wall-time ratios as sentences, from the old run's side as hyperfine says them:
/// `cpu/fib: base ran 1.052× [1.020× – 1.085×] faster than head`. Benches without a ratio are left
/// out (the table says why).
pub fn comparison_lines<'a>(
    mode: Mode,
    benches: impl IntoIterator<Item = &'a BenchChange>,
) -> Vec<String> {
    let (old, new) = match mode {
        Mode::Paired => ("base", "head"),
        Mode::Baseline => ("the baseline", "this run"),
    };
    benches
        .into_iter()
        .filter_map(|b| {
            let wall = b.metrics.iter().find(|m| m.metric == Metric::Wall)?;
            let (ratio, ci) = (wall.ratio?, wall.ratio_ci?);
            let tie = if ci.0 > 1.0 || ci.1 < 1.0 {
                ""
            } else {
                " (not told apart: the 95% interval includes 1)"
            };
            Some(format!(
                "{}: {old} ran {} {new}{tie}",
                b.id,
                speed_words(ratio, ci)
            ))
        })
        .collect()
}

/// Why each inconclusive verdict is inconclusive and what would settle it: `cpu/fib: wall time
/// inconclusive: the 95% interval … would settle it`.
pub fn unsettled_lines<'a>(benches: impl IntoIterator<Item = &'a BenchChange>) -> Vec<String> {
    benches
        .into_iter()
        .flat_map(|b| {
            b.metrics
                .iter()
                .filter(|m| m.verdict == Verdict::Inconclusive)
                .map(move |m| {
                    let why = m.basis.as_deref().unwrap_or("inconclusive");
                    format!("{}: {} {why}", b.id, m.metric.label())
                })
        })
        .collect()
}
