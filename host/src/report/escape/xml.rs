//! Text for XML (junit.xml, written with quick-xml).
//!
//! quick-xml escapes `<`, `>`, `&` and quotes, but writes every other character as it is, and XML
//! 1.0 forbids most C0 controls and U+FFFE and U+FFFF even as character references. So text is
//! first passed through [`super::visible`]: every control, bidi and noncharacter is written as a
//! visible escape (`\x1b[2J` stays readable instead of vanishing) and the file stays well-formed.
//! Attribute values are single-line (a parser turns a line break in an attribute into a space);
//! element text keeps its lines.

use super::{Lines, visible};

/// A value for an attribute (a test case's name or class name, a failure message).
pub fn attribute(text: &str) -> String {
    visible(text, Lines::Single).into_owned()
}

/// Element text (system-out).
pub fn text(text: &str) -> String {
    visible(text, Lines::Multi).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Characters XML 1.0 allows (production `Char`).
    fn xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
            || c >= '\u{10000}'
    }

    #[test]
    fn forbidden_characters_become_escapes() {
        let hostile: String = ('\0'..='\u{9f}').chain(['\u{fffe}', '\u{ffff}']).collect();
        for out in [attribute(&hostile), text(&hostile)] {
            assert!(out.chars().all(xml_char), "{out:?}");
            assert!(
                out.contains("\\x1b") && out.contains("\\u{ffff}"),
                "{out:?}"
            );
        }
    }

    #[test]
    fn attributes_are_one_line() {
        assert_eq!(attribute("a\nb"), "a\\nb");
        assert_eq!(text("a\nb"), "a\nb");
    }
}
