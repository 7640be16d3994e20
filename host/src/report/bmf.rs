//! `bmf.json`: Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/):
//! `{ bench: { measure: { value, lower_value?, upper_value? } } }`, for `bencher run --adapter json`.
//!
//! Measures are named for what they hold: wall time under Bencher's built-in `latency` (ns), and
//! throughput under `throughput` (Bencher's operations per second) only when the plugin counts
//! operations; bytes, numbers or elements per second get their own measure, e.g.
//! `bytes-per-second`, so Bencher never plots bytes/s as operations/s. A load scenario is a benchmark
//! named `<id> (load)` with its overall percentiles (`latency-p99`, …), throughput and rates.

use anyhow::Result;
use serde_json::{Map, Value, json};

use super::export::{Export, Inputs};
use crate::model::{LatencyStat, Metric, Status};
use crate::results::{BenchResult, LoadStats, Measurement};

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
            for metric in Metric::ALL {
                if let Some(value) = measure(bench, metric) {
                    measures.insert(measure_name(metric).into(), value);
                }
            }
            if let Some(units) = &bench.units
                && let Some(per_second) = units.per_second
            {
                measures.insert(throughput_name(&units.unit), json!({ "value": per_second }));
            }
            root.insert(bench.id.clone(), Value::Object(measures));
        }
        for load in inputs
            .results
            .loads
            .iter()
            .filter(|l| l.status == Status::Ok)
        {
            if let Some(overall) = &load.overall {
                root.insert(load_key(&load.id), Value::Object(load_measures(overall)));
            }
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(root))?;
        text.push('\n');
        Ok(Some(text))
    }
}

/// A load scenario's benchmark name: its id, marked so it never takes a bench's name.
fn load_key(id: &str) -> String {
    format!("{id} (load)")
}

/// A load scenario's measures over all its phases: corrected latency per percentile
/// (`latency-p99`, `latency-p99-9`, ns), service p99, throughput and the error and drop rates.
fn load_measures(overall: &LoadStats) -> Map<String, Value> {
    let mut measures = Map::new();
    if let Some(latency) = &overall.latency {
        for stat in LatencyStat::PERCENTILES {
            let slug = format!("latency-{}", stat.name().replace('.', "-"));
            measures.insert(slug, json!({ "value": latency.get(stat) }));
        }
    }
    if let Some(service) = &overall.service {
        measures.insert(
            "service-time-p99".into(),
            json!({ "value": service.get(LatencyStat::P99) }),
        );
    }
    measures.insert(
        "requests-per-second".into(),
        json!({ "value": overall.throughput }),
    );
    measures.insert("error-rate".into(), json!({ "value": overall.error_rate }));
    measures.insert("drop-rate".into(), json!({ "value": overall.drop_rate }));
    measures
}

/// Bencher's measure slug for a metric: its built-in `latency` for wall time (nanoseconds), else
/// the metric's own name.
fn measure_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Wall => "latency",
        Metric::Memory => "peak-memory",
        other => other.as_str(),
    }
}

/// A metric's value, with the 95% interval of the median for sampled metrics.
fn measure(bench: &BenchResult, metric: Metric) -> Option<Value> {
    Some(match bench.measurement(metric)? {
        Measurement::Counted(c) => json!({ "value": c.value }),
        Measurement::Sampled(w) => json!({
            "value": w.summary.median,
            "lower_value": w.summary.median_ci_low,
            "upper_value": w.summary.median_ci_high,
        }),
    })
}

/// `throughput` for operations (Bencher's meaning), else `<unit>-per-second`.
fn throughput_name(unit: &str) -> String {
    let slug: String = unit
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    match slug.trim_matches('-') {
        "operations" | "operation" | "ops" | "op" => "throughput".into(),
        "" => "units-per-second".into(),
        slug => format!("{slug}-per-second"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_scenarios_are_benchmarks_with_their_percentiles() {
        let (run, text) = crate::report::testing::rendered_loads(&BencherMetricFormat);
        let bmf: Value = serde_json::from_str(&text).unwrap();
        let load = &run.loads[0];
        let overall = load.overall.as_ref().unwrap();
        let measures = &bmf[load_key(&load.id)];
        assert_eq!(
            measures["latency-p99-9"]["value"],
            json!(overall.latency.as_ref().unwrap().p999 as f64),
            "{text}"
        );
        assert_eq!(
            measures["requests-per-second"]["value"],
            json!(overall.throughput)
        );
        assert_eq!(measures["error-rate"]["value"], json!(overall.error_rate));
        // A scenario that could not run has nothing to plot.
        assert!(bmf.get(load_key(&run.loads[1].id)).is_none(), "{text}");
    }

    #[test]
    fn throughput_measures_say_what_they_count() {
        assert_eq!(throughput_name("operations"), "throughput");
        assert_eq!(throughput_name("bytes"), "bytes-per-second");
        assert_eq!(throughput_name("Numbers"), "numbers-per-second");
        assert_eq!(throughput_name("<b>"), "b-per-second");
    }
}
