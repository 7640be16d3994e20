//! The driver every cache pattern shares: a `Strategy` replayed over the scenario as a `Workload`.

use wasmbench_sdk::host::{self, Backend};
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

use crate::lru::NIL;
use crate::scenario::{BASE_COUNTERS, Counters, Ctx, Op, Scenario};
use crate::value::make_value;

/// One caching pattern. The driver ([`CacheBench`]) replays the operations and checks the reads.
pub(crate) trait Strategy: Sized + 'static {
    const NAME: &'static str;
    const DESCRIPTION: &'static str;
    const PARAMS: &'static [(&'static str, &'static str)];
    /// Counters reported besides [`BASE_COUNTERS`].
    const COUNTERS: &'static [&'static str];

    fn setup(params: &Params, scenario: &Scenario) -> Result<Self, String>;
    /// Empties the plugin's own caches (start of an iteration).
    fn reset(&mut self);
    /// Reads `key` (for `invalidation`: view `key`).
    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String>;
    /// Writes version `ctx.latest[key]` of `key`, whose bytes are `value`.
    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String>;
    /// Persists anything pending (end of an iteration).
    fn flush(&mut self, _ctx: &mut Ctx) -> Result<(), String> {
        Ok(())
    }
    /// Ok(true) if `value`, returned by a read of `key`, is stale.
    fn is_stale(&self, ctx: &Ctx, key: u32, value: &[u8]) -> Result<bool, String> {
        ctx.is_stale(key, value)
    }
}

/// Runs a [`Strategy`] over the scenario: the `Workload` every cache pattern shares.
pub(crate) struct CacheBench<S> {
    scenario: Scenario,
    strategy: S,
}

impl<S: Strategy> Workload for CacheBench<S> {
    const NAME: &'static str = S::NAME;
    const DESCRIPTION: &'static str = S::DESCRIPTION;
    const UNIT: &'static str = "ops";
    const PARAMS: &'static [(&'static str, &'static str)] = S::PARAMS;

    fn setup(params: &Params) -> Result<Self, String> {
        let scenario = Scenario::parse(params)?;
        let strategy = S::setup(params, &scenario)?;
        Ok(CacheBench { scenario, strategy })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let scenario = &self.scenario;
        host::clear(Backend::Store);
        host::clear(Backend::RemoteCache);
        host::load(Backend::Store, &scenario.initial);
        self.strategy.reset();

        let mut ctx = Ctx {
            scenario,
            latest: vec![0; scenario.keys],
            clock: 0,
            c: Counters::default(),
        };
        let mut reads_digest = 0;
        for (clock, &op) in scenario.ops.iter().enumerate() {
            ctx.clock = clock as u64;
            match op {
                Op::Read(key) => {
                    ctx.c.reads += 1;
                    let value = self.strategy.read(&mut ctx, key)?;
                    if self.strategy.is_stale(&ctx, key, &value)? {
                        ctx.c.stale_reads += 1;
                    }
                    reads_digest = fnv1a(reads_digest, &value);
                }
                Op::Write(key) => {
                    ctx.c.writes += 1;
                    let version = &mut ctx.latest[key as usize];
                    *version += 1;
                    let value = make_value(key, *version, scenario.value_size);
                    self.strategy.write(&mut ctx, key, value)?;
                }
            }
        }
        self.strategy.flush(&mut ctx)?;

        let store_digest = host::digest(Backend::Store);
        let checksum = fnv1a(store_digest, &reads_digest.to_le_bytes());
        let counters = BASE_COUNTERS.iter().chain(S::COUNTERS);
        let outcome = counters.fold(
            Outcome::new(checksum, scenario.ops.len() as u64),
            |o, &name| o.counter(name, ctx.c.get(name)),
        );
        Ok(outcome.counter("store_digest", store_digest))
    }
}

pub(crate) fn capacity(params: &Params) -> Result<usize, String> {
    let capacity = params.usize("capacity")?;
    if capacity == 0 || capacity >= NIL as usize {
        return Err(format!(
            "parameter `capacity` must be at least 1 entry, got {capacity}"
        ));
    }
    Ok(capacity)
}

// ---------------------------------------------------------------------------------------------
