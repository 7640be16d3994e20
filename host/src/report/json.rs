//! `comparison.json`: the full comparison (verdicts, ratios, intervals) for tools.

use anyhow::Result;

use super::export::{Export, Inputs};

pub struct ComparisonJson;

impl Export for ComparisonJson {
    fn file_name(&self) -> &'static str {
        "comparison.json"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let Some(comparison) = inputs.comparison else {
            return Ok(None);
        };
        let mut text = serde_json::to_string_pretty(&serde_json::json!({
            // 2: the `no-data` verdict; 3: `inconclusive`, and `unchanged` only within ±threshold.
            // A reader that knows only an older version's verdicts should refuse.
            "wasmbench_comparison_version": 3,
            "comparison": comparison,
        }))?;
        text.push('\n');
        Ok(Some(text))
    }
}
