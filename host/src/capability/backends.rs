//! Simulated backends lent through the `host` WIT interface: a store (the system of record) and a
//! remote cache, each with a latency per call and counters that land in the results.
//!
//! Latency is either *accounted* (added to a counter, no waiting: fast, exactly repeatable runs) or
//! *slept* (the call really waits, so it shows in wall time). Results say which.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::plugin::bindings::host::Backend;

/// How a backend's latency is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyMode {
    /// Added to the `*.latency_ns` counters; the call returns at once.
    #[default]
    Accounted,
    /// The call sleeps for the latency.
    Slept,
}

/// Latency per call of each backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BackendsConfig {
    pub mode: LatencyMode,
    pub store_latency: Duration,
    pub remote_cache_latency: Duration,
}

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
}

/// The backends of one store (one plugin instance).
#[derive(Debug, Default)]
pub struct Backends {
    mode: LatencyMode,
    store: Simulated,
    remote_cache: Simulated,
}

impl Backends {
    pub fn new(config: &BackendsConfig) -> Self {
        Backends {
            mode: config.mode,
            store: Simulated {
                latency: config.store_latency,
                ..Default::default()
            },
            remote_cache: Simulated {
                latency: config.remote_cache_latency,
                ..Default::default()
            },
        }
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

    pub fn get(&mut self, backend: Backend, key: &str) -> (Option<Vec<u8>>, Option<Duration>) {
        let wait = self.charge(backend);
        let b = self.get_mut(backend);
        b.counters.gets += 1;
        let value = b.data.get(key).cloned();
        if let Some(v) = &value {
            b.counters.hits += 1;
            b.counters.bytes_read += v.len() as u64;
        }
        (value, wait)
    }

    pub fn put(&mut self, backend: Backend, key: String, value: Vec<u8>) -> Option<Duration> {
        let wait = self.charge(backend);
        let b = self.get_mut(backend);
        b.counters.puts += 1;
        b.counters.bytes_written += value.len() as u64;
        b.data.insert(key, value);
        wait
    }

    pub fn delete(&mut self, backend: Backend, key: &str) -> (bool, Option<Duration>) {
        let wait = self.charge(backend);
        let b = self.get_mut(backend);
        b.counters.deletes += 1;
        (b.data.remove(key).is_some(), wait)
    }

    pub fn clear(&mut self, backend: Backend) {
        self.get_mut(backend).data.clear();
    }

    pub fn load(&mut self, backend: Backend, entries: Vec<(String, Vec<u8>)>) {
        self.get_mut(backend).data.extend(entries);
    }

    /// FNV-1a over every key and value in key order, with lengths so boundaries count.
    pub fn digest(&mut self, backend: Backend) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for &byte in bytes {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        for (key, value) in &self.get_mut(backend).data {
            feed(&(key.len() as u64).to_le_bytes());
            feed(key.as_bytes());
            feed(&(value.len() as u64).to_le_bytes());
            feed(value);
        }
        hash
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
        let mut b = Backends::new(&BackendsConfig {
            store_latency: Duration::from_millis(2),
            ..Default::default()
        });
        assert_eq!(
            b.put(Backend::Store, "a".into(), vec![1, 2, 3]),
            None,
            "accounted mode never sleeps"
        );
        assert_eq!(b.get(Backend::Store, "a").0, Some(vec![1, 2, 3]));
        assert_eq!(b.get(Backend::Store, "b").0, None);
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
        );
        b.put(Backend::Store, "y".into(), vec![2]);
        b.put(Backend::Store, "x".into(), vec![1]);
        assert_eq!(a.digest(Backend::Store), b.digest(Backend::Store));
        b.put(Backend::Store, "x".into(), vec![9]);
        assert_ne!(a.digest(Backend::Store), b.digest(Backend::Store));
    }
}
