//! Series read from a store, their change points found, and the question CI asks: does the newest
//! commit sit after a change for the worse?

use anyhow::Result;

use super::series::{Point, Selection, Series};
use super::store::Store;
use crate::analysis::changepoint::{self, ChangePoint, Settings};
use crate::analysis::stats::median_of;
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
    /// Where, and how big: `at.change` is relative, or `after − before` for a metric compared as
    /// a difference (an error rate).
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
    /// Series whose points are read at once.
    const BATCH: usize = 100;
    let mut trends = Vec::new();
    for batch in store.series(selection)?.chunks(BATCH) {
        let points = store.points_of(batch, selection)?;
        for (series, points) in batch.iter().zip(points) {
            if points.is_empty() {
                continue;
            }
            trends.push(trend(series.clone(), points, settings));
        }
    }
    Ok(Analysis { trends })
}

/// The change points of one series' points.
pub fn trend(series: Series, points: Vec<Point>, settings: &Settings) -> SeriesTrend {
    let values: Vec<f64> = points.iter().map(|p| p.value.value).collect();
    let exact = points.iter().all(|p| p.value.exact);
    let metric = series.key.metric;
    let worse_up = metric.direction() == Direction::LowerIsBetter;
    let found = if metric.compared_as_difference() {
        difference_changes(&values, exact, settings)
    } else {
        changepoint::detect(&values, exact, settings)
    };
    let changes = found
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

/// The change points of a share (an error rate, 0–1), each sized as a difference, `after −
/// before`: a relative change from a share of 0 is infinite, and `detect` drops those. E-divisive
/// reads only differences between values, so it runs on the values lifted by 1 and finds the same
/// splits; `min_change` is then a difference too (0.01: one percentage point), applied as `detect`
/// applies it, the smallest change dropped first, its segments merged.
fn difference_changes(values: &[f64], exact: bool, settings: &Settings) -> Vec<ChangePoint> {
    let lifted: Vec<f64> = values.iter().map(|v| v + 1.0).collect();
    let unfiltered = Settings {
        min_change: 0.0,
        ..*settings
    };
    let mut found: Vec<(usize, Option<f64>)> = changepoint::detect(&lifted, exact, &unfiltered)
        .into_iter()
        .map(|c| (c.index, c.p_value))
        .collect();
    loop {
        let points = differences(values, &found);
        let smallest = points
            .iter()
            .enumerate()
            .filter(|(_, p)| p.change.abs() < settings.min_change)
            .min_by(|a, b| a.1.change.abs().total_cmp(&b.1.change.abs()))
            .map(|(i, _)| i);
        match smallest {
            Some(i) => {
                found.remove(i);
            }
            None => return points,
        }
    }
}

/// Change points at `found` (index, p-value), each with the medians of the segments around it
/// and their difference.
fn differences(values: &[f64], found: &[(usize, Option<f64>)]) -> Vec<ChangePoint> {
    let mut bounds = vec![0];
    bounds.extend(found.iter().map(|&(index, _)| index));
    bounds.push(values.len());
    found
        .iter()
        .enumerate()
        .map(|(k, &(index, p_value))| {
            let before = median_of(&values[bounds[k]..bounds[k + 1]]);
            let after = median_of(&values[bounds[k + 1]..bounds[k + 2]]);
            ChangePoint {
                index,
                before,
                after,
                change: after - before,
                p_value,
            }
        })
        .collect()
}

/// When a change makes CI fail.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The smallest change that fails, per metric: relative, or a difference for a metric
    /// compared as one (error rate: 0.01 is one percentage point).
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

    /// The 95% interval of the shift at `change` (after ÷ before; after − before for a metric
    /// compared as a difference, an error rate), from how much the series' points vary around it:
    /// Student's t on the logarithms of the two segments' points (on the points themselves for a
    /// difference; the segment before from the previous change point, the one after to the next or
    /// the newest commit), their variances pooled, or the earlier segment's alone when one commit
    /// follows the change. `None` for an exact series or with too few points to estimate a spread.
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
        let difference = self.series.key.metric.compared_as_difference();
        let scaled = |range: std::ops::Range<usize>| -> Vec<f64> {
            let values = self.points[range].iter().map(|p| p.value.value);
            if difference {
                values.filter(|v| v.is_finite()).collect()
            } else {
                values
                    .filter(|v| *v > 0.0 && v.is_finite())
                    .map(f64::ln)
                    .collect()
            }
        };
        let (before, after) = (scaled(start..at), scaled(at..end));
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
        let (low, high) = (shift - t * se, shift + t * se);
        Some(if difference {
            (low, high)
        } else {
            (low.exp(), high.exp())
        })
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
        let (too_wide, size, interval) = if self.series.key.metric.compared_as_difference() {
            let points = |d: f64| format!("{:+.1} pp", d * 100.0);
            (
                (high - low) / 2.0 > threshold,
                format!("{:.1} percentage point", threshold * 100.0),
                format!("{} to {}", points(low), points(high)),
            )
        } else {
            (
                (high / low).ln() / 2.0 > (1.0 + threshold).ln(),
                crate::model::percent(threshold),
                format!("{low:.3}×–{high:.3}×"),
            )
        };
        too_wide.then(|| {
            format!(
                "the series varies too much between commits to resolve a {size} change: the shift's 95% interval is {interval}; more executions per run (`--executions`), a quieter runner, or more commits after the change would settle it",
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
