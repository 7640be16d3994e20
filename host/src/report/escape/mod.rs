//! Text that came from a plugin or a results file, made inert for where it is written: one module
//! per destination, used by every writer of that destination.
//!
//! - [`terminal`]: control characters shown as visible escapes ([`terminal::Inert`]);
//! - [`markdown`]: GFM-safe inline text, table cells included ([`markdown::text`], [`markdown::code`]);
//! - [`xml`]: characters XML 1.0 forbids shown as escapes; quick-xml escapes the markup;
//! - [`html`]: maud's templates (`report/html/templates`) escape the markup; [`html::page`] makes
//!   the finished page's controls and bidi visible, [`html::Isolated`] puts plugin text in `<bdi>`;
//! - JSON is escaped by serde.
//!
//! Every destination starts from the same rule, [`visible`]: a character that would act instead
//! of show — C0 and C1 controls, DEL, bidirectional overrides and isolates, line and paragraph
//! separators, the noncharacters U+FFFE and U+FFFF — is written as an escape (`\x1b`, `\r`,
//! `\u{202e}`). Line breaks and tabs stay in [`Lines::Multi`] text, which is multi-line by design (an
//! error message, a plugin's stderr), and become `\n` and `\t` in [`Lines::Single`] text (a name).
//! results.json keeps the raw text: escaping happens where text is written out.

pub mod html;
pub mod markdown;
pub mod terminal;
pub mod xml;

use crate::model::write_visible;
pub use crate::model::{Lines, visible};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::hidden;
    use std::borrow::Cow;

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
