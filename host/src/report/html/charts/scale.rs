//! One unit per chart axis: values are divided by it and the axis title names it.

/// One unit for a whole axis: values are divided by `divisor`; `suffix` goes in the axis title.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub divisor: f64,
    pub suffix: String,
}

impl Scale {
    pub fn plain(suffix: &str) -> Self {
        Scale {
            divisor: 1.0,
            suffix: suffix.to_string(),
        }
    }

    /// ns, µs, ms or s, whichever keeps `max_ns` between 1 and 1000.
    pub fn duration(max_ns: f64) -> Self {
        let (divisor, suffix) = if max_ns < 1e3 {
            (1.0, "ns")
        } else if max_ns < 1e6 {
            (1e3, "µs")
        } else if max_ns < 1e9 {
            (1e6, "ms")
        } else {
            (1e9, "s")
        };
        Scale {
            divisor,
            suffix: suffix.into(),
        }
    }

    /// B, KiB, MiB or GiB.
    pub fn bytes(max: f64) -> Self {
        let mut divisor = 1.0;
        let mut unit = 0;
        const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
        while max / divisor >= 1024.0 && unit < UNITS.len() - 1 {
            divisor *= 1024.0;
            unit += 1;
        }
        Scale {
            divisor,
            suffix: UNITS[unit].into(),
        }
    }

    /// SI prefix for counts, then `unit` ("" for plain numbers): "millions", "k ops".
    pub fn count(max: f64, unit: &str) -> Self {
        let (divisor, prefix, word) = if max >= 1e9 {
            (1e9, "G", "billions")
        } else if max >= 1e6 {
            (1e6, "M", "millions")
        } else if max >= 1e3 {
            (1e3, "k", "thousands")
        } else {
            (1.0, "", "")
        };
        let suffix = match (unit.is_empty(), prefix.is_empty()) {
            (true, _) => word.to_string(),
            (false, true) => unit.to_string(),
            (false, false) => format!("{prefix} {unit}"),
        };
        Scale { divisor, suffix }
    }

    /// Units per second: bytes/s as KiB/s, MiB/s; anything else as "k ops/s".
    pub fn throughput(max: f64, unit: &str) -> Self {
        let mut scale = if unit == crate::model::Unit::Bytes.as_str() {
            Scale::bytes(max)
        } else {
            Scale::count(max, unit)
        };
        scale.suffix.push_str("/s");
        scale
    }

    /// "wall time per iteration (ms)".
    pub fn title(&self, what: &str) -> String {
        if self.suffix.is_empty() {
            what.to_string()
        } else {
            format!("{what} ({})", self.suffix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_pick_one_unit_per_axis() {
        assert_eq!(Scale::duration(20e6).suffix, "ms");
        assert_eq!(Scale::duration(999.0).suffix, "ns");
        assert_eq!(Scale::bytes(5.0 * 1024.0 * 1024.0).suffix, "MiB");
        assert_eq!(Scale::count(38e6, "").title("fuel"), "fuel (millions)");
        assert_eq!(Scale::throughput(2e8, "bytes").suffix, "MiB/s");
        assert_eq!(Scale::throughput(3e5, "ops").suffix, "k ops/s");
    }
}
