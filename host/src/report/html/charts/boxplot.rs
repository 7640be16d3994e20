//! Box plots: one row per bench, quartiles and whiskers, every sample as a dot over its box.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Rows, Values, tick_label};
use super::{
    INK, MUTED, Rgb, Scale, WIDE, draw_err, label_area, plot, rgb, row_mesh, shorten, small_text,
    svg,
};
use crate::analysis::distribution::{BoxStats, CHART_POINTS, thin};
use crate::report::format::three_digits;

/// A row of a distribution chart: the samples of one bench.
pub struct BoxRow {
    pub label: String,
    pub color: Rgb,
    /// Raw samples (e.g. nanoseconds), in run order; empty when the bench has none.
    pub samples: Vec<f64>,
    /// The samples' quartiles and whiskers in the axis's unit (÷ `scale.divisor`); `None` without
    /// samples.
    pub stats: Option<BoxStats>,
    /// Shown instead of a box when there are no samples, e.g. "no samples: memory-limit".
    pub missing: String,
    /// The text printed right of the box, e.g. the median.
    pub note: String,
}

/// Box plots of one axis: what [`BoxChart::draw`] needs.
pub struct BoxChart {
    pub rows: Vec<BoxRow>,
    /// The axis title, without its unit.
    pub axis: &'static str,
    pub scale: Scale,
}

/// Horizontal box plots, one row per bench, with every sample drawn as a dot over its box. The box
/// spans the quartiles, the thick line is the median and the whiskers reach the furthest sample
/// within 1.5 IQR; dots beyond the whiskers are outliers. A log axis when the medians span > 20×.
impl BoxChart {
    pub fn draw(&self) -> Result<String> {
        let (rows, axis, scale) = (&self.rows, self.axis, &self.scale);
        let labels: Vec<String> = rows.iter().map(|r| shorten(&r.label, 40)).collect();
        // Quartiles and whiskers per row, in axis units.
        let stats: Vec<Option<BoxStats>> = rows.iter().map(|r| r.stats).collect();
        let present = || stats.iter().flatten();
        let medians: Vec<f64> = present().map(|s| s.median).collect();
        // The axis spans the whiskers: a far outlier is counted in the note, not allowed to squash
        // every box into a line.
        let min = present().map(|s| s.low).fold(f64::INFINITY, f64::min);
        let max = present().map(|s| s.high).fold(0.0, f64::max);
        let spread = medians.iter().copied().fold(0.0, f64::max)
            / medians.iter().copied().fold(f64::INFINITY, f64::min);
        let log = min > 0.0 && spread > 20.0;
        let (min, max) = if medians.is_empty() {
            (0.0, 1.0)
        } else {
            // Outliers near the whiskers stay on the chart; only far ones are left off.
            let span = (max - min).max(max.abs() * 0.05).max(1e-12);
            let (reach_lo, reach_hi) = (min - span, max + 1.5 * span);
            rows.iter()
                .flat_map(|r| r.samples.iter().map(|v| v / scale.divisor))
                .filter(|v| *v >= reach_lo && *v <= reach_hi)
                .fold((min, max), |(lo, hi), v| (lo.min(v), hi.max(v)))
        };
        // From zero when the alternatives differ a lot (sizes compare honestly); zoomed in on the
        // samples when they are close (the distributions are what differs).
        let from_zero = min < 0.5 * max;
        // Samples beyond every whisker are left off the chart and counted in the row's note.
        let notes: Vec<String> = rows
            .iter()
            .map(|r| {
                let off: Vec<f64> = r
                    .samples
                    .iter()
                    .map(|v| v / scale.divisor)
                    .filter(|v| *v < min || *v > max)
                    .collect();
                match off.iter().copied().reduce(f64::max) {
                    None => r.note.clone(),
                    Some(far) => format!(
                        "{} (+{} off the chart, up to {} {})",
                        r.note,
                        off.len(),
                        three_digits(far),
                        scale.suffix
                    ),
                }
            })
            .collect();
        let values = if log {
            Values::new(min, max * 3.0, true, false, 0.0)
        } else {
            // Room right of each row's whisker for its note (≈ 6.6 px per character).
            let mut values = Values::new(min, max, false, from_zero, 0.1);
            let plot_px = WIDE.saturating_sub(label_area(&labels) + 28).max(100) as f64;
            for (stat, note) in stats.iter().zip(&notes) {
                let Some(stat) = stat else { continue };
                let share = 1.0 - (note.chars().count() as f64 * 6.6 + 16.0) / plot_px;
                if share > 0.3 {
                    values.hi = values.hi.max(values.lo + (stat.high - values.lo) / share);
                }
            }
            values
        };
        let (_, step) = values.ticks(8);
        let title = if log {
            format!("{} — log scale", scale.title(axis))
        } else {
            scale.title(axis)
        };

        let height = 70 + 38 * rows.len() as u32;
        svg((WIDE, height), |root| {
            let mut chart = plot(root, label_area(&labels), values.clone(), Rows(rows.len()))?;
            let x_fmt = |v: &f64| {
                if log {
                    tick_label(*v, v.abs().max(1e-12) / 10.0)
                } else {
                    tick_label(*v, step)
                }
            };
            row_mesh(&mut chart, &labels, &x_fmt, title)?;

            let area = chart.plotting_area();
            for (i, row) in rows.iter().enumerate() {
                let y = i as f64;
                let color = rgb(row.color);
                let note_style = small_text(&INK, HPos::Left, VPos::Center);
                if row.samples.is_empty() {
                    let at = if log { values.lo } else { 0.0 };
                    area.draw(
                        &(EmptyElement::at((at, y))
                            + Text::new(row.missing.clone(), (8, 0), note_style.color(&MUTED))),
                    )
                    .map_err(draw_err)?;
                    continue;
                }
                let Some(BoxStats {
                    low,
                    q1,
                    median: med,
                    q3,
                    high,
                }) = stats[i]
                else {
                    continue;
                };
                let h = 0.3;
                let line = ShapeStyle::from(&color).stroke_width(2);
                area.draw(&PathElement::new(vec![(low, y), (q1, y)], line))
                    .map_err(draw_err)?;
                area.draw(&PathElement::new(vec![(q3, y), (high, y)], line))
                    .map_err(draw_err)?;
                for w in [low, high] {
                    area.draw(&PathElement::new(
                        vec![(w, y - h / 2.0), (w, y + h / 2.0)],
                        line,
                    ))
                    .map_err(draw_err)?;
                }
                area.draw(&Rectangle::new(
                    [(q1, y - h), (q3, y + h)],
                    color.mix(0.25).filled(),
                ))
                .map_err(draw_err)?;
                area.draw(&Rectangle::new([(q1, y - h), (q3, y + h)], line))
                    .map_err(draw_err)?;
                area.draw(&PathElement::new(
                    vec![(med, y - h), (med, y + h)],
                    ShapeStyle::from(&INK).stroke_width(3),
                ))
                .map_err(draw_err)?;
                // Samples in run order, spread vertically so equal values stay visible; at most
                // CHART_POINTS of them (the extremes of equal runs) when there are more.
                for (k, v) in thin(&row.samples, CHART_POINTS) {
                    let v = v / scale.divisor;
                    if v < min || v > max {
                        continue;
                    }
                    let jitter = ((k * 7) % 9) as f64 / 8.0 - 0.5;
                    area.draw(&Circle::new(
                        (v, y + jitter * h * 1.3),
                        2,
                        color.mix(0.9).filled(),
                    ))
                    .map_err(draw_err)?;
                }
                let note = notes[i].clone();
                area.draw(&(EmptyElement::at((high, y)) + Text::new(note, (10, 0), note_style)))
                    .map_err(draw_err)?;
            }
            Ok(())
        })
    }
}
