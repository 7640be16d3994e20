//! Write-behind (write-back): writes batched in the cache and flushed to the store.

use std::collections::BTreeSet;

use wasmbench_sdk::Params;
use wasmbench_sdk::host::{self, Backend};

use crate::bench::{Strategy, capacity};
use crate::lru::Lru;
use crate::scenario::{Ctx, Scenario};

/// Write-behind (write-back): a write only updates the cache and marks the key dirty; dirty keys go
/// to the store in one batch every `batch` writes (several writes to one key cost one store write)
/// and at the end of the iteration. Evicting a dirty entry writes it to the store first, so a miss
/// never reads an outdated value.
pub(crate) struct WriteBehind {
    cache: Lru<Vec<u8>>,
    dirty: BTreeSet<u32>,
    batch: u64,
    since_flush: u64,
}

impl WriteBehind {
    fn flush_dirty(&mut self, ctx: &mut Ctx) -> Result<(), String> {
        if self.dirty.is_empty() {
            return Ok(());
        }
        ctx.c.flushes += 1;
        for key in std::mem::take(&mut self.dirty) {
            let value = self.cache.peek(key).ok_or_else(|| {
                format!("dirty key `{}` is missing from the cache", ctx.name(key))
            })?;
            ctx.c.store_writes += 1;
            host::put(Backend::Store, ctx.name(key), value);
        }
        self.since_flush = 0;
        Ok(())
    }

    fn insert(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) {
        if let Some((old, old_value)) = self.cache.insert(key, value) {
            ctx.c.evictions += 1;
            if self.dirty.remove(&old) {
                ctx.c.evicted_dirty += 1;
                ctx.store_put(old, &old_value);
            }
        }
    }
}

impl Strategy for WriteBehind {
    const NAME: &'static str = "write-behind";
    const DESCRIPTION: &'static str = "write-behind: writes land in an LRU of `capacity` entries and a dirty set, persisted every `batch` writes and at the end";
    const PARAMS: &'static [(&'static str, &'static str)] =
        params!(("capacity", "100"), ("batch", "50"));
    const COUNTERS: &'static [&'static str] = &[
        "l1_hits",
        "l1_misses",
        "evictions",
        "flushes",
        "evicted_dirty",
    ];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        let batch = params.u64("batch")?;
        if batch == 0 {
            return Err("parameter `batch` must be at least 1 write".into());
        }
        Ok(WriteBehind {
            cache: Lru::new(capacity(params)?),
            dirty: BTreeSet::new(),
            batch,
            since_flush: 0,
        })
    }

    fn reset(&mut self) {
        self.cache.clear();
        self.dirty.clear();
        self.since_flush = 0;
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        // Dirty entries are always cached, so a hit may return a value the store doesn't have yet.
        if let Some(value) = self.cache.get(key) {
            ctx.c.l1_hits += 1;
            return Ok(value.clone());
        }
        ctx.c.l1_misses += 1;
        let value = ctx.store_get(key)?;
        self.insert(ctx, key, value.clone());
        Ok(value)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        self.insert(ctx, key, value);
        self.dirty.insert(key);
        self.since_flush += 1;
        if self.since_flush >= self.batch {
            self.flush_dirty(ctx)?;
        }
        Ok(())
    }

    fn flush(&mut self, ctx: &mut Ctx) -> Result<(), String> {
        self.flush_dirty(ctx)
    }
}
