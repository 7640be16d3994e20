//! Core modules in the sightglass convention: a WASI preview 1 command whose `_start` is one
//! iteration, on a fresh instance each time (a command runs once per instance). Only the span between
//! its `bench.start` and `bench.end` calls is timed and fuel-counted; the whole run stays under the
//! bench's fuel budget, memory limit and deadline. Output is checked against the expected files
//! `runner::expected` finds.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use wasmtime::{ExternType, Instance, InstancePre, Store};
use wasmtime_wasi::I32Exit;

use crate::capability::command::{CommandState, MarkerError};
use crate::engine::EngineKind;
use crate::model::{Limits, Status, stable_hash};
use crate::plugin::bindings::{Outcome, WorkloadInfo};

use super::expected::ExpectedOutput;
use super::limits::{Failure, classify, clip, sandbox, within_limits};
use super::session::Iteration;

/// What one run of a core module counts as a unit of work.
pub const UNIT: &str = "runs";

/// A core module compiled and linked for one engine, with what its runs are checked against.
#[derive(Clone)]
pub struct CommandPre {
    pub pre: InstancePre<CommandState>,
    /// The module's folder: its working directory, pre-opened read-only as `.`.
    pub dir: PathBuf,
    /// The module's file name, its only argument (`argv[0]`).
    pub program: String,
    pub expected: Arc<ExpectedOutput>,
}

impl CommandPre {
    /// The functions a run can start from (exports of type `[] -> []`), as workloads.
    pub fn workloads(&self) -> Vec<WorkloadInfo> {
        let module = self.pre.module();
        module
            .exports()
            .filter(|export| match export.ty() {
                ExternType::Func(ty) => ty.params().len() == 0 && ty.results().len() == 0,
                _ => false,
            })
            .map(|export| WorkloadInfo {
                name: export.name().to_string(),
                description: if export.name() == crate::plugin::DEFAULT_ENTRY {
                    "one run of the WASI command (sightglass convention)".into()
                } else {
                    format!("one call of the exported function `{}`", export.name())
                },
                default_params: Vec::new(),
                unit: UNIT.into(),
            })
            .collect()
    }
}

/// Runs of one core module on one engine, each on a fresh instance.
pub struct CommandSession {
    pre: CommandPre,
    kind: EngineKind,
    limits: Limits,
    /// The exported function one run calls.
    entry: String,
    /// An instance made ahead of its run (the first one, by [`CommandSession::open`]).
    ready: Option<(Store<CommandState>, Instance)>,
    peak_memory: u64,
}

impl CommandSession {
    /// Makes the first instance; returns the session and the instantiation time.
    pub async fn open(
        pre: &CommandPre,
        kind: EngineKind,
        limits: Limits,
    ) -> Result<(Self, Duration), Failure> {
        let mut session = CommandSession {
            pre: pre.clone(),
            kind,
            limits,
            entry: crate::plugin::DEFAULT_ENTRY.to_string(),
            ready: None,
            peak_memory: 0,
        };
        let (ready, elapsed) = session.instantiate().await?;
        session.ready = Some(ready);
        Ok((session, elapsed))
    }

    /// Chooses the exported function each run calls (`_start` unless the suite names another).
    pub fn select(&mut self, entry: &str) -> Result<(), Failure> {
        let known = self.pre.workloads();
        if !known.iter().any(|w| w.name == entry) {
            return Err(Failure::new(
                Status::Error,
                format!(
                    "{} exports no function `{entry}` of type [] -> [] (it has: {})",
                    self.pre.program,
                    known
                        .iter()
                        .map(|w| w.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        self.entry = entry.to_string();
        Ok(())
    }

    /// Highest linear memory of any run so far, bytes.
    pub fn peak_memory(&self) -> u64 {
        self.peak_memory
    }

    async fn instantiate(
        &mut self,
    ) -> Result<((Store<CommandState>, Instance), Duration), Failure> {
        if super::interrupt::requested() {
            return Err(Failure::new(
                Status::Error,
                "interrupted before instantiation",
            ));
        }
        let limits = self.limits;
        let state = CommandState::new(&self.pre.dir, &self.pre.program, limits.memory_bytes)
            .map_err(|e| Failure::new(Status::Error, format!("preparing the sandbox: {e:#}")))?;
        let mut store = Store::new(self.pre.pre.module().engine(), state);
        sandbox(&mut store, self.kind);
        let pre = &self.pre.pre;
        let (result, elapsed) =
            within_limits(&mut store, self.kind, &limits, "instantiation", async |s| {
                pre.instantiate_async(s).await
            })
            .await?;
        self.peak_memory = self.peak_memory.max(store.data().limiter.peak() as u64);
        match result {
            Err(e) => Err(classify("instantiation", e, &store, &limits)),
            Ok(instance) => Ok(((store, instance), elapsed)),
        }
    }

    /// One run of the entry function on a fresh instance: the span between the markers, checked
    /// output, and a checksum of stdout.
    pub async fn iterate(&mut self) -> Result<Iteration, Failure> {
        let (mut store, instance) = match self.ready.take() {
            Some(ready) => ready,
            None => self.instantiate().await?.0,
        };
        if super::interrupt::requested() {
            return Err(Failure::new(
                Status::Error,
                format!("interrupted before `{}`", self.entry),
            ));
        }
        let what = format!("`{}`", self.entry);
        let func = instance
            .get_typed_func::<(), ()>(&mut store, &self.entry)
            .map_err(|e| Failure::new(Status::Error, format!("{what}: {e:#}")))?;
        let limits = self.limits;
        let result = within_limits(&mut store, self.kind, &limits, &what, async |s| {
            func.call_async(s, ()).await
        })
        .await
        .map_err(whole_run)?
        .0;
        let state = store.data();
        self.peak_memory = self.peak_memory.max(state.limiter.peak() as u64);
        match result {
            Ok(()) => {}
            Err(e) => match (e.downcast_ref::<I32Exit>(), e.downcast_ref::<MarkerError>()) {
                // `proc_exit(0)` is how many commands end.
                (Some(I32Exit(0)), _) => {}
                (Some(I32Exit(code)), _) => {
                    let mut message = format!("{what} exited with code {code}");
                    if let Some(tail) = state.stderr_tail() {
                        message.push_str(&format!("\nmodule stderr: {}", clip(&tail)));
                    }
                    return Err(Failure::new(Status::Error, message));
                }
                (None, Some(marker)) => {
                    return Err(Failure::new(Status::Error, format!("{what} {marker}")));
                }
                (None, None) => return Err(whole_run(classify(&what, e, &store, &limits))),
            },
        }
        let span = state
            .markers
            .span()
            .map_err(|marker| Failure::new(Status::Error, format!("{what} {marker}")))?;
        let (stdout, stderr) = (state.stdout(), state.stderr());
        self.pre.expected.check(&stdout, &stderr)?;
        // Host calls between the markers, like the fuel and the wall time.
        let host = (self.kind == EngineKind::Metered).then_some(span.host);
        Ok(Iteration {
            wall: span.wall,
            fuel: span.fuel,
            memory: state.limiter.current() as u64,
            host,
            outcome: Outcome {
                checksum: stable_hash(&stdout),
                units: 1,
                counters: Vec::new(),
            },
        })
    }
}

/// Says that a limit covers the whole run: only measurements are confined to the markers.
fn whole_run(mut failure: Failure) -> Failure {
    if matches!(failure.status, Status::OutOfFuel | Status::Timeout) {
        failure.message.push_str(
            " (the budget and the deadline cover the whole run, not only the span between \
             bench.start and bench.end)",
        );
    }
    failure
}
