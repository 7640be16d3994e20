//! Many CI jobs adding at once: a transaction PostgreSQL aborts because of another one (a
//! serialization failure, a deadlock) is run again, with growing pauses, until [`WAIT`] has
//! passed; one that hit a unique key another transaction took first, a few times (the inserts say
//! `ON CONFLICT DO NOTHING`, so a unique violation that lasts is no race but an error). A failed
//! transaction is rolled back when it is dropped, so nothing of it stays.

use std::time::{Duration, Instant};

use anyhow::Result;
use postgres::Client;
use postgres::error::SqlState;

/// How long a write is tried again while other writers get in its way.
pub(super) const WAIT: Duration = Duration::from_secs(120);
/// How many times a write that hit a unique key is run.
const UNIQUE_TRIES: u32 = 5;

/// Runs `write` (one transaction) again while it fails for a conflict with another transaction.
pub(super) fn retrying<T>(
    client: &mut Client,
    shown: &str,
    mut write: impl FnMut(&mut Client) -> Result<T>,
) -> Result<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    // Processes that started together pause for different times, so they don't collide again.
    let jitter = u64::from(std::process::id()) % 11 + 1;
    let mut unique_tries = 0;
    loop {
        match write(client) {
            Err(error) if conflict(&error).is_some() => {
                if conflict(&error) == Some(SqlState::UNIQUE_VIOLATION) {
                    unique_tries += 1;
                    if unique_tries >= UNIQUE_TRIES {
                        return Err(error);
                    }
                }
                if start.elapsed() >= WAIT {
                    return Err(error.context(format!(
                        "{shown}: other writers kept getting in the way for {}s; nothing was written",
                        WAIT.as_secs()
                    )));
                }
                std::thread::sleep(pause + Duration::from_millis(jitter));
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            done => return done,
        }
    }
}

/// The code PostgreSQL aborted the transaction with, when it was for another one's sake (so that
/// trying again may succeed).
fn conflict(error: &anyhow::Error) -> Option<SqlState> {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<postgres::Error>())
        .filter_map(postgres::Error::code)
        .find(|code| {
            [
                SqlState::T_R_SERIALIZATION_FAILURE,
                SqlState::T_R_DEADLOCK_DETECTED,
                SqlState::UNIQUE_VIOLATION,
            ]
            .contains(code)
        })
        .cloned()
}
