//! The first-party plugins built into the binary (host/build.rs embeds them), so an installed
//! wasmbench runs `plugin = "cpu"` from any folder with no build tree. Everything downstream — the
//! worker processes, the compile cache, messages — works with files, so a bundled plugin is written
//! out once into a folder of the user's cache, named by the bundle's hash, and its bytes are checked
//! against the embedded ones before each use (a file changed on disk is written again).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A plugin component embedded in the binary.
pub(super) struct Bundled {
    /// Its name in suites (`plugin = "fs-read"`).
    pub(super) name: &'static str,
    /// The file name cargo gave it (`fs_read.wasm`), kept so ids and messages match a build tree.
    pub(super) file_name: &'static str,
    pub(super) wasm: &'static [u8],
}

/// An example plugin in another language: not bundled (each carries an interpreter, 10–20 MB),
/// named here so a suite that asks for it learns where it comes from.
pub(super) struct Example {
    pub(super) name: &'static str,
    pub(super) language: &'static str,
    /// Its sources in a wasmbench checkout.
    pub(super) folder: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/bundled_plugins.rs"));

/// The names of the bundled plugins, in order.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUNDLED.iter().map(|b| b.name)
}

fn find(name: &str) -> Option<&'static Bundled> {
    BUNDLED
        .iter()
        .find(|b| b.name == name || b.name == name.replace('_', "-"))
}

/// Where a named example plugin of another language comes from, if `name` is one.
pub fn example_hint(name: &str) -> Option<String> {
    EXAMPLES.iter().find(|e| e.name == name).map(|e| {
        format!(
            "`{}` is a {} example plugin, not built into wasmbench (it carries an interpreter, \
             10–20 MB): build it in a wasmbench checkout (`cargo build -p wasmbench` builds it \
             from `{}` when its toolchain is installed, into target/wasm-plugins/wasm32-wasip2/\
             release) and add that folder to WASMBENCH_PLUGIN_PATH",
            e.name, e.language, e.folder
        )
    })
}

/// The folder bundled plugins are written to, and the files written there by this process.
#[derive(Debug, Clone)]
pub struct BundleDir {
    dir: PathBuf,
    /// A private folder of this process, when there is no cache folder to write to.
    _temporary: Option<Arc<tempfile::TempDir>>,
    /// Files checked (or written) in this process, by plugin name: each is checked once.
    checked: Arc<Mutex<HashMap<&'static str, PathBuf>>>,
}

impl BundleDir {
    /// The bundle's folder under `cache_root` (the compile cache's folder).
    pub fn under(cache_root: &Path) -> Self {
        BundleDir {
            dir: cache_root
                .join("bundled-plugins")
                .join(format!("{}-{BUNDLE_ID}", env!("CARGO_PKG_VERSION"))),
            _temporary: None,
            checked: Arc::default(),
        }
    }

    /// A folder of this process's own, removed when the last clone is dropped: for runs with no
    /// cache folder (no `HOME`, no `WASMBENCH_CACHE_DIR`).
    pub fn temporary() -> std::io::Result<Self> {
        let temporary = crate::scratch::tempdir("wasmbench-plugins-")?;
        Ok(BundleDir {
            dir: temporary.path().to_path_buf(),
            _temporary: Some(Arc::new(temporary)),
            checked: Arc::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The file of bundled plugin `name` (written out if missing or changed), or `None` if no
    /// bundled plugin has that name. An error says why the file could not be written.
    pub fn file(&self, name: &str) -> Option<std::io::Result<PathBuf>> {
        let bundled = find(name)?;
        let mut checked = self.checked.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(path) = checked.get(bundled.name) {
            return Some(Ok(path.clone()));
        }
        let written = self.write_out(bundled);
        if let Ok(path) = &written {
            checked.insert(bundled.name, path.clone());
        }
        Some(written)
    }

    /// Every bundled plugin's file that could be written, by name.
    pub fn all(&self) -> Vec<(String, PathBuf)> {
        names()
            .filter_map(|name| Some((name.to_string(), self.file(name)?.ok()?)))
            .collect()
    }

    /// The file holding exactly `bundled.wasm`: the one already there, or a new one written whole
    /// and renamed into place (so concurrent runs never read a partial file).
    fn write_out(&self, bundled: &Bundled) -> std::io::Result<PathBuf> {
        let path = self.dir.join(bundled.file_name);
        if std::fs::read(&path).is_ok_and(|bytes| bytes == bundled.wasm) {
            return Ok(path);
        }
        std::fs::create_dir_all(&self.dir)?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        file.write_all(bundled.wasm)?;
        file.as_file().sync_all()?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }
}
