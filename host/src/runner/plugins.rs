//! Loaded plugins: bytes read once (their kind told from the binary), compiled once per engine
//! (through the on-disk cache), linked once into an `InstancePre` that every bench of the run reuses.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::Module;
use wasmtime::component::{Component, Linker};

use crate::capability::HostState;
use crate::capability::command::{self, CommandState};
use crate::engine::{CompileCache, EngineKind, Engines, hex};
use crate::input::Kind;
use crate::model::Status;
use crate::plugin::PluginKind;
use crate::plugin::bindings::PluginPre;

use super::command::CommandPre;
use super::expected::ExpectedOutput;
use super::limits::Failure;

/// A plugin linked for one engine, ready to instantiate.
#[derive(Clone)]
pub enum Pre {
    /// A component implementing the wasmbench contract.
    Component(PluginPre<HostState>),
    /// A core module in the sightglass convention.
    Command(CommandPre),
}

/// A plugin ready to instantiate on one engine.
#[derive(Clone)]
pub struct Prepared {
    pub pre: Pre,
    pub compile_time: Duration,
    pub compile_cached: bool,
}

/// A plugin file and its per-engine preparations.
pub struct LoadedPlugin {
    pub path: PathBuf,
    /// SHA-256 of the file as read.
    pub sha256: String,
    pub kind: PluginKind,
    /// The binary (WebAssembly text is converted).
    bytes: Arc<[u8]>,
    /// What a core module's runs are checked against.
    pub expected: Arc<ExpectedOutput>,
    prepared: HashMap<EngineKind, Result<Prepared, Failure>>,
}

impl LoadedPlugin {
    /// Reads the plugin at `path` (a regular file of at most 256 MiB, [`Kind::Wasm`]) and, for a
    /// core module, its expected output. Errors name the file and the reason, and are input errors:
    /// the planner refuses the suite with them.
    pub fn read(path: &Path) -> Result<Self, String> {
        let file = crate::input::read(path, Kind::Wasm).map_err(|e| e.to_string())?;
        let (kind, binary) =
            crate::plugin::detect(&file).map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes: Arc<[u8]> = binary.into_owned().into();
        let expected = match kind {
            PluginKind::CoreModule => ExpectedOutput::read(path)?,
            PluginKind::Component => ExpectedOutput::default(),
        };
        Ok(LoadedPlugin {
            path: path.to_path_buf(),
            sha256: hex(&Sha256::digest(&file)),
            kind,
            bytes,
            expected: Arc::new(expected),
            prepared: HashMap::new(),
        })
    }

    /// The binary's size in bytes.
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// Whether preparing for `kind` needs no compile: done in this process, or in the cache.
    pub fn is_compiled(&self, kind: EngineKind, engines: &Engines, cache: &CompileCache) -> bool {
        self.prepared.contains_key(&kind)
            || match self.kind {
                PluginKind::Component => {
                    cache.contains::<Component>(engines.get(kind), &self.bytes)
                }
                PluginKind::CoreModule => cache.contains::<Module>(engines.get(kind), &self.bytes),
            }
    }

    /// Compiles and links for `kind`, once.
    pub fn prepare(
        &mut self,
        kind: EngineKind,
        engines: &Engines,
        cache: &CompileCache,
        linkers: &Linkers,
    ) -> Result<Prepared, Failure> {
        if !self.prepared.contains_key(&kind) {
            let prepared = match self.kind {
                PluginKind::Component => self.prepare_component(kind, engines, cache, linkers),
                PluginKind::CoreModule => self.prepare_module(kind, engines, cache, linkers),
            };
            self.prepared.insert(kind, prepared);
        }
        self.prepared[&kind].clone()
    }

    fn prepare_module(
        &self,
        kind: EngineKind,
        engines: &Engines,
        cache: &CompileCache,
        linkers: &Linkers,
    ) -> Result<Prepared, Failure> {
        let compiled = cache
            .compile::<Module>(engines.get(kind), &self.bytes)
            .map_err(|e| {
                Failure::new(
                    Status::Error,
                    format!("{} is not a valid core module: {e:#}", self.path.display()),
                )
            })?;
        if built_as_core_module(&compiled.artifact) {
            return Err(Failure::new(
                Status::Error,
                format!(
                    "{} is a wasmbench plugin built as a core module (its functions carry the \
                     `{CONTRACT_PACKAGE}` contract's names, e.g. `[resource-drop]bench`), but \
                     plugins must be components: build it for wasm32-wasip2 (`rustup target add \
                     wasm32-wasip2`, then `cargo build --release --target wasm32-wasip2`); \
                     wasm32-wasip1 and wasm32-unknown-unknown builds are core modules",
                    self.path.display()
                ),
            ));
        }
        let pre = linkers
            .command(engines, kind)
            .map_err(|e| Failure::new(Status::Error, format!("preparing the host: {e:#}")))?
            .instantiate_pre(&compiled.artifact)
            .map_err(|e| {
                Failure::new(
                    Status::Error,
                    format!(
                        "{} does not fit the host (a core module may import WASI preview 1 and \
                         bench.start / bench.end): {:#}",
                        self.path.display(),
                        anyhow::Error::from(e)
                    ),
                )
            })?;
        Ok(Prepared {
            pre: Pre::Command(CommandPre {
                pre,
                dir: self
                    .path
                    .parent()
                    .filter(|dir| !dir.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
                    .to_path_buf(),
                program: self
                    .path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                expected: self.expected.clone(),
            }),
            compile_time: compiled.elapsed,
            compile_cached: compiled.cached,
        })
    }

    fn prepare_component(
        &self,
        kind: EngineKind,
        engines: &Engines,
        cache: &CompileCache,
        linkers: &Linkers,
    ) -> Result<Prepared, Failure> {
        let engine = engines.get(kind);
        let compiled = cache
            .compile::<Component>(engine, &self.bytes)
            .map_err(|e| {
                Failure::new(
                    Status::Error,
                    format!("{} is not a valid component: {e:#}", self.path.display()),
                )
            })?;
        if imports_bench_markers(&compiled.artifact, engine) {
            return Err(Failure::new(
                Status::Error,
                format!(
                    "{} is a component in the sightglass convention (it imports `bench` with \
                     `start` / `end`): wasmbench runs that convention for core modules only. \
                     Build it as a core module (e.g. for wasm32-wasip1), or implement the \
                     wasmbench plugin contract ({})",
                    self.path.display(),
                    crate::plugin::CONTRACT
                ),
            ));
        }
        let instance_pre = linkers
            .get(engines, kind)
            .map_err(|e| Failure::new(Status::Error, format!("preparing the host: {e:#}")))?
            .instantiate_pre(&compiled.artifact)
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
            pre: Pre::Component(pre),
            compile_time: compiled.elapsed,
            compile_cached: compiled.cached,
        })
    }
}

/// Whether a component imports sightglass's `bench` markers (an import named `bench`, or an
/// interface of that name): what our contract can't satisfy, told apart from other link errors.
fn imports_bench_markers(component: &Component, engine: &wasmtime::Engine) -> bool {
    component.component_type().imports(engine).any(|(name, _)| {
        let interface = name.rsplit('/').next().unwrap_or(name);
        interface.split('@').next() == Some("bench")
    })
}

/// One linker per engine with every host capability a plugin may import, and one per engine for
/// core modules (WASI preview 1 and the `bench` markers). Each is built on first use: a worker
/// process needs only the timed engine's, and building a linker costs part of its start.
pub struct Linkers {
    component: [OnceCell<Linker<HostState>>; 2],
    command: [OnceCell<wasmtime::Linker<CommandState>>; 2],
}

impl Linkers {
    pub fn new() -> Self {
        Linkers {
            component: Default::default(),
            command: Default::default(),
        }
    }

    fn get(&self, engines: &Engines, kind: EngineKind) -> anyhow::Result<&Linker<HostState>> {
        lazily(&self.component[slot(kind)], || {
            host_linker(engines.get(kind))
        })
    }

    fn command(
        &self,
        engines: &Engines,
        kind: EngineKind,
    ) -> anyhow::Result<&wasmtime::Linker<CommandState>> {
        lazily(&self.command[slot(kind)], || {
            command_linker(engines.get(kind))
        })
    }
}

fn slot(kind: EngineKind) -> usize {
    match kind {
        EngineKind::Metered => 0,
        EngineKind::Timed => 1,
    }
}

fn lazily<T>(cell: &OnceCell<T>, make: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<&T> {
    if cell.get().is_none() {
        let _ = cell.set(make()?);
    }
    Ok(cell.get().expect("set just above"))
}

/// The contract's package, as a component's interfaces are named.
const CONTRACT_PACKAGE: &str = "wasmbench:plugin/";

/// Whether a core module is a plugin compiled without the component step (wit-bindgen output for
/// wasm32-wasip1, say): it exports and imports functions named after the contract's interfaces.
fn built_as_core_module(module: &wasmtime::Module) -> bool {
    module
        .exports()
        .any(|e| e.name().starts_with(CONTRACT_PACKAGE))
        || module.imports().any(|i| {
            i.module()
                .trim_start_matches("[export]")
                .starts_with(CONTRACT_PACKAGE)
        })
}

/// A linker for core modules in the sightglass convention: WASI preview 1, `bench.start`,
/// `bench.end`.
pub fn command_linker(engine: &wasmtime::Engine) -> anyhow::Result<wasmtime::Linker<CommandState>> {
    let mut linker = wasmtime::Linker::new(engine);
    command::add_to_linker(&mut linker)?;
    Ok(linker)
}

/// A linker with every host capability a plugin may import: WASI 0.2, outgoing HTTP, `host`, `db`.
/// Components built against an earlier 0.1.x contract link too: wasmtime matches semver-compatible
/// interface versions.
pub fn host_linker(engine: &wasmtime::Engine) -> anyhow::Result<Linker<HostState>> {
    let mut linker = Linker::new(engine);
    crate::capability::linking::add_to_linker(&mut linker)?;
    Ok(linker)
}
