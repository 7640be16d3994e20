//! Pass/fail criteria of a load scenario, written as k6 writes them: `p95 < 200ms`,
//! `error_rate < 1%`, `throughput > 100/s`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A latency statistic of a load scenario's histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyStat {
    P50,
    P90,
    P95,
    P99,
    P999,
    Max,
    Mean,
}

impl LatencyStat {
    /// The percentiles, max included (what a latency table shows, in order).
    pub const PERCENTILES: [LatencyStat; 6] = [
        LatencyStat::P50,
        LatencyStat::P90,
        LatencyStat::P95,
        LatencyStat::P99,
        LatencyStat::P999,
        LatencyStat::Max,
    ];

    /// Every statistic: the percentiles and the mean.
    pub fn all() -> impl Iterator<Item = LatencyStat> + Clone {
        Self::PERCENTILES.into_iter().chain([LatencyStat::Mean])
    }

    pub fn name(self) -> &'static str {
        match self {
            LatencyStat::P50 => "p50",
            LatencyStat::P90 => "p90",
            LatencyStat::P95 => "p95",
            LatencyStat::P99 => "p99",
            LatencyStat::P999 => "p99.9",
            LatencyStat::Max => "max",
            LatencyStat::Mean => "mean",
        }
    }

    /// The quantile the statistic reads (none for the mean).
    pub fn quantile(self) -> Option<f64> {
        match self {
            LatencyStat::P50 => Some(0.50),
            LatencyStat::P90 => Some(0.90),
            LatencyStat::P95 => Some(0.95),
            LatencyStat::P99 => Some(0.99),
            LatencyStat::P999 => Some(0.999),
            LatencyStat::Max => Some(1.0),
            LatencyStat::Mean => None,
        }
    }
}

/// What a threshold reads. Serialized as written in suites: `p99`, `service.p99`, `error_rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadMetric {
    /// Latency from the request's intended start (coordinated omission corrected).
    Latency(LatencyStat),
    /// Latency from the moment an instance took the request (`service.p99`): what a closed-loop
    /// tool reports; no queueing in it.
    Service(LatencyStat),
    /// Failed requests over requests sent (plugin errors, traps, limit hits, timeouts).
    ErrorRate,
    /// Requests dropped because the queue was full, over requests offered.
    DropRate,
    /// Requests completed without error per second.
    Throughput,
}

impl LoadMetric {
    fn names() -> String {
        let stats: Vec<&str> = LatencyStat::all().map(|s| s.name()).collect();
        format!(
            "{}, service.<any of those>, error_rate, drop_rate, throughput",
            stats.join(", ")
        )
    }

    /// Whether the metric's values are durations (thresholds written like `200ms`).
    pub fn is_latency(self) -> bool {
        matches!(self, LoadMetric::Latency(_) | LoadMetric::Service(_))
    }
}

impl fmt::Display for LoadMetric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadMetric::Latency(stat) => f.write_str(stat.name()),
            LoadMetric::Service(stat) => write!(f, "service.{}", stat.name()),
            LoadMetric::ErrorRate => f.write_str("error_rate"),
            LoadMetric::DropRate => f.write_str("drop_rate"),
            LoadMetric::Throughput => f.write_str("throughput"),
        }
    }
}

impl FromStr for LoadMetric {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let stat = |name: &str| LatencyStat::all().find(|s| s.name() == name);
        let metric = match text {
            "error_rate" => Some(LoadMetric::ErrorRate),
            "drop_rate" => Some(LoadMetric::DropRate),
            "throughput" => Some(LoadMetric::Throughput),
            _ => match text.strip_prefix("service.") {
                Some(rest) => stat(rest).map(LoadMetric::Service),
                None => stat(text).map(LoadMetric::Latency),
            },
        };
        metric.ok_or_else(|| format!("unknown metric `{text}` (one of: {})", LoadMetric::names()))
    }
}

impl Serialize for LoadMetric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LoadMetric {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// The comparison a threshold makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Inequality {
    #[serde(rename = "<")]
    Below,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = ">")]
    Above,
    #[serde(rename = ">=")]
    AtLeast,
}

impl Inequality {
    fn symbol(self) -> &'static str {
        match self {
            Inequality::Below => "<",
            Inequality::AtMost => "<=",
            Inequality::Above => ">",
            Inequality::AtLeast => ">=",
        }
    }

    pub fn holds(self, observed: f64, limit: f64) -> bool {
        match self {
            Inequality::Below => observed < limit,
            Inequality::AtMost => observed <= limit,
            Inequality::Above => observed > limit,
            Inequality::AtLeast => observed >= limit,
        }
    }
}

/// One criterion: `metric op value`. Latencies are held in ns, rates as fractions, throughput in
/// requests per second.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadThreshold {
    pub metric: LoadMetric,
    pub comparison: Inequality,
    pub value: f64,
    /// As written in the suite.
    pub text: String,
}

impl LoadThreshold {
    pub fn holds(&self, observed: f64) -> bool {
        self.comparison.holds(observed, self.value)
    }
}

impl FromStr for LoadThreshold {
    type Err = String;

    /// Parses `p95 < 200ms`, `service.p99 <= 1s`, `error_rate < 1%`, `drop_rate < 0.001`,
    /// `throughput > 100/s`.
    fn from_str(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (at, comparison, width) = ["<=", ">=", "<", ">"]
            .iter()
            .find_map(|op| trimmed.find(op).map(|at| (at, *op, op.len())))
            .ok_or_else(|| {
                format!("threshold `{trimmed}` needs a comparison, as in `p95 < 200ms` or `error_rate < 1%`")
            })?;
        let comparison = match comparison {
            "<=" => Inequality::AtMost,
            ">=" => Inequality::AtLeast,
            "<" => Inequality::Below,
            _ => Inequality::Above,
        };
        let metric: LoadMetric = trimmed[..at]
            .trim()
            .parse()
            .map_err(|e| format!("threshold `{trimmed}`: {e}"))?;
        let value_text = trimmed[at + width..].trim();
        let value = match metric {
            LoadMetric::Latency(_) | LoadMetric::Service(_) => {
                humantime::parse_duration(value_text)
                    .map(|d| d.as_nanos() as f64)
                    .map_err(|_| {
                        format!(
                            "threshold `{trimmed}`: `{value_text}` is not a duration like `200ms`"
                        )
                    })?
            }
            LoadMetric::ErrorRate | LoadMetric::DropRate => {
                super::parse_fraction(value_text).ok_or_else(|| {
                    format!(
                        "threshold `{trimmed}`: `{value_text}` is not a percentage like `1%` or a fraction like `0.01`"
                    )
                })?
            }
            LoadMetric::Throughput => value_text
                .strip_suffix("/s")
                .unwrap_or(value_text)
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    format!("threshold `{trimmed}`: `{value_text}` is not a rate like `100/s`")
                })?,
        };
        Ok(LoadThreshold {
            metric,
            comparison,
            value,
            text: trimmed.to_string(),
        })
    }
}

impl fmt::Display for LoadThreshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.metric,
            self.comparison.symbol(),
            self.text
                .rsplit(self.comparison.symbol())
                .next()
                .unwrap_or("")
                .trim()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_like_k6() {
        let t: LoadThreshold = "p95 < 200ms".parse().unwrap();
        assert_eq!(t.metric, LoadMetric::Latency(LatencyStat::P95));
        assert_eq!(t.comparison, Inequality::Below);
        assert_eq!(t.value, 200e6);
        assert!(t.holds(199e6) && !t.holds(200e6));

        let t: LoadThreshold = "service.p99.9<=1s".parse().unwrap();
        assert_eq!(t.metric, LoadMetric::Service(LatencyStat::P999));
        assert_eq!(t.comparison, Inequality::AtMost);
        assert_eq!(t.value, 1e9);

        let t: LoadThreshold = "error_rate < 1%".parse().unwrap();
        assert_eq!((t.metric, t.value), (LoadMetric::ErrorRate, 0.01));
        let t: LoadThreshold = "throughput >= 100/s".parse().unwrap();
        assert_eq!(
            (t.metric, t.comparison, t.value),
            (LoadMetric::Throughput, Inequality::AtLeast, 100.0)
        );
        assert_eq!(t.to_string(), "throughput >= 100/s");
    }

    #[test]
    fn bad_thresholds_say_what_is_wrong() {
        let e = "p96 < 1s".parse::<LoadThreshold>().unwrap_err();
        assert!(
            e.contains("unknown metric `p96`") && e.contains("p99.9"),
            "{e}"
        );
        let e = "p95 200ms".parse::<LoadThreshold>().unwrap_err();
        assert!(e.contains("needs a comparison"), "{e}");
        let e = "p95 < fast".parse::<LoadThreshold>().unwrap_err();
        assert!(e.contains("not a duration"), "{e}");
        let e = "error_rate < lots".parse::<LoadThreshold>().unwrap_err();
        assert!(e.contains("percentage"), "{e}");
    }
}
