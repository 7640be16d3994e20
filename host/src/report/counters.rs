//! A counter as every report writes it: the median over the timed iterations, with the range when
//! they disagreed, in human units for durations (`*_ns`) and byte counts (`*bytes*`).

use super::format;
use crate::analysis::counters::CounterReading;

/// A counter's value in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterText {
    /// The median in human units where the name says what they are, else grouped digits.
    pub median: String,
    /// `1.70 – 2.50 ms`, when the iterations disagreed.
    pub range: Option<String>,
    /// Every exact number and what it rests on, for a tooltip.
    pub exact: String,
}

impl CounterText {
    /// `1.91 ms (1.70 – 2.50 ms)`, or just the median when every iteration agreed.
    pub fn cell(&self) -> String {
        match &self.range {
            Some(range) => format!("{} ({range})", self.median),
            None => self.median.clone(),
        }
    }
}

/// `name`'s reading in words.
pub fn text(name: &str, reading: &CounterReading) -> CounterText {
    let human = |v: u64| -> String {
        if name.ends_with("_ns") {
            format::duration_ns(v as f64)
        } else if name.contains("bytes") {
            format::bytes(v)
        } else {
            format::grouped(v)
        }
    };
    let range = reading.range().map(|(min, max)| {
        let (low, high) = (human(min), human(max));
        // The unit once when both ends share it: `1.70 – 2.50 ms`.
        match (low.rsplit_once(' '), high.rsplit_once(' ')) {
            (Some((a, unit_a)), Some((b, unit_b))) if unit_a == unit_b => {
                format!("{a} – {b} {unit_a}")
            }
            _ => format!("{low} – {high}"),
        }
    });
    let exact = match reading.iterations {
        Some(n) if reading.range().is_some() => format!(
            "median {} of {} timed iterations, min {}, max {}",
            format::grouped(reading.median),
            format::grouped(n),
            format::grouped(reading.min),
            format::grouped(reading.max)
        ),
        Some(n) => format!(
            "{} in each of {} timed iterations",
            format::grouped(reading.median),
            format::grouped(n)
        ),
        None => format!(
            "{} (the last iteration only)",
            format::grouped(reading.median)
        ),
    };
    CounterText {
        median: human(reading.median),
        range,
        exact,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(median: u64, min: u64, max: u64, iterations: Option<u64>) -> CounterReading {
        CounterReading {
            median,
            min,
            max,
            iterations,
        }
    }

    #[test]
    fn durations_with_their_range_in_one_unit() {
        let t = text(
            "db.time_ns",
            &reading(1_912_345, 1_700_000, 2_500_000, Some(30)),
        );
        assert_eq!(t.cell(), "1.91 ms (1.70 – 2.50 ms)");
        assert_eq!(
            t.exact,
            "median 1,912,345 of 30 timed iterations, min 1,700,000, max 2,500,000"
        );
        let t = text(
            "db.time_ns",
            &reading(900_000, 900_000, 13_000_000, Some(30)),
        );
        assert_eq!(t.cell(), "900 µs (900 µs – 13.0 ms)");
    }

    #[test]
    fn counts_that_agree_read_as_one_number() {
        let t = text("db.queries", &reading(51, 51, 51, Some(30)));
        assert_eq!(t.cell(), "51");
        assert_eq!(t.exact, "51 in each of 30 timed iterations");
        let t = text("bytes_read", &reading(2048, 2048, 2048, None));
        assert_eq!(t.cell(), "2.00 KiB");
        assert_eq!(t.exact, "2,048 (the last iteration only)");
    }
}
