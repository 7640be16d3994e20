//! Quantities as people read them, the same in messages and reports: sizes (`16.0 MiB`, or `64 MiB`
//! when exact), counts with thousands separators, three significant digits.

/// Binary units, each 1024 times the one before.
const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];

/// `16.0 MiB`, `512 B`.
pub fn bytes(n: u64) -> String {
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

/// A size as a suite writes it: `64 MiB` when it is a whole number of its unit, else [`bytes`]
/// (`65.1 MiB`).
pub fn size(n: u64) -> String {
    let unit = (0..UNITS.len())
        .rev()
        .find(|&u| n >> (10 * u) > 0 && n.trailing_zeros() >= 10 * u as u32)
        .unwrap_or(0);
    if n >> (10 * unit) >= 1024 && unit < UNITS.len() - 1 {
        // A whole number of a smaller unit that is too large to read well in it.
        return bytes(n);
    }
    format!("{} {}", n >> (10 * unit), UNITS[unit])
}

/// `asked`, which is more than `limit`, so that it reads as more: `65.1 MiB` over `64 MiB`, but
/// `1 GiB + 64 KiB` over `1 GiB` (where rounding would show `1.00 GiB`).
pub fn size_over(asked: u64, limit: u64) -> String {
    let shown = bytes(asked);
    if asked > limit && shown == bytes(limit) {
        format!("{} + {}", size(limit), size(asked - limit))
    } else {
        shown
    }
}

/// `1234567` → `1,234,567`.
pub fn grouped(value: u64) -> String {
    grouped_with(value, ',')
}

/// `1234567` → `1_234_567`, as a suite (TOML) writes a large integer.
pub fn grouped_toml(value: u64) -> String {
    grouped_with(value, '_')
}

fn grouped_with(value: u64, separator: char) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// Three significant digits, without trailing noise: 1.23, 12.3, 123.
/// A fraction as a percentage without trailing zeros: `5%`, `0.5%`, `12.25%`.
pub fn percent(fraction: f64) -> String {
    let text = format!("{:.2}", fraction * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

pub fn three_digits(value: f64) -> String {
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
    fn sizes_read_as_written_when_exact() {
        assert_eq!(size(64 << 20), "64 MiB");
        assert_eq!(size(256 << 20), "256 MiB");
        assert_eq!(size(4 << 30), "4 GiB");
        assert_eq!(size(64 << 10), "64 KiB");
        assert_eq!(size(1536 << 10), "1.50 MiB");
        assert_eq!(size(100), "100 B");
        assert_eq!(size(68_222_976), "65.1 MiB");
        assert_eq!(size(3 << 40), "3 TiB");
    }

    #[test]
    fn a_size_over_a_limit_reads_as_more() {
        assert_eq!(size_over(68_222_976, 64 << 20), "65.1 MiB");
        assert_eq!(size_over((1 << 30) + (64 << 10), 1 << 30), "1 GiB + 64 KiB");
        assert_eq!(size_over(269_549_568, 256 << 20), "257 MiB");
    }

    #[test]
    fn counts_group_their_thousands() {
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped_toml(10_000_000_000), "10_000_000_000");
        assert_eq!(grouped_toml(999), "999");
    }
}
