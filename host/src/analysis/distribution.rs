//! The shape of a set of samples as charts draw it: box-plot quartiles and whiskers, histogram bins.

use super::stats::quantile_sorted;

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
