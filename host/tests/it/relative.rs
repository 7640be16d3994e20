//! Groups stated the way people read them: each alternative against the group's reference, as a
//! ratio with its interval, in the terminal, comparison.md and report.html — and every ratio
//! recomputable from results.json by the rule the guide states (docs/src/comparing/groups.md).

use serde_json::Value;

use crate::common::{Harness, bench};

const SUITE: &str = r#"
[defaults]
warmup = 1
samples = 6
executions = 3

[fixtures]
"data.bin" = { size = "1 MiB", seed = 1 }

[[bench]]
plugin = "fs-read"
workload = "blocking"
group = "read"

[[bench]]
plugin = "fs-read"
workload = "stream"
group = "read"

[groups.read]
reference = "stream"
"#;

/// The guide's rule: each side's geometric mean of its executions' medians (the median of an
/// execution's samples: the middle one, or the mean of the two middle ones), and their quotient.
fn geomean_of_execution_medians(bench: &Value) -> f64 {
    let executions = bench["wall_ns"]["executions"].as_array().unwrap();
    let logs: Vec<f64> = executions
        .iter()
        .map(|e| {
            let mut v: Vec<f64> = e
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect();
            v.sort_by(f64::total_cmp);
            let n = v.len();
            let median = if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            };
            median.ln()
        })
        .collect();
    (logs.iter().sum::<f64>() / logs.len() as f64).exp()
}

/// `1.234×` as the reports write ratios under 10.
fn ratio_text(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.3}×")
    }
}

#[test]
fn a_group_is_stated_against_its_reference_in_every_report() {
    let h = Harness::new();
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    let results = run.results();
    assert_eq!(results["suite"]["groups"]["read"]["reference"], "stream");
    let ratio = geomean_of_execution_medians(bench(results, "fs-read/blocking"))
        / geomean_of_execution_medians(bench(results, "fs-read/stream"));
    let (factor, word) = if ratio >= 1.0 {
        (ratio, "faster")
    } else {
        (1.0 / ratio, "slower")
    };
    let sentence_start = format!("{} [", ratio_text(factor));
    let sentence_end = format!("{word} than fs-read/blocking");

    // Terminal: the heading names the reference and why; the sentence is hyperfine's.
    let out = &run.stdout;
    assert!(
        out.contains("read: against fs-read/stream, the group's reference"),
        "{}",
        run.transcript()
    );
    let line = out
        .lines()
        .find(|l| l.contains(&sentence_end))
        .unwrap_or_else(|| panic!("no `{sentence_end}` line\n{}", run.transcript()));
    assert!(line.trim_start().starts_with(&sentence_start), "{line}");

    // comparison.md, written for a run with groups even without a baseline.
    let dir = run.out.as_ref().unwrap();
    let md = std::fs::read_to_string(dir.join("comparison.md")).unwrap();
    assert!(md.contains("### Groups"), "{md}");
    assert!(
        md.contains(&format!("- {sentence_start}"))
            && md.contains(&format!("{word} than <code>fs-read/blocking</code>")),
        "{md}"
    );

    // report.html: the table has the values the ratio is made of, and the ratio.
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        html.contains("Relative: against fs-read/stream"),
        "no relative table"
    );
    assert!(html.contains(&format!("fs-read/stream ran {sentence_start}")));
    assert!(html.contains(">Wall time relative to fs-read/stream</title>"));
}
