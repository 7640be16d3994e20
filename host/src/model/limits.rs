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

/// The most a suite may set each limit to: beyond these a value is a typo rather than a plan.
impl Limits {
    /// At most 10^15 fuel per iteration: at the ~10^9 fuel a second the metered engine runs, about
    /// 10^6 s (11 days), far past the longest deadline ([`Limits::MAX_DEADLINE`], ~8.6·10^13 fuel).
    pub const MAX_FUEL: u64 = 1_000_000_000_000_000;
    /// At least one wasm page.
    pub const MIN_MEMORY: u64 = 64 << 10;
    /// At most 4 GiB: a wasm32 memory can't address more, and a plugin gets one budget for all its
    /// memories and tables.
    pub const MAX_MEMORY: u64 = 4 << 30;
    pub const MIN_DEADLINE: Duration = Duration::from_millis(1);
    /// At most 24 h per iteration.
    pub const MAX_DEADLINE: Duration = Duration::from_secs(24 * 3600);
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
