//! Axes as plotters sees them: value axes with nice ticks (linear or log), row axes, tick labels.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::Ranged;

/// A value axis: linear or base-10 logarithmic, with "nice" ticks (1, 2, 5 × 10ⁿ).
#[derive(Debug, Clone)]
pub(super) struct Values {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// Only whole-number ticks (counts such as instances or iterations).
    pub integer: bool,
    /// Ticks chosen by the caller, when given.
    pub fixed: Option<Vec<f64>>,
}

impl Values {
    /// Spans `min..max` (already in axis units). Linear axes start at 0 when `from_zero`.
    pub fn new(min: f64, max: f64, log: bool, from_zero: bool, headroom: f64) -> Self {
        if log {
            // The nearest 1, 2, 5 × 10ⁿ outside the data.
            let nice = |v: f64, up: bool| {
                let v = v.max(f64::MIN_POSITIVE);
                let decade = 10f64.powf(v.log10().floor());
                let steps = [1.0, 2.0, 5.0, 10.0];
                if up {
                    steps.iter().map(|s| s * decade).find(|c| *c >= v * 0.9999)
                } else {
                    steps
                        .iter()
                        .rev()
                        .map(|s| s * decade)
                        .find(|c| *c <= v * 1.0001)
                }
                .unwrap_or(decade)
            };
            let lo = nice(min, false);
            let mut hi = nice(max, true);
            if hi <= lo {
                hi = lo * 10.0;
            }
            return Values {
                lo,
                hi,
                log,
                integer: false,
                fixed: None,
            };
        }
        let lo = if from_zero { min.min(0.0) } else { min };
        let span = (max - lo).max(max.abs() * 1e-3).max(1e-9);
        let lo = if from_zero {
            lo
        } else {
            (lo - span * 0.08).max(if min >= 0.0 { 0.0 } else { f64::MIN })
        };
        Values {
            lo,
            hi: max + span * headroom,
            log: false,
            integer: false,
            fixed: None,
        }
    }

    fn fraction(&self, v: f64) -> f64 {
        if self.log {
            let (lo, hi) = (self.lo.log10(), self.hi.log10());
            (v.max(self.lo * 1e-3).log10() - lo) / (hi - lo)
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }

    /// Tick positions and the step they were made with (for the label precision).
    pub fn ticks(&self, max_points: usize) -> (Vec<f64>, f64) {
        let max_points = max_points.max(2);
        if let Some(fixed) = &self.fixed {
            return (fixed.clone(), fixed.first().copied().unwrap_or(1.0));
        }
        if self.log {
            let ticks = log_ticks(self.lo, self.hi, max_points);
            let step = ticks.first().copied().unwrap_or(1.0);
            return (ticks, step);
        }
        let mut raw = (self.hi - self.lo) / max_points as f64;
        if self.integer {
            raw = raw.max(1.0);
        }
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .filter(|s| !self.integer || s.fract() == 0.0)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let mut ticks = Vec::new();
        let mut t = (self.lo / step).ceil() * step;
        while t <= self.hi + step * 1e-9 {
            ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
            t += step;
        }
        (ticks, step)
    }
}

/// Ticks of a log axis from `lo` to `hi`: 1, 2, 5 × 10ⁿ when at most `max_points` of them fit,
/// else every decade (or every second, third… one); never fewer than three when the range holds
/// three 1-2-5 values, since two labels don't tell a reader the axis is logarithmic.
pub(super) fn log_ticks(lo: f64, hi: f64, max_points: usize) -> Vec<f64> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let within = |t: f64| t >= lo * 0.9999 && t <= hi * 1.0001;
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let ticks = |steps: &[f64], stride: i32| -> Vec<f64> {
        (first..=last)
            .filter(|e| e.rem_euclid(stride) == 0)
            .flat_map(|e| steps.iter().map(move |s| s * 10f64.powi(e)))
            .filter(|t| within(*t))
            .collect()
    };
    let one_two_five = ticks(&[1.0, 2.0, 5.0], 1);
    if one_two_five.len() < 3 {
        // Less than a decade: halves and thirds between, so the axis still reads.
        let fine = ticks(&[1.0, 1.5, 2.0, 3.0, 5.0, 7.0], 1);
        return if fine.len() > one_two_five.len() {
            fine
        } else {
            one_two_five
        };
    }
    if one_two_five.len() <= max_points {
        return one_two_five;
    }
    let mut denser = one_two_five;
    for stride in 1..=(last - first).max(1) {
        let sparser = ticks(&[1.0], stride);
        if sparser.len() < 3 {
            return denser;
        }
        if sparser.len() <= max_points {
            return sparser;
        }
        denser = sparser;
    }
    denser
}

impl Ranged for Values {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + ((limit.1 - limit.0) as f64 * self.fraction(*value)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        self.ticks(hint.max_num_points()).0
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// A category axis of `n` rows, row 0 at the top; fractional values place things within a row.
#[derive(Debug, Clone)]
pub(super) struct Rows(pub usize);

impl Ranged for Rows {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // plotters hands the y axis its limits bottom first.
        let fraction = (self.0 as f64 - 0.5 - value) / self.0 as f64;
        limit.0 + ((limit.1 - limit.0) as f64 * fraction).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.0).map(|i| i as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.0 as f64 - 0.5
    }
}

/// Tick label: enough decimals for the tick step, no more.
pub(super) fn tick_label(value: f64, step: f64) -> String {
    // The fewest decimals that write the step exactly (0.25 needs 2, 0.5 needs 1, 5 needs 0).
    let decimals = (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The smallest and largest finite values; (0, 1) when there are none.
pub(super) fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        let v = Values::new(0.0, 23.0, false, true, 0.0);
        let (ticks, step) = v.ticks(6);
        assert_eq!(step, 5.0);
        assert_eq!(ticks, vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(tick_label(2.5, 0.5), "2.5");
        assert_eq!(tick_label(20.0, 5.0), "20");
        assert_eq!(tick_label(0.75, 0.25), "0.75");
        assert_eq!(tick_label(7.5, 2.5), "7.5");
        assert_eq!(tick_label(10.0, 2.5), "10");
        let log = Values::new(0.3, 250.0, true, false, 0.0);
        assert_eq!((log.lo, log.hi), (0.2, 500.0));
        assert_eq!(log.ticks(8).0, vec![1.0, 10.0, 100.0]);
        let log = Values::new(4.0, 64.0, true, false, 0.0);
        assert_eq!(log.ticks(8).0, vec![2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
    }

    /// Whether `t` is 1, 2 or 5 × 10ⁿ.
    fn one_two_five(t: f64) -> bool {
        let mantissa = t / 10f64.powf(t.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .any(|m| (mantissa - m).abs() < 1e-6)
    }

    /// Every log axis the charts make gets at least three labels, all 1-2-5 values, and not more
    /// than asked for unless that would leave fewer than three (the load charts' 0.2–50 ms had
    /// two: 1 and 10).
    #[test]
    fn log_ticks_are_one_two_five_and_at_least_three() {
        for (min, max) in [
            (0.3, 40.0),
            (0.2, 50.0),
            (0.05, 20.0),
            (1.2, 9.0),
            (3.0, 900.0),
            (0.011, 7.5e4),
            (150.0, 420.0),
            (2.0e-3, 2.0e6),
        ] {
            let axis = Values::new(min, max, true, false, 0.0);
            for max_points in [6, 8] {
                let ticks = axis.ticks(max_points).0;
                assert!(ticks.len() >= 3, "{min}..{max}: {ticks:?}");
                assert!(
                    ticks.iter().all(|t| one_two_five(*t)),
                    "{min}..{max}: {ticks:?}"
                );
                assert!(ticks.windows(2).all(|w| w[0] < w[1]));
                assert!(
                    ticks
                        .iter()
                        .all(|t| *t >= axis.lo * 0.999 && *t <= axis.hi * 1.001)
                );
                // More than asked only where every decade alone would have been under three.
                if ticks.len() > max_points {
                    let decades = ticks
                        .iter()
                        .filter(|t| t.log10().fract().abs() < 1e-9)
                        .count();
                    assert!(decades < 3, "{min}..{max}: {ticks:?}");
                }
            }
        }
        // Less than a decade: still three labels.
        assert_eq!(log_ticks(1.0, 2.0, 6), vec![1.0, 1.5, 2.0]);
    }
}
