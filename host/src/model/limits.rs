//! The limits every iteration (and `setup`) runs under, and their defaults.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits every iteration (and `setup`) runs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Fuel budget per iteration (roughly, wasm instructions).
    pub fuel: u64,
    /// Cap on the plugin's total linear memory, in bytes.
    pub memory_bytes: u64,
    /// Wall-clock deadline per iteration, in nanoseconds.
    #[serde(with = "duration_ns")]
    pub deadline: Duration,
}

impl Limits {
    /// What a bench gets when neither the suite's `[defaults]` nor the bench set a limit; also the
    /// limits for asking a plugin what it offers. The README's "Limits" table shows these values.
    pub const DEFAULT: Limits = Limits {
        fuel: 10_000_000_000,
        memory_bytes: 256 << 20,
        deadline: Duration::from_secs(10),
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// A `Duration` as whole nanoseconds in serialized forms.
pub mod duration_ns {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_nanos(u64::deserialize(d)?))
    }
}
