//! What every part of the view is built from: the run, the comparison, the benches' groups and
//! colours, and the count of figures so far (chart ids follow the page's order).

use std::collections::BTreeMap;

use super::super::charts::{Chart, Rgb};
use super::colors;
use super::figure::Figure;
use super::grouping::Group;
use super::link::BenchLink;
use crate::analysis::compare::{BenchChange, Comparison};
use crate::results::RunResults;

/// What every part of the view is built from.
pub(super) struct Context<'a> {
    pub(super) run: &'a RunResults,
    pub(super) comparison: Option<&'a Comparison>,
    pub(super) colors: Vec<Rgb>,
    pub(super) groups: Vec<Group>,
    /// Group index of each bench.
    pub(super) group_of: Vec<usize>,
    pub(super) changes: BTreeMap<&'a str, &'a BenchChange>,
    pub(super) figures: usize,
}

impl<'a> Context<'a> {
    pub(super) fn new(run: &'a RunResults, comparison: Option<&'a Comparison>) -> Self {
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
    pub(super) fn figure(
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

    pub(super) fn link(&self, i: usize) -> BenchLink {
        BenchLink {
            index: i,
            id: self.run.benches[i].head.id.clone(),
            color: colors::hex(self.colors[i]),
        }
    }
}
