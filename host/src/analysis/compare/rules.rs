//! The rule per kind of metric: counted metrics compared exactly (beyond the spread when they
//! vary), sampled ones by intervals of the ratio; and the metric's direction applied last.

use super::verdict::{MetricChange, Verdict, WallGating};
use crate::analysis::ratio::{Statistic, WallRatio, wall_ratio};
use crate::analysis::stats::{CONFIDENCE, EQUIVALENCE_CONFIDENCE, hierarchical_ci_at, median_of};
use crate::model::{Direction, Metric, percent};
use crate::results::{Counted, WallResult};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Verdicts are computed as if more were worse; a metric where more is better swaps them.
pub(super) fn oriented(mut change: MetricChange) -> MetricChange {
    if change.metric.direction() == Direction::HigherIsBetter {
        change.verdict = match change.verdict {
            Verdict::Regressed => Verdict::Improved,
            Verdict::Improved => Verdict::Regressed,
            other => other,
        };
    }
    change
}

/// Deterministic metrics: any change beyond the tolerance counts.
pub(super) fn exact(metric: Metric, old: f64, new: f64, threshold: f64) -> MetricChange {
    let ratio = if old > 0.0 {
        new / old
    } else if new > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    let verdict = if ratio > 1.0 + threshold {
        Verdict::Regressed
    } else if ratio < 1.0 - threshold {
        Verdict::Improved
    } else {
        Verdict::Unchanged
    };
    MetricChange {
        metric,
        verdict,
        old: Some(old),
        new: Some(new),
        ratio: Some(ratio),
        ratio_ci: None,
        equivalence_ci: None,
        threshold,
        gating: true,
        basis: None,
        statistic: Some(Statistic::Exact),
    }
}

/// Counted metrics (fuel, memory): exact when both sides are deterministic; when either varies
/// (fuel of concurrent I/O), a change must also lie beyond the spread of samples both sides showed
/// (new's lowest above old's highest by more than either side's range, or the reverse), so
/// variation alone is never called a change.
pub(super) fn counted_change(
    metric: Metric,
    old: Counted,
    new: Counted,
    threshold: f64,
) -> MetricChange {
    let mut change = exact(metric, old.value, new.value, threshold);
    if old.range.is_none() && new.range.is_none() {
        return change;
    }
    let ((old_min, old_max), (new_min, new_max)) = (old.span(), new.span());
    change.basis = Some(format!(
        "varies: {old_min}–{old_max} vs {new_min}–{new_max}"
    ));
    // Three samples understate a spread: the gap between the sides must also exceed the wider
    // of the two ranges.
    let spread = (old_max - old_min).max(new_max - new_min);
    let beyond = match change.verdict {
        Verdict::Regressed => new_min > old_max && new_min - old_max > spread,
        Verdict::Improved => new_max < old_min && old_min - new_max > spread,
        _ => true,
    };
    if !beyond {
        change.verdict = Verdict::Unchanged;
    }
    change
}

/// `no-data`: a side has nothing to compare (`old_measured` / `new_measured` say which sides have
/// the metric at all).
pub(super) fn no_data(
    metric: Metric,
    threshold: f64,
    old_measured: bool,
    new_measured: bool,
) -> MetricChange {
    let basis = match (old_measured, new_measured) {
        (false, false) if metric == Metric::Wall => "no samples in either run",
        (false, true) if metric == Metric::Wall => "no samples in the baseline",
        (true, false) if metric == Metric::Wall => "no samples in the new run",
        (false, false) => "not measured in either run",
        (false, true) => "not measured in the baseline",
        (true, false) => "not measured in the new run",
        (true, true) => "measured differently in the two runs",
    };
    MetricChange {
        metric,
        verdict: Verdict::NoData,
        old: None,
        new: None,
        ratio: None,
        ratio_ci: None,
        equivalence_ci: None,
        threshold,
        gating: true,
        basis: Some(format!("no data: {basis}")),
        statistic: None,
    }
}

/// A side's samples for statistics, per execution, and their median; why there is no data
/// otherwise. `samples` is what counts: executions that don't add up to it (a hand-edited or
/// truncated file) are set aside for the samples as one execution.
fn usable(w: &WallResult) -> Usable {
    if w.samples.is_empty() {
        return Err("no samples");
    }
    let in_executions: usize = w.executions.iter().map(Vec::len).sum();
    let runs = if in_executions == w.samples.len() {
        w.executions_f64()
    } else {
        vec![w.samples.iter().map(|&ns| ns as f64).collect()]
    };
    let pooled: Vec<f64> = runs.iter().flatten().copied().collect();
    let median = median_of(&pooled);
    if !(median.is_finite() && median > 0.0) {
        return Err("a median of 0 ns");
    }
    Ok((runs, median))
}

/// Sampled metrics (wall time): paired ratios in an A/B run, per-execution medians between
/// separate runs.
pub(super) fn sampled_change(
    metric: Metric,
    a: &WallResult,
    b: &WallResult,
    threshold: f64,
    pairs: Option<&Vec<Vec<(u64, u64)>>>,
    gating: WallGating,
) -> MetricChange {
    let (old, new) = (usable(a), usable(b));
    let median = |side: &Usable| side.as_ref().ok().map(|s| s.1);
    let mut change = MetricChange {
        metric,
        verdict: Verdict::InsufficientData,
        old: median(&old),
        new: median(&new),
        ratio: None,
        ratio_ci: None,
        equivalence_ci: None,
        threshold,
        gating: true,
        basis: None,
        statistic: Some(Statistic::PooledMedian),
    };
    let ((old_runs, _), (new_runs, _)) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            change.verdict = Verdict::NoData;
            change.basis = Some(no_samples(&old, &new));
            return change;
        }
    };
    let paired = pairs.filter(|p| p.iter().map(Vec::len).sum::<usize>() > 0);
    let estimate = match paired {
        Some(pairs) => paired_ratio(&mut change, pairs),
        None => separate_runs_ratio(
            &mut change,
            (a, b),
            (&old_runs, &new_runs),
            threshold,
            gating,
        ),
    };
    if let Some(estimate) = estimate {
        judge_against_no_change(&mut change, estimate, threshold);
    }
    change
}

/// A side's samples per execution and their median ([`usable`]), or why there is no data.
type Usable = Result<(Vec<Vec<f64>>, f64), &'static str>;

/// A ratio of new to old and its 95% (and, when known, 90%) interval, still to be judged.
struct Estimate {
    ratio: f64,
    ci: (f64, f64),
    equivalence: Option<(f64, f64)>,
}

/// Why a side has no data, for the basis: `no data: no samples in the baseline, …`.
fn no_samples(old: &Usable, new: &Usable) -> String {
    let why = |side: &str, r: &Usable| r.as_ref().err().map(|e| format!("{e} in the {side}"));
    let reasons: Vec<String> = [why("baseline", old), why("new run", new)]
        .into_iter()
        .flatten()
        .collect();
    format!("no data: {}", reasons.join(", "))
}

/// In an A/B run: the median of the pairs' ratios and its intervals over executions; `None` when
/// `change` is already final (too few pairs, a median ratio of 0).
fn paired_ratio(change: &mut MetricChange, pairs: &[Vec<(u64, u64)>]) -> Option<Estimate> {
    let ratios: Vec<Vec<f64>> = pairs
        .iter()
        .map(|execution| {
            execution
                .iter()
                .filter(|(o, _)| *o > 0)
                .map(|(o, n)| *n as f64 / *o as f64)
                .collect()
        })
        .collect();
    let all: Vec<f64> = ratios.iter().flatten().copied().collect();
    change.basis = Some(format!(
        "paired: {} pairs in {} executions",
        all.len(),
        ratios.iter().filter(|r| !r.is_empty()).count()
    ));
    if all.len() < 2 {
        return None;
    }
    let ratio = median_of(&all);
    if !(ratio.is_finite() && ratio > 0.0) {
        change.verdict = Verdict::NoData;
        change.basis = Some(format!(
            "no data: {} (a median ratio of 0)",
            change.basis.take().unwrap_or_default()
        ));
        return None;
    }
    change.statistic = Some(Statistic::PairedRatio);
    let levels = [CONFIDENCE, EQUIVALENCE_CONFIDENCE];
    let intervals = hierarchical_ci_at(&ratios, median_of, &levels);
    Some(Estimate {
        ratio,
        ci: intervals[0],
        equivalence: Some(intervals[1]),
    })
}

/// Between separate runs: the ratio of the sides' executions, judged here against the threshold
/// when their spread is known (`None`: `change` is final), else returned, not gating.
fn separate_runs_ratio(
    change: &mut MetricChange,
    (old, new): (&WallResult, &WallResult),
    (old_runs, new_runs): (&[Vec<f64>], &[Vec<f64>]),
    threshold: f64,
    gating: WallGating,
) -> Option<Estimate> {
    let count = |runs: &[Vec<f64>]| runs.iter().filter(|r| !r.is_empty()).count();
    let (old_n, new_n) = (count(old_runs), count(new_runs));
    change.basis = Some(format!("{old_n} vs {new_n} executions"));
    if old.samples.len() < 2 || new.samples.len() < 2 {
        change.basis = Some(format!(
            "{old_n} vs {new_n} executions: a single sample on a side"
        ));
        return None;
    }
    let Some(r) = wall_ratio(old_runs, new_runs) else {
        change.verdict = Verdict::NoData;
        change.basis = Some("no data: nothing to divide by".into());
        return None;
    };
    // The values beside the ratio are the ones it is made of.
    (change.old, change.new, change.statistic) = (Some(r.old), Some(r.new), Some(r.statistic));
    if let Some(set_aside) = set_aside(&r.set_aside) {
        change.basis = Some(format!(
            "{old_n} vs {new_n} executions; set aside as standing apart from the others: {set_aside}"
        ));
    }
    if r.statistic == Statistic::ExecutionGeomean {
        judge_beyond_threshold(change, &r, (old, new), threshold, (old_n, new_n));
        return None;
    }
    change.gating = gating == WallGating::Always;
    change.basis = Some(format!(
        "{old_n} vs {new_n} executions: not gating (between-run variation unknown)"
    ));
    Some(Estimate {
        ratio: r.ratio,
        ci: r.ci,
        equivalence: r.equivalence,
    })
}

/// The executions each side set aside (numbered from 1), in words; `None` when none were.
fn set_aside((old, new): &(Vec<usize>, Vec<usize>)) -> Option<String> {
    let aside = |side: &str, list: &[usize]| {
        (!list.is_empty()).then(|| {
            let numbers: Vec<String> = list.iter().map(|i| (i + 1).to_string()).collect();
            format!("execution {} of the {side}", numbers.join(", "))
        })
    };
    let sides: Vec<String> = [aside("baseline", old), aside("new run", new)]
        .into_iter()
        .flatten()
        .collect();
    (!sides.is_empty()).then(|| sides.join(", "))
}

/// The verdict between separate runs with the executions' spread known: a change confidently
/// beyond the threshold, unless only setting executions aside or the CPU wait makes it so.
fn judge_beyond_threshold(
    change: &mut MetricChange,
    r: &WallRatio,
    (old, new): (&WallResult, &WallResult),
    threshold: f64,
    executions: (usize, usize),
) {
    // Separate runs drift by a few percent whatever the code does: a change must be confidently
    // beyond the threshold, not merely beyond 1.
    let intervals = Intervals {
        ci: r.ci,
        equivalence: r.equivalence.unwrap_or(r.ci),
    };
    let (above, below) = (1.0 + threshold, 1.0 - threshold);
    change.verdict = beyond(r.ratio, intervals, above, below, threshold);
    change.ratio = Some(r.ratio);
    change.ratio_ci = Some(r.ci);
    change.equivalence_ci = r.equivalence;
    if let Some(all) = r.ci_all
        && matches!(change.verdict, Verdict::Regressed | Verdict::Improved)
    {
        let with_all = Intervals {
            ci: all,
            equivalence: all,
        };
        if beyond(r.ratio, with_all, above, below, threshold) != change.verdict {
            inconclusive(
                change,
                format!(
                    "only with them set aside does the 95% interval lie beyond ±{}; with every execution it is {:.3}×–{:.3}×, and an execution that stands apart is itself a sign of a noisy run: rerun on a quieter machine, or use `wasmbench ab`",
                    percent(threshold),
                    all.0,
                    all.1
                ),
            );
            return;
        }
    }
    if let Some(why) = explained_by_cpu_wait(change.verdict, r.ci, threshold, old, new) {
        let advice = "rerun on a quieter machine, or use `wasmbench ab`";
        inconclusive(change, format!("{why}; {advice}"));
        return;
    }
    if change.verdict == Verdict::Inconclusive {
        let why = unsettled(r.ratio, intervals, threshold, Some(executions));
        change.basis = Some(match change.basis.take() {
            Some(b) if b.contains("set aside") => format!("{b}; {why}"),
            _ => why,
        });
    }
}

/// Makes `change` inconclusive, `why` after the basis so far.
fn inconclusive(change: &mut MetricChange, why: String) {
    change.verdict = Verdict::Inconclusive;
    change.basis = Some(format!(
        "{}; inconclusive: {why}",
        change.basis.take().unwrap_or_default()
    ));
}

/// The verdict of a ratio against no change (1×), with what would settle it when inconclusive.
fn judge_against_no_change(change: &mut MetricChange, estimate: Estimate, threshold: f64) {
    let Estimate {
        ratio,
        ci,
        equivalence,
    } = estimate;
    let intervals = Intervals {
        ci,
        equivalence: equivalence.unwrap_or(ci),
    };
    change.verdict = beyond(ratio, intervals, 1.0, 1.0, threshold);
    change.ratio = Some(ratio);
    change.ratio_ci = Some(ci);
    change.equivalence_ci = equivalence;
    if change.verdict == Verdict::Inconclusive {
        let basis = change.basis.take().unwrap_or_default();
        change.basis = Some(format!(
            "{basis}; {}",
            unsettled(ratio, intervals, threshold, None)
        ));
    }
}

/// Whether the time each side's worker waited for a CPU (other processes had it) explains a
/// change between separate runs: with that time taken out of each side's wall time — the ratio and
/// its interval scaled by `(1 − new's share) / (1 − old's share)` — a `regressed` whose interval no
/// longer clears the threshold (or the mirror `improved`) can't be told from the machine's load.
/// Idle, a side waits a fraction of a percent and nothing changes; with other processes competing
/// for the cores it waits tens of percent, and a whole run comes out that much slower. The reason
/// when it does explain it; `None` otherwise, or without the counts (other systems, older results).
pub(super) fn explained_by_cpu_wait(
    verdict: Verdict,
    ci: (f64, f64),
    threshold: f64,
    old: &WallResult,
    new: &WallResult,
) -> Option<String> {
    let share = |wall: &WallResult| {
        let (waited, total) = wall.cpu_wait()?;
        Some((waited as f64 / total.max(1) as f64).min(0.99))
    };
    let (old_share, new_share) = (share(old)?, share(new)?);
    let factor = (1.0 - new_share) / (1.0 - old_share);
    let explained = match verdict {
        Verdict::Regressed => ci.0 * factor <= 1.0 + threshold,
        Verdict::Improved => ci.1 * factor >= 1.0 - threshold,
        _ => false,
    };
    explained.then(|| {
        format!(
            "the baseline's worker waited for a CPU (other processes had it) for {} of its timed wall time and the new run's for {}; without that time the 95% interval is {:.3}×–{:.3}×, which doesn't clear ±{}",
            percent(old_share),
            percent(new_share),
            ci.0 * factor,
            ci.1 * factor,
            percent(threshold)
        )
    })
}

/// The two intervals of a ratio a verdict is read from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Intervals {
    /// The 95% interval: a change must lie beyond the threshold with it.
    pub ci: (f64, f64),
    /// The 90% interval: no change beyond the threshold is shown when it lies within it.
    pub equivalence: (f64, f64),
}

/// A wall-time verdict by two one-sided tests against ±threshold: `regressed` when the 95%
/// interval lies wholly above `above` and the ratio beyond the threshold, `improved` for the mirror
/// case, `unchanged` only when the 90% interval lies within [1 − threshold, 1 + threshold] —
/// evidence at 5% each way of no change beyond it (Schuirmann's TOST) —, and `inconclusive`
/// otherwise: an interval that admits both no change and one beyond the threshold says nothing
/// either way. A change that fails a job is held to the stricter interval.
pub(super) fn beyond(
    ratio: f64,
    intervals: Intervals,
    above: f64,
    below: f64,
    threshold: f64,
) -> Verdict {
    let (ci, within) = (intervals.ci, intervals.equivalence);
    if ci.0 > above && ratio > 1.0 + threshold {
        Verdict::Regressed
    } else if ci.1 < below && ratio < 1.0 - threshold {
        Verdict::Improved
    } else if within.0 >= 1.0 - threshold && within.1 <= 1.0 + threshold {
        Verdict::Unchanged
    } else {
        Verdict::Inconclusive
    }
}

/// Why a wall-time verdict is inconclusive and what would settle it. With the ratio inside the
/// threshold it is the 90% interval that reaches beyond it (`inconclusive: the 90% interval
/// 0.914×–1.093× reaches beyond ±5% (3 vs 3 executions); about 9 executions a side …`); with the
/// ratio beyond it, the 95% interval that reaches back within it.
pub(super) fn unsettled(
    ratio: f64,
    intervals: Intervals,
    threshold: f64,
    executions: Option<(usize, usize)>,
) -> String {
    let inside = ratio.ln().abs() < (1.0 + threshold).ln();
    let (level, ci, reaches) = if inside {
        (
            EQUIVALENCE_CONFIDENCE,
            intervals.equivalence,
            "reaches beyond",
        )
    } else {
        (CONFIDENCE, intervals.ci, "reaches back within")
    };
    let mut why = format!(
        "inconclusive: the {} interval {:.3}×–{:.3}× {reaches} ±{}",
        percent(level),
        ci.0,
        ci.1,
        percent(threshold)
    );
    let Some((old_n, new_n)) = executions else {
        why.push_str("; more pairs (`--samples`, `--executions`) would narrow it");
        return why;
    };
    why.push_str(&format!(" ({old_n} vs {new_n} executions)"));
    // The standard error narrows as 1/√n and the t quantile falls towards the normal one: the
    // executions a side that would bring the interval's half-width (in logs) under the room the
    // ratio leaves inside the threshold (or beyond it).
    let n = old_n.min(new_n).max(2) as f64;
    let quantile = |df: f64| {
        StudentsT::new(0.0, 1.0, df).map_or(2.0, |d| d.inverse_cdf(1.0 - (1.0 - level) / 2.0))
    };
    let df_now = (old_n + new_n).saturating_sub(2).max(1) as f64;
    let se = (ci.1 / ci.0).ln() / 2.0 / quantile(df_now);
    let room = ((1.0 + threshold).ln() - ratio.ln().abs()).abs();
    if room > 1e-3 && se.is_finite() && se > 0.0 {
        // The quantile at about 2n - 2 degrees of freedom once there are more executions: one
        // refinement of the estimate is enough for a hint.
        let first = n * (quantile(1e6) * se / room).powi(2);
        let df_then = (2.0 * first.max(n + 1.0) - 2.0).max(1.0);
        let needed = (n * (quantile(df_then) * se / room).powi(2))
            .ceil()
            .max(n + 1.0);
        if needed <= 100.0 {
            why.push_str(&format!(
                "; about {needed} executions a side (`--executions {needed}`) would settle it"
            ));
        } else {
            why.push_str("; the machine is too noisy to settle it with more executions");
        }
    } else {
        why.push_str("; the ratio itself is at the threshold");
    }
    why.push_str(", or `wasmbench ab`, which compares pair by pair");
    why
}
