//! Two levels: an in-plugin L1 with a TTL over the remote cache as L2 over the store.

use wasmbench_sdk::Params;
use wasmbench_sdk::host::{self, Backend};

use crate::bench::{Strategy, capacity};
use crate::lru::Lru;
use crate::scenario::{Ctx, Scenario};

/// Two levels: an in-plugin L1 (LRU, entries expire `ttl_ops` operations after they were filled)
/// over the remote cache as L2 over the store. A write goes to the store, then deletes the key from
/// L2 and L1.
pub(crate) struct TwoLevel {
    l1: Lru<(Vec<u8>, u64)>,
    ttl_ops: u64,
}

impl Strategy for TwoLevel {
    const NAME: &'static str = "two-level";
    const DESCRIPTION: &'static str = "L1 in-plugin LRU (`capacity`, TTL of `ttl_ops` operations) → L2 remote cache → store; write → store, then invalidate L2 and L1";
    const PARAMS: &'static [(&'static str, &'static str)] =
        params!(("capacity", "50"), ("ttl_ops", "200"));
    const COUNTERS: &'static [&'static str] = &[
        "l1_hits",
        "l1_misses",
        "l1_expired",
        "l2_hits",
        "l2_misses",
        "evictions",
    ];

    fn setup(params: &Params, _: &Scenario) -> Result<Self, String> {
        let ttl_ops = params.u64("ttl_ops")?;
        if ttl_ops == 0 {
            return Err("parameter `ttl_ops` must be at least 1 operation".into());
        }
        Ok(TwoLevel {
            l1: Lru::new(capacity(params)?),
            ttl_ops,
        })
    }

    fn reset(&mut self) {
        self.l1.clear();
    }

    fn read(&mut self, ctx: &mut Ctx, key: u32) -> Result<Vec<u8>, String> {
        match self.l1.get(key) {
            Some((value, expires)) if ctx.clock < *expires => {
                ctx.c.l1_hits += 1;
                return Ok(value.clone());
            }
            Some(_) => {
                ctx.c.l1_expired += 1;
                self.l1.remove(key);
            }
            None => {}
        }
        ctx.c.l1_misses += 1;
        let value = match host::get(Backend::RemoteCache, ctx.name(key)) {
            Some(value) => {
                ctx.c.l2_hits += 1;
                value
            }
            None => {
                ctx.c.l2_misses += 1;
                let value = ctx.store_get(key)?;
                host::put(Backend::RemoteCache, ctx.name(key), &value);
                value
            }
        };
        if self
            .l1
            .insert(key, (value.clone(), ctx.clock + self.ttl_ops))
            .is_some()
        {
            ctx.c.evictions += 1;
        }
        Ok(value)
    }

    fn write(&mut self, ctx: &mut Ctx, key: u32, value: Vec<u8>) -> Result<(), String> {
        ctx.store_put(key, &value);
        host::delete(Backend::RemoteCache, ctx.name(key));
        self.l1.remove(key);
        Ok(())
    }
}
