//! Executions seen one by one: each execution's (worker process's) median wall time per bench, and
//! the executions that stand apart from the others. A whole process sometimes runs slow (placement
//! on a busy core, a frequency step, memory layout); pooled samples hide that one execution moved
//! the median or widened its interval.
//!
//! The rule (stated in the guide's statistics page): with at least [`MIN_EXECUTIONS`] executions
//! that have samples, execution *i* stands apart when the distance `d` of its median from the median
//! of all executions' medians `C` is
//!
//! 1. an outlier among the executions: `0.6745 · d / MAD > 3.5`, MAD being the median distance of
//!    the executions' medians from `C` (Iglewicz and Hoaglin's modified z-score; a MAD of 0 lets any
//!    distance through to the next tests);
//! 2. beyond the noise within executions: `d > 3 ×` the median of the executions' own MADs;
//! 3. big enough to matter: `d ≥ 5 %` of `C`.
//!
//! Medians and MADs resist what they measure: fewer than half the executions apart can't hide each
//! other, and one slow iteration moves neither its execution's median nor the rule's scale.

use crate::analysis::stats;
use crate::results::{BenchResult, RunResults};

/// Executions with samples a bench needs before one can stand apart.
pub const MIN_EXECUTIONS: usize = 3;
/// Modified z-score beyond which an execution's median is an outlier among the executions'.
const MODIFIED_Z: f64 = 3.5;
/// The MAD of normal data is 0.6745 standard deviations.
const MAD_TO_SIGMA: f64 = 0.6745;
/// How many within-execution MADs the distance must exceed.
const WITHIN_FACTOR: f64 = 3.0;
/// The smallest distance worth a note, as a share of the median of medians.
const MIN_SHARE: f64 = 0.05;

/// One bench's executions.
#[derive(Debug, Clone, PartialEq)]
pub struct Executions {
    pub id: String,
    /// Each execution's median wall time (ns) in run order; `None` for one without samples.
    pub medians: Vec<Option<f64>>,
    /// The median of the executions' medians.
    pub center: f64,
    /// The executions that stand apart, in run order.
    pub apart: Vec<Apart>,
}

impl Executions {
    /// Executions that have samples.
    pub fn measured(&self) -> usize {
        self.medians.iter().flatten().count()
    }
}

/// An execution that stands apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Apart {
    /// Its index in run order (0-based; execution 1 is the first).
    pub execution: usize,
    pub median: f64,
    /// The median of the medians of the executions that don't stand apart.
    pub others: f64,
}

impl Apart {
    /// How much slower (positive) or faster (negative) than the others, as a share: 0.31 is 31%.
    pub fn gap(&self) -> f64 {
        self.median / self.others - 1.0
    }
}

/// The executions of every bench with at least two executions with samples, in the run's order.
pub fn of_run(run: &RunResults) -> Vec<Executions> {
    run.benches
        .iter()
        .filter_map(of_bench)
        .filter(|e| e.measured() >= 2)
        .collect()
}

/// A bench's executions; `None` without wall-time samples.
pub fn of_bench(bench: &BenchResult) -> Option<Executions> {
    let wall = bench.wall_ns.as_ref()?;
    let executions = wall.executions_f64();
    let medians: Vec<Option<f64>> = executions.iter().map(|e| median(e)).collect();
    let measured: Vec<f64> = medians.iter().flatten().copied().collect();
    let center = median(&measured)?;
    let apart = apart(&executions, &medians, center);
    Some(Executions {
        id: bench.head.id.clone(),
        medians,
        center,
        apart,
    })
}

/// The executions (by index) of samples per execution that stand apart, by the module's rule.
pub fn standing_apart(executions: &[Vec<f64>]) -> Vec<usize> {
    let medians: Vec<Option<f64>> = executions.iter().map(|e| median(e)).collect();
    let measured: Vec<f64> = medians.iter().flatten().copied().collect();
    let Some(center) = median(&measured) else {
        return Vec::new();
    };
    apart(executions, &medians, center)
        .into_iter()
        .map(|a| a.execution)
        .collect()
}

fn apart(executions: &[Vec<f64>], medians: &[Option<f64>], center: f64) -> Vec<Apart> {
    let measured: Vec<f64> = medians.iter().flatten().copied().collect();
    if measured.len() < MIN_EXECUTIONS || center <= 0.0 {
        return Vec::new();
    }
    let between = median(
        &measured
            .iter()
            .map(|m| (m - center).abs())
            .collect::<Vec<_>>(),
    )
    .unwrap_or(0.0);
    let within = median(
        &executions
            .iter()
            .filter(|e| !e.is_empty())
            .map(|e| mad(e))
            .collect::<Vec<_>>(),
    )
    .unwrap_or(0.0);
    let stands_apart = |m: f64| {
        let d = (m - center).abs();
        let outlier = between == 0.0 || MAD_TO_SIGMA * d / between > MODIFIED_Z;
        d > 0.0 && outlier && d > WITHIN_FACTOR * within && d >= MIN_SHARE * center
    };
    let flagged: Vec<usize> = (0..medians.len())
        .filter(|&i| medians[i].is_some_and(stands_apart))
        .collect();
    let rest: Vec<f64> = (0..medians.len())
        .filter(|i| !flagged.contains(i))
        .filter_map(|i| medians[i])
        .collect();
    let others = median(&rest).unwrap_or(center);
    flagged
        .into_iter()
        .map(|execution| Apart {
            execution,
            median: medians[execution].expect("flagged executions have samples"),
            others,
        })
        .collect()
}

fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(stats::quantile_sorted(&sorted, 0.5))
}

/// Median absolute deviation from the median (unscaled).
fn mad(values: &[f64]) -> f64 {
    let Some(m) = median(values) else { return 0.0 };
    median(&values.iter().map(|v| (v - m).abs()).collect::<Vec<_>>()).unwrap_or(0.0)
}

/// A bench whose wall time is `executions` (ns per sample, per execution), for tests here and in
/// the reports.
#[cfg(test)]
pub(crate) fn test_bench(id: &str, executions: &[&[u64]]) -> BenchResult {
    let mut bench: BenchResult = serde_json::from_value(serde_json::json!({
        "id": id, "plugin": "cpu", "workload": "fib", "group": null, "params": {},
        "wasm": { "path": "cpu.wasm", "sha256": "00" },
        "limits": { "fuel": 1, "memory_bytes": 1, "deadline": 1 },
        "warmup": 0, "status": "ok", "expected": "ok", "met_expectation": true,
        "message": null, "phases": { "compile_ns": 0, "compile_cached": true, "instantiate_ns": 0, "setup_ns": 0 },
        "fuel": null,
        "memory": { "peak_bytes": 1048576, "per_iteration": [], "growth_per_iteration": 0.0, "leak_suspected": false },
        "checksum": "1", "checksum_stable": true, "units": null, "counters": {}
    }))
    .expect("a valid bench");
    bench.wall_ns = stats::wall_result(executions.iter().map(|e| e.to_vec()).collect());
    bench
}

/// Ten samples around `ms` milliseconds, ±0.5%: one quiet execution, for the reports' tests.
#[cfg(test)]
pub(crate) fn samples_around(ms: f64) -> Vec<u64> {
    (0..10)
        .map(|k| (ms * 1e6 * (0.995 + 0.001 * k as f64)) as u64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten samples around `ms` milliseconds, ±1%.
    fn around(ms: f64) -> Vec<u64> {
        (0..10)
            .map(|k| (ms * 1e6 * (0.99 + 0.002 * k as f64)) as u64)
            .collect()
    }

    fn bench(medians_ms: &[f64]) -> BenchResult {
        let executions: Vec<Vec<u64>> = medians_ms.iter().map(|&m| around(m)).collect();
        let refs: Vec<&[u64]> = executions.iter().map(Vec::as_slice).collect();
        test_bench("cpu/fib[n=27]", &refs)
    }

    #[test]
    fn a_slow_execution_stands_apart() {
        let e = of_bench(&bench(&[0.85, 1.12, 0.86])).unwrap();
        assert_eq!(e.medians.len(), 3);
        assert_eq!(e.apart.len(), 1, "{e:?}");
        let apart = e.apart[0];
        assert_eq!(apart.execution, 1);
        assert!((apart.median - 1.12e6).abs() < 0.01e6, "{apart:?}");
        assert!((apart.others - 0.855e6).abs() < 0.01e6, "{apart:?}");
        assert!((apart.gap() - 0.31).abs() < 0.01, "{}", apart.gap());
    }

    #[test]
    fn two_slow_executions_of_ten_both_stand_apart() {
        let mut medians = vec![1.0; 8];
        medians.extend([1.3, 1.32]);
        let e = of_bench(&bench(&medians)).unwrap();
        let apart: Vec<usize> = e.apart.iter().map(|a| a.execution).collect();
        assert_eq!(apart, [8, 9]);
        // A fast one stands apart too.
        let e = of_bench(&bench(&[1.0, 1.0, 0.7, 1.01])).unwrap();
        assert_eq!(e.apart.len(), 1);
        assert!(e.apart[0].gap() < -0.25);
    }

    #[test]
    fn executions_that_spread_evenly_or_within_their_noise_do_not() {
        // Evenly spread: no one execution is apart from a pack.
        let e = of_bench(&bench(&[1.0, 1.3, 1.6])).unwrap();
        assert!(e.apart.is_empty(), "{e:?}");
        // 3% apart: below the 5% that is worth a note.
        let e = of_bench(&bench(&[1.0, 1.0, 1.03])).unwrap();
        assert!(e.apart.is_empty(), "{e:?}");
        // 20% apart, but each execution's own samples spread ±30%.
        let noisy: Vec<Vec<u64>> = [1.0, 1.0, 1.2]
            .iter()
            .map(|&m| {
                (0..10)
                    .map(|k| (m * 1e6 * (0.7 + 0.06 * k as f64)) as u64)
                    .collect()
            })
            .collect();
        let refs: Vec<&[u64]> = noisy.iter().map(Vec::as_slice).collect();
        let e = of_bench(&test_bench("noisy", &refs)).unwrap();
        assert!(e.apart.is_empty(), "{e:?}");
    }

    #[test]
    fn fewer_than_three_executions_flag_nothing() {
        let e = of_bench(&bench(&[1.0, 2.0])).unwrap();
        assert_eq!(e.measured(), 2);
        assert!(e.apart.is_empty());
        // An execution without samples (results keep none, a crafted file might) doesn't count
        // towards three, and keeps its number.
        let mut b = test_bench("x", &[&around(1.0), &around(1.5)]);
        b.wall_ns.as_mut().unwrap().executions.insert(1, Vec::new());
        let e = of_bench(&b).unwrap();
        assert_eq!(e.medians.len(), 3);
        assert_eq!(e.medians[1], None);
        assert!(e.apart.is_empty());
        assert!(of_bench(&test_bench("none", &[])).is_none());
    }

    #[test]
    fn a_run_lists_benches_with_two_executions_or_more() {
        let mut run = crate::report::testing::run_with_loads(Vec::new());
        run.benches = vec![
            bench(&[1.0, 1.0, 1.4]),
            bench(&[1.0]),
            test_bench("failed", &[]),
        ];
        let all = of_run(&run);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].apart.len(), 1);
    }
}
