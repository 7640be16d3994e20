//! The supervisor side: starts a worker for one execution, feeds it the job, and follows its
//! events with a watchdog. A worker silent for longer than the call it announced may take (its
//! deadlines plus a grace) is killed and the side in that call ends `timeout`; a worker that dies
//! ends its side with `error` and its last stderr lines. Either way only that bench is affected.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::protocol::{Event, Job, Request, Sample};
use crate::engine::host_memory::{HOST_MEMORY_EXIT, budget_for};
use crate::model::{Limit, LimitHit, Status};
use crate::runner::counters::CounterStats;
use crate::runner::limits::HOST_GRACE;
use crate::runner::limits::{Failure, clip};
use crate::runner::observer::{Observer, Phase};
use crate::runner::parallel::ParallelRun;
use crate::runner::process::{describe_exit, kill, read_lines, read_tail, spawn};

/// Time a worker may take to start and load its plugins before its first call (a cache miss
/// compiles, which a debug build of the host does slowly).
const STARTUP: Duration = Duration::from_secs(120);
/// Scheduling slack on top of a call's deadlines before the worker is deemed stuck.
const SLACK: Duration = Duration::from_millis(500);
/// How often the watchdog looks at the interrupt flag while it waits.
const POLL: Duration = Duration::from_millis(50);

/// What one side of an execution measured.
#[derive(Debug, Default)]
pub struct SideRecord {
    pub instantiate_ns: Option<u64>,
    pub setup_ns: Option<u64>,
    /// Iterations as they came, their counters moved into `counters` and `last_counters`.
    pub warmups: Vec<Sample>,
    pub samples: Vec<Sample>,
    /// The timed samples' counters, folded in as they arrive (no map kept per iteration).
    pub counters: CounterStats,
    /// The counters of the last iteration, warm-up or sample.
    pub last_counters: Option<BTreeMap<String, u64>>,
    pub peak_memory: u64,
    pub failure: Option<Failure>,
}

/// What one execution measured.
#[derive(Debug, Default)]
pub struct Execution {
    pub sides: Vec<SideRecord>,
    /// From spawning the worker to its plugins being loaded: the price of a fresh process.
    pub start_ns: Option<u64>,
    pub parallel: Option<Result<ParallelRun, Failure>>,
}

/// Runs `job` in a fresh worker process (`exe __worker`).
pub fn execute(exe: &Path, job: &Job, observer: &mut dyn Observer) -> Execution {
    let mut execution = Execution {
        sides: job.sides.iter().map(|_| SideRecord::default()).collect(),
        ..Execution::default()
    };
    if let Err(failure) = supervise(exe, job, &mut execution, observer) {
        // The worker as a whole failed: every side still running ends with it.
        for side in execution.sides.iter_mut().filter(|s| s.failure.is_none()) {
            side.failure = Some(failure.clone());
        }
    }
    execution
}

/// Where the worker is: which side's call runs, and how long it may take.
struct Watch {
    since: Instant,
    allowance: Duration,
    side: Option<usize>,
    what: String,
}

fn supervise(
    exe: &Path,
    job: &Job,
    execution: &mut Execution,
    observer: &mut dyn Observer,
) -> Result<(), Failure> {
    let spawned = Instant::now();
    let mut child = spawn(exe)?;
    let input = serde_json::to_vec(&Request::Execution(job))
        .map_err(|e| internal(format!("encoding the job: {e}")))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // The job is small; a worker that dies before reading it shows up as a closed stdout below.
    let _ = stdin.write_all(&input);
    drop(stdin);
    let events = read_lines::<Event>(child.stdout.take().expect("stdout is piped"));
    let stderr = read_tail(child.stderr.take().expect("stderr is piped"));

    let deadline = job.limits.deadline + HOST_GRACE;
    let mut progress = Progress {
        deadline,
        watch: Watch {
            since: Instant::now(),
            allowance: STARTUP + deadline,
            side: None,
            what: "loading the plugin".into(),
        },
        done: false,
        in_parallel: false,
        warmed: 0,
        samples_done: 0,
    };
    loop {
        if crate::runner::interrupt::requested() {
            kill(&mut child);
            return Err(Failure::new(Status::Error, "interrupted"));
        }
        let left = progress
            .watch
            .allowance
            .saturating_sub(progress.watch.since.elapsed());
        if left.is_zero() {
            kill(&mut child);
            let failure = overrun(job, &progress.watch);
            return blame(execution, &progress.watch, progress.in_parallel, failure);
        }
        let event = match events.recv_timeout(left.min(POLL)) {
            Ok(Ok(event)) => event,
            Ok(Err(bad)) => {
                kill(&mut child);
                return Err(internal(format!("the worker sent {bad}")));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        progress.take(event, job, spawned, execution, observer);
    }
    let status = child.wait();
    ended(status, stderr, job, execution, &progress)
}

/// The worker's stdout closed: fine after `Done`; otherwise why it ended early (interrupted, the
/// host's memory budget, or its exit and last words).
fn ended(
    status: std::io::Result<std::process::ExitStatus>,
    stderr: std::thread::JoinHandle<String>,
    job: &Job,
    execution: &mut Execution,
    progress: &Progress,
) -> Result<(), Failure> {
    if progress.done {
        return Ok(());
    }
    if crate::runner::interrupt::requested() {
        return Err(Failure::new(Status::Error, "interrupted"));
    }
    if matches!(&status, Ok(s) if s.code() == Some(HOST_MEMORY_EXIT)) {
        let failure = Failure::at_limit(
            Status::MemoryLimit,
            LimitHit::of(Limit::Memory),
            format!(
                "{}: host memory limit exceeded: the host held more for the plugin than its {} budget (its worker process was stopped)",
                progress.watch.what,
                crate::model::size(budget_for(job.limits.memory_bytes))
            ),
        );
        return blame(execution, &progress.watch, progress.in_parallel, failure);
    }
    let how = match status {
        Ok(status) => describe_exit(status),
        Err(e) => format!("could not be waited for ({e})"),
    };
    let tail = stderr.join().unwrap_or_default();
    let mut message = format!("the worker process {how} during {}", progress.watch.what);
    if !tail.trim().is_empty() {
        message.push_str(&format!("\nworker stderr: {}", clip(tail.trim())));
    }
    Err(Failure::new(Status::Error, message))
}

/// Why an execution was stopped when its watch ran out: a call past the deadline, or a worker
/// that made no progress between calls.
fn overrun(job: &Job, watch: &Watch) -> Failure {
    match watch.side {
        Some(_) => Failure::at_limit(
            Status::Timeout,
            LimitHit::of(Limit::Deadline),
            format!(
                "{} passed the {} deadline (its worker process was stopped)",
                watch.what,
                humantime::format_duration(job.limits.deadline)
            ),
        ),
        None => Failure::new(
            Status::Error,
            format!(
                "the worker process made no progress {} in {}",
                watch.what,
                humantime::format_duration(watch.allowance)
            ),
        ),
    }
}

/// What the supervisor knows of a running execution between the worker's events.
struct Progress {
    /// One call's deadline, with the host's grace.
    deadline: Duration,
    watch: Watch,
    done: bool,
    in_parallel: bool,
    warmed: u32,
    samples_done: u32,
}

impl Progress {
    // long: a match over every event the worker sends, each arm a few lines of bookkeeping.
    /// Takes in one event of the worker: the watch moves on, samples and failures land in
    /// `execution`, progress goes to `observer`.
    fn take(
        &mut self,
        event: Event,
        job: &Job,
        spawned: Instant,
        execution: &mut Execution,
        observer: &mut dyn Observer,
    ) {
        let sides = job.sides.len() as u32;
        match event {
            Event::Ready { .. } => {
                execution.start_ns = Some(spawned.elapsed().as_nanos() as u64);
            }
            Event::Begin { side, calls, what } => {
                self.watch = Watch {
                    since: Instant::now(),
                    allowance: self.deadline * calls + SLACK,
                    side: Some(side),
                    what,
                };
            }
            Event::ParallelStarted { calls } => {
                self.in_parallel = true;
                observer.progress(Phase::Parallel, 0, job.parallel.unwrap_or(0));
                self.watch = Watch {
                    since: Instant::now(),
                    allowance: self.deadline * calls + SLACK,
                    side: Some(0),
                    what: "the parallel pass".into(),
                };
            }
            Event::Instantiated { side, ns } => execution.sides[side].instantiate_ns = Some(ns),
            Event::SetUp { side, ns } => execution.sides[side].setup_ns = ns,
            Event::Warmed { side, mut sample } => {
                self.warmed += 1;
                observer.progress(Phase::Warmup, self.warmed, job.warmup * sides);
                let record = &mut execution.sides[side];
                record.peak_memory = record.peak_memory.max(sample.peak_memory);
                record.last_counters = Some(std::mem::take(&mut sample.counters));
                record.warmups.push(sample);
            }
            Event::Sample { side, mut sample } => {
                self.samples_done += 1;
                observer.progress(Phase::Time, self.samples_done, job.samples * sides);
                observer.sample(side, sample.wall_ns, sample.memory);
                let record = &mut execution.sides[side];
                record.peak_memory = record.peak_memory.max(sample.peak_memory);
                record.counters.add(&sample.counters);
                record.last_counters = Some(std::mem::take(&mut sample.counters));
                record.samples.push(sample);
            }
            Event::Parallel {
                elapsed_ns,
                units,
                iterations,
                pool_waits,
            } => {
                execution.parallel = Some(Ok(ParallelRun {
                    elapsed: Duration::from_nanos(elapsed_ns),
                    units,
                    iterations,
                    pool_waits: pool_waits.map(|(waits, ns)| crate::capability::PoolWaits {
                        waits,
                        wait: Duration::from_nanos(ns),
                    }),
                }))
            }
            Event::Failed {
                side,
                status,
                message,
                limit,
                peak_memory,
            } => {
                let failure = Failure {
                    status,
                    message,
                    limit,
                };
                if self.in_parallel {
                    execution.parallel = Some(Err(failure));
                } else {
                    let record = &mut execution.sides[side];
                    record.peak_memory = record.peak_memory.max(peak_memory);
                    record.failure.get_or_insert(failure);
                }
            }
            Event::Done => self.done = true,
        }
    }
}

/// Charges `failure` to whoever the worker was running: the parallel pass, one side, or (between
/// calls) the whole execution.
fn blame(
    execution: &mut Execution,
    watch: &Watch,
    in_parallel: bool,
    failure: Failure,
) -> Result<(), Failure> {
    match watch.side {
        // The parallel pass failing fails the bench, as it would in-process.
        Some(_) if in_parallel => {
            execution.parallel = Some(Err(failure));
            Ok(())
        }
        // Only the side in the call fails: the other side of an A/B job keeps the samples it has
        // and goes on alone in the next execution.
        Some(side) => {
            execution.sides[side].failure = Some(failure);
            Ok(())
        }
        None => Err(failure),
    }
}

fn internal(message: String) -> Failure {
    Failure::new(Status::Error, message)
}
