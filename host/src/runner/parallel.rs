//! The parallel pass: N instances of a plugin, each in its own store on its own thread, run their
//! iterations at the same time; aggregate throughput is work done by all over the wall time of all.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::capability::Lending;
use crate::engine::EngineKind;
use crate::model::{Limits, Status};
use crate::plugin::bindings::Param;

use super::instance::BenchSession;
use super::limits::Failure;
use super::plugins::Pre;

/// What the parallel pass measured.
#[derive(Debug)]
pub struct ParallelRun {
    /// From the moment every instance was ready to the moment the last one finished.
    pub elapsed: Duration,
    /// Units of work done by all instances together.
    pub units: u64,
    /// Iterations done by all instances together.
    pub iterations: u64,
}

pub struct ParallelSpec<'a> {
    pub pre: &'a Pre,
    pub lending: &'a Lending,
    pub limits: Limits,
    pub workload: &'a str,
    pub params: &'a [Param],
    pub instances: u32,
    pub warmup: u32,
    pub iterations: u32,
}

/// Runs `spec.instances` instances concurrently, one thread each.
pub fn run_parallel(spec: ParallelSpec<'_>) -> Result<ParallelRun, Failure> {
    let n = spec.instances as usize;
    // Everyone (instances + this thread) meets twice: all set up, then go.
    let ready = Arc::new(Barrier::new(n + 1));
    let threads: Vec<_> = (0..n)
        .map(|index| {
            let (pre, lending, ready) = (spec.pre.clone(), spec.lending.clone(), ready.clone());
            let (workload, params) = (spec.workload.to_string(), spec.params.to_vec());
            let (limits, warmup, iterations) = (spec.limits, spec.warmup, spec.iterations);
            std::thread::Builder::new()
                .name(format!("wasmbench-instance-{index}"))
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| {
                            Failure::new(Status::Error, format!("starting instance {index}: {e}"))
                        })?;
                    runtime.block_on(async move {
                        let prepared = async {
                            let (mut session, _) =
                                BenchSession::open(&pre, EngineKind::Timed, limits, &lending)
                                    .await?;
                            session.setup(&workload, &params).await?;
                            for _ in 0..warmup {
                                session.iterate().await?;
                            }
                            Ok::<_, Failure>(session)
                        }
                        .await;
                        // Meet the others at both barriers even after a failure, so nobody waits forever.
                        ready.wait();
                        ready.wait();
                        let mut session = prepared?;
                        let mut units = 0;
                        for _ in 0..iterations {
                            units += session.iterate().await?.outcome.units;
                        }
                        let _ = session.close().await;
                        Ok::<_, Failure>(units)
                    })
                })
        })
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::new(Status::Error, format!("starting instance threads: {e}")))?;
    ready.wait();
    let start = Instant::now();
    ready.wait();
    let mut units = 0;
    let mut failure = None;
    for thread in threads {
        match thread.join() {
            Ok(Ok(done)) => units += done,
            Ok(Err(f)) => failure = failure.or(Some(f)),
            Err(_) => {
                failure = failure.or(Some(Failure::new(
                    Status::Error,
                    "an instance thread panicked",
                )))
            }
        }
    }
    let elapsed = start.elapsed();
    match failure {
        Some(f) => Err(Failure::new(
            f.status,
            format!("parallel pass ({n} instances): {}", f.message),
        )),
        None => Ok(ParallelRun {
            elapsed,
            units,
            iterations: u64::from(spec.iterations) * n as u64,
        }),
    }
}
