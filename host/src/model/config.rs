//! Settings of the services the host lends a plugin, as a suite states them: generated fixture
//! files, the HTTP fixture server, the simulated backends.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A generated fixture file: `size` seeded pseudo-random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixtureSpec {
    pub size: u64,
    pub seed: u64,
}

/// Defaults for HTTP fixture requests that don't set a query parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HttpFixtureConfig {
    pub latency: Duration,
    pub jitter: Duration,
    pub size: u64,
    pub error_rate: f64,
    pub seed: u64,
}

impl Default for HttpFixtureConfig {
    fn default() -> Self {
        HttpFixtureConfig {
            latency: Duration::from_millis(20),
            jitter: Duration::ZERO,
            size: 1024,
            error_rate: 0.0,
            seed: 1,
        }
    }
}

/// How a simulated backend's latency is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LatencyMode {
    /// Added to the `*.latency_ns` counters; the call returns at once.
    #[default]
    Accounted,
    /// The call sleeps for the latency.
    Slept,
}

/// Latency per call of each simulated backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BackendsConfig {
    pub mode: LatencyMode,
    pub store_latency: Duration,
    pub remote_cache_latency: Duration,
}
