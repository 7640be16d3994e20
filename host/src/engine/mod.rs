//! wasmtime engines for the two measurement passes, the epoch ticker that enforces the metered
//! engine's deadlines, the memory limiter, host memory accounting, and the on-disk compile cache.

mod cache;
mod host_calls;
pub mod host_memory;
mod limiter;
mod watch;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use wasmtime::{Config, Engine};

pub use cache::{
    Artifact, CacheEntry, CompileCache, Compiled, DEFAULT_MAX_BYTES, PruneRule, Pruned, hex,
    parse_size,
};
pub use host_calls::{GroupTally, HostCallNesting, HostCalls, ImportGroup};
pub use host_memory::HostMemoryExceeded;
pub use limiter::MemoryLimiter;
pub use watch::{StoreWatch, Watched, install as watch};

/// How often the epoch advances: how often the metered pass checks a call's deadline and the host
/// memory held for its plugin.
pub const EPOCH_TICK: Duration = Duration::from_millis(5);

/// Which pass an engine serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// Fuel metering and epoch checks: counts fuel per iteration, enforces the fuel budget and the
    /// deadline in-process. Too slow to time.
    Metered,
    /// No instrumentation at all (neither fuel nor epoch checks), so the code timed is the code
    /// users ship. Runs only in worker processes, whose supervisor enforces the deadline by
    /// killing a worker that makes no progress.
    Timed,
}

impl EngineKind {
    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Metered => "metered",
            EngineKind::Timed => "timed",
        }
    }

    /// The instrumentation compiled into this engine's code, for results.json.
    pub fn instrumentation(self) -> &'static [&'static str] {
        match self {
            EngineKind::Metered => &["fuel", "epochs"],
            EngineKind::Timed => &[],
        }
    }
}

/// The two engines and the thread that advances the metered engine's epochs.
pub struct Engines {
    metered: Engine,
    timed: Engine,
    ticker_stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl Engines {
    /// Both engines; `tick` starts the epoch ticker the metered engine's deadlines need (a worker,
    /// which only runs the uninstrumented engine, does without: no thread waking it every 5 ms).
    pub fn new(tick: bool) -> Result<Self> {
        let metered = Engine::new(&config(EngineKind::Metered))
            .map_err(|e| anyhow::Error::from(e).context("creating the metered engine"))?;
        let timed = Engine::new(&config(EngineKind::Timed))
            .map_err(|e| anyhow::Error::from(e).context("creating the timed engine"))?;
        let ticker_stop = Arc::new(AtomicBool::new(false));
        let ticker = if tick {
            let (metered, stop) = (metered.clone(), ticker_stop.clone());
            Some(
                std::thread::Builder::new()
                    .name("wasmbench-epoch".into())
                    .spawn(move || {
                        while !stop.load(Ordering::Relaxed) {
                            std::thread::sleep(EPOCH_TICK);
                            metered.increment_epoch();
                        }
                    })
                    .context("starting the epoch ticker thread")?,
            )
        } else {
            None
        };
        Ok(Engines {
            metered,
            timed,
            ticker_stop,
            ticker,
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

/// The configuration of each pass's engine.
pub fn config(kind: EngineKind) -> Config {
    // Epoch checks cost up to 1.8x on call- and loop-heavy code: only the metered pass has them.
    let metered = kind == EngineKind::Metered;
    instrumented_config(metered, metered)
}

/// An engine configuration with or without fuel metering and epoch checks (`benches/
/// engine_overhead.rs` measures each combination).
pub fn instrumented_config(fuel: bool, epochs: bool) -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(epochs);
    config.consume_fuel(fuel);
    config.cranelift_opt_level(wasmtime::OptLevel::Speed);
    config
}
