//! The report's view model: everything the page shows, computed in one pass from the results (and
//! the comparison with a baseline) as plain data: text already formatted, colours assigned, charts'
//! inputs and statistics ready. The templates in `templates` only lay it out.

mod baseline;
mod colors;
mod counters;
mod details;
pub mod executions;
mod groups;
mod header;
mod load;
mod load_charts;
mod measured;
mod relative;
mod scaling;
mod summary;

use std::collections::BTreeMap;

use super::charts::{Chart, Rgb};
use crate::analysis::compare::{BenchChange, Comparison, MetricChange, Verdict};
use crate::model::Metric;
use crate::model::Status;
use crate::results::{BenchResult, RunResults};

pub use baseline::{Baseline, BaselineRow, Exact, MetricCells};
pub use counters::{CounterTable, CounterValue};
pub use details::Detail;
pub use groups::GroupSection;
pub use header::Header;
pub use load::{LATENCY_STATS, LoadRow, LoadSection, ThresholdRow};
pub use relative::{LoadGroupTable, RelativeSet};
pub use summary::{Failure, MetricCell, SummaryRow, metric_titles};

/// Benches above this count start with their detail sections closed.
const OPEN_DETAILS_UP_TO: usize = 12;

/// The whole page.
pub struct Page {
    pub header: Header,
    /// `None` when the run has no benches.
    pub summary: Option<Vec<SummaryRow>>,
    /// Whether the summary has the "vs baseline" column.
    pub compared: bool,
    pub failures: Vec<Failure>,
    pub baseline: Option<Baseline>,
    pub groups: Vec<GroupSection>,
    pub details: Vec<Detail>,
    /// Each execution's median per bench, when some bench ran two or more.
    pub executions: Option<executions::ExecutionsView>,
    /// Benches whose suite predicts their wall time (`model = "..."`).
    pub models: Vec<ModelRowView>,
    /// The HTTP fixture server's own round trip, in words (without an `[http]` table: none).
    pub fixture_note: Option<String>,
    /// The load scenarios (`[[load]]`), after the benches.
    pub loads: Vec<LoadSection>,
    /// Load scenarios of one group against the group's reference.
    pub load_groups: Vec<LoadGroupTable>,
}

/// A bench's measured median beside what its model predicts.
pub struct ModelRowView {
    pub bench: BenchLink,
    pub measured: String,
    pub predicted: String,
    pub expression: String,
    pub deviation: String,
}

fn models(cx: &Context<'_>) -> Vec<ModelRowView> {
    let rows = crate::report::models::rows(cx.run);
    rows.iter()
        .filter_map(|row| {
            let index = cx.run.benches.iter().position(|b| b.head.id == row.id)?;
            Some(ModelRowView {
                bench: cx.link(index),
                measured: crate::report::format::duration_ns(row.against.measured_ns),
                predicted: crate::report::format::duration_ns(row.against.expected_ns),
                expression: row.expression.to_string(),
                deviation: crate::report::models::deviation(row),
            })
        })
        .collect()
}

/// A chart with its accessible name and caption.
pub struct Figure {
    /// Unique in the page: the chart's title and description are labelled by it.
    pub id: String,
    pub title: String,
    pub description: String,
    pub caption: String,
    /// `wide`, `half` or `small`: how much room the figure takes.
    pub class: &'static str,
    pub chart: Chart,
}

/// A bench's status in words, with its CSS class and sort order (failures first).
pub struct StatusText {
    pub class: &'static str,
    pub text: String,
    pub order: u8,
}

/// A link to a bench's detail section, with its colour swatch.
pub struct BenchLink {
    pub index: usize,
    pub id: String,
    pub color: String,
}

/// A verdict in words, with its CSS class.
pub struct VerdictText {
    pub class: &'static str,
    pub text: &'static str,
}

/// A group of alternatives (or, with no name, the benches that have no group).
pub(super) struct Group {
    name: Option<String>,
    members: Vec<usize>,
}

impl Group {
    fn title(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => "benches without a group".into(),
        }
    }
}

/// What every part of the view is built from.
struct Context<'a> {
    run: &'a RunResults,
    comparison: Option<&'a Comparison>,
    colors: Vec<Rgb>,
    groups: Vec<Group>,
    /// Group index of each bench.
    group_of: Vec<usize>,
    changes: BTreeMap<&'a str, &'a BenchChange>,
    figures: usize,
}

impl<'a> Context<'a> {
    fn new(run: &'a RunResults, comparison: Option<&'a Comparison>) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut ungrouped = Vec::new();
        for (i, bench) in run.benches.iter().enumerate() {
            match &bench.head.group {
                None => ungrouped.push(i),
                Some(name) => match groups.iter_mut().find(|g| g.name.as_ref() == Some(name)) {
                    Some(group) => group.members.push(i),
                    None => groups.push(Group {
                        name: Some(name.clone()),
                        members: vec![i],
                    }),
                },
            }
        }
        if !ungrouped.is_empty() {
            groups.push(Group {
                name: None,
                members: ungrouped,
            });
        }
        let mut group_of = vec![0; run.benches.len()];
        for (g, group) in groups.iter().enumerate() {
            for &i in &group.members {
                group_of[i] = g;
            }
        }
        let colors = colors::assign(run, &groups);
        let changes = comparison
            .map(|c| c.benches.iter().map(|b| (b.id.as_str(), b)).collect())
            .unwrap_or_default();
        Context {
            run,
            comparison,
            colors,
            groups,
            group_of,
            changes,
            figures: 0,
        }
    }

    /// A figure with the next chart id: ids follow the page's order.
    fn figure(
        &mut self,
        chart: Chart,
        title: String,
        description: String,
        caption: String,
        class: &'static str,
    ) -> Figure {
        self.figures += 1;
        Figure {
            id: format!("c{}", self.figures),
            title,
            description,
            caption,
            class,
            chart,
        }
    }

    fn link(&self, i: usize) -> BenchLink {
        BenchLink {
            index: i,
            id: self.run.benches[i].head.id.clone(),
            color: colors::hex(self.colors[i]),
        }
    }
}

impl Page {
    pub fn new(run: &RunResults, comparison: Option<&Comparison>) -> Page {
        let mut cx = Context::new(run, comparison);
        let header = header::header(&cx);
        let summary = (!run.benches.is_empty()).then(|| summary::rows(&cx));
        let failures = summary::failures(&cx);
        // Figures are numbered in page order: the baseline's chart, the groups', the details', the
        // load scenarios'.
        let baseline = comparison.map(|c| baseline::baseline(&mut cx, c));
        let groups = (0..cx.groups.len())
            .map(|g| groups::group(&mut cx, g))
            .collect();
        let details = (0..run.benches.len())
            .map(|i| details::detail(&mut cx, i))
            .collect();
        let loads = (0..run.loads.len())
            .map(|i| load::section(&mut cx, i))
            .collect();
        Page {
            header,
            summary,
            compared: comparison.is_some(),
            failures,
            baseline,
            groups,
            details,
            executions: executions::view(&cx),
            models: models(&cx),
            fixture_note: crate::report::models::fixture_sentence(cx.run),
            loads,
            load_groups: relative::load_groups(&cx),
        }
    }
}

/// A bench's status in words: the word carries the meaning, colour only helps.
fn status_of(b: &BenchResult) -> StatusText {
    let (class, text, order) = if b.met_expectation {
        if b.head.status == Status::Ok {
            ("st-ok", "✓ ok".into(), 2)
        } else {
            ("st-expected", format!("✓ {} (expected)", b.head.status), 1)
        }
    } else if b.expected == Status::Ok {
        ("st-failed", format!("✗ FAILED: {}", b.head.status), 0)
    } else {
        (
            "st-failed",
            format!("✗ FAILED: {} (expected {})", b.head.status, b.expected),
            0,
        )
    };
    StatusText { class, text, order }
}

fn verdict_text(v: Verdict) -> VerdictText {
    let (class, text) = match v {
        Verdict::Regressed => ("v-bad", "▲ regressed"),
        Verdict::Failed => ("v-bad", "✗ failed"),
        Verdict::Missing => ("v-note", "− missing"),
        Verdict::NoData => ("v-note", "∅ no data"),
        Verdict::New => ("v-note", "+ new"),
        Verdict::Improved => ("v-good", "▼ improved"),
        Verdict::Inconclusive => ("v-note", "~ inconclusive"),
        Verdict::InsufficientData => ("v-note", "? insufficient data"),
        Verdict::Unchanged => ("v-same", "= unchanged"),
    };
    VerdictText { class, text }
}

/// The metrics that decided a bench's verdict, for the words beside it: `fuel`, `wall time, fuel`.
fn decided_by(change: &BenchChange) -> String {
    let by: Vec<&str> = change.decided_by().iter().map(|m| m.label()).collect();
    by.join(", ")
}

fn metric(change: &BenchChange, m: Metric) -> Option<&MetricChange> {
    change.metrics.iter().find(|c| c.metric == m)
}

/// A line of the facts list: a term and its description.
pub struct Fact {
    pub term: &'static str,
    pub pieces: Vec<Piece>,
}

/// A piece of a fact's description.
pub enum Piece {
    Text(String),
    Code(String),
    Warn(&'static str),
    /// A link to a group's section: (group index, group name).
    Group(usize, String),
}
