//! Box plots: one row per bench, quartiles and whiskers, every sample as a dot over its box.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Rows, Values, tick_label};
use super::canvas::{draw_err, plot_beside, svg};
use super::rows::{label_area, row_label, row_mesh};
use super::scale::Scale;
use super::style::{INK, MUTED, Rgb, WIDE, rgb, small_text};
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

/// The height of a line of a note, px.
const NOTE_LINE: i32 = 14;

/// A note as lines: what is left off the chart (in parentheses) on a line of its own.
fn note_lines(note: &str) -> Vec<String> {
    match note.split_once(" (") {
        Some((value, rest)) => vec![value.to_string(), format!("({rest}")],
        None => vec![note.to_string()],
    }
}

/// The width of the notes' column (≈ 6.6 px per character), at most a third of the chart.
fn note_column(notes: &[Vec<String>]) -> u32 {
    let longest = notes.iter().flatten().map(|l| l.chars().count()).max();
    (longest.unwrap_or(0) as f64 * 6.6 + 18.0).clamp(24.0, WIDE as f64 / 3.0) as u32
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
        let labels: Vec<Vec<String>> = rows.iter().map(|r| row_label(&r.label)).collect();
        // Quartiles and whiskers per row, in axis units.
        let stats: Vec<Option<BoxStats>> = rows.iter().map(|r| r.stats).collect();
        let (min, max, log) = self.span(&stats);
        // From zero when the alternatives differ a lot (sizes compare honestly); zoomed in on the
        // samples when they are close (the distributions are what differs).
        let from_zero = min < 0.5 * max;
        let values = if log {
            Values::new(min, max, true, false, 0.0)
        } else {
            Values::new(min, max, false, from_zero, 0.05)
        };
        // The notes in a column of their own right of the plot, where no sample can be: a note
        // beside its whisker sat on the dots beyond it. Their "off the chart" part goes on a
        // second line.
        let notes: Vec<Vec<String>> = self.notes(min, max).iter().map(|n| note_lines(n)).collect();
        let column = note_column(&notes);
        let (_, step) = values.ticks(8);
        let title = if log {
            format!("{} — log scale", scale.title(axis))
        } else {
            scale.title(axis)
        };

        let height = 70 + 38 * rows.len() as u32;
        svg((WIDE, height), |root| {
            let mut chart = plot_beside(
                root,
                label_area(&labels),
                column,
                values.clone(),
                Rows(rows.len()),
            )?;
            let right = chart.plotting_area().get_pixel_range().0.end;
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
                let Some(box_stats) = stats[i] else {
                    continue;
                };
                draw_box(area, &box_stats, y, rgb(row.color))?;
                draw_samples(area, row, y, scale.divisor, (min, max))?;
                let centre = chart.backend_coord(&(values.lo, y)).1;
                let lines = &notes[i];
                for (k, line) in lines.iter().enumerate() {
                    let dy = (2 * k as i32 + 1 - lines.len() as i32) * NOTE_LINE / 2;
                    root.draw(&Text::new(
                        line.clone(),
                        (right + 8, centre + dy),
                        note_style.clone(),
                    ))
                    .map_err(draw_err)?;
                }
            }
            Ok(())
        })
    }

    /// The axis's span, in axis units: the whiskers, and the samples near them (a far outlier is
    /// counted in the note, not allowed to squash every box into a line); log when the medians
    /// differ more than 20×.
    fn span(&self, stats: &[Option<BoxStats>]) -> (f64, f64, bool) {
        let present = || stats.iter().flatten();
        let medians: Vec<f64> = present().map(|s| s.median).collect();
        let min = present().map(|s| s.low).fold(f64::INFINITY, f64::min);
        let max = present().map(|s| s.high).fold(0.0, f64::max);
        let spread = medians.iter().copied().fold(0.0, f64::max)
            / medians.iter().copied().fold(f64::INFINITY, f64::min);
        let log = min > 0.0 && spread > 20.0;
        if medians.is_empty() {
            return (0.0, 1.0, log);
        }
        // Outliers near the whiskers stay on the chart; only far ones are left off.
        let span = (max - min).max(max.abs() * 0.05).max(1e-12);
        let (reach_lo, reach_hi) = (min - span, max + 1.5 * span);
        let (min, max) = (self.rows.iter())
            .flat_map(|r| r.samples.iter().map(|v| v / self.scale.divisor))
            .filter(|v| *v >= reach_lo && *v <= reach_hi)
            .fold((min, max), |(lo, hi), v| (lo.min(v), hi.max(v)));
        (min, max, log)
    }

    /// Each row's note, with the samples beyond `min`–`max` counted in it: they are left off.
    fn notes(&self, min: f64, max: f64) -> Vec<String> {
        let scale = &self.scale;
        (self.rows.iter())
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
            .collect()
    }
}

/// The plot's area: values across, one row per bench.
type Area<'a> = DrawingArea<SVGBackend<'a>, Cartesian2d<Values, Rows>>;

/// Half a box's height, in rows.
const BOX_HALF: f64 = 0.3;

/// A row's box: whiskers, the quartiles' box and the median's thick line.
fn draw_box(area: &Area<'_>, stats: &BoxStats, y: f64, color: RGBColor) -> Result<()> {
    let BoxStats {
        low,
        q1,
        median: med,
        q3,
        high,
    } = *stats;
    let h = BOX_HALF;
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
    Ok(())
}

/// A row's samples in run order, spread vertically so equal values stay visible; at most
/// CHART_POINTS of them (the extremes of equal runs) when there are more, none outside the span.
fn draw_samples(
    area: &Area<'_>,
    row: &BoxRow,
    y: f64,
    divisor: f64,
    (min, max): (f64, f64),
) -> Result<()> {
    let color = rgb(row.color);
    for (k, v) in thin(&row.samples, CHART_POINTS) {
        let v = v / divisor;
        if v < min || v > max {
            continue;
        }
        let jitter = ((k * 7) % 9) as f64 / 8.0 - 0.5;
        area.draw(&Circle::new(
            (v, y + jitter * BOX_HALF * 1.3),
            2,
            color.mix(0.9).filled(),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::texts;
    use super::*;

    /// Notes sit in their own column right of every sample: `(+1 off the chart, …)` sat on the
    /// dots beyond a whisker.
    #[test]
    fn notes_never_cover_samples() {
        let row = |label: &str, samples: Vec<f64>| {
            let in_ms: Vec<f64> = samples.iter().map(|v| v / 1e6).collect();
            BoxRow {
                label: label.into(),
                color: (0, 0, 0),
                stats: BoxStats::of(&in_ms),
                samples,
                missing: String::new(),
                note: "1.10 ms".into(),
            }
        };
        let mut samples: Vec<f64> = (0..30).map(|i| 1.0e6 + (i % 10) as f64 * 2.0e4).collect();
        // Near the whisker (drawn) and far beyond it (left off, counted in the note).
        samples.extend([1.3e6, 1.35e6, 18.5e6]);
        let chart = BoxChart {
            rows: vec![row("a", samples.clone()), row("b", samples[..30].to_vec())],
            axis: "wall time",
            scale: Scale::duration(2e6),
        };
        let svg = chart.draw().unwrap();
        let dots: Vec<f64> = svg
            .split("<circle ")
            .skip(1)
            .filter_map(|c| c.split("cx=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert!(dots.len() >= 60, "{}", dots.len());
        let rightmost = dots.iter().copied().fold(0.0, f64::max);
        let texts = texts(&svg);
        let notes: Vec<_> = texts
            .iter()
            .filter(|t| t.2.starts_with("1.10 ms") || t.2.starts_with("(+"))
            .collect();
        assert_eq!(notes.len(), 3, "{texts:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.2 == "(+1 off the chart, up to 18.5 ms)"),
            "{notes:?}"
        );
        for n in notes {
            // Left-anchored: the text starts at x, right of the rightmost dot and its radius.
            assert!(n.0 > rightmost + 4.0, "{n:?} vs {rightmost}");
        }
    }
}
