//! How much relative change each metric tolerates before a verdict calls it a change.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::metric::Metric;

/// Relative tolerance per metric (0.05 = 5%). Serialized as `{"wall": 0.05, "fuel": 0.005, …}`;
/// a metric left out takes its default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds([f64; Metric::COUNT]);

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds(Metric::ALL.map(Metric::default_threshold))
    }
}

impl Thresholds {
    pub fn get(&self, metric: Metric) -> f64 {
        self.0[metric.index()]
    }

    pub fn set(&mut self, metric: Metric, value: f64) {
        self.0[metric.index()] = value;
    }

    /// Every metric with its tolerance, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Metric, f64)> + '_ {
        Metric::ALL.into_iter().map(|m| (m, self.get(m)))
    }

    /// Applies overrides such as `fuel=0.5%,wall=5%,memory=0` (a bare number is a fraction).
    pub fn with_overrides(mut self, spec: &str) -> Result<Self, String> {
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("threshold `{part}` must look like `wall=5%`"))?;
            let value = parse_fraction(value.trim()).ok_or_else(|| {
                format!("threshold `{part}`: `{value}` is not a percentage like `5%` or a fraction like `0.05`")
            })?;
            let metric: Metric = name.trim().parse().map_err(|_| {
                format!(
                    "unknown metric `{}` in `{part}` (one of: {})",
                    name.trim(),
                    Metric::names()
                )
            })?;
            self.set(metric, value);
        }
        Ok(self)
    }
}

impl Serialize for Thresholds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Thresholds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let given = BTreeMap::<Metric, f64>::deserialize(d)?;
        let mut thresholds = Thresholds::default();
        for (metric, value) in given {
            thresholds.set(metric, value);
        }
        Ok(thresholds)
    }
}

/// `5%` → 0.05, `0.05` → 0.05; negative values are rejected.
pub fn parse_fraction(text: &str) -> Option<f64> {
    let value = match text.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().ok()? / 100.0,
        None => text.parse::<f64>().ok()?,
    };
    (value.is_finite() && value >= 0.0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_as_a_map_by_metric_name() {
        let t = Thresholds::default().with_overrides("wall=10%").unwrap();
        let json = serde_json::to_string(&t).unwrap();
        // `toy`: the metric of test builds only (`Metric::Toy`).
        assert_eq!(
            json,
            r#"{"wall":0.1,"fuel":0.005,"memory":0.0,"p50":0.05,"p99":0.1,"throughput":0.05,"error-rate":0.01,"toy":0.05}"#
        );
        let back: Thresholds = serde_json::from_str(r#"{"fuel":0.01}"#).unwrap();
        assert_eq!(back.get(Metric::Fuel), 0.01);
        assert_eq!(back.get(Metric::Wall), Metric::Wall.default_threshold());
        assert!(serde_json::from_str::<Thresholds>(r#"{"speed":1}"#).is_err());
    }

    #[test]
    fn overrides_name_the_metric_they_do_not_know() {
        let error = Thresholds::default()
            .with_overrides("speed=1%")
            .unwrap_err();
        assert!(error.contains("unknown metric `speed`"), "{error}");
        assert!(error.contains("wall, fuel, memory"), "{error}");
    }
}
