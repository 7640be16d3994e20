//! The timed pass's call path, opened in-process for benchmarks of the harness itself
//! (`benches/engine_overhead.rs`): one plugin instance on the uninstrumented engine, set up, whose
//! [`TimedProbe::iterate`] is exactly what a worker does for one sample.

use std::path::Path;

use anyhow::{Result, anyhow};

use crate::engine::{CompileCache, EngineKind};
use crate::model::Limits;

use super::harness::Runner;
use super::instance::BenchSession;

pub struct TimedProbe {
    session: BenchSession,
    // The session's engine and linkers live in the runner.
    _runner: Runner,
}

impl TimedProbe {
    /// Compiles `wasm` for the timed engine, instantiates it and sets up `workload`.
    pub async fn open(
        wasm: &Path,
        workload: &str,
        params: &[(&str, &str)],
        limits: Limits,
    ) -> Result<Self> {
        let mut runner = Runner::for_worker(CompileCache::new(None), Default::default())?;
        let (prepared, _) = runner
            .prepare(wasm, EngineKind::Timed)
            .map_err(|f| anyhow!(f.message))?;
        let (mut session, _) =
            BenchSession::open(&prepared.pre, EngineKind::Timed, limits, &runner.lending)
                .await
                .map_err(|f| anyhow!(f.message))?;
        let params = crate::plugin::params(params.iter().copied());
        session
            .setup(workload, &params)
            .await
            .map_err(|f| anyhow!(f.message))?;
        Ok(TimedProbe {
            session,
            _runner: runner,
        })
    }

    /// One `run` call straight through the bindings on the same instance, without the harness's
    /// call path (a core module has no such call: its runs need fresh instances).
    pub async fn call_raw(&mut self) -> Result<u64> {
        match &mut self.session {
            BenchSession::Component(session) => {
                session.run_raw().await.map_err(anyhow::Error::from)
            }
            BenchSession::Command(_) => Err(anyhow!("a core module has no raw run call")),
        }
    }

    /// One sample as a worker takes it; returns the checksum.
    pub async fn iterate(&mut self) -> Result<u64> {
        let iteration = self
            .session
            .iterate()
            .await
            .map_err(|f| anyhow!(f.message))?;
        Ok(iteration.outcome.checksum)
    }
}
