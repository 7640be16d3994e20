//! The one place a call into the guest is put under a bench's limits: fuel and the epoch deadline
//! armed on the metered engine, the wait bounded at the deadline (plus a grace for a guest stuck in
//! a host function). Memory is the store's limiter, always on; on the timed engine, which has no
//! instrumentation, the worker supervisor enforces the deadline from outside the process. And the
//! one place a call's error becomes a status: which limit it hit, or a trap, or an error.

use std::time::{Duration, Instant};

use wasmtime::{Store, Trap, WasmBacktrace};

use crate::capability::command::CommandState;
use crate::capability::{DbLimit, HostState, StorageLimitExceeded};
use crate::engine::{EngineKind, HostMemoryExceeded, MemoryLimiter, Watched};
use crate::model::{Limits, MAX_PLUGIN_TEXT, Status};

/// Why a bench ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: Status,
    pub message: String,
}

impl Failure {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
        }
    }
}

/// Extra time the host waits past the deadline before abandoning a call stuck in a host function;
/// guest code itself is stopped at the deadline by epoch interruption (or by the supervisor).
pub(super) const HOST_GRACE: Duration = Duration::from_millis(50);

/// Puts a fresh store under its limits: the memory limiter always; on the metered engine, the watch
/// that checks the deadline and the host memory held at every epoch tick and times host calls.
pub(super) fn sandbox<S: Sandboxed>(store: &mut Store<S>, kind: EngineKind) {
    store.limiter(|s| s.limiter_mut());
    if kind == EngineKind::Metered {
        crate::engine::watch(store);
    }
}

/// Runs `call` on `store` under `limits`; returns the call's own result and how long it took, or
/// a `timeout` failure when it waited in the host past the deadline, or a `memory-limit` failure
/// when the host holds more for the plugin than its budget once the call is over.
pub(super) async fn within_limits<S: Sandboxed, R>(
    store: &mut Store<S>,
    kind: EngineKind,
    limits: &Limits,
    what: &str,
    call: impl AsyncFnOnce(&mut Store<S>) -> wasmtime::Result<R>,
) -> Result<(wasmtime::Result<R>, Duration), Failure> {
    if kind == EngineKind::Metered {
        store
            .set_fuel(limits.fuel)
            .map_err(|e| Failure::new(Status::Error, format!("{e:#}")))?;
        // The watch compares the clock with the deadline at every tick.
        store.data_mut().watch().deadline = Some(Instant::now() + limits.deadline);
        store.set_epoch_deadline(1);
    }
    let start = Instant::now();
    let result = tokio::time::timeout(limits.deadline + HOST_GRACE, call(store)).await;
    let elapsed = start.elapsed();
    if let Err(hit) = store.data_mut().watch().host_memory.check() {
        return Err(Failure::new(Status::MemoryLimit, format!("{what}: {hit}")));
    }
    match result {
        Ok(result) => Ok((result, elapsed)),
        Err(_) => Err(Failure::new(
            Status::Timeout,
            format!(
                "{what} passed the {} deadline while waiting in a host call",
                humantime::format_duration(limits.deadline)
            ),
        )),
    }
}

/// What [`classify`] and [`sandbox`] need of a store's data.
pub(super) trait Sandboxed: Watched {
    fn limiter(&self) -> &MemoryLimiter;
    fn limiter_mut(&mut self) -> &mut MemoryLimiter;
    /// The last lines the guest wrote to stderr, if any.
    fn stderr_tail(&self) -> Option<String>;
}

impl Sandboxed for HostState {
    fn limiter(&self) -> &MemoryLimiter {
        &self.limiter
    }
    fn limiter_mut(&mut self) -> &mut MemoryLimiter {
        &mut self.limiter
    }
    fn stderr_tail(&self) -> Option<String> {
        HostState::stderr_tail(self)
    }
}

impl Sandboxed for CommandState {
    fn limiter(&self) -> &MemoryLimiter {
        &self.limiter
    }
    fn limiter_mut(&mut self) -> &mut MemoryLimiter {
        &mut self.limiter
    }
    fn stderr_tail(&self) -> Option<String> {
        CommandState::stderr_tail(self)
    }
}

/// Turns an error from a call into the guest into a status and a message.
pub(super) fn classify<T: Sandboxed>(
    what: &str,
    error: wasmtime::Error,
    store: &Store<T>,
    limits: &Limits,
) -> Failure {
    let state = store.data();
    if let Some(hit) = state.limiter().limit_hit() {
        return Failure::new(Status::MemoryLimit, format!("{what}: {hit}"));
    }
    if let Some(hit) = error.downcast_ref::<StorageLimitExceeded>() {
        return Failure::new(Status::MemoryLimit, format!("{what}: {hit}"));
    }
    if let Some(hit) = error.downcast_ref::<HostMemoryExceeded>() {
        return Failure::new(Status::MemoryLimit, format!("{what}: {hit}"));
    }
    if let Some(hit) = error.downcast_ref::<DbLimit>() {
        let status = match hit {
            DbLimit::Memory { .. } => Status::MemoryLimit,
            DbLimit::Deadline | DbLimit::PoolExhausted { .. } => Status::Timeout,
        };
        return Failure::new(status, format!("{what}: {hit}"));
    }
    // The plugin's last words (e.g. a panic message) go right after the reason, before the backtrace.
    let with_stderr = |message: String| match state.stderr_tail().as_deref().map(clip) {
        Some(tail) => match message.split_once('\n') {
            Some((reason, rest)) => format!("{reason}\nplugin stderr: {tail}\n{rest}"),
            None => format!("{message}\nplugin stderr: {tail}"),
        },
        None => message,
    };
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Failure::new(
            Status::OutOfFuel,
            format!(
                "{what} used more than the fuel budget of {} per iteration",
                limits.fuel
            ),
        ),
        Some(Trap::Interrupt) => Failure::new(
            Status::Timeout,
            format!(
                "{what} passed the {} deadline",
                humantime::format_duration(limits.deadline)
            ),
        ),
        Some(_) => Failure::new(
            Status::Trap,
            with_stderr(format!("{what} trapped: {}", describe(&error))),
        ),
        None => Failure::new(
            Status::Error,
            with_stderr(format!("{what} failed: {}", describe(&error))),
        ),
    }
}

/// The error's causes on one line, then the wasm backtrace when there is one.
fn describe(error: &wasmtime::Error) -> String {
    let causes: Vec<String> = error
        .chain()
        .map(|cause| cause.to_string())
        .filter(|text| !text.starts_with("error while executing at wasm backtrace"))
        .collect();
    let mut text = causes.join(": ");
    if let Some(backtrace) = error.downcast_ref::<WasmBacktrace>() {
        text.push('\n');
        text.push_str(&backtrace.to_string());
    }
    text
}

/// A plugin's own text (an error message, its stderr) cut to [`MAX_PLUGIN_TEXT`] for a failure
/// message: results and the report stay readable whatever the plugin returns.
pub(super) fn clip(text: &str) -> String {
    crate::model::clip(text, MAX_PLUGIN_TEXT)
}
