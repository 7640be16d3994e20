//! `cache-aside`: a request handler whose in-guest cache starts cold and warms up as requests
//! arrive, so its latency drops over a load test's ramp.

use wasmbench_sdk::host::{self, Backend};
use wasmbench_sdk::{Outcome, Params, Workload, fnv1a};

use crate::lru::Lru;
use crate::rng::{SplitMix, Zipf};

/// The caching logic, apart from the host's store so it can be tested natively.
pub(crate) struct CacheAside {
    zipf: Zipf,
    rng: SplitMix,
    cache: Lru<Vec<u8>>,
}

/// What serving one request did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Served {
    pub(crate) key: u32,
    pub(crate) hit: bool,
    pub(crate) checksum: u64,
}

impl CacheAside {
    pub(crate) fn new(keys: usize, skew: f64, capacity: usize, seed: u64) -> Self {
        CacheAside {
            zipf: Zipf::new(keys, skew),
            rng: SplitMix(seed),
            cache: Lru::new(capacity),
        }
    }

    /// Serves the next request: draws its key, answers from the cache, or on a miss reads the value
    /// with `fetch` and caches it.
    pub(crate) fn serve(
        &mut self,
        fetch: impl FnOnce(u32) -> Result<Vec<u8>, String>,
    ) -> Result<Served, String> {
        let key = self.zipf.sample(&mut self.rng) as u32;
        let (hit, checksum) = match self.cache.get(key) {
            Some(value) => (true, checksum(key, value)),
            None => {
                let value = fetch(key)?;
                if !value.starts_with(&key.to_le_bytes()) {
                    return Err(format!(
                        "the store returned another key's value for `{}`",
                        name(key)
                    ));
                }
                let checksum = checksum(key, &value);
                self.cache.insert(key, value);
                (false, checksum)
            }
        };
        Ok(Served { key, hit, checksum })
    }
}

/// A response's checksum: its key and value.
fn checksum(key: u32, value: &[u8]) -> u64 {
    fnv1a(fnv1a(0, &key.to_le_bytes()), value)
}

/// The store key of key index `key`.
fn name(key: u32) -> String {
    format!("item:{key}")
}

/// `size` deterministic bytes for `key`: the key (u32 little-endian), then filler derived from it.
pub(crate) fn value(key: u32, size: usize) -> Vec<u8> {
    let mut value = key.to_le_bytes().to_vec();
    let mut rng = SplitMix(u64::from(key) ^ 0x6a09_e667_f3bc_c909);
    while value.len() < size {
        value.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    value.truncate(size);
    value
}

/// The workload: [`CacheAside`] over the host's simulated store, seeded with every key in setup.
pub(crate) struct CacheAsideBench {
    state: CacheAside,
}

impl Workload for CacheAsideBench {
    const NAME: &'static str = "cache-aside";
    const DESCRIPTION: &'static str = "one request per run: read one Zipf-skewed key (`skew`) of `keys` through an LRU of `capacity` entries that starts cold; a miss reads the host's store and fills the cache (counters `hit`/`miss`)";
    const UNIT: &'static str = "requests";
    const PARAMS: &'static [(&'static str, &'static str)] = &[
        ("keys", "10000"),
        ("skew", "1.0"),
        ("capacity", "1000"),
        ("value_size", "128"),
        ("seed", "1"),
    ];

    fn setup(params: &Params) -> Result<Self, String> {
        let (keys, skew) = crate::rng::key_space(params)?;
        let capacity = params.usize("capacity")?;
        if capacity == 0 {
            return Err("parameter `capacity` must be at least 1 entry".into());
        }
        let value_size = params.bytes("value_size")?;
        if !(4..=16 << 20).contains(&value_size) {
            return Err(format!(
                "parameter `value_size` must be between 4 bytes (the key) and 16 MiB, got {value_size}"
            ));
        }
        let seed = params.u64("seed")?;

        // The store is this instance's own; `load` is uncounted, so the run pays only for misses.
        let entries: Vec<(String, Vec<u8>)> = (0..keys as u32)
            .map(|key| (name(key), value(key, value_size as usize)))
            .collect();
        host::load(Backend::Store, &entries);
        Ok(CacheAsideBench {
            state: CacheAside::new(keys, skew, capacity, seed),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let served = self.state.serve(|key| {
            host::get(Backend::Store, &name(key))
                .ok_or_else(|| format!("the store has no `{}`, though setup loaded it", name(key)))
        })?;
        Ok(Outcome::new(served.checksum, 1)
            .counter("hit", u64::from(served.hit))
            .counter("miss", u64::from(!served.hit)))
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    /// Serves `n` requests from a fresh instance over an in-memory store; counts store reads.
    fn serve_n(n: usize, keys: usize, capacity: usize) -> (Vec<Served>, usize) {
        let mut state = CacheAside::new(keys, 1.0, capacity, 1);
        let mut fetches = 0;
        let served = (0..n)
            .map(|_| {
                state
                    .serve(|key| {
                        fetches += 1;
                        Ok(value(key, 32))
                    })
                    .unwrap()
            })
            .collect();
        (served, fetches)
    }

    #[test]
    fn misses_read_the_store_and_the_cache_warms_up() {
        let (served, fetches) = serve_n(20_000, 10_000, 1000);
        assert!(!served[0].hit, "the cache starts cold");
        assert_eq!(fetches, served.iter().filter(|s| !s.hit).count());
        assert!(served.iter().all(|s| (s.key as usize) < 10_000));
        let hit_rate =
            |part: &[Served]| part.iter().filter(|s| s.hit).count() as f64 / part.len() as f64;
        let (early, late) = (hit_rate(&served[..200]), hit_rate(&served[19_000..]));
        assert!(late > early + 0.2, "early {early}, late {late}");
    }

    #[test]
    fn same_seed_same_requests() {
        assert_eq!(serve_n(2000, 500, 50).0, serve_n(2000, 500, 50).0);
        let (served, _) = serve_n(2000, 500, 50);
        // A request's checksum is a function of its key, hit or miss.
        for s in &served {
            assert_eq!(s.checksum, checksum(s.key, &value(s.key, 32)));
        }
    }

    #[test]
    fn wrong_store_values_are_caught() {
        let mut state = CacheAside::new(10, 1.0, 4, 1);
        assert!(state.serve(|key| Ok(value(key + 1, 8))).is_err());
        assert!(state.serve(|_| Err("down".into())).is_err());
    }

    #[test]
    fn values_start_with_their_key() {
        assert_eq!(value(7, 4), 7u32.to_le_bytes());
        assert_eq!(value(7, 20).len(), 20);
        assert_eq!(value(7, 20), value(7, 20));
        assert_ne!(value(7, 20), value(8, 20));
    }
}
