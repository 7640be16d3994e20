//! `github-action-benchmark.json`: the `customSmallerIsBetter` input of
//! benchmark-action/github-action-benchmark: `[{ name, unit, value, range?, extra? }]`.

use anyhow::Result;
use serde_json::{Value, json};

use super::export::{Export, Inputs};
use crate::results::Status;

pub struct GithubActionBenchmark;

impl Export for GithubActionBenchmark {
    fn file_name(&self) -> &'static str {
        "github-action-benchmark.json"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let mut entries = Vec::new();
        for bench in inputs
            .results
            .benches
            .iter()
            .filter(|b| b.status == Status::Ok)
        {
            if let Some(w) = &bench.wall_ns {
                let half_width = (w.summary.median_ci_high - w.summary.median_ci_low) / 2.0;
                entries.push(json!({
                    "name": format!("{} (wall)", bench.id),
                    "unit": "ns",
                    "value": w.summary.median,
                    "range": format!("± {half_width:.0}"),
                    "extra": format!("{} samples; 95% CI of the median", w.summary.count),
                }));
            }
            if let Some(f) = &bench.fuel {
                entries.push(json!({ "name": format!("{} (fuel)", bench.id), "unit": "fuel", "value": f.per_iteration }));
            }
            entries.push(json!({ "name": format!("{} (peak memory)", bench.id), "unit": "bytes", "value": bench.memory.peak_bytes }));
        }
        let mut text = serde_json::to_string_pretty(&Value::Array(entries))?;
        text.push('\n');
        Ok(Some(text))
    }
}
