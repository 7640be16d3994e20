//! `junit.xml`: one test case per bench and metric; a regression or failure is a failing test, so CI
//! systems that read JUnit show exactly what changed.

use std::fmt::Write;

use anyhow::Result;

use super::export::{Export, Inputs};
use crate::analysis::compare::Verdict;

pub struct JUnit;

impl Export for JUnit {
    fn file_name(&self) -> &'static str {
        "junit.xml"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let Some(c) = inputs.comparison else {
            return Ok(None);
        };
        let mut cases = String::new();
        let (mut tests, mut failures) = (0, 0);
        for bench in &c.benches {
            // A bench without metric changes (new, missing, failed, no measurements) is one case.
            let metrics: Vec<(String, Verdict, bool, String)> = if bench.metrics.is_empty() {
                vec![(
                    "status".into(),
                    bench.verdict,
                    true,
                    bench.note.clone().unwrap_or_default(),
                )]
            } else {
                bench
                    .metrics
                    .iter()
                    .map(|m| {
                        let detail = format!(
                            "{}: new {:?}, old {:?}, ratio {:?}, 95% CI {:?}, threshold {}",
                            m.metric.as_str(),
                            m.new,
                            m.old,
                            m.ratio,
                            m.ratio_ci,
                            m.threshold
                        );
                        let detail = match (&m.basis, m.gating) {
                            (Some(basis), _) => format!("{detail} ({basis})"),
                            (None, false) => format!("{detail} (not gating)"),
                            (None, true) => detail,
                        };
                        (m.metric.as_str().to_string(), m.verdict, m.gating, detail)
                    })
                    .collect()
            };
            for (name, verdict, gating, detail) in metrics {
                tests += 1;
                write!(
                    cases,
                    r#"    <testcase classname="{}" name="{}">"#,
                    escape(&bench.id),
                    escape(&name)
                )?;
                if gating
                    && matches!(
                        verdict,
                        Verdict::Regressed | Verdict::Failed | Verdict::Missing
                    )
                {
                    failures += 1;
                    write!(
                        cases,
                        r#"<failure type="{verdict}" message="{verdict}">{}</failure>"#,
                        escape(&detail)
                    )?;
                } else {
                    write!(
                        cases,
                        "<system-out>{verdict}: {}</system-out>",
                        escape(&detail)
                    )?;
                }
                writeln!(cases, "</testcase>")?;
            }
        }
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        writeln!(
            out,
            r#"<testsuites name="wasmbench" tests="{tests}" failures="{failures}">"#
        )?;
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="0" skipped="0">"#,
            escape(&inputs.results.suite.name)
        )?;
        out.push_str(&cases);
        out.push_str("  </testsuite>\n</testsuites>\n");
        Ok(Some(out))
    }
}

/// Escapes text for XML attributes and content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
