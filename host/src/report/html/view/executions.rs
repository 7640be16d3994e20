//! Executions, one dot each: per bench, each execution's (worker process's) median wall time
//! against the median of the bench's execution medians, on one axis for every bench, so that an
//! execution that ran apart from its bench's others shows, and is named (see
//! `analysis::executions` for the rule).

use super::context::Context;
use super::link::BenchLink;
use crate::analysis::executions::{self, MIN_EXECUTIONS};
use crate::report::format;

/// Width of a strip, in SVG units; the template draws in it.
pub const STRIP_WIDTH: f64 = 360.0;
/// Room left and right of the axis for the outermost dots and tick labels.
pub const STRIP_PAD: f64 = 20.0;

/// The executions section.
pub struct ExecutionsView {
    pub rows: Vec<ExecutionRow>,
    /// Ticks of the shared axis: (x in SVG units, label).
    pub ticks: Vec<(f64, String)>,
    /// x of 0% (each bench's median of medians).
    pub zero: f64,
    /// Benches with at least [`MIN_EXECUTIONS`] executions, which the rule can judge.
    pub judged: usize,
}

/// One bench's strip.
pub struct ExecutionRow {
    pub bench: BenchLink,
    pub dots: Vec<Dot>,
    /// `3 executions, medians 850 µs, 1.12 ms, 851 µs`.
    pub medians: String,
    /// The note of each execution that stands apart.
    pub notes: Vec<String>,
}

/// One execution.
pub struct Dot {
    /// 1 for the first execution.
    pub number: usize,
    pub x: f64,
    pub apart: bool,
    /// `execution 2: 1.12 ms, +31% from the bench's median of medians`.
    pub title: String,
}

/// The section, when some bench ran two executions or more.
pub(super) fn view(cx: &Context) -> Option<ExecutionsView> {
    let benches: Vec<(usize, executions::Executions)> = cx
        .run
        .benches
        .iter()
        .enumerate()
        .filter_map(|(i, b)| Some((i, executions::of_bench(b)?)))
        .filter(|(_, e)| e.measured() >= 2)
        // A median of 0 ns (a hand-edited or broken file) has no change to draw.
        .filter(|(_, e)| e.center > 0.0 && e.center.is_finite())
        .collect();
    if benches.is_empty() {
        return None;
    }
    // One axis for all: each median as a change from its bench's median of medians.
    let changes = benches
        .iter()
        .flat_map(|(_, e)| e.medians.iter().flatten().map(|m| m / e.center - 1.0));
    let (low, high) = changes.fold((0.0f64, 0.0f64), |(lo, hi), c| (lo.min(c), hi.max(c)));
    let step = tick_step(high - low);
    // At least ±one step, ends on whole steps.
    let (low, high) = (
        (low / step).floor().min(-1.0) * step,
        (high / step).ceil().max(1.0) * step,
    );
    let x =
        |change: f64| STRIP_PAD + (change - low) / (high - low) * (STRIP_WIDTH - 2.0 * STRIP_PAD);
    let ticks = (0..)
        .map(|k| low + k as f64 * step)
        .take_while(|t| *t <= high + step * 1e-9)
        .map(|t| (x(t), percent(t)))
        .collect();
    let judged = benches
        .iter()
        .filter(|(_, e)| e.measured() >= MIN_EXECUTIONS)
        .count();
    let rows = benches
        .iter()
        .map(|(i, e)| ExecutionRow {
            bench: cx.link(*i),
            dots: e
                .medians
                .iter()
                .enumerate()
                .filter_map(|(k, m)| m.map(|m| (k, m)))
                .map(|(k, m)| Dot {
                    number: k + 1,
                    x: x(m / e.center - 1.0),
                    apart: e.apart.iter().any(|a| a.execution == k),
                    title: format!(
                        "execution {}: {}, {} from the bench's median of medians",
                        k + 1,
                        format::duration_ns(m),
                        format::change(m / e.center)
                    ),
                })
                .collect(),
            medians: format!(
                "{}, medians {}",
                format::plural(e.medians.len(), "execution", "executions"),
                e.medians
                    .iter()
                    .map(|m| m.map_or("—".into(), format::duration_ns))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            notes: e
                .apart
                .iter()
                .map(|a| crate::report::executions::what(e, a))
                .collect(),
        })
        .collect();
    Some(ExecutionsView {
        rows,
        ticks,
        zero: x(0.0),
        judged,
    })
}

/// A change in whole percent: `-10%`, `0%`, `+20%`.
fn percent(change: f64) -> String {
    let p = (change * 100.0).round();
    if p == 0.0 {
        "0%".into()
    } else {
        format!("{p:+.0}%")
    }
}

/// A step of 1, 2 or 5 × 10ⁿ percent giving at most five steps over `span` (a share): labels that
/// fit a 360-unit strip.
fn tick_step(span: f64) -> f64 {
    let mut step = 0.01;
    loop {
        for factor in [1.0, 2.0, 5.0] {
            if span / (step * factor) <= 5.0 {
                return step * factor;
            }
        }
        step *= 10.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::executions::{samples_around as around, test_bench};

    #[test]
    fn one_dot_per_execution_on_a_shared_axis_with_the_apart_one_named() {
        let mut run = crate::report::testing::run_with_loads(Vec::new());
        run.benches = vec![
            test_bench("cpu/fib", &[&around(0.85), &around(1.12), &around(0.85)]),
            test_bench("once", &[&around(1.0)]),
            test_bench("pair", &[&around(2.0), &around(2.1)]),
        ];
        let cx = Context::new(&run, None);
        let v = view(&cx).unwrap();
        assert_eq!(v.rows.len(), 2, "a single execution has no strip");
        assert_eq!(v.judged, 1);
        let fib = &v.rows[0];
        assert_eq!(fib.bench.id, "cpu/fib");
        assert_eq!(fib.dots.len(), 3);
        let apart: Vec<usize> = fib
            .dots
            .iter()
            .filter(|d| d.apart)
            .map(|d| d.number)
            .collect();
        assert_eq!(apart, [2]);
        assert!(fib.dots[1].x > fib.dots[0].x);
        assert_eq!(fib.dots[0].x, v.zero, "the others sit at their median");
        assert_eq!(
            fib.notes,
            ["execution 2 of 3 ran 32% slower than the others (median 1.12 ms vs 850 µs)"]
        );
        assert!(
            fib.medians
                .starts_with("3 executions, medians 850 µs, 1.12 ms")
        );
        assert!(v.rows[1].notes.is_empty());
        // Every dot on the axis, the axis labelled in whole steps around 0%.
        let xs = v.rows.iter().flat_map(|r| r.dots.iter().map(|d| d.x));
        assert!(
            xs.clone()
                .all(|x| (STRIP_PAD..=STRIP_WIDTH - STRIP_PAD).contains(&x))
        );
        let labels: Vec<&str> = v.ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert!(
            labels.contains(&"0%") && labels.contains(&"+10%"),
            "{labels:?}"
        );
        assert!(v.ticks.len() >= 3 && v.ticks.len() <= 9, "{labels:?}");
    }

    #[test]
    fn no_section_without_two_executions() {
        let mut run = crate::report::testing::run_with_loads(Vec::new());
        run.benches = vec![test_bench("once", &[&around(1.0)])];
        assert!(view(&Context::new(&run, None)).is_none());
    }
}
