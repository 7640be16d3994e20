//! Text for the HTML report (report.html, trends.html): maud escapes the markup of every spliced
//! value; this module makes what is left inert.
//!
//! - [`page`]: the finished page through [`super::visible`] (multi-line): a C0 or C1 control, DEL,
//!   a bidi override or isolate, a line or paragraph separator or a noncharacter, wherever a
//!   template spliced it (text, attribute, SVG), is written as its escape (`\x1b`, `\u{202e}`), as
//!   on the terminal. HTML forbids those code points (the Nu checker's `Forbidden code point`), and
//!   a bidi control in plugin text would reorder the harness's own words after it. The page's own
//!   markup, style and script hold none (a test checks), so only spliced text changes; line breaks
//!   and tabs stay.
//! - [`Isolated`]: plugin text in a `<bdi>`, so even right-to-left letters (which need no control
//!   character) can't move the words around it.

use std::borrow::Cow;

use maud::{Markup, Render, html};

use super::{Lines, visible};

/// The page with every character that would act instead of show written as an escape.
pub fn page(html: String) -> String {
    match visible(&html, Lines::Multi) {
        Cow::Borrowed(_) => html,
        Cow::Owned(shown) => shown,
    }
}

/// Plugin or results text, isolated from what surrounds it (`<bdi>`) and escaped by maud.
pub struct Isolated<'a>(pub &'a str);

impl Render for Isolated<'_> {
    fn render(&self) -> Markup {
        html! { bdi { (self.0) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::hidden;

    /// Code points the HTML standard forbids in a document (the Nu checker's `Forbidden code
    /// point`): controls other than ASCII whitespace, and noncharacters.
    pub(crate) fn forbidden(c: char) -> bool {
        let n = c as u32;
        (c.is_control() && !matches!(c, '\t' | '\n' | '\x0c' | '\r'))
            || (0xfdd0..=0xfdef).contains(&n)
            || (n & 0xfffe) == 0xfffe
    }

    #[test]
    fn controls_and_bidi_become_escapes_markup_stays() {
        let out = page("<p title=\"a\x1b\">x\u{202e}y\u{9b}\nz\tw</p>".into());
        assert_eq!(out, "<p title=\"a\\x1b\">x\\u{202e}y\\u{9b}\nz\tw</p>");
        assert!(!out.chars().any(forbidden));
        assert!(!out.chars().any(|c| hidden(c, Lines::Multi)));
    }

    #[test]
    fn isolated_text_is_escaped_in_bdi() {
        assert_eq!(
            Isolated("a<b>\u{202e}").render().into_string(),
            "<bdi>a&lt;b&gt;\u{202e}</bdi>"
        );
    }
}
