//! The data of one store: the plugin's sandboxed WASI context, its memory limiter and watch, its
//! backends and database session, and the `host` WIT interface (the backends) on it.

use anyhow::Result;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::SinkOutputStream;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use super::backends::Backends;
use super::db::DbSession;
use super::http::FixtureOnly;
use super::lending::{GUEST_FIXTURE_DIR, Lending};
use super::output::TailPipe;
use crate::engine::{ImportGroup, MemoryLimiter, StoreWatch, Watched};
use crate::plugin::bindings::host::{Backend, Host};

/// How much of the end of a plugin's stderr (for error messages) and, on request, stdout is kept.
const CAPTURE_BYTES: usize = 64 << 10;

/// The data of one store: the plugin's WASI context and the limiter that meters its memory.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    http: WasiHttpCtx,
    pub http_policy: FixtureOnly,
    http_base: Option<String>,
    pub limiter: MemoryLimiter,
    pub watch: StoreWatch,
    pub backends: Backends,
    pub db: DbSession,
    stderr: TailPipe,
    /// The plugin's stdout when the run keeps it.
    stdout: Option<TailPipe>,
}

impl HostState {
    /// A sandbox with `fixtures` mounted read-only at [`GUEST_FIXTURE_DIR`].
    pub fn new(lending: &Lending, memory_limit: u64) -> Result<Self> {
        // Everything built from here on is held for the plugin.
        let watch = StoreWatch::new(memory_limit);
        let stderr = TailPipe::new(CAPTURE_BYTES);
        let stdout = lending.capture_stdout.then(|| TailPipe::new(CAPTURE_BYTES));
        let mut builder = WasiCtxBuilder::new();
        match &stdout {
            Some(pipe) => builder.stdout(pipe.clone()),
            None => builder.stdout(SinkOutputStream),
        };
        builder
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            // File reads on the plugin's own thread, not a tokio blocking thread: handing every
            // read to another thread and waking this one again put whole executions of the
            // fs-read benches 2x slower on a 2-vCPU VM (a wake-up across vCPUs per read; see
            // docs/src/methodology/measurement.md), and a bare wasmtime does the same.
            .allow_blocking_current_thread(true);
        if let Some(dir) = &lending.fixtures {
            builder
                .preopened_dir(dir, GUEST_FIXTURE_DIR, FsPerms::ReadOnly)
                .map_err(|e| {
                    anyhow::Error::from(e)
                        .context(format!("opening the fixture folder {}", dir.display()))
                })?;
        }
        let authority = lending
            .http_base
            .as_deref()
            .and_then(|b| b.strip_prefix("http://"))
            .map(str::to_string);
        Ok(HostState {
            wasi: builder.build(),
            table: ResourceTable::new(),
            http: WasiHttpCtx::new(),
            http_policy: FixtureOnly::new(authority),
            http_base: lending.http_base.clone(),
            limiter: MemoryLimiter::new(memory_limit),
            watch,
            // What the backends hold for the plugin is bounded like its linear memory.
            backends: Backends::new(&lending.backends, memory_limit),
            db: DbSession::new(lending.database.clone()),
            stderr,
            stdout,
        })
    }

    /// The end of what the plugin wrote to stdout (when kept) and stderr: up to 64 KiB each.
    pub fn output(&self) -> (Option<Vec<u8>>, Vec<u8>) {
        (
            self.stdout.as_ref().map(TailPipe::contents),
            self.stderr.contents(),
        )
    }

    /// The last lines the plugin wrote to stderr (e.g. a panic message), if any.
    pub fn stderr_tail(&self) -> Option<String> {
        last_lines(&self.stderr.contents())
    }
}

/// The last five non-blank lines of captured output, if any.
pub(super) fn last_lines(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = lines[lines.len().saturating_sub(5)..].join("\n");
    (!tail.is_empty()).then_some(tail)
}

impl Watched for HostState {
    fn watch(&mut self) -> &mut StoreWatch {
        &mut self.watch
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl HostState {
    /// The resource table and the watch's byte count of the call in progress, borrowed together
    /// (for the counted io streams).
    pub(super) fn table_and_bytes(&mut self) -> (&mut ResourceTable, &mut u64) {
        (&mut self.table, self.watch.call_bytes())
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.http_policy,
        }
    }
}

/// Sleeps for a backend's latency in slept mode.
async fn pay(wait: Option<std::time::Duration>) {
    if let Some(wait) = wait {
        super::precise::wait_for(wait).await;
    }
}

impl Host for HostState {
    async fn get(&mut self, backend: Backend, key: String) -> wasmtime::Result<Option<Vec<u8>>> {
        self.watch.calling(ImportGroup::Backends);
        let (value, wait) = self.backends.get(backend, &key)?;
        self.watch
            .moved(key.len() + value.as_ref().map_or(0, Vec::len));
        pay(wait).await;
        Ok(value)
    }

    async fn put(&mut self, backend: Backend, key: String, value: Vec<u8>) -> wasmtime::Result<()> {
        self.watch.calling(ImportGroup::Backends);
        self.watch.moved(key.len() + value.len());
        let wait = self.backends.put(backend, key, value)?;
        pay(wait).await;
        Ok(())
    }

    async fn delete(&mut self, backend: Backend, key: String) -> wasmtime::Result<bool> {
        self.watch.calling(ImportGroup::Backends);
        self.watch.moved(key.len());
        let (existed, wait) = self.backends.delete(backend, &key)?;
        pay(wait).await;
        Ok(existed)
    }

    async fn clear(&mut self, backend: Backend) -> wasmtime::Result<()> {
        self.watch.calling(ImportGroup::Backends);
        self.backends.clear(backend)
    }

    async fn load(
        &mut self,
        backend: Backend,
        entries: Vec<(String, Vec<u8>)>,
    ) -> wasmtime::Result<()> {
        self.watch.calling(ImportGroup::Backends);
        self.watch
            .moved(entries.iter().map(|(k, v)| k.len() + v.len()).sum());
        self.backends.load(backend, entries)
    }

    async fn digest(&mut self, backend: Backend) -> wasmtime::Result<u64> {
        self.watch.calling(ImportGroup::Backends);
        self.backends.digest(backend)
    }

    async fn http_fixture(&mut self) -> Option<String> {
        self.http_base.clone()
    }
}
