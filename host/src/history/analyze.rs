//! Series read from a store, their change points found, and the question CI asks: does the newest
//! commit sit after a change for the worse?

use anyhow::Result;

use super::{Point, Selection, Series, Store};
use crate::analysis::changepoint::{self, ChangePoint, Settings};
use crate::model::{Direction, Thresholds};

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
    /// The change that the newest commits sit after, when it is a regression the gate fails on.
    pub fn failing(&self, gate: &Gate) -> Option<&Change> {
        let last = self.changes.last()?;
        let threshold = gate.thresholds.get(self.series.key.metric);
        let recent = last.at.index + gate.recent >= self.points.len();
        let after_since = gate
            .since_ms
            .is_none_or(|since| self.points[last.at.index].at_ms >= since);
        (last.regression && last.at.change.abs() >= threshold && recent && after_since)
            .then_some(last)
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
