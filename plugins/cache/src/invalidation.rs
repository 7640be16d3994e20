//! Dependency (tag) invalidation of derived views through a reverse index.

use wasmbench_sdk::Params;

use crate::bench::{Strategy, capacity};
use crate::lru::Lru;
use crate::rng::SplitMix;
use crate::scenario::{Ctx, Scenario};

/// Dependency (tag) invalidation of derived entries.
///
/// There are `keys` views; view `v` is derived from 1 to 3 entities (always entity `v`, plus up to
/// two others chosen from the seed) and its value is the concatenation of their current values. A
/// read of key `k` reads view `k`: from an LRU of computed views, or, on a miss, computed from the
/// store's entities and cached. A write of key `k` updates entity `k` in the store and deletes every
/// cached view that depends on it, found through a reverse index entity → cached dependent views
/// (`invalidations` counts the deleted views).
///
/// The writes are exactly those of the other workloads, so the final store digest (`store_digest`)
/// equals theirs; the reads return views rather than single values, so the read digest, and with it
/// the checksum, differ. Staleness is checked per entity inside each view.
pub(crate) struct Invalidation {
    views: Lru<Vec<u8>>,
    /// Entities each view is derived from (view index → entity indices), fixed in setup.
    deps: Vec<Vec<u32>>,
    /// Entity → views currently cached that depend on it.
    dependents: Vec<Vec<u32>>,
}

impl Invalidation {
    /// Drops `view` from the reverse index of each of its entities.
    fn unindex(&mut self, view: u32) {
        for &entity in &self.deps[view as usize] {
            let list = &mut self.dependents[entity as usize];
            if let Some(at) = list.iter().position(|&v| v == view) {
                list.swap_remove(at);
            }
        }
    }
}

impl Strategy for Invalidation {
    const NAME: &'static str = "invalidation";
    const DESCRIPTION: &'static str = "cached views derived from 1-3 entities each; a write to an entity invalidates every cached view depending on it";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("capacity", "100"));
    const COUNTERS: &'static [&'static str] =
        &["l1_hits", "l1_misses", "evictions", "invalidations"];

    fn setup(params: &Params, scenario: &Scenario) -> Result<Self, String> {
        let keys = scenario.keys as u64;
        let mut rng = SplitMix(scenario.seed ^ 0xd1b5_4a32_d192_ed03);
        let deps = (0..keys)
            .map(|view| {
                let mut deps = vec![view as u32];
                for _ in 0..rng.next_u64() % 3 {
                    let entity = (rng.next_u64() % keys) as u32;
                    if !deps.contains(&entity) {
                        deps.push(entity);
                    }
                }
                deps
            })
            .collect();
        Ok(Invalidation {
            views: Lru::new(capacity(params)?),
            deps,
            dependents: vec![Vec::new(); scenario.keys],
        })
    }

    fn reset(&mut self) {
        self.views.clear();
        self.dependents.iter_mut().for_each(Vec::clear);
    }

    fn read(&mut self, ctx: &mut Ctx, view: u32) -> Result<Vec<u8>, String> {
        if let Some(value) = self.views.get(view) {
            ctx.c.l1_hits += 1;
            return Ok(value.clone());
        }
        ctx.c.l1_misses += 1;
        let mut value =
            Vec::with_capacity(ctx.scenario.value_size * self.deps[view as usize].len());
        for i in 0..self.deps[view as usize].len() {
            let entity = self.deps[view as usize][i];
            value.extend_from_slice(&ctx.store_get(entity)?);
        }
        if let Some((evicted, _)) = self.views.insert(view, value.clone()) {
            ctx.c.evictions += 1;
            self.unindex(evicted);
        }
        for &entity in &self.deps[view as usize] {
            self.dependents[entity as usize].push(view);
        }
        Ok(value)
    }

    fn write(&mut self, ctx: &mut Ctx, entity: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(entity, &value);
        for view in std::mem::take(&mut self.dependents[entity as usize]) {
            if self.views.remove(view).is_some() {
                ctx.c.invalidations += 1;
            }
            self.unindex(view);
        }
        Ok(())
    }

    fn is_stale(&self, ctx: &Ctx, view: u32, value: &[u8]) -> Result<bool, String> {
        let deps = &self.deps[view as usize];
        if value.len() != deps.len() * ctx.scenario.value_size {
            return Err(format!(
                "view {view} has {} bytes, expected {}",
                value.len(),
                deps.len() * ctx.scenario.value_size
            ));
        }
        let mut stale = false;
        for (&entity, part) in deps.iter().zip(value.chunks(ctx.scenario.value_size)) {
            stale |= ctx.is_stale(entity, part)?;
        }
        Ok(stale)
    }
}
