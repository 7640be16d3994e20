//! Counter tables: a group's benches side by side, or one bench's, with hit ratios first. Each
//! counter is its median over the timed iterations, with the range when they varied.

use super::link::BenchLink;
use crate::analysis::counters::{self, hit_ratio, hit_ratio_names};
use crate::report::counters::text;
use crate::results::BenchResult;

/// Counters over the timed iterations: one column per bench, hit ratios then every counter.
pub struct CounterTable {
    /// The benches (columns); empty for one bench's own table.
    pub columns: Vec<BenchLink>,
    /// What the values are, after "Counters: ".
    pub what: &'static str,
    /// (cache label, ratio per column).
    pub ratios: Vec<(String, Vec<Option<f64>>)>,
    /// (counter name, value per column).
    pub counters: Vec<(String, Vec<Option<CounterValue>>)>,
}

/// A counter's value: shown as `human`, with `exact` (every number and what it rests on) on hover.
pub struct CounterValue {
    pub exact: String,
    pub human: Option<String>,
}

/// The table for `benches` with their columns, counters in name order.
pub(super) fn table(columns: Vec<BenchLink>, benches: &[&BenchResult]) -> CounterTable {
    let mut names: Vec<&str> = benches.iter().flat_map(|b| counters::names(b)).collect();
    names.sort_unstable();
    names.dedup();
    // Older results have the last iteration's counters only.
    let what = if benches.iter().all(|b| b.counter_stats.is_empty()) {
        "the last iteration"
    } else {
        "median of the timed iterations (range when they varied)"
    };
    CounterTable {
        columns,
        what,
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
                let cells = benches.iter().map(|b| {
                    counters::reading(b, name).map(|r| {
                        let t = text(name, &r);
                        CounterValue {
                            human: Some(t.cell()),
                            exact: t.exact,
                        }
                    })
                });
                (name.to_string(), cells.collect())
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::executions::test_bench;
    use crate::results::CounterStat;

    #[test]
    fn cells_show_the_median_and_range_of_the_timed_iterations() {
        let mut a = test_bench("db/a", &[&[1000]]);
        a.counters = [("db.time_ns".into(), 13_000_000)].into();
        a.counter_stats = [(
            "db.time_ns".into(),
            CounterStat {
                median: 2_000_000,
                min: 1_700_000,
                max: 13_000_000,
                iterations: 30,
                median_of: 30,
            },
        )]
        .into();
        let mut old = test_bench("db/old", &[&[1000]]);
        old.counters = [("db.queries".into(), 51)].into();
        let t = table(Vec::new(), &[&a, &old]);
        assert_eq!(
            t.what,
            "median of the timed iterations (range when they varied)"
        );
        let names: Vec<&str> = t.counters.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["db.queries", "db.time_ns"]);
        let time = t.counters[1].1[0].as_ref().unwrap();
        assert_eq!(time.human.as_deref(), Some("2.00 ms (1.70 – 13.0 ms)"));
        assert!(
            time.exact.contains("of 30 timed iterations"),
            "{}",
            time.exact
        );
        assert!(t.counters[1].1[1].is_none());
        let queries = t.counters[0].1[1].as_ref().unwrap();
        assert_eq!(queries.human.as_deref(), Some("51"));
        assert_eq!(queries.exact, "51 (the last iteration only)");
        assert_eq!(table(Vec::new(), &[&old]).what, "the last iteration");
    }
}
