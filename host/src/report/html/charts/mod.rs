//! Charts, drawn with plotters' SVG backend into strings: one file per kind, shared look here.
//!
//! Built without plotters' `ttf` feature: the SVG backend writes `<text>` elements and the browser
//! lays the text out with its own fonts, so nothing here needs a system font. Every chart gets an
//! accessible name (`role="img"` and a `<title>`) and scales to its container through its viewBox.
//!
//! Values are passed raw (nanoseconds, bytes, counts); a [`Scale`] picks one unit per axis and the
//! axis title names it, so tick labels stay short. Statistics (quartiles, bins) come computed.

mod axis;
mod bars;
mod boxplot;
mod histogram;
mod labels;
mod lines;
mod ratios;
mod scale;

use anyhow::{Result, anyhow};
use maud::Render;
use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use bars::{BarChart, BarRow};
pub use boxplot::{BoxChart, BoxRow};
pub use histogram::HistogramChart;
pub use lines::{Axis, LineChart, Series};
pub use ratios::{RatioChart, RatioRow};
pub use scale::Scale;

/// The font family plotters writes into `<text>`; the browser resolves it.
const FONT: &str = "sans-serif";
/// plotters writes font sizes divided by 1.24: 15 comes out as ~12 px.
const LABEL: f64 = 15.0;
const SMALL: f64 = 13.5;
const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Chart sizes in SVG user units (CSS pixels at full width).
pub const WIDE: u32 = 1000;
pub const HALF: u32 = 540;
pub const SMALL_W: u32 = 360;
pub const SMALL_H: u32 = 240;

/// Any chart the report draws, with everything it needs.
pub enum Chart {
    Boxes(BoxChart),
    Bars(BarChart),
    Lines(LineChart),
    Histogram(HistogramChart),
    Ratios(RatioChart),
}

impl Chart {
    /// The chart as plotters' SVG document.
    pub fn draw(&self) -> Result<String> {
        match self {
            Chart::Boxes(c) => c.draw(),
            Chart::Bars(c) => c.draw(),
            Chart::Lines(c) => c.draw(),
            Chart::Histogram(c) => c.draw(),
            Chart::Ratios(c) => c.draw(),
        }
    }
}

type Root<'b> = DrawingArea<SVGBackend<'b>, Shift>;
type Plot<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// Draws on a white canvas of `size` and returns the SVG.
fn svg(size: (u32, u32), draw: impl FnOnce(&Root) -> Result<()>) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// The plot area every chart has: the same margins, `left` px for the y labels, 46 for the x axis.
fn plot<'a, 'b, X: Ranged, Y: Ranged>(
    root: &'a Root<'b>,
    left: u32,
    x: X,
    y: Y,
) -> Result<Plot<'a, 'b, X, Y>> {
    plot_beside(root, left, 18, x, y)
}

/// [`plot`] with `right` px right of the plot area, e.g. for notes that must not cover data.
fn plot_beside<'a, 'b, X: Ranged, Y: Ranged>(
    root: &'a Root<'b>,
    left: u32,
    right: u32,
    x: X,
    y: Y,
) -> Result<Plot<'a, 'b, X, Y>> {
    ChartBuilder::on(root)
        .margin(10)
        .margin_right(right)
        .set_label_area_size(LabelAreaPosition::Left, left)
        .set_label_area_size(LabelAreaPosition::Bottom, 46)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)
}

/// The grid and axis look every chart shares.
fn mesh_style<'m, 'a, 'b, 'c, X: Ranged, Y: Ranged>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'c>>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'c>> {
    mesh.label_style((FONT, LABEL).into_font().color(&INK))
        .axis_desc_style((FONT, LABEL).into_font().color(&INK))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
}

/// Small annotation text in `color`, anchored at (`h`, `v`) of its position.
fn small_text(color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, SMALL).into_font().color(color).pos(Pos::new(h, v))
}

/// The mesh of a chart with one row per label: values along x, the labels down the left side.
fn row_mesh(
    chart: &mut Plot<'_, '_, axis::Values, axis::Rows>,
    labels: &[Vec<String>],
    x_fmt: &dyn Fn(&f64) -> String,
    title: String,
) -> Result<()> {
    let y_fmt = |_: &f64| String::new();
    mesh_style(&mut chart.configure_mesh())
        .disable_y_mesh()
        .x_labels(8)
        .y_labels(labels.len())
        .x_label_formatter(x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(title)
        .draw()
        .map_err(draw_err)?;
    draw_row_labels(chart, labels)
}

/// The row labels, right-aligned left of the plot, a label's lines centred on its row.
fn draw_row_labels(
    chart: &Plot<'_, '_, axis::Values, axis::Rows>,
    labels: &[Vec<String>],
) -> Result<()> {
    let x = chart.x_range().start;
    let style = (FONT, LABEL)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (row, lines) in labels.iter().enumerate() {
        for (k, line) in lines.iter().enumerate() {
            let dy = (2 * k as i32 + 1 - lines.len() as i32) * ROW_LINE / 2;
            chart
                .plotting_area()
                .draw(
                    &(EmptyElement::at((x, row as f64))
                        + Text::new(line.clone(), (-8, dy), style.clone())),
                )
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Width of the row-label area for these labels (plotters can't measure text without fonts).
fn label_area(labels: &[Vec<String>]) -> u32 {
    let longest = labels
        .iter()
        .flatten()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    (longest as u32 * 15 / 2 + 14).clamp(60, 320)
}

/// Characters of a row label's line, and the height of a line in px.
const ROW_CHARS: usize = 36;
const ROW_LINE: i32 = 14;

/// A bench id in pieces that may end a line: after each `/` and space, before the parameters'
/// `[` (the one that opens the bracket closing the id) and after each `,` in them. Never
/// elsewhere: `cpu/fi` + `b` reads as another bench. The pieces make up the id.
pub fn id_pieces(id: &str) -> Vec<&str> {
    let params = id
        .ends_with(']')
        .then(|| id.rfind('['))
        .flatten()
        .filter(|at| *at > 0);
    let mut pieces = Vec::new();
    let mut start = 0;
    for (at, c) in id.char_indices() {
        let inside = params.is_some_and(|p| at > p);
        let end = match c {
            '[' if Some(at) == params => Some(at),
            '/' | ' ' => Some(at + 1),
            ',' if inside => Some(at + 1),
            _ => None,
        };
        if let Some(end) = end.filter(|e| *e > start && *e < id.len()) {
            pieces.push(&id[start..end]);
            start = end;
        }
    }
    pieces.push(&id[start..]);
    pieces
}

/// A row label in at most two lines of about [`ROW_CHARS`], broken between [`id_pieces`]; what
/// doesn't fit is shortened in the middle of the last line (the ends tell benches apart).
pub fn row_label(label: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for piece in id_pieces(label) {
        match lines.last_mut() {
            Some(line) if line.chars().count() + piece.chars().count() <= ROW_CHARS => {
                line.push_str(piece)
            }
            _ => lines.push(piece.to_string()),
        }
    }
    if lines.len() > 2 {
        let rest = lines.split_off(1).concat();
        lines.push(rest);
    }
    lines
        .iter()
        .map(|l| shorten(l.trim_end(), ROW_CHARS))
        .collect()
}

/// Shortens a label to `max` characters with an ellipsis in the middle (the ends tell benches apart).
pub fn shorten(label: &str, max: usize) -> String {
    let chars: Vec<char> = label.chars().collect();
    if chars.len() <= max {
        return label.to_string();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

fn draw_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart: {e:?}")
}

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

/// The `<text>` elements of plotters' SVG: (x, y, text), for tests of where labels land.
#[cfg(test)]
pub fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| {
            let (open, rest) = t.split_once('>')?;
            let open = format!(" {open}");
            let number = |name: &str| -> Option<f64> {
                let start = open.find(&format!(" {name}=\""))? + name.len() + 3;
                open[start..].split('"').next()?.parse().ok()
            };
            let text = rest.split("</text>").next()?.trim().to_string();
            Some((number("x")?, number("y")?, text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::distribution::BoxStats;

    /// A line of a long id ends only after `/`, `,` or a space, or before the parameters' `[`.
    #[test]
    fn long_ids_break_only_after_a_slash_or_before_parameters() {
        assert_eq!(
            id_pieces("db/page-keyset[depth=1000,rows=5]"),
            ["db/", "page-keyset", "[depth=1000,", "rows=5]"]
        );
        assert_eq!(id_pieces("bench\x1b[2J"), ["bench\x1b[2J"]);
        assert_eq!(id_pieces("[a]"), ["[a]"]);
        for id in [
            "fs-read/stream-with-a-long-name[file=big.bin,chunk=65536]",
            "db/orders-by-customer-and-region unindexed",
            "plugin-with-a-long-name/workload-with-a-long-name/variant",
        ] {
            let lines = row_label(id);
            assert!(lines.len() == 2, "{lines:?}");
            assert_eq!(
                lines.concat().replace(' ', ""),
                id.replace(' ', ""),
                "nothing lost"
            );
            let (first, second) = (&lines[0], &lines[1]);
            assert!(
                first.ends_with(['/', ','])
                    || second.starts_with('[')
                    || id.contains(&format!("{first} ")),
                "{id}: broke at {first:?} | {second:?}"
            );
            assert!(lines.iter().all(|l| l.chars().count() <= ROW_CHARS));
        }
        assert_eq!(row_label("cpu/fib[n=27]"), ["cpu/fib[n=27]"]);
        // Longer than two lines: the last is shortened in its middle.
        let long = row_label("fs-read/stream-with-a-rather-long-workload-name[file=big.bin]");
        assert_eq!(long.len(), 2);
        assert!(
            long[1].contains('…') && long[1].ends_with("big.bin]"),
            "{long:?}"
        );
    }

    #[test]
    fn labels_shorten_in_the_middle() {
        assert_eq!(shorten("abcdefghij", 7), "abc…hij");
        assert_eq!(shorten("short", 7), "short");
    }

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
