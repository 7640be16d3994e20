//! The size rules of the code, checked on every `cargo test`: a function is at most
//! [`FUNCTION_LINES`] lines unless a `// long: <reason>` comment right above it (before its doc
//! comment and attributes, or among them) says why; a source file is at most [`FILE_LINES`] lines.
//! A function that grows past the limit is a signal to split it by step; the reason comment is for
//! the few that read best whole (a table, a state machine, a `match` over every variant).

use std::path::{Path, PathBuf};

/// The longest a function may be without a reason.
const FUNCTION_LINES: usize = 80;
/// The longest a source file may be.
const FILE_LINES: usize = 700;

/// Functions over the limit when the check came in, each to be split (or given its reason) and
/// then taken off this list: the check fails on one that is no longer long, so the list only
/// shrinks. Empty since every one of them was: nothing is to be added.
const AWAITING: &[&str] = &[];

/// A function found in a source file: where it starts and how many lines it spans.
#[derive(Debug, PartialEq)]
struct Function {
    name: String,
    line: usize,
    lines: usize,
    /// A `// long:` comment above it, or a `#[test]` (a test reads as one story).
    reasoned: bool,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reading the source folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Blanks out comments, string and char literals (keeping line breaks), so braces in them don't
/// count; `// long:` markers are found on the original text.
// long: one scanner over the literal kinds, each branch a few lines; split, they'd share state.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"…", r#"…"#, …
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = j + 1;
            let rest: String = chars[body_start..].iter().collect();
            let end = rest.find(&close).map_or(chars.len(), |at| {
                body_start + rest[..at].chars().count() + close.len()
            });
            for &ch in &chars[i..end] {
                out.push(blank(ch));
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            let end = char_literal_end(&chars, i);
            for _ in i..end {
                out.push(' ');
            }
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `'x'`, `'\n'`, `'\u{1F600}'`: a char literal, not a lifetime (`'a`).
fn is_char_literal(chars: &[char], i: usize) -> bool {
    match chars.get(i + 1) {
        Some('\\') => true,
        Some(_) => chars.get(i + 2) == Some(&'\''),
        None => false,
    }
}

fn char_literal_end(chars: &[char], i: usize) -> usize {
    let mut j = i + 1;
    if chars.get(j) == Some(&'\\') {
        j += 2;
    } else {
        j += 1;
    }
    while j < chars.len() && chars[j] != '\'' {
        j += 1;
    }
    j + 1
}

/// The functions of a source file with a body, by brace matching on the code without literals.
fn functions(text: &str) -> Vec<Function> {
    let code = code_only(text);
    let lines: Vec<&str> = code.lines().collect();
    let original: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else {
            continue;
        };
        // The body: from the first `{` after the signature (a `;` first means no body) to its
        // matching `}`.
        let mut depth = 0usize;
        let mut opened = false;
        let mut end = None;
        'scan: for (offset, l) in lines[index..].iter().enumerate() {
            let start = if offset == 0 {
                line.find("fn ").unwrap_or(0)
            } else {
                0
            };
            for ch in l[start..].chars() {
                match ch {
                    ';' if !opened && depth == 0 => break 'scan,
                    '{' => {
                        opened = true;
                        depth += 1;
                    }
                    '}' if opened => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(index + offset);
                            break 'scan;
                        }
                    }
                    _ => {}
                }
            }
        }
        let Some(end) = end else {
            continue;
        };
        found.push(Function {
            name,
            line: index + 1,
            lines: end - index + 1,
            reasoned: reason_above(&original, index),
        });
    }
    found
}

/// The name of the function a line declares, if it does.
fn fn_name(line: &str) -> Option<String> {
    let at = line.find("fn ")?;
    let before = line[..at].trim();
    let modifiers_only = before.split_whitespace().all(|word| {
        matches!(
            word,
            "pub" | "async" | "const" | "unsafe" | "extern" | "default"
        ) || word.starts_with("pub(")
            || word.starts_with("\"")
    });
    if !modifiers_only || (at > 0 && !line[..at].ends_with([' ', '\t'])) {
        return None;
    }
    let name: String = line[at + 3..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A `// long:` comment among the lines right above `index` (its doc comment and attributes).
fn reason_above(lines: &[&str], index: usize) -> bool {
    lines[..index]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with("//") || l.starts_with("#[") || l.starts_with("#!["))
        .any(|l| l.starts_with("// long:") || l == "#[test]")
}

#[test]
fn functions_are_short_or_say_why_not() {
    let mut files = Vec::new();
    sources(&src_dir(), &mut files);
    let (mut long, mut still_awaiting) = (Vec::new(), Vec::new());
    for file in &files {
        let text = std::fs::read_to_string(file).expect("reading a source file");
        for f in functions(&text) {
            if f.lines > FUNCTION_LINES && !f.reasoned {
                let shown = file.strip_prefix(src_dir()).unwrap_or(file).display();
                let key = format!("{shown} `{}`", f.name);
                if AWAITING.contains(&key.as_str()) {
                    still_awaiting.push(key);
                } else {
                    long.push(format!(
                        "{shown}:{} `{}`: {} lines",
                        f.line, f.name, f.lines
                    ));
                }
            }
        }
    }
    let done: Vec<&&str> = AWAITING
        .iter()
        .filter(|a| !still_awaiting.iter().any(|s| s == **a))
        .collect();
    assert!(
        done.is_empty(),
        "no longer over {FUNCTION_LINES} lines (or gone): take them off AWAITING in code_shape.rs: {done:?}"
    );
    assert!(
        long.is_empty(),
        "functions over {FUNCTION_LINES} lines: split them by step, or say why they read best whole in a `// long: <reason>` comment above them:\n  {}",
        long.join("\n  ")
    );
}

#[test]
fn source_files_stay_readable() {
    let mut files = Vec::new();
    sources(&src_dir(), &mut files);
    let big: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(file).ok()?.lines().count();
            (lines > FILE_LINES).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(
        big.is_empty(),
        "source files over {FILE_LINES} lines: give a part its own module:\n  {}",
        big.join("\n  ")
    );
}

#[test]
fn the_checker_measures_bodies_not_literals() {
    let text = r#####"
/// Doc.
pub fn short(x: u32) -> u32 {
    let s = "{ not a brace";
    let c = '{';
    let r = r#"}"#;
    x + 1 // }
}

// long: a table reads best whole
fn marked() {
}

trait T {
    fn declared(&self);
}

impl<'a> X<'a> {
    pub(crate) async fn method(&'a self) {
        /* } */
    }
}
"#####;
    let found = functions(text);
    let summary: Vec<(&str, usize, bool)> = found
        .iter()
        .map(|f| (f.name.as_str(), f.lines, f.reasoned))
        .collect();
    assert_eq!(
        summary,
        [
            ("short", 6, false),
            ("marked", 2, true),
            ("method", 3, false)
        ]
    );
}
