//! The one-line note of a bench whose executions disagree, as the terminal, comparison.md and the
//! HTML report write it: `cpu/fib[n=27]: execution 2 of 3 ran 31% slower than the others (median
//! 1.12 ms vs 0.85 ms)`. The rule is [`crate::analysis::executions`]'s. The bench id is raw: each
//! destination escapes it.

use super::format;
use crate::analysis::executions::{self, Apart, Executions};
use crate::results::RunResults;

/// One note per execution that stands apart, for every bench of `run`, in run order.
pub fn notes(run: &RunResults) -> Vec<(String, String)> {
    executions::of_run(run)
        .iter()
        .flat_map(|e| e.apart.iter().map(|a| (e.id.clone(), what(e, a))))
        .collect()
}

/// `execution 2 of 3 ran 31% slower than the others (median 1.12 ms vs 0.85 ms)`, without the id.
pub fn what(e: &Executions, a: &Apart) -> String {
    let gap = a.gap();
    format!(
        "execution {} of {} ran {:.0}% {} than the others (median {} vs {})",
        a.execution + 1,
        e.medians.len(),
        gap.abs() * 100.0,
        if gap > 0.0 { "slower" } else { "faster" },
        format::duration_ns(a.median),
        format::duration_ns(a.others)
    )
}

/// The notes as plain lines `id: what`, ids as they are (the caller escapes for its destination).
pub fn lines(run: &RunResults) -> Vec<String> {
    notes(run)
        .into_iter()
        .map(|(id, what)| format!("{id}: {what}"))
        .collect()
}

/// comparison.md's block: a heading and a bullet per execution that stands apart, of the benches
/// `shown` keeps (comparison.md lists only changed benches unless `--all`), ids in code spans
/// (plugin text can't make links or markup there); `None` when none does.
pub fn markdown(run: &RunResults, shown: impl Fn(&str) -> bool) -> Option<String> {
    let notes: Vec<(String, String)> = notes(run).into_iter().filter(|(id, _)| shown(id)).collect();
    if notes.is_empty() {
        return None;
    }
    let mut out = String::from("### Executions that stand apart\n\n");
    for (id, what) in notes {
        out.push_str(&format!(
            "- {}: {what}\n",
            super::escape::markdown::code(&id)
        ));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::executions::{samples_around as around, test_bench};

    #[test]
    fn a_note_names_the_execution_its_gap_and_both_medians() {
        let mut run = crate::report::testing::run_with_loads(Vec::new());
        run.benches = vec![
            test_bench(
                "cpu/fib[n=27]",
                &[&around(0.85), &around(1.12), &around(0.85)],
            ),
            test_bench("steady", &[&around(1.0), &around(1.0), &around(1.01)]),
            test_bench(
                "quick",
                &[&around(0.5), &around(0.5), &around(0.5), &around(0.4)],
            ),
        ];
        assert_eq!(
            lines(&run),
            [
                "cpu/fib[n=27]: execution 2 of 3 ran 32% slower than the others (median 1.12 ms vs 850 µs)",
                "quick: execution 4 of 4 ran 20% faster than the others (median 400 µs vs 500 µs)",
            ]
        );
        // Only the benches the caller shows.
        let only_quick = markdown(&run, |id| id == "quick").unwrap();
        assert_eq!(only_quick.lines().count(), 3, "{only_quick}");
        let md = markdown(&run, |_| true).unwrap();
        assert!(
            md.starts_with(
                "### Executions that stand apart\n\n- <code>cpu/fib[n=27]</code>: execution 2 of 3"
            ),
            "{md}"
        );
        assert_eq!(md.lines().count(), 4, "{md}");
        run.benches.truncate(0);
        assert_eq!(markdown(&run, |_| true), None);
    }
}
