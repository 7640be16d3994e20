//! Caching patterns over the host's simulated backends: no cache, cache-aside, write-through,
//! write-behind, a two-level cache (in-plugin L1 over the remote cache as L2) and dependency-based
//! invalidation of derived entries.
//!
//! Every workload replays, each iteration, the same seeded sequence of `ops` operations over `keys`
//! keys: a Zipf-skewed key choice (exponent `skew`; 0 is uniform) and a read with probability
//! `read_ratio`, else a write of the key's next version. Before the sequence (not part of the work,
//! but inside the measured iteration) both backends are cleared, the store is seeded with version 0
//! of every key through the uncounted `load`, and the plugin's own caches are emptied. After it,
//! anything pending is flushed.
//!
//! What the comparison shows: the `store.*` / `remote_cache.*` counters the host adds (calls,
//! bytes, accounted latency) for the same logical work, and that every pattern stays correct:
//!
//! - Values are `value_size` deterministic bytes that begin with the key and version, so the plugin
//!   checks every value a read returns against the true latest version it tracks per key;
//!   `stale_reads` counts reads that returned an older version. It is 0 for every workload here.
//! - `none`, `aside`, `write-through`, `write-behind` and `two-level` end with the same store
//!   contents and read the same values, so their checksums (the store's digest combined with a
//!   digest of every value read, in order) are equal for the same params.
//! - `invalidation` reads derived "views" instead of keys, so its read digest and checksum differ;
//!   its writes are the same, so the store digest is the same. Every workload reports the store
//!   digest as the `store_digest` counter to make that comparison visible.
//!
//! Counters (where they apply): `reads`, `writes`, `l1_hits`, `l1_misses`, `l1_expired`, `l2_hits`,
//! `l2_misses`, `evictions`, `flushes`, `evicted_dirty`, `invalidations`, `stale_reads`,
//! `store_reads`, `store_writes` (the plugin's own count of store calls; the host's
//! `store.gets` / `store.puts` should agree) and `store_digest`.

// Before the modules: they use it, and a macro is in scope from its definition on.
/// Parameters every workload takes, followed by the workload's own.
macro_rules! params {
    ($(($name:literal, $value:literal)),* $(,)?) => {
        &[
            ("ops", "2000"),
            ("keys", "500"),
            ("skew", "1.0"),
            ("read_ratio", "0.9"),
            ("value_size", "128"),
            ("seed", "1"),
            $(($name, $value)),*
        ]
    };
}

mod bench;
mod invalidation;
use wasmbench_sdk::lru;
use wasmbench_sdk::rng;
mod scenario;
mod simple;
mod two_level;
mod value;
mod write_behind;

use bench::CacheBench;
use invalidation::Invalidation;
use simple::{Aside, NoCache, WriteThrough};
use two_level::TwoLevel;
use write_behind::WriteBehind;

wasmbench_sdk::register!(
    CacheBench<NoCache>,
    CacheBench<Aside>,
    CacheBench<WriteThrough>,
    CacheBench<WriteBehind>,
    CacheBench<TwoLevel>,
    CacheBench<Invalidation>,
);
