//! On-disk cache of compiled components, keyed by the wasm's hash and the engine's settings, so a
//! second run skips compilation.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// A compiled component and how it was obtained.
#[derive(Clone)]
pub struct Compiled {
    pub component: Component,
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

    /// Compiles `wasm` for `engine`, or loads the result of an earlier compile.
    pub fn compile(&self, engine: &Engine, wasm: &[u8]) -> Result<Compiled> {
        let start = Instant::now();
        let Some(path) = self.entry_path(engine, wasm) else {
            let component = Component::new(engine, wasm)?;
            return Ok(Compiled {
                component,
                elapsed: start.elapsed(),
                cached: false,
            });
        };
        if path.is_file() {
            // SAFETY: the cache holds only files this host serialized with `Component::serialize`
            // (written whole, then renamed into place); wasmtime also checks the engine
            // compatibility header and rejects a mismatch with an error.
            if let Ok(component) = unsafe { Component::deserialize_file(engine, &path) } {
                return Ok(Compiled {
                    component,
                    elapsed: start.elapsed(),
                    cached: true,
                });
            }
        }
        let component = Component::new(engine, wasm)?;
        let elapsed = start.elapsed();
        // A cache that can't be written costs speed, not correctness.
        let _ = store_atomically(&path, &component);
        Ok(Compiled {
            component,
            elapsed,
            cached: false,
        })
    }

    fn entry_path(&self, engine: &Engine, wasm: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
        engine
            .precompile_compatibility_hash()
            .hash(&mut engine_hash);
        let wasm_hash = hex(&Sha256::digest(wasm)[..16]);
        Some(dir.join(format!("{wasm_hash}-{:016x}.cwasm", engine_hash.finish())))
    }
}

fn store_atomically(path: &Path, component: &Component) -> Result<()> {
    let dir = path.parent().context("cache path has a parent")?;
    std::fs::create_dir_all(dir)?;
    let bytes = component.serialize()?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(&bytes)?;
    tmp.persist(path)?;
    Ok(())
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
