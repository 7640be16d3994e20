//! Both ends of a load worker: the child runs the scenario and writes [`LoadEvent`]s; the
//! supervisor follows them with a watchdog (the plugin may load slowly, instances start within
//! their deadlines, then progress arrives every half second until the end and the drain).

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Result;

use super::drive::{Sink, drive};
use super::job::{LoadEvent, LoadJob, LoadRun};
use crate::engine::host_memory::{self, budget_for};
use crate::engine::{CompileCache, EngineKind};
use crate::model::Status;
use crate::runner::Observer;
use crate::runner::Runner;
use crate::runner::limits::{Failure, HOST_GRACE};
use crate::runner::process;

/// Time a worker may take to load its plugin (a cache miss compiles, slowly in a debug build).
const STARTUP: Duration = Duration::from_secs(120);
/// Longest silence once the phases run: progress comes every half second.
const SILENCE: Duration = Duration::from_secs(10);
/// Room for the worker's own allocations (histograms, the timeline, queues).
const LOAD_BOOKKEEPING: u64 = 256 << 20;

/// What the supervisor sends a load worker: serialized as `runner::WorkerRequest::Load`, which the
/// worker reads every request as (the test below checks that the two agree); its own type, so this
/// side needs nothing of the module that dispatches, and no copy of the job.
#[derive(serde::Serialize)]
#[serde(rename_all = "kebab-case")]
enum Request<'a> {
    Load(&'a LoadJob),
}

/// The child's side: runs `job`, reporting on stdout.
pub fn serve(job: &LoadJob) -> Result<()> {
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let sink: Sink = Arc::new(move |event: &LoadEvent| {
        if let Ok(mut out) = out.lock()
            && let Ok(mut line) = serde_json::to_vec(event)
        {
            line.push(b'\n');
            let _ = out.write_all(&line);
            let _ = out.flush();
        }
    });
    let failed = |failure: Failure| LoadEvent::Failed {
        status: failure.status,
        message: failure.message,
        limit: failure.limit,
    };
    let mut runner = Runner::for_worker(
        CompileCache::new(job.cache_dir.clone()),
        job.lending.clone(),
    )?;
    let prepared = match runner.prepare(&job.wasm, EngineKind::Timed) {
        Ok((_, sha256)) if sha256 != job.sha256 => Err(Failure::new(
            Status::Error,
            format!(
                "{} changed while the suite ran (SHA-256 {sha256}, measured {})",
                job.wasm.display(),
                job.sha256
            ),
        )),
        Ok((prepared, _)) => Ok(prepared),
        Err(failure) => Err(failure),
    };
    let event = match prepared {
        Err(failure) => failed(failure),
        Ok(prepared) => {
            sink(&LoadEvent::Ready);
            host_memory::arm_ceiling(
                budget_for(job.limits.memory_bytes)
                    .saturating_mul(u64::from(job.pool))
                    .saturating_add(LOAD_BOOKKEEPING),
            );
            match drive(job, &prepared.pre, &runner.lending, sink.clone()) {
                Ok(run) => LoadEvent::Finished(Box::new(run)),
                Err(failure) => failed(failure),
            }
        }
    };
    sink(&event);
    // Instances stuck in a request end with the process.
    Ok(())
}

/// The supervisor's side: runs `job` in a fresh worker and follows it.
pub fn supervise(
    exe: &Path,
    job: &LoadJob,
    observer: &mut dyn Observer,
) -> Result<LoadRun, Failure> {
    let mut worker = process::Worker::<LoadEvent>::start(exe, &Request::Load(job))?;
    let deadline = job.limits.deadline + HOST_GRACE;
    let total: Duration = job.phases.iter().map(|p| p.duration).sum();
    // Loading, then each instance's instantiation, setup and warm-up (in parallel), each call
    // within its deadline.
    let mut allowance = STARTUP + deadline * (2 + job.warmup);
    let mut since = Instant::now();
    let mut end: Option<Instant> = None;
    loop {
        if crate::runner::interrupt::requested() {
            worker.kill();
            return Err(Failure::new(Status::Error, "interrupted"));
        }
        let now = Instant::now();
        let silent_too_long = now.duration_since(since) > allowance;
        if silent_too_long || end.is_some_and(|end| now > end) {
            worker.kill();
            return Err(Failure::new(
                Status::Timeout,
                format!(
                    "the load worker {} (its process was stopped)",
                    if end.is_some() {
                        "ran past the phases and the drain".to_string()
                    } else {
                        format!(
                            "made no progress in {}",
                            humantime::format_duration(allowance)
                        )
                    }
                ),
            ));
        }
        match worker.next(Duration::from_millis(50)) {
            process::Next::Nothing => continue,
            process::Next::Ended(failure) => return Err(failure),
            process::Next::Event(event) => {
                since = Instant::now();
                match event {
                    LoadEvent::Ready => {}
                    LoadEvent::Started => {
                        allowance = SILENCE;
                        end = Some(Instant::now() + total + deadline * 2 + SILENCE);
                    }
                    LoadEvent::Progress(progress) => observer.round_progress(&progress),
                    LoadEvent::Finished(run) => {
                        worker.kill();
                        return Ok(*run);
                    }
                    LoadEvent::Failed {
                        status,
                        message,
                        limit,
                    } => {
                        worker.kill();
                        return Err(Failure {
                            status,
                            message,
                            limit,
                        });
                    }
                }
            }
        }
    }
}
