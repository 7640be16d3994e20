//! One instance of a plugin in its own store, and every call into it made under the bench's limits:
//! fuel budget (metered engine), memory limit, and deadline (epoch checks on the metered engine, the
//! worker supervisor on the timed one, plus a host-side timeout for a guest parked in a host call).

use std::time::{Duration, Instant};

use wasmtime::component::ResourceAny;
use wasmtime::{Store, Trap, WasmBacktrace};

use crate::capability::command::CommandState;
use crate::capability::{HostState, Lending, StorageLimitExceeded};
use crate::engine::{EngineKind, MemoryLimiter, deadline_ticks};
use crate::plugin::bindings::{Counter, Outcome, Param, Plugin, PluginPre, WorkloadInfo};
use crate::results::Status;
use crate::suite::Limits;

/// Extra time the host waits past the deadline before abandoning a call stuck in a host function;
/// guest code itself is stopped at the deadline by epoch interruption.
pub(super) const HOST_GRACE: Duration = Duration::from_millis(50);

/// Most of a plugin's own text (an error message, its stderr) kept in a failure message: results
/// and the report stay readable whatever the plugin returns.
const MAX_PLUGIN_TEXT: usize = 4096;

/// Most counters one iteration may report, and the longest counter name: beyond these the plugin
/// is flooding the results, not measuring.
const MAX_COUNTERS: usize = 1024;
const MAX_COUNTER_NAME: usize = 256;

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

/// A value returned by a guarded call with what it cost.
pub struct Measured<T> {
    pub value: T,
    pub elapsed: Duration,
    /// Fuel used (metered engine only).
    pub fuel: Option<u64>,
}

/// One iteration's measurements.
pub struct Iteration {
    pub wall: Duration,
    pub fuel: Option<u64>,
    /// Linear memory after the iteration, bytes.
    pub memory: u64,
    pub outcome: Outcome,
}

pub struct Session {
    store: Store<HostState>,
    plugin: Plugin,
    bench: Option<ResourceAny>,
    kind: EngineKind,
    limits: Limits,
}

impl Session {
    /// Instantiates the plugin in a fresh store; returns the session and the instantiation time.
    pub async fn open(
        pre: &PluginPre<HostState>,
        kind: EngineKind,
        limits: Limits,
        lending: &Lending,
    ) -> Result<(Session, Duration), Failure> {
        let state = HostState::new(lending, limits.memory_bytes)
            .map_err(|e| Failure::new(Status::Error, format!("preparing the sandbox: {e:#}")))?;
        let mut store = Store::new(pre.engine(), state);
        store.limiter(|s| &mut s.limiter);
        // The start function and instantiation run under the same limits as an iteration.
        arm(&mut store, kind, &limits)?;
        let start = Instant::now();
        let result = tokio::time::timeout(
            limits.deadline + HOST_GRACE,
            pre.instantiate_async(&mut store),
        )
        .await;
        let elapsed = start.elapsed();
        let plugin = match result {
            Err(_) => return Err(timeout_in_host("instantiation", limits.deadline)),
            Ok(Err(e)) => return Err(classify("instantiation", e, &store, &limits)),
            Ok(Ok(plugin)) => plugin,
        };
        Ok((
            Session {
                store,
                plugin,
                bench: None,
                kind,
                limits,
            },
            elapsed,
        ))
    }

    /// The plugin's workload list.
    pub async fn workloads(&mut self) -> Result<Vec<WorkloadInfo>, Failure> {
        Ok(self
            .guarded("workloads()", async |store, plugin| {
                plugin
                    .wasmbench_plugin_workload()
                    .call_workloads(store)
                    .await
            })
            .await?
            .value)
    }

    /// Creates the bench resource for `workload`.
    pub async fn setup(
        &mut self,
        workload: &str,
        params: &[Param],
    ) -> Result<Measured<()>, Failure> {
        let measured = self
            .guarded("setup", async |store, plugin| {
                plugin
                    .wasmbench_plugin_workload()
                    .bench()
                    .call_setup(store, workload, params)
                    .await
            })
            .await?;
        match measured.value {
            Ok(bench) => {
                self.bench = Some(bench);
                Ok(Measured {
                    value: (),
                    elapsed: measured.elapsed,
                    fuel: measured.fuel,
                })
            }
            Err(message) => Err(Failure::new(
                Status::Error,
                format!("setup failed: {}", clip(&message)),
            )),
        }
    }

    /// Runs one iteration of the set-up bench.
    pub async fn iterate(&mut self) -> Result<Iteration, Failure> {
        let bench = self.bench.expect("setup succeeded before iterate");
        // Backend counters cover exactly one iteration.
        self.store.data_mut().backends.take_counters();
        let measured = self
            .guarded("run", async |store, plugin| {
                plugin
                    .wasmbench_plugin_workload()
                    .bench()
                    .call_run(store, bench)
                    .await
            })
            .await?;
        let mut outcome = measured.value.map_err(|message| {
            Failure::new(
                Status::Error,
                format!("run returned an error: {}", clip(&message)),
            )
        })?;
        check_counters(&outcome)?;
        // The `store.` / `remote_cache.` names belong to the host's own counts: a plugin can't
        // report (or spoof) them.
        outcome
            .counters
            .retain(|c| !c.name.starts_with("store.") && !c.name.starts_with("remote_cache."));
        let host_counters = self.store.data_mut().backends.take_counters();
        outcome.counters.extend(
            host_counters
                .into_iter()
                .map(|(name, value)| Counter { name, value }),
        );
        Ok(Iteration {
            wall: measured.elapsed,
            fuel: measured.fuel,
            memory: self.store.data().limiter.current() as u64,
            outcome,
        })
    }

    /// One `run` call straight through the bindings, none of the harness's bookkeeping around it:
    /// the baseline `benches/engine_overhead.rs` measures the harness's call path against, on the
    /// very same instance (so code and data layout are the same on both sides).
    pub async fn run_raw(&mut self) -> wasmtime::Result<u64> {
        let bench = self.bench.expect("setup succeeded before run_raw");
        let outcome = self
            .plugin
            .wasmbench_plugin_workload()
            .bench()
            .call_run(&mut self.store, bench)
            .await?;
        Ok(outcome.map_or(0, |o| o.checksum))
    }

    /// Linear memory the store holds now, and its peak.
    pub fn peak_memory(&self) -> u64 {
        self.store.data().limiter.peak() as u64
    }

    /// Drops the bench resource (the plugin's teardown), under the same limits.
    pub async fn close(mut self) -> Result<(), Failure> {
        if let Some(bench) = self.bench.take() {
            self.guarded("teardown", async |store, _| {
                bench.resource_drop_async(store).await
            })
            .await?;
        }
        Ok(())
    }

    async fn guarded<R>(
        &mut self,
        what: &str,
        call: impl AsyncFnOnce(&mut Store<HostState>, &Plugin) -> wasmtime::Result<R>,
    ) -> Result<Measured<R>, Failure> {
        if super::interrupt::requested() {
            return Err(Failure::new(
                Status::Error,
                format!("interrupted before {what}"),
            ));
        }
        let metered = self.kind == EngineKind::Metered;
        arm(&mut self.store, self.kind, &self.limits)?;
        let start = Instant::now();
        let result = tokio::time::timeout(
            self.limits.deadline + HOST_GRACE,
            call(&mut self.store, &self.plugin),
        )
        .await;
        let elapsed = start.elapsed();
        let fuel = if metered {
            Some(self.limits.fuel - self.store.get_fuel().unwrap_or(0))
        } else {
            None
        };
        match result {
            Err(_) => Err(timeout_in_host(what, self.limits.deadline)),
            Ok(Err(e)) => Err(classify(what, e, &self.store, &self.limits)),
            Ok(Ok(value)) => Ok(Measured {
                value,
                elapsed,
                fuel,
            }),
        }
    }
}

/// Arms a store's in-process limits before a call into the guest: on the metered engine the fuel
/// budget and the epoch deadline. The memory limit is the store's limiter, always on; the timed
/// engine has no instrumentation, so its deadline is the worker supervisor's (and the host-side
/// timeout around each call for a guest waiting in a host function).
pub(super) fn arm<T>(
    store: &mut Store<T>,
    kind: EngineKind,
    limits: &Limits,
) -> Result<(), Failure> {
    if kind == EngineKind::Metered {
        store
            .set_fuel(limits.fuel)
            .map_err(|e| Failure::new(Status::Error, format!("{e:#}")))?;
        store.set_epoch_deadline(deadline_ticks(limits.deadline));
    }
    Ok(())
}

pub(super) fn timeout_in_host(what: &str, deadline: Duration) -> Failure {
    Failure::new(
        Status::Timeout,
        format!(
            "{what} passed the {} deadline while waiting in a host call",
            humantime::format_duration(deadline)
        ),
    )
}

/// What [`classify`] needs to know about a store's data.
pub(super) trait Sandboxed {
    fn limiter(&self) -> &MemoryLimiter;
    /// The last lines the guest wrote to stderr, if any.
    fn stderr_tail(&self) -> Option<String>;
}

impl Sandboxed for HostState {
    fn limiter(&self) -> &MemoryLimiter {
        &self.limiter
    }
    fn stderr_tail(&self) -> Option<String> {
        HostState::stderr_tail(self)
    }
}

impl Sandboxed for CommandState {
    fn limiter(&self) -> &MemoryLimiter {
        &self.limiter
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

/// `text` cut to [`MAX_PLUGIN_TEXT`] bytes (on a character boundary), saying how much was cut.
pub(super) fn clip(text: &str) -> String {
    if text.len() <= MAX_PLUGIN_TEXT {
        return text.to_string();
    }
    let mut end = MAX_PLUGIN_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes cut)", &text[..end], text.len() - end)
}

/// Fails an iteration whose counters would flood the results.
fn check_counters(outcome: &Outcome) -> Result<(), Failure> {
    if outcome.counters.len() > MAX_COUNTERS {
        return Err(Failure::new(
            Status::Error,
            format!(
                "run returned {} counters; at most {MAX_COUNTERS} are allowed",
                outcome.counters.len()
            ),
        ));
    }
    if let Some(long) = outcome
        .counters
        .iter()
        .find(|c| c.name.len() > MAX_COUNTER_NAME)
    {
        return Err(Failure::new(
            Status::Error,
            format!(
                "run returned a counter name of {} bytes (`{}…`); at most {MAX_COUNTER_NAME} are allowed",
                long.name.len(),
                long.name.chars().take(40).collect::<String>()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(clip("short"), "short");
        let long = "é".repeat(MAX_PLUGIN_TEXT);
        let clipped = clip(&long);
        assert!(clipped.len() < MAX_PLUGIN_TEXT + 40, "{}", clipped.len());
        assert!(clipped.ends_with(&format!(
            "({} more bytes cut)",
            long.len() - MAX_PLUGIN_TEXT
        )));
    }
}
