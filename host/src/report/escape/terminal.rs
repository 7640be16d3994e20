//! Text for a terminal: escape sequences (CSI, OSC), BEL, `\r` and every other control character
//! are shown as visible escapes, so plugin text cannot clear the screen, set the window title, make
//! hyperlinks, reorder the line (bidi overrides) or rewrite what was printed before.
//!
//! `format!("{}", Inert::line(&bench.id))` at the point of output; results keep the raw text.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use super::{Lines, visible, write_visible};

/// Text shown inert on a terminal; `Display` writes the escaped form.
#[derive(Clone, Copy, Debug)]
pub struct Inert<'a> {
    text: &'a str,
    lines: Lines,
}

impl<'a> Inert<'a> {
    /// One line (a name, id, unit, description): line breaks and tabs are escaped too.
    pub fn line(text: &'a str) -> Self {
        Inert {
            text,
            lines: Lines::Single,
        }
    }

    /// Text that is multi-line by design (an error message, a plugin's stderr): `\n` and `\t` stay.
    pub fn text(text: &'a str) -> Self {
        Inert {
            text,
            lines: Lines::Multi,
        }
    }
}

impl fmt::Display for Inert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.width().is_some() || f.precision().is_some() {
            // Padding (`{:<14}`) needs the escaped text as one piece.
            return f.pad(&visible(self.text, self.lines));
        }
        write_visible(f, self.text, self.lines)
    }
}

/// [`Inert::line`] as a string (for table cells).
pub fn line(text: &str) -> Cow<'_, str> {
    visible(text, Lines::Single)
}

/// [`Inert::text`] as a string.
pub fn text(text: &str) -> Cow<'_, str> {
    visible(text, Lines::Multi)
}

/// A path (which may hold a suite's name or a plugin's file name), shown on one line.
pub fn path(path: &Path) -> String {
    visible(&path.display().to_string(), Lines::Single).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        let hostile = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\\rX";
        let shown = Inert::line(hostile).to_string();
        assert_eq!(
            shown,
            "\\x1b[2J\\x1b]0;pwned\\x07\\x1b]8;;https://evil\\x1b\\link\\x1b]8;;\\x1b\\\\rX"
        );
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
    }

    #[test]
    fn names_are_one_line_messages_keep_their_lines() {
        assert_eq!(Inert::line("a\nb").to_string(), "a\\nb");
        assert_eq!(Inert::text("a\nb\r").to_string(), "a\nb\\r");
    }

    #[test]
    fn padding_applies_to_the_escaped_text() {
        assert_eq!(format!("[{:<6}]", Inert::line("a\x07")), "[a\\x07 ]");
        assert_eq!(format!("[{:<4}]", Inert::line("ab")), "[ab  ]");
    }
}
