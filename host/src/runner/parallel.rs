//! The parallel pass: N instances of a plugin, each in its own store on its own thread, run their
//! iterations at the same time; aggregate throughput is work done by all over the wall time of all.
//!
//! Units are summed with checked arithmetic: a total beyond `u64::MAX` (1.8·10^19) can only come
//! from a workload that misreports its work, and ends the bench with status `error` naming the
//! units it reported, rather than wrapping into a throughput that looks plausible and is wrong.

use std::sync::{Arc, Barrier};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::capability::{Lending, PoolWaits};
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
    /// Waits for a database connection during the pass (benches with a database only).
    pub pool_waits: Option<PoolWaits>,
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

/// `total + units`, or an `error` failure when the sum does not fit in a u64: `workload`, which
/// reported `per_iteration` units for an iteration, counts more than any work can (`over` says
/// which sum overflowed).
fn add_units(
    total: u64,
    units: u64,
    per_iteration: u64,
    workload: &str,
    over: &str,
) -> Result<u64, Failure> {
    total.checked_add(units).ok_or_else(|| {
        Failure::new(
            Status::Error,
            format!(
                "workload `{workload}` reported {per_iteration} units per iteration: the units of \
                 {over} exceed {} (the most a u64 holds); a units count that large is broken, so \
                 no throughput is computed",
                u64::MAX
            ),
        )
    })
}

/// Runs `spec.instances` instances concurrently, one thread each.
pub fn run_parallel(spec: ParallelSpec<'_>) -> Result<ParallelRun, Failure> {
    let n = spec.instances as usize;
    let waits_before = spec.lending.database.as_ref().map(|db| db.pool_waits());
    // Everyone (instances + this thread) meets twice: all set up, then go.
    let ready = Arc::new(Barrier::new(n + 1));
    let threads: Vec<_> = (0..n)
        .map(|index| spawn_instance(&spec, index, &ready))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::new(Status::Error, format!("starting instance threads: {e}")))?;
    ready.wait();
    let start = Instant::now();
    ready.wait();
    let joined = join_instances(threads, spec.workload);
    let elapsed = start.elapsed();
    let units = joined.map_err(|f| f.prefixed(&format!("parallel pass ({n} instances): ")))?;
    Ok(ParallelRun {
        elapsed,
        units,
        iterations: u64::from(spec.iterations) * n as u64,
        pool_waits: pool_waits_since(spec.lending, waits_before),
    })
}

/// An instance's thread: its units and the most units one iteration reported.
type InstanceThread = JoinHandle<Result<(u64, u64), Failure>>;

/// Starts instance `index` on its own thread, named for it.
fn spawn_instance(
    spec: &ParallelSpec<'_>,
    index: usize,
    ready: &Arc<Barrier>,
) -> std::io::Result<InstanceThread> {
    let (job, ready) = (InstanceJob::of(spec), ready.clone());
    std::thread::Builder::new()
        .name(format!("wasmbench-instance-{index}"))
        .spawn(move || job.run(index, &ready))
}

/// Waits for every instance: the units of all summed, or the first failure among them.
fn join_instances(threads: Vec<InstanceThread>, workload: &str) -> Result<u64, Failure> {
    let n = threads.len();
    let mut units = 0u64;
    let mut failure = None;
    for thread in threads {
        match thread.join() {
            Ok(Ok((done, largest))) => match add_units(
                units,
                done,
                largest,
                workload,
                &format!("all {n} instances"),
            ) {
                Ok(total) => units = total,
                Err(f) => failure = failure.or(Some(f)),
            },
            Ok(Err(f)) => failure = failure.or(Some(f)),
            Err(_) => {
                failure = failure.or(Some(Failure::new(
                    Status::Error,
                    "an instance thread panicked",
                )))
            }
        }
    }
    failure.map_or(Ok(units), Err)
}

/// The waits for a database connection since `before` (benches with a database only).
fn pool_waits_since(lending: &Lending, before: Option<PoolWaits>) -> Option<PoolWaits> {
    lending.database.as_ref().zip(before).map(|(db, before)| {
        let after = db.pool_waits();
        PoolWaits {
            waits: after.waits - before.waits,
            wait: after.wait.saturating_sub(before.wait),
        }
    })
}

/// What one instance's thread owns of the spec.
struct InstanceJob {
    pre: Pre,
    lending: Lending,
    limits: Limits,
    workload: String,
    params: Vec<Param>,
    warmup: u32,
    iterations: u32,
}

impl InstanceJob {
    /// The spec's parts, owned so a thread can take them.
    fn of(spec: &ParallelSpec<'_>) -> Self {
        InstanceJob {
            pre: spec.pre.clone(),
            lending: spec.lending.clone(),
            limits: spec.limits,
            workload: spec.workload.to_string(),
            params: spec.params.to_vec(),
            warmup: spec.warmup,
            iterations: spec.iterations,
        }
    }

    /// The instance's thread: set up, meet the others twice at `ready`, then run the timed
    /// iterations; its units and the most units one iteration reported.
    fn run(self, index: usize, ready: &Barrier) -> Result<(u64, u64), Failure> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Failure::new(Status::Error, format!("starting instance {index}: {e}")))?;
        runtime.block_on(async move {
            let prepared = self.prepare().await;
            // Meet the others at both barriers even after a failure, so nobody waits forever.
            ready.wait();
            ready.wait();
            let mut session = prepared?;
            let counted = self.iterate(&mut session).await?;
            let _ = session.close().await;
            Ok::<_, Failure>(counted)
        })
    }

    /// Opens the instance's session, sets the workload up and runs the warm-up iterations.
    async fn prepare(&self) -> Result<BenchSession, Failure> {
        let (mut session, _) =
            BenchSession::open(&self.pre, EngineKind::Timed, self.limits, &self.lending).await?;
        session.setup(&self.workload, &self.params).await?;
        for _ in 0..self.warmup {
            session.iterate().await?;
        }
        Ok(session)
    }

    /// The timed iterations: their units, and the most units one of them reported.
    async fn iterate(&self, session: &mut BenchSession) -> Result<(u64, u64), Failure> {
        let (mut units, mut largest) = (0u64, 0u64);
        for _ in 0..self.iterations {
            let done = session.iterate().await?.outcome.units;
            largest = largest.max(done);
            let over = "one instance's iterations";
            units = add_units(units, done, done, &self.workload, over)?;
        }
        Ok((units, largest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_sum_without_wrapping() {
        assert_eq!(add_units(1, 2, 2, "w", "x"), Ok(3));
        assert_eq!(add_units(u64::MAX - 1, 1, 1, "w", "x"), Ok(u64::MAX));
        let half = u64::MAX / 2 + 1;
        let f = add_units(half, half, half, "big", "all instances").unwrap_err();
        assert_eq!(f.status, Status::Error);
        assert!(
            f.message.contains("`big`")
                && f.message.contains(&format!("{half} units per iteration")),
            "{}",
            f.message
        );
    }
}
