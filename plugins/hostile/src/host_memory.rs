//! Work the host does for a plugin that the plugin's own limits don't see: host-side memory held
//! through resource handles, and host time spent on a tiny amount of guest code.

use wasip2::http::types::Fields;
use wasmbench_sdk::{Outcome, Params, Workload, host};

/// Keeps `count` wasi:http `fields` resources alive per iteration, each with a header of `bytes`:
/// the host holds them in its resource table, outside the plugin's linear memory. Iterations
/// before the `from`-th of an instance hold nothing (so the attack can wait for the timed pass).
pub(crate) struct FieldsHoard {
    count: u64,
    value: Vec<u8>,
    from: u64,
    iteration: u64,
    kept: Vec<Fields>,
}

impl Workload for FieldsHoard {
    const NAME: &'static str = "fields-hoard";
    const DESCRIPTION: &'static str = "create `count` wasi:http fields with a `bytes` header per iteration (from the `from`-th on) and never drop them";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("count", "2000"), ("bytes", "4 KiB"), ("from", "0")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(FieldsHoard {
            count: params.u64("count")?,
            value: vec![b'x'; params.bytes("bytes")? as usize],
            from: params.u64("from")?,
            iteration: 0,
            kept: Vec::new(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        self.iteration += 1;
        if self.iteration < self.from {
            return Ok(Outcome::new(0, 0));
        }
        for _ in 0..self.count {
            let fields = Fields::new();
            fields
                .append("x-hoard", &self.value)
                .map_err(|e| format!("appending a header: {e:?}"))?;
            self.kept.push(fields);
        }
        Ok(Outcome::new(self.kept.len() as u64, self.count))
    }
}

/// Loads `bytes` into a backend once, then asks the host to hash all of it `rounds` times per
/// iteration: a few hundred instructions of guest code, almost all of the time in the host.
pub(crate) struct HostHasher {
    rounds: u64,
}

impl Workload for HostHasher {
    const NAME: &'static str = "host-hasher";
    const DESCRIPTION: &'static str = "hash a `bytes` backend in the host `rounds` times per iteration (cheap in fuel, not in time)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("bytes", "4 MiB"), ("rounds", "10")];

    fn setup(params: &Params) -> Result<Self, String> {
        let bytes = params.bytes("bytes")? as usize;
        host::load(
            host::Backend::Store,
            &[("blob".to_string(), vec![0x5a; bytes])],
        );
        Ok(HostHasher {
            rounds: params.u64("rounds")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut checksum = 0u64;
        for _ in 0..self.rounds {
            checksum ^= host::digest(host::Backend::Store);
        }
        Ok(Outcome::new(checksum, self.rounds))
    }
}
