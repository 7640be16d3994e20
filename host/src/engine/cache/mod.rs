//! On-disk cache of compiled components and core modules, keyed by the wasm's hash and the engine's
//! settings, so a second run skips compilation. Bounded: past its size cap the least recently used
//! entries go (a hit marks an entry used).
//!
//! **What it trusts.** Loading compiled code runs it, and wasmtime can only check that an artifact
//! was made by a compatible engine, not that it is the code of the wasm it claims to be: a cache
//! folder restored by CI (shared between branches, sometimes forks) would otherwise be a way to
//! run anyone's machine code. So every entry carries a keyed BLAKE3 tag over the wasm's SHA-256,
//! the engine's compatibility hash, the artifact kind and the artifact's bytes, made with a secret
//! kept apart from the cache ([`CacheKey`]: `$WASMBENCH_CACHE_KEY`, else a key file of this user's,
//! not in the cache folder). An entry whose tag does not verify — another machine's, another
//! plugin's renamed into place, truncated, tampered with — is not loaded: the wasm is compiled
//! again and the entry replaced. The bytes checked are the bytes loaded (read once, into memory).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

mod entry;

use entry::Binding;
pub use entry::CacheKey;
use wasmtime::component::Component;
use wasmtime::{Engine, Module};

/// What the cache can hold: a wasmtime artifact that compiles from wasm and (de)serializes.
pub trait Artifact: Sized {
    /// Added to the cache file's name, so artifacts of different kinds never collide.
    const SUFFIX: &'static str;
    fn compile(engine: &Engine, wasm: &[u8]) -> Result<Self>;
    /// # Safety
    /// `bytes` must be bytes this host produced with [`Artifact::serialize`] (see
    /// [`wasmtime::Module::deserialize`]).
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Self>;
    fn serialize(&self) -> Result<Vec<u8>>;
}

impl Artifact for Component {
    const SUFFIX: &'static str = "";
    fn compile(engine: &Engine, wasm: &[u8]) -> Result<Self> {
        Ok(Component::new(engine, wasm)?)
    }
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Self> {
        // SAFETY: forwarded to the caller.
        Ok(unsafe { Component::deserialize(engine, bytes) }?)
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
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Self> {
        // SAFETY: forwarded to the caller.
        Ok(unsafe { Module::deserialize(engine, bytes) }?)
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
    /// What vouches for entries; without it nothing is read from or written to the folder.
    key: Result<CacheKey, String>,
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
        let key = match dir {
            Some(_) => CacheKey::of_user(),
            None => Err("no cache folder".into()),
        };
        CompileCache {
            dir,
            max_bytes,
            key,
        }
    }

    /// A cache in `dir` whose entries are vouched for by `key` (tests, and callers that hold one).
    pub fn with_key(dir: PathBuf, key: CacheKey) -> Self {
        CompileCache {
            dir: Some(dir),
            key: Ok(key),
            ..CompileCache::new(None)
        }
    }

    /// Why entries are neither read nor written, when the cache has a folder but no key.
    pub fn unusable(&self) -> Option<&str> {
        match (&self.dir, &self.key) {
            (Some(_), Err(why)) => Some(why),
            _ => None,
        }
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

    /// Whether `wasm` compiled for `engine` is in the cache (so loading it takes milliseconds;
    /// an entry that then fails its check is compiled again).
    pub fn contains<T: Artifact>(&self, engine: &Engine, wasm: &[u8]) -> bool {
        self.key.is_ok()
            && self
                .entry_path::<T>(engine, wasm)
                .is_some_and(|path| path.is_file())
    }

    /// Compiles `wasm` for `engine` as a component or core module (`T`), or loads the result of an
    /// earlier compile.
    pub fn compile<T: Artifact>(&self, engine: &Engine, wasm: &[u8]) -> Result<Compiled<T>> {
        let start = Instant::now();
        let (Some(dir), Ok(key)) = (&self.dir, &self.key) else {
            let artifact = T::compile(engine, wasm)?;
            return Ok(Compiled {
                artifact,
                elapsed: start.elapsed(),
                cached: false,
            });
        };
        let binding = Binding::of::<T>(engine, wasm);
        let path = binding.path_in(dir);
        if let Some(artifact) = entry::read(&path, key, &binding) {
            // SAFETY: these are the bytes this host serialized with `Artifact::serialize` for this
            // wasm and engine: their tag verified under a key only this user holds (see the module
            // docs); wasmtime also checks the engine compatibility header and the artifact kind.
            if let Ok(artifact) = unsafe { T::deserialize(engine, &artifact) } {
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
        let stored = artifact
            .serialize()
            .and_then(|bytes| entry::write(&path, key, &binding, &bytes));
        if stored.is_ok() {
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
        Some(Binding::of::<T>(engine, wasm).path_in(self.dir.as_ref()?))
    }
}

impl Binding {
    /// What `wasm` compiled by `engine` as `T` is bound to (its SHA-256 computed once here).
    fn of<T: Artifact>(engine: &Engine, wasm: &[u8]) -> Self {
        let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
        engine
            .precompile_compatibility_hash()
            .hash(&mut engine_hash);
        Binding {
            wasm_sha256: Sha256::digest(wasm).into(),
            engine_hash: engine_hash.finish(),
            kind: T::SUFFIX,
        }
    }

    /// The entry's file in the cache folder `dir`.
    fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!(
            "{}-{:016x}{}.cwasm",
            hex(&self.wasm_sha256[..16]),
            self.engine_hash,
            self.kind
        ))
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

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
