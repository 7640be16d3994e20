//! What a core module in the sightglass convention is lent: WASI preview 1 with the module's own
//! folder pre-opened read-only as `.` (its working directory), stdout and stderr captured in memory,
//! and the `bench.start` / `bench.end` markers that delimit the measured span of a run.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;
use wasmtime::{Caller, Linker};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use crate::engine::{HostCalls, ImportGroup, MemoryLimiter, StoreWatch, Watched};

/// How much of a module's stdout / stderr is kept: the output check compares all of it, so a module
/// writing more than this fails (the write fails).
pub const OUTPUT_CAPTURE_BYTES: usize = 16 << 20;

/// The data of one store running a core module.
pub struct CommandState {
    wasi: WasiP1Ctx,
    pub limiter: MemoryLimiter,
    pub watch: StoreWatch,
    pub markers: Markers,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl CommandState {
    /// A sandbox with `dir` pre-opened read-only as `.`, `program` as the only argument, no
    /// environment, no network.
    pub fn new(dir: &Path, program: &str, memory_limit: u64) -> Result<Self> {
        let watch = StoreWatch::new(memory_limit);
        let stdout = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        let stderr = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        let mut builder = WasiCtxBuilder::new();
        builder
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .arg(program)
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            // File reads on the plugin's own thread, not a tokio blocking thread: handing every
            // read to another thread and waking this one again put whole executions of the
            // fs-read benches 2x slower on a 2-vCPU VM (a wake-up across vCPUs per read; see
            // docs/src/methodology/measurement.md), and a bare wasmtime does the same.
            .allow_blocking_current_thread(true);
        builder
            .preopened_dir(dir, ".", FsPerms::ReadOnly)
            .map_err(|e| {
                anyhow::Error::from(e)
                    .context(format!("opening the module's folder {}", dir.display()))
            })?;
        Ok(CommandState {
            wasi: builder.build_p1(),
            limiter: MemoryLimiter::new(memory_limit),
            watch,
            markers: Markers::default(),
            stdout,
            stderr,
        })
    }

    /// Everything the module wrote to stdout so far.
    pub fn stdout(&self) -> bytes::Bytes {
        self.stdout.contents()
    }

    /// Everything the module wrote to stderr so far.
    pub fn stderr(&self) -> bytes::Bytes {
        self.stderr.contents()
    }

    /// The last lines the module wrote to stderr, if any.
    pub fn stderr_tail(&self) -> Option<String> {
        super::store::last_lines(&self.stderr.contents())
    }
}

impl Watched for CommandState {
    fn watch(&mut self) -> &mut StoreWatch {
        &mut self.watch
    }
}

/// Adds WASI preview 1 and the `bench` markers to `linker`.
pub fn add_to_linker(linker: &mut Linker<CommandState>) -> Result<()> {
    wasmtime_wasi::p1::add_to_linker_async(linker, |state| {
        state.watch.calling(ImportGroup::WasiP1);
        &mut state.wasi
    })
    .map_err(anyhow::Error::from)?;
    linker
        .func_wrap(
            "bench",
            "start",
            |mut caller: Caller<'_, CommandState>| -> wasmtime::Result<()> {
                // Fuel is read first and the clock last, so the span holds as little host work as
                // possible.
                let fuel = caller.get_fuel().ok();
                let host = caller.data().watch.host_calls();
                let markers = &mut caller.data_mut().markers;
                markers.start(fuel, host).map_err(wasmtime::Error::new)?;
                markers.started_at = Some(Instant::now());
                Ok(())
            },
        )
        .map_err(anyhow::Error::from)?;
    linker
        .func_wrap(
            "bench",
            "end",
            |mut caller: Caller<'_, CommandState>| -> wasmtime::Result<()> {
                let now = Instant::now();
                let fuel = caller.get_fuel().ok();
                let host = caller.data().watch.host_calls();
                caller
                    .data_mut()
                    .markers
                    .end(now, fuel, host)
                    .map_err(wasmtime::Error::new)
            },
        )
        .map_err(anyhow::Error::from)?;
    Ok(())
}

/// A module that broke the marker protocol: `bench.start` then `bench.end`, once each, per run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkerError {
    #[error(
        "called bench.start a second time; each run must call bench.start and bench.end exactly once"
    )]
    StartTwice,
    #[error("called bench.end before bench.start; each run must call bench.start, then bench.end")]
    EndBeforeStart,
    #[error(
        "called bench.end a second time; each run must call bench.start and bench.end exactly once"
    )]
    EndTwice,
    #[error(
        "finished without calling bench.start; a module in the sightglass convention calls bench.start and bench.end around the work to measure"
    )]
    NeverStarted,
    #[error("called bench.start but finished without calling bench.end")]
    NeverEnded,
}

/// What the markers recorded during one run.
#[derive(Debug, Default)]
pub struct Markers {
    started_at: Option<Instant>,
    /// Fuel left when `bench.start` was called (metered engine only).
    start_fuel: Option<u64>,
    started: bool,
    end: Option<(Instant, Option<u64>)>,
    /// The store's host calls when each marker was called (counted on the metered engine only).
    host_at_start: HostCalls,
    host_at_end: HostCalls,
}

/// The measured span of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub wall: Duration,
    /// Fuel used between the markers (metered engine only).
    pub fuel: Option<u64>,
    /// Calls out of guest code between the markers (counted on the metered engine only).
    pub host: HostCalls,
}

impl Markers {
    fn start(&mut self, fuel: Option<u64>, host: HostCalls) -> Result<(), MarkerError> {
        if self.started {
            return Err(MarkerError::StartTwice);
        }
        self.started = true;
        self.start_fuel = fuel;
        self.host_at_start = host;
        Ok(())
    }

    fn end(&mut self, now: Instant, fuel: Option<u64>, host: HostCalls) -> Result<(), MarkerError> {
        if !self.started {
            return Err(MarkerError::EndBeforeStart);
        }
        if self.end.is_some() {
            return Err(MarkerError::EndTwice);
        }
        self.end = Some((now, fuel));
        self.host_at_end = host;
        Ok(())
    }

    /// The span between the markers, once the run is over.
    pub fn span(&self) -> Result<Span, MarkerError> {
        let (Some(started_at), Some((ended_at, end_fuel))) = (self.started_at, self.end) else {
            return Err(if self.started {
                MarkerError::NeverEnded
            } else {
                MarkerError::NeverStarted
            });
        };
        Ok(Span {
            wall: ended_at.saturating_duration_since(started_at),
            // Fuel left only goes down while the guest runs.
            fuel: self
                .start_fuel
                .zip(end_fuel)
                .map(|(start, end)| start.saturating_sub(end)),
            host: self.host_at_end.since(self.host_at_start),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_accept_one_start_then_one_end() {
        let mut m = Markers::default();
        let host = |calls, ms| {
            let mut host = HostCalls::default();
            host.record(ImportGroup::WasiP1, 0, Duration::from_millis(ms));
            for _ in 1..calls {
                host.record(ImportGroup::WasiP1, 0, Duration::ZERO);
            }
            host
        };
        m.start(Some(1000), host(3, 5)).unwrap();
        m.started_at = Some(Instant::now());
        m.end(Instant::now(), Some(900), host(10, 12)).unwrap();
        let span = m.span().unwrap();
        assert_eq!(span.fuel, Some(100));
        // Only the calls between the markers count.
        assert_eq!(span.host, host(7, 7));
    }

    #[test]
    fn markers_reject_every_other_order() {
        let mut m = Markers::default();
        assert_eq!(m.span(), Err(MarkerError::NeverStarted));
        assert_eq!(
            m.end(Instant::now(), None, HostCalls::default()),
            Err(MarkerError::EndBeforeStart)
        );
        m.start(None, HostCalls::default()).unwrap();
        assert_eq!(m.span(), Err(MarkerError::NeverEnded));
        assert_eq!(
            m.start(None, HostCalls::default()),
            Err(MarkerError::StartTwice)
        );
        m.started_at = Some(Instant::now());
        m.end(Instant::now(), None, HostCalls::default()).unwrap();
        assert_eq!(
            m.end(Instant::now(), None, HostCalls::default()),
            Err(MarkerError::EndTwice)
        );
        assert_eq!(
            m.start(None, HostCalls::default()),
            Err(MarkerError::StartTwice)
        );
    }
}
