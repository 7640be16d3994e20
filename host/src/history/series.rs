//! What a series is: the key that makes values comparable, a run's value and a commit's point in
//! it, which series to read, and series grouped by bench.

use std::collections::BTreeMap;

use crate::model::Metric;

/// What makes values comparable: everything but the commit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    pub suite: String,
    /// The bench id, e.g. `cpu/fib[n=27]`, or the load scenario's, e.g. `handler/request`.
    pub bench: String,
    /// The machine class (see [`default_testbed`](super::default_testbed)).
    pub testbed: String,
    /// wasmbench's and wasmtime's versions.
    pub host: String,
    /// The bench's limits, e.g. `fuel=5000000000 memory=67108864 deadline=10s`; a load scenario's
    /// also hold its setup and plan (see `load_limits`).
    pub limits: String,
    pub metric: Metric,
}

/// One run's value of one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Value {
    pub value: f64,
    /// The value's 95% interval (the median's, for wall time and a load metric of three rounds or
    /// more; the iterations' range for a varying count, the rounds' for fewer rounds; the value
    /// itself for an exact one).
    pub low: f64,
    pub high: f64,
    /// The metric is deterministic for this wasm (fuel that didn't vary, peak memory): any change
    /// is a change point.
    pub exact: bool,
}

/// A series as stored, with its id in the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub id: i64,
    pub key: SeriesKey,
}

/// One commit's value in a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub run: i64,
    pub commit: String,
    pub branch: Option<String>,
    pub at_ms: i64,
    pub value: Value,
}

/// Which series to read. Empty fields match everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub suite: Option<String>,
    pub testbed: Option<String>,
    /// Benches whose id contains any of these.
    pub bench: Vec<String>,
    /// Only runs recorded on these branches (empty: every run), e.g. `main` and a pull request's.
    pub branches: Vec<String>,
    /// The newest this many points of each series.
    pub last: usize,
}

/// Series grouped by bench or load scenario (suite, bench, testbed, host, limits), metrics in
/// `Metric::ALL` order.
pub fn by_bench(series: Vec<Series>) -> BTreeMap<SeriesKey, Vec<Series>> {
    let mut grouped: BTreeMap<SeriesKey, Vec<Series>> = BTreeMap::new();
    for s in series {
        let bench = SeriesKey {
            metric: Metric::Wall,
            ..s.key.clone()
        };
        grouped.entry(bench).or_default().push(s);
    }
    for list in grouped.values_mut() {
        list.sort_by_key(|s| s.key.metric);
    }
    grouped
}
