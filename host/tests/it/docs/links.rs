//! Links in the documentation resolve: every relative link and image of README.md,
//! CONTRIBUTING.md, ARCHITECTURE.md, the guide's pages (`docs/src/`) and the pages it includes
//! (`docs/containment/`) names a file that exists, and every `#anchor` a heading of that file (ids
//! as mdBook and GitHub make them: lower case, spaces as `-`, other punctuation dropped, `-1`, `-2`
//! for repeats). A page of the guide may only link inside `docs/src` (the built book holds nothing
//! else); files of the repository are linked by their GitHub address. Links with a scheme
//! (`https:`) are not fetched.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use super::{Item, book_src, markdown_under, pages, repo, scan_markdown, shown};

/// `[text](target)` and `![alt](target)` targets of a line, outside code spans.
fn link_targets(line: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_code = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                in_code = !in_code;
                i += run;
                continue;
            }
            ']' if !in_code && chars.get(i + 1) == Some(&'(') => {
                let rest: String = chars[i + 2..].iter().collect();
                let mut depth = 0;
                let mut end = None;
                for (k, c) in rest.char_indices() {
                    match c {
                        '(' => depth += 1,
                        ')' if depth == 0 => {
                            end = Some(k);
                            break;
                        }
                        ')' => depth -= 1,
                        _ => {}
                    }
                }
                if let Some(end) = end {
                    let target = rest[..end].split_whitespace().next().unwrap_or("");
                    targets.push(target.trim_matches(['<', '>']).to_string());
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Reference definitions: `[name]: target`.
    let trimmed = line.trim_start();
    if trimmed.starts_with('[')
        && let Some((_, target)) = trimmed.split_once("]: ")
    {
        targets.push(target.split_whitespace().next().unwrap_or("").to_string());
    }
    targets
}

/// A heading's id as mdBook (and, for these headings, GitHub) makes it.
fn heading_id(text: &str) -> String {
    let text = text.trim().trim_end_matches('#').trim();
    // Links in a heading count by their text.
    let mut plain = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        plain += &rest[..open];
        match rest[open..].find("](").zip(rest[open..].find(')')) {
            Some((mid, close)) if mid < close => {
                plain += &rest[open + 1..open + mid];
                rest = &rest[open + close + 1..];
            }
            _ => {
                plain += "[";
                rest = &rest[open + 1..];
            }
        }
    }
    plain += rest;
    plain
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c.to_lowercase().next().unwrap())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// The ids of a Markdown file's headings, with `{{#include}}`d files expanded.
fn anchors(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut ids = BTreeSet::new();
    let mut seen: Vec<String> = Vec::new();
    let mut add = |id: String, ids: &mut BTreeSet<String>| {
        let repeats = seen.iter().filter(|s| **s == id).count();
        seen.push(id.clone());
        ids.insert(if repeats == 0 {
            id
        } else {
            format!("{id}-{repeats}")
        });
    };
    for item in scan_markdown(&text) {
        let Item::Line(_, line) = item else { continue };
        if let Some(path) = include_target(line) {
            let included = file.parent().unwrap().join(path);
            for id in anchors(&included) {
                add(id, &mut ids);
            }
        } else if line.starts_with('#') {
            let text = line.trim_start_matches('#');
            if text.starts_with(' ') {
                add(heading_id(text), &mut ids);
            }
        }
    }
    ids
}

/// The path of a `{{#include path}}` line.
fn include_target(line: &str) -> Option<&str> {
    let inner = line
        .trim()
        .strip_prefix("{{#include ")?
        .strip_suffix("}}")?;
    Some(inner.trim().split(':').next().unwrap_or(""))
}

/// `path` with `.` and `..` taken out (without touching the file system).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// What is wrong with the links of `file`; `inside`: the folder its links must stay in.
fn check_file(file: &Path, inside: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut problems = Vec::new();
    let mut check = |number: usize, target: &str, include: bool| {
        if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
            return;
        }
        let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
        let resolved = if path.is_empty() {
            file.to_path_buf()
        } else {
            normalize(&file.parent().unwrap().join(path))
        };
        let place = format!("{}:{number}", shown(file));
        // An `{{#include}}` may take a page from outside the book; a link may not.
        if !include && !resolved.starts_with(inside) {
            problems.push(format!(
                "{place}: `{target}` leaves {}/ (link repository files by their GitHub address)",
                shown(inside)
            ));
            return;
        }
        if !resolved.exists() {
            problems.push(format!("{place}: `{target}`: no such file"));
            return;
        }
        if !anchor.is_empty() {
            if resolved.extension().is_none_or(|e| e != "md") {
                problems.push(format!(
                    "{place}: `{target}`: an anchor into a file that is not Markdown"
                ));
            } else if !anchors(&resolved).contains(anchor) {
                problems.push(format!(
                    "{place}: `{target}`: no heading `#{anchor}` in {}",
                    shown(&resolved)
                ));
            }
        }
    };
    for item in scan_markdown(&text) {
        let Item::Line(number, line) = item else {
            continue;
        };
        for target in link_targets(line) {
            check(number, &target, false);
        }
        if let Some(path) = include_target(line) {
            check(number, path, true);
        }
    }
    problems
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in pages()
        .into_iter()
        .chain([repo().join("ARCHITECTURE.md")])
        .chain(markdown_under(&repo().join("docs/containment")))
    {
        let inside = if page.starts_with(book_src()) {
            book_src()
        } else {
            repo()
        };
        problems.extend(check_file(&page, &inside));
        checked += 1;
    }
    assert!(checked > 20, "only {checked} pages found");
    assert!(
        problems.is_empty(),
        "{} broken link(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_book_lists_every_page_and_includes_every_containment_page() {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    let listed: BTreeSet<PathBuf> = summary
        .lines()
        .flat_map(link_targets)
        .map(|t| normalize(&book_src().join(t)))
        .collect();
    let mut problems = Vec::new();
    for page in markdown_under(&book_src()) {
        if page.file_name().is_some_and(|n| n != "SUMMARY.md") && !listed.contains(&page) {
            problems.push(format!("{} is not in SUMMARY.md", shown(&page)));
        }
    }
    let mut included = BTreeSet::new();
    for page in markdown_under(&book_src()) {
        let text = std::fs::read_to_string(&page).unwrap();
        for line in text.lines() {
            if let Some(path) = include_target(line) {
                included.insert(normalize(&page.parent().unwrap().join(path)));
            }
        }
    }
    for page in markdown_under(&repo().join("docs/containment")) {
        if !included.contains(&page) {
            problems.push(format!(
                "{} is not included by a page of the guide: add docs/src/containment/<name>.md with \
                 `{{{{#include ../../containment/<name>.md}}}}` and list it in SUMMARY.md",
                shown(&page)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn heading_ids_are_made_as_mdbook_makes_them() {
    assert_eq!(heading_id("`history check`"), "history-check");
    assert_eq!(
        heading_id("`[defaults]` and the settings of a `[[bench]]`"),
        "defaults-and-the-settings-of-a-bench"
    );
    assert_eq!(
        heading_id("Caches and stores: the simulated backends"),
        "caches-and-stores-the-simulated-backends"
    );
    assert_eq!(heading_id("[Link](x.md) text"), "link-text");
    assert_eq!(
        link_targets("see [a](b.md#c) and `[x](not)` and ![i](img.png)"),
        vec!["b.md#c".to_string(), "img.png".to_string()]
    );
}
