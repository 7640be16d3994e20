//! The head every result carries, a bench's and a load scenario's alike: what ran (id, plugin,
//! workload, group, parameters, wasm), under which limits, and how it ended.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Limits, Status};

/// What ran and how it ended. Flattened into its result in results.json: the file keeps its
/// keys (`id`, `plugin`, …, `status`, `message`) where they always were.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultHead {
    /// A bench: `plugin/workload`, plus `[k=v,...]` when params differ from the plugin's defaults.
    /// A scenario: `plugin/workload`, or the suite's `id`.
    pub id: String,
    pub plugin: String,
    pub workload: String,
    pub group: Option<String>,
    /// Every parameter, defaults included.
    pub params: BTreeMap<String, String>,
    pub wasm: WasmInfo,
    pub limits: LimitsRecord,
    /// A bench: how it ended (see `expected`). A scenario: `ok` when it ran its phases (requests
    /// may still have failed: see its `errors`), otherwise why it could not (the fuel pass hit a
    /// limit, instances could not start).
    pub status: Status,
    /// Why it failed (or a note), if anything.
    pub message: Option<String>,
}

/// The limits a bench ran under, as results.json records them. Its own type, so the file's shape
/// changes only when this module (and the schema version) says so, not when the model's does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsRecord {
    pub fuel: u64,
    pub memory_bytes: u64,
    /// Nanoseconds.
    #[serde(with = "crate::model::duration_ns")]
    pub deadline: std::time::Duration,
}

impl From<Limits> for LimitsRecord {
    fn from(limits: Limits) -> Self {
        let Limits {
            fuel,
            memory_bytes,
            deadline,
        } = limits;
        LimitsRecord {
            fuel,
            memory_bytes,
            deadline,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WasmInfo {
    pub path: String,
    pub sha256: String,
}
