//! A bench's instance whatever the plugin's kind: a component session (setup once, `run` per
//! iteration) or a core module's runs (a fresh instance per iteration). The passes in `bench`,
//! `ab` and `parallel` drive either through this.

use std::time::Duration;

use crate::capability::Lending;
use crate::engine::EngineKind;
use crate::model::Limits;
use crate::plugin::bindings::Param;

use super::command::CommandSession;
use super::limits::Failure;
use super::plugins::Pre;
use super::session::{Iteration, Measured, Session};

pub enum BenchSession {
    Component(Session),
    Command(CommandSession),
}

impl BenchSession {
    /// Instantiates the plugin in a fresh store; returns the session and the instantiation time.
    pub async fn open(
        pre: &Pre,
        kind: EngineKind,
        limits: Limits,
        lending: &Lending,
    ) -> Result<(Self, Duration), Failure> {
        Ok(match pre {
            Pre::Component(pre) => {
                let (session, elapsed) = Session::open(pre, kind, limits, lending).await?;
                (BenchSession::Component(session), elapsed)
            }
            Pre::Command(pre) => {
                let (session, elapsed) = CommandSession::open(pre, kind, limits).await?;
                (BenchSession::Command(session), elapsed)
            }
        })
    }

    /// Sets up `workload`: a component's `setup` call (measured), or, for a core module, the
    /// choice of the exported function each run calls (no guest code runs: `None`).
    pub async fn setup(
        &mut self,
        workload: &str,
        params: &[Param],
    ) -> Result<Option<Measured<()>>, Failure> {
        match self {
            BenchSession::Component(session) => session.setup(workload, params).await.map(Some),
            BenchSession::Command(session) => session.select(workload).map(|()| None),
        }
    }

    /// One iteration.
    pub async fn iterate(&mut self) -> Result<Iteration, Failure> {
        match self {
            BenchSession::Component(session) => session.iterate().await,
            BenchSession::Command(session) => session.iterate().await,
        }
    }

    /// Highest linear memory seen, bytes.
    pub fn peak_memory(&self) -> u64 {
        match self {
            BenchSession::Component(session) => session.peak_memory(),
            BenchSession::Command(session) => session.peak_memory(),
        }
    }

    /// A component's stdout (when kept) and stderr so far; core modules' output is checked
    /// against expected files instead.
    pub fn output(&self) -> Option<(Option<Vec<u8>>, Vec<u8>)> {
        match self {
            BenchSession::Component(session) => Some(session.output()),
            BenchSession::Command(_) => None,
        }
    }

    /// Ends the session (a component's teardown, under the same limits).
    pub async fn close(self) -> Result<(), Failure> {
        match self {
            BenchSession::Component(session) => session.close().await,
            BenchSession::Command(_) => Ok(()),
        }
    }
}
