//! One metric's outcome between two runs: its verdict, the change it was read from, and when a
//! wall-time verdict gates.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::analysis::ratio::Statistic;
use crate::model::Metric;

/// The outcome of comparing one bench (and metric).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Worse beyond the threshold (and, for wall time, significantly).
    Regressed,
    /// The bench no longer ends as expected.
    Failed,
    /// In the baseline, not in the new run.
    Missing,
    /// A side has nothing to compare: no samples, a zero median (a ratio to it means nothing), or
    /// the metric measured in one run only.
    NoData,
    /// In the new run, not in the baseline.
    New,
    /// Better beyond the threshold.
    Improved,
    /// The interval reaches both inside and beyond the threshold: the data can't say whether the
    /// bench changed (too few executions, a noisy machine). Fails a job only when asked.
    Inconclusive,
    /// Too few samples on a side to tell (e.g. one wall-time sample).
    InsufficientData,
    /// The interval lies within ± the threshold.
    Unchanged,
}

impl Verdict {
    pub const ALL: [Verdict; 9] = [
        Verdict::Regressed,
        Verdict::Failed,
        Verdict::Missing,
        Verdict::NoData,
        Verdict::New,
        Verdict::Improved,
        Verdict::Inconclusive,
        Verdict::InsufficientData,
        Verdict::Unchanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Regressed => "regressed",
            Verdict::Failed => "failed",
            Verdict::Missing => "missing",
            Verdict::NoData => "no-data",
            Verdict::New => "new",
            Verdict::Improved => "improved",
            Verdict::Inconclusive => "inconclusive",
            Verdict::InsufficientData => "insufficient-data",
            Verdict::Unchanged => "unchanged",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Verdict::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown verdict `{s}` (one of: {})",
                    Verdict::ALL.map(Verdict::as_str).join(", ")
                )
            })
    }
}

/// One metric of one bench.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricChange {
    pub metric: Metric,
    pub verdict: Verdict,
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// new / old (for A/B runs: the median of per-pair ratios).
    pub ratio: Option<f64>,
    /// 95% confidence interval of the ratio (wall time only): a change must lie beyond the
    /// threshold with it.
    pub ratio_ci: Option<(f64, f64)>,
    /// 90% interval of the ratio (wall time only): `unchanged` when it lies within ± the threshold
    /// (two one-sided tests at 5%). Absent where the 95% interval served (older files, one
    /// execution a side).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equivalence_ci: Option<(f64, f64)>,
    pub threshold: f64,
    /// Whether this verdict counts for the bench's verdict and the exit code. False for wall time
    /// between separate runs when a side has a single execution: shown, not enforced.
    #[serde(default = "gating_default")]
    pub gating: bool,
    /// How the verdict was reached, e.g. `3 vs 3 executions`, `paired, 30 pairs`.
    #[serde(default)]
    pub basis: Option<String>,
    /// What `old` and `new` are, and whether `ratio` is `new / old` (absent in older files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<Statistic>,
}

fn gating_default() -> bool {
    true
}

/// When a wall-time verdict between separate runs may fail the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WallGating {
    /// When the between-execution variation is known: paired A/B, or two executions or more on
    /// both sides.
    #[default]
    Auto,
    /// Always, even from a single execution a side (noisy between separate runs).
    Always,
}
