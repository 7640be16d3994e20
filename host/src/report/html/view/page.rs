//! The whole page's view: each part built from the context in page order (figures are numbered as
//! they appear).

use super::baseline::{self, Baseline};
use super::context::Context;
use super::details::{self, Detail};
use super::executions;
use super::groups::{self, GroupSection};
use super::header::{self, Header};
use super::load::{self, LoadSection};
use super::models::{ModelRowView, models};
use super::relative::{self, LoadGroupTable};
use super::summary::{self, Failure, SummaryRow};
use crate::analysis::compare::Comparison;
use crate::results::RunResults;

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

    /// Gives each bench with a flamegraph in `dir/profiles/` (`wasmbench profile`, `run
    /// --profile`) its picture.
    pub fn embed_profiles(&mut self, dir: &std::path::Path) {
        for d in &mut self.details {
            d.profile = crate::report::flamegraph::embedded(
                dir,
                &d.bench.id,
                &format!("profile-{}", d.bench.index),
            );
        }
    }
}
