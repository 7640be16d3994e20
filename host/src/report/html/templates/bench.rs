//! How a bench is named on the page: its colour as a swatch, its id wrapping only between its
//! pieces, and a link to its details.

use maud::{Markup, html};

use super::super::charts;
use super::super::view::BenchLink;
use crate::report::escape::html::Isolated;

/// A bench's colour, as a small square before its name.
pub(super) fn swatch(color: &str) -> Markup {
    html! { span class="swatch" style={ "background:" (color) } {} }
}

/// A link to a bench's details, after its colour.
pub(super) fn bench_link(b: &BenchLink) -> Markup {
    html! { (swatch(&b.color)) a href={ "#bench-" (b.index) } { (BenchId(&b.id)) } }
}

/// A bench id in a `<bdi>` that wraps only between its pieces (`charts::id_pieces`: after `/`,
/// before the parameters' `[`): each piece kept whole, a `<wbr>` between. A piece too long for
/// any column may still break anywhere rather than push the page wide.
pub(in crate::report::html) struct BenchId<'a>(pub &'a str);

impl maud::Render for BenchId<'_> {
    fn render(&self) -> Markup {
        let pieces = charts::id_pieces(self.0);
        if pieces.len() == 1 {
            return Isolated(self.0).render();
        }
        html! {
            bdi {
                @for (k, piece) in pieces.iter().enumerate() {
                    @if k > 0 { wbr; }
                    @if piece.chars().count() <= 40 { span class="nb" { (piece) } } @else { (piece) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_text_is_escaped() {
        let link = BenchLink {
            index: 3,
            id: "a<b>&\"c\"".into(),
            color: "#000000".into(),
        };
        assert_eq!(
            bench_link(&link).into_string(),
            "<span class=\"swatch\" style=\"background:#000000\"></span><a href=\"#bench-3\"><bdi>a&lt;b&gt;&amp;&quot;c&quot;</bdi></a>"
        );
    }

    /// Ids wrap after `/` and before `[`, nowhere else: pieces kept whole, `<wbr>` between.
    #[test]
    fn bench_ids_wrap_only_between_pieces() {
        use maud::Render;
        assert_eq!(
            BenchId("fs-read/stream[file=big.bin]")
                .render()
                .into_string(),
            "<bdi><span class=\"nb\">fs-read/</span><wbr><span class=\"nb\">stream</span><wbr><span class=\"nb\">[file=big.bin]</span></bdi>"
        );
        assert_eq!(BenchId("plain").render().into_string(), "<bdi>plain</bdi>");
        assert!(super::super::STYLE.contains(".nb { white-space: nowrap; }"));
    }
}
