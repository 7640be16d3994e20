//! The environment fingerprint recorded with every run.

use serde::{Deserialize, Serialize};

use super::Environment;

impl Environment {
    /// Describes this machine and build.
    pub fn capture() -> Self {
        Environment {
            wasmbench_version: env!("CARGO_PKG_VERSION").to_string(),
            wasmtime_version: env!("WASMBENCH_WASMTIME_VERSION").to_string(),
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
            cpu: cpu_model().unwrap_or_else(|| "unknown".into()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            hostname: std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty()),
            git_commit: git_commit(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, model)| model.trim().to_string())
}

/// The commit of the working directory's git checkout, if there is one.
fn git_commit() -> Option<String> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// A fixed native workload timed before each execution and after the last: the
/// machine's own noise during the run, beside the benches' wall times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineNoise {
    /// The probe's time before each execution and after the last, ns.
    pub probe_ns: Vec<u64>,
    /// Their median: how fast the machine ran the probe when nothing interrupted it.
    pub median_ns: f64,
    /// Their mean: how fast it ran with the interruptions a bench met too (comparable between
    /// runs of one build).
    pub mean_ns: f64,
    /// Half the width of the probes' middle 80% over their median: `0.02` reads "±2%".
    pub spread: f64,
}
