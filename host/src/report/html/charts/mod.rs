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
mod canvas;
mod document;
mod histogram;
mod labels;
mod lines;
mod ratios;
mod rows;
mod scale;
mod style;

use anyhow::Result;

pub use bars::{BarChart, BarRow};
pub use boxplot::{BoxChart, BoxRow};
pub use document::{Compact, Svg, split};
pub use histogram::HistogramChart;
pub use lines::{Axis, LineChart, Series};
pub use ratios::{RatioChart, RatioRow};
pub use rows::{id_pieces, row_label, shorten};
pub use scale::Scale;
pub use style::{HALF, Rgb, SMALL_H, SMALL_W, WIDE};

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
    use super::rows::ROW_CHARS;
    use super::*;

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
}
