//! Running a load scenario inside a worker process: a pool of instances (each its own store and
//! thread) takes requests from one bounded queue; a dispatcher puts them there at their intended
//! times (open model) or connections send them one after another (closed model); a collector
//! records every request and reports progress.
//!
//! Each request's intended start is fixed by the schedule, not by when an instance was free, so
//! latency measured from it includes the queueing an overloaded service causes (coordinated
//! omission corrected, as wrk2 does); latency from the actual start is kept beside it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};

use super::job::{LoadEvent, LoadJob, LoadRun};
use super::record::{Finished, Recorder, histogram, nanos, percentiles, record};
use super::schedule::{Arrivals, phase_at, phase_starts, rate_at};
use super::verdict::failing_early;
use crate::capability::Lending;
use crate::engine::EngineKind;
use crate::model::Status;
use crate::plugin::bindings::Param;
use crate::runner::instance::BenchSession;
use crate::runner::limits::Failure;
use crate::runner::observer::LoadProgress;
use crate::runner::plugins::Pre;
use crate::suite::LoadShape;

/// How often the collector reports progress and checks `abort_on_fail` thresholds.
const TICK: Duration = Duration::from_millis(500);

/// A request handed to the pool.
struct Request {
    intended: Instant,
    phase: usize,
    /// The closed model's connection waits for its request on this.
    reply: Option<Sender<()>>,
}

/// What the pool, dispatcher and connections tell the collector.
enum Note {
    Offered {
        phase: usize,
        at: Instant,
        dropped: bool,
    },
    Finished {
        phase: usize,
        intended: Instant,
        started: Instant,
        ended: Instant,
        failure: Option<String>,
    },
    /// An instance could not be restarted after a failure; the pool is one smaller.
    Lost(String),
    /// No more requests will be offered.
    ScheduleDone,
}

/// Where progress events go (the worker's stdout).
pub type Sink = Arc<dyn Fn(&LoadEvent) + Send + Sync>;

/// Runs the scenario; a failure to start the pool fails it as a whole.
pub fn drive(job: &LoadJob, pre: &Pre, lending: &Lending, sink: Sink) -> Result<LoadRun, Failure> {
    let (work, requests) = crossbeam_channel::bounded::<Request>(queue_len(job));
    let (notes, noted) = crossbeam_channel::unbounded::<Note>();
    start_pool(job, pre, lending, requests, &notes)?;

    let start = Instant::now();
    let total: Duration = job.phases.iter().map(|p| p.duration).sum();
    let stop = Arc::new(Stop::default());
    let collector = {
        let (job, stop, sink) = (job.clone(), stop.clone(), sink.clone());
        std::thread::Builder::new()
            .name("wasmbench-load-collector".into())
            .spawn(move || collect(&job, start, noted, &stop, &sink))
            .map_err(|e| Failure::new(Status::Error, format!("starting the collector: {e}")))?
    };
    sink(&LoadEvent::Started);
    let lag = offer(job, start, total, &work, &notes, &stop);
    // The phases ran their full length unless an abort or an interrupt stopped the schedule (the
    // dispatcher returns at the last arrival, which is before the end).
    let cut = stop.is_raised();
    let stopped_at = if cut {
        start.elapsed().min(total)
    } else {
        total
    };
    drop(work);
    let _ = notes.send(Note::ScheduleDone);
    drop(notes);
    let collected = collector
        .join()
        .map_err(|_| Failure::new(Status::Error, "the load collector panicked"))?;
    Ok(load_run(job, collected, stopped_at, lag))
}

/// How many requests the queue holds.
fn queue_len(job: &LoadJob) -> usize {
    match job.shape {
        LoadShape::Open { .. } => job.queue as usize,
        // Connections wait for their own request: at most one each is ever queued.
        LoadShape::Closed { connections, .. } => (job.queue.max(connections)) as usize,
    }
}

/// Starts the pool's instances, each on its own thread taking `requests`, and waits until every
/// one is set up and warmed up; the first that failed to start fails the pool.
fn start_pool(
    job: &LoadJob,
    pre: &Pre,
    lending: &Lending,
    requests: Receiver<Request>,
    notes: &Sender<Note>,
) -> Result<(), Failure> {
    let pool = job.pool as usize;
    let ready = Arc::new(Barrier::new(pool + 1));
    let failed_start = Arc::new(Mutex::new(Vec::<Failure>::new()));
    let params = crate::plugin::params(&job.params);
    for index in 0..pool {
        let instance = Instance {
            pre: pre.clone(),
            lending: lending.clone(),
            job: job.clone(),
            params: params.clone(),
        };
        let (requests, notes) = (requests.clone(), notes.clone());
        let (ready, failed_start) = (ready.clone(), failed_start.clone());
        // Not joined: an instance stuck in a request ends with the worker process.
        std::thread::Builder::new()
            .name(format!("wasmbench-load-{index}"))
            .spawn(move || instance.serve(requests, notes, ready, failed_start))
            .map_err(|e| Failure::new(Status::Error, format!("starting instance {index}: {e}")))?;
    }
    drop(requests);
    ready.wait();
    let first_failure = failed_start
        .lock()
        .ok()
        .and_then(|mut f| f.drain(..).next());
    match first_failure {
        Some(first) => Err(first.prefixed("starting the instance pool: ")),
        None => Ok(()),
    }
}

/// Offers the scenario's requests until the schedule ends or is stopped: the open model's
/// arrivals (how late their hand-offs were), or the closed model's connections.
fn offer(
    job: &LoadJob,
    start: Instant,
    total: Duration,
    work: &Sender<Request>,
    notes: &Sender<Note>,
    stop: &Stop,
) -> Option<crate::results::Percentiles> {
    match job.shape {
        LoadShape::Open { arrival } => dispatch(
            Arrivals::new(&job.phases, arrival),
            start,
            work,
            notes,
            stop,
        ),
        LoadShape::Closed { connections, think } => {
            let ends = ClosedEnds {
                total,
                drain: job.limits.deadline,
            };
            connect(job, connections, think, start, ends, work, notes, stop);
            None
        }
    }
}

/// The scenario's result from what the collector recorded, each phase judged on the time it ran
/// before `stopped_at`.
fn load_run(
    job: &LoadJob,
    (recorder, lost, aborted): (Recorder, Vec<String>, Option<String>),
    stopped_at: Duration,
    lag: Option<crate::results::Percentiles>,
) -> LoadRun {
    let starts = phase_starts(&job.phases);
    let phases = job
        .phases
        .iter()
        .zip(&starts)
        .enumerate()
        .map(|(index, (phase, start))| {
            // A phase an abort cut short is judged on the time it ran.
            let ran = stopped_at.saturating_sub(*start).min(phase.duration);
            recorder.phase_stats(index, ran.max(Duration::from_nanos(1)))
        })
        .collect();
    let (timeline, step) = recorder.timeline(stopped_at);
    LoadRun {
        phases,
        overall: recorder.overall_stats(stopped_at.max(Duration::from_nanos(1))),
        timeline,
        timeline_step_ns: nanos(step),
        schedule_lag: lag,
        aborted,
        lost,
    }
}

/// One instance of the pool.
struct Instance {
    pre: Pre,
    lending: Lending,
    job: LoadJob,
    params: Vec<Param>,
}

impl Instance {
    /// Opens, sets up and warms up an instance, meets the others, then serves requests until the
    /// queue closes. A request that trapped or hit a limit leaves the store unusable: the
    /// instance is opened again (as a crashed worker is restarted), and the time that takes
    /// counts against the requests waiting.
    fn serve(
        self,
        requests: Receiver<Request>,
        notes: Sender<Note>,
        ready: Arc<Barrier>,
        failed_start: Arc<Mutex<Vec<Failure>>>,
    ) {
        let fail_start = |failure: Failure| {
            if let Ok(mut failed) = failed_start.lock() {
                failed.push(failure);
            }
            ready.wait();
        };
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                return fail_start(Failure::new(
                    Status::Error,
                    format!("starting an instance: {e}"),
                ));
            }
        };
        runtime.block_on(async {
            let opened = async {
                let mut session = self.open().await?;
                for _ in 0..self.job.warmup {
                    session.iterate().await?;
                }
                Ok::<_, Failure>(session)
            }
            .await;
            let mut session = match opened {
                Ok(session) => session,
                Err(failure) => return fail_start(failure),
            };
            ready.wait();
            while let Ok(request) = requests.recv() {
                let started = Instant::now();
                let result = session.iterate().await;
                let ended = Instant::now();
                let (failure, broken) = match result {
                    Ok(_) if ended - started > self.job.limits.deadline => {
                        (Some(Status::Timeout.as_str().to_string()), false)
                    }
                    Ok(_) => (None, false),
                    Err(failure) => failure_kind(&failure),
                };
                let _ = notes.send(Note::Finished {
                    phase: request.phase,
                    intended: request.intended,
                    started,
                    ended,
                    failure,
                });
                if let Some(reply) = request.reply {
                    let _ = reply.send(());
                }
                if broken {
                    match self.open().await {
                        Ok(fresh) => session = fresh,
                        Err(failure) => {
                            let _ = notes.send(Note::Lost(format!(
                                "an instance could not restart after a failed request: {}",
                                failure.message
                            )));
                            return;
                        }
                    }
                }
            }
        })
    }

    async fn open(&self) -> Result<BenchSession, Failure> {
        let (mut session, _) =
            BenchSession::open(&self.pre, EngineKind::Timed, self.job.limits, &self.lending)
                .await?;
        session.setup(&self.job.workload, &self.params).await?;
        Ok(session)
    }
}

/// A failed request's kind, and whether its store must be replaced: a plugin's own error leaves
/// the instance usable; a trap or a limit does not.
fn failure_kind(failure: &Failure) -> (Option<String>, bool) {
    if failure.status == Status::Error && failure.message.starts_with("run returned an error") {
        (Some("error".into()), false)
    } else {
        (Some(failure.status.as_str().to_string()), true)
    }
}

/// The open model: each arrival at its intended time, into the queue or dropped when it is full.
/// Returns how late the hand-offs were.
fn dispatch(
    arrivals: Arrivals<'_>,
    start: Instant,
    work: &Sender<Request>,
    notes: &Sender<Note>,
    stop: &Stop,
) -> Option<crate::results::Percentiles> {
    let mut lag = histogram();
    // The default timer slack (50 µs) would add itself to every request's lateness at low rates.
    crate::capability::precise::tighten_timer_slack();
    for (offset, phase) in arrivals {
        if stop.is_raised() {
            break;
        }
        let intended = start + offset;
        let now = Instant::now();
        if intended > now {
            std::thread::sleep(intended - now);
        }
        let dispatched = Instant::now();
        record(
            &mut lag,
            nanos(dispatched.saturating_duration_since(intended)),
        );
        let request = Request {
            intended,
            phase,
            reply: None,
        };
        let dropped = match work.try_send(request) {
            Ok(()) => false,
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => true,
        };
        let _ = notes.send(Note::Offered {
            phase,
            at: intended,
            dropped,
        });
    }
    percentiles(&lag)
}

/// When the closed model's connections stop sending, and how long they wait for a last answer.
struct ClosedEnds {
    total: Duration,
    drain: Duration,
}

/// The closed model: `connections` loops of send, wait, think, until the phases are over.
#[allow(clippy::too_many_arguments)]
fn connect(
    job: &LoadJob,
    connections: u32,
    think: Duration,
    start: Instant,
    ends: ClosedEnds,
    work: &Sender<Request>,
    notes: &Sender<Note>,
    stop: &Stop,
) {
    let starts = phase_starts(&job.phases);
    std::thread::scope(|scope| {
        for _ in 0..connections {
            let (work, notes, starts) = (work.clone(), notes.clone(), &starts);
            scope.spawn(move || {
                loop {
                    let intended = Instant::now();
                    let offset = intended - start;
                    if offset >= ends.total || stop.is_raised() {
                        return;
                    }
                    let phase = phase_at(starts, offset);
                    let (reply, answered) = crossbeam_channel::bounded(1);
                    let _ = notes.send(Note::Offered {
                        phase,
                        at: intended,
                        dropped: false,
                    });
                    let request = Request {
                        intended,
                        phase,
                        reply: Some(reply),
                    };
                    if work.send(request).is_err() {
                        return;
                    }
                    // An instance stuck in a request holds its connection only until the drain ends.
                    let give_up = start + ends.total + ends.drain;
                    if answered.recv_deadline(give_up).is_err() {
                        return;
                    }
                    // Thinking ends with the schedule: at its end, or when it is stopped.
                    if !think.is_zero() {
                        stop.wait_until((Instant::now() + think).min(start + ends.total));
                    }
                }
            });
        }
    });
}

/// The schedule's stop: raised by the collector for an abort (`abort_on_fail`) or an interrupt.
/// The dispatcher and the connections look at it before each request; a thinking connection
/// waits on it, so its think time ends when the schedule does.
#[derive(Default)]
struct Stop {
    raised: AtomicBool,
    /// Held while raising, and while a waiter checks before it waits: no wake-up is missed.
    lock: Mutex<()>,
    woken: Condvar,
}

impl Stop {
    /// Stops the schedule and wakes every connection waiting on it.
    fn raise(&self) {
        let _held = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.raised.store(true, Ordering::Relaxed);
        self.woken.notify_all();
    }

    /// Whether the schedule was stopped: an abort, or an interrupt (also seen before the
    /// collector raises the stop for it).
    fn is_raised(&self) -> bool {
        self.raised.load(Ordering::Relaxed) || crate::runner::interrupt::requested()
    }

    /// Waits until `until` or until the stop is raised, whichever comes first.
    fn wait_until(&self, until: Instant) {
        let mut held = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        while !self.is_raised() {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            held = match self.woken.wait_timeout(held, left) {
                Ok((held, _)) => held,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
    }
}

/// Records notes until the schedule is done and every request finished (or the drain, one
/// deadline long, ran out); reports progress every [`TICK`] and stops the schedule when an
/// `abort_on_fail` threshold fails.
fn collect(
    job: &LoadJob,
    start: Instant,
    noted: Receiver<Note>,
    stop: &Stop,
    sink: &Sink,
) -> (Recorder, Vec<String>, Option<String>) {
    let total: Duration = job.phases.iter().map(|p| p.duration).sum();
    let starts = phase_starts(&job.phases);
    let durations: Vec<Duration> = job.phases.iter().map(|p| p.duration).collect();
    let mut recorder = Recorder::new(&durations);
    let (mut lost, mut aborted) = (Vec::new(), None);
    let mut drain_until: Option<Instant> = None;
    let mut next_tick = start + TICK;
    let mut completed_at_tick = 0;
    let offset = |at: Instant| at.saturating_duration_since(start);
    loop {
        let wait = next_tick.saturating_duration_since(Instant::now());
        match noted.recv_timeout(wait) {
            Ok(Note::Offered { phase, at, dropped }) => {
                recorder.offered(phase, offset(at), dropped)
            }
            Ok(Note::Finished {
                phase,
                intended,
                started,
                ended,
                failure,
            }) => recorder.finished(Finished {
                phase,
                intended: offset(intended),
                started: offset(started),
                ended: offset(ended),
                failure,
            }),
            Ok(Note::Lost(message)) => lost.push(message),
            Ok(Note::ScheduleDone) => drain_until = Some(Instant::now() + job.limits.deadline),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let now = Instant::now();
        if let Some(until) = drain_until
            && (recorder.in_flight() == 0 || now >= until)
        {
            break;
        }
        if now < next_tick {
            continue;
        }
        next_tick = now + TICK;
        // An interrupt sets a flag no one waits on: the stop wakes the thinking connections.
        if crate::runner::interrupt::requested() && !stop.raised.load(Ordering::Relaxed) {
            stop.raise();
        }
        let elapsed = offset(now).min(total);
        let progress = progress(job, &recorder, &starts, elapsed, completed_at_tick);
        let phase = progress.phase;
        completed_at_tick = progress.completed;
        sink(&LoadEvent::Progress(progress));
        if job.abort_on_fail && aborted.is_none() && drain_until.is_none() {
            aborted = failing_threshold(job, &recorder, &starts, phase, elapsed);
            if aborted.is_some() {
                stop.raise();
                recorder.cut_short(elapsed);
            }
        }
    }
    recorder.unfinished();
    (recorder, lost, aborted)
}

/// The progress `elapsed` into the scenario (`completed_at_tick` requests had completed at the
/// previous tick).
fn progress(
    job: &LoadJob,
    recorder: &Recorder,
    starts: &[Duration],
    elapsed: Duration,
    completed_at_tick: u64,
) -> LoadProgress {
    let phase = phase_at(starts, elapsed);
    let (completed, failed, dropped) = recorder.totals();
    LoadProgress {
        phase,
        elapsed_ns: nanos(elapsed),
        rate: match job.shape {
            LoadShape::Open { .. } => rate_at(&job.phases[phase], elapsed - starts[phase]),
            LoadShape::Closed { .. } => 0.0,
        },
        throughput: (completed - completed_at_tick) as f64 / TICK.as_secs_f64(),
        in_flight: recorder.in_flight(),
        p99_ns: recorder.phase_p99(phase),
        completed,
        failed,
        dropped,
    }
}

/// Why `abort_on_fail` stops the scenario `elapsed` into it, in `phase`: a threshold of the
/// phase's, or an overall one, already failing.
fn failing_threshold(
    job: &LoadJob,
    recorder: &Recorder,
    starts: &[Duration],
    phase: usize,
    elapsed: Duration,
) -> Option<String> {
    let in_phase = elapsed - starts[phase];
    let phase_stats = recorder.phase_stats(phase, in_phase.max(TICK));
    let overall = recorder.overall_stats(elapsed.max(TICK));
    let failing = failing_early(&job.phases[phase].thresholds, &phase_stats)
        .map(|t| (t, job.phases[phase].name.as_str()))
        .or_else(|| failing_early(&job.thresholds, &overall).map(|t| (t, "overall")));
    failing.map(|(threshold, scope)| {
        format!(
            "threshold `{}` ({scope}) failed {} into the scenario; abort_on_fail stopped it",
            threshold.text,
            humantime::format_duration(Duration::from_millis(elapsed.as_millis() as u64))
        )
    })
}
