//! `bmf.json`: Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/):
//! `{ bench: { measure: { value, lower_value?, upper_value? } } }`, for `bencher run --adapter json`.

use anyhow::Result;
use serde_json::{Map, Value, json};

use super::export::{Export, Inputs};
use crate::results::Status;

pub struct BencherMetricFormat;

impl Export for BencherMetricFormat {
    fn file_name(&self) -> &'static str {
        "bmf.json"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let mut root = Map::new();
        for bench in inputs
            .results
            .benches
            .iter()
            .filter(|b| b.status == Status::Ok)
        {
            let mut measures = Map::new();
            if let Some(w) = &bench.wall_ns {
                // `latency` is Bencher's built-in measure, in nanoseconds.
                measures.insert(
                    "latency".into(),
                    json!({ "value": w.summary.median, "lower_value": w.summary.median_ci_low, "upper_value": w.summary.median_ci_high }),
                );
            }
            if let Some(f) = &bench.fuel {
                measures.insert("fuel".into(), json!({ "value": f.per_iteration as f64 }));
            }
            measures.insert(
                "peak-memory".into(),
                json!({ "value": bench.memory.peak_bytes as f64 }),
            );
            if let Some(per_second) = bench.units.as_ref().and_then(|u| u.per_second) {
                measures.insert("throughput".into(), json!({ "value": per_second }));
            }
            root.insert(bench.id.clone(), Value::Object(measures));
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(root))?;
        text.push('\n');
        Ok(Some(text))
    }
}
