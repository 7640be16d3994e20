//! Waiting one's turn: several processes may write one history at once (parallel CI jobs finishing
//! together); SQLite serialises writers, and a write it refuses as busy is tried again.

use std::time::{Duration, Instant};

use anyhow::Result;
use rusqlite::{Connection, ErrorCode};

/// How long a write waits for other processes writing the same history before it gives up.
pub(super) const BUSY_WAIT: Duration = Duration::from_secs(120);

/// Runs `write`, one immediate transaction, again while SQLite answers that the database is busy
/// or locked without having waited (its busy handler waits for most locks, not every one), with
/// growing pauses, until [`BUSY_WAIT`] has passed. A transaction that fails is rolled back.
pub(super) fn retrying<T>(
    connection: &mut Connection,
    shown: &str,
    mut write: impl FnMut(&mut Connection) -> Result<T>,
) -> Result<T> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    // Processes that started together pause for different times, so they don't collide again.
    let jitter = u64::from(std::process::id()) % 7 + 1;
    loop {
        match write(connection) {
            Err(error) if is_busy(&error) => {
                if start.elapsed() >= BUSY_WAIT {
                    return Err(error.context(format!(
                        "{shown}: other processes kept the history locked for {}s; nothing was written",
                        BUSY_WAIT.as_secs()
                    )));
                }
                std::thread::sleep(pause + Duration::from_millis(jitter));
                pause = (pause * 2).min(Duration::from_millis(200));
            }
            done => return done,
        }
    }
}

/// Whether SQLite refused for another connection's lock.
fn is_busy(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<rusqlite::Error>(),
            Some(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    })
}
