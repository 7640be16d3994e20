//! A group's relative summary: each set of comparable benches against its reference, as a table
//! (the values each ratio is made of, the ratio with its interval, the sentence) and a ratio chart.

use super::super::charts::{Chart, RatioChart, RatioRow};
use super::context::Context;
use super::figure::Figure;
use super::link::BenchLink;
use crate::analysis::ratio::Statistic;
use crate::analysis::relative::{
    Chosen, GroupSummary, Relative, group_summary, load_group_metrics, load_group_summaries,
    metrics_beside_wall,
};
use crate::report::{format, relative};

pub struct RelativeSet {
    /// `depth=1000: against db/page-keyset, the fastest`.
    pub heading: String,
    pub rows: Vec<RelativeRow>,
    /// The metrics beside wall time, one column each: `fuel`, `peak memory`.
    pub beside: Vec<String>,
    /// What the wall-time values are (`geometric mean of the executions' medians`).
    pub statistic: String,
    pub figure: Option<Figure>,
}

pub struct RelativeRow {
    pub bench: BenchLink,
    pub reference: bool,
    /// The bench's wall time as the ratio uses it.
    pub wall: String,
    /// `3.14×`, with its interval `[3.02× – 3.27×]`.
    pub ratio: String,
    pub interval: String,
    /// `3.14× [3.02× – 3.27×] faster than db/page-offset`, from the reference's side.
    pub words: String,
    /// Each of the set's `beside` metrics ÷ the reference's (`—` where not measured).
    pub beside: Vec<String>,
    /// The host's part of an iteration (`format::host_part`); `—` without host calls.
    pub host: String,
}

pub(super) fn sets(cx: &mut Context, group: &str) -> Vec<RelativeSet> {
    group_summary(cx.run, group)
        .iter()
        .map(|s| set(cx, s))
        .collect()
}

fn set(cx: &mut Context, s: &GroupSummary) -> RelativeSet {
    let statistic = s
        .others
        .iter()
        .find_map(|r| r.wall().map(|w| w.statistic))
        .unwrap_or(Statistic::PooledMedian);
    let mut rows = vec![reference_row(cx, s)];
    rows.extend(s.others.iter().map(|r| other_row(cx, s, r)));
    let heading = format!(
        "{}against {}, {}",
        if s.setting.is_empty() {
            String::new()
        } else {
            format!("{}: ", s.setting)
        },
        cx.run.benches[s.reference].head.id,
        relative::chosen(s.chosen)
    );
    RelativeSet {
        heading,
        rows,
        beside: metrics_beside_wall()
            .map(|m| m.label().to_string())
            .collect(),
        statistic: statistic.describe().to_string(),
        figure: ratio_figure(cx, s, statistic),
    }
}

fn dash() -> String {
    "—".to_string()
}

/// The reference's row: its own wall time as the ratios use it (any ratio's `old`), 1× for each.
fn reference_row(cx: &Context, s: &GroupSummary) -> RelativeRow {
    let reference_wall = s.others.iter().find_map(|r| r.wall().map(|w| w.old));
    RelativeRow {
        bench: cx.link(s.reference),
        reference: true,
        wall: reference_wall.map_or_else(dash, format::duration_ns),
        ratio: format::ratio(1.0),
        interval: String::new(),
        words: match s.chosen {
            Chosen::Fastest => "reference: the fastest".into(),
            Chosen::Named => "reference: named by the suite".into(),
        },
        beside: metrics_beside_wall().map(|_| format::ratio(1.0)).collect(),
        host: format::host_part(&cx.run.benches[s.reference]).unwrap_or_else(dash),
    }
}

/// One alternative's row: its wall time, the ratio with its interval and in words, the other
/// metrics' ratios, its host part.
fn other_row(cx: &Context, s: &GroupSummary, r: &Relative) -> RelativeRow {
    let reference_id = &cx.run.benches[s.reference].head.id;
    let other = &cx.run.benches[r.bench];
    let words = match r.wall() {
        Some(w) if w.distinguishable() => {
            format!(
                "{reference_id} ran {} {}",
                relative::faster_or_slower(w),
                other.head.id
            )
        }
        Some(w) => format!(
            "{reference_id} ran {} {} — not told apart: the interval includes 1",
            relative::faster_or_slower(w),
            other.head.id
        ),
        None => format!(
            "no wall-time ratio: {} ended {}",
            other.head.id, other.head.status
        ),
    };
    RelativeRow {
        bench: cx.link(r.bench),
        reference: false,
        wall: r.wall().map_or_else(dash, |w| format::duration_ns(w.new)),
        ratio: r.wall().map_or_else(dash, |w| format::ratio(w.ratio)),
        interval: r.wall().map_or_else(String::new, |w| {
            format!("[{} – {}]", format::ratio(w.ci.0), format::ratio(w.ci.1))
        }),
        words,
        beside: metrics_beside_wall()
            .map(|m| r.get(m).map_or_else(dash, relative::ratio_cell))
            .collect(),
        host: format::host_part(other).unwrap_or_else(dash),
    }
}

/// The wall-time ratios as a chart, the reference at 1× (none when no alternative has one).
fn ratio_figure(cx: &mut Context, s: &GroupSummary, statistic: Statistic) -> Option<Figure> {
    let run = cx.run;
    let reference_id = &run.benches[s.reference].head.id;
    let mut chart_rows = vec![RatioRow {
        label: reference_id.clone(),
        ratio: 1.0,
        interval: (1.0, 1.0),
        color: cx.colors[s.reference],
        note: "reference".into(),
    }];
    chart_rows.extend(s.others.iter().filter_map(|r| {
        let w = r.wall()?;
        Some(RatioRow {
            label: run.benches[r.bench].head.id.clone(),
            ratio: w.ratio,
            interval: w.ci,
            color: cx.colors[r.bench],
            note: format!(
                "{} [{} – {}]",
                format::ratio(w.ratio),
                format::ratio(w.ci.0),
                format::ratio(w.ci.1)
            ),
        })
    }));
    (chart_rows.len() > 1).then(|| {
        cx.figure(
            Chart::Ratios(RatioChart {
                rows: chart_rows,
                band: 1.0,
                axis: format!("wall time ÷ {reference_id}'s (log scale): right of 1× is slower"),
            }),
            format!("Wall time relative to {reference_id}"),
            format!(
                "Ratio of each bench's wall time to {reference_id}'s, with its 95% interval."
            ),
            format!(
                "Wall time ÷ the reference's ({}), with its 95% interval (log scale). Right of 1× is slower.",
                statistic.describe()
            ),
            "wide",
        )
    })
}

/// A group of load scenarios: p50 and p99 of each against the reference's.
pub struct LoadGroupTable {
    pub group: String,
    /// `against api/fast, the lowest p50`.
    pub heading: String,
    /// The metrics compared, one column each: `p50`, `p99`.
    pub metrics: Vec<String>,
    /// (scenario anchor index, id, each metric's ratio).
    pub rows: Vec<(usize, String, Vec<String>)>,
}

pub(super) fn load_groups(cx: &Context) -> Vec<LoadGroupTable> {
    load_group_summaries(cx.run)
        .into_iter()
        .map(|s| {
            let run = cx.run;
            let ratio = |r: Option<f64>| r.map_or_else(|| "—".to_string(), format::ratio);
            let mut rows = vec![(
                s.reference,
                run.loads[s.reference].head.id.clone(),
                load_group_metrics().map(|_| format::ratio(1.0)).collect(),
            )];
            rows.extend(s.others.iter().map(|other| {
                let cells = other.ratios.iter().map(|&(_, r)| ratio(r)).collect();
                (other.load, run.loads[other.load].head.id.clone(), cells)
            }));
            LoadGroupTable {
                heading: format!(
                    "against {}, {}",
                    run.loads[s.reference].head.id,
                    match s.chosen {
                        Chosen::Fastest => "the lowest p50",
                        Chosen::Named => "the group's reference",
                    }
                ),
                group: s.group,
                metrics: load_group_metrics()
                    .map(|m| m.as_str().to_string())
                    .collect(),
                rows,
            }
        })
        .collect()
}
