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

/// The median of `v` (the middle value, or the mean of the two middle ones).
fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The guide's rule: each side's geometric mean of its executions' medians, after setting aside an
/// execution that stands apart from the others (docs/src/methodology/statistics.md: a modified
/// z-score over 3.5 among the executions' medians, beyond 3 within-execution MADs and 5%), when two
/// or more are left.
fn geomean_of_execution_medians(bench: &Value) -> f64 {
    let executions: Vec<Vec<f64>> = bench["wall_ns"]["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect()
        })
        .collect();
    let medians: Vec<f64> = executions.iter().map(|e| median(e)).collect();
    let center = median(&medians);
    let between = median(
        &medians
            .iter()
            .map(|m| (m - center).abs())
            .collect::<Vec<_>>(),
    );
    let within = median(
        &executions
            .iter()
            .map(|e| {
                let m = median(e);
                median(&e.iter().map(|x| (x - m).abs()).collect::<Vec<_>>())
            })
            .collect::<Vec<_>>(),
    );
    let apart = |m: f64| {
        let d = (m - center).abs();
        d > 0.0
            && (between == 0.0 || 0.6745 * d / between > 3.5)
            && d > 3.0 * within
            && d >= 0.05 * center
    };
    let kept: Vec<f64> = medians.iter().copied().filter(|m| !apart(*m)).collect();
    let used = if medians.len() >= 3 && kept.len() >= 2 {
        kept
    } else {
        medians
    };
    (used.iter().map(|m| m.ln()).sum::<f64>() / used.len() as f64).exp()
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

    // The host's part of each bench (the sandbox's price), from results.json's host calls.
    let host = &bench(results, "fs-read/stream")["host"];
    let calls = host["calls_per_iteration"].as_u64().unwrap();
    assert!(calls > 0, "{host}");
    let host_line = out
        .lines()
        .find(|l| l.trim_start().starts_with("fs-read/stream: ") && l.contains(" each"))
        .unwrap_or_else(|| panic!("no host line for fs-read/stream\n{}", run.transcript()));
    assert!(
        out.contains(
            "in the host per iteration (host calls: the sandbox's work and any wait in them):"
        ) && host_line.contains(&format!(": {calls} call")),
        "{host_line}"
    );

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
    assert!(
        html.contains("(host calls: the sandbox&#39;s work and any wait in them)")
            || html.contains("(host calls: the sandbox's work and any wait in them)")
    );
}
