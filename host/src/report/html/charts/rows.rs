//! Charts with one row per bench: the row labels (an id broken into at most two lines where it may
//! break, shortened in the middle beyond that) and the mesh they sit beside.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{Rows, Values};
use super::canvas::{Plot, draw_err};
use super::style::{FONT, INK, LABEL, mesh_style};

/// The mesh of a chart with one row per label: values along x, the labels down the left side.
pub(super) fn row_mesh(
    chart: &mut Plot<'_, '_, Values, Rows>,
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
pub(super) fn draw_row_labels(
    chart: &Plot<'_, '_, Values, Rows>,
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
pub(super) fn label_area(labels: &[Vec<String>]) -> u32 {
    let longest = labels
        .iter()
        .flatten()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    (longest as u32 * 15 / 2 + 14).clamp(60, 320)
}

/// Characters of a row label's line, and the height of a line in px.
pub(super) const ROW_CHARS: usize = 36;
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
