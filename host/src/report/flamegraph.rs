//! Guest profiles as pictures: folded stacks → flamegraph SVG (inferno), two folded profiles → a
//! differential flamegraph, and the one rule that makes such an SVG inert (no script, no event
//! handler, no link, no style that would leak into a page) for the file written and for the HTML
//! report that embeds it.

use std::borrow::Cow;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use inferno::flamegraph::{self, Options};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer, XmlVersion};

/// The folder of profiles next to results.json.
pub const PROFILES_DIR: &str = "profiles";

/// The file stem of a bench's profile files.
pub use crate::model::bench_file_stem as profile_name;

/// Where a bench's profile files go in `dir`: `<name>.<extension>`.
pub fn profile_path(dir: &Path, id: &str, extension: &str) -> PathBuf {
    dir.join(format!("{}.{extension}", profile_name(id)))
}

/// The stacks of folded text (`frame;frame count` lines), sorted as inferno wants them; lines that
/// aren't stacks are dropped.
fn sorted_lines(folded: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = folded
        .lines()
        .map(str::trim_end)
        .filter(|line| {
            line.rsplit_once(' ')
                .is_some_and(|(stack, count)| !stack.is_empty() && count.parse::<f64>().is_ok())
        })
        .collect();
    lines.sort_unstable();
    lines
}

fn options(title: &str, subtitle: Option<String>) -> Options<'static> {
    let mut options = Options::default();
    options.title = title.to_string();
    options.subtitle = subtitle;
    options.count_name = "µs".into();
    options.name_type = "Function:".into();
    options.deterministic = true;
    options.hash = true;
    options
}

/// The flamegraph of folded stacks (counts in µs), titled `title`, made inert. Fails when there
/// is no stack to draw.
pub fn flamegraph(title: &str, folded: &str) -> Result<String> {
    let lines = sorted_lines(folded);
    anyhow::ensure!(!lines.is_empty(), "no samples to draw");
    let mut svg = Vec::new();
    flamegraph::from_lines(&mut options(title, None), lines, &mut svg)
        .context("drawing the flamegraph")?;
    inert(&String::from_utf8_lossy(&svg), "fg")
}

/// The baseline as a differential flamegraph's title names it: the last two folders of `dir` as
/// given (`quick/profiles`), never its absolute path, which says nothing to a reader and leaks
/// the machine's layout into a file people share.
pub fn baseline_label(dir: &Path) -> String {
    let names: Vec<String> = dir
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    match names.len() {
        0 => "baseline".into(),
        n => names[n.saturating_sub(2)..].join("/"),
    }
}

/// The differential flamegraph from `before` to `after` (folded stacks): frames as wide as in
/// `after`, red where a frame grew, blue where it shrank; `before` normalized to `after`'s total
/// first, so a run that sampled longer doesn't read as growth everywhere.
pub fn differential(title: &str, before: &str, after: &str) -> Result<String> {
    let mut diff = Vec::new();
    inferno::differential::from_readers(
        inferno::differential::Options {
            normalize: true,
            strip_hex: false,
        },
        before.as_bytes(),
        after.as_bytes(),
        &mut diff,
    )
    .context("comparing the folded stacks")?;
    let lines: Vec<String> = diff.as_slice().lines().collect::<std::io::Result<_>>()?;
    let mut lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    lines.sort_unstable();
    anyhow::ensure!(!lines.is_empty(), "no samples to draw");
    let mut svg = Vec::new();
    let mut options = options(
        title,
        Some("red: grew since the baseline, blue: shrank (baseline normalized)".into()),
    );
    flamegraph::from_lines(&mut options, lines, &mut svg)
        .context("drawing the differential flamegraph")?;
    inert(&String::from_utf8_lossy(&svg), "fg")
}

/// Elements dropped with everything inside them.
const DROPPED: &[&str] = &[
    "script",
    "style",
    "foreignObject",
    "a",
    "iframe",
    "object",
    "embed",
];

/// inferno's controls, which do nothing without its script.
const CONTROLS: &[&str] = &["details", "unzoom", "search", "ignorecase", "matched"];

/// `svg` made inert and fit to sit inside an HTML page: no script, style, link or foreign
/// content, no `on*` attribute, no XML declaration, doctype, comment or processing instruction;
/// ids (and `url(#…)` references) prefixed with `prefix-`, so several can share a page; the
/// root sized by its viewBox (it scales to its container) with its fonts as attributes. Fails on
/// text that isn't well-formed XML.
pub fn inert(svg: &str, prefix: &str) -> Result<String> {
    let mut reader = Reader::from_str(svg);
    reader.config_mut().check_end_names = true;
    let mut writer = Writer::new(Vec::new());
    let mut skipping: usize = 0;
    let mut depth: usize = 0;
    loop {
        let event = reader.read_event().context("reading the SVG")?;
        match event {
            Event::Eof => break,
            Event::Start(start) => {
                if skipping > 0 || drop_element(&start)? {
                    skipping += 1;
                    continue;
                }
                let root = depth == 0;
                depth += 1;
                writer.write_event(Event::Start(clean(&start, prefix, root)?))?;
            }
            Event::Empty(start) => {
                if skipping > 0 || drop_element(&start)? {
                    continue;
                }
                writer.write_event(Event::Empty(clean(&start, prefix, depth == 0)?))?;
            }
            Event::End(end) => {
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                depth = depth.saturating_sub(1);
                writer.write_event(Event::End(end))?;
            }
            Event::Text(text) if skipping == 0 && depth > 0 => {
                writer.write_event(Event::Text(text))?;
            }
            Event::CData(data) if skipping == 0 && depth > 0 => {
                writer.write_event(Event::Text(quick_xml::events::BytesText::new(
                    &String::from_utf8_lossy(&data),
                )))?;
            }
            Event::GeneralRef(reference) if skipping == 0 && depth > 0 => {
                writer.write_event(Event::GeneralRef(reference))?;
            }
            // Declarations, doctypes, comments, processing instructions; text outside the root.
            _ => {}
        }
    }
    anyhow::ensure!(skipping == 0 && depth == 0, "the SVG ends early");
    let out = String::from_utf8(writer.into_inner()).context("the SVG is not UTF-8")?;
    anyhow::ensure!(out.starts_with("<svg"), "not an SVG");
    Ok(out)
}

fn local_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

fn drop_element(start: &BytesStart<'_>) -> Result<bool> {
    let name = local_name(start);
    if DROPPED.iter().any(|d| d.eq_ignore_ascii_case(&name)) {
        return Ok(true);
    }
    if name == "text" {
        for attr in start.attributes() {
            let attr = attr?;
            if attr.key.as_ref() == b"id" && CONTROLS.iter().any(|c| *c.as_bytes() == *attr.value) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The element with only harmless attributes, ids prefixed; the root sized by its viewBox.
/// Idempotent but for the prefix: the report cleans a file that was cleaned when written.
fn clean(start: &BytesStart<'_>, prefix: &str, root: bool) -> Result<BytesStart<'static>> {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    let mut attrs: Vec<(String, String)> = Vec::new();
    let mut id = None;
    for attr in start.attributes() {
        let attr = attr?;
        let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
        let lower = key.to_ascii_lowercase();
        let value = attr
            .normalized_value(XmlVersion::default())
            .map(Cow::into_owned)
            .unwrap_or_default();
        let local = lower.rsplit(':').next().unwrap_or(&lower);
        if local.starts_with("on")
            || local == "href"
            || local == "style"
            || local == "class"
            || (root && matches!(local, "width" | "height"))
            || value.to_ascii_lowercase().contains("javascript:")
        {
            continue;
        }
        let value = if lower == "id" {
            id = Some(value.clone());
            format!("{prefix}-{value}")
        } else {
            value.replace("url(#", &format!("url(#{prefix}-"))
        };
        attrs.push((key, value));
    }
    let mut set = |key: &str, value: &str| match attrs.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value.to_string(),
        None => attrs.push((key.to_string(), value.to_string())),
    };
    // What inferno's stylesheet said, as presentation attributes.
    if root {
        set("font-family", "Verdana, sans-serif");
        set("font-size", "12");
        set("role", "img");
    }
    // An id already prefixed (a file cleaned before) ends the same.
    let id = id.as_deref().map(|id| id.rsplit('-').next().unwrap_or(id));
    if matches!(id, Some("title" | "subtitle")) {
        set("text-anchor", "middle");
        if id == Some("title") {
            set("font-size", "17");
        } else {
            set("fill", "rgb(160,160,160)");
        }
    }
    let mut out = BytesStart::new(name);
    for (key, value) in &attrs {
        out.push_attribute((key.as_str(), value.as_str()));
    }
    Ok(out)
}

/// The flamegraph of the bench `id` among the profiles next to a results file in `dir`
/// (`dir/profiles/<name>.svg`), made inert with ids prefixed by `prefix`; `None` when there is
/// none, or when it can't be read or isn't an SVG.
pub fn embedded(dir: &Path, id: &str, prefix: &str) -> Option<String> {
    let path = profile_path(&dir.join(PROFILES_DIR), id, "svg");
    if !path.is_file() {
        return None;
    }
    let bytes = crate::input::read(&path, crate::input::Kind::Report).ok()?;
    inert(std::str::from_utf8(&bytes).ok()?, prefix).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flamegraph_is_inert_xml() {
        let svg = flamegraph(
            "cpu/fib <script>",
            "run;fib;fib 30\nrun;fib 10\nrun;\"onload=x\" 5\n",
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).expect("well-formed");
        for node in doc.descendants().filter(|n| n.is_element()) {
            let name = node.tag_name().name();
            assert!(!DROPPED.contains(&name), "{name} kept");
            for attr in node.attributes() {
                assert!(!attr.name().starts_with("on"), "{} kept", attr.name());
            }
        }
        assert!(svg.contains("fib"), "frames drawn");
        assert!(svg.contains("cpu/fib &lt;script&gt;"), "title escaped");
        assert!(!svg.contains("<script"));
        // Idempotent: the report sanitizes the file again.
        let again = inert(&svg, "x").unwrap();
        roxmltree::Document::parse(&again).expect("well-formed again");
    }

    #[test]
    fn hostile_svg_loses_its_teeth() {
        let svg = r#"<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" width="9" onload="alert(1)"><script>alert(2)</script><style>body{display:none}</style><a href="javascript:alert(3)"><text>x</text></a><rect id="r" fill="url(#r)" ONCLICK="y"/><foreignObject><p>z</p></foreignObject><text>ok</text></svg>"#;
        let out = inert(svg, "p").unwrap();
        for bad in [
            "alert",
            "script",
            "style",
            "href",
            "onclick",
            "ONCLICK",
            "foreignObject",
            "DOCTYPE",
            "<?xml",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(
            out.contains(r#"id="p-r""#) && out.contains("url(#p-r)"),
            "{out}"
        );
        assert!(out.contains(">ok<"));
        assert!(inert("<svg><g></svg>", "p").is_err());
    }

    #[test]
    fn baselines_are_named_without_their_absolute_path() {
        // An absolute folder of this machine: only its last two names are kept.
        let absolute = std::env::temp_dir().join("work/reports/quick/profiles");
        assert_eq!(baseline_label(&absolute), "quick/profiles");
        assert_eq!(baseline_label(Path::new("base")), "base");
        assert_eq!(baseline_label(Path::new("/")), "baseline");
        assert_eq!(
            baseline_label(Path::new("../old/profiles/")),
            "old/profiles"
        );
    }

    #[test]
    fn differential_draws_growth() {
        let svg = differential("d", "run;a 100\nrun;b 100\n", "run;a 100\nrun;b 300\n").unwrap();
        roxmltree::Document::parse(&svg).expect("well-formed");
        assert!(svg.contains("run"));
    }
}
