//! A bench's expected wall time per iteration as an expression of its parameters, with a unit:
//! `model = "ceil(n / k) * latency_ms ms"`. The lesson a bench teaches has a predicted size
//! (sequential fetches cost N × latency, parallel ones one latency); reports set the prediction
//! beside the measurement, with the deviation, so a reader sees whether the lesson came out at the
//! size the guide says — and by how much the harness adds to it.
//!
//! Expressions are [evalexpr]'s arithmetic: `+ - * / % ^`, parentheses, and functions such as
//! `ceil`, `floor`, `round`, `min`, `max`, `math::log2`. Every parameter (defaults included) that
//! reads as a number — `20`, `0.5`, or a size such as `1 KiB` (in bytes) — is a variable, as a
//! float, so `10 / 3` in a model is 3.33, not 3.

use std::collections::BTreeMap;
use std::fmt;

use evalexpr::{
    ContextWithMutableVariables, DefaultNumericTypes, HashMapContext, Node, Value,
    build_operator_tree,
};

/// The units a model's value may be in, with their length in ns.
const UNITS: [(&str, f64); 5] = [
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
];

/// `<expression> <unit>`, checked for syntax when read.
#[derive(Debug, Clone, PartialEq)]
pub struct WallModel {
    /// As written in the suite.
    pub text: String,
    expression: String,
    unit_ns: f64,
}

impl WallModel {
    /// Reads `text`; the error says what is wrong and shows the form.
    pub fn parse(text: &str) -> Result<Self, String> {
        let form = "write it as an expression of the bench's parameters and a unit, e.g. \
                    `n * latency_ms ms` or `ceil(n / k) * latency_ms ms` (units: ns, us, ms, s)";
        let trimmed = text.trim();
        let Some((expression, unit)) = trimmed.rsplit_once(char::is_whitespace) else {
            return Err(format!("`{trimmed}` has no unit; {form}"));
        };
        let Some(&(_, unit_ns)) = UNITS.iter().find(|(name, _)| *name == unit) else {
            return Err(format!("`{unit}` is not a unit; {form}"));
        };
        let model = WallModel {
            text: trimmed.to_string(),
            expression: expression.trim().to_string(),
            unit_ns,
        };
        model.tree()?;
        Ok(model)
    }

    fn tree(&self) -> Result<Node<DefaultNumericTypes>, String> {
        build_operator_tree::<DefaultNumericTypes>(&self.expression)
            .map_err(|e| format!("can't read the expression `{}`: {e}", self.expression))
    }

    /// The variables the expression reads, each once, in order of first use.
    pub fn variables(&self) -> Vec<String> {
        self.tree()
            .map(|tree| variables_of(&tree))
            .unwrap_or_default()
    }

    /// The expected wall time per iteration, ns, for a bench's parameters; why not otherwise (a
    /// parameter that is not a number, a result that is not a positive finite time).
    pub fn expected_ns(&self, params: &BTreeMap<String, String>) -> Result<f64, String> {
        let tree = self.tree()?;
        let mut context = HashMapContext::<DefaultNumericTypes>::new();
        for name in variables_of(&tree) {
            let Some(text) = params.get(&name) else {
                return Err(format!("`{name}` is not a parameter of the bench"));
            };
            let value = wasmbench_params::float(text)
                .or_else(|| wasmbench_params::size(text).map(|b| b as f64))
                .ok_or_else(|| {
                    format!("parameter `{name}` is `{text}`, not a number the model can use")
                })?;
            context
                .set_value(name.clone(), Value::Float(value))
                .map_err(|e| format!("parameter `{name}`: {e}"))?;
        }
        let value = tree
            .eval_number_with_context(&context)
            .map_err(|e| format!("`{}` can't be computed: {e}", self.expression))?;
        let ns = value * self.unit_ns;
        if ns.is_finite() && ns > 0.0 {
            Ok(ns)
        } else {
            Err(format!(
                "`{}` comes to {value} {}: a model must predict a positive time",
                self.expression,
                self.unit()
            ))
        }
    }

    fn unit(&self) -> &'static str {
        UNITS
            .iter()
            .find(|(_, ns)| *ns == self.unit_ns)
            .map_or("ns", |(name, _)| name)
    }
}

/// The variables `tree` reads, each once, in order of first use.
fn variables_of(tree: &Node<DefaultNumericTypes>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in tree.iter_variable_identifiers() {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

impl fmt::Display for WallModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_guides_fetch_models_come_to_their_sizes() {
        let p = params(&[
            ("n", "10"),
            ("k", "3"),
            ("latency_ms", "20"),
            ("size", "1 KiB"),
        ]);
        let ns = |text: &str| WallModel::parse(text).unwrap().expected_ns(&p).unwrap();
        assert_eq!(ns("n * latency_ms ms"), 200e6);
        assert_eq!(ns("latency_ms ms"), 20e6);
        // Parameters are floats: 10 / 3 rounds up to 4 rounds, not down to 3.
        assert_eq!(ns("ceil(n / k) * latency_ms ms"), 80e6);
        assert_eq!(ns("size / 1024 us"), 1e3);
        assert_eq!(ns("2.5 s"), 2.5e9);
    }

    #[test]
    fn what_is_wrong_is_said() {
        let no_unit = WallModel::parse("n * latency_ms").unwrap_err();
        assert!(no_unit.contains("`latency_ms` is not a unit"), "{no_unit}");
        assert!(WallModel::parse("n").unwrap_err().contains("has no unit"));
        let syntax = WallModel::parse("n * (latency_ms ms").unwrap_err();
        assert!(syntax.contains("can't read the expression"), "{syntax}");
        let model = WallModel::parse("n * latency_ms ms").unwrap();
        assert_eq!(model.variables(), ["n", "latency_ms"]);
        let missing = model.expected_ns(&params(&[("n", "10")])).unwrap_err();
        assert!(
            missing.contains("`latency_ms` is not a parameter"),
            "{missing}"
        );
        let text = model
            .expected_ns(&params(&[("n", "ten"), ("latency_ms", "20")]))
            .unwrap_err();
        assert!(text.contains("`ten`, not a number"), "{text}");
        let zero = WallModel::parse("n - 10 ms")
            .unwrap()
            .expected_ns(&params(&[("n", "10")]))
            .unwrap_err();
        assert!(zero.contains("positive time"), "{zero}");
    }
}
