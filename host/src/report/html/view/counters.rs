//! Counter tables: a group's benches side by side, or one bench's, with hit ratios first.

use super::BenchLink;
use crate::analysis::counters::{hit_ratio, hit_ratio_names};
use crate::report::format;
use crate::results::BenchResult;

/// Counters of the last iteration: one column per bench, hit ratios then every counter.
pub struct CounterTable {
    /// The benches (columns); empty for one bench's own table.
    pub columns: Vec<BenchLink>,
    /// (cache label, ratio per column).
    pub ratios: Vec<(String, Vec<Option<f64>>)>,
    /// (counter name, value per column).
    pub counters: Vec<(String, Vec<Option<CounterValue>>)>,
}

/// A counter's value: exact, and in human units (shown, the exact value on hover) for durations and
/// byte counts.
pub struct CounterValue {
    pub exact: String,
    pub human: Option<String>,
}

/// The table for `benches` with their columns, counters in name order.
pub(super) fn table(columns: Vec<BenchLink>, benches: &[&BenchResult]) -> CounterTable {
    let mut names: Vec<&str> = Vec::new();
    for b in benches {
        for name in b.counters.keys() {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    names.sort_unstable();
    CounterTable {
        columns,
        ratios: hit_ratio_names(&names)
            .into_iter()
            .map(|(label, hits, other)| {
                let cells = benches.iter().map(|b| hit_ratio(b, &hits, &other));
                (label, cells.collect())
            })
            .collect(),
        counters: names
            .iter()
            .map(|name| {
                let cells = benches
                    .iter()
                    .map(|b| b.counters.get(*name).map(|v| value(name, *v)));
                (name.to_string(), cells.collect())
            })
            .collect(),
    }
}

fn value(name: &str, value: u64) -> CounterValue {
    let human = if name.ends_with("_ns") {
        Some(format::duration_ns(value as f64))
    } else if name.contains("bytes") {
        Some(format::bytes(value))
    } else {
        None
    };
    CounterValue {
        exact: format::grouped(value),
        human,
    }
}
