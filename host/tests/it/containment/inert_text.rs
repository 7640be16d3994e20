//! Plugin and results text is shown inert in every output: the hostile plugin's `text-*` workloads
//! (`plugins/hostile/src/text.rs`) put escape sequences (clear screen, colour, window title, a
//! hyperlink), BEL, a C1 CSI, `\r`, a line break, a Markdown heading, a table pipe, a backtick, an
//! HTML comment opener and bidi overrides into their names, description, unit, parameter, counter,
//! error and stderr; the suites below add the same text to bench ids and the suite name. The
//! terminal must get no control character (other than the line breaks of multi-line messages),
//! comparison.md and the step summary an intact table and no live `<!--`, junit.xml well-formed XML,
//! report.html escaped markup. results.json keeps the raw text.

use std::path::Path;

use super::{DEFAULTS, FIB_15, corpus};
use crate::common::{self, Harness, Run, message, status};

/// The text every hostile string ends with; the same as `hostile!` in `plugins/hostile/src/text.rs`.
const HOSTILE: &str = concat!(
    "\x1b[2J\x1b[31m\x1b]0;pwned\x07\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\",
    "\x07\u{9b}31m\r\n# heading | cell `code` <!-- hidden \u{202e}desrever\u{2066}x\u{2069}"
);

/// `label` followed by the hostile text.
fn hostile(label: &str) -> String {
    format!("{label}{HOSTILE}")
}

/// `text` as a TOML basic string: everything but printable ASCII as `\uXXXX`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => out.push_str(&format!("\\{c}")),
            ' '..='~' => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// A character that acts on a terminal instead of showing: a control character other than a line
/// break, or a bidi override or isolate.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn assert_inert(what: &str, text: &str) {
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| acts(c)) {
        panic!(
            "{what}: {c:?} at byte {at} reaches the output:\n{}",
            text.escape_debug()
        );
    }
}

fn assert_run_inert(what: &str, run: &Run) {
    assert_inert(&format!("{what} stdout"), &run.stdout);
    assert_inert(&format!("{what} stderr"), &run.stderr);
}

/// Every one of `shown` (escaped text) appears in `output`: shown, not dropped.
fn assert_shows(what: &str, output: &str, shown: &[&str]) {
    for text in shown {
        assert!(output.contains(text), "{what} lacks {text}:\n{output}");
    }
}

/// The suite: a bench per hostile workload (one with a hostile id, one whose id is made from the
/// hostile workload name), between the good benches, under a hostile suite name.
fn suite_text() -> String {
    let bench = |id: Option<&str>, workload: &str, expect: &str| {
        let id = id.map_or(String::new(), |id| format!("id = {}\n", toml_string(id)));
        format!(
            "\n[[bench]]\n{id}plugin = \"hostile\"\nworkload = {}\nexpect = \"{expect}\"\n",
            toml_string(&hostile(workload))
        )
    };
    let benches = [
        bench(Some(&hostile("bench")), "text-ok", "ok"),
        bench(None, "text-error", "error"),
        bench(Some(&hostile("panic-bench")), "text-panic", "trap"),
    ]
    .concat();
    let header = format!(
        "[suite]\nname = {}\n{DEFAULTS}",
        toml_string(&hostile("suite"))
    );
    corpus(&header, &benches)
}

/// `wasmbench run` without `-q`, so the progress lines are printed too.
fn run_with_progress(h: &Harness, suite: &Path, out: &Path) -> Run {
    let mut cmd = h.command();
    cmd.arg("run").arg(suite).arg("--out").arg(out);
    common::with_results(common::execute_watching(cmd, |_| {}), out)
}

#[test]
fn run_shows_plugin_text_escaped_and_keeps_it_raw_in_results() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", &suite_text());
    let run = run_with_progress(&h, &suite, &h.path().join("out"));
    run.assert_code(0);
    assert_run_inert("run", &run);

    // The text is shown, escaped, not dropped: ids and units in the table, the counter table, the
    // failure messages (with the plugin's stderr), the progress lines.
    assert_shows(
        "stdout",
        &run.stdout,
        &[
            r"bench\x1b[2J\x1b[31m\x1b]0;pwned\x07",
            r"unit\x1b[2J",
            r"counter\x1b[2J",
            r"text-error\x1b[2J",
            r"error\x1b[2J",
            r"panic\x1b[2J",
            r"\u{9b}31m\r\n# heading | cell `code` <!-- hidden \u{202e}desrever\u{2066}x\u{2069}",
        ],
    );
    assert!(
        // Benches finish in any order (their executions interleave).
        run.stderr.contains(r"/5] bench\x1b[2J"),
        "the progress line names the bench, escaped:\n{}",
        run.stderr
    );

    // results.json is raw: escaping happens on the way out.
    let ok = run.bench(&hostile("bench"));
    assert_eq!(status(ok), "ok", "{}", message(ok));
    assert_eq!(ok["counters"][hostile("counter")], 1, "{ok:#}");
    let error = run.bench(&format!("hostile/{}", hostile("text-error")));
    assert!(message(error).contains(&hostile("error")), "{error:#}");
    assert_eq!(run.bench("good-after")["checksum"], FIB_15);

    // HTML: maud escapes markup; the hostile comment opener is text.
    let html = std::fs::read_to_string(h.path().join("out/report.html")).expect("report.html");
    assert_html_inert("report.html", &html);
    assert!(
        html.contains("&lt;!-- hidden"),
        "the hostile text is in the page, escaped"
    );
    assert!(
        !html.contains("<!-- hidden"),
        "a live comment in report.html"
    );

    // `report`, against the run itself as baseline, into a file whose name is hostile too.
    let results = h.path().join("out/results.json");
    let report = h.wasmbench(&[
        "report",
        results.to_str().unwrap(),
        "--baseline",
        results.to_str().unwrap(),
        "--output",
        &hostile("page"),
    ]);
    report.assert_code(0);
    assert_run_inert("report", &report);
    assert!(report.stdout.contains(r"page\x1b[2J"), "{}", report.stdout);
    let html = std::fs::read_to_string(h.path().join(hostile("page"))).expect("the report");
    assert!(html.contains("&lt;!-- hidden") && !html.contains("<!-- hidden"));
    assert_html_inert("report.html against a baseline", &html);
}

/// What the Nu HTML checker enforced on a report of these workloads (it found 498 `Forbidden code
/// point` errors before): no control character but whitespace, no noncharacter; and no bidi
/// control either, which would reorder the harness's words after it. The text is shown escaped,
/// and bench names sit in `<bdi>`.
fn assert_html_inert(what: &str, html: &str) {
    let forbidden = |c: char| {
        let n = c as u32;
        (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
            || (0xfdd0..=0xfdef).contains(&n)
            || (n & 0xfffe) == 0xfffe
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
    };
    if let Some((at, c)) = html.char_indices().find(|&(_, c)| forbidden(c)) {
        let from = html.floor_char_boundary(at.saturating_sub(80));
        panic!("{what}: {c:?} at byte {at}: {:?}", &html[from..at]);
    }
    assert_shows(
        what,
        html,
        &[
            r"bench\x1b[2J\x1b[31m\x1b]0;pwned\x07",
            r"hidden \u{202e}desrever\u{2066}x\u{2069}",
        ],
    );
    // A bench id is isolated whole: `<bdi>`, and inside it the id's pieces (kept whole, with
    // `<wbr>` between them, so it wraps only after `/` or before `[`).
    assert!(
        html.contains("<bdi>bench\\x1b[2J")
            || html.contains("<bdi><span class=\"nb\">bench\\x1b[2J"),
        "{what}: bench names not in <bdi>: {:?}",
        html.find("bench\\x1b[2J")
            .map(|at| &html[html.floor_char_boundary(at.saturating_sub(120))..at + 20])
    );
}

#[test]
fn comparisons_are_inert_in_every_format() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", &suite_text());
    let old = h.run(&suite, &[]);
    let new = h.run(&suite, &[]);
    let summary = h.path().join("step-summary.md");
    let out = h.path().join("cmp");
    let mut cmd = h.command();
    cmd.env("GITHUB_STEP_SUMMARY", &summary)
        .arg("compare")
        .arg(old.out.as_ref().unwrap().join("results.json"))
        .arg(new.out.as_ref().unwrap().join("results.json"))
        // Wall time between two runs may differ by noise: only a missing bench fails the command.
        .args(["--all", "--fail-on", "missing", "--out"])
        .arg(&out);
    let compare = common::execute_watching(cmd, |_| {});
    compare.assert_code(0);
    assert_run_inert("compare", &compare);
    assert!(
        compare.stdout.contains(r"bench\x1b[2J"),
        "{}",
        compare.stdout
    );

    let md = std::fs::read_to_string(out.join("comparison.md")).expect("comparison.md");
    assert_markdown_inert("comparison.md", &md);
    let summary = std::fs::read_to_string(&summary).expect("the step summary");
    assert_markdown_inert("the step summary", &summary);

    let xml = std::fs::read_to_string(out.join("junit.xml")).expect("junit.xml");
    let doc = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|e| panic!("junit.xml is not well-formed: {e}\n{xml}"));
    let classnames: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("classname"))
        .collect();
    // The id reads back from the XML as its visible escape, markup characters included.
    let expected = r"bench\x1b[2J\x1b[31m\x1b]0;pwned\x07\x1b]8;;https://example.invalid\x1b\link";
    assert!(
        classnames
            .iter()
            .any(|c| c.starts_with(expected)
                && c.contains(r"\r\n# heading | cell `code` <!-- hidden")),
        "{classnames:?}"
    );
    let suite_name = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .and_then(|n| n.attribute("name"))
        .unwrap_or_default();
    assert!(suite_name.starts_with(r"suite\x1b[2J"), "{suite_name}");
}

/// No control character, no live HTML (only the `<code>` tags the report writes), so no `<!--`;
/// every table row on one line with as many cells as the header.
fn assert_markdown_inert(what: &str, md: &str) {
    assert_inert(what, md);
    assert!(
        !md.contains("<!--"),
        "{what} has a live HTML comment:\n{md}"
    );
    let tags_removed = md.replace("<code>", "").replace("</code>", "");
    assert!(!tags_removed.contains('<'), "{what} has raw HTML:\n{md}");
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with('|')).collect();
    let header = cells(
        rows.first()
            .unwrap_or_else(|| panic!("{what} has no table:\n{md}")),
    );
    // header, delimiter row, and the five benches (`--all`).
    assert_eq!(rows.len(), 7, "{what}:\n{md}");
    for row in &rows {
        assert!(row.ends_with('|'), "{what}: a row is cut:\n{row}");
        assert_eq!(cells(row), header, "{what}: cells in\n{row}");
    }
    assert!(
        md.contains(r"<code>bench\\x1b\[2J") || md.contains(r"<code>bench\\x1b[2J"),
        "{what} names the bench, escaped:\n{md}"
    );
    assert!(
        // `#` is escaped and joined to a word joiner (no `#123` reference on GitHub).
        md.contains("\\\\r\\\\n\\#\u{2060} heading \\| cell \\`code\\` &lt;!-- hidden \\\\u{202e}"),
        "{what}:\n{md}"
    );
}

/// Cells in a GFM table row: pipes not escaped by a backslash, less the outer two.
fn cells(row: &str) -> usize {
    let mut pipes = 0;
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '|' => pipes += 1,
            _ => {}
        }
    }
    pipes - 1
}

#[test]
fn list_shows_workloads_escaped() {
    let h = Harness::sharing_interpreter_compiles();
    let list = h.wasmbench(&["list"]);
    list.assert_code(0);
    assert_run_inert("list", &list);
    assert_shows(
        "list",
        &list.stdout,
        &[
            r"text-ok\x1b[2J",
            r"description\x1b[2J",
            r"unit\x1b[2J",
            r"param\x1b[2J",
            r"value\x1b[2J",
        ],
    );
}

#[test]
fn errors_quoting_plugin_text_are_escaped() {
    let h = Harness::new();
    // An unknown workload: the error lists the plugin's workloads.
    let run = h.run_suite(
        "[[bench]]\nplugin = \"hostile\"\nworkload = \"no-such-workload\"\n",
        &[],
    );
    assert_ne!(run.code, Some(0), "{}", run.transcript());
    assert_run_inert("an unknown workload", &run);
    assert!(run.stderr.contains(r"text-ok\x1b[2J"), "{}", run.stderr);
    // The names are quoted on one line: their line breaks can't start a line of their own.
    assert!(run.stderr.contains(r"\r\n# heading"), "{}", run.stderr);
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("# heading")),
        "a workload name started a line:\n{}",
        run.stderr
    );
}
