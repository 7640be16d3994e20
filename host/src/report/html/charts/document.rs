//! plotters' SVG document taken apart for the page, which writes its own `<svg>` tag: its size
//! attributes, and its drawing written compacted.

use maud::Render;

use super::style::{LABEL, SMALL};

/// plotters' SVG document taken apart, for the page to write its own `<svg>` tag with an
/// accessible name around the drawing.
pub struct Svg<'a> {
    pub width: &'a str,
    pub height: &'a str,
    pub view_box: &'a str,
    /// The drawing, written compacted.
    pub body: Compact<'a>,
}

/// Splits plotters' output into its size attributes and its drawing.
pub fn split(svg: &str) -> Svg<'_> {
    let end = svg.find('>').unwrap_or(0);
    let open = &svg[..end];
    let attr = |name: &str| -> &str {
        let key = format!(" {name}=\"");
        open.find(&key)
            .and_then(|start| {
                let rest = &open[start + key.len()..];
                rest.find('"').map(|stop| &rest[..stop])
            })
            .unwrap_or_default()
    };
    let body = svg[(end + 1).min(svg.len())..].trim();
    Svg {
        width: attr("width"),
        height: attr("height"),
        view_box: attr("viewBox"),
        body: Compact(body.strip_suffix("</svg>").unwrap_or(body)),
    }
}

/// plotters' drawing (markup it generated, its text already escaped by it), rendered as is but
/// compacted on the way: see [`compact_into`].
pub struct Compact<'a>(&'a str);

impl Render for Compact<'_> {
    fn render_to(&self, out: &mut String) {
        compact_into(self.0, out);
    }
}

/// Attributes plotters writes that change nothing.
const DROP: [&str; 2] = [" opacity=\"1\"", " font-family=\"sans-serif\""];
const STROKE: &str = " stroke=\"none\" stroke-width=\"1\"";

/// Writes `body` without what changes nothing: default opacities, the font family (the page's CSS
/// sets it) and 16-digit font sizes. A third less SVG for the same picture, in one pass.
fn compact_into(body: &str, out: &mut String) {
    let sizes = [LABEL, SMALL].map(|size| {
        (
            format!(" font-size=\"{}\"", size / 1.24),
            format!(" font-size=\"{:.1}\"", size / 1.24),
        )
    });
    out.reserve(body.len());
    let mut rest = body;
    // Every attribute starts with a space: look at each space only.
    while let Some(at) = rest.find(' ') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(drop) = DROP.iter().find(|d| rest.starts_with(**d)) {
            rest = &rest[drop.len()..];
        } else if rest.starts_with(STROKE) {
            out.push_str(" stroke=\"none\"");
            rest = &rest[STROKE.len()..];
        } else if let Some((from, to)) = sizes.iter().find(|(from, _)| rest.starts_with(from)) {
            out.push_str(to);
            rest = &rest[from.len()..];
        } else {
            out.push(' ');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::super::{BoxChart, BoxRow, Chart, Scale};
    use super::*;
    use crate::analysis::distribution::BoxStats;

    /// The one-pass compaction writes what the replacements it stands for wrote.
    #[test]
    fn compaction_is_the_replacements_in_one_pass() {
        let samples = vec![1.0e6, 1.2e6, 1.1e6];
        let chart = Chart::Boxes(BoxChart {
            rows: vec![BoxRow {
                label: "a".into(),
                color: (0, 0, 0),
                stats: BoxStats::of(&samples.iter().map(|v| v / 1e6).collect::<Vec<_>>()),
                samples,
                missing: String::new(),
                note: "1.10 ms".into(),
            }],
            axis: "wall time",
            scale: Scale::duration(1.2e6),
        });
        let svg = chart.draw().unwrap();
        let parts = split(&svg);
        assert_eq!(parts.width, "1000");
        assert!(parts.body.0.starts_with('<') && !parts.body.0.ends_with("</svg>"));
        let mut expected = parts
            .body
            .0
            .replace(" opacity=\"1\"", "")
            .replace(" font-family=\"sans-serif\"", "")
            .replace(STROKE, " stroke=\"none\"");
        for size in [LABEL, SMALL] {
            expected = expected.replace(
                &format!(" font-size=\"{}\"", size / 1.24),
                &format!(" font-size=\"{:.1}\"", size / 1.24),
            );
        }
        let mut compact = String::new();
        parts.body.render_to(&mut compact);
        assert_eq!(compact, expected);
        assert!(compact.len() < parts.body.0.len());
        assert!(compact.contains("wall time (ms)"));
    }
}
