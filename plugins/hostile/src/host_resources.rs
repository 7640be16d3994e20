//! Results and output that make the host spend: huge errors, floods of counters, aliased names,
//! unstable checksums, chatty output and storage hoarded in the simulated backends.

use std::io::Write;

use wasmbench_sdk::{Outcome, Params, Workload, fnv1a, host};

/// Returns an enormous error string (`bytes` long) from `setup` or `run` (`phase`).
pub(crate) struct HugeError {
    bytes: usize,
}

pub(crate) fn huge_text(params: &Params) -> Result<String, String> {
    Ok("E".repeat(params.bytes("bytes")? as usize))
}

impl Workload for HugeError {
    const NAME: &'static str = "huge-error";
    const DESCRIPTION: &'static str =
        "return an error message of `bytes` bytes from `phase` (setup or run)";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("bytes", "50 MiB"), ("phase", "run")];

    fn setup(params: &Params) -> Result<Self, String> {
        match params.str("phase")? {
            "setup" => Err(huge_text(params)?),
            "run" => Ok(HugeError {
                bytes: params.bytes("bytes")? as usize,
            }),
            other => Err(format!("unknown phase `{other}` (setup, run)")),
        }
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Err("E".repeat(self.bytes))
    }
}

/// Returns `n` counters per iteration, with names `name_len` bytes long.
pub(crate) struct ManyCounters {
    n: usize,
    name_len: usize,
}

impl Workload for ManyCounters {
    const NAME: &'static str = "many-counters";
    const DESCRIPTION: &'static str =
        "return `n` distinct counters with `name_len`-byte names per iteration";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("n", "100000"), ("name_len", "12")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(ManyCounters {
            n: params.usize("n")?,
            name_len: params.usize("name_len")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut outcome = Outcome::new(self.n as u64, self.n as u64);
        for i in 0..self.n {
            let mut name = format!("c{i}");
            while name.len() < self.name_len {
                name.push('_');
            }
            outcome = outcome.counter(name, i as u64);
        }
        Ok(outcome)
    }
}

/// `n` counters whose names all point at one `len`-byte buffer in guest memory: a few KiB of guest
/// memory that the host copies into `n × len` bytes when it reads the result. (The aliasing breaks
/// Rust's ownership rules on purpose; the SDK frees the names after the host has read them.)
pub(crate) struct AliasedCounters {
    n: usize,
    len: usize,
}

impl Workload for AliasedCounters {
    const NAME: &'static str = "aliased-counters";
    const DESCRIPTION: &'static str =
        "return `n` counters whose names alias one `len`-byte buffer (host-side amplification)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("n", "4096"), ("len", "64 KiB")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(AliasedCounters {
            n: params.usize("n")?,
            len: params.bytes("len")? as usize,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let buffer: &'static mut [u8] = Vec::leak(vec![b'A'; self.len]);
        let mut outcome = Outcome::new(self.n as u64, self.n as u64);
        outcome.counters.reserve(self.n);
        for i in 0..self.n {
            // SAFETY: none; the same bytes are handed out `n` times (the attack).
            let name =
                unsafe { String::from_raw_parts(buffer.as_mut_ptr(), buffer.len(), buffer.len()) };
            outcome.counters.push((name, i as u64));
        }
        Ok(outcome)
    }
}

/// A checksum that differs on every iteration (the result is not deterministic).
pub(crate) struct UnstableChecksum {
    iteration: u64,
}

impl Workload for UnstableChecksum {
    const NAME: &'static str = "unstable-checksum";
    const DESCRIPTION: &'static str = "return a different checksum every iteration";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(UnstableChecksum { iteration: 0 })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        self.iteration += 1;
        Ok(Outcome::new(fnv1a(0, &self.iteration.to_le_bytes()), 1)
            .counter("iteration", self.iteration))
    }
}

/// Writes `bytes` to stdout or stderr (`stream`) every iteration.
pub(crate) struct Chatty {
    text: Vec<u8>,
    stderr: bool,
}

impl Workload for Chatty {
    const NAME: &'static str = "chatty";
    const DESCRIPTION: &'static str =
        "write `bytes` to `stream` (stdout or stderr) every iteration";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("bytes", "1 MiB"), ("stream", "stdout")];

    fn setup(params: &Params) -> Result<Self, String> {
        let stderr = match params.str("stream")? {
            "stdout" => false,
            "stderr" => true,
            other => return Err(format!("unknown stream `{other}` (stdout, stderr)")),
        };
        let mut text = vec![b'.'; params.bytes("bytes")? as usize];
        if let Some(last) = text.last_mut() {
            *last = b'\n';
        }
        Ok(Chatty { text, stderr })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let written = if self.stderr {
            std::io::stderr()
                .write_all(&self.text)
                .and_then(|()| std::io::stderr().flush())
        } else {
            std::io::stdout()
                .write_all(&self.text)
                .and_then(|()| std::io::stdout().flush())
        };
        written.map_err(|e| format!("writing {} bytes failed: {e}", self.text.len()))?;
        Ok(Outcome::new(self.text.len() as u64, self.text.len() as u64))
    }
}

/// Stores `puts` values of `bytes` each in the host's simulated store under fresh keys every
/// iteration: guest memory stays at one buffer while host memory grows.
pub(crate) struct BackendHoard {
    value: Vec<u8>,
    puts: u64,
    next: u64,
}

impl Workload for BackendHoard {
    const NAME: &'static str = "backend-hoard";
    const DESCRIPTION: &'static str =
        "put `puts` values of `bytes` under fresh keys in the host store every iteration";
    const UNIT: &'static str = "bytes";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("bytes", "4 MiB"), ("puts", "1")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(BackendHoard {
            value: vec![7; params.bytes("bytes")? as usize],
            puts: params.u64("puts")?,
            next: 0,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        for _ in 0..self.puts {
            host::put(
                host::Backend::Store,
                &format!("hoard-{}", self.next),
                &self.value,
            );
            self.next += 1;
        }
        Ok(Outcome::new(self.next, self.puts * self.value.len() as u64))
    }
}
