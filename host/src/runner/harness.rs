//! The runner: what a run shares across benches (engines, linkers, loaded plugins, fixture files,
//! the worker binary), how it is made and set up, and how a plugin is read, compiled and lent.
//! What it does with a bench is each in its own file: planning in `plan.rs`, the counting pass
//! and the executions in `bench.rs`, profiling in `profile.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::capability::{FixtureDir, FixtureServer, Lending};
use crate::engine::{CompileCache, Engines};
use crate::model::Status;
use crate::suite::Suite;

use super::limits::Failure;
use super::noise;
use super::observer::CompileObserver;
use super::plugins::{self, Linkers, LoadedPlugin};

/// Everything a run shares across benches: engines, linkers, loaded plugins, fixture files.
pub struct Runner {
    pub(super) engines: Engines,
    pub(super) linkers: Linkers,
    pub(super) cache: CompileCache,
    /// A private cache for workers when the user's is off (`--no-cache`): compiled once by the
    /// supervisor, loaded by every worker, removed with the run.
    pub(super) _private_cache: Option<tempfile::TempDir>,
    pub(super) plugins: BTreeMap<PathBuf, Result<LoadedPlugin, Failure>>,
    pub(super) fixtures: Option<FixtureDir>,
    pub(super) http_server: Option<FixtureServer>,
    /// Its own round trip, timed when it started.
    pub(super) http_fixture_times: Option<crate::model::HttpFixtureTimes>,
    pub(super) lending: Lending,
    /// The binary started as a worker process: this one.
    pub(super) worker_exe: PathBuf,
    /// Where the counting pass leaves each bench's plugin output (`run --plugin-output`).
    pub(super) plugin_output: Option<PathBuf>,
    /// Told about compiles that miss the cache.
    pub(super) compile_observer: Option<Box<dyn CompileObserver>>,
    /// The noise probe's times, one before each execution and one after the last (see
    /// `noise.rs`).
    pub(super) noise_probes: Vec<u64>,
}

impl Runner {
    /// A runner for a supervising process (`run`, `ab`, `list`).
    pub fn new(cache: CompileCache) -> Result<Self> {
        let (cache, private) = match cache.dir() {
            Some(_) => (cache, None),
            None => {
                let dir = crate::scratch::tempdir("wasmbench-cache-")
                    .context("creating a private compile cache")?;
                (CompileCache::new(Some(dir.path().to_path_buf())), Some(dir))
            }
        };
        if let Some(why) = cache.unusable() {
            eprintln!("warning: {why}; plugins are compiled without the cache");
        }
        let mut runner = Runner::with(cache, Lending::default(), true)?;
        runner._private_cache = private;
        Ok(runner)
    }

    /// What `plugin = "name"` finds for this runner: `$WASMBENCH_PLUGIN_PATH`, then the plugins
    /// built into wasmbench, written out under the compile cache's folder.
    pub fn plugin_locator(&self) -> Result<crate::plugin::PluginLocator> {
        crate::plugin::PluginLocator::standard(self.cache.dir())
            .context("creating a folder for the plugins built into wasmbench")
    }

    /// A runner inside a worker process: the timed engine only matters, no epoch ticker.
    pub(crate) fn for_worker(cache: CompileCache, lending: Lending) -> Result<Self> {
        Runner::with(cache, lending, false)
    }

    fn with(cache: CompileCache, lending: Lending, tick: bool) -> Result<Self> {
        let engines = Engines::new(tick)?;
        let linkers = Linkers::new();
        Ok(Runner {
            engines,
            linkers,
            cache,
            _private_cache: None,
            plugins: BTreeMap::new(),
            fixtures: None,
            http_server: None,
            http_fixture_times: None,
            lending,
            worker_exe: std::env::current_exe().context("finding the wasmbench binary")?,
            plugin_output: None,
            compile_observer: None,
            noise_probes: Vec::new(),
        })
    }

    /// Keeps each bench's plugin stdout and stderr (the last 64 KiB of each, from the counting
    /// pass) in `dir` as `<bench>.stdout` / `<bench>.stderr`.
    pub fn keep_plugin_output(&mut self, dir: PathBuf) {
        self.lending.capture_stdout = true;
        self.plugin_output = Some(dir);
    }

    /// Starts workers from `exe` instead of this binary (for embedders and tests whose binary is
    /// not `wasmbench`).
    pub fn set_worker_exe(&mut self, exe: PathBuf) {
        self.worker_exe = exe;
    }

    /// Sets up what the suite's plugins are lent: generated fixture files, the HTTP fixture
    /// server, backend latencies. Once per run.
    pub fn prepare_capabilities(&mut self, suite: &Suite) -> Result<()> {
        if !suite.fixtures.is_empty() {
            self.fixtures = Some(FixtureDir::generate(&suite.fixtures)?);
        }
        if let Some(config) = suite.http {
            let server = FixtureServer::start(config)?;
            self.http_fixture_times = Some(server.time_round_trips()?);
            self.http_server = Some(server);
        }
        self.lending = Lending {
            fixtures: self.fixtures.as_ref().map(|f| f.path().to_path_buf()),
            http_base: self.http_server.as_ref().map(FixtureServer::base_url),
            backends: suite.backends.clone(),
            db: None,
            database: None,
            capture_stdout: self.plugin_output.is_some(),
        };
        Ok(())
    }

    /// What `def` is lent: the suite's services and the bench's own database settings.
    pub(super) fn lending_for(&self, def: &crate::suite::BenchDef) -> Lending {
        Lending {
            db: def.db.clone(),
            ..self.lending.clone()
        }
    }

    /// The HTTP fixture server, when the suite asked for one.
    pub fn http_server(&self) -> Option<&FixtureServer> {
        self.http_server.as_ref()
    }

    /// Reads the plugin at `path` unless it was read; the error names the file and why it is not a
    /// plugin (not a regular file, too large, not wasm).
    pub(super) fn load(&mut self, path: &std::path::Path) -> Result<(), Failure> {
        loaded(&mut self.plugins, path).map(|_| ())
    }

    /// The plugin at `path` compiled and linked for `kind` (loaded on first use), and its hash.
    pub(super) fn prepare(
        &mut self,
        path: &std::path::Path,
        kind: crate::engine::EngineKind,
    ) -> Result<(plugins::Prepared, String), Failure> {
        let plugin = loaded(&mut self.plugins, path)?;
        let observed = match &mut self.compile_observer {
            Some(observer) if !plugin.is_compiled(kind, &self.engines, &self.cache) => {
                let name = path
                    .file_name()
                    .unwrap_or(path.as_os_str())
                    .to_string_lossy();
                observer.compile_started(&name, plugin.size(), kind.name());
                Some((observer, std::time::Instant::now()))
            }
            _ => None,
        };
        let prepared = plugin.prepare(kind, &self.engines, &self.cache, &self.linkers);
        if let Some((observer, start)) = observed {
            observer.compile_finished(start.elapsed(), prepared.is_ok());
        }
        Ok((prepared?, plugin.sha256.clone()))
    }

    /// Tells `observer` about every compile from now on that is not in the cache.
    pub fn observe_compiles(&mut self, observer: Box<dyn CompileObserver>) {
        self.compile_observer = Some(observer);
    }

    /// Compiles the plugin at `path` for the timed engine into the compile cache (listing it
    /// compiled it for the metered one), so a `run` after `list` compiles nothing again.
    pub fn warm_timed(&mut self, path: &std::path::Path) -> Result<(), Failure> {
        self.prepare(path, crate::engine::EngineKind::Timed)
            .map(drop)
    }

    /// The kind of the plugin at `path`, once it has been read.
    pub(super) fn plugin_kind(&self, path: &std::path::Path) -> Option<crate::plugin::PluginKind> {
        self.plugins.get(path)?.as_ref().ok().map(|p| p.kind)
    }

    /// For a core module, once read: the expected-output files its runs are compared with.
    pub(super) fn output_check(
        &self,
        path: &std::path::Path,
    ) -> Option<crate::results::OutputCheck> {
        let plugin = self.plugins.get(path)?.as_ref().ok()?;
        (plugin.kind == crate::plugin::PluginKind::CoreModule)
            .then(|| plugin.expected.check_record())
    }

    /// How noisy the machine was during the executions so far: the noise probe's times, one before
    /// each execution and one after the last; `None` before three.
    pub fn machine_noise(&self) -> Option<crate::results::MachineNoise> {
        noise::summarize(&self.noise_probes)
    }

    /// The HTTP fixture server's own round trip, when the suite has one.
    pub fn http_fixture_times(&self) -> Option<crate::model::HttpFixtureTimes> {
        self.http_fixture_times
    }
}

/// The plugin at `path` from `plugins`, read on first use.
fn loaded<'a>(
    plugins: &'a mut BTreeMap<PathBuf, Result<LoadedPlugin, Failure>>,
    path: &std::path::Path,
) -> Result<&'a mut LoadedPlugin, Failure> {
    plugins
        .entry(path.to_path_buf())
        .or_insert_with(|| {
            LoadedPlugin::read(path).map_err(|message| Failure::new(Status::Error, message))
        })
        .as_mut()
        .map_err(|f| f.clone())
}
