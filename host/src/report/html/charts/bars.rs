//! Bar charts: horizontal bars from zero, one row per bench, each with its value at its end.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Rows, Values, tick_label};
use super::canvas::{draw_err, plot, svg};
use super::rows::{label_area, row_label, row_mesh};
use super::scale::Scale;
use super::style::{INK, MUTED, Rgb, rgb, small_text};

/// A row of a bar chart.
pub struct BarRow {
    pub label: String,
    pub color: Rgb,
    /// Raw value; `None` draws no bar (the note says why).
    pub value: Option<f64>,
    /// Raw (min, max) drawn as a whisker over the bar, e.g. when fuel varies between iterations.
    pub range: Option<(f64, f64)>,
    /// Printed right of the bar.
    pub note: String,
}

/// Bars on one axis: what [`BarChart::draw`] needs.
pub struct BarChart {
    pub rows: Vec<BarRow>,
    /// The axis title, without its unit.
    pub axis: &'static str,
    pub scale: Scale,
    /// The SVG's width ([`super::HALF`] beside another chart).
    pub width: u32,
}

impl BarChart {
    pub fn draw(&self) -> Result<String> {
        let (rows, axis, scale, width) = (&self.rows, self.axis, &self.scale, self.width);
        let labels: Vec<Vec<String>> = rows.iter().map(|r| row_label(&r.label)).collect();
        let max = rows
            .iter()
            .flat_map(|r| [r.value, r.range.map(|(_, hi)| hi)])
            .flatten()
            .fold(0.0, f64::max)
            / scale.divisor;
        // Leave room right of each bar for its note (≈ 6.6 px per character at this font size).
        let plot_px = (width.saturating_sub(label_area(&labels) + 40)).max(100) as f64;
        let mut hi = if max > 0.0 { max } else { 1.0 };
        for row in rows {
            let end = row
                .value
                .into_iter()
                .chain(row.range.map(|r| r.1))
                .fold(0.0, f64::max)
                / scale.divisor;
            let note_px = row.note.chars().count() as f64 * 6.6 + 14.0;
            let room = 1.0 - note_px / plot_px;
            if room > 0.2 {
                hi = hi.max(end / room);
            }
        }
        let values = Values::new(0.0, hi, false, true, 0.02);
        let (_, step) = values.ticks(8);
        let height = 70 + 34 * rows.len() as u32;
        svg((width, height), |root| {
            let mut chart = plot(root, label_area(&labels), values, Rows(rows.len()))?;
            let x_fmt = |v: &f64| tick_label(*v, step);
            row_mesh(&mut chart, &labels, &x_fmt, scale.title(axis))?;
            let area = chart.plotting_area();
            for (i, row) in rows.iter().enumerate() {
                let y = i as f64;
                let color = rgb(row.color);
                let h = 0.3;
                let mut end = 0.0;
                if let Some(v) = row.value {
                    let v = v / scale.divisor;
                    end = v;
                    area.draw(&Rectangle::new([(0.0, y - h), (v, y + h)], color.filled()))
                        .map_err(draw_err)?;
                }
                if let Some((lo, hi)) = row.range {
                    let (lo, hi) = (lo / scale.divisor, hi / scale.divisor);
                    let style = ShapeStyle::from(&INK).stroke_width(1);
                    area.draw(&PathElement::new(vec![(lo, y), (hi, y)], style))
                        .map_err(draw_err)?;
                    for w in [lo, hi] {
                        area.draw(&PathElement::new(vec![(w, y - 0.15), (w, y + 0.15)], style))
                            .map_err(draw_err)?;
                    }
                    end = f64::max(end, hi);
                }
                let color = if row.value.is_some() { INK } else { MUTED };
                area.draw(
                    &(EmptyElement::at((end, y))
                        + Text::new(
                            row.note.clone(),
                            (8, 0),
                            small_text(&color, HPos::Left, VPos::Center),
                        )),
                )
                .map_err(draw_err)?;
            }
            Ok(())
        })
    }
}
