//! Backends lent through the `host` WIT interface: a store (the system of record) and a remote
//! cache, each with counters that land in the results. Each is simulated in process with a latency
//! per call, or held by a real Redis server (`redis_backend.rs`) whose round trips are its latency.
//!
//! A simulated latency is either *accounted* (added to a counter, no waiting: fast, exactly
//! repeatable runs) or *slept* (the call really waits, so it shows in wall time). Results say which.

use std::collections::BTreeMap;
use std::time::Duration;

use super::redis_backend::RedisBackend;
use crate::model::{BackendsConfig, LatencyMode};
use crate::plugin::bindings::host::Backend;

#[derive(Debug, Default)]
struct Counters {
    gets: u64,
    hits: u64,
    puts: u64,
    deletes: u64,
    bytes_read: u64,
    bytes_written: u64,
    latency: Duration,
}

#[derive(Debug, Default)]
struct Simulated {
    data: BTreeMap<String, Vec<u8>>,
    counters: Counters,
    latency: Duration,
    /// Set when a Redis server holds this backend: `data` stays empty, calls go to the server.
    redis: Option<RedisBackend>,
}

/// Raised (as a trap) when a plugin asks the backends to hold more bytes than its budget: what the
/// host keeps on a plugin's behalf is bounded like the plugin's own memory.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "memory limit exceeded: the plugin asked the host's simulated backends to hold {}, over the {} limit",
    crate::model::size_over(*desired, *limit),
    crate::model::size(*limit)
)]
pub struct StorageLimitExceeded {
    pub desired: u64,
    pub limit: u64,
}

/// The backends of one store (one plugin instance).
#[derive(Debug)]
pub struct Backends {
    mode: LatencyMode,
    store: Simulated,
    remote_cache: Simulated,
    /// Bytes of keys and values held in both backends, and the most they may hold.
    held: u64,
    budget: u64,
}

impl Default for Backends {
    fn default() -> Self {
        Backends::new(&BackendsConfig::default(), u64::MAX)
    }
}

impl Backends {
    /// Backends that hold at most `budget` bytes of keys and values, on their Redis servers if the
    /// config names any.
    pub fn new(config: &BackendsConfig, budget: u64) -> Self {
        let backend = |name, latency, url: &Option<String>| Simulated {
            latency,
            redis: url.as_deref().map(|url| RedisBackend::new(name, url)),
            ..Default::default()
        };
        Backends {
            mode: config.mode,
            store: backend("store", config.store_latency, &config.store_redis),
            remote_cache: backend(
                "remote_cache",
                config.remote_cache_latency,
                &config.remote_cache_redis,
            ),
            held: 0,
            budget,
        }
    }

    /// Accounts for `added` bytes replacing `removed` ones, or refuses if that passes the budget.
    fn hold(&mut self, added: u64, removed: u64) -> Result<(), StorageLimitExceeded> {
        let desired = (self.held - removed.min(self.held)).saturating_add(added);
        if desired > self.budget {
            return Err(StorageLimitExceeded {
                desired,
                limit: self.budget,
            });
        }
        self.held = desired;
        Ok(())
    }

    fn entry_size(key: &str, value: &[u8]) -> u64 {
        (key.len() + value.len()) as u64
    }

    fn get_mut(&mut self, backend: Backend) -> &mut Simulated {
        match backend {
            Backend::Store => &mut self.store,
            Backend::RemoteCache => &mut self.remote_cache,
        }
    }

    /// Charges one call's latency: returns how long to sleep (slept mode) or accounts it.
    fn charge(&mut self, backend: Backend) -> Option<Duration> {
        let mode = self.mode;
        let b = self.get_mut(backend);
        b.counters.latency += b.latency;
        (mode == LatencyMode::Slept && !b.latency.is_zero()).then_some(b.latency)
    }

    /// The value of `key`, and how long to wait for it (slept mode). A Redis backend's round trip
    /// is its latency: already waited.
    pub fn get(
        &mut self,
        backend: Backend,
        key: &str,
    ) -> wasmtime::Result<(Option<Vec<u8>>, Option<Duration>)> {
        let (value, wait) = match &mut self.get_mut(backend).redis {
            Some(redis) => {
                let (value, took) = redis.get(key)?;
                self.get_mut(backend).counters.latency += took;
                (value, None)
            }
            None => {
                let wait = self.charge(backend);
                (self.get_mut(backend).data.get(key).cloned(), wait)
            }
        };
        let b = self.get_mut(backend);
        b.counters.gets += 1;
        if let Some(v) = &value {
            b.counters.hits += 1;
            b.counters.bytes_read += v.len() as u64;
        }
        Ok((value, wait))
    }

    /// Stores `value` at `key` (a trap past the budget), and how long to wait (slept mode).
    pub fn put(
        &mut self,
        backend: Backend,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Option<Duration>> {
        let replaced = self.size_of(backend, &key);
        self.hold(Self::entry_size(&key, &value), replaced)?;
        let b = self.get_mut(backend);
        b.counters.puts += 1;
        b.counters.bytes_written += value.len() as u64;
        match &mut b.redis {
            Some(redis) => {
                let took = redis.put(key, &value)?;
                b.counters.latency += took;
                Ok(None)
            }
            None => {
                b.data.insert(key, value);
                Ok(self.charge(backend))
            }
        }
    }

    /// Removes `key`: whether it was there, and how long to wait (slept mode).
    pub fn delete(
        &mut self,
        backend: Backend,
        key: &str,
    ) -> wasmtime::Result<(bool, Option<Duration>)> {
        let size = self.size_of(backend, key);
        let b = self.get_mut(backend);
        b.counters.deletes += 1;
        let (removed, wait) = match &mut b.redis {
            Some(redis) => {
                let (removed, took) = redis.delete(key)?;
                b.counters.latency += took;
                (removed, None)
            }
            None => {
                let removed = b.data.remove(key).is_some();
                (removed, self.charge(backend))
            }
        };
        if removed {
            self.held -= size.min(self.held);
        }
        Ok((removed, wait))
    }

    /// Bytes `key` holds in `backend` (0 when absent).
    fn size_of(&mut self, backend: Backend, key: &str) -> u64 {
        let b = self.get_mut(backend);
        match &b.redis {
            Some(redis) => redis.size_of(key),
            None => b.data.get(key).map_or(0, |v| Self::entry_size(key, v)),
        }
    }

    pub fn clear(&mut self, backend: Backend) -> wasmtime::Result<()> {
        let b = self.get_mut(backend);
        let size: u64 = match &mut b.redis {
            Some(redis) => {
                let size = redis.held_bytes();
                redis.clear()?;
                size
            }
            None => {
                let size = b.data.iter().map(|(k, v)| Self::entry_size(k, v)).sum();
                b.data.clear();
                size
            }
        };
        self.held -= size.min(self.held);
        Ok(())
    }

    /// Fills `backend` with `entries` (a trap past the budget). Setup: no latency is charged.
    pub fn load(
        &mut self,
        backend: Backend,
        entries: Vec<(String, Vec<u8>)>,
    ) -> wasmtime::Result<()> {
        for (key, value) in &entries {
            let replaced = self.size_of(backend, key);
            self.hold(Self::entry_size(key, value), replaced)?;
            if self.get_mut(backend).redis.is_none() {
                self.get_mut(backend)
                    .data
                    .insert(key.clone(), value.clone());
            }
        }
        if let Some(redis) = &mut self.get_mut(backend).redis {
            redis.load(&entries)?;
        }
        Ok(())
    }

    /// FNV-1a over every key and value in key order, with lengths so boundaries count: the same
    /// for the same contents, simulated or on a server.
    pub fn digest(&mut self, backend: Backend) -> wasmtime::Result<u64> {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &byte in bytes {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        let mut entry = |key: &str, value: &[u8]| {
            feed(&(key.len() as u64).to_le_bytes());
            feed(key.as_bytes());
            feed(&(value.len() as u64).to_le_bytes());
            feed(value);
        };
        let b = self.get_mut(backend);
        match &mut b.redis {
            Some(redis) => {
                for (key, value) in redis.contents()? {
                    entry(&key, &value);
                }
            }
            None => {
                for (key, value) in &b.data {
                    entry(key, value);
                }
            }
        }
        Ok(hash)
    }

    /// The counters since the last call, named `<backend>.<counter>`; backends not called are left out.
    pub fn take_counters(&mut self) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        for (name, b) in [
            ("store", &mut self.store),
            ("remote_cache", &mut self.remote_cache),
        ] {
            let c = std::mem::take(&mut b.counters);
            if c.gets + c.puts + c.deletes == 0 {
                continue;
            }
            out.extend([
                (format!("{name}.gets"), c.gets),
                (format!("{name}.hits"), c.hits),
                (format!("{name}.puts"), c.puts),
                (format!("{name}.deletes"), c.deletes),
                (format!("{name}.bytes_read"), c.bytes_read),
                (format!("{name}.bytes_written"), c.bytes_written),
                (format!("{name}.latency_ns"), c.latency.as_nanos() as u64),
            ]);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_charges_calls() {
        let mut b = Backends::new(
            &BackendsConfig {
                store_latency: Duration::from_millis(2),
                ..Default::default()
            },
            u64::MAX,
        );
        assert_eq!(
            b.put(Backend::Store, "a".into(), vec![1, 2, 3]).unwrap(),
            None,
            "accounted mode never sleeps"
        );
        assert_eq!(b.get(Backend::Store, "a").unwrap().0, Some(vec![1, 2, 3]));
        assert_eq!(b.get(Backend::Store, "b").unwrap().0, None);
        let counters: BTreeMap<_, _> = b.take_counters().into_iter().collect();
        assert_eq!(counters["store.gets"], 2);
        assert_eq!(counters["store.hits"], 1);
        assert_eq!(counters["store.puts"], 1);
        assert_eq!(counters["store.bytes_written"], 3);
        assert_eq!(counters["store.latency_ns"], 6_000_000);
        assert!(!counters.contains_key("remote_cache.gets"));
        assert!(
            b.take_counters().is_empty(),
            "counters restart after being taken"
        );
    }

    #[test]
    fn digest_depends_on_contents_only() {
        let mut a = Backends::default();
        let mut b = Backends::default();
        a.load(
            Backend::Store,
            vec![("x".into(), vec![1]), ("y".into(), vec![2])],
        )
        .unwrap();
        b.put(Backend::Store, "y".into(), vec![2]).unwrap();
        b.put(Backend::Store, "x".into(), vec![1]).unwrap();
        assert_eq!(
            a.digest(Backend::Store).unwrap(),
            b.digest(Backend::Store).unwrap()
        );
        b.put(Backend::Store, "x".into(), vec![9]).unwrap();
        assert_ne!(
            a.digest(Backend::Store).unwrap(),
            b.digest(Backend::Store).unwrap()
        );
    }

    #[test]
    fn held_bytes_are_bounded_by_the_budget() {
        let mut b = Backends::new(&BackendsConfig::default(), 100);
        // Overwriting, deleting and clearing give bytes back.
        for _ in 0..10 {
            b.put(Backend::Store, "k".into(), vec![0; 90]).unwrap();
        }
        assert!(b.put(Backend::RemoteCache, "j".into(), vec![0; 9]).is_err());
        assert!(b.delete(Backend::Store, "k").unwrap().0);
        b.put(Backend::RemoteCache, "j".into(), vec![0; 90])
            .unwrap();
        b.clear(Backend::RemoteCache).unwrap();
        let entry = |key: &str| (key.to_string(), vec![0; 49]);
        b.load(Backend::Store, vec![entry("a"), entry("b")])
            .unwrap();
        let err = b.load(Backend::Store, vec![entry("c")]).unwrap_err();
        let err = err
            .downcast_ref::<StorageLimitExceeded>()
            .expect("a storage limit");
        assert_eq!((err.desired, err.limit), (150, 100));
        assert!(
            err.to_string().starts_with("memory limit exceeded"),
            "{err}"
        );
    }
}
