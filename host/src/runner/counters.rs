//! Counters over the timed iterations: each iteration's counters are folded in as they arrive, so
//! neither a worker's supervisor nor the bench's record keeps a map per iteration.
//!
//! Memory is bounded: per counter, min, max, count and the last value are exact, and at most
//! [`KEPT`] values are kept for the median. Past that, every other kept value is dropped and only
//! every 2nd (then 4th, …) new value is kept: an evenly spaced subset of the iterations, whose
//! median stands in for the whole (`median_of` in the results says so). With at most 1024 counters
//! an iteration ([`super::session`]), that is at most 8 MiB a bench, whatever the iteration count.

use std::collections::BTreeMap;

use crate::results::CounterStat;

/// Values kept per counter for its median.
const KEPT: usize = 1024;

/// One counter's running summary.
#[derive(Debug, Clone, Default)]
struct Running {
    count: u64,
    min: u64,
    max: u64,
    /// Every `stride`-th value seen (the 1st, the (stride+1)th, …).
    kept: Vec<u64>,
    stride: u64,
    /// Values offered to `kept` so far (counts a thinned batch as what it stood for).
    offered: u64,
}

impl Running {
    fn add(&mut self, value: u64) {
        if self.count == 0 {
            (self.min, self.max, self.stride) = (value, value, 1);
        }
        self.count += 1;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.offer(value);
    }

    fn offer(&mut self, value: u64) {
        if self.offered.is_multiple_of(self.stride) {
            self.kept.push(value);
            if self.kept.len() > KEPT {
                // Kept values sat at multiples of the stride; those at multiples of twice it stay.
                let mut i = 0;
                self.kept.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.stride *= 2;
            }
        }
        self.offered += 1;
    }

    fn absorb(&mut self, other: &Running) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            (self.min, self.max, self.stride) = (other.min, other.max, 1);
        }
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        // A thinned value stands for `stride` iterations.
        for &value in &other.kept {
            for _ in 0..other.stride {
                self.offer(value);
            }
        }
    }

    fn stat(&self) -> Option<CounterStat> {
        let mut sorted = self.kept.clone();
        sorted.sort_unstable();
        let median = *sorted.get(sorted.len() / 2)?;
        Some(CounterStat {
            median,
            min: self.min,
            max: self.max,
            iterations: self.count,
            median_of: sorted.len() as u64,
        })
    }
}

/// Every counter of the iterations folded in so far.
#[derive(Debug, Clone, Default)]
pub struct CounterStats {
    counters: BTreeMap<String, Running>,
}

impl CounterStats {
    /// Folds in one iteration's counters.
    pub fn add(&mut self, counters: &BTreeMap<String, u64>) {
        for (name, &value) in counters {
            match self.counters.get_mut(name) {
                Some(running) => running.add(value),
                None => {
                    let mut running = Running::default();
                    running.add(value);
                    self.counters.insert(name.clone(), running);
                }
            }
        }
    }

    /// Folds in what another execution gathered.
    pub fn absorb(&mut self, other: &CounterStats) {
        for (name, running) in &other.counters {
            self.counters
                .entry(name.clone())
                .or_default()
                .absorb(running);
        }
    }

    /// Median, range and count per counter.
    pub fn stats(&self) -> BTreeMap<String, CounterStat> {
        self.counters
            .iter()
            .filter_map(|(name, running)| Some((name.clone(), running.stat()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iteration(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(n, v)| (n.to_string(), *v)).collect()
    }

    #[test]
    fn median_range_and_count_per_counter() {
        let mut stats = CounterStats::default();
        for (t, q) in [(5, 1), (13, 1), (2, 1), (3, 1), (4, 1)] {
            stats.add(&iteration(&[("db.time_ns", t), ("db.queries", q)]));
        }
        stats.add(&iteration(&[("db.time_ns", 1)]));
        let got = stats.stats();
        assert_eq!(
            got["db.time_ns"],
            CounterStat {
                median: 4,
                min: 1,
                max: 13,
                iterations: 6,
                median_of: 6
            }
        );
        assert_eq!(got["db.queries"].iterations, 5);
        assert_eq!(got["db.queries"].median, 1);
    }

    #[test]
    fn executions_absorbed_count_every_iteration() {
        let mut total = CounterStats::default();
        for execution in [[10, 11, 12], [20, 21, 22], [1, 2, 3]] {
            let mut one = CounterStats::default();
            for v in execution {
                one.add(&iteration(&[("x", v)]));
            }
            total.absorb(&one);
        }
        let x = total.stats()["x"];
        assert_eq!((x.median, x.min, x.max, x.iterations), (11, 1, 22, 9));
    }

    /// Past the cap, min, max and count stay exact and the median comes from an evenly spaced
    /// subset: close to the true one for a steady stream.
    #[test]
    fn memory_is_bounded_past_the_cap() {
        let n = 100_000u64;
        let mut stats = CounterStats::default();
        for i in 0..n {
            stats.add(&iteration(&[("x", i)]));
        }
        let running = &stats.counters["x"];
        assert!(running.kept.len() <= KEPT, "{} kept", running.kept.len());
        let x = stats.stats()["x"];
        assert_eq!((x.min, x.max, x.iterations), (0, n - 1, n));
        assert!(x.median_of <= KEPT as u64 && x.median_of >= KEPT as u64 / 2);
        let error = x.median.abs_diff(n / 2);
        assert!(error < n / 100, "median {} of 0..{n}", x.median);

        // Absorbing a thinned execution keeps the bound and the exact count.
        let mut total = CounterStats::default();
        total.absorb(&stats);
        total.absorb(&stats);
        let x = total.stats()["x"];
        assert_eq!(x.iterations, 2 * n);
        assert!(total.counters["x"].kept.len() <= KEPT);
        assert!(x.median.abs_diff(n / 2) < n / 50, "median {}", x.median);
    }
}
