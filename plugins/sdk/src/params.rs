//! Workload parameters: text from the host, parsed on demand with errors that name the parameter.

use std::collections::BTreeMap;

/// The parameters of one bench: the workload's defaults overlaid with the suite's values.
#[derive(Debug, Clone, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    pub fn with_defaults(
        defaults: &[(&str, &str)],
        given: impl IntoIterator<Item = (String, String)>,
    ) -> Self {
        let mut values: BTreeMap<String, String> = defaults
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        values.extend(given);
        Params { values }
    }

    /// The raw text of a parameter.
    pub fn str(&self, name: &str) -> Result<&str, String> {
        self.values
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| format!("missing parameter `{name}`"))
    }

    /// An unsigned integer (`_` separators allowed).
    pub fn u64(&self, name: &str) -> Result<u64, String> {
        let raw = self.str(name)?;
        raw.replace('_', "")
            .parse()
            .map_err(|_| format!("parameter `{name}` must be an unsigned integer, got `{raw}`"))
    }

    /// An unsigned integer that fits in `usize`.
    pub fn usize(&self, name: &str) -> Result<usize, String> {
        let value = self.u64(name)?;
        usize::try_from(value).map_err(|_| format!("parameter `{name}` is too large: {value}"))
    }

    /// A floating-point number.
    pub fn f64(&self, name: &str) -> Result<f64, String> {
        let raw = self.str(name)?;
        raw.parse()
            .map_err(|_| format!("parameter `{name}` must be a number, got `{raw}`"))
    }

    /// A boolean (`true` / `false`).
    pub fn bool(&self, name: &str) -> Result<bool, String> {
        match self.str(name)? {
            "true" => Ok(true),
            "false" => Ok(false),
            raw => Err(format!(
                "parameter `{name}` must be true or false, got `{raw}`"
            )),
        }
    }

    /// A size in bytes: a plain integer or a number with a binary or decimal unit
    /// (`64 KiB`, `1MiB`, `10 kB`).
    pub fn bytes(&self, name: &str) -> Result<u64, String> {
        let raw = self.str(name)?;
        parse_bytes(raw)
            .ok_or_else(|| format!("parameter `{name}` must be a size like `64 KiB`, got `{raw}`"))
    }
}

fn parse_bytes(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let split = raw
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(raw.len());
    let (number, unit) = raw.split_at(split);
    let number: u64 = number.replace('_', "").parse().ok()?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("64 KiB"), Some(65536));
        assert_eq!(parse_bytes("1MiB"), Some(1 << 20));
        assert_eq!(parse_bytes("10 kB"), Some(10_000));
        assert_eq!(parse_bytes("4096"), Some(4096));
        assert_eq!(parse_bytes("4 parsecs"), None);
    }

    #[test]
    fn given_values_override_defaults() {
        let p = Params::with_defaults(
            &[("n", "1"), ("m", "2")],
            [("n".to_string(), "5".to_string())],
        );
        assert_eq!(p.u64("n"), Ok(5));
        assert_eq!(p.u64("m"), Ok(2));
        assert!(p.u64("x").unwrap_err().contains("missing parameter `x`"));
    }
}
