//! Series read from a store, their change points found, and the question CI asks: does the newest
//! commit sit after a change for the worse?

use anyhow::Result;

use super::{Point, Selection, Series, Store};
use crate::analysis::changepoint::{self, ChangePoint, Settings};
use crate::model::{Direction, Thresholds};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// A series, its newest points and where it shifted.
#[derive(Debug, Clone)]
pub struct SeriesTrend {
    pub series: Series,
    /// Oldest first.
    pub points: Vec<Point>,
    pub changes: Vec<Change>,
    /// Every point was exact: any change is a change point.
    pub exact: bool,
}

/// A change point, placed on a commit.
#[derive(Debug, Clone)]
pub struct Change {
    pub at: ChangePoint,
    /// The first commit measured after the shift: where it started.
    pub commit: String,
    /// The commit before it (the last one measured the old way), if any.
    pub previous_commit: Option<String>,
    /// The shift is for the worse in the metric's direction.
    pub regression: bool,
}

/// What `history check` decides for a set of series.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub trends: Vec<SeriesTrend>,
}

/// Reads the selected series from `store` and finds their change points.
pub fn analyze(store: &dyn Store, selection: &Selection, settings: &Settings) -> Result<Analysis> {
    let mut trends = Vec::new();
    for series in store.series(selection)? {
        let points = store.points(&series, selection)?;
        if points.is_empty() {
            continue;
        }
        trends.push(trend(series, points, settings));
    }
    Ok(Analysis { trends })
}

/// The change points of one series' points.
pub fn trend(series: Series, points: Vec<Point>, settings: &Settings) -> SeriesTrend {
    let values: Vec<f64> = points.iter().map(|p| p.value.value).collect();
    let exact = points.iter().all(|p| p.value.exact);
    let worse_up = series.key.metric.direction() == Direction::LowerIsBetter;
    let changes = changepoint::detect(&values, exact, settings)
        .into_iter()
        .map(|at| Change {
            commit: points[at.index].commit.clone(),
            previous_commit: at.index.checked_sub(1).map(|i| points[i].commit.clone()),
            regression: if worse_up {
                at.change > 0.0
            } else {
                at.change < 0.0
            },
            at,
        })
        .collect();
    SeriesTrend {
        series,
        points,
        changes,
        exact,
    }
}

/// When a change makes CI fail.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The smallest relative change that fails, per metric.
    pub thresholds: Thresholds,
    /// Only changes that started within the newest this many points of the series.
    pub recent: usize,
    /// Only changes that started at this time (ms since the epoch; a commit's place) or later.
    pub since_ms: Option<i64>,
}

impl SeriesTrend {
    /// The change the newest commits sit after, when it is a regression big enough to fail the
    /// gate, whether or not the series can resolve it (see [`SeriesTrend::failing`]).
    fn gated(&self, gate: &Gate) -> Option<&Change> {
        let last = self.changes.last()?;
        let threshold = gate.thresholds.get(self.series.key.metric);
        let recent = last.at.index + gate.recent >= self.points.len();
        let after_since = gate
            .since_ms
            .is_none_or(|since| self.points[last.at.index].at_ms >= since);
        (last.regression && last.at.change.abs() >= threshold && recent && after_since)
            .then_some(last)
    }

    /// The change that the newest commits sit after, when it is a regression the gate fails on:
    /// big enough, and on a series quiet enough to tell a change of the threshold's size.
    pub fn failing(&self, gate: &Gate) -> Option<&Change> {
        self.gated(gate).filter(|c| {
            self.unresolved(c, gate.thresholds.get(self.series.key.metric))
                .is_none()
        })
    }

    /// A regression the gate would fail on if the series could resolve it: why it can't.
    pub fn inconclusive(&self, gate: &Gate) -> Option<(&Change, String)> {
        let change = self.gated(gate)?;
        let why = self.unresolved(change, gate.thresholds.get(self.series.key.metric))?;
        Some((change, why))
    }

    /// The 95% interval of the shift at `change` (after ÷ before), from how much the series'
    /// points vary around it: Student's t on the logarithms of the two segments' points (the
    /// segment before from the previous change point, the one after to the next or the newest
    /// commit), their variances pooled, or the earlier segment's alone when one commit follows the
    /// change. `None` for an exact series or with too few points to estimate a spread.
    pub fn shift_interval(&self, change: &Change) -> Option<(f64, f64)> {
        if self.exact {
            return None;
        }
        let at = change.at.index;
        let start = self
            .changes
            .iter()
            .map(|c| c.at.index)
            .filter(|&i| i < at)
            .max()
            .unwrap_or(0);
        let end = self
            .changes
            .iter()
            .map(|c| c.at.index)
            .filter(|&i| i > at)
            .min()
            .unwrap_or(self.points.len());
        let logs = |range: std::ops::Range<usize>| -> Vec<f64> {
            self.points[range]
                .iter()
                .map(|p| p.value.value)
                .filter(|v| *v > 0.0 && v.is_finite())
                .map(f64::ln)
                .collect()
        };
        let (before, after) = (logs(start..at), logs(at..end));
        let (nb, na) = (before.len() as f64, after.len() as f64);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let sum_sq = |v: &[f64]| {
            let m = mean(v);
            v.iter().map(|x| (x - m).powi(2)).sum::<f64>()
        };
        if before.is_empty() || after.is_empty() || before.len() + after.len() < 3 {
            return None;
        }
        let df = nb + na - 2.0;
        let variance = (sum_sq(&before) + sum_sq(&after)) / df;
        let se = (variance * (1.0 / nb + 1.0 / na)).sqrt();
        let t = StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(0.975);
        let shift = mean(&after) - mean(&before);
        Some(((shift - t * se).exp(), (shift + t * se).exp()))
    }

    /// Why the series can't resolve `threshold` at `change` — its interval reaches further than the
    /// threshold on either side of the shift — or `None` when it can (or the series is exact).
    fn unresolved(&self, change: &Change, threshold: f64) -> Option<String> {
        if self.exact {
            return None;
        }
        let Some((low, high)) = self.shift_interval(change) else {
            return Some(
                "too few commits around the change to estimate how much the series varies".into(),
            );
        };
        let half = (high / low).ln() / 2.0;
        (half > (1.0 + threshold).ln()).then(|| {
            format!(
                "the series varies too much between commits to resolve a {} change: the shift's 95% interval is {:.3}×–{:.3}×; more executions per run (`--executions`), a quieter runner, or more commits after the change would settle it",
                crate::model::percent(threshold),
                low,
                high
            )
        })
    }
}

impl Analysis {
    /// Every (trend, change) that fails the gate.
    pub fn failures<'a>(
        &'a self,
        gate: &'a Gate,
    ) -> impl Iterator<Item = (&'a SeriesTrend, &'a Change)> {
        self.trends
            .iter()
            .filter_map(move |t| t.failing(gate).map(|c| (t, c)))
    }
}
