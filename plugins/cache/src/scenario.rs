//! The scenario every workload replays (keys, operations, initial data) and the iteration context.

use wasmbench_sdk::Params;
use wasmbench_sdk::host::{self, Backend};

use crate::rng::{SplitMix, Zipf};
use crate::value::{decode, make_value};

#[derive(Clone, Copy)]
pub(crate) enum Op {
    Read(u32),
    Write(u32),
}

/// The operation sequence and initial data, built once in setup.
pub(crate) struct Scenario {
    pub(crate) seed: u64,
    pub(crate) keys: usize,
    pub(crate) value_size: usize,
    pub(crate) ops: Vec<Op>,
    /// Backend key of each key index.
    pub(crate) names: Vec<String>,
    /// Version 0 of every key, loaded into the store at the start of each iteration.
    pub(crate) initial: Vec<(String, Vec<u8>)>,
}

impl Scenario {
    pub(crate) fn parse(params: &Params) -> Result<Self, String> {
        let ops = params.usize("ops")?;
        let (keys, skew) = crate::rng::key_space(params)?;
        let read_ratio = params.f64("read_ratio")?;
        if !(0.0..=1.0).contains(&read_ratio) {
            return Err(format!(
                "parameter `read_ratio` must be between 0 and 1, got {read_ratio}"
            ));
        }
        let value_size = params.bytes("value_size")?;
        if !(8..=16 << 20).contains(&value_size) {
            return Err(format!(
                "parameter `value_size` must be between 8 bytes (key and version) and 16 MiB, got {value_size}"
            ));
        }
        let value_size = value_size as usize;
        let seed = params.u64("seed")?;

        let zipf = Zipf::new(keys, skew);
        let mut rng = SplitMix(seed);
        let ops = (0..ops)
            .map(|_| {
                let key = zipf.sample(&mut rng) as u32;
                if rng.next_f64() < read_ratio {
                    Op::Read(key)
                } else {
                    Op::Write(key)
                }
            })
            .collect();
        let names: Vec<String> = (0..keys).map(|k| format!("item:{k}")).collect();
        let initial = names
            .iter()
            .enumerate()
            .map(|(k, name)| (name.clone(), make_value(k as u32, 0, value_size)))
            .collect();
        Ok(Scenario {
            seed,
            keys,
            value_size,
            ops,
            names,
            initial,
        })
    }
}

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) reads: u64,
    pub(crate) writes: u64,
    pub(crate) l1_hits: u64,
    pub(crate) l1_misses: u64,
    pub(crate) l1_expired: u64,
    pub(crate) l2_hits: u64,
    pub(crate) l2_misses: u64,
    pub(crate) evictions: u64,
    pub(crate) flushes: u64,
    pub(crate) evicted_dirty: u64,
    pub(crate) invalidations: u64,
    pub(crate) stale_reads: u64,
    pub(crate) store_reads: u64,
    pub(crate) store_writes: u64,
}

impl Counters {
    pub(crate) fn get(&self, name: &str) -> u64 {
        match name {
            "reads" => self.reads,
            "writes" => self.writes,
            "l1_hits" => self.l1_hits,
            "l1_misses" => self.l1_misses,
            "l1_expired" => self.l1_expired,
            "l2_hits" => self.l2_hits,
            "l2_misses" => self.l2_misses,
            "evictions" => self.evictions,
            "flushes" => self.flushes,
            "evicted_dirty" => self.evicted_dirty,
            "invalidations" => self.invalidations,
            "stale_reads" => self.stale_reads,
            "store_reads" => self.store_reads,
            "store_writes" => self.store_writes,
            other => unreachable!("unknown counter {other}"),
        }
    }
}

/// Counters every workload reports.
pub(crate) const BASE_COUNTERS: &[&str] = &[
    "reads",
    "writes",
    "stale_reads",
    "store_reads",
    "store_writes",
];

/// State of one iteration: the true latest version of every key, the logical clock, the counters.
pub(crate) struct Ctx<'a> {
    pub(crate) scenario: &'a Scenario,
    pub(crate) latest: Vec<u32>,
    /// Index of the current operation: the clock that TTLs count in.
    pub(crate) clock: u64,
    pub(crate) c: Counters,
}

impl Ctx<'_> {
    pub(crate) fn name(&self, key: u32) -> &str {
        &self.scenario.names[key as usize]
    }

    /// Reads `key` from the store, which must have it (it is seeded with every key).
    pub(crate) fn store_get(&mut self, key: u32) -> Result<Vec<u8>, String> {
        self.c.store_reads += 1;
        host::get(Backend::Store, self.name(key)).ok_or_else(|| {
            format!(
                "the store has no value for `{}`, though every key was loaded",
                self.name(key)
            )
        })
    }

    pub(crate) fn store_put(&mut self, key: u32, value: &[u8]) {
        self.c.store_writes += 1;
        host::put(Backend::Store, self.name(key), value);
    }

    /// Checks one item value returned for `key`: Ok(true) if it is an older version than the latest.
    pub(crate) fn is_stale(&self, key: u32, value: &[u8]) -> Result<bool, String> {
        match decode(value) {
            Some((k, version)) if k == key && value.len() == self.scenario.value_size => {
                Ok(version < self.latest[key as usize])
            }
            _ => Err(format!(
                "a read of `{}` returned a value that is not one of its versions ({} bytes)",
                self.name(key),
                value.len()
            )),
        }
    }
}
