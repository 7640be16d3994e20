//! `github-action-benchmark.json`: the `customSmallerIsBetter` input of
//! benchmark-action/github-action-benchmark: `[{ name, unit, value, range?, extra? }]`.
//!
//! `range` is free text; a median's interval is lopsided, so it is written as both distances
//! (`-12 / +30`) rather than a symmetric `±`.

use anyhow::Result;
use serde_json::{Value, json};

use super::export::{Export, Inputs};
use crate::model::{Direction, Metric, Status};
use crate::results::Measurement;

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
            // The customSmallerIsBetter tool can only hold metrics where smaller is better.
            for metric in Metric::ALL
                .into_iter()
                .filter(|m| m.direction() == Direction::LowerIsBetter)
            {
                let Some(measurement) = bench.measurement(metric) else {
                    continue;
                };
                let name = format!("{} ({})", bench.id, metric);
                let unit = metric.unit().as_str();
                entries.push(match measurement {
                    Measurement::Counted(c) => json!({ "name": name, "unit": unit, "value": c.value }),
                    Measurement::Sampled(w) => {
                        let s = &w.summary;
                        json!({
                            "name": name,
                            "unit": unit,
                            "value": s.median,
                            "range": format!("-{:.0} / +{:.0}", s.median - s.median_ci_low, s.median_ci_high - s.median),
                            "extra": format!("{} samples in {} executions; range: 95% CI of the median", s.count, s.executions),
                        })
                    }
                });
            }
        }
        let mut text = serde_json::to_string_pretty(&Value::Array(entries))?;
        text.push('\n');
        Ok(Some(text))
    }
}
