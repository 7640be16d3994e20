//! Load scenarios against a baseline: per phase and overall, the ratio new/old of each latency
//! percentile and of throughput, and the change in error rate. Informational, not a verdict: one
//! run of a scenario gives no estimate of its between-run variation, so a load test gates on its
//! own thresholds (`p99 < 200ms`), which compare with a stated goal rather than a noisy past.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::LatencyStat;
use crate::results::{LoadResult, LoadStats};

/// The percentiles a comparison shows.
pub const COMPARED: [LatencyStat; 4] = [
    LatencyStat::P50,
    LatencyStat::P90,
    LatencyStat::P99,
    LatencyStat::P999,
];

/// One scenario in both runs, or in one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadChange {
    pub id: String,
    /// Phases matched by name, then `overall`; empty when the scenario is in one run only.
    pub spans: Vec<SpanChange>,
    /// `new` or `missing` when the scenario is in one run only; a status change otherwise.
    pub note: Option<String>,
}

/// A phase (or `overall`) in both runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanChange {
    pub scope: String,
    pub old: LoadStats,
    pub new: LoadStats,
}

impl SpanChange {
    /// new/old of a corrected latency statistic; none when either run has no latency.
    pub fn latency_ratio(&self, stat: LatencyStat) -> Option<f64> {
        let (old, new) = (self.old.latency?, self.new.latency?);
        ratio(new.get(stat), old.get(stat))
    }

    pub fn throughput_ratio(&self) -> Option<f64> {
        ratio(self.new.throughput, self.old.throughput)
    }

    /// new − old error rate (a fraction).
    pub fn error_rate_change(&self) -> f64 {
        self.new.error_rate - self.old.error_rate
    }
}

fn ratio(new: f64, old: f64) -> Option<f64> {
    (old > 0.0 && new.is_finite()).then(|| new / old)
}

/// Matches scenarios by id, and their phases by name.
pub fn compare_loads(old: &[LoadResult], new: &[LoadResult]) -> Vec<LoadChange> {
    let old_by_id: BTreeMap<&str, &LoadResult> = old.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut changes: Vec<LoadChange> = new
        .iter()
        .map(|load| match old_by_id.get(load.id.as_str()) {
            None => LoadChange {
                id: load.id.clone(),
                spans: Vec::new(),
                note: Some("new".into()),
            },
            Some(base) => LoadChange {
                id: load.id.clone(),
                spans: spans(base, load),
                note: (base.status != load.status)
                    .then(|| format!("status {} → {}", base.status, load.status)),
            },
        })
        .collect();
    let new_ids: Vec<&str> = new.iter().map(|l| l.id.as_str()).collect();
    changes.extend(
        old.iter()
            .filter(|l| !new_ids.contains(&l.id.as_str()))
            .map(|l| LoadChange {
                id: l.id.clone(),
                spans: Vec::new(),
                note: Some("missing".into()),
            }),
    );
    changes
}

fn spans(old: &LoadResult, new: &LoadResult) -> Vec<SpanChange> {
    let mut spans: Vec<SpanChange> = new
        .phases
        .iter()
        .filter_map(|phase| {
            let base = old.phases.iter().find(|p| p.name == phase.name)?;
            Some(SpanChange {
                scope: phase.name.clone(),
                old: base.stats.clone(),
                new: phase.stats.clone(),
            })
        })
        .collect();
    if let (Some(old), Some(new)) = (&old.overall, &new.overall) {
        spans.push(SpanChange {
            scope: "overall".into(),
            old: old.clone(),
            new: new.clone(),
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Percentiles;

    fn stats(p99: u64, throughput: f64) -> LoadStats {
        LoadStats {
            throughput,
            latency: Some(Percentiles {
                count: 10,
                p50: p99 / 2,
                p99,
                ..Percentiles::default()
            }),
            ..LoadStats::default()
        }
    }

    #[test]
    fn ratios_are_new_over_old_per_phase_and_overall() {
        let base = SpanChange {
            scope: "hold".into(),
            old: stats(100, 50.0),
            new: stats(150, 40.0),
        };
        assert_eq!(base.latency_ratio(LatencyStat::P99), Some(1.5));
        assert_eq!(base.latency_ratio(LatencyStat::P50), Some(1.5));
        assert_eq!(base.throughput_ratio(), Some(0.8));
        let empty = SpanChange {
            old: LoadStats::default(),
            ..base
        };
        assert_eq!(empty.latency_ratio(LatencyStat::P99), None);
    }
}
