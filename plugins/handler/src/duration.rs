//! Duration parameters (`50ms`, `2s`, `500us`): the SDK's `Params` reads sizes and counts, not times.

use std::time::Duration;

use wasmbench_sdk::Params;

/// Reads parameter `name` as a duration, with an error that names it.
pub(crate) fn param(params: &Params, name: &str) -> Result<Duration, String> {
    let raw = params.str(name)?;
    parse(raw).ok_or_else(|| {
        format!(
            "parameter `{name}` must be a duration like `50ms`, `500us` or `2s` \
             (a plain number is milliseconds), got `{raw}`"
        )
    })
}

/// A whole count (the shared integer rule: digits, `_` ignored) then an optional unit, spaces
/// around it allowed, case-insensitive: `ns`, `us`/`µs`, `ms`, `s`; no unit means milliseconds.
/// `None` for other text, a fraction, or an overflow.
pub(crate) fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(text.len());
    let (count, unit) = text.split_at(split);
    // `count` holds only digits and `_`, so the rule can't see a sign here.
    let count = wasmbench_params::uint(count)?;
    let nanos_per = match unit.trim().to_ascii_lowercase().as_str() {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "" | "ms" => 1_000_000,
        "s" => 1_000_000_000,
        _ => return None,
    };
    count.checked_mul(nanos_per).map(Duration::from_nanos)
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_plain_milliseconds() {
        assert_eq!(parse("50ms"), Some(Duration::from_millis(50)));
        assert_eq!(parse("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse("500us"), Some(Duration::from_micros(500)));
        assert_eq!(parse("500µs"), Some(Duration::from_micros(500)));
        assert_eq!(parse("750ns"), Some(Duration::from_nanos(750)));
        assert_eq!(parse("40"), Some(Duration::from_millis(40)));
        assert_eq!(parse(" 1_000 MS "), Some(Duration::from_secs(1)));
        assert_eq!(parse("0"), Some(Duration::ZERO));
    }

    #[test]
    fn rejects_what_is_not_a_whole_duration() {
        for bad in [
            "", "ms", "1.5ms", "-5ms", "+5ms", "5 min", "5m", "5h", "fast", "5ms2",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse("18446744073709551615s"), None, "overflow");
    }

    #[test]
    fn errors_name_the_parameter() {
        let params = Params::with_defaults(&[("slow_cpu", "50ms"), ("bad", "soon")], []);
        assert_eq!(param(&params, "slow_cpu"), Ok(Duration::from_millis(50)));
        let err = param(&params, "bad").unwrap_err();
        assert!(
            err.contains("parameter `bad`") && err.contains("`soon`"),
            "{err}"
        );
    }
}
