//! Number formats shared by every report: durations in ns/µs/ms/s, sizes in KiB/MiB, counts with
//! SI prefixes.

use crate::model::Unit;

/// `1.23 ms`, `850 ns`, `2.50 s`.
pub fn duration_ns(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", three_digits(value))
}

/// `16.0 MiB`, `512 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{} {}", three_digits(value), UNITS[unit])
    }
}

/// `1.23 G`, `45.6 k`, `789`.
pub fn count(n: f64) -> String {
    let (value, prefix) = if n >= 1e12 {
        (n / 1e12, " T")
    } else if n >= 1e9 {
        (n / 1e9, " G")
    } else if n >= 1e6 {
        (n / 1e6, " M")
    } else if n >= 1e3 {
        (n / 1e3, " k")
    } else {
        return three_digits(n);
    };
    format!("{}{prefix}", three_digits(value))
}

/// A metric's value in its unit: `1.23 ms`, `4.19 M` fuel, `16.0 MiB`.
pub fn quantity(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Nanoseconds => duration_ns(value),
        Unit::Fuel => count(value),
        Unit::Bytes => bytes(value as u64),
    }
}

/// A fraction as a percentage with at most one decimal: 0.05 → `5%`, 0.005 → `0.5%`.
pub fn percent(fraction: f64) -> String {
    format!("{}%", (fraction * 1000.0).round() / 10.0)
}

/// A ratio as a signed change: 1.034 → `+3.4%`.
pub fn signed_change(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

/// Three significant digits, without trailing noise: 1.23, 12.3, 123.
pub(crate) fn three_digits(value: f64) -> String {
    if value == 0.0 {
        "0".into()
    } else if value.abs() >= 100.0 {
        format!("{value:.0}")
    } else if value.abs() >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(duration_ns(850.0), "850 ns");
        assert_eq!(duration_ns(1_234_000.0), "1.23 ms");
        assert_eq!(duration_ns(2.5e9), "2.50 s");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(16 << 20), "16.0 MiB");
        assert_eq!(count(45_600.0), "45.6 k");
        assert_eq!(count(7.0), "7.00");
    }
}
