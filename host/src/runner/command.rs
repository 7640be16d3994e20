//! Core modules in the sightglass convention: a WASI preview 1 command whose `_start` is one
//! iteration, on a fresh instance each time (a command runs once per instance). Only the span between
//! its `bench.start` and `bench.end` calls is timed and fuel-counted; the whole run stays under the
//! bench's fuel budget, memory limit and deadline. Output is checked against
//! `<stem>.stdout.expected` / `<stem>.stderr.expected` where they exist.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use wasmtime::{ExternType, Instance, InstancePre, Store};
use wasmtime_wasi::I32Exit;

use crate::capability::command::{CommandState, MarkerError};
use crate::engine::EngineKind;
use crate::input::Kind;
use crate::model::{Limits, Status, stable_hash};
use crate::plugin::bindings::{Outcome, WorkloadInfo};

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

/// `<stem>.stdout.expected` / `<stem>.stderr.expected` beside a module, when they exist.
#[derive(Debug, Default)]
pub struct ExpectedOutput {
    pub stdout: Option<ExpectedFile>,
    pub stderr: Option<ExpectedFile>,
}

#[derive(Debug)]
pub struct ExpectedFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

impl ExpectedOutput {
    /// Reads the expected-output files beside `module`, when they exist (each a regular file of at
    /// most 16 MiB, [`Kind::ExpectedOutput`]); the error names the file and the reason.
    pub fn read(module: &Path) -> Result<Self, String> {
        let read = |stream: &str| -> Result<Option<ExpectedFile>, String> {
            let path = module.with_extension(format!("{stream}.expected"));
            match crate::input::read(&path, Kind::ExpectedOutput) {
                Ok(bytes) => Ok(Some(ExpectedFile { path, bytes })),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        };
        Ok(ExpectedOutput {
            stdout: read("stdout")?,
            stderr: read("stderr")?,
        })
    }

    /// Fails with `wrong-output` when captured output differs from an expected file.
    fn check(&self, stdout: &[u8], stderr: &[u8]) -> Result<(), Failure> {
        for (name, expected, got) in [
            ("stdout", &self.stdout, stdout),
            ("stderr", &self.stderr, stderr),
        ] {
            let Some(expected) = expected else { continue };
            if let Some(difference) = first_difference(&expected.bytes, got) {
                let file = expected
                    .path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy();
                return Err(Failure::new(
                    Status::WrongOutput,
                    format!("{name} differs from {file}: {difference}"),
                ));
            }
        }
        Ok(())
    }
}

/// The longest line shown in an output difference.
const MAX_DIFF_LINE: usize = 120;

/// Where `got` first departs from `expected`, line by line: `None` when they are equal.
pub fn first_difference(expected: &[u8], got: &[u8]) -> Option<String> {
    if expected == got {
        return None;
    }
    let show = |line: Option<&[u8]>| match line {
        None => "end of output".to_string(),
        Some(line) => {
            let text = String::from_utf8_lossy(line);
            let mut shown: String = text.chars().take(MAX_DIFF_LINE).collect();
            if shown.len() < text.len() {
                shown.push('…');
            }
            format!("{shown:?}")
        }
    };
    let mut expected_lines = expected.split_inclusive(|&b| b == b'\n');
    let mut got_lines = got.split_inclusive(|&b| b == b'\n');
    let mut number = 1;
    loop {
        match (expected_lines.next(), got_lines.next()) {
            (Some(e), Some(g)) if e == g => number += 1,
            (e, g) => {
                // Lines equal but for a missing final newline show the same text: say so.
                let note = match (e, g) {
                    (Some(e), Some(g)) if e.trim_ascii_end() == g.trim_ascii_end() => {
                        " (they differ in line ending)"
                    }
                    _ => "",
                };
                return Some(format!(
                    "first difference at line {number}: expected {}, got {}{note} ({} bytes expected, {} got)",
                    show(e.map(trim_newline)),
                    show(g.map(trim_newline)),
                    expected.len(),
                    got.len()
                ));
            }
        }
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\n").unwrap_or(line)
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
        // The whole run's host calls: the markers delimit guest time, not host calls.
        let host =
            (self.kind == EngineKind::Metered).then(|| store.data_mut().watch.take_host_calls());
        let state = store.data();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_output_has_no_difference() {
        assert_eq!(first_difference(b"a\nb\n", b"a\nb\n"), None);
        assert_eq!(first_difference(b"", b""), None);
    }

    #[test]
    fn the_first_differing_line_is_named() {
        let d = first_difference(b"one\ntwo\nthree\n", b"one\ntwo\n3\n").unwrap();
        assert!(
            d.starts_with("first difference at line 3: expected \"three\", got \"3\""),
            "{d}"
        );
        let d = first_difference(b"one\ntwo\n", b"one\n").unwrap();
        assert!(
            d.contains("line 2: expected \"two\", got end of output"),
            "{d}"
        );
        let d = first_difference(b"one\n", b"one").unwrap();
        assert!(d.contains("line ending"), "{d}");
        let long = "x".repeat(500);
        let d = first_difference(long.as_bytes(), b"y").unwrap();
        assert!(d.len() < 400, "{d}");
    }
}
