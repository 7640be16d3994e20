//! Loaded plugins: bytes read once, compiled once per engine (through the on-disk cache), linked
//! once into an `InstancePre` that every bench of the run reuses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::Linker;

use crate::capability::HostState;
use crate::engine::{CompileCache, EngineKind, Engines, hex};
use crate::plugin::bindings::PluginPre;
use crate::results::Status;

use super::session::Failure;

/// A plugin ready to instantiate on one engine.
#[derive(Clone)]
pub struct Prepared {
    pub pre: PluginPre<HostState>,
    pub compile_time: Duration,
    pub compile_cached: bool,
}

/// A plugin file and its per-engine preparations.
pub struct LoadedPlugin {
    pub path: PathBuf,
    pub sha256: String,
    bytes: Arc<[u8]>,
    prepared: HashMap<EngineKind, Result<Prepared, Failure>>,
}

impl LoadedPlugin {
    pub fn read(path: &Path) -> Result<Self, Failure> {
        let bytes: Arc<[u8]> = std::fs::read(path)
            .map_err(|e| {
                Failure::new(
                    Status::Error,
                    format!("cannot read plugin {}: {e}", path.display()),
                )
            })?
            .into();
        Ok(LoadedPlugin {
            path: path.to_path_buf(),
            sha256: hex(&Sha256::digest(&bytes)),
            bytes,
            prepared: HashMap::new(),
        })
    }

    /// Compiles and links for `kind`, once.
    pub fn prepare(
        &mut self,
        kind: EngineKind,
        engines: &Engines,
        cache: &CompileCache,
        linkers: &Linkers,
    ) -> Result<Prepared, Failure> {
        self.prepared
            .entry(kind)
            .or_insert_with(|| {
                let engine = engines.get(kind);
                let compiled = cache.compile(engine, &self.bytes).map_err(|e| {
                    Failure::new(
                        Status::Error,
                        format!("{} is not a valid component: {e:#}", self.path.display()),
                    )
                })?;
                let instance_pre = linkers
                    .get(kind)
                    .instantiate_pre(&compiled.component)
                    .map_err(|e| {
                        Failure::new(
                            Status::Error,
                            format!(
                                "{} does not fit the host: {:#}",
                                self.path.display(),
                                anyhow::Error::from(e)
                            ),
                        )
                    })?;
                let pre = PluginPre::new(instance_pre).map_err(|e| {
                    Failure::new(
                        Status::Error,
                        format!(
                            "{} does not implement the wasmbench plugin contract ({}): {:#}",
                            self.path.display(),
                            crate::plugin::CONTRACT,
                            anyhow::Error::from(e)
                        ),
                    )
                })?;
                Ok(Prepared {
                    pre,
                    compile_time: compiled.elapsed,
                    compile_cached: compiled.cached,
                })
            })
            .clone()
    }
}

/// One linker per engine with every host capability a plugin may import.
pub struct Linkers {
    metered: Linker<HostState>,
    timed: Linker<HostState>,
}

impl Linkers {
    pub fn new(engines: &Engines) -> anyhow::Result<Self> {
        Ok(Linkers {
            metered: linker(engines, EngineKind::Metered)?,
            timed: linker(engines, EngineKind::Timed)?,
        })
    }

    fn get(&self, kind: EngineKind) -> &Linker<HostState> {
        match kind {
            EngineKind::Metered => &self.metered,
            EngineKind::Timed => &self.timed,
        }
    }
}

fn linker(engines: &Engines, kind: EngineKind) -> anyhow::Result<Linker<HostState>> {
    host_linker(engines.get(kind))
}

/// A linker with every host capability a plugin may import: WASI 0.2, outgoing HTTP, `host`.
pub fn host_linker(engine: &wasmtime::Engine) -> anyhow::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    crate::plugin::bindings::host::add_to_linker::<
        HostState,
        wasmtime::component::HasSelf<HostState>,
    >(&mut linker, |state| state)?;
    Ok(linker)
}
