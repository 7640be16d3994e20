//! On-disk cache of compiled components and core modules, keyed by the wasm's hash and the engine's
//! settings, so a second run skips compilation. Bounded: past its size cap the least recently used
//! entries go (a hit marks an entry used).

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Engine, Module};

/// What the cache can hold: a wasmtime artifact that compiles from wasm and (de)serializes.
pub trait Artifact: Sized {
    /// Added to the cache file's name, so artifacts of different kinds never collide.
    const SUFFIX: &'static str;
    fn compile(engine: &Engine, wasm: &[u8]) -> Result<Self>;
    /// # Safety
    /// `path` must hold bytes this host produced with [`Artifact::serialize`] (see
    /// [`wasmtime::Module::deserialize_file`]).
    unsafe fn deserialize_file(engine: &Engine, path: &Path) -> Result<Self>;
    fn serialize(&self) -> Result<Vec<u8>>;
}

impl Artifact for Component {
    const SUFFIX: &'static str = "";
    fn compile(engine: &Engine, wasm: &[u8]) -> Result<Self> {
        Ok(Component::new(engine, wasm)?)
    }
    unsafe fn deserialize_file(engine: &Engine, path: &Path) -> Result<Self> {
        // SAFETY: forwarded to the caller.
        Ok(unsafe { Component::deserialize_file(engine, path) }?)
    }
    fn serialize(&self) -> Result<Vec<u8>> {
        Ok(Component::serialize(self)?)
    }
}

impl Artifact for Module {
    const SUFFIX: &'static str = "-module";
    fn compile(engine: &Engine, wasm: &[u8]) -> Result<Self> {
        Ok(Module::new(engine, wasm)?)
    }
    unsafe fn deserialize_file(engine: &Engine, path: &Path) -> Result<Self> {
        // SAFETY: forwarded to the caller.
        Ok(unsafe { Module::deserialize_file(engine, path) }?)
    }
    fn serialize(&self) -> Result<Vec<u8>> {
        Ok(Module::serialize(self)?)
    }
}

/// A compiled component (or core module) and how it was obtained.
#[derive(Clone)]
pub struct Compiled<T = Component> {
    pub artifact: T,
    /// Time to compile, or to load from the cache when `cached`.
    pub elapsed: Duration,
    pub cached: bool,
}

/// Where compiled components are kept. `None` disables the cache.
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: Option<PathBuf>,
    max_bytes: u64,
}

/// The size cap when `$WASMBENCH_CACHE_MAX` doesn't set one: room for a few dozen interpreter
/// components (~80 MB each per engine) or hundreds of Rust plugins.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

/// A cache file: its path, size and when it was last used.
#[derive(Debug, Clone)]
pub struct CacheEntry {
    pub path: PathBuf,
    pub bytes: u64,
    pub used: SystemTime,
}

/// What a prune removed and kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub removed: usize,
    pub removed_bytes: u64,
    pub kept: usize,
    pub kept_bytes: u64,
}

/// Which entries a prune removes: those unused for longer than `older_than`, then the least
/// recently used until the rest fit in `max_bytes`.
#[derive(Debug, Clone, Copy)]
pub struct PruneRule {
    pub max_bytes: u64,
    pub older_than: Option<Duration>,
}

impl CompileCache {
    /// A cache in `dir` (`None`: no cache), capped at `$WASMBENCH_CACHE_MAX` (a size such as
    /// `1 GiB`), else [`DEFAULT_MAX_BYTES`].
    pub fn new(dir: Option<PathBuf>) -> Self {
        let max_bytes = std::env::var("WASMBENCH_CACHE_MAX")
            .ok()
            .and_then(|v| parse_size(&v))
            .unwrap_or(DEFAULT_MAX_BYTES);
        CompileCache { dir, max_bytes }
    }

    /// The size cap past which the least recently used entries are removed.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The cache's folder; `None` when caching is off.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The default location: `$WASMBENCH_CACHE_DIR`, else `$XDG_CACHE_HOME/wasmbench`, else
    /// `~/.cache/wasmbench`.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("WASMBENCH_CACHE_DIR") {
            return Some(PathBuf::from(dir));
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))?;
        Some(base.join("wasmbench"))
    }

    /// Whether `wasm` compiled for `engine` is in the cache (so loading it takes milliseconds).
    pub fn contains<T: Artifact>(&self, engine: &Engine, wasm: &[u8]) -> bool {
        self.entry_path::<T>(engine, wasm)
            .is_some_and(|path| path.is_file())
    }

    /// Compiles `wasm` for `engine` as a component or core module (`T`), or loads the result of an
    /// earlier compile.
    pub fn compile<T: Artifact>(&self, engine: &Engine, wasm: &[u8]) -> Result<Compiled<T>> {
        let start = Instant::now();
        let Some(path) = self.entry_path::<T>(engine, wasm) else {
            let artifact = T::compile(engine, wasm)?;
            return Ok(Compiled {
                artifact,
                elapsed: start.elapsed(),
                cached: false,
            });
        };
        if path.is_file() {
            // SAFETY: the cache holds only files this host serialized with `Artifact::serialize`
            // (written whole, then renamed into place); wasmtime also checks the engine
            // compatibility header and the artifact kind, and rejects a mismatch with an error.
            if let Ok(artifact) = unsafe { T::deserialize_file(engine, &path) } {
                mark_used(&path);
                return Ok(Compiled {
                    artifact,
                    elapsed: start.elapsed(),
                    cached: true,
                });
            }
        }
        let artifact = T::compile(engine, wasm)?;
        let elapsed = start.elapsed();
        // A cache that can't be written (or trimmed) costs speed, not correctness.
        if store_atomically(&path, &artifact).is_ok() {
            let _ = self.prune_except(
                PruneRule {
                    max_bytes: self.max_bytes,
                    older_than: None,
                },
                Some(&path),
            );
        }
        Ok(Compiled {
            artifact,
            elapsed,
            cached: false,
        })
    }

    fn entry_path<T: Artifact>(&self, engine: &Engine, wasm: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
        engine
            .precompile_compatibility_hash()
            .hash(&mut engine_hash);
        let wasm_hash = hex(&Sha256::digest(wasm)[..16]);
        Some(dir.join(format!(
            "{wasm_hash}-{:016x}{}.cwasm",
            engine_hash.finish(),
            T::SUFFIX
        )))
    }
}

impl CompileCache {
    /// The cache's entries, least recently used first (none without a folder or before the first
    /// compile).
    pub fn entries(&self) -> Result<Vec<CacheEntry>> {
        let Some(dir) = &self.dir else {
            return Ok(Vec::new());
        };
        let listing = match std::fs::read_dir(dir) {
            Ok(listing) => listing,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
        };
        let mut entries = Vec::new();
        for item in listing {
            let item = item?;
            let path = item.path();
            // Only this cache's files: a `--cache-dir` pointed elsewhere loses nothing else.
            if path.extension().is_none_or(|e| e != "cwasm") {
                continue;
            }
            let meta = item.metadata()?;
            if meta.is_file() {
                entries.push(CacheEntry {
                    path,
                    bytes: meta.len(),
                    used: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                });
            }
        }
        entries.sort_by(|a, b| a.used.cmp(&b.used).then_with(|| a.path.cmp(&b.path)));
        Ok(entries)
    }

    /// Removes entries by `rule`.
    pub fn prune(&self, rule: PruneRule) -> Result<Pruned> {
        self.prune_except(rule, None)
    }

    fn prune_except(&self, rule: PruneRule, keep: Option<&Path>) -> Result<Pruned> {
        let entries = self.entries()?;
        let now = SystemTime::now();
        let mut total: u64 = entries.iter().map(|e| e.bytes).sum();
        let mut pruned = Pruned::default();
        for entry in entries {
            let stale = rule.older_than.is_some_and(|age| {
                now.duration_since(entry.used)
                    .is_ok_and(|unused| unused > age)
            });
            let kept = Some(entry.path.as_path()) == keep || (!stale && total <= rule.max_bytes);
            if kept {
                pruned.kept += 1;
                pruned.kept_bytes += entry.bytes;
                continue;
            }
            // Another process may have removed it first: then it is gone all the same.
            if remove(&entry.path)? {
                pruned.removed += 1;
                pruned.removed_bytes += entry.bytes;
            }
            total -= entry.bytes;
        }
        Ok(pruned)
    }
}

/// Removes `path`; false if it was already gone.
fn remove(path: &Path) -> Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e).with_context(|| format!("removing {}", path.display())),
    }
}

/// Marks a cache entry used now (its modification time), so pruning keeps it longest.
fn mark_used(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// A size such as `2 GiB`, `500MB` or `1073741824`.
pub fn parse_size(text: &str) -> Option<u64> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .ok()
        .map(|s| s.as_u64())
}

fn store_atomically(path: &Path, artifact: &impl Artifact) -> Result<()> {
    let dir = path.parent().context("cache path has a parent")?;
    std::fs::create_dir_all(dir)?;
    let bytes = artifact.serialize()?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path)?;
    Ok(())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cache entry of `bytes` bytes last used `age` ago.
    fn entry(dir: &Path, name: &str, bytes: usize, age: Duration) {
        let path = dir.join(name);
        std::fs::write(&path, vec![0u8; bytes]).unwrap();
        let file = std::fs::File::options().append(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }

    fn names(cache: &CompileCache) -> Vec<String> {
        cache
            .entries()
            .unwrap()
            .iter()
            .map(|e| e.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn pruning_removes_the_least_recently_used_first_and_only_cache_files() {
        let dir = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3600);
        entry(dir.path(), "old.cwasm", 100, 3 * hour);
        entry(dir.path(), "mid.cwasm", 100, 2 * hour);
        entry(dir.path(), "new.cwasm", 100, hour);
        entry(dir.path(), "notes.txt", 1000, 9 * hour);
        let cache = CompileCache::new(Some(dir.path().to_path_buf()));
        assert_eq!(names(&cache), ["old.cwasm", "mid.cwasm", "new.cwasm"]);

        let rule = |max_bytes, older_than| PruneRule {
            max_bytes,
            older_than,
        };
        // Under the cap: nothing goes.
        assert_eq!(cache.prune(rule(300, None)).unwrap().removed, 0);
        // Over it: the oldest go until the rest fit.
        let pruned = cache.prune(rule(150, None)).unwrap();
        assert_eq!((pruned.removed, pruned.removed_bytes), (2, 200));
        assert_eq!((pruned.kept, pruned.kept_bytes), (1, 100));
        assert_eq!(names(&cache), ["new.cwasm"]);
        assert!(dir.path().join("notes.txt").exists());

        // A hit makes an entry the newest; age removes what wasn't used lately.
        entry(dir.path(), "again.cwasm", 100, 5 * hour);
        mark_used(&dir.path().join("again.cwasm"));
        assert_eq!(names(&cache), ["new.cwasm", "again.cwasm"]);
        let pruned = cache
            .prune(rule(u64::MAX, Some(Duration::from_secs(60))))
            .unwrap();
        assert_eq!(pruned.removed, 1);
        assert_eq!(names(&cache), ["again.cwasm"]);

        // An entry being written is never the one evicted for it.
        let kept = dir.path().join("again.cwasm");
        assert_eq!(
            cache
                .prune_except(rule(0, None), Some(&kept))
                .unwrap()
                .removed,
            0
        );
    }

    #[test]
    fn no_folder_means_no_entries() {
        let cache = CompileCache::new(None);
        assert!(cache.entries().unwrap().is_empty());
        let missing = CompileCache::new(Some(PathBuf::from("/nonexistent/wasmbench-cache")));
        assert!(missing.entries().unwrap().is_empty());
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("2 GiB"), Some(2 << 30));
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("lots"), None);
    }
}
