//! wasmtime engines for the two measurement passes, the epoch ticker that enforces deadlines, the
//! memory limiter, and the on-disk compile cache.

mod cache;
mod limiter;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use wasmtime::{Config, Engine};

pub use cache::{Artifact, CompileCache, Compiled, hex};
pub use limiter::MemoryLimiter;

/// How often the epoch advances; deadlines are rounded up to whole ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Which pass an engine serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// Fuel metering on: counts fuel per iteration and enforces the fuel budget. Too slow to time.
    Metered,
    /// No fuel instrumentation: only epoch checks, for the deadline. Wall time is measured here.
    Timed,
}

/// The two engines and the thread that advances their epochs.
pub struct Engines {
    metered: Engine,
    timed: Engine,
    ticker_stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl Engines {
    pub fn new() -> Result<Self> {
        let metered = Engine::new(&config(EngineKind::Metered))
            .map_err(|e| anyhow::Error::from(e).context("creating the metered engine"))?;
        let timed = Engine::new(&config(EngineKind::Timed))
            .map_err(|e| anyhow::Error::from(e).context("creating the timed engine"))?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let (metered, timed, stop) = (metered.clone(), timed.clone(), ticker_stop.clone());
            std::thread::Builder::new()
                .name("wasmbench-epoch".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(EPOCH_TICK);
                        metered.increment_epoch();
                        timed.increment_epoch();
                    }
                })
                .context("starting the epoch ticker thread")?
        };
        Ok(Engines {
            metered,
            timed,
            ticker_stop,
            ticker: Some(ticker),
        })
    }

    pub fn get(&self, kind: EngineKind) -> &Engine {
        match kind {
            EngineKind::Metered => &self.metered,
            EngineKind::Timed => &self.timed,
        }
    }
}

impl Drop for Engines {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
    }
}

/// Epoch ticks that cover `deadline` (at least one).
pub fn deadline_ticks(deadline: Duration) -> u64 {
    let ticks = deadline.as_nanos().div_ceil(EPOCH_TICK.as_nanos());
    u64::try_from(ticks).unwrap_or(u64::MAX).max(1)
}

fn config(kind: EngineKind) -> Config {
    // Every pass needs a wall-clock bound; epoch checks are the cheap way to interrupt guest code.
    instrumented_config(kind == EngineKind::Metered, true)
}

/// An engine configuration with or without fuel metering and epoch checks. The harness always uses
/// epochs; `benches/engine_overhead.rs` also measures an engine with neither, to size their cost.
pub fn instrumented_config(fuel: bool, epochs: bool) -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(epochs);
    config.consume_fuel(fuel);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    config
}
