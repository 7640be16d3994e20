//! Text that came from a plugin or a results file, made inert for where it is written: one module
//! per destination, used by every writer of that destination.
//!
//! - [`terminal`]: control characters shown as visible escapes ([`terminal::Inert`]);
//! - [`markdown`]: GFM-safe inline text, table cells included ([`markdown::text`], [`markdown::code`]);
//! - [`xml`]: characters XML 1.0 forbids shown as escapes; quick-xml escapes the markup;
//! - HTML is escaped by maud's templates (`report/html/templates`); JSON by serde.
//!
//! Every destination starts from the same rule, [`visible`]: a character that would act instead
//! of show — C0 and C1 controls, DEL, bidirectional overrides and isolates, line and paragraph
//! separators, the noncharacters U+FFFE and U+FFFF — is written as an escape (`\x1b`, `\r`,
//! `\u{202e}`). Line breaks and tabs stay in [`Lines::Multi`] text, which is multi-line by design (an
//! error message, a plugin's stderr), and become `\n` and `\t` in [`Lines::Single`] text (a name).
//! results.json keeps the raw text: escaping happens where text is written out.

pub mod markdown;
pub mod terminal;
pub mod xml;

use std::borrow::Cow;
use std::fmt::{self, Write};

/// Whether line breaks and tabs may stay as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// One line: a name, an id, a unit. `\n`, `\r` and `\t` are escaped.
    Single,
    /// Text that is multi-line by design: `\n` and `\t` stay; `\r` (which rewrites the line shown)
    /// is escaped.
    Multi,
}

/// Whether `c` is written as an escape.
fn hidden(c: char, lines: Lines) -> bool {
    match c {
        '\n' | '\t' => lines == Lines::Single,
        // C0, DEL and C1 controls.
        '\0'..='\x1f' | '\x7f'..='\u{9f}' => true,
        // Bidirectional marks, embeddings, overrides and isolates (they reorder what follows).
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        // Line and paragraph separators; noncharacters XML forbids.
        '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}' => true,
        _ => false,
    }
}

/// Writes `c` as its escape: `\n`, `\r`, `\t`, `\x1b` below U+0080, `\u{202e}` above.
fn write_escape(out: &mut impl Write, c: char) -> fmt::Result {
    match c {
        '\n' => out.write_str("\\n"),
        '\r' => out.write_str("\\r"),
        '\t' => out.write_str("\\t"),
        c if (c as u32) < 0x80 => write!(out, "\\x{:02x}", c as u32),
        c => write!(out, "\\u{{{:x}}}", c as u32),
    }
}

/// Writes `text` with every character that would act instead of show escaped.
fn write_visible(out: &mut impl Write, text: &str, lines: Lines) -> fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(|c| hidden(c, lines)) {
        out.write_str(&rest[..at])?;
        let c = rest[at..].chars().next().expect("found a character");
        write_escape(out, c)?;
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// `text` with every character that would act instead of show written as an escape; borrowed when
/// there is none.
pub fn visible(text: &str, lines: Lines) -> Cow<'_, str> {
    if !text.chars().any(|c| hidden(c, lines)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    write_visible(&mut out, text, lines).expect("writing to a String");
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_escapes() {
        assert_eq!(
            visible("a\x1b[2Jb\x07c\x7f\u{9b}d", Lines::Single),
            "a\\x1b[2Jb\\x07c\\x7f\\u{9b}d"
        );
        assert_eq!(visible("\0\r", Lines::Multi), "\\x00\\r");
        assert_eq!(
            visible("\u{202e}evil\u{2066}\u{2028}\u{fffe}", Lines::Single),
            "\\u{202e}evil\\u{2066}\\u{2028}\\u{fffe}"
        );
    }

    #[test]
    fn line_breaks_stay_only_in_multi_line_text() {
        assert_eq!(visible("a\nb\tc", Lines::Single), "a\\nb\\tc");
        assert_eq!(visible("a\nb\tc", Lines::Multi), "a\nb\tc");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "fib-15 · µs — 名前 <b>|`";
        assert!(matches!(visible(text, Lines::Single), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn nothing_hidden_survives_any_character() {
        // Every character below U+0100 and the special ranges, one by one: what `hidden` flags
        // never reaches the output.
        for c in (0u32..0x100).chain(0x2000..0x2070).chain(0xfff0..0x10000) {
            let Some(c) = char::from_u32(c) else { continue };
            let out = visible(&c.to_string(), Lines::Single).into_owned();
            assert!(
                !out.chars().any(|o| hidden(o, Lines::Single)),
                "{c:?} → {out:?}"
            );
            assert!(
                !out.chars().any(|o| o.is_control()),
                "{c:?} → {out:?} keeps a control character"
            );
        }
    }
}
