//! Histograms: how many samples fall in each bin, with the median marked.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Values, tick_label};
use super::canvas::{draw_err, plot, svg};
use super::scale::Scale;
use super::style::{INK, Rgb, SMALL_H, SMALL_W, mesh_style, rgb, small_text};
use crate::analysis::distribution::Histogram;

/// A histogram of samples, already binned.
pub struct HistogramChart {
    /// Binned in the axis's unit (samples ÷ `scale.divisor`).
    pub histogram: Histogram,
    pub color: Rgb,
    /// The axis title, without its unit.
    pub axis: &'static str,
    pub scale: Scale,
}

impl HistogramChart {
    pub fn draw(&self) -> Result<String> {
        let (h, scale) = (&self.histogram, &self.scale);
        let counts = &h.counts;
        let bins = counts.len();
        let (min, width, median) = (h.start, h.bin_width, h.median);
        let top = *counts.iter().max().unwrap_or(&1) as f64;
        let x_values = Values {
            lo: min - width * 0.5,
            hi: min + width * (bins as f64 + 0.5),
            log: false,
            integer: false,
            fixed: None,
        };
        let y_values = Values {
            lo: 0.0,
            hi: top * 1.15,
            log: false,
            integer: true,
            fixed: None,
        };
        let (_, x_step) = x_values.ticks(5);
        svg((SMALL_W, SMALL_H), |root| {
            let mut chart = plot(root, 50, x_values, y_values)?;
            let x_fmt = |v: &f64| tick_label(*v, x_step);
            let y_fmt = |v: &f64| {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    String::new()
                }
            };
            mesh_style(&mut chart.configure_mesh())
                .disable_x_mesh()
                .x_labels(5)
                .y_labels((top as usize + 1).min(6))
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .x_desc(scale.title(self.axis))
                .y_desc("samples")
                .draw()
                .map_err(draw_err)?;
            let fill = rgb(self.color);
            chart
                .draw_series(
                    counts
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| **c > 0)
                        .map(|(i, c)| {
                            let x0 = min + width * i as f64;
                            let mut bar =
                                Rectangle::new([(x0, 0.0), (x0 + width, *c as f64)], fill.filled());
                            bar.set_margin(0, 0, 1, 1);
                            bar
                        }),
                )
                .map_err(draw_err)?;
            chart
                .plotting_area()
                .draw(&PathElement::new(
                    vec![(median, 0.0), (median, top * 1.15)],
                    ShapeStyle::from(&INK).stroke_width(2),
                ))
                .map_err(draw_err)?;
            chart
                .plotting_area()
                .draw(
                    &(EmptyElement::at((median, top * 1.15))
                        + Text::new("median", (4, 2), small_text(&INK, HPos::Left, VPos::Top))),
                )
                .map_err(draw_err)?;
            Ok(())
        })
    }
}
