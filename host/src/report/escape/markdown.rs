//! Text for GitHub-flavoured Markdown (comparison.md, the CI step summary): shown literally inline,
//! a table cell included.
//!
//! The rule, applied to every character of plugin or results text:
//! - control characters, line breaks and bidi controls → visible escapes ([`super::visible`],
//!   single-line: a line break would end the table row and could start a heading);
//! - `<`, `>`, `&` → `&lt;`, `&gt;`, `&amp;`: no HTML, no `<!--` comment (which on GitHub hides the
//!   rest of the comment), no entity, no `<https://…>` autolink; the text `<!--` never appears;
//! - `\`, `` ` ``, `*`, `_`, `~`, `(`, `|`, `#`, `$` → backslash-escaped: no code span, emphasis,
//!   strikethrough, inline link or image (`[x](y)` needs `](`; reference links need a definition,
//!   which inline text cannot add), math, heading; `\|` is GFM's pipe inside a table cell (the table
//!   is split on unescaped pipes only). Brackets stay as they are, so a bench id such as
//!   `cpu/fib[n=18]` reads the same in the file as rendered;
//! - what would link without markup gets a word joiner (U+2060, invisible) inside it: after `@`
//!   (cmark-gfm's email autolinks and GitHub's `@mentions`, `owner/repo@sha`), after `#` (GitHub's
//!   `#123` and `owner/repo#123` references), between `:` and `//` (cmark-gfm's `http://`,
//!   `https://` and `ftp://` autolinks), in `www.` and in `GH-` followed by a digit. A backslash
//!   escape is not enough for these: cmark-gfm finds emails in text whose escapes are already
//!   resolved (extensions/autolink.c, `postprocess_text`), and GitHub links references and
//!   mentions in the rendered HTML's text, where `\#123` reads `#123` again.
//!
//! Text is never put inside a backtick code span (where neither entities nor backslash escapes
//! work); [`code`] wraps it in `<code>` instead, inside which escapes still apply and autolinks
//! would too.

use super::{Lines, visible};

/// Invisible, and no letter, digit or punctuation to any of the link rules: it splits a pattern.
const JOINER: char = '\u{2060}';

/// `text` as literal GFM inline text, safe in a table cell.
pub fn text(text: &str) -> String {
    let shown = visible(text, Lines::Single);
    let mut out = String::with_capacity(shown.len() + 8);
    let mut chars = shown.char_indices();
    while let Some((at, c)) = chars.next() {
        let rest = &shown[at..];
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => {
                out.push(c);
                out.push(JOINER);
            }
            '#' => {
                out.push_str("\\#");
                out.push(JOINER);
            }
            ':' if rest.starts_with("://") => {
                out.push(c);
                out.push(JOINER);
            }
            'w' | 'W' if starts_with_ignoring_case(rest, "www.") => {
                // `www` + joiner + `.`: the three letters, then the joiner before the dot.
                out.push_str(&rest[..3]);
                out.push(JOINER);
                chars.next();
                chars.next();
            }
            'g' | 'G'
                if starts_with_ignoring_case(rest, "gh-")
                    && rest[3..].starts_with(|d: char| d.is_ascii_digit()) =>
            {
                out.push_str(&rest[..2]);
                out.push(JOINER);
                chars.next();
            }
            '\\' | '`' | '*' | '_' | '~' | '(' | '|' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
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
        assert_eq!(
            out,
            "<code>x \\| y\\\\n\\#\u{2060} heading\\\\r\\`z\\`</code>"
        );
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

    /// What would make a link on GitHub without markup: cmark-gfm's autolinks (extensions/autolink.c:
    /// `www.` after a space or `*_~(`, `http://`/`https://`/`ftp://`, an email's `@` between an
    /// address's characters) and GitHub's references (`@name`, `#123`, `GH-123`).
    fn links(text: &str) -> Option<&'static str> {
        let lower = text.to_ascii_lowercase();
        let after = |pattern: &str, next: fn(char) -> bool| {
            lower
                .match_indices(pattern)
                .any(|(at, p)| lower[at + p.len()..].starts_with(next))
        };
        if lower.contains("www.") {
            return Some("www autolink");
        }
        if lower.contains("://") {
            return Some("url autolink");
        }
        if after("@", |c| c.is_ascii_alphanumeric()) {
            return Some("email autolink or mention");
        }
        if after("#", |c| c.is_ascii_alphanumeric()) {
            return Some("issue reference");
        }
        if after("gh-", |c| c.is_ascii_digit()) {
            return Some("GH- reference");
        }
        None
    }

    #[test]
    fn nothing_links_by_itself() {
        for hostile in [
            "see www.example.com",
            "WWW.Example.com",
            "(www.x.com)",
            "https://example.invalid/path",
            "a HTTP://x.y b",
            "ftp://x.y",
            "mail me@example.com",
            "first.last+tag@sub.example.org",
            "cc @octocat and @github/team",
            "fixes #123, owner/repo#45",
            "GH-7 gh-8",
            "owner/repo@abc1234",
            "\x1b]8;;https://evil\x1b\\link",
        ] {
            for out in [text(hostile), code(hostile)] {
                assert_eq!(links(&out), None, "{hostile:?} → {out:?}");
            }
            // The joiner is the only character added: the text reads the same.
            let shown = text(hostile).replace(JOINER, "");
            let unescaped = shown.replace('\\', "");
            assert_eq!(
                unescaped,
                visible(hostile, Lines::Single).replace('\\', ""),
                "{hostile:?} reads differently"
            );
        }
        // The checker does see what it is for.
        assert_eq!(links("x www.a.b"), Some("www autolink"));
        assert_eq!(links("#1"), Some("issue reference"));
        assert_eq!(text("a@b.c"), "a@\u{2060}b.c");
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
