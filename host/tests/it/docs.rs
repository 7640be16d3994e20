//! The user documentation, tested: README.md, CONTRIBUTING.md and the guide (`docs/src/`, an
//! mdBook).
//!
//! - [`examples`]: every ```sh / ```console block that runs `wasmbench` is run against the binary
//!   under test, page by page, in a temporary copy of `suites/`; a block can be marked with an HTML
//!   comment just before it (`<!-- docs-test: skip REASON -->`, `ci-only REASON`, `exit=3`).
//! - [`links`]: every relative link and `#anchor` resolves, every page is in the book's summary,
//!   and every page of `docs/containment/` is included by one of the guide.
//! - [`reference`]: the generated reference pages (command line, exit codes, results.json) are what
//!   the definitions render today, comparison.json's page names every field a real one has, and
//!   the suite reference names every key `host/src/suite/raw.rs` accepts.
//!   `WASMBENCH_BLESS_DOCS=1 cargo test -p wasmbench --test it docs::` writes them again.

use std::path::{Path, PathBuf};

mod examples;
mod links;
mod reference;

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

/// The guide's source folder.
pub fn book_src() -> PathBuf {
    repo().join("docs/src")
}

/// The Markdown files whose examples run and whose links are checked: README.md, CONTRIBUTING.md
/// and every page under docs/src, in a stable order.
pub fn pages() -> Vec<PathBuf> {
    let mut pages = vec![repo().join("README.md"), repo().join("CONTRIBUTING.md")];
    pages.extend(markdown_under(&book_src()));
    pages
}

/// Every `*.md` under `dir`, sorted.
pub fn markdown_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// `path` relative to the repository, for messages.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(repo())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Whether the generated pages should be written rather than checked.
pub fn bless() -> bool {
    std::env::var_os("WASMBENCH_BLESS_DOCS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// A piece of a Markdown file: a line outside fenced code blocks, or a whole fenced block.
pub enum Item<'a> {
    /// A 1-based line number and the line.
    Line(usize, &'a str),
    /// The info string (`sh`, `console`), the opening fence's line number and the body lines.
    Fence(&'a str, usize, Vec<&'a str>),
}

/// `text` as lines and fenced blocks, in order.
pub fn scan_markdown(text: &str) -> Vec<Item<'_>> {
    let lines: Vec<&str> = text.lines().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        if let Some(fence) = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f)) {
            let fence_char = fence.chars().next().unwrap();
            let marker_len = trimmed.chars().take_while(|&c| c == fence_char).count();
            let marker = &trimmed[..marker_len];
            let info = trimmed[marker_len..].trim();
            let mut end = i + 1;
            while end < lines.len() && !lines[end].trim_start().starts_with(marker) {
                end += 1;
            }
            items.push(Item::Fence(
                info,
                i + 1,
                lines[i + 1..end.min(lines.len())].to_vec(),
            ));
            i = end + 1;
            continue;
        }
        items.push(Item::Line(i + 1, lines[i]));
        i += 1;
    }
    items
}
