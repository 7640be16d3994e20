//! The patterns with at most one cache: none, cache-aside and write-through.

use wasmbench_sdk::Params;

use crate::bench::{Strategy, capacity};
use crate::lru::Lru;
use crate::scenario::{Ctx, Scenario};

/// No cache: every read and write goes to the store.
pub(crate) struct NoCache;

impl Strategy for NoCache {
    const NAME: &'static str = "none";
    const DESCRIPTION: &'static str = "no cache: every read and every write goes to the store";
    const PARAMS: &'static [(&'static str, &'static str)] = params!();
    const COUNTERS: &'static [&'static str] = &[];

    fn setup(_: &Params, _: &Scenario) -> Result<Self, String> {
        Ok(NoCache)
    }

    fn reset(&mut self) {}

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        ctx.store_get(key)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        Ok(())
    }
}

/// A read through an in-plugin LRU: hit, or miss → store → fill. Shared by aside and write-through.
pub(crate) fn read_through(
    cache: &mut Lru<Vec<u8>>,
    ctx: &mut Ctx,
    key: u32,
) -> Result<Vec<u8>, String> {
    if let Some(value) = cache.get(key) {
        ctx.c.l1_hits += 1;
        return Ok(value.clone());
    }
    ctx.c.l1_misses += 1;
    let value = ctx.store_get(key)?;
    if cache.insert(key, value.clone()).is_some() {
        ctx.c.evictions += 1;
    }
    Ok(value)
}

/// Cache-aside: the application reads the cache first and fills it on a miss; a write goes to the
/// store and then deletes the cache entry, so the next read refetches it.
pub(crate) struct Aside {
    cache: Lru<Vec<u8>>,
}

impl Strategy for Aside {
    const NAME: &'static str = "aside";
    const DESCRIPTION: &'static str = "cache-aside: LRU of `capacity` entries; miss → store → fill; write → store, then invalidate the entry";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("capacity", "100"));
    const COUNTERS: &'static [&'static str] = &["l1_hits", "l1_misses", "evictions"];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        Ok(Aside {
            cache: Lru::new(capacity(params)?),
        })
    }

    fn reset(&mut self) {
        self.cache.clear();
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        read_through(&mut self.cache, ctx, key)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        self.cache.remove(key);
        Ok(())
    }
}

/// Write-through: a write updates the store and the cache together, so the cache never holds an
/// outdated entry and a read after a write hits.
pub(crate) struct WriteThrough {
    cache: Lru<Vec<u8>>,
}

impl Strategy for WriteThrough {
    const NAME: &'static str = "write-through";
    const DESCRIPTION: &'static str = "write-through: LRU of `capacity` entries; write → store and cache together; miss → store → fill";
    const PARAMS: &'static [(&'static str, &'static str)] = params!(("capacity", "100"));
    const COUNTERS: &'static [&'static str] = &["l1_hits", "l1_misses", "evictions"];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        Ok(WriteThrough {
            cache: Lru::new(capacity(params)?),
        })
    }

    fn reset(&mut self) {
        self.cache.clear();
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        read_through(&mut self.cache, ctx, key)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        if self.cache.insert(key, value).is_some() {
            ctx.c.evictions += 1;
        }
        Ok(())
    }
}
