//! The machinery of the property tests (fuzzing) of the two readers of untrusted files,
//! `fuzz_suites` and `fuzz_results`: random edits of real files from a dictionary of the format's
//! tokens, and the case count.
//!
//! Cases per property default to a few hundred (each property runs in about a second); set
//! `PROPTEST_CASES` for a longer run, e.g. `PROPTEST_CASES=100000 cargo test --release --test it
//! input::fuzz`.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Cases per property: `PROPTEST_CASES`, else `default`.
pub(super) fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub(super) fn runner(default: u32) -> TestRunner {
    TestRunner::new(Config {
        cases: cases(default),
        // The inputs are cheap; don't let rejected cases or shrinking run away.
        max_shrink_iters: 2048,
        ..Config::default()
    })
}

// ---- editing text ----

/// One random edit of a text.
#[derive(Debug, Clone)]
pub(super) enum Edit {
    /// Remove `len` characters at `at`.
    Delete { at: usize, len: usize },
    /// Insert a dictionary token (or arbitrary text) at `at`.
    Insert { at: usize, token: String },
    /// Replace `len` characters at `at` with a token.
    Replace {
        at: usize,
        len: usize,
        token: String,
    },
    /// Repeat line `line`.
    DuplicateLine { line: usize },
    /// Cut the text at `at`.
    Truncate { at: usize },
}

/// The character boundary nearest below `at % (len + 1)`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

pub(super) fn apply(text: &str, edit: &Edit) -> String {
    let mut out = text.to_string();
    match edit {
        Edit::Delete { at, len } => {
            let start = boundary(&out, *at);
            let end = boundary(&out, (start + len).min(out.len()));
            out.replace_range(start..end.max(start), "");
        }
        Edit::Insert { at, token } => {
            let at = boundary(&out, *at);
            out.insert_str(at, token);
        }
        Edit::Replace { at, len, token } => {
            let start = boundary(&out, *at);
            let end = boundary(&out, (start + len).min(out.len()));
            out.replace_range(start..end.max(start), token);
        }
        Edit::DuplicateLine { line } => {
            let lines: Vec<&str> = out.lines().collect();
            if !lines.is_empty() {
                let i = line % lines.len();
                let mut copy = lines.clone();
                copy.insert(i, lines[i]);
                out = copy.join("\n");
            }
        }
        Edit::Truncate { at } => {
            let at = boundary(&out, *at);
            out.truncate(at);
        }
    }
    out
}

/// Edits whose tokens come from `dictionary`, or are arbitrary short strings.
pub(super) fn edits(dictionary: &'static [&'static str]) -> impl Strategy<Value = Vec<Edit>> {
    let token = prop_oneof![
        4 => proptest::sample::select(dictionary).prop_map(str::to_string),
        1 => any::<String>().prop_map(|s| s.chars().take(8).collect()),
    ];
    let edit = prop_oneof![
        any::<(usize, u8)>().prop_map(|(at, len)| Edit::Delete {
            at,
            len: usize::from(len % 16)
        }),
        (any::<usize>(), token.clone()).prop_map(|(at, token)| Edit::Insert { at, token }),
        (any::<usize>(), any::<u8>(), token).prop_map(|(at, len, token)| Edit::Replace {
            at,
            len: usize::from(len % 8),
            token
        }),
        any::<usize>().prop_map(|line| Edit::DuplicateLine { line }),
        any::<usize>().prop_map(|at| Edit::Truncate { at }),
    ];
    proptest::collection::vec(edit, 1..8)
}
