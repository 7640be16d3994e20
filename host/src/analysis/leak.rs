//! Leak suspicion from memory per iteration. Wasm linear memory never shrinks, so a bench that frees
//! what it allocates plateaus after its first iterations while a leak keeps growing. We look at the
//! second half of the timed samples (after the allocator settles) and flag a steady slope.

/// Growth per iteration, in the second half of the samples, above which a leak is suspected.
pub const LEAK_SLOPE_BYTES: f64 = 16.0 * 1024.0;

/// Fewest samples the rule needs to mean anything.
pub const MIN_SAMPLES: usize = 6;

/// True when memory grows steadily: the least-squares slope over the second half of `per_iteration`
/// is at least [`LEAK_SLOPE_BYTES`] and memory grew in at least half of those steps.
pub fn suspect(per_iteration: &[u64]) -> bool {
    if per_iteration.len() < MIN_SAMPLES {
        return false;
    }
    let tail = &per_iteration[per_iteration.len() / 2..];
    let series: Vec<f64> = tail.iter().map(|&b| b as f64).collect();
    let grew = tail.windows(2).filter(|w| w[1] > w[0]).count();
    super::stats::slope(&series) >= LEAK_SLOPE_BYTES && grew * 2 >= tail.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: u64 = 64 * 1024;

    #[test]
    fn steady_growth_is_a_leak_and_a_plateau_is_not() {
        let leak: Vec<u64> = (0..10).map(|i| (20 + 5 * i) * PAGE).collect();
        assert!(suspect(&leak));
        let plateau: Vec<u64> = [20, 25, 26, 26, 26, 26, 26, 26, 26, 26]
            .iter()
            .map(|p| p * PAGE)
            .collect();
        assert!(!suspect(&plateau));
        // One late jump (a buffer doubling) is not steady growth.
        let jump: Vec<u64> = [20, 20, 20, 20, 20, 20, 20, 20, 20, 40]
            .iter()
            .map(|p| p * PAGE)
            .collect();
        assert!(!suspect(&jump));
        assert!(!suspect(&leak[..4]), "too few samples to tell");
    }
}
