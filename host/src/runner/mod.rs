//! Running benches: planning a suite against the plugins' declared workloads, then each bench
//! through its phases: compile and count fuel in this process (metered engine), then time it in
//! fresh worker processes (uninstrumented engine), executions interleaved across benches.

mod bench;
mod command;
mod counters;
mod expected;
mod instance;
pub mod interrupt;
mod limits;
pub mod load;
mod noise;
mod observer;
mod parallel;
mod plan;
mod plugins;
mod probe;
mod process;
pub mod profile;
mod record;
mod session;
pub mod shard;
pub mod worker;

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result};

use crate::capability::{FixtureDir, FixtureServer, Lending};
use crate::engine::{CompileCache, Engines};
use crate::model::Status;
use crate::suite::{PluginSource, Suite};

pub use bench::{RunOptions, UnitResult};
pub use expected::candidates as expected_output_files;
pub use limits::Failure;
pub use observer::{CompileObserver, Observer, Phase, SilentObserver};
pub use plan::{
    BenchPlan, PlanError, PluginListing, list_plugin, predict_again, unknown_plugin_message,
};
pub use probe::TimedProbe;
pub use shard::Shard;

use plugins::{Linkers, LoadedPlugin};

/// What a worker process is asked to do, on its stdin.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkerRequest {
    /// Time one execution of a bench (or of an A/B pair).
    Execution(Box<worker::Job>),
    /// Run a load scenario.
    Load(Box<load::LoadJob>),
}

/// A worker process (`wasmbench __worker`): reads its request from stdin, runs it, reports on
/// stdout. Errors here are the harness's own (a request it can't read, a closed pipe).
pub fn serve_worker() -> Result<()> {
    use std::io::Read;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the job")?;
    match serde_json::from_str(&input).context("parsing the job")? {
        WorkerRequest::Execution(job) => worker::serve(&job),
        WorkerRequest::Load(job) => load::worker::serve(&job),
    }
}
pub use plugins::{command_linker, host_linker};

/// Everything a run shares across benches: engines, linkers, loaded plugins, fixture files.
pub struct Runner {
    engines: Engines,
    linkers: Linkers,
    cache: CompileCache,
    /// A private cache for workers when the user's is off (`--no-cache`): compiled once by the
    /// supervisor, loaded by every worker, removed with the run.
    _private_cache: Option<tempfile::TempDir>,
    plugins: BTreeMap<PathBuf, Result<LoadedPlugin, Failure>>,
    fixtures: Option<FixtureDir>,
    http_server: Option<FixtureServer>,
    /// Its own round trip, timed when it started.
    http_fixture_times: Option<crate::model::HttpFixtureTimes>,
    lending: Lending,
    /// The binary started as a worker process: this one.
    worker_exe: PathBuf,
    /// Where the counting pass leaves each bench's plugin output (`run --plugin-output`).
    plugin_output: Option<PathBuf>,
    /// Told about compiles that miss the cache.
    compile_observer: Option<Box<dyn CompileObserver>>,
    /// The noise probe's times, one before each execution and one after the last (see
    /// `noise.rs`).
    noise_probes: Vec<u64>,
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
            backends: suite.backends,
            db: None,
            database: None,
            capture_stdout: self.plugin_output.is_some(),
        };
        Ok(())
    }

    /// What `def` is lent: the suite's services and the bench's own database settings.
    fn lending_for(&self, def: &crate::suite::BenchDef) -> Lending {
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
    fn load(&mut self, path: &std::path::Path) -> Result<(), Failure> {
        loaded(&mut self.plugins, path).map(|_| ())
    }

    /// The plugin at `path` compiled and linked for `kind` (loaded on first use), and its hash.
    fn prepare(
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
    fn plugin_kind(&self, path: &std::path::Path) -> Option<crate::plugin::PluginKind> {
        self.plugins.get(path)?.as_ref().ok().map(|p| p.kind)
    }

    /// For a core module, once read: the expected-output files its runs are compared with.
    fn output_check(&self, path: &std::path::Path) -> Option<crate::results::OutputCheck> {
        let plugin = self.plugins.get(path)?.as_ref().ok()?;
        (plugin.kind == crate::plugin::PluginKind::CoreModule)
            .then(|| plugin.expected.check_record())
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

/// Where a plugin source points on disk, if anything is there.
pub fn resolve_source(
    source: &PluginSource,
    locator: &crate::plugin::PluginLocator,
) -> Option<PathBuf> {
    match source {
        PluginSource::Named(name) => locator.find(name),
        // Whatever is there: reading it says why it is not a plugin, if it is not.
        PluginSource::File(path) => path.exists().then(|| path.clone()),
    }
}

impl Runner {
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
