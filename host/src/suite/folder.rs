//! A folder of core modules (`wasm = "folder"`) expanded into one bench per module.

use std::path::{Path, PathBuf};

use super::model::PluginSource;

/// The modules of a folder, and what was left out.
pub(super) struct Folder {
    pub benches: Vec<(Option<String>, PluginSource)>,
    /// Notes on files left out (a `.wat` beside a `.wasm` of the same stem), for the user.
    pub notes: Vec<String>,
}

/// `wasm = "folder"`: one bench per `*.wasm` / `*.wat` file in it (not in sub-folders), in file
/// name order, each with id `<folder name>/<module id>` (sightglass's `benchmark.wasm`: the folder
/// name alone). An entry so named that is not a folder
/// (a FIFO, a device) is a bench too: reading it refuses it with the reason. A stem present in
/// both encodings runs once, as the binary (what sightglass runs; the text is usually its source),
/// and a note says the text was left out.
pub(super) fn folder_benches(dir: &Path) -> Result<Folder, String> {
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
    let mut notes = Vec::new();
    modules.retain(|path| {
        let binary = path.with_extension("wasm");
        let shadowed = path.extension().is_some_and(|ext| ext == "wat") && binary.exists();
        if shadowed {
            notes.push(format!(
                "{} left out: {} has the same stem, and a folder runs each module once, as its binary",
                path.display(),
                binary.file_name().unwrap_or_default().to_string_lossy()
            ));
        }
        !shadowed
    });
    let benches = modules
        .into_iter()
        .map(|path| {
            let id = crate::plugin::folder_module_id(dir, &path);
            (Some(id), PluginSource::File(path))
        })
        .collect();
    Ok(Folder { benches, notes })
}
