//! A bench ready to run: what planning makes of a suite's bench and everything after it reads.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::results::{ModelResult, OutputCheck};
use crate::suite::BenchDef;

use super::limits::Failure;

/// A bench ready to run.
#[derive(Debug, Clone)]
pub struct BenchPlan {
    pub id: String,
    pub plugin_name: String,
    pub wasm_path: PathBuf,
    pub def: BenchDef,
    /// The workload run: as the suite names it, or a core module's default entry (`_start`).
    pub workload: String,
    /// Every parameter, plugin defaults included.
    pub params: BTreeMap<String, String>,
    /// What the workload's units count.
    pub unit: String,
    /// Set when the plugin could not be loaded or inspected: the bench fails with this, alone.
    pub broken: Option<Failure>,
    /// For a core module: the expected-output files its runs are compared with.
    pub output_check: Option<OutputCheck>,
    /// What the suite's `model` predicts with these parameters (computed once, when planned).
    pub model: Option<ModelResult>,
}

impl BenchPlan {
    /// The parameters as the plugin receives them.
    pub fn param_list(&self) -> Vec<crate::plugin::bindings::Param> {
        crate::plugin::params(&self.params)
    }
}
