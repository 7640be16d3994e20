//! The worker side: reads a [`Job`] from stdin, runs it on the uninstrumented engine, and reports
//! [`Event`]s on stdout. Events are buffered and flushed with each [`Event::Begin`], so an iteration
//! costs the worker one small write, made outside the timed span.

use std::io::{BufWriter, Write};
use std::time::Instant;

use anyhow::{Context, Result};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::protocol::{Event, Job, Sample};
use crate::capability::Lending;
use crate::engine::host_memory::{self, budget_for};
use crate::engine::{CompileCache, EngineKind};
use crate::model::Status;
use crate::runner::harness::Runner;
use crate::runner::instance::BenchSession;
use crate::runner::limits::Failure;
use crate::runner::parallel::{ParallelSpec, run_parallel};
use crate::runner::plugins::{Pre, Prepared};
use crate::runner::session::Iteration;

/// Room for the worker's own allocations once its plugins are loaded (event buffers, samples, the
/// runtime), on top of what its plugins may make it hold.
const WORKER_BOOKKEEPING: u64 = 64 << 20;

/// Runs the job on stdin, reporting on stdout. Errors here are the harness's own (a job it can't
/// read, a closed pipe); a plugin's failures are reported as [`Event::Failed`].
pub fn serve(job: &Job) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut out = Reporter {
        out: BufWriter::new(std::io::stdout().lock()),
    };
    runtime.block_on(run(job, &mut out))?;
    out.send(&Event::Done)?;
    out.flush()
}

struct Reporter<W: Write> {
    out: BufWriter<W>,
}

impl<W: Write> Reporter<W> {
    fn send(&mut self, event: &Event) -> Result<()> {
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.out.flush().context("writing to the supervisor")
    }

    /// Announces a call (and delivers what was buffered): the supervisor's clock starts now.
    fn begin(&mut self, side: usize, calls: u32, what: &str) -> Result<()> {
        self.send(&Event::Begin {
            side,
            calls,
            what: what.to_string(),
        })?;
        self.flush()
    }

    fn failed(&mut self, side: usize, failure: Failure, peak_memory: u64) -> Result<()> {
        self.send(&Event::Failed {
            side,
            status: failure.status,
            message: failure.message,
            limit: failure.limit,
            peak_memory,
        })
    }
}

/// One side's live instance.
struct Live {
    session: BenchSession,
    /// Deadlines one iteration may take: a core module's run is an instantiation and a call.
    calls: u32,
}

/// The job: its sides loaded, then opened, sampled in turn and torn down, then the parallel pass.
async fn run<W: Write>(job: &Job, out: &mut Reporter<W>) -> Result<()> {
    let start = Instant::now();
    let Some(lending) = database(job, out)? else {
        return Ok(());
    };
    let mut runner = Runner::for_worker(CompileCache::new(job.cache_dir.clone()), lending)?;
    let prepared = prepare_sides(job, &mut runner, out)?;
    out.send(&Event::Ready {
        load_ns: start.elapsed().as_nanos() as u64,
    })?;
    arm_memory_ceiling(job);

    let mut live: Vec<Option<Live>> = Vec::new();
    for (index, ready) in prepared.iter().enumerate() {
        let opened = match ready {
            Some(ready) => open(job, index, ready, &runner, out).await?,
            None => None,
        };
        live.push(opened);
    }
    timed_rounds(job, &mut live, out).await?;
    let parallel_side = live.first().is_some_and(Option::is_some);
    tear_down(live, out).await?;

    if let (Some(instances), true, Some(Some(ready))) =
        (job.parallel, parallel_side, prepared.first())
    {
        parallel_pass(job, instances, ready, &runner, out)?;
    }
    Ok(())
}

/// The execution's own fresh database, shared by its instances; `None` when it can't be prepared,
/// which every side reports as its failure.
fn database<W: Write>(job: &Job, out: &mut Reporter<W>) -> Result<Option<Lending>> {
    match job.lending.open_database(false) {
        Ok(lending) => Ok(Some(lending)),
        Err(e) => {
            for side in 0..job.sides.len() {
                let message = format!("preparing the bench database: {e:#}");
                out.failed(side, Failure::new(Status::Error, message), 0)?;
            }
            Ok(None)
        }
    }
}

/// Loads each side's plugin; a side that fails to load, or whose file changed since the suite
/// measured it, is reported and left `None`.
fn prepare_sides<W: Write>(
    job: &Job,
    runner: &mut Runner,
    out: &mut Reporter<W>,
) -> Result<Vec<Option<Prepared>>> {
    let mut prepared: Vec<Option<Prepared>> = Vec::new();
    for (index, side) in job.sides.iter().enumerate() {
        match runner.prepare(&side.wasm, EngineKind::Timed) {
            Ok((_, sha256)) if sha256 != side.sha256 => {
                out.failed(
                    index,
                    Failure::new(
                        Status::Error,
                        format!(
                            "{} changed while the suite ran (SHA-256 {sha256}, measured {})",
                            side.wasm.display(),
                            side.sha256
                        ),
                    ),
                    0,
                )?;
                prepared.push(None);
            }
            Ok((ready, _)) => prepared.push(Some(ready)),
            Err(failure) => {
                out.failed(index, failure, 0)?;
                prepared.push(None);
            }
        }
    }
    Ok(prepared)
}

/// From here on, what the process allocates is held for the plugins (and the samples): past
/// their budgets the allocator ends the process, which the supervisor reports as memory-limit.
fn arm_memory_ceiling(job: &Job) {
    let stores = (job.sides.len() as u64).max(job.parallel.map_or(1, u64::from));
    host_memory::arm_ceiling(
        budget_for(job.limits.memory_bytes)
            .saturating_mul(stores)
            .saturating_add(WORKER_BOOKKEEPING),
    );
}

/// The timed samples: each round runs every live side once, in an order drawn from the job's
/// seed; a side that fails is dropped, and the rounds end early when none is left.
async fn timed_rounds<W: Write>(
    job: &Job,
    live: &mut [Option<Live>],
    out: &mut Reporter<W>,
) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(job.order_seed);
    for _ in 0..job.samples {
        let order: &[usize] = match live.len() {
            1 => &[0],
            _ if rng.random_bool(0.5) => &[1, 0],
            _ => &[0, 1],
        };
        for &index in order {
            let Some(side) = live[index].as_mut() else {
                continue;
            };
            if !timed_iteration(index, side, out).await? {
                live[index] = None;
            }
        }
        if live.iter().all(Option::is_none) {
            break;
        }
    }
    Ok(())
}

/// Runs one timed iteration of side `index` and reports its sample, with the CPU wait read
/// around it, or its failure; whether the side is still live.
async fn timed_iteration<W: Write>(
    index: usize,
    side: &mut Live,
    out: &mut Reporter<W>,
) -> Result<bool> {
    out.begin(index, side.calls, "run")?;
    let waited_before = crate::runner::noise::cpu_wait_ns();
    let iteration = side.session.iterate().await;
    let cpu_wait_ns = waited_before
        .zip(crate::runner::noise::cpu_wait_ns())
        .map(|(before, after)| after.saturating_sub(before));
    let peak = side.session.peak_memory();
    match iteration {
        Ok(iteration) => {
            let sample = sample(iteration, peak);
            // The wait is read around the whole iteration, the wall time between the guest's
            // markers: a wait outside them (a few microseconds of host work) must not be charged
            // to a microsecond bench as more than its whole span.
            let cpu_wait_ns = cpu_wait_ns.map(|waited| waited.min(sample.wall_ns));
            out.send(&Event::Sample {
                side: index,
                sample: Sample {
                    cpu_wait_ns,
                    ..sample
                },
            })?;
            Ok(true)
        }
        Err(failure) => {
            out.failed(index, failure, peak)?;
            Ok(false)
        }
    }
}

/// Closes every live side, each under its own watch; a failed close is reported.
async fn tear_down<W: Write>(live: Vec<Option<Live>>, out: &mut Reporter<W>) -> Result<()> {
    for (index, side) in live.into_iter().enumerate() {
        let Some(side) = side else { continue };
        out.begin(index, 1, "teardown")?;
        let peak = side.session.peak_memory();
        if let Err(failure) = side.session.close().await {
            out.failed(index, failure, peak)?;
        }
    }
    Ok(())
}

/// The parallel pass on the first side's plugin: every instance sets up, warms up and runs its
/// iterations at once; reported as one event.
fn parallel_pass<W: Write>(
    job: &Job,
    instances: u32,
    ready: &Prepared,
    runner: &Runner,
    out: &mut Reporter<W>,
) -> Result<()> {
    out.send(&Event::ParallelStarted {
        calls: 2 + job.warmup + job.samples,
    })?;
    out.flush()?;
    let side = &job.sides[0];
    let parallel = run_parallel(ParallelSpec {
        pre: &ready.pre,
        lending: &runner.lending,
        limits: job.limits,
        workload: &side.workload,
        params: &crate::plugin::params(&side.params),
        instances,
        warmup: job.warmup,
        iterations: job.samples,
    });
    match parallel {
        Ok(run) => out.send(&Event::Parallel {
            elapsed_ns: run.elapsed.as_nanos() as u64,
            units: run.units,
            iterations: run.iterations,
            pool_waits: run.pool_waits.map(|w| (w.waits, w.wait.as_nanos() as u64)),
        }),
        Err(failure) => out.failed(0, failure, 0),
    }
}

/// Instantiates, sets up and warms up one side; `None` (reported) when any of it fails.
async fn open<W: Write>(
    job: &Job,
    index: usize,
    ready: &Prepared,
    runner: &Runner,
    out: &mut Reporter<W>,
) -> Result<Option<Live>> {
    let side = &job.sides[index];
    let calls = match ready.pre {
        Pre::Command(_) => 2,
        Pre::Component(_) => 1,
    };
    out.begin(index, 1, "instantiation")?;
    let (mut session, elapsed) = match BenchSession::open(
        &ready.pre,
        EngineKind::Timed,
        job.limits,
        &runner.lending,
    )
    .await
    {
        Ok(opened) => opened,
        Err(failure) => {
            out.failed(index, failure, 0)?;
            return Ok(None);
        }
    };
    out.send(&Event::Instantiated {
        side: index,
        ns: elapsed.as_nanos() as u64,
    })?;
    out.begin(index, 1, "setup")?;
    match session
        .setup(&side.workload, &crate::plugin::params(&side.params))
        .await
    {
        Ok(setup) => out.send(&Event::SetUp {
            side: index,
            ns: setup.map(|s| s.elapsed.as_nanos() as u64),
        })?,
        Err(failure) => {
            out.failed(index, failure, session.peak_memory())?;
            return Ok(None);
        }
    }
    for _ in 0..job.warmup {
        out.begin(index, calls, "run")?;
        let iteration = session.iterate().await;
        let peak = session.peak_memory();
        match iteration {
            Ok(iteration) => out.send(&Event::Warmed {
                side: index,
                sample: sample(iteration, peak),
            })?,
            Err(failure) => {
                out.failed(index, failure, peak)?;
                return Ok(None);
            }
        }
    }
    Ok(Some(Live { session, calls }))
}

fn sample(iteration: Iteration, peak_memory: u64) -> Sample {
    Sample {
        wall_ns: iteration.wall.as_nanos() as u64,
        memory: iteration.memory,
        peak_memory,
        checksum: iteration.outcome.checksum,
        units: iteration.outcome.units,
        counters: iteration
            .outcome
            .counters
            .into_iter()
            .map(|c| (c.name, c.value))
            .collect(),
        cpu_wait_ns: None,
    }
}
