//! How noisy the machine is while a run measures: a fixed native workload, timed before each of the
//! executions. Its time should not change; when it does, something else took the CPU or the
//! clock changed, and every wall time measured alongside moved with it.

use std::hint::black_box;
use std::time::Instant;

use crate::results::MachineNoise;

/// Rounds of the probe's loop: about 2 ms on this project's machine — long enough that time taken
/// by other processes (a scheduler slice is a few ms) shows in it, as it does in a bench.
const ITERATIONS: u64 = 800_000;

/// One probe: the time of a fixed integer loop, ns. Not a median of repeats: what interrupts it is
/// exactly what it is there to see.
pub fn probe() -> u64 {
    let start = Instant::now();
    let mut x = black_box(0x9e37_79b9_7f4a_7c15_u64);
    for i in 0..black_box(ITERATIONS) {
        // xorshift: a dependency chain the compiler can't fold away.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(i);
    }
    black_box(x);
    start.elapsed().as_nanos() as u64
}

/// The probes of a run, summarized; `None` with fewer than three.
pub fn summarize(probes: &[u64]) -> Option<MachineNoise> {
    if probes.len() < 3 {
        return None;
    }
    let mut sorted: Vec<f64> = probes.iter().map(|&p| p as f64).collect();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| crate::analysis::stats::quantile_sorted(&sorted, p);
    let median = q(0.5);
    (median > 0.0).then(|| MachineNoise {
        probe_ns: probes.to_vec(),
        median_ns: median,
        mean_ns: sorted.iter().sum::<f64>() / sorted.len() as f64,
        spread: (q(0.9) - q(0.1)) / 2.0 / median,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_machine_has_a_small_spread_and_a_busy_one_a_large_one() {
        let steady = summarize(&[1000, 1005, 998, 1002, 1001]).unwrap();
        assert!(steady.spread < 0.005, "{steady:?}");
        let busy = summarize(&[1000, 1400, 990, 1800, 1010]).unwrap();
        assert!(busy.spread > 0.2, "{busy:?}");
        assert!(summarize(&[1000, 1000]).is_none());
        assert!(probe() > 0);
    }
}
