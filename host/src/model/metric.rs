//! What is measured and compared between runs. One definition per metric gives its name, label,
//! unit, direction and default threshold; reports format a value from its unit, results read a
//! bench's value (`BenchResult::measurement`), verdicts follow the direction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A compared quantity of a bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// Median wall time of one iteration on the uninstrumented engine.
    Wall,
    /// Fuel (≈ wasm instructions) of one iteration.
    Fuel,
    /// Peak linear memory.
    Memory,
}

/// What a metric's values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Nanoseconds,
    /// Fuel units: a count without a physical unit.
    Fuel,
    Bytes,
}

impl Unit {
    /// The unit's name as machine-readable exports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Nanoseconds => "ns",
            Unit::Fuel => "fuel",
            Unit::Bytes => "bytes",
        }
    }
}

/// Which way is worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More is a regression (time, fuel, memory).
    LowerIsBetter,
    /// Less is a regression (throughput).
    HigherIsBetter,
}

/// One row of the metric table: everything a consumer needs to know about a metric.
struct Definition {
    name: &'static str,
    label: &'static str,
    unit: Unit,
    direction: Direction,
    default_threshold: f64,
}

impl Metric {
    /// Every metric, in the order reports show them.
    pub const ALL: [Metric; 3] = [Metric::Wall, Metric::Fuel, Metric::Memory];
    pub const COUNT: usize = Metric::ALL.len();

    fn definition(self) -> &'static Definition {
        // Default thresholds: wall 5% (verdicts also need significance); fuel 0.5%, which allows the
        // small variation of allocator-heavy workloads but catches a 3% change; memory 0, since
        // peak memory is exact for a given wasm.
        const DEFINITIONS: [Definition; Metric::COUNT] = [
            Definition {
                name: "wall",
                label: "wall time",
                unit: Unit::Nanoseconds,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.05,
            },
            Definition {
                name: "fuel",
                label: "fuel",
                unit: Unit::Fuel,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.005,
            },
            Definition {
                name: "memory",
                label: "peak memory",
                unit: Unit::Bytes,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.0,
            },
        ];
        &DEFINITIONS[self.index()]
    }

    /// Position in [`Metric::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The metric's key in suites, thresholds and exports: `wall`, `fuel`, `memory`.
    pub fn as_str(self) -> &'static str {
        self.definition().name
    }

    /// For people: `wall time`, `peak memory` (the statistic is said where the value is shown).
    pub fn label(self) -> &'static str {
        self.definition().label
    }

    pub fn unit(self) -> Unit {
        self.definition().unit
    }

    pub fn direction(self) -> Direction {
        self.definition().direction
    }

    /// Relative change tolerated when neither the suite nor the command line sets one.
    pub fn default_threshold(self) -> f64 {
        self.definition().default_threshold
    }

    /// The metric names, for error messages: `wall, fuel, memory`.
    pub fn names() -> String {
        Metric::ALL.map(Metric::as_str).join(", ")
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Metric::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| format!("unknown metric `{s}` (one of: {})", Metric::names()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_line_up_with_the_variants() {
        for (i, metric) in Metric::ALL.into_iter().enumerate() {
            assert_eq!(metric.index(), i);
            assert_eq!(metric.as_str().parse::<Metric>(), Ok(metric));
            assert_eq!(
                serde_json::to_value(metric).unwrap(),
                serde_json::Value::from(metric.as_str())
            );
        }
    }
}
