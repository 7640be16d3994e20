//! File reads, blocking vs streaming: read a whole fixture file at once, or in fixed-size chunks.
//!
//! Both give the same checksum; `stream` keeps memory flat at one chunk, so it passes a memory limit
//! that `blocking` fails on a large file.

use std::fs::File;
use std::io::Read;

use wasmbench_sdk::{Outcome, Params, Workload, fixture_path, fnv1a};

/// Reads the whole file into one buffer, like `fs.readFileSync`.
struct Blocking {
    path: String,
}

impl Workload for Blocking {
    const NAME: &'static str = "blocking";
    const DESCRIPTION: &'static str = "read the whole fixture file into memory, then hash it";
    const UNIT: &'static str = "bytes";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("file", "data.bin")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Blocking {
            path: fixture_path(params.str("file")?),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let bytes = std::fs::read(&self.path).map_err(|e| format!("reading {}: {e}", self.path))?;
        Ok(Outcome::new(fnv1a(0, &bytes), bytes.len() as u64))
    }
}

/// Reads the file through one reused buffer of `chunk` bytes, like `fs.createReadStream`.
struct Stream {
    path: String,
    buffer: Vec<u8>,
}

impl Workload for Stream {
    const NAME: &'static str = "stream";
    const DESCRIPTION: &'static str =
        "read the fixture file in fixed-size chunks through one buffer, hashing as it goes";
    const UNIT: &'static str = "bytes";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("file", "data.bin"), ("chunk", "64 KiB")];

    fn setup(params: &Params) -> Result<Self, String> {
        let chunk = params.bytes("chunk")?;
        if chunk == 0 {
            return Err("parameter `chunk` must be at least 1 byte".into());
        }
        let chunk =
            usize::try_from(chunk).map_err(|_| "parameter `chunk` is too large".to_string())?;
        Ok(Stream {
            path: fixture_path(params.str("file")?),
            buffer: vec![0; chunk],
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut file = File::open(&self.path).map_err(|e| format!("opening {}: {e}", self.path))?;
        let (mut hash, mut total) = (0, 0u64);
        loop {
            let n = file
                .read(&mut self.buffer)
                .map_err(|e| format!("reading {}: {e}", self.path))?;
            if n == 0 {
                break;
            }
            hash = fnv1a(hash, &self.buffer[..n]);
            total += n as u64;
        }
        // An empty file hashes to the offset basis, as `fnv1a(0, &[])` does in `blocking`.
        Ok(Outcome::new(
            if total == 0 { fnv1a(0, &[]) } else { hash },
            total,
        ))
    }
}

wasmbench_sdk::register!(Blocking, Stream);
