//! The baseline chart: ratios (this run over the baseline) with their intervals on a log axis.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Rows, Values, min_max, tick_label};
use super::canvas::{draw_err, plot, svg};
use super::rows::{draw_row_labels, label_area, row_label};
use super::style::{INK, Rgb, WIDE, mesh_style, rgb, small_text};

/// A row of the baseline chart: a ratio (current / baseline) with its interval.
pub struct RatioRow {
    pub label: String,
    pub ratio: f64,
    pub interval: (f64, f64),
    pub color: Rgb,
    pub note: String,
}

/// Ratios with their confidence intervals on a log axis, 1 marked: right of it is slower.
pub struct RatioChart {
    pub rows: Vec<RatioRow>,
    /// The band from 1/`band` to `band` (e.g. 1.05) is shaded: changes inside it are within the
    /// threshold.
    pub band: f64,
    /// The x axis's description: what is divided by what.
    pub axis: String,
}

impl RatioChart {
    pub fn draw(&self) -> Result<String> {
        let (rows, band) = (&self.rows, self.band);
        let labels: Vec<Vec<String>> = rows.iter().map(|r| row_label(&r.label)).collect();
        let values = self.values();
        let height = 80 + 30 * rows.len() as u32;
        svg((WIDE, height), |root| {
            let mut chart = plot(root, label_area(&labels), values, Rows(rows.len()))?;
            let y_fmt = |_: &f64| String::new();
            let x_fmt = |v: &f64| {
                if *v < 1.0 {
                    format!("{}×", tick_label(*v, 0.01))
                } else {
                    format!("{}×", tick_label(*v, 0.05))
                }
            };
            mesh_style(&mut chart.configure_mesh())
                .disable_y_mesh()
                .y_labels(rows.len())
                .x_labels(12)
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .x_desc(self.axis.as_str())
                .draw()
                .map_err(draw_err)?;
            draw_row_labels(&chart, &labels)?;
            let area = chart.plotting_area();
            let top = -0.5;
            let bottom = rows.len() as f64 - 0.5;
            if band > 1.0 {
                area.draw(&Rectangle::new(
                    [(1.0 / band, top), (band, bottom)],
                    RGBColor(0xe8, 0xe8, 0xe8).filled(),
                ))
                .map_err(draw_err)?;
            }
            area.draw(&PathElement::new(
                vec![(1.0, top), (1.0, bottom)],
                ShapeStyle::from(&INK).stroke_width(1),
            ))
            .map_err(draw_err)?;
            for (i, row) in rows.iter().enumerate() {
                draw_row(area, row, i as f64)?;
            }
            Ok(())
        })
    }

    /// The log axis, symmetric around 1 (a doubling and a halving are as far from it), ticked at
    /// ratios people read, with room on the right for the notes.
    fn values(&self) -> Values {
        let (lo, hi) = min_max(
            (self.rows.iter())
                .flat_map(|r| [r.ratio, r.interval.0, r.interval.1])
                .filter(|v| v.is_finite() && *v > 0.0),
        );
        let reach = hi.max(1.0 / lo).max(1.25).log2().ceil().exp2();
        let ticks: Vec<f64> = if reach <= 2.0 {
            vec![0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0]
        } else {
            let step = if reach > 16.0 { 4.0 } else { 2.0 };
            let mut t = vec![1.0];
            let mut v = step;
            while v <= reach * 1.0001 {
                t.push(v);
                t.insert(0, 1.0 / v);
                v *= step;
            }
            t
        };
        Values {
            lo: 1.0 / reach,
            // Room on the right for the notes.
            hi: reach * 2.5,
            log: true,
            integer: false,
            fixed: Some(ticks),
        }
    }
}

/// One row: its interval with end ticks, the ratio's dot, the note right of both.
fn draw_row(
    area: &DrawingArea<SVGBackend<'_>, Cartesian2d<Values, Rows>>,
    row: &RatioRow,
    y: f64,
) -> Result<()> {
    let color = rgb(row.color);
    let style = ShapeStyle::from(&color).stroke_width(2);
    let (a, b) = row.interval;
    area.draw(&PathElement::new(vec![(a, y), (b, y)], style))
        .map_err(draw_err)?;
    for w in [a, b] {
        area.draw(&PathElement::new(vec![(w, y - 0.2), (w, y + 0.2)], style))
            .map_err(draw_err)?;
    }
    area.draw(&Circle::new((row.ratio, y), 4, color.filled()))
        .map_err(draw_err)?;
    area.draw(
        &(EmptyElement::at((b.max(row.ratio), y))
            + Text::new(
                row.note.clone(),
                (10, 0),
                small_text(&INK, HPos::Left, VPos::Center),
            )),
    )
    .map_err(draw_err)?;
    Ok(())
}
