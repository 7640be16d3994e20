//! The one rule for reading wasmbench plugin parameters from text.
//!
//! A suite passes every parameter to the plugin as text; the guest SDK (`Params`) and the host
//! (chart axes, `wasmbench::suite::params`) read it with these functions, so one parameter has one
//! value on both sides. The rule is pinned by `vectors.txt`, which this crate's tests, the SDK's tests
//! and the host's tests all run.
//!
//! - [`uint`]: decimal digits, `_` anywhere ignored, an optional leading `+`: `1_000_000`.
//! - [`size`]: a [`uint`]-style count (digits and `_`, no sign) then an optional unit, spaces around
//!   it allowed, case-insensitive: `b`; `kb` `mb` `gb` (powers of 1000); `k` `m` `g` and `kib` `mib`
//!   `gib` (powers of 1024). So `64k` = `64 KiB` = 65 536 and `10 kB` = 10 000. No fractions.
//! - [`float`]: Rust's `f64` syntax (`0.5`, `1e3`, `inf`).
//! - [`boolean`]: exactly `true` or `false`.
//!
//! Each returns `None` for text that doesn't follow the rule, and for a value that overflows `u64`.

#![cfg_attr(not(test), no_std)]

/// An unsigned integer: decimal digits with an optional leading `+`; every `_` is ignored
/// (`1_000` = 1000). `None` when there is no digit, another character, or it overflows `u64`.
pub fn uint(text: &str) -> Option<u64> {
    let mut digits = text.chars().filter(|&c| c != '_').peekable();
    if digits.peek() == Some(&'+') {
        digits.next();
    }
    let mut value: u64 = 0;
    let mut any = false;
    for c in digits {
        let digit = c.to_digit(10)?;
        value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
        any = true;
    }
    any.then_some(value)
}

/// A size in bytes: a count (digits, `_` ignored) then an optional unit, case-insensitive, with
/// any whitespace around it: `b`, `kb`/`mb`/`gb` (×1000ⁿ), `k`/`m`/`g` or `kib`/`mib`/`gib`
/// (×1024ⁿ). `None` for other text, a fraction, or a size over `u64::MAX` bytes.
pub fn size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    // `number` holds only digits and `_`, so `uint` can't see a sign here.
    let number = uint(number)?;
    number.checked_mul(unit_scale(unit.trim())?)
}

/// Bytes per `unit` (already trimmed), or `None` if it is not a size unit.
fn unit_scale(unit: &str) -> Option<u64> {
    const UNITS: [(&str, u64); 11] = [
        ("", 1),
        ("b", 1),
        ("kb", 1_000),
        ("mb", 1_000_000),
        ("gb", 1_000_000_000),
        ("k", 1 << 10),
        ("kib", 1 << 10),
        ("m", 1 << 20),
        ("mib", 1 << 20),
        ("g", 1 << 30),
        ("gib", 1 << 30),
    ];
    UNITS
        .iter()
        .find(|(name, _)| unit.eq_ignore_ascii_case(name))
        .map(|&(_, scale)| scale)
}

/// A floating-point number in Rust's `f64` syntax (`0.5`, `-2`, `1e3`, `inf`, `NaN`); no `_`,
/// no surrounding spaces.
pub fn float(text: &str) -> Option<f64> {
    text.parse().ok()
}

/// `true` or `false`, exactly.
pub fn boolean(text: &str) -> Option<bool> {
    match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// The test vectors of the rule (`vectors.txt`), for the tests of every crate that reads
/// parameters: this one, the SDK and the host.
#[doc(hidden)]
pub mod vectors {
    /// The text of `vectors.txt`.
    pub const TEXT: &str = include_str!("../vectors.txt");

    /// Which function a vector is for.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Rule {
        Uint,
        Size,
    }

    /// One line of `vectors.txt`: `rule "input" expected`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Vector<'a> {
        /// 1-based line in `vectors.txt`, for failure messages.
        pub line: usize,
        pub rule: Rule,
        /// The text between the first and the last `"` of the line.
        pub input: &'a str,
        /// The value, or `None` when the input must be rejected.
        pub expected: Option<u64>,
    }

    /// Every vector in `TEXT`. Panics on a malformed line, naming it.
    pub fn all() -> impl Iterator<Item = Vector<'static>> {
        TEXT.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map(|(i, l)| {
                parse(i + 1, l).unwrap_or_else(|| panic!("vectors.txt:{}: malformed: {l}", i + 1))
            })
    }

    fn parse(line: usize, text: &str) -> Option<Vector<'_>> {
        let (rule, rest) = text.split_once(' ')?;
        let rule = match rule {
            "uint" => Rule::Uint,
            "size" => Rule::Size,
            _ => return None,
        };
        let start = rest.find('"')?;
        let end = rest.rfind('"').filter(|&end| end > start)?;
        let expected = match rest[end + 1..].trim() {
            "none" => None,
            digits => Some(digits.parse().ok()?),
        };
        Some(Vector {
            line,
            rule,
            input: &rest[start + 1..end],
            expected,
        })
    }
}

#[cfg(test)]
mod tests;
