//! Plugins: the WIT bindings of the contract, finding plugin artifacts on disk and telling their
//! kinds apart (component, or core module in the sightglass convention).

mod bundled;
mod kind;
mod locate;

pub use bundled::{example_hint, names as bundled_names};
pub use kind::{DEFAULT_ENTRY, NotWasm, PluginKind, detect, folder_module_id, module_bench_id};
pub use locate::{PluginLocator, build_hint};

/// Host bindings of `plugins/wit/plugin.wit`.
pub mod bindings {
    wasmtime::component::bindgen!({
        path: "../plugins/wit",
        world: "plugin",
        // The backends' calls trap when they would hold more than the plugin's budget (`put`,
        // `load`), or when a backend's Redis server fails.
        imports: {
            "wasmbench:plugin/host.get": async | trappable,
            "wasmbench:plugin/host.put": async | trappable,
            "wasmbench:plugin/host.delete": async | trappable,
            "wasmbench:plugin/host.clear": async | trappable,
            "wasmbench:plugin/host.load": async | trappable,
            "wasmbench:plugin/host.digest": async | trappable,
            // A statement past the deadline or the database's memory cap traps.
            "wasmbench:plugin/db": async | trappable,
            default: async,
        },
        exports: { default: async },
    });

    pub use self::exports::wasmbench::plugin::workload::Bench;
    pub use self::wasmbench::plugin::types::{Counter, Outcome, Param, WorkloadInfo};
    pub use self::wasmbench::plugin::{db, host};
}

/// Name/value pairs as the plugin receives them.
pub fn params<K: AsRef<str>, V: AsRef<str>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Vec<bindings::Param> {
    pairs
        .into_iter()
        .map(|(name, value)| bindings::Param {
            name: name.as_ref().to_string(),
            value: value.as_ref().to_string(),
        })
        .collect()
}

/// The contract version this host speaks: the package of `plugins/wit/plugin.wit`, read by the build
/// script (e.g. `wasmbench:plugin@0.1.1`).
pub const CONTRACT: &str = env!("WASMBENCH_CONTRACT");

#[cfg(test)]
mod tests;
