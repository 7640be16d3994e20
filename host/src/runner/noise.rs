//! How noisy the machine is while a run measures: a fixed native workload, timed before each of the
//! executions (its time should not change; when it does, something else took the CPU or the clock
//! changed, and every wall time measured alongside moved with it), and, per iteration, how long the
//! worker's thread waited for a CPU while other processes had it — what a 2 ms probe is too short
//! to see when other processes compete for the cores.

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

/// How long the calling thread has waited, runnable, for a CPU (ns): Linux's scheduler statistics
/// (`/proc/thread-self/schedstat`, its second field, "time spent waiting on a runqueue"). Read
/// before and after an iteration, outside its timed span, the difference is the part of the
/// iteration's wall time other processes took; a thread that sleeps or waits for I/O is not
/// runnable then, so waiting of its own is not counted. `None` where the kernel doesn't say (other
/// systems): no count is recorded then. The worker runs its plugin on this thread (a
/// current-thread runtime), so the count is the plugin's.
pub fn cpu_wait_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
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

    #[test]
    fn waiting_for_a_cpu_only_grows() {
        let Some(before) = cpu_wait_ns() else {
            return; // not Linux: nothing is counted
        };
        std::thread::yield_now();
        assert!(cpu_wait_ns().unwrap() >= before);
    }
}
