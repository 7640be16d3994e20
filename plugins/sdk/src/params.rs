//! Workload parameters: text from the host, parsed on demand with errors that name the parameter.
//! The rule for each kind of value is `wasmbench-params`, which the host reads parameters with too.

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
        wasmbench_params::uint(raw)
            .ok_or_else(|| format!("parameter `{name}` must be an unsigned integer, got `{raw}`"))
    }

    /// An unsigned integer that fits in `usize`.
    pub fn usize(&self, name: &str) -> Result<usize, String> {
        let value = self.u64(name)?;
        usize::try_from(value).map_err(|_| format!("parameter `{name}` is too large: {value}"))
    }

    /// A floating-point number.
    pub fn f64(&self, name: &str) -> Result<f64, String> {
        let raw = self.str(name)?;
        wasmbench_params::float(raw)
            .ok_or_else(|| format!("parameter `{name}` must be a number, got `{raw}`"))
    }

    /// A boolean (`true` / `false`).
    pub fn bool(&self, name: &str) -> Result<bool, String> {
        let raw = self.str(name)?;
        wasmbench_params::boolean(raw)
            .ok_or_else(|| format!("parameter `{name}` must be true or false, got `{raw}`"))
    }

    /// A size in bytes: a plain integer or an integer with a binary or decimal unit
    /// (`64 KiB`, `64k` and `1MiB` are binary, `10 kB` decimal).
    pub fn bytes(&self, name: &str) -> Result<u64, String> {
        let raw = self.str(name)?;
        wasmbench_params::size(raw)
            .ok_or_else(|| format!("parameter `{name}` must be a size like `64 KiB`, got `{raw}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use wasmbench_params::vectors::{self, Rule};

    /// The shared vectors, read through `Params` as a plugin reads them.
    #[test]
    fn params_follow_the_shared_vectors() {
        for v in vectors::all() {
            let p = Params::with_defaults(&[("x", v.input)], []);
            let (got, rule) = match v.rule {
                Rule::Uint => (p.u64("x"), "an unsigned integer"),
                Rule::Size => (p.bytes("x"), "a size like `64 KiB`"),
            };
            match v.expected {
                Some(n) => assert_eq!(got, Ok(n), "vectors.txt:{}", v.line),
                None => assert_eq!(
                    got,
                    Err(format!("parameter `x` must be {rule}, got `{}`", v.input)),
                    "vectors.txt:{}",
                    v.line
                ),
            }
        }
    }

    #[test]
    fn sizes_parse_with_units() {
        let p = Params::with_defaults(
            &[
                ("a", "64 KiB"),
                ("b", "64k"),
                ("c", "10 kB"),
                ("d", "4 parsecs"),
            ],
            [],
        );
        assert_eq!(p.bytes("a"), Ok(65536));
        assert_eq!(p.bytes("b"), Ok(65536));
        assert_eq!(p.bytes("c"), Ok(10_000));
        assert!(p.bytes("d").is_err());
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
