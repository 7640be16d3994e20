//! On-disk cache of compiled components and core modules, keyed by the wasm's hash and the engine's
//! settings, so a second run skips compilation.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
}

impl CompileCache {
    pub fn new(dir: Option<PathBuf>) -> Self {
        CompileCache { dir }
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
                return Ok(Compiled {
                    artifact,
                    elapsed: start.elapsed(),
                    cached: true,
                });
            }
        }
        let artifact = T::compile(engine, wasm)?;
        let elapsed = start.elapsed();
        // A cache that can't be written costs speed, not correctness.
        let _ = store_atomically(&path, &artifact);
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
