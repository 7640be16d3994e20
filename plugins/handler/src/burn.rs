//! Burning CPU for a wall-clock duration: the slow request's blocking work.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Arithmetic rounds between clock reads: each read is a host call, so reading rarely keeps the
/// burn guest work, while a round of this size stays far below a millisecond even under wasm.
const ROUNDS_PER_CHECK: u32 = 4096;

/// Spins doing real arithmetic until `budget` has passed on the monotonic clock; returns the
/// number of rounds done (timing-dependent, so not for checksums).
pub(crate) fn burn(budget: Duration) -> u64 {
    let start = Instant::now();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut rounds = 0u64;
    while start.elapsed() < budget {
        for i in 0..ROUNDS_PER_CHECK {
            // xorshift-multiply: a dependent chain the optimiser can neither skip nor vectorise.
            state ^= state << 13;
            state ^= state >> 7;
            state = state.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ u64::from(i);
        }
        state = black_box(state);
        rounds += u64::from(ROUNDS_PER_CHECK);
    }
    rounds
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burns_at_least_the_budget() {
        let start = Instant::now();
        let rounds = burn(Duration::from_millis(5));
        assert!(start.elapsed() >= Duration::from_millis(5));
        assert!(rounds > 0);
        assert_eq!(burn(Duration::ZERO), 0, "a zero budget does no work");
    }
}
