//! A bench's predicted wall time beside its measured one.

use serde::{Deserialize, Serialize};

use super::BenchResult;

/// What a bench's lesson predicts: `model = "n * latency_ms ms"` in the suite, computed with the
/// bench's parameters. Reports set the measured median beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelResult {
    /// As written in the suite.
    pub expression: String,
    /// What it comes to, ns per iteration.
    pub expected_ns: f64,
}

/// A prediction beside the measurement: the median wall time (the summary's) against the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgainstModel {
    pub expected_ns: f64,
    pub measured_ns: f64,
}

impl AgainstModel {
    /// `measured / expected − 1`: +0.087 is 8.7% over the model.
    pub fn deviation(&self) -> f64 {
        self.measured_ns / self.expected_ns - 1.0
    }
}

impl BenchResult {
    /// The measured median against the suite's model, when there are both.
    pub fn against_model(&self) -> Option<AgainstModel> {
        let model = self.model.as_ref()?;
        let measured_ns = self.wall_ns.as_ref()?.summary.median;
        (model.expected_ns > 0.0 && measured_ns > 0.0).then_some(AgainstModel {
            expected_ns: model.expected_ns,
            measured_ns,
        })
    }
}
