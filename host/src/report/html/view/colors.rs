//! Colour assignment: one colour per bench, distinct within its group, stable per workload.

use std::collections::{BTreeMap, BTreeSet};

use super::super::charts::Rgb;
use super::grouping::Group;
use crate::results::RunResults;

/// Colours for the alternatives of a group (Tableau 10, reordered so neighbours contrast).
pub const PALETTE: [Rgb; 10] = [
    (0x4e, 0x79, 0xa7),
    (0xf2, 0x8e, 0x2b),
    (0x59, 0xa1, 0x4f),
    (0xb0, 0x7a, 0xa1),
    (0x76, 0xb7, 0xb2),
    (0xe1, 0x57, 0x59),
    (0x9c, 0x75, 0x5f),
    (0xed, 0xc9, 0x48),
    (0xff, 0x9d, 0xa7),
    (0xba, 0xb0, 0xac),
];

/// The colour of a bench that is in the baseline only.
pub const ABSENT: Rgb = PALETTE[9];

/// One colour per bench, distinct within its group; a workload keeps its colour across groups when
/// it can (blocking and stream look the same in `fs-read` and `fs-read-64mib`).
pub fn assign(run: &RunResults, groups: &[Group]) -> Vec<Rgb> {
    let mut colors = vec![PALETTE[0]; run.benches.len()];
    let mut by_workload: BTreeMap<String, usize> = BTreeMap::new();
    for group in groups {
        let mut used = BTreeSet::new();
        for &i in &group.members {
            let b = &run.benches[i];
            let key = format!("{}/{}", b.head.plugin, b.head.workload);
            let choice = match by_workload.get(&key) {
                Some(&c) if !used.contains(&c) => c,
                _ => (0..PALETTE.len())
                    .find(|c| !used.contains(c))
                    .unwrap_or(used.len() % PALETTE.len()),
            };
            by_workload.entry(key).or_insert(choice);
            used.insert(choice);
            colors[i] = PALETTE[choice];
        }
    }
    colors
}

/// `#4e79a7`, for a style attribute.
pub fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
