//! A bench's counters as reports show them: the median over the timed iterations with its range,
//! and ratios derived from them — hit ratios of caches, from a plugin's `x_hits` / `x_misses` or the
//! host's `x.hits` / `x.gets`.

use crate::results::BenchResult;

/// One counter of a bench, as reports show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CounterReading {
    /// The median over the timed iterations, or the one value of `last` below.
    pub median: u64,
    pub min: u64,
    pub max: u64,
    /// Timed iterations it rests on; `None`: only the last iteration's value is known (results
    /// older than `counter_stats`, or a bench that failed before its timed pass).
    pub iterations: Option<u64>,
}

impl CounterReading {
    /// The range, when the iterations disagreed.
    pub fn range(&self) -> Option<(u64, u64)> {
        (self.min != self.max).then_some((self.min, self.max))
    }
}

/// Every counter name of `bench`, in name order: those of the timed iterations and those only the
/// last iteration had.
pub fn names(bench: &BenchResult) -> Vec<&str> {
    let mut names: Vec<&str> = bench
        .counter_stats
        .keys()
        .chain(bench.counters.keys())
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// `name` of `bench`: its distribution over the timed iterations, else its last value.
pub fn reading(bench: &BenchResult, name: &str) -> Option<CounterReading> {
    if let Some(s) = bench.counter_stats.get(name) {
        return Some(CounterReading {
            median: s.median,
            min: s.min,
            max: s.max,
            iterations: Some(s.iterations),
        });
    }
    bench.counters.get(name).map(|&v| CounterReading {
        median: v,
        min: v,
        max: v,
        iterations: None,
    })
}

/// (label, hits counter, misses-or-total counter) for every hit ratio the counter names allow. The
/// store is left out: it is the system of record and every read hits.
pub fn hit_ratio_names(names: &[&str]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for name in names {
        if let Some(prefix) = name.strip_suffix("_hits")
            && names.contains(&format!("{prefix}_misses").as_str())
        {
            out.push((
                prefix.to_string(),
                name.to_string(),
                format!("{prefix}_misses"),
            ));
        }
        if let Some(prefix) = name.strip_suffix(".hits")
            && prefix != "store"
            && names.contains(&format!("{prefix}.gets").as_str())
        {
            out.push((
                prefix.to_string(),
                name.to_string(),
                format!("{prefix}.gets"),
            ));
        }
    }
    out
}

/// hits / (hits + misses), or hits / gets for the host's counters, from the counters' medians (one
/// iteration's outlier doesn't move it); `None` without data.
pub fn hit_ratio(bench: &BenchResult, hits: &str, other: &str) -> Option<f64> {
    let h = reading(bench, hits)?.median as f64;
    let o = reading(bench, other)?.median as f64;
    let total = if other.ends_with("_misses") { h + o } else { o };
    (total > 0.0).then(|| (h / total).min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::CounterStat;

    fn bench() -> BenchResult {
        crate::analysis::executions::test_bench("cache/get", &[&[1000, 1000]])
    }

    fn stat(median: u64, min: u64, max: u64) -> CounterStat {
        CounterStat {
            median,
            min,
            max,
            iterations: 30,
            median_of: 30,
        }
    }

    #[test]
    fn readings_prefer_the_timed_distribution_over_the_last_value() {
        let mut b = bench();
        b.counters = [("db.time_ns".into(), 9_000_000), ("old".into(), 7)].into();
        b.counter_stats = [("db.time_ns".into(), stat(2_000_000, 1_700_000, 9_000_000))].into();
        let time = reading(&b, "db.time_ns").unwrap();
        assert_eq!(time.median, 2_000_000);
        assert_eq!(time.range(), Some((1_700_000, 9_000_000)));
        assert_eq!(time.iterations, Some(30));
        let old = reading(&b, "old").unwrap();
        assert_eq!((old.median, old.range(), old.iterations), (7, None, None));
        assert_eq!(names(&b), ["db.time_ns", "old"]);
        assert!(reading(&b, "absent").is_none());
    }

    #[test]
    fn hit_ratios_come_from_medians() {
        let mut b = bench();
        // The last iteration missed everything; the median iteration hit 3 of 4.
        b.counters = [("l1_hits".into(), 0), ("l1_misses".into(), 100)].into();
        b.counter_stats = [
            ("l1_hits".into(), stat(75, 0, 80)),
            ("l1_misses".into(), stat(25, 20, 100)),
        ]
        .into();
        let names = names(&b);
        assert_eq!(
            hit_ratio_names(&names),
            [(
                "l1".to_string(),
                "l1_hits".to_string(),
                "l1_misses".to_string()
            )]
        );
        assert_eq!(hit_ratio(&b, "l1_hits", "l1_misses"), Some(0.75));
        // The host's backends: hits over gets; the store is the system of record.
        b.counters.clear();
        b.counter_stats = [
            ("remote_cache.hits".into(), stat(9, 9, 9)),
            ("remote_cache.gets".into(), stat(10, 10, 10)),
            ("store.hits".into(), stat(1, 1, 1)),
            ("store.gets".into(), stat(1, 1, 1)),
        ]
        .into();
        let names = super::names(&b);
        assert_eq!(hit_ratio_names(&names).len(), 1, "{names:?}");
        assert_eq!(
            hit_ratio(&b, "remote_cache.hits", "remote_cache.gets"),
            Some(0.9)
        );
        assert_eq!(hit_ratio(&b, "absent_hits", "absent_misses"), None);
    }
}
