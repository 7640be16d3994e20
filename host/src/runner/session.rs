//! One instance of a plugin in its own store, and every call into it made under the bench's limits:
//! fuel budget (metered engine), memory limit, and deadline (epoch checks on the metered engine, the
//! worker supervisor on the timed one, plus a host-side timeout for a guest parked in a host call).

use std::time::Duration;

use wasmtime::Store;
use wasmtime::component::ResourceAny;

use super::limits::{Failure, classify, clip, sandbox, within_limits};
use crate::capability::{HostState, Lending};
use crate::engine::{EngineKind, HostCalls};
use crate::model::{Limits, Status};
use crate::plugin::bindings::{Counter, Outcome, Param, Plugin, PluginPre, WorkloadInfo};

/// Most counters one iteration may report, and the longest counter name: beyond these the plugin
/// is flooding the results, not measuring.
const MAX_COUNTERS: usize = 1024;
const MAX_COUNTER_NAME: usize = 256;

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
    /// Calls into the host and the time spent there (metered engine only).
    pub host: Option<HostCalls>,
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
        Session::open_with(pre, kind, limits, lending, |_| {}).await
    }

    /// [`Session::open`], with `install` called on the fresh store before instantiation (the
    /// profiling pass's epoch callback and call hook).
    pub async fn open_with(
        pre: &PluginPre<HostState>,
        kind: EngineKind,
        limits: Limits,
        lending: &Lending,
        install: impl FnOnce(&mut Store<HostState>),
    ) -> Result<(Session, Duration), Failure> {
        let state = HostState::new(lending, limits.memory_bytes)
            .map_err(|e| Failure::new(Status::Error, format!("preparing the sandbox: {e:#}")))?;
        let mut store = Store::new(pre.engine(), state);
        sandbox(&mut store, kind);
        install(&mut store);
        // The start function and instantiation run under the same limits as an iteration.
        let (result, elapsed) =
            within_limits(&mut store, kind, &limits, "instantiation", async |s| {
                pre.instantiate_async(s).await
            })
            .await?;
        let plugin = result.map_err(|e| classify("instantiation", e, &store, &limits))?;
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
        // Backend counters and host calls cover exactly one iteration.
        self.store.data_mut().backends.take_counters();
        self.store.data_mut().db.take_counters();
        self.store.data_mut().watch.take_host_calls();
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
        // The `store.` / `remote_cache.` / `db.` / `http.` names belong to the host's own counts:
        // a plugin can't report (or spoof) them.
        outcome.counters.retain(|c| {
            !["store.", "remote_cache.", "db.", "http."]
                .iter()
                .any(|prefix| c.name.starts_with(prefix))
        });
        let state = self.store.data_mut();
        let mut host_counters = state.backends.take_counters();
        host_counters.extend(state.db.take_counters());
        host_counters.extend(state.http_policy.take_counters());
        outcome.counters.extend(
            host_counters
                .into_iter()
                .map(|(name, value)| Counter { name, value }),
        );
        let host = self.store.data_mut().watch.take_host_calls();
        Ok(Iteration {
            wall: measured.elapsed,
            fuel: measured.fuel,
            memory: self.store.data().limiter.current() as u64,
            host: (self.kind == EngineKind::Metered).then_some(host),
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
    /// The end of the plugin's stdout (when kept) and stderr so far.
    pub fn output(&self) -> (Option<Vec<u8>>, Vec<u8>) {
        self.store.data().output()
    }

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
        // A database statement the call makes is interrupted at the call's deadline.
        self.store
            .data_mut()
            .db
            .arm(std::time::Instant::now() + self.limits.deadline);
        let plugin = &self.plugin;
        let (result, elapsed) = within_limits(
            &mut self.store,
            self.kind,
            &self.limits,
            what,
            async |store| call(store, plugin).await,
        )
        .await?;
        let fuel = if metered {
            Some(self.limits.fuel - self.store.get_fuel().unwrap_or(0))
        } else {
            None
        };
        match result {
            Err(e) => Err(classify(what, e, &self.store, &self.limits)),
            Ok(value) => Ok(Measured {
                value,
                elapsed,
                fuel,
            }),
        }
    }
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
