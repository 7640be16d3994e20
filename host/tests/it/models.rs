//! A bench's lesson against what its suite predicts (`model = "..."`): the prediction computed from
//! the bench's parameters (defaults included), in results.json, and the measured median beside it
//! with the deviation, the same numbers in the terminal, comparison.md and report.html; a model
//! that can't be computed is refused before anything runs, naming the file, line and key.

use crate::common::{Harness, bench};

const SUITE: &str = r#"
[defaults]
warmup = 1
samples = 4
executions = 1

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 20 }
model = "n / 4 ms"
"#;

/// `1.23 ms`, `850 ns` as the reports write times (three significant digits).
fn duration(ns: f64) -> String {
    let (value, unit) = match ns {
        ns if ns < 1e3 => (ns, "ns"),
        ns if ns < 1e6 => (ns / 1e3, "µs"),
        ns if ns < 1e9 => (ns / 1e6, "ms"),
        ns => (ns / 1e9, "s"),
    };
    match value {
        v if v >= 100.0 => format!("{v:.0} {unit}"),
        v if v >= 10.0 => format!("{v:.1} {unit}"),
        v => format!("{v:.2} {unit}"),
    }
}

#[test]
fn a_model_is_set_beside_the_measurement_in_every_report() {
    let h = Harness::new();
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    let fib = bench(run.results(), "cpu/fib[n=20]");
    assert_eq!(fib["model"]["expression"], "n / 4 ms");
    // The parameters are numbers as floats: 20 / 4 = 5 ms.
    assert_eq!(fib["model"]["expected_ns"].as_f64(), Some(5e6));
    let median = fib["wall_ns"]["summary"]["median"].as_f64().unwrap();
    let deviation = format!("{:+.1}%", (median / 5e6 - 1.0) * 100.0);
    let sentence = format!(
        "{} against 5.00 ms predicted by n / 4 ms ({deviation})",
        duration(median)
    );
    assert!(
        run.stdout.contains(&format!("cpu/fib[n=20]: {sentence}")),
        "{}",
        run.transcript()
    );
    let dir = run.out.as_ref().unwrap();
    let md = std::fs::read_to_string(dir.join("comparison.md")).unwrap();
    assert!(md.contains("### Models"), "{md}");
    assert!(
        md.contains(&format!(
            "| {} | 5.00 ms | <code>n / 4 ms</code> | {deviation} |",
            duration(median)
        )),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains(r#"<section id="models""#),
        "no models section"
    );
    assert!(html.contains(&format!(r#"<td class="num">{deviation}</td>"#)));
}

#[test]
fn a_model_that_cant_be_computed_is_refused_where_it_is_written() {
    let h = Harness::new();
    // Not a unit: refused when the suite is read.
    let run = h.run_suite(&SUITE.replace("n / 4 ms", "n / 4"), &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("key `bench[0].model`") && run.stderr.contains("is not a unit"),
        "{}",
        run.transcript()
    );
    // A name that is not a parameter of the workload: refused once the plugin said which it has.
    let run = h.run_suite(&SUITE.replace("n / 4 ms", "rounds * 2 ms"), &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("key `bench[0].model`")
            && run.stderr.contains("`rounds` is not a parameter")
            && run.stderr.contains("its parameters: n"),
        "{}",
        run.transcript()
    );
}
