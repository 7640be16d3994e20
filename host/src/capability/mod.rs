//! What the host lends a plugin: a read-only fixture folder and a sandboxed WASI context. Nothing
//! else is reachable: no environment, no arguments, no sockets, no other files.

mod fixtures;

use std::path::Path;

use anyhow::Result;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use crate::engine::MemoryLimiter;

pub use fixtures::FixtureDir;

/// Where the fixture folder appears inside the guest (the SDK's `FIXTURE_DIR`).
pub const GUEST_FIXTURE_DIR: &str = "/fixtures";

/// How much of a plugin's stdout / stderr is kept (for error messages).
const CAPTURE_BYTES: usize = 64 << 10;

/// The data of one store: the plugin's WASI context and the limiter that meters its memory.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub limiter: MemoryLimiter,
    stderr: MemoryOutputPipe,
}

impl HostState {
    /// A sandbox with `fixtures` mounted read-only at [`GUEST_FIXTURE_DIR`].
    pub fn new(fixtures: Option<&Path>, memory_limit: u64) -> Result<Self> {
        let stderr = MemoryOutputPipe::new(CAPTURE_BYTES);
        let mut builder = WasiCtxBuilder::new();
        builder
            .stdout(MemoryOutputPipe::new(CAPTURE_BYTES))
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false);
        if let Some(dir) = fixtures {
            builder
                .preopened_dir(dir, GUEST_FIXTURE_DIR, FsPerms::ReadOnly)
                .map_err(|e| {
                    anyhow::Error::from(e)
                        .context(format!("opening the fixture folder {}", dir.display()))
                })?;
        }
        Ok(HostState {
            wasi: builder.build(),
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(memory_limit),
            stderr,
        })
    }

    /// The last lines the plugin wrote to stderr (e.g. a panic message), if any.
    pub fn stderr_tail(&self) -> Option<String> {
        let bytes = self.stderr.contents();
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let tail = lines[lines.len().saturating_sub(5)..].join("\n");
        (!tail.is_empty()).then_some(tail)
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
