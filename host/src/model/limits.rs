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
    /// limits for asking a plugin what it offers. The guide's suite reference (docs/src/suites/format.md) shows these values.
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
    /// The most linear memory the instances of one bench (`instances`) or load scenario (`pool`)
    /// may hold together: `memory` is a limit per instance, and `instances` / `pool` multiply it.
    pub const MAX_HELD_MEMORY: u64 = 8 << 30;

    /// Why `count` instances (`count_key`) of `memory_bytes` each may not run at once, if they
    /// may not.
    pub fn check_held(count: u32, memory_bytes: u64, count_key: &str) -> Result<(), String> {
        let held = u64::from(count).saturating_mul(memory_bytes);
        if held <= Self::MAX_HELD_MEMORY {
            return Ok(());
        }
        Err(format!(
            "`{count_key} = {count}` × `memory = \"{}\"` (a limit per instance) = {}, over the {} \
             the instances of one bench or scenario may hold together; lower one of them",
            super::size(memory_bytes),
            super::size(held),
            super::size(Self::MAX_HELD_MEMORY)
        ))
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// One of the limits a bench (or a load scenario's request) runs under: its key in a suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    Fuel,
    Memory,
    Deadline,
}

impl Limit {
    /// The key that sets it, in `[defaults]`, a `[[bench]]` or a `[[load]]`.
    pub const fn key(self) -> &'static str {
        match self {
            Limit::Fuel => "fuel",
            Limit::Memory => "memory",
            Limit::Deadline => "deadline",
        }
    }
}

/// A limit a failure ran into, and for memory how much was asked for when the host knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitHit {
    pub limit: Limit,
    #[serde(default)]
    pub asked: Option<u64>,
}

impl LimitHit {
    pub const fn of(limit: Limit) -> Self {
        LimitHit { limit, asked: None }
    }
}

/// A limit's key as a suite wrote it, and where: `memory = "64 MiB"` at `suite.toml:12`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenKey {
    /// `key = value`, the value as written.
    pub text: String,
    /// `file:line`.
    pub at: String,
}

/// Where a limit's value came from, so a message about it can say what to change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LimitOrigin {
    /// Nothing set it: the value of [`Limits::DEFAULT`].
    #[default]
    Default,
    /// The suite's `[defaults]` table.
    Defaults(WrittenKey),
    /// The bench's (or load scenario's) own key.
    Own(WrittenKey),
}

/// Where each of a bench's limits came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LimitOrigins {
    pub fuel: LimitOrigin,
    pub memory: LimitOrigin,
    pub deadline: LimitOrigin,
}

impl LimitOrigins {
    /// Every limit at its default.
    pub const DEFAULT: LimitOrigins = LimitOrigins {
        fuel: LimitOrigin::Default,
        memory: LimitOrigin::Default,
        deadline: LimitOrigin::Default,
    };

    pub fn get(&self, limit: Limit) -> &LimitOrigin {
        match limit {
            Limit::Fuel => &self.fuel,
            Limit::Memory => &self.memory,
            Limit::Deadline => &self.deadline,
        }
    }

    pub fn set(&mut self, limit: Limit, origin: LimitOrigin) {
        match limit {
            Limit::Fuel => self.fuel = origin,
            Limit::Memory => self.memory = origin,
            Limit::Deadline => self.deadline = origin,
        }
    }
}

/// Whose limit it is, for the advice: `bench` at `suite.toml:8`, or `load scenario`.
#[derive(Debug, Clone, Copy)]
pub struct LimitOwner<'a> {
    pub what: &'a str,
    /// `file:line` of its table.
    pub at: &'a str,
}

impl LimitHit {
    /// What to change to get past the limit, for after the failure's first sentence: where the
    /// value was set and a larger one in the suite's own style, e.g. `` `memory = "64 MiB"` at
    /// suite.toml:12; raise it there, e.g. memory = "128 MiB" ``.
    pub fn advice(&self, limits: &Limits, origins: &LimitOrigins, owner: LimitOwner<'_>) -> String {
        let key = self.limit.key();
        let origin = origins.get(self.limit);
        let written = match origin {
            LimitOrigin::Own(w) | LimitOrigin::Defaults(w) => Some(w.text.as_str()),
            LimitOrigin::Default => None,
        };
        let set = match origin {
            LimitOrigin::Own(w) => format!("`{}` at {}", w.text, w.at),
            LimitOrigin::Defaults(w) => format!("`{}` in [defaults] at {}", w.text, w.at),
            LimitOrigin::Default => "the default".to_string(),
        };
        let Some(larger) = self.larger(limits, written) else {
            return format!("{set}, already the most a suite may set");
        };
        let example = format!("{key} = {larger}");
        match origin {
            LimitOrigin::Own(_) => format!("{set}; raise it there, e.g. {example}"),
            LimitOrigin::Defaults(_) => format!(
                "{set}; raise it there, or set one on this {} at {}, e.g. {example}",
                owner.what, owner.at
            ),
            LimitOrigin::Default => format!(
                "{set}; set it on this {} at {} or in [defaults], e.g. {example}",
                owner.what, owner.at
            ),
        }
    }

    /// A larger value than the limit's, as a suite would write it (in `written`'s style when
    /// given), or `None` when the limit is already at its most.
    fn larger(&self, limits: &Limits, written: Option<&str>) -> Option<String> {
        let value = written
            .and_then(|text| text.split_once('='))
            .map(|(_, value)| value.trim());
        match self.limit {
            Limit::Memory => {
                let limit = limits.memory_bytes;
                if limit >= Limits::MAX_MEMORY {
                    return None;
                }
                // Twice the limit at least, and enough for what was asked.
                let mut larger = limit.saturating_mul(2).max(Limits::MIN_MEMORY);
                while larger < self.asked.unwrap_or(0) && larger < Limits::MAX_MEMORY {
                    larger = larger.saturating_mul(2);
                }
                let larger = larger.min(Limits::MAX_MEMORY);
                // A byte count stays a byte count.
                Some(match value {
                    Some(v) if v.starts_with(|c: char| c.is_ascii_digit()) => larger.to_string(),
                    _ => format!("\"{}\"", super::quantity::size(larger)),
                })
            }
            Limit::Fuel => (limits.fuel < Limits::MAX_FUEL).then(|| {
                super::quantity::grouped_toml(limits.fuel.saturating_mul(10).min(Limits::MAX_FUEL))
            }),
            Limit::Deadline => (limits.deadline < Limits::MAX_DEADLINE).then(|| {
                let larger = limits.deadline.saturating_mul(2).min(Limits::MAX_DEADLINE);
                format!("\"{}\"", humantime::format_duration(larger))
            }),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> WrittenKey {
        WrittenKey {
            text: text.into(),
            at: "suite.toml:12".into(),
        }
    }

    const BENCH: LimitOwner<'static> = LimitOwner {
        what: "bench",
        at: "suite.toml:9",
    };

    fn advice(hit: LimitHit, limits: Limits, origins: LimitOrigins) -> String {
        hit.advice(&limits, &origins, BENCH)
    }

    #[test]
    fn the_advice_names_the_key_where_it_was_set_and_a_larger_value_in_its_style() {
        let limits = Limits {
            memory_bytes: 64 << 20,
            fuel: 10_000_000,
            deadline: Duration::from_millis(300),
        };
        let mut origins = LimitOrigins::DEFAULT;
        origins.memory = LimitOrigin::Own(written(r#"memory = "64 MiB""#));
        origins.fuel = LimitOrigin::Defaults(written("fuel = 10_000_000"));
        let memory = LimitHit {
            limit: Limit::Memory,
            asked: Some(68_222_976),
        };
        assert_eq!(
            advice(memory, limits, origins.clone()),
            r#"`memory = "64 MiB"` at suite.toml:12; raise it there, e.g. memory = "128 MiB""#
        );
        // Enough for what was asked, not only twice the limit.
        let big = LimitHit {
            asked: Some(300 << 20),
            ..memory
        };
        assert!(
            advice(big, limits, origins.clone()).ends_with(r#"e.g. memory = "512 MiB""#),
            "{}",
            advice(big, limits, origins.clone())
        );
        // A byte count stays a byte count.
        origins.memory = LimitOrigin::Own(written("memory = 67108864"));
        assert!(advice(memory, limits, origins.clone()).ends_with("e.g. memory = 134217728"));
        assert_eq!(
            advice(LimitHit::of(Limit::Fuel), limits, origins.clone()),
            "`fuel = 10_000_000` in [defaults] at suite.toml:12; raise it there, or set one on \
             this bench at suite.toml:9, e.g. fuel = 100_000_000"
        );
        assert_eq!(
            advice(LimitHit::of(Limit::Deadline), limits, origins),
            r#"the default; set it on this bench at suite.toml:9 or in [defaults], e.g. deadline = "600ms""#
        );
    }

    #[test]
    fn a_limit_at_its_most_says_so() {
        let limits = Limits {
            memory_bytes: Limits::MAX_MEMORY,
            ..Limits::DEFAULT
        };
        let mut origins = LimitOrigins::DEFAULT;
        origins.memory = LimitOrigin::Own(written(r#"memory = "4 GiB""#));
        assert_eq!(
            advice(LimitHit::of(Limit::Memory), limits, origins),
            r#"`memory = "4 GiB"` at suite.toml:12, already the most a suite may set"#
        );
    }
}
