//! The shape of a set of samples as charts draw it: box-plot quartiles and whiskers, histogram bins,
//! and series thinned to what a chart can show.
//!
//! Costs are bounded for any number of samples: quartiles and bins sort once (O(n log n)); a chart
//! draws at most [`CHART_POINTS`] points of a series ([`thin`], O(n)), so a report of 10^6
//! samples per bench stays small and quick.

use super::stats::quantile_sorted;

/// The most points a chart draws of one series (or the most dots over one box).
pub const CHART_POINTS: usize = 1000;

/// `values` in run order, as (index, value), thinned to at most `max` points (at least 2): all of
/// them when they fit, else the lowest and the highest of each of `max / 2` equal runs of
/// consecutive values, in order, so spikes and drift stay visible.
pub fn thin(values: &[f64], max: usize) -> Vec<(usize, f64)> {
    let n = values.len();
    if n <= max {
        return values.iter().copied().enumerate().collect();
    }
    let buckets = (max / 2).max(1);
    let mut out = Vec::with_capacity(2 * buckets);
    for b in 0..buckets {
        let (start, end) = (b * n / buckets, (b + 1) * n / buckets);
        let run = values[start..end].iter().copied().enumerate();
        let lowest = run.clone().min_by(|x, y| x.1.total_cmp(&y.1));
        let highest = run.max_by(|x, y| x.1.total_cmp(&y.1));
        let (Some(lo), Some(hi)) = (lowest, highest) else {
            continue;
        };
        let (first, second) = if lo.0 <= hi.0 { (lo, hi) } else { (hi, lo) };
        out.push((start + first.0, first.1));
        if second.0 != first.0 {
            out.push((start + second.0, second.1));
        }
    }
    out
}

/// A box plot's five numbers, in the samples' own unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxStats {
    /// The smallest sample within 1.5 IQR below the first quartile.
    pub low: f64,
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
    /// The largest sample within 1.5 IQR above the third quartile.
    pub high: f64,
}

impl BoxStats {
    /// `None` without samples.
    pub fn of(samples: &[f64]) -> Option<BoxStats> {
        if samples.is_empty() {
            return None;
        }
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let (q1, median, q3) = (
            quantile_sorted(&s, 0.25),
            quantile_sorted(&s, 0.5),
            quantile_sorted(&s, 0.75),
        );
        let iqr = q3 - q1;
        let low = s
            .iter()
            .copied()
            .find(|v| *v >= q1 - 1.5 * iqr)
            .unwrap_or(q1);
        let high = s
            .iter()
            .rev()
            .copied()
            .find(|v| *v <= q3 + 1.5 * iqr)
            .unwrap_or(q3);
        Some(BoxStats {
            low,
            q1,
            median,
            q3,
            high,
        })
    }
}

/// Samples counted in equal bins from the smallest sample up.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Where the first bin starts.
    pub start: f64,
    pub bin_width: f64,
    pub counts: Vec<usize>,
    pub median: f64,
}

impl Histogram {
    /// About √n bins (3 to 20); `None` without samples.
    pub fn of(samples: &[f64]) -> Option<Histogram> {
        if samples.is_empty() {
            return None;
        }
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let (min, max) = (s[0], s[s.len() - 1]);
        let bins = ((s.len() as f64).sqrt().ceil() as usize).clamp(3, 20);
        // All samples equal: one narrow bin's worth of width, so the bar still shows.
        let bin_width = if max > min {
            (max - min) / bins as f64
        } else {
            (min.abs() * 0.01).max(1e-9)
        };
        let mut counts = vec![0usize; bins];
        for v in &s {
            let i = (((v - min) / bin_width) as usize).min(bins - 1);
            counts[i] += 1;
        }
        Some(Histogram {
            start: min,
            bin_width,
            counts,
            median: quantile_sorted(&s, 0.5),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_whiskers_stop_at_the_furthest_sample_within_1_5_iqr() {
        let s = [1.0, 2.0, 3.0, 4.0, 5.0, 100.0];
        let b = BoxStats::of(&s).unwrap();
        assert_eq!((b.q1, b.median, b.q3), (2.25, 3.5, 4.75));
        assert_eq!((b.low, b.high), (1.0, 5.0));
        assert_eq!(BoxStats::of(&[]), None);
    }

    #[test]
    fn thinning_keeps_extremes_in_run_order() {
        let short = [3.0, 1.0, 2.0];
        assert_eq!(thin(&short, 10), vec![(0, 3.0), (1, 1.0), (2, 2.0)]);
        let long: Vec<f64> = (0..1_000_000).map(|i| (i % 1000) as f64).collect();
        let mut spiky = long.clone();
        spiky[777_777] = 1e9;
        let t = thin(&spiky, CHART_POINTS);
        assert!(t.len() <= CHART_POINTS, "{}", t.len());
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0), "in run order");
        assert!(t.contains(&(777_777, 1e9)), "the spike is kept");
        assert_eq!(t.iter().map(|p| p.1).fold(f64::INFINITY, f64::min), 0.0);
    }

    #[test]
    fn shapes_of_a_million_samples() {
        // Quartiles of 0..10^6 are known exactly; the bins hold every sample.
        let s: Vec<f64> = (0..1_000_000).map(f64::from).collect();
        let b = BoxStats::of(&s).unwrap();
        assert_eq!((b.q1, b.median, b.q3), (249_999.75, 499_999.5, 749_999.25));
        let h = Histogram::of(&s).unwrap();
        assert_eq!(h.counts.len(), 20);
        assert_eq!(h.counts.iter().sum::<usize>(), 1_000_000);
        assert!(BoxStats::of(&[7.0]).is_some_and(|b| b.low == 7.0 && b.high == 7.0));
    }

    #[test]
    fn histogram_bins_cover_every_sample() {
        let s: Vec<f64> = (0..10).map(f64::from).collect();
        let h = Histogram::of(&s).unwrap();
        assert_eq!(h.counts.len(), 4);
        assert_eq!(h.counts.iter().sum::<usize>(), 10);
        assert_eq!(h.start, 0.0);
        assert_eq!(h.median, 4.5);
        let same = Histogram::of(&[5.0, 5.0, 5.0]).unwrap();
        assert_eq!(same.counts, vec![3, 0, 0]);
        assert_eq!(Histogram::of(&[]), None);
    }
}
