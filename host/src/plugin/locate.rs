//! Finding plugin components by name: `$WASMBENCH_PLUGIN_PATH` folders first, then the plugins
//! built into the binary (`bundled`).

use std::path::{Path, PathBuf};

use super::bundled::BundleDir;

/// An ordered list of folders that hold `<name>.wasm` plugin components, then the bundled plugins.
#[derive(Debug, Clone)]
pub struct PluginLocator {
    dirs: Vec<PathBuf>,
    bundle: Option<BundleDir>,
}

impl PluginLocator {
    /// These folders only, without the bundled plugins.
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        PluginLocator { dirs, bundle: None }
    }

    /// What a user's `plugin = "name"` finds: the `$WASMBENCH_PLUGIN_PATH` folders, then the
    /// bundled plugins, written out under `cache_root` (the compile cache's folder; a private
    /// temporary folder when there is none).
    pub fn standard(cache_root: Option<&Path>) -> std::io::Result<Self> {
        let dirs: Vec<PathBuf> = std::env::var_os("WASMBENCH_PLUGIN_PATH")
            .map(|paths| std::env::split_paths(&paths).collect())
            .unwrap_or_default();
        let bundle = match cache_root {
            Some(root) => BundleDir::under(root),
            None => BundleDir::temporary()?,
        };
        Ok(PluginLocator {
            dirs,
            bundle: Some(bundle),
        })
    }

    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Where the search looks, for messages: the folders, then the bundled plugins.
    pub fn searched(&self) -> String {
        let mut places: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
        if self.bundle.is_some() {
            places.push("the plugins built into wasmbench".into());
        }
        if places.is_empty() {
            "nowhere (no folders)".into()
        } else {
            places.join(", ")
        }
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
            .or_else(|| self.bundle.as_ref()?.file(name)?.ok())
    }

    /// Why bundled plugin `name` can't be used although it is bundled (its file could not be
    /// written), if that is the case.
    pub fn bundle_problem(&self, name: &str) -> Option<String> {
        let bundle = self.bundle.as_ref()?;
        let error = bundle.file(name)?.err()?;
        Some(format!(
            "`{name}` is built into wasmbench, but it could not be written to {} ({error}): \
             set WASMBENCH_CACHE_DIR (or --cache-dir) to a folder you can write",
            bundle.path().display()
        ))
    }

    /// Every plugin on the path, by name (first folder wins, the bundled ones last), sorted.
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
        if let Some(bundle) = &self.bundle {
            for (name, path) in bundle.all() {
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

/// How to build the missing plugin file `path`, from where it sits: cargo's output folder
/// (`target/<triple>/<profile>/`), or beside a JavaScript (`package.json`) or Python (`app.py`)
/// project as `wasmbench new` makes them. `None` when nothing says.
pub fn build_hint(path: &Path) -> Option<String> {
    let parts: Vec<&std::ffi::OsStr> = path.iter().collect();
    // …/target/<triple>/<profile>/<file>.wasm: a cargo build of the crate beside `target`.
    if let Some(at) = parts.iter().rposition(|p| *p == "target")
        && parts.len() == at + 4
    {
        let triple = parts[at + 1].to_string_lossy();
        let profile = parts[at + 2].to_string_lossy();
        let crate_dir: PathBuf = parts[..at].iter().collect();
        let release = match profile.as_ref() {
            "release" => " --release",
            "debug" => "",
            other => return Some(format!("build it with cargo's `{other}` profile")),
        };
        let install = if triple.starts_with("wasm32-") {
            format!("rustup target add {triple}   # once\n  ")
        } else {
            String::new()
        };
        return Some(format!(
            "build it first{}:\n  {install}cargo build{release} --target {triple}",
            shown_dir(&crate_dir)
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path.file_name()?.to_string_lossy();
    if dir.join("package.json").is_file() {
        let install = if dir.join("node_modules").is_dir() {
            ""
        } else {
            "npm install   # once\n  "
        };
        return Some(format!(
            "build it first{}:\n  {install}npm run build",
            shown_dir(dir)
        ));
    }
    if dir.join("app.py").is_file() {
        return Some(format!(
            "build it first{}:\n  pip install componentize-py==0.25.1   # once\n  \
             componentize-py -d wit -w plugin componentize app -o {file}",
            shown_dir(dir)
        ));
    }
    None
}

/// ` in DIR` for messages, nothing for the working folder.
fn shown_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        String::new()
    } else {
        format!(" in {}", dir.display())
    }
}
