use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use super::*;
use crate::analysis::compare::{Comparison, Mode};
use crate::report::testing::rendered_loads;

/// A comparison with a bench of every kind a `status` or metric case can have: regressed, failed,
/// missing, new, no data, unchanged; ids that quote hostile text.
fn comparison() -> Comparison {
    let change = |id: &str, verdict, old, new, note: Option<&str>, metrics| BenchChange {
        id: id.into(),
        group: None,
        old_status: old,
        new_status: new,
        verdict,
        metrics,
        note: note.map(str::to_owned),
    };
    let metric = |metric: Metric, verdict: Verdict, old: Option<f64>, new: Option<f64>| {
        metric_change(serde_json::json!({
            "metric": metric.as_str(), "verdict": verdict.as_str(), "old": old, "new": new,
            "ratio": old.zip(new).map(|(o, n)| n / o), "ratio_ci": null, "threshold": 0.005,
        }))
    };
    let ok = Some(Status::Ok);
    Comparison {
        old_label: "old".into(),
        new_label: "new".into(),
        mode: Mode::Baseline,
        thresholds: Default::default(),
        benches: vec![
            change(
                "cpu/fib[n=18]",
                Verdict::Regressed,
                ok,
                ok,
                None,
                vec![
                    metric(Metric::Fuel, Verdict::Regressed, Some(100.0), Some(120.0)),
                    metric(Metric::Memory, Verdict::NoData, Some(65536.0), None),
                ],
            ),
            change(
                "trapper",
                Verdict::Failed,
                ok,
                Some(Status::Trap),
                Some("ended `trap`, expected `ok`"),
                vec![],
            ),
            change("gone", Verdict::Missing, ok, None, None, vec![]),
            change("fresh", Verdict::New, None, ok, None, vec![]),
            change(
                "bomb",
                Verdict::Unchanged,
                Some(Status::MemoryLimit),
                Some(Status::MemoryLimit),
                None,
                vec![],
            ),
            change(
                "evil\x1b[2J\u{202e}<!--[[ATTACHMENT|/etc/passwd]]\u{fffe}",
                Verdict::Missing,
                ok,
                None,
                Some(""),
                vec![],
            ),
        ],
        loads: Vec::new(),
        machine_noise: None,
    }
}

/// A metric's change as results hold it (the fields a test doesn't name take their defaults).
fn metric_change(json: serde_json::Value) -> MetricChange {
    serde_json::from_value(json).expect("a metric change")
}

/// What the scenario that could not start says: hostile plugin text.
const HOSTILE_MESSAGE: &str = "\x1b[31mboom [[ATTACHMENT|/etc/passwd]]\u{202e}\nat line 2";

/// junit.xml of [`comparison`], with the load scenarios of the reports' tests.
fn rendered() -> String {
    let (mut run, _) = rendered_loads(&JUnit);
    run.loads[1].head.message = Some(HOSTILE_MESSAGE.into());
    let comparison = comparison();
    let inputs = Inputs {
        results: &run,
        comparison: Some(&comparison),
        all: true,
        dir: None,
    };
    JUnit.render(&inputs).unwrap().unwrap()
}

/// `(classname, name, kind of outcome, message)` of every case.
fn cases(xml: &str) -> Vec<(String, String, &'static str, String)> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let outcome = n
                .children()
                .find(|c| c.has_tag_name("failure") || c.has_tag_name("skipped"));
            (
                n.attribute("classname").unwrap_or("").to_string(),
                n.attribute("name").unwrap_or("").to_string(),
                match outcome.map(|o| o.tag_name().name()) {
                    Some("failure") => "failure",
                    Some(_) => "skipped",
                    None => "passed",
                },
                outcome
                    .and_then(|o| o.attribute("message"))
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

/// Without a baseline, a run with load scenarios still writes junit.xml: a `status` case per
/// scenario and a case per threshold, failing exactly where a threshold was missed or the
/// scenario could not run — and its `status` case fails with them.
#[test]
fn load_scenarios_are_test_cases_without_a_baseline() {
    let (run, xml) = rendered_loads(&JUnit);
    let cases = cases(&xml);
    let overloaded = &run.loads[0].head.id;
    let failed: Vec<&str> = cases
        .iter()
        .filter(|(class, _, outcome, _)| class == overloaded && *outcome == "failure")
        .map(|(_, name, _, _)| name.as_str())
        .collect();
    assert_eq!(
        failed,
        [
            "status",
            "p95 < 100ms (overall)",
            "service.p99 <= 10ms (overload)"
        ],
        "{xml}"
    );
    let status = &cases.iter().find(|c| &c.0 == overloaded).unwrap().3;
    assert_eq!(
        status, "2 of 4 thresholds missed: p95 < 100ms (overall), service.p99 <= 10ms (overload).",
        "{xml}"
    );
    let passed = cases
        .iter()
        .filter(|(class, _, outcome, _)| class == overloaded && *outcome == "passed")
        .count();
    assert_eq!(passed, 2, "error_rate and throughput hold: {xml}");
    let unstarted = &run.loads[1];
    let (_, _, outcome, message) = cases
        .iter()
        .find(|(class, name, _, _)| class == &unstarted.head.id && name == "status")
        .unwrap();
    assert_eq!(*outcome, "failure", "{xml}");
    assert!(message.len() > "error: .".len(), "{message}");
    let p95 = &run.loads[0].thresholds[0];
    let message = format!(
        "p95 &lt; 100ms (overall) missed: observed {}.",
        format::load_value(p95.threshold.metric, p95.observed)
    );
    assert!(xml.contains(&message), "no {message:?} in {xml}");
}

/// Every failure and skip says why in a sentence: the verdict, a colon, the reason, a full stop;
/// never `missing: ` and nothing after.
#[test]
fn every_failure_and_skip_is_a_whole_sentence() {
    let xml = rendered();
    let cases = cases(&xml);
    let said: BTreeMap<(&str, &str), (&str, &str)> = cases
        .iter()
        .map(|(c, n, o, m)| ((c.as_str(), n.as_str()), (*o, m.as_str())))
        .collect();
    assert_eq!(
        said[&("gone", "status")],
        (
            "failure",
            "missing: in the baseline (where it ended `ok`), not in this run."
        )
    );
    assert_eq!(
        said[&("trapper", "status")],
        ("failure", "failed: ended `trap`, expected `ok`.")
    );
    assert_eq!(
        said[&("cpu/fib[n=18]", "memory")].1,
        format!(
            "no-data: {} — vs 64.0 KiB, threshold 0.5%; measured in the baseline only.",
            Metric::Memory.label()
        )
    );
    for (class, name, outcome, message) in &cases {
        if *outcome == "passed" {
            continue;
        }
        let (head, reason) = message
            .split_once(": ")
            .unwrap_or_else(|| panic!("{class} {name}: {message:?}"));
        assert!(
            !head.is_empty() && reason.trim().len() > 3 && message.ends_with('.'),
            "{class} {name}: {message:?}"
        );
    }
    // A passing case says what it saw, too.
    let out = |text: &str| xml.contains(&format!("<system-out>{text}</system-out>"));
    assert!(
        out("new: not in the baseline; it ended `ok` in this run."),
        "{xml}"
    );
    assert!(
        out(
            "unchanged: ended `memory-limit` in both runs, so there are no measurements to compare."
        ),
        "{xml}"
    );
}

/// Hostile text reads back as its visible escape, and can't name a GitLab attachment.
#[test]
fn hostile_text_stays_text() {
    let xml = rendered();
    let cases = cases(&xml);
    let (_, _, outcome, message) = cases
        .iter()
        .find(|(_, name, outcome, m)| {
            name == "status" && *outcome == "failure" && m.contains("boom")
        })
        .unwrap_or_else(|| panic!("{xml}"));
    assert_eq!(*outcome, "failure");
    // One line in the attribute; the text keeps the line break.
    assert!(
        message.ends_with(r"boom [[ATTACHMENT|/etc/passwd]]\u{202e}\nat line 2."),
        "{message}"
    );
    assert!(
        xml.contains("boom [ [ATTACHMENT|/etc/passwd]]\\u{202e}\nat line 2.</failure>"),
        "{xml}"
    );
    assert!(
        cases.iter().any(
            |(class, ..)| class == r"evil\x1b[2J\u{202e}<!--[[ATTACHMENT|/etc/passwd]]\u{fffe}"
        ),
        "{xml}"
    );
    let doc = roxmltree::Document::parse(&xml).unwrap();
    for node in doc.descendants().filter(|n| n.is_text()) {
        assert!(
            !node.text().unwrap_or("").contains("[[ATTACHMENT|"),
            "{xml}"
        );
    }
}

#[test]
fn failure_text_reads_as_a_sentence() {
    let change = metric_change(serde_json::json!({
        "metric": "wall", "verdict": "regressed", "old": 1_200_000.0, "new": 1_340_000.0,
        "ratio": 1.117, "ratio_ci": [1.08, 1.152], "threshold": 0.05, "gating": true,
        "basis": "3 vs 3 executions",
    }));
    assert_eq!(
        describe(&change),
        format!(
            "{} 1.34 ms vs 1.20 ms (+11.7%, 95% CI +8.0% … +15.2%), threshold 5%; 3 vs 3 executions",
            Metric::Wall.label()
        )
    );
}

/// The Jenkins xunit plugin's schema, kept as a fixture (its header names the source).
fn schema_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit-10.xsd")
}

/// An element's allowed attributes, required attributes and allowed child elements.
type Declared = (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>);

/// What `junit-10.xsd` declares for each element: the attributes it allows, those it requires,
/// and the elements it allows inside. Read from the schema itself (all its elements are global
/// `xs:element name=…`, their children `xs:element ref=…`), so the check below follows the file.
fn schema() -> BTreeMap<String, Declared> {
    let text = std::fs::read_to_string(schema_path()).expect("the xunit schema fixture");
    let doc = roxmltree::Document::parse(&text).expect("the schema is XML");
    let mut types = BTreeMap::new();
    for element in doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("element"))
    {
        let name = element.attribute("name").unwrap().to_string();
        let (mut allowed, mut required, mut children) = Default::default();
        // A named type (`rerunType`, `xs:string`) or an inline one.
        let body = match element.attribute("type") {
            Some(t) => doc
                .root_element()
                .children()
                .find(|n| n.attribute("name") == Some(t)),
            None => Some(element),
        };
        for node in body.iter().flat_map(|b| b.descendants()) {
            if node.has_tag_name("attribute") {
                let attribute = node.attribute("name").unwrap().to_string();
                if node.attribute("use") == Some("required") {
                    BTreeSet::insert(&mut required, attribute.clone());
                }
                BTreeSet::insert(&mut allowed, attribute);
            } else if let Some(child) = node.attribute("ref") {
                BTreeSet::insert(&mut children, child.to_string());
            }
        }
        types.insert(name, (allowed, required, children));
    }
    types
}

/// Every element we write is one the schema declares, where it allows it, with only the
/// attributes it allows and all it requires; times have at most three decimals (`SUREFIRE_TIME`).
#[test]
fn junit_follows_the_xunit_schema() {
    let schema = schema();
    assert!(
        schema["testsuites"].0.contains("tests") && !schema["testsuites"].0.contains("skipped"),
        "the fixture is junit-10.xsd: {schema:?}"
    );
    for xml in [rendered(), rendered_loads(&JUnit).1] {
        let doc = roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "testsuites");
        for node in doc.descendants().filter(|n| n.is_element()) {
            let name = node.tag_name().name();
            let (allowed, required, children) = schema
                .get(name)
                .unwrap_or_else(|| panic!("<{name}> is not in the schema"));
            for attribute in node.attributes() {
                assert!(
                    allowed.contains(attribute.name()),
                    "<{name} {}> is not allowed:\n{xml}",
                    attribute.name()
                );
            }
            for attribute in required {
                assert!(
                    node.has_attribute(attribute.as_str()),
                    "<{name}> lacks {attribute}"
                );
            }
            for child in node.children().filter(|n| n.is_element()) {
                assert!(
                    children.contains(child.tag_name().name()),
                    "<{}> inside <{name}>",
                    child.tag_name().name()
                );
            }
            if let Some(time) = node.attribute("time") {
                let (whole, fraction) = time.split_once('.').unwrap_or((time, ""));
                assert!(
                    whole.bytes().all(|b| b.is_ascii_digit())
                        && fraction.len() <= 3
                        && fraction.bytes().all(|b| b.is_ascii_digit()),
                    "time {time:?}"
                );
            }
        }
    }
}

/// Whether a missing xmllint fails [`xmllint_validates_against_the_xunit_schema`] rather than
/// skipping it: on CI (`CI`, or `WASMBENCH_REQUIRE_XMLLINT`, which `.ci/run` sets).
fn xmllint_required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("WASMBENCH_REQUIRE_XMLLINT") || set("CI")
}

/// The real validator: libxml2's `xmllint --schema junit-10.xsd`, as Jenkins' xunit plugin
/// validates (it uses the JDK's validator; both implement XML Schema 1.0).
#[test]
fn xmllint_validates_against_the_xunit_schema() {
    let works = Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(
            !xmllint_required(),
            "xmllint is required here (WASMBENCH_REQUIRE_XMLLINT or CI is set): install Debian's \
             `libxml2-utils` (.ci/run does)"
        );
        eprintln!(
            "SKIPPED xmllint_validates_against_the_xunit_schema: no xmllint (install Debian's \
             `libxml2-utils`; with WASMBENCH_REQUIRE_XMLLINT=1 or CI set the test fails instead)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, xml) in [
        ("comparison.xml", rendered()),
        ("loads.xml", rendered_loads(&JUnit).1),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &xml).unwrap();
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(schema_path())
            .arg(&path)
            .output()
            .expect("running xmllint");
        assert!(
            out.status.success(),
            "xmllint rejects {name}: {}\n{xml}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // And the schema does reject what the file used to hold.
    let old = rendered().replacen(" tests=", " skipped=\"0\" tests=", 1);
    let path = dir.path().join("old.xml");
    std::fs::write(&path, old).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema_path())
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success(), "xmllint accepts anything");
}

/// An inconclusive wall time is neither a pass nor a failure: a skipped case whose message says why
/// and what would settle it.
#[test]
fn an_inconclusive_verdict_is_skipped_with_its_reason() {
    let mut comparison = comparison();
    comparison.benches = vec![BenchChange {
        id: "cpu/sort".into(),
        group: None,
        old_status: Some(Status::Ok),
        new_status: Some(Status::Ok),
        verdict: Verdict::Inconclusive,
        metrics: vec![metric_change(serde_json::json!({
            "metric": "wall", "verdict": "inconclusive", "old": 2.3e6, "new": 2.4e6,
            "ratio": 1.04, "ratio_ci": [0.9, 1.2], "threshold": 0.05,
            "basis": "inconclusive: the 95% interval 0.900×–1.200× reaches beyond ±5% (3 vs 3 executions)",
        }))],
        note: None,
    }];
    let (run, _) = rendered_loads(&JUnit);
    let xml = JUnit
        .render(&Inputs {
            results: &run,
            comparison: Some(&comparison),
            all: true,
            dir: None,
        })
        .unwrap()
        .unwrap();
    let case = cases(&xml)
        .into_iter()
        .find(|c| c.0.contains("cpu/sort") && c.1 == "wall")
        .expect("a wall case for cpu/sort");
    assert_eq!(case.2, "skipped", "{case:?}");
    assert!(
        case.3.starts_with("inconclusive: ") && case.3.contains("reaches beyond ±5%"),
        "{case:?}"
    );
}
