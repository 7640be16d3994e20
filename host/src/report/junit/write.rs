//! junit.xml's shape, written with quick-xml: only the elements and attributes Jenkins xunit's
//! `junit-10.xsd` allows where we put them (the tests validate against it), which GitLab and
//! junitparser read too. Names and output arrive escaped for XML by `escape::xml` (no character XML
//! forbids); messages are escaped here, single-line in the attribute, multi-line as text; quick-xml
//! escapes the markup characters.

use std::time::Duration;

use anyhow::Result;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::report::escape::xml;

/// One `testsuite`.
pub(super) struct Suite {
    pub name: String,
    pub time: Option<Duration>,
    pub cases: Vec<Case>,
}

/// One `testcase`.
pub(super) struct Case {
    pub name: String,
    pub classname: String,
    pub time: Option<Duration>,
    pub outcome: Outcome,
    /// `system-out`: what was measured, in words.
    pub out: String,
}

pub(super) enum Outcome {
    Passed,
    /// `failure`: `kind` is its `type` (`regressed`, `trap`, `threshold`); `message` is raw (it may
    /// quote plugin text) and escaped where it is written.
    Failed {
        kind: String,
        message: String,
    },
    /// `skipped`: nothing to judge.
    Skipped {
        kind: String,
        message: String,
    },
}

impl Outcome {
    pub fn failed(kind: &str, message: &str) -> Outcome {
        Outcome::Failed {
            kind: kind.to_string(),
            message: message.to_string(),
        }
    }
}

/// The whole file: `testsuites` named `name` around `suite`.
pub(super) fn report(name: &str, suite: &Suite) -> Result<String> {
    let count = |f: fn(&Outcome) -> bool| suite.cases.iter().filter(|c| f(&c.outcome)).count();
    let tests = suite.cases.len().to_string();
    let failures = count(|o| matches!(o, Outcome::Failed { .. })).to_string();
    let skipped = count(|o| matches!(o, Outcome::Skipped { .. })).to_string();
    let time = suite.time.map(seconds);

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 4);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    // The schema allows `skipped` on `testsuite` but not on `testsuites`.
    let mut all = w
        .create_element("testsuites")
        .with_attribute(("name", name))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", "0"));
    if let Some(time) = &time {
        all = all.with_attribute(("time", time.as_str()));
    }
    all.write_inner_content(|w| {
        let mut element = w
            .create_element("testsuite")
            .with_attribute(("name", suite.name.as_str()))
            .with_attribute(("tests", tests.as_str()))
            .with_attribute(("failures", failures.as_str()))
            .with_attribute(("errors", "0"))
            .with_attribute(("skipped", skipped.as_str()));
        if let Some(time) = &time {
            element = element.with_attribute(("time", time.as_str()));
        }
        element.write_inner_content(|w| {
            for case in &suite.cases {
                write_case(w, case)?;
            }
            Ok(())
        })?;
        Ok(())
    })?;
    let mut text = String::from_utf8(w.into_inner())?;
    text.push('\n');
    Ok(text)
}

fn write_case(w: &mut Writer<Vec<u8>>, case: &Case) -> std::io::Result<()> {
    let mut element = w
        .create_element("testcase")
        .with_attribute(("name", case.name.as_str()))
        .with_attribute(("classname", case.classname.as_str()));
    let time = case.time.map(seconds);
    if let Some(time) = &time {
        element = element.with_attribute(("time", time.as_str()));
    }
    element.write_inner_content(|w| {
        let (tag, kind, message) = match &case.outcome {
            Outcome::Passed => ("", "", ""),
            Outcome::Failed { kind, message } => ("failure", kind.as_str(), message.as_str()),
            Outcome::Skipped { kind, message } => ("skipped", kind.as_str(), message.as_str()),
        };
        if !tag.is_empty() {
            // The message as text too (its lines kept): readers that show a failure's text
            // (GitLab) show it.
            w.create_element(tag)
                .with_attribute(("type", kind))
                .with_attribute(("message", xml::attribute(message).as_str()))
                .write_text_content(BytesText::new(&no_attachment(&xml::text(message))))?;
        }
        if !case.out.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&no_attachment(&case.out)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Seconds with three decimals: the xunit schema's `SUREFIRE_TIME` allows no more.
fn seconds(time: Duration) -> String {
    format!("{:.3}", time.as_secs_f64())
}

/// GitLab turns `[[ATTACHMENT|path]]` in a failing case's output into a link to that file of the
/// job's artifacts; text quoted from a plugin must not choose one. A space breaks the marker and
/// keeps the text readable.
fn no_attachment(text: &str) -> std::borrow::Cow<'_, str> {
    const MARKER: &str = "[[ATTACHMENT|";
    if text.contains(MARKER) {
        text.replace(MARKER, "[ [ATTACHMENT|").into()
    } else {
        text.into()
    }
}
