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
use crate::model::{Limit, LimitHit, LimitOrigins, LimitOwner, Limits, MAX_PLUGIN_TEXT, Status};

/// Why a bench ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: Status,
    pub message: String,
    /// The bench's limit it ran into, when that is why: [`Failure::advised`] then says where the
    /// limit was set and what to write instead.
    pub limit: Option<LimitHit>,
}

impl Failure {
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Failure {
            status,
            message: message.into(),
            limit: None,
        }
    }

    /// A failure that ran into the bench's `limit`.
    pub fn at_limit(status: Status, limit: LimitHit, message: impl Into<String>) -> Self {
        Failure {
            limit: Some(limit),
            ..Failure::new(status, message)
        }
    }

    /// The same failure with `prefix` before its message (`parallel pass (4 instances): `).
    pub fn prefixed(self, prefix: &str) -> Self {
        Failure {
            message: format!("{prefix}{}", self.message),
            ..self
        }
    }

    /// The message with what to change when the failure ran into a limit the suite can raise
    /// (where it was set, and a larger value), after its first sentence; unless the bench expects
    /// this status, where the limit did what it was set for.
    pub fn advised(
        mut self,
        limits: &Limits,
        origins: &LimitOrigins,
        owner: LimitOwner<'_>,
        expected: Status,
    ) -> Self {
        let Some(hit) = self.limit.take() else {
            return self;
        };
        if self.status == expected {
            return self;
        }
        let advice = format!(" ({})", hit.advice(limits, origins, owner));
        match self.message.find('\n') {
            Some(end) => self.message.insert_str(end, &advice),
            None => self.message.push_str(&advice),
        }
        self
    }
}

/// `file:line` of a `file:line:column` location (a bench's table, for [`Failure::advised`]).
pub(super) fn table_line(location: &str) -> &str {
    location
        .rsplit_once(':')
        .filter(|(_, column)| column.parse::<u32>().is_ok())
        .map_or(location, |(line, _)| line)
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
        return Err(Failure::at_limit(
            Status::MemoryLimit,
            LimitHit::of(Limit::Memory),
            format!("{what}: {hit}"),
        ));
    }
    match result {
        Ok(result) => Ok((result, elapsed)),
        Err(_) => Err(Failure::at_limit(
            Status::Timeout,
            LimitHit::of(Limit::Deadline),
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
    let memory = |asked: Option<u64>, hit: &dyn std::fmt::Display| {
        Failure::at_limit(
            Status::MemoryLimit,
            LimitHit {
                limit: Limit::Memory,
                asked,
            },
            format!("{what}: {hit}"),
        )
    };
    if let Some(hit) = state.limiter().limit_hit() {
        return memory(Some(hit.desired as u64), hit);
    }
    if let Some(hit) = error.downcast_ref::<StorageLimitExceeded>() {
        return memory(Some(hit.desired), hit);
    }
    if let Some(hit) = error.downcast_ref::<HostMemoryExceeded>() {
        return memory(None, hit);
    }
    if let Some(hit) = error.downcast_ref::<DbLimit>() {
        let message = format!("{what}: {hit}");
        return match hit {
            // `[db] memory`, which the message names.
            DbLimit::Memory { .. } => Failure::new(Status::MemoryLimit, message),
            DbLimit::Deadline => {
                Failure::at_limit(Status::Timeout, LimitHit::of(Limit::Deadline), message)
            }
            // The pool is too small for the instances: `[db] pool`, whose size the message gives.
            DbLimit::PoolExhausted { .. } => Failure::new(Status::Timeout, message),
        };
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
        Some(Trap::OutOfFuel) => Failure::at_limit(
            Status::OutOfFuel,
            LimitHit::of(Limit::Fuel),
            format!(
                "{what} used more than the fuel budget of {} per iteration",
                crate::model::grouped(limits.fuel)
            ),
        ),
        Some(Trap::Interrupt) => Failure::at_limit(
            Status::Timeout,
            LimitHit::of(Limit::Deadline),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LimitOrigin, WrittenKey};

    fn advised(failure: Failure, expected: Status) -> String {
        let mut origins = LimitOrigins::DEFAULT;
        origins.fuel = LimitOrigin::Own(WrittenKey {
            text: "fuel = 1000".into(),
            at: "s.toml:4".into(),
        });
        let limits = Limits {
            fuel: 1000,
            ..Limits::DEFAULT
        };
        let owner = LimitOwner {
            what: "bench",
            at: table_line("s.toml:2:1"),
        };
        failure.advised(&limits, &origins, owner, expected).message
    }

    #[test]
    fn the_advice_follows_the_first_line_and_only_for_a_limit_not_expected() {
        let fuel = |message: &str| {
            Failure::at_limit(Status::OutOfFuel, LimitHit::of(Limit::Fuel), message)
        };
        let advice = " (`fuel = 1000` at s.toml:4; raise it there, e.g. fuel = 10_000)";
        assert_eq!(
            advised(fuel("run used too much"), Status::Ok),
            format!("run used too much{advice}")
        );
        assert_eq!(
            advised(fuel("run used too much\nplugin stderr: x"), Status::Ok),
            format!("run used too much{advice}\nplugin stderr: x")
        );
        assert_eq!(
            advised(fuel("run used too much"), Status::OutOfFuel),
            "run used too much"
        );
        assert_eq!(
            advised(Failure::new(Status::OutOfFuel, "no limit"), Status::Ok),
            "no limit"
        );
        assert_eq!(table_line("dir/s.toml:12:3"), "dir/s.toml:12");
        assert_eq!(table_line("s.toml"), "s.toml");
    }
}
