//! How a bench ended.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How a bench ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Every phase completed.
    Ok,
    /// An iteration (or setup) used more than the fuel budget.
    OutOfFuel,
    /// The guest asked for more linear memory than the limit.
    MemoryLimit,
    /// An iteration (or setup) ran past the deadline.
    Timeout,
    /// The guest trapped (unreachable, panic, stack overflow, ...).
    Trap,
    /// The plugin could not be loaded or set up, or returned an error.
    Error,
    /// A core module's stdout or stderr differed from its `.stdout.expected` / `.stderr.expected`.
    WrongOutput,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Ok,
        Status::OutOfFuel,
        Status::MemoryLimit,
        Status::Timeout,
        Status::Trap,
        Status::Error,
        Status::WrongOutput,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::OutOfFuel => "out-of-fuel",
            Status::MemoryLimit => "memory-limit",
            Status::Timeout => "timeout",
            Status::Trap => "trap",
            Status::Error => "error",
            Status::WrongOutput => "wrong-output",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or(())
    }
}
