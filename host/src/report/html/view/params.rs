//! Parameter values as numbers, for chart axes: plain numbers, sizes and durations.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamKind {
    Number,
    Bytes,
    Duration,
}

/// A parameter's text as a number: plain numbers, sizes (`64 KiB`, in bytes) and durations (`20ms`,
/// in ns). The one place that reads parameter text for the report.
pub fn param_value(text: &str) -> Option<(f64, ParamKind)> {
    let text = text.trim();
    if let Ok(v) = text.parse::<f64>() {
        return v.is_finite().then_some((v, ParamKind::Number));
    }
    if let Ok(size) = bytesize::ByteSize::from_str(text) {
        return Some((size.as_u64() as f64, ParamKind::Bytes));
    }
    humantime::parse_duration(text)
        .ok()
        .map(|d| (d.as_nanos() as f64, ParamKind::Duration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sizes_and_durations() {
        assert_eq!(param_value("18"), Some((18.0, ParamKind::Number)));
        assert_eq!(param_value(" 4 KiB "), Some((4096.0, ParamKind::Bytes)));
        assert_eq!(param_value("20ms"), Some((20e6, ParamKind::Duration)));
        assert_eq!(param_value("data.bin"), None);
        assert_eq!(param_value("NaN"), None);
    }
}
