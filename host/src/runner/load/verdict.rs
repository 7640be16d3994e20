//! Judging a load scenario's thresholds against what was measured.

use crate::model::{LoadMetric, LoadThreshold};
use crate::results::{LoadStats, ThresholdVerdict};

/// The value `metric` had over `stats`; none when nothing was measured that it reads.
pub fn observed(metric: LoadMetric, stats: &LoadStats) -> Option<f64> {
    let sent = stats.offered - stats.dropped;
    match metric {
        LoadMetric::Latency(stat) => stats.latency.map(|p| p.get(stat)),
        LoadMetric::Service(stat) => stats.service.map(|p| p.get(stat)),
        LoadMetric::ErrorRate => (sent > 0).then_some(stats.error_rate),
        LoadMetric::DropRate => (stats.offered > 0).then_some(stats.drop_rate),
        LoadMetric::Throughput => Some(stats.throughput),
    }
}

/// Each threshold over `stats`, in `scope` (`overall` or a phase's name). A threshold with nothing
/// to read fails: a scenario whose every request was dropped has not met `p99 < 200ms`.
pub fn judge(
    thresholds: &[LoadThreshold],
    scope: &str,
    stats: &LoadStats,
) -> Vec<ThresholdVerdict> {
    thresholds
        .iter()
        .map(|threshold| {
            let observed = observed(threshold.metric, stats);
            ThresholdVerdict {
                threshold: threshold.clone(),
                scope: scope.to_string(),
                observed,
                passed: observed.is_some_and(|value| threshold.holds(value)),
            }
        })
        .collect()
}

/// While the scenario runs: the first threshold already failed with enough data to trust it
/// (`abort_on_fail`). Throughput is left to the end (it is low until a phase has run a while).
pub fn failing_early<'a>(
    thresholds: &'a [LoadThreshold],
    stats: &LoadStats,
) -> Option<&'a LoadThreshold> {
    /// Fewer requests than this say little about a p99.
    const ENOUGH: u64 = 100;
    if stats.offered < ENOUGH {
        return None;
    }
    thresholds
        .iter()
        .filter(|t| t.metric != LoadMetric::Throughput)
        .find(|t| observed(t.metric, stats).is_some_and(|value| !t.holds(value)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Percentiles;

    #[test]
    fn thresholds_are_judged_and_missing_data_fails() {
        let stats = LoadStats {
            offered: 200,
            ok: 198,
            errors: [("trap".to_string(), 2)].into(),
            error_rate: 0.01,
            throughput: 99.0,
            latency: Some(Percentiles {
                count: 200,
                p95: 150_000_000,
                p99: 600_000_000,
                ..Percentiles::default()
            }),
            ..LoadStats::default()
        };
        let thresholds: Vec<LoadThreshold> = [
            "p95 < 200ms",
            "p99 < 500ms",
            "error_rate <= 1%",
            "throughput > 100/s",
        ]
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
        let verdicts = judge(&thresholds, "hold", &stats);
        let passed: Vec<bool> = verdicts.iter().map(|v| v.passed).collect();
        assert_eq!(passed, [true, false, true, false]);
        assert_eq!(verdicts[1].observed, Some(600e6));
        assert_eq!(verdicts[0].scope, "hold");
        assert_eq!(
            failing_early(&thresholds, &stats).map(|t| t.text.as_str()),
            Some("p99 < 500ms")
        );
        let empty = judge(&thresholds[..1], "overall", &LoadStats::default());
        assert!(!empty[0].passed && empty[0].observed.is_none());
    }
}
