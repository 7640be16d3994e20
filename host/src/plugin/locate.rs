//! Finding plugin components by name: `$WASMBENCH_PLUGIN_PATH` folders first, then the plugins this
//! workspace built (host/build.rs).

use std::path::{Path, PathBuf};

/// An ordered list of folders that hold `<name>.wasm` plugin components.
#[derive(Debug, Clone)]
pub struct PluginLocator {
    dirs: Vec<PathBuf>,
}

impl Default for PluginLocator {
    fn default() -> Self {
        let mut dirs: Vec<PathBuf> = std::env::var_os("WASMBENCH_PLUGIN_PATH")
            .map(|paths| std::env::split_paths(&paths).collect())
            .unwrap_or_default();
        dirs.push(PathBuf::from(env!("WASMBENCH_BUILT_PLUGINS")));
        PluginLocator { dirs }
    }
}

impl PluginLocator {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        PluginLocator { dirs }
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The component for plugin `name` (a crate name such as `fs-read`; cargo writes `fs_read.wasm`).
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        let file_names = [
            format!("{name}.wasm"),
            format!("{}.wasm", name.replace('-', "_")),
        ];
        self.dirs
            .iter()
            .flat_map(|dir| file_names.iter().map(move |f| dir.join(f)))
            .find(|path| path.is_file())
    }

    /// Every plugin on the path, by name (first folder wins), sorted.
    pub fn available(&self) -> Vec<(String, PathBuf)> {
        let mut found: Vec<(String, PathBuf)> = Vec::new();
        for dir in &self.dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut paths: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_wasm(p))
                .collect();
            paths.sort();
            for path in paths {
                let name = path
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .replace('_', "-");
                if !found.iter().any(|(n, _)| *n == name) {
                    found.push((name, path));
                }
            }
        }
        found.sort();
        found
    }
}

fn is_wasm(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "wasm") && path.is_file()
}
