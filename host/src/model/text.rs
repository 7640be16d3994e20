//! Free text from plugins and results files: bounded by one rule, [`clip`], so whatever a plugin
//! prints or a results file holds, reports stay small; and made visible by one rule, [`visible`],
//! which every output's escaping (`report::escape`) starts from and which messages use to quote a
//! plugin's names on one line.

use std::borrow::Cow;
use std::fmt::{self, Write};

/// Most of a plugin's own text (an error message, its stderr) kept in a failure message.
pub const MAX_PLUGIN_TEXT: usize = 4096;

/// Most of a whole message kept in results (the host's words around the plugin's, a backtrace);
/// a longer one in a results file is cut when it is read.
pub const MAX_MESSAGE: usize = 16 << 10;

/// `text` cut to `max` bytes (on a character boundary), saying how much was cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes cut)", &text[..end], text.len() - end)
}

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
pub fn hidden(c: char, lines: Lines) -> bool {
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
pub fn write_visible(out: &mut impl Write, text: &str, lines: Lines) -> fmt::Result {
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
    fn clip_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(clip("short", MAX_PLUGIN_TEXT), "short");
        let long = "é".repeat(MAX_PLUGIN_TEXT);
        let clipped = clip(&long, MAX_PLUGIN_TEXT);
        assert!(clipped.len() < MAX_PLUGIN_TEXT + 40, "{}", clipped.len());
        assert!(clipped.ends_with(&format!(
            "({} more bytes cut)",
            long.len() - MAX_PLUGIN_TEXT
        )));
        assert_eq!(clip("abcdef", 3), "abc… (3 more bytes cut)");
    }
}
