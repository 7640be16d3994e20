//! Text for GitHub-flavoured Markdown (comparison.md, the CI step summary): shown literally inline,
//! a table cell included.
//!
//! The rule, applied to every character of plugin or results text:
//! - control characters, line breaks and bidi controls → visible escapes ([`super::visible`],
//!   single-line: a line break would end the table row and could start a heading);
//! - `<`, `>`, `&` → `&lt;`, `&gt;`, `&amp;`: no HTML, no `<!--` comment (which on GitHub hides the
//!   rest of the comment), no entity; the text `<!--` never appears in the output;
//! - `\`, `` ` ``, `*`, `_`, `~`, `(`, `|`, `#`, `$` → backslash-escaped: no code span, emphasis,
//!   strikethrough, inline link or image (`[x](y)` needs `](`; reference links need a definition,
//!   which inline text cannot add), math, heading, issue reference; `\|` is GFM's pipe inside a
//!   table cell (the table is split on unescaped pipes only). Brackets stay as they are, so a bench
//!   id such as `cpu/fib[n=18]` reads the same in the file as rendered.
//!
//! Text is never put inside a backtick code span (where neither entities nor backslash escapes
//! work); [`code`] wraps it in `<code>` instead, inside which escapes still apply.

use super::{Lines, visible};

/// `text` as literal GFM inline text, safe in a table cell.
pub fn text(text: &str) -> String {
    let shown = visible(text, Lines::Single);
    let mut out = String::with_capacity(shown.len() + 8);
    for c in shown.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '~' | '(' | '|' | '#' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` in monospace (`<code>…</code>`), as literal as [`text`].
pub fn code(text: &str) -> String {
    format!("<code>{}</code>", self::text(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_comments_and_tags_are_inert() {
        let out = text("a<!-- hide -->b<img src=x>&amp;");
        assert_eq!(out, "a&lt;!-- hide --&gt;b&lt;img src=x&gt;&amp;amp;");
        assert!(!out.contains('<') && !out.contains('>'), "{out}");
    }

    #[test]
    fn a_cell_stays_one_cell_on_one_line() {
        let out = code("x | y\n# heading\r`z`");
        assert_eq!(out, "<code>x \\| y\\\\n\\# heading\\\\r\\`z\\`</code>");
        assert!(!out.contains('\n') && !out.contains('\r'));
        // Every pipe is escaped, so GFM's cell splitter sees none.
        assert!(!out.replace("\\|", "").contains('|'), "{out}");
    }

    #[test]
    fn markup_characters_are_literal() {
        assert_eq!(
            text(r"*b* _i_ ~s~ [l](u) ![i](u) $m$ \"),
            r"\*b\* \_i\_ \~s\~ [l]\(u) ![i]\(u) \$m\$ \\"
        );
    }

    #[test]
    fn control_characters_are_visible() {
        assert_eq!(text("\x1b[2J\u{202e}"), "\\\\x1b[2J\\\\u{202e}");
    }

    #[test]
    fn ordinary_names_read_as_they_are() {
        assert_eq!(text("cpu/fib[n=15], µs/op"), "cpu/fib[n=15], µs/op");
    }
}
