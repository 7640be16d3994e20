//! Running benches: planning a suite against the plugins' declared workloads, then each bench
//! through its phases (compile, instantiate, setup, warm-up, fuel count, timing).

mod ab;
mod bench;
mod command;
mod instance;
pub mod interrupt;
mod parallel;
mod plan;
mod plugins;
mod session;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;

use crate::capability::{BackendsConfig, FixtureDir, FixtureServer, Lending};
use crate::engine::{CompileCache, Engines};
use crate::suite::{PluginSource, Suite};

pub use ab::AbResult;
pub use bench::{Observer, Phase, SilentObserver};
pub use plan::{BenchPlan, PlanError, PluginListing, list_plugin};
pub use session::Failure;

use plugins::{Linkers, LoadedPlugin};
pub use plugins::{command_linker, host_linker};

/// Everything a run shares across benches: engines, linkers, loaded plugins, fixture files.
pub struct Runner {
    engines: Engines,
    linkers: Linkers,
    cache: CompileCache,
    plugins: BTreeMap<PathBuf, Result<LoadedPlugin, Failure>>,
    fixtures: Option<FixtureDir>,
    http_server: Option<FixtureServer>,
    backends: BackendsConfig,
}

impl Runner {
    pub fn new(cache: CompileCache) -> Result<Self> {
        let engines = Engines::new()?;
        let linkers = Linkers::new(&engines)?;
        Ok(Runner {
            engines,
            linkers,
            cache,
            plugins: BTreeMap::new(),
            fixtures: None,
            http_server: None,
            backends: BackendsConfig::default(),
        })
    }

    /// Sets up what the suite's plugins are lent: generated fixture files, the HTTP fixture
    /// server, backend latencies. Once per run.
    pub fn prepare_capabilities(&mut self, suite: &Suite) -> Result<()> {
        if !suite.fixtures.is_empty() {
            self.fixtures = Some(FixtureDir::generate(&suite.fixtures)?);
        }
        if let Some(config) = suite.http {
            self.http_server = Some(FixtureServer::start(config)?);
        }
        self.backends = suite.backends;
        Ok(())
    }

    /// What each bench's plugin is lent.
    fn lending(&self) -> Lending {
        Lending {
            fixtures: self.fixtures.as_ref().map(|f| f.path().to_path_buf()),
            http_base: self.http_server.as_ref().map(FixtureServer::base_url),
            backends: self.backends,
        }
    }

    /// The HTTP fixture server, when the suite asked for one.
    pub fn http_server(&self) -> Option<&FixtureServer> {
        self.http_server.as_ref()
    }

    /// The plugin at `path` compiled and linked for `kind` (loaded on first use), and its hash.
    fn prepare(
        &mut self,
        path: &std::path::Path,
        kind: crate::engine::EngineKind,
    ) -> Result<(plugins::Prepared, String), Failure> {
        let plugin = self
            .plugins
            .entry(path.to_path_buf())
            .or_insert_with(|| LoadedPlugin::read(path))
            .as_mut()
            .map_err(|f| f.clone())?;
        let prepared = plugin.prepare(kind, &self.engines, &self.cache, &self.linkers)?;
        Ok((prepared, plugin.sha256.clone()))
    }

    /// The kind of the plugin at `path`, once it has been read.
    fn plugin_kind(&self, path: &std::path::Path) -> Option<crate::plugin::PluginKind> {
        self.plugins.get(path)?.as_ref().ok().map(|p| p.kind)
    }
}

/// Where a plugin source points on disk, if it exists.
pub fn resolve_source(
    source: &PluginSource,
    locator: &crate::plugin::PluginLocator,
) -> Option<PathBuf> {
    match source {
        PluginSource::Named(name) => locator.find(name),
        PluginSource::File(path) => path.is_file().then(|| path.clone()),
    }
}
