//! What is measured and compared between runs. One definition per metric gives its name, label,
//! unit, direction and default threshold; reports format a value from its unit, results read a
//! bench's value (`BenchResult::measurement`), verdicts follow the direction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A compared quantity of a bench or of a load scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// Median wall time of one iteration on the uninstrumented engine.
    Wall,
    /// Fuel (≈ wasm instructions) of one iteration.
    Fuel,
    /// Peak linear memory.
    Memory,
    /// A load scenario's median latency from the intended start, over every phase.
    #[serde(rename = "p50")]
    LatencyP50,
    /// A load scenario's 99th percentile latency from the intended start, over every phase.
    #[serde(rename = "p99")]
    LatencyP99,
    /// A load scenario's requests completed without error per second, over every phase.
    Throughput,
    /// A load scenario's failed requests over those sent.
    ErrorRate,
    /// Test builds only: a sampled bench metric no view names, so the views' tests prove they
    /// list every metric of `Metric::bench()` (see `report::testing::toy_run`). Last, so the
    /// other metrics keep their index.
    #[cfg(test)]
    Toy,
}

/// What a metric is measured on: it decides which results carry it and which views list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A `[[bench]]`: one value per bench (`BenchResult::measurement`).
    Bench,
    /// A `[[load]]` scenario: one value per round (`LoadResult::rounds_of`).
    Load,
}

/// What a metric's values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Nanoseconds,
    /// Fuel units: a count without a physical unit.
    Fuel,
    Bytes,
    /// Events per second.
    PerSecond,
    /// A share of a whole, 0–1: its threshold is a difference (0.01 = one percentage point), not a
    /// ratio, since a ratio to a share of 0 means nothing.
    Fraction,
}

impl Unit {
    /// The unit's name as machine-readable exports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Nanoseconds => "ns",
            Unit::Fuel => "fuel",
            Unit::Bytes => "bytes",
            Unit::PerSecond => "per-second",
            Unit::Fraction => "fraction",
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
    subject: Subject,
    /// Sampled (many values, shown as their median) rather than counted.
    sampled: bool,
}

impl Metric {
    /// Every metric, in the order reports show them.
    pub const ALL: [Metric; Metric::COUNT] = [
        Metric::Wall,
        Metric::Fuel,
        Metric::Memory,
        Metric::LatencyP50,
        Metric::LatencyP99,
        Metric::Throughput,
        Metric::ErrorRate,
        #[cfg(test)]
        Metric::Toy,
    ];
    /// How many metrics there are (one more in test builds: [`Metric::Toy`]).
    pub const COUNT: usize = 7 + cfg!(test) as usize;

    /// The metrics of a bench, in report order.
    pub fn bench() -> impl Iterator<Item = Metric> + Clone {
        Metric::of(Subject::Bench)
    }

    /// The metrics of a load scenario, in report order.
    pub fn load() -> impl Iterator<Item = Metric> + Clone {
        Metric::of(Subject::Load)
    }

    fn of(subject: Subject) -> impl Iterator<Item = Metric> + Clone {
        Metric::ALL
            .into_iter()
            .filter(move |m| m.subject() == subject)
    }

    // long: the table of metrics, one row each; split, a row would be far from its neighbours.
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
                subject: Subject::Bench,
                sampled: true,
            },
            Definition {
                name: "fuel",
                label: "fuel",
                unit: Unit::Fuel,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.005,
                subject: Subject::Bench,
                sampled: false,
            },
            Definition {
                name: "memory",
                label: "peak memory",
                unit: Unit::Bytes,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.0,
                subject: Subject::Bench,
                sampled: false,
            },
            // Load scenarios: a median moves less between rounds than a tail, so p99 tolerates
            // twice as much; an error rate tolerates one percentage point.
            Definition {
                name: "p50",
                label: "p50 latency",
                unit: Unit::Nanoseconds,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.05,
                subject: Subject::Load,
                sampled: true,
            },
            Definition {
                name: "p99",
                label: "p99 latency",
                unit: Unit::Nanoseconds,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.10,
                subject: Subject::Load,
                sampled: true,
            },
            Definition {
                name: "throughput",
                label: "throughput",
                unit: Unit::PerSecond,
                direction: Direction::HigherIsBetter,
                default_threshold: 0.05,
                subject: Subject::Load,
                sampled: true,
            },
            Definition {
                name: "error-rate",
                label: "error rate",
                unit: Unit::Fraction,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.01,
                subject: Subject::Load,
                sampled: true,
            },
            #[cfg(test)]
            Definition {
                name: "toy",
                label: "toy time",
                unit: Unit::Nanoseconds,
                direction: Direction::LowerIsBetter,
                default_threshold: 0.05,
                subject: Subject::Bench,
                sampled: true,
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

    /// Relative change tolerated when neither the suite nor the command line sets one (for a
    /// [`Unit::Fraction`], the difference tolerated).
    pub fn default_threshold(self) -> f64 {
        self.definition().default_threshold
    }

    pub fn subject(self) -> Subject {
        self.definition().subject
    }

    /// How its values are measured, which decides a view's columns: sampled (many values, shown
    /// as their median with its 95% interval: a bench's timed iterations, a scenario's rounds) or
    /// counted (one count per iteration, exact or varying within a range: fuel, memory). A bench's
    /// `Measurement` (results/mod.rs) is of this kind.
    pub fn sampled(self) -> bool {
        self.definition().sampled
    }

    /// Whether a change is read as a difference (a share: its threshold is in percentage
    /// points) rather than a ratio.
    pub fn compared_as_difference(self) -> bool {
        self.unit() == Unit::Fraction
    }

    /// The metric names, for error messages: `wall, fuel, memory, p50, …`.
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
