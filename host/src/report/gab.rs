//! `github-action-benchmark.json`: the `customSmallerIsBetter` input of
//! benchmark-action/github-action-benchmark: `[{ name, unit, value, range?, extra? }]`.
//!
//! A load scenario adds its overall p50, p95, p99 and p99.9 (ns, corrected) as `<id> (load p99)`.
//!
//! `range` is free text; a median's interval is lopsided, so it is written as both distances
//! (`-12 / +30`) rather than a symmetric `±`.

use anyhow::Result;
use serde_json::{Value, json};

use super::export::{Export, Inputs};
use crate::model::{Direction, LatencyStat, Metric, Status, Unit};
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
            .filter(|b| b.head.status == Status::Ok)
        {
            // The customSmallerIsBetter tool can only hold metrics where smaller is better.
            for metric in Metric::bench().filter(|m| m.direction() == Direction::LowerIsBetter) {
                let Some(measurement) = bench.measurement(metric) else {
                    continue;
                };
                let name = format!("{} ({})", bench.head.id, metric);
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
        for load in inputs
            .results
            .loads
            .iter()
            .filter(|l| l.head.status == Status::Ok)
        {
            let Some(latency) = load.overall.as_ref().and_then(|o| o.latency.as_ref()) else {
                continue;
            };
            for stat in [
                LatencyStat::P50,
                LatencyStat::P95,
                LatencyStat::P99,
                LatencyStat::P999,
            ] {
                entries.push(json!({
                    "name": format!("{} (load {})", load.head.id, stat.name()),
                    "unit": Unit::Nanoseconds.as_str(),
                    "value": latency.get(stat),
                    "extra": format!("from the intended start (coordinated omission corrected), {} requests", latency.count),
                }));
            }
        }
        let mut text = serde_json::to_string_pretty(&Value::Array(entries))?;
        text.push('\n');
        Ok(Some(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_scenarios_add_their_corrected_percentiles() {
        let (run, text) = crate::report::testing::rendered_loads(&GithubActionBenchmark);
        let entries: Vec<Value> = serde_json::from_str(&text).unwrap();
        let load = &run.loads[0];
        let names: Vec<&str> = entries.iter().filter_map(|e| e["name"].as_str()).collect();
        let expected: Vec<String> = ["p50", "p95", "p99", "p99.9"]
            .iter()
            .map(|stat| format!("{} (load {stat})", load.head.id))
            .collect();
        assert_eq!(names, expected, "only the scenario that ran: {text}");
        let p99 = load.overall.as_ref().unwrap().latency.as_ref().unwrap().p99;
        assert_eq!(entries[2]["value"], json!(p99 as f64));
        assert_eq!(entries[2]["unit"], "ns");
    }
}
