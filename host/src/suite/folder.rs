//! A folder of core modules (`wasm = "folder"`) expanded into one bench per module.

use std::path::{Path, PathBuf};

use super::model::PluginSource;

/// `wasm = "folder"`: one bench per `*.wasm` / `*.wat` file in it (not in sub-folders), in file
/// name order, each with id `<folder name>/<file stem>`. An entry so named that is not a folder
/// (a FIFO, a device) is a bench too: reading it refuses it with the reason.
pub(super) fn folder_benches(dir: &Path) -> Result<Vec<(Option<String>, PluginSource)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))?;
    let mut modules: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let visible = path
                .file_name()
                .is_some_and(|name| !name.to_string_lossy().starts_with('.'));
            let wasm = path
                .extension()
                .is_some_and(|ext| ext == "wasm" || ext == "wat");
            visible && wasm && !path.is_dir()
        })
        .collect();
    if modules.is_empty() {
        return Err(format!(
            "no such wasm file: {} is a folder without any .wasm or .wat module",
            dir.display()
        ));
    }
    modules.sort();
    Ok(modules
        .into_iter()
        .map(|path| {
            let id = crate::plugin::module_bench_id(&path);
            (Some(id), PluginSource::File(path))
        })
        .collect())
}
