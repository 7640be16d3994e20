//! Plugin parameters read as numbers, by the rule the guest SDK reads them with (`wasmbench-params`).

/// What a numeric parameter measures, for choosing an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamKind {
    /// A plain number: an integer (`1_000`) or a float (`0.5`).
    Number,
    /// A size with a unit (`64 KiB`, `64k`), in bytes.
    Bytes,
    /// A duration (`20ms`), in nanoseconds.
    Duration,
}

/// A parameter's text as a number, or `None` if it is not one (a file name, a mode, ...).
///
/// Surrounding whitespace is ignored. Integers (with `_` separators) and sizes follow the shared rule
/// of `wasmbench-params`, so `64k` is 65 536 bytes here as in the plugin; other numbers are `f64`
/// (non-finite ones are `None`); durations are humantime's (`20ms`, `1s`), which the SDK doesn't
/// parse. A plain count is a `Number`, not `Bytes`.
pub fn param_number(text: &str) -> Option<(f64, ParamKind)> {
    let text = text.trim();
    if let Some(n) = wasmbench_params::uint(text) {
        return Some((n as f64, ParamKind::Number));
    }
    if let Some(v) = wasmbench_params::float(text) {
        return v.is_finite().then_some((v, ParamKind::Number));
    }
    if let Some(bytes) = wasmbench_params::size(text) {
        return Some((bytes as f64, ParamKind::Bytes));
    }
    humantime::parse_duration(text)
        .ok()
        .map(|d| (d.as_nanos() as f64, ParamKind::Duration))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmbench_params::vectors::{self, Rule};

    /// The vectors the plugin side runs too: what the SDK reads as a number or a size, the host
    /// reads as the same value; what the SDK rejects as a size is never a size here.
    #[test]
    fn params_follow_the_shared_vectors() {
        for v in vectors::all() {
            let got = param_number(v.input);
            let at = format!(
                "vectors.txt:{}: {:?} {:?} -> {got:?}",
                v.line, v.rule, v.input
            );
            let plain_count = v
                .input
                .trim()
                .chars()
                .all(|c| c.is_ascii_digit() || c == '_');
            match (v.rule, v.expected) {
                (Rule::Uint, Some(n)) => {
                    assert_eq!(got, Some((n as f64, ParamKind::Number)), "{at}")
                }
                (Rule::Size, Some(n)) if plain_count => {
                    assert_eq!(got, Some((n as f64, ParamKind::Number)), "{at}")
                }
                (Rule::Size, Some(n)) => {
                    assert_eq!(got, Some((n as f64, ParamKind::Bytes)), "{at}")
                }
                (Rule::Size, None) => {
                    assert!(!matches!(got, Some((_, ParamKind::Bytes))), "{at}")
                }
                // Wider than the SDK's `u64` on purpose: floats are numbers too.
                (Rule::Uint, None) => {}
            }
        }
    }

    #[test]
    fn numbers_sizes_and_durations() {
        assert_eq!(param_number("0.5"), Some((0.5, ParamKind::Number)));
        assert_eq!(param_number(" 1e3 "), Some((1000.0, ParamKind::Number)));
        assert_eq!(param_number("1_000"), Some((1000.0, ParamKind::Number)));
        assert_eq!(param_number("64k"), Some((65536.0, ParamKind::Bytes)));
        assert_eq!(param_number("10 kB"), Some((10_000.0, ParamKind::Bytes)));
        assert_eq!(param_number("20ms"), Some((2e7, ParamKind::Duration)));
        assert_eq!(param_number("inf"), None);
        assert_eq!(param_number("data.bin"), None);
        assert_eq!(param_number(""), None);
    }
}
