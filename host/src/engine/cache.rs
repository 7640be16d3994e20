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

/// The secret whose keyed hashes vouch for cache entries: `$WASMBENCH_CACHE_KEY` (any text, e.g.
/// a CI secret, so a shared cache is trusted across runners), else 32 random bytes in a file of
/// this user's (`$XDG_STATE_HOME/wasmbench/cache.key`, else `~/.local/state/wasmbench/cache.key`,
/// mode 0600), made on first use. Never in the cache folder: whoever can write the cache can't
/// vouch for what they write.
#[derive(Clone)]
pub struct CacheKey([u8; 32]);

impl std::fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CacheKey(…)")
    }
}

/// The start of every entry: a format marker, then the 32-byte tag, then the artifact.
const ENTRY_MAGIC: &[u8; 16] = b"wasmbench-cwasm1";
const TAG_LEN: usize = 32;
/// Larger entries are not read (an interpreter component compiles to ~80 MB).
const MAX_ENTRY_BYTES: u64 = 1 << 30;

impl CacheKey {
    /// The key of this user (see the type).
    pub fn of_user() -> Result<Self, String> {
        if let Some(secret) = std::env::var_os("WASMBENCH_CACHE_KEY").filter(|s| !s.is_empty()) {
            return Ok(CacheKey::from_secret(secret.as_encoded_bytes()));
        }
        let path = Self::file().ok_or(
            "no key for the compile cache: set WASMBENCH_CACHE_KEY, or HOME (or XDG_STATE_HOME) for a key file",
        )?;
        Self::read_or_create(&path).map_err(|e| {
            format!(
                "no key for the compile cache: {} ({e}); set WASMBENCH_CACHE_KEY instead",
                path.display()
            )
        })
    }

    /// A key from any text, e.g. a CI secret.
    pub fn from_secret(secret: &[u8]) -> Self {
        CacheKey(blake3::derive_key("wasmbench compile cache key v1", secret))
    }

    /// Where this user's key file is.
    pub fn file() -> Option<PathBuf> {
        let state = std::env::var_os("XDG_STATE_HOME")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state"))
            })?;
        Some(state.join("wasmbench").join("cache.key"))
    }

    /// The key in `path`, made there (32 random bytes, mode 0600) when there is none. Two
    /// processes making it at once agree: the first file to land wins and both read it.
    fn read_or_create(path: &Path) -> std::io::Result<Self> {
        if let Some(key) = Self::read(path)? {
            return Ok(key);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut secret = [0u8; 32];
        rand::fill(&mut secret);
        let mut file = tempfile::Builder::new()
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .tempfile_in(dir)?;
        file.write_all(&secret)?;
        file.as_file().sync_all()?;
        match file.persist_noclobber(path) {
            Ok(_) => Ok(CacheKey(secret)),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Self::read(path)?
                .ok_or_else(|| std::io::Error::other("the key file is not 32 bytes")),
            Err(e) => Err(e.error),
        }
    }

    fn read(path: &Path) -> std::io::Result<Option<Self>> {
        match std::fs::read(path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map(|key| Some(CacheKey(key)))
                .map_err(|_| {
                    std::io::Error::other(
                        "the key file is not 32 bytes; remove it to make a new one",
                    )
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The tag of `artifact`, compiled from the wasm with SHA-256 `wasm_sha256` by an engine
    /// whose compatibility hash is `engine_hash`, as kind `suffix`.
    fn tag(
        &self,
        wasm_sha256: &[u8],
        engine_hash: u64,
        suffix: &str,
        artifact: &[u8],
    ) -> [u8; TAG_LEN] {
        let mut hasher = blake3::Hasher::new_keyed(&self.0);
        hasher.update(wasm_sha256);
        hasher.update(&engine_hash.to_le_bytes());
        hasher.update(suffix.as_bytes());
        hasher.update(&[0]);
        hasher.update(artifact);
        *hasher.finalize().as_bytes()
    }
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
        let (Some(path), Ok(key)) = (self.entry_path::<T>(engine, wasm), &self.key) else {
            let artifact = T::compile(engine, wasm)?;
            return Ok(Compiled {
                artifact,
                elapsed: start.elapsed(),
                cached: false,
            });
        };
        let wasm_sha256 = Sha256::digest(wasm);
        let engine_hash = engine_hash(engine);
        let tag = |artifact: &[u8]| key.tag(&wasm_sha256, engine_hash, T::SUFFIX, artifact);
        if let Some(artifact) = read_verified(&path, tag) {
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
        if store_atomically(&path, &artifact, tag).is_ok() {
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
        let wasm_hash = hex(&Sha256::digest(wasm)[..16]);
        Some(dir.join(format!(
            "{wasm_hash}-{:016x}{}.cwasm",
            engine_hash(engine),
            T::SUFFIX
        )))
    }
}

/// The engine's compatibility hash (its settings and wasmtime's version), as a number.
fn engine_hash(engine: &Engine) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// The artifact in the entry at `path` if its tag is `tag(artifact)`; `None` for a missing,
/// oversized, malformed or unvouched entry.
fn read_verified(path: &Path, tag: impl Fn(&[u8]) -> [u8; TAG_LEN]) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_ENTRY_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, MAX_ENTRY_BYTES),
        &mut bytes,
    )
    .ok()?;
    let rest = bytes.strip_prefix(ENTRY_MAGIC.as_slice())?;
    if rest.len() < TAG_LEN {
        return None;
    }
    let (stored, artifact) = rest.split_at(TAG_LEN);
    let expected = tag(artifact);
    // Constant time: nothing about the key leaks through how long a comparison takes.
    if !constant_time_eq(stored, &expected) {
        return None;
    }
    bytes.drain(..ENTRY_MAGIC.len() + TAG_LEN);
    Some(bytes)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

/// Writes `artifact` as an entry at `path`: magic, tag, bytes; written whole, then renamed into
/// place, so a reader never sees part of an entry.
fn store_atomically(
    path: &Path,
    artifact: &impl Artifact,
    tag: impl Fn(&[u8]) -> [u8; TAG_LEN],
) -> Result<()> {
    let dir = path.parent().context("cache path has a parent")?;
    std::fs::create_dir_all(dir)?;
    let bytes = artifact.serialize()?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(ENTRY_MAGIC)?;
    tmp.write_all(&tag(&bytes))?;
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

    /// A core module whose `answer` returns `n`.
    fn module(n: i32) -> Vec<u8> {
        wat::parse_str(format!(
            "(module (func (export \"answer\") (result i32) i32.const {n}))"
        ))
        .unwrap()
    }

    fn answer(engine: &Engine, module: &Module) -> i32 {
        let mut store = wasmtime::Store::new(engine, ());
        let instance = wasmtime::Instance::new(&mut store, module, &[]).unwrap();
        instance
            .get_typed_func::<(), i32>(&mut store, "answer")
            .unwrap()
            .call(&mut store, ())
            .unwrap()
    }

    #[test]
    fn only_entries_vouched_for_by_this_key_for_this_wasm_are_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::default();
        let key = CacheKey::from_secret(b"this machine");
        let cache = CompileCache::with_key(dir.path().to_path_buf(), key.clone());
        let (one, two) = (module(1), module(2));

        let first = cache.compile::<Module>(&engine, &one).unwrap();
        assert!(!first.cached);
        let again = cache.compile::<Module>(&engine, &one).unwrap();
        assert!(again.cached, "a vouched entry loads");
        assert_eq!(answer(&engine, &again.artifact), 1);

        // Another plugin's compiled code put in its place (vouched, but for other wasm): compiled
        // again, and the code run is this wasm's.
        cache.compile::<Module>(&engine, &two).unwrap();
        let path_of = |wasm: &[u8]| cache.entry_path::<Module>(&engine, wasm).unwrap();
        std::fs::copy(path_of(&two), path_of(&one)).unwrap();
        let swapped = cache.compile::<Module>(&engine, &one).unwrap();
        assert!(!swapped.cached, "another wasm's entry must not load");
        assert_eq!(answer(&engine, &swapped.artifact), 1);
        assert!(
            cache.compile::<Module>(&engine, &one).unwrap().cached,
            "replaced by a good one"
        );

        // Entries made under another key (another machine, a cache restored from elsewhere), raw
        // wasmtime artifacts, and truncated entries are compiled again too.
        let elsewhere =
            CompileCache::with_key(dir.path().to_path_buf(), CacheKey::from_secret(b"other"));
        assert!(!elsewhere.compile::<Module>(&engine, &one).unwrap().cached);
        let raw = Module::new(&engine, &two).unwrap().serialize().unwrap();
        std::fs::write(path_of(&one), &raw).unwrap();
        assert!(!cache.compile::<Module>(&engine, &one).unwrap().cached);
        let whole = std::fs::read(path_of(&one)).unwrap();
        std::fs::write(path_of(&one), &whole[..whole.len() / 2]).unwrap();
        let truncated = cache.compile::<Module>(&engine, &one).unwrap();
        assert!(!truncated.cached);
        assert_eq!(answer(&engine, &truncated.artifact), 1);
    }

    #[test]
    fn the_key_file_is_made_once_and_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/wasmbench/cache.key");
        let made = CacheKey::read_or_create(&path).unwrap();
        let read = CacheKey::read_or_create(&path).unwrap();
        assert_eq!(made.0, read.0);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the key file is readable by others: {mode:o}"
        );
        std::fs::write(&path, b"short").unwrap();
        assert!(CacheKey::read_or_create(&path).is_err());
    }
}
