//! The HTML report: `run` writes a self-contained `report.html` next to `results.json`; `wasmbench
//! report` renders one from a results file, with or without a baseline. Every report must be a
//! well-formed page with no external reference, and a real browser must show it without errors or
//! network requests.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::browser::{assert_report_script_ran, chromium_or_skip, headless, png_size};
use common::{Harness, Run};
use serde_json::Value;

/// Groups of alternatives, a parameter that varies within a group (`chunk`) and among ungrouped
/// benches (`n`), a parallel pass, an expected failure and an unexpected one: every kind of section
/// the report has.
const SUITE_WITH_FAILURES: &str = r#"
[suite]
name = "html"

[defaults]
warmup = 1
samples = 6
fuel_iterations = 1

[fixtures]
"data.bin" = { size = "256 KiB", seed = 1 }

[[bench]]
plugin = "fs-read"
workload = "blocking"
group = "read"

[[bench]]
plugin = "fs-read"
workload = "stream"
params = { chunk = "4 KiB" }
group = "read"

[[bench]]
plugin = "fs-read"
workload = "stream"
params = { chunk = "16 KiB" }
group = "read"

[[bench]]
plugin = "fs-read"
workload = "stream"
group = "read"

[[bench]]
id = "fib x1"
plugin = "cpu"
workload = "fib"
params = { n = 18 }
group = "fib"

[[bench]]
id = "fib x2"
plugin = "cpu"
workload = "fib"
params = { n = 18 }
group = "fib"
instances = 2

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 10 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 14 }

[[bench]]
plugin = "misbehave"
workload = "grow"
params = { bytes = "4 MiB" }
memory = "2 MiB"
expect = "memory-limit"

[[bench]]
plugin = "misbehave"
workload = "trap"
"#;

const SINGLE_BENCH: &str = r#"
[defaults]
warmup = 1
samples = 5
fuel_iterations = 1

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 10 }
"#;

/// `run` with the suite; returns the run and its report.
fn run_with_report(h: &Harness, suite: &str, code: i32) -> (Run, PathBuf) {
    let run = h.run_suite(suite, &[]);
    run.assert_code(code);
    let report = run
        .out
        .as_ref()
        .expect("run has an out folder")
        .join("report.html");
    assert!(
        report.is_file(),
        "run wrote no report.html\n{}",
        run.transcript()
    );
    let printed = format!("report: {}", report.display());
    assert!(
        run.stdout.lines().any(|l| l.trim() == printed),
        "run does not print `{printed}` at the end\n{}",
        run.transcript()
    );
    (run, report)
}

/// Structural checks a validator would make, plus self-containment:
/// one document, balanced elements, unique ids, labelled charts, no external reference.
fn check_document(html: &str) {
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "no doctype/lang"
    );
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    for tag in [
        "<html", "<head>", "<body>", "<main>", "<title>", "<style>", "<script",
    ] {
        assert_eq!(html.matches(tag).count(), 1, "expected exactly one {tag}");
    }
    assert!(html.trim_end().ends_with("</html>"));
    check_balanced(html);

    // Self-contained: nothing loaded from anywhere.
    let without_svg_ns = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for external in [
        "http://", "https://", "//cdn", " src=", "<link", "<img", "@import", "url(",
    ] {
        assert!(
            !without_svg_ns.contains(external),
            "the report refers to something external: `{external}`"
        );
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none'"));

    // Unique ids, and every aria-labelledby target exists.
    let ids = attribute_values(html, "id");
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    for labels in attribute_values(html, "aria-labelledby") {
        for id in labels.split_whitespace() {
            assert!(
                unique.contains(&id.to_string()),
                "aria-labelledby `{id}` has no target"
            );
        }
    }
    for href in attribute_values(html, "href") {
        let target = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("non-local link {href}"));
        assert!(
            unique.contains(&target.to_string()),
            "link to missing #{target}"
        );
    }

    // Every chart is an accessible SVG with a title, inside a figure with a caption.
    let svgs = html.matches("<svg ").count();
    assert!(svgs > 0, "no chart");
    assert_eq!(html.matches("role=\"img\"").count(), svgs);
    assert_eq!(html.matches("<figure").count(), svgs);
    assert_eq!(html.matches("<figcaption>").count(), svgs);
    for svg in html.split("<svg ").skip(1) {
        let open = &svg[..svg.find('>').unwrap()];
        assert!(
            open.contains("aria-labelledby="),
            "svg without a label: {open}"
        );
        assert!(
            svg[open.len()..].starts_with("><title id="),
            "svg without a title"
        );
    }
}

/// Every non-void element is closed in order (script and style contents skipped; SVG's `/>` ok).
fn check_balanced(html: &str) {
    const VOID: [&str; 7] = ["meta", "br", "input", "img", "link", "hr", "wbr"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        if rest.starts_with('!') {
            continue;
        }
        let end = rest.find('>').expect("unterminated tag");
        let tag = &rest[..end];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &rest[end + 1..];
        if closing {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("`</{name}>` closes nothing"));
            assert_eq!(open, name, "`<{open}>` closed by `</{name}>`");
        } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            if name == "script" || name == "style" {
                let close = format!("</{name}>");
                let at = rest
                    .find(&close)
                    .unwrap_or_else(|| panic!("unclosed <{name}>"));
                rest = &rest[at + close.len()..];
                continue;
            }
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

/// The values of `name="..."` attributes.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let key = format!(" {name}=\"");
    html.split(&key)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn report_of_a_run_with_failures() {
    let h = Harness::new();
    let (run, report) = run_with_report(&h, SUITE_WITH_FAILURES, 1);
    let html = read(&report);
    check_document(&html);

    // Header verdict and the failures section, with the status in words.
    assert!(
        html.contains("✗ 1 failure (of 10 benches)."),
        "verdict missing\n{}",
        run.transcript()
    );
    assert!(html.contains("id=\"failures\""));
    assert!(html.contains("✗ FAILED: trap"));
    assert!(html.contains("✓ memory-limit (expected)"));
    let trap = common::bench(run.results(), "misbehave/trap");
    let message = common::message(trap);
    let first_line = message.lines().next().unwrap();
    assert!(
        html.contains(
            &first_line
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;")
        ),
        "the trap's message is not in the report: {first_line}"
    );

    // One row per bench in the summary, a section per group, a detail per bench.
    assert_eq!(html.matches("<details class=\"bench\"").count(), 10);
    for group in ["read", "fib"] {
        assert!(
            html.contains(&format!("Group <code>{group}</code>")),
            "no section for {group}"
        );
    }
    assert!(html.contains("Benches without a group"));
    // Comparative charts per group, scaling charts (parameter and instances), per-bench charts.
    for title in [
        "Wall time per iteration, read",
        "Fuel per iteration, read",
        "Peak linear memory, read",
        "Median wall time against chunk, read",
        "Throughput against instances, fib",
        "Median wall time against n, benches without a group",
        "Wall time in run order, cpu/fib[n=10]",
        "Distribution of wall time, cpu/fib[n=10]",
        "Linear memory after each iteration, cpu/fib[n=10]",
    ] {
        assert!(
            html.contains(&format!(">{title}</title>")),
            "no chart `{title}`"
        );
    }
    // Axis titles carry units.
    assert!(
        html.contains("wall time per iteration (µs)")
            || html.contains("wall time per iteration (ms)")
    );
    assert!(html.contains("peak linear memory (MiB)") || html.contains("peak linear memory (KiB)"));
}

#[test]
fn report_of_a_single_bench() {
    let h = Harness::new();
    let (run, _) = run_with_report(&h, SINGLE_BENCH, 0);
    let results = run.out.as_ref().unwrap().join("results.json");
    let custom = h.path().join("custom.html");
    let report = h.wasmbench(&[
        "report",
        results.to_str().unwrap(),
        "-o",
        custom.to_str().unwrap(),
    ]);
    report.assert_code(0);
    assert!(
        report
            .stdout
            .contains(&format!("report: {}", custom.display()))
    );
    let html = read(&custom);
    check_document(&html);
    assert!(html.contains("✓ All ok: 1 bench ended as expected."));
    assert!(!html.contains("id=\"failures\""));
    assert!(!html.contains("id=\"baseline\""));
    assert_eq!(html.matches("<details class=\"bench\"").count(), 1);
    assert!(html.contains(">Wall time in run order, cpu/fib[n=10]</title>"));
}

/// Replaces a bench's wall-time samples with `factor` × its median, every one the same: a baseline
/// without noise, so the verdict can't depend on how noisy this machine was during the run.
fn steady_wall(results: &mut Value, id: &str, factor: f64) {
    let bench = results["benches"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no bench {id}"));
    let wall = &mut bench["wall_ns"];
    let value = (wall["summary"]["median"].as_f64().unwrap() * factor).round();
    for s in wall["samples"].as_array_mut().unwrap() {
        *s = Value::from(value as u64);
    }
    for execution in wall["executions"].as_array_mut().unwrap() {
        for s in execution.as_array_mut().unwrap() {
            *s = Value::from(value as u64);
        }
    }
    for key in [
        "min",
        "max",
        "mean",
        "median",
        "median_ci_low",
        "median_ci_high",
        "p95",
    ] {
        wall["summary"][key] = Value::from(value);
    }
    for key in ["stddev", "mad", "cv"] {
        wall["summary"][key] = Value::from(0.0);
    }
}

#[test]
fn report_with_a_baseline_with_regressions() {
    let h = Harness::new();
    let (run, _) = run_with_report(&h, SUITE_WITH_FAILURES, 1);
    let out = run.out.as_ref().unwrap();
    // The baseline was ten times as fast on one bench and ten times as slow on another. Both sides
    // are made steady, so the verdicts don't hang on how busy the test machine was.
    let mut current = run.results().clone();
    let mut baseline = current.clone();
    for (id, factor) in [("fs-read/stream", 0.1), ("cpu/fib[n=14]", 10.0)] {
        steady_wall(&mut current, id, 1.0);
        steady_wall(&mut baseline, id, factor);
    }
    std::fs::write(
        out.join("results.json"),
        serde_json::to_string(&current).unwrap(),
    )
    .unwrap();
    let baseline_path = h.path().join("baseline.json");
    std::fs::write(&baseline_path, serde_json::to_string(&baseline).unwrap()).unwrap();

    let report = h.wasmbench(&[
        "report",
        out.join("results.json").to_str().unwrap(),
        "--baseline",
        baseline_path.to_str().unwrap(),
    ]);
    report.assert_code(0);
    let path = out.join("report.html");
    assert!(
        report
            .stdout
            .contains(&format!("report: {}", path.display()))
    );
    let html = read(&path);
    check_document(&html);

    assert!(
        html.contains("▲ 1 regression against the baseline"),
        "verdict missing"
    );
    assert!(html.contains("id=\"baseline\""));
    assert!(html.contains(">Wall time against the baseline</title>"));
    // Regressions first in the baseline table, improvements after them.
    let section =
        &html[html.find("id=\"baseline\"").unwrap()..html.find("id=\"comparisons\"").unwrap()];
    let table = &section[section.find("<tbody>").unwrap()..];
    // Ids are marked up to wrap between their pieces: compare the text.
    let first_row = text_of(&table[..table.find("</tr>").unwrap()]);
    assert!(
        first_row.contains("fs-read/stream"),
        "the regression is not first: {first_row}"
    );
    assert!(first_row.contains("▲ regressed"));
    let table = text_of(table);
    let improved = table.find("cpu/fib[n=14]").unwrap();
    let unchanged = table.find("= unchanged").unwrap();
    assert!(
        improved < unchanged,
        "improvements should come before unchanged benches"
    );
    assert!(table.contains("▼ improved"));
    // The summary has the change column.
    assert!(html.contains("<button type=\"button\">vs baseline</button>"));
}

// --- A real browser ---------------------------------------------------------------------------------

#[test]
fn chromium_shows_the_report_without_errors_or_requests() {
    let Some(browser) = chromium_or_skip("chromium_shows_the_report_without_errors_or_requests")
    else {
        return;
    };
    let h = Harness::new();
    let (_, report) = run_with_report(&h, SUITE_WITH_FAILURES, 1);
    let html = read(&report);
    let charts = html.matches("<svg ").count();

    let shots = h.path().join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    let screenshot = shots.join("report.png");
    let netlog = shots.join("netlog.json");
    let started = Instant::now();
    let (_, stderr) = headless(
        &browser,
        &shots.join("profile-1"),
        &report,
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,4000".into(),
            format!("--log-net-log={}", netlog.display()),
        ],
    );
    eprintln!("chromium took {:?} for the screenshot", started.elapsed());

    // No console message at all (errors, uncaught exceptions, blocked loads all log there).
    let console: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );

    // The page made no request: Chromium's own service requests carry no page initiator, the
    // page's own would (a file:// page's origin is "null").
    let log = read(&netlog);
    assert!(log.contains("\"events\""), "empty net log");
    for initiator in ["\"initiator\":\"null\"", "\"initiator\":\"file://"] {
        assert!(
            !log.contains(initiator),
            "the page made a network request ({initiator})"
        );
    }

    // A real screenshot, kept as the test artifact.
    let png = std::fs::read(&screenshot).expect("no screenshot written");
    assert_eq!(png_size(&png), (1280, 4000));
    assert!(
        png.len() > 60_000,
        "screenshot suspiciously small: {} bytes",
        png.len()
    );
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    std::fs::copy(&screenshot, artifacts.join("report.png")).unwrap();
    std::fs::copy(&report, artifacts.join("report.html")).unwrap();

    // Every chart is in the rendered DOM, and the inline script ran (it unhides its buttons).
    let (dom, stderr) = headless(
        &browser,
        &shots.join("profile-2"),
        &report,
        &["--dump-dom".into()],
    );
    assert!(!stderr.contains(":CONSOLE"), "console messages:\n{stderr}");
    assert_eq!(
        dom.matches("<svg ").count(),
        charts,
        "charts missing from the DOM"
    );
    assert_report_script_ran(&html, &dom);
}

/// `html` without its tags: the text a reader sees, in order.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}
