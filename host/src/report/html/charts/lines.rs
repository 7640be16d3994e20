//! Line charts: scaling against a parameter or the instance count, samples and memory in run order,
//! metrics over commits, a load scenario's latency spectrum and its timeline.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Values, min_max, tick_label};
use super::{
    FONT, GRID, INK, MUTED, Rgb, SMALL, Scale, draw_err, mesh_style, plot, rgb, shorten,
    small_text, svg,
};

/// The shade of every other band.
const BAND: RGBColor = RGBColor(0xee, 0xf1, 0xf5);

/// An axis of a line chart.
pub struct Axis {
    pub title: String,
    pub scale: Scale,
    pub log: bool,
    pub from_zero: bool,
    /// Whole-number ticks only.
    pub integer: bool,
}

/// One line of a line chart. Points and error bars are raw values.
pub struct Series {
    pub label: String,
    pub color: Rgb,
    pub points: Vec<(f64, f64)>,
    /// (x, low, high): a vertical error bar, e.g. a median's confidence interval.
    pub errors: Vec<(f64, f64, f64)>,
    /// (x, low, high) along the line: a shaded band, e.g. intervals over many commits, where
    /// error bars would crowd.
    pub band: Vec<(f64, f64, f64)>,
    pub dashed: bool,
    pub markers: bool,
}

/// A line chart; a legend when more than one series has a label.
pub struct LineChart {
    pub series: Vec<Series>,
    pub x: Axis,
    pub y: Axis,
    /// Horizontal reference lines (raw y, label), e.g. a median.
    pub marks: Vec<(f64, String)>,
    /// Vertical reference lines (raw x, label), e.g. change points.
    pub x_marks: Vec<(f64, String)>,
    /// The x range (raw), instead of the data's: charts that line up with each other.
    pub x_span: Option<(f64, f64)>,
    /// Ticks at these raw x values with these labels, instead of the axis's own (e.g. percentiles
    /// on a transformed axis).
    pub x_ticks: Vec<(f64, String)>,
    /// Spans of x (raw from, to, label), shaded alternately and labelled at the top, e.g. the
    /// phases of a load scenario. The labels get a strip of their own above the data.
    pub x_bands: Vec<(f64, f64, String)>,
    /// The SVG's size.
    pub size: (u32, u32),
}

impl LineChart {
    pub fn draw(&self) -> Result<String> {
        let (series, x, y, marks, size) = (&self.series, &self.x, &self.y, &self.marks, self.size);
        let xs = || {
            series
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0 / x.scale.divisor))
        };
        let ys = || {
            series
                .iter()
                .flat_map(|s| {
                    s.points
                        .iter()
                        .map(|p| p.1)
                        .chain(s.errors.iter().flat_map(|e| [e.1, e.2]))
                        .chain(s.band.iter().flat_map(|e| [e.1, e.2]))
                })
                .chain(marks.iter().map(|m| m.0))
                .map(|v| v / y.scale.divisor)
        };
        let (x_min, x_max) = min_max(xs());
        let (y_min, y_max) = min_max(ys());
        let ticks: Vec<f64> = self.x_ticks.iter().map(|t| t.0 / x.scale.divisor).collect();
        let x_values = if let Some((lo, hi)) = self.x_span {
            Values {
                lo: lo / x.scale.divisor,
                hi: hi / x.scale.divisor,
                log: x.log,
                integer: x.integer,
                fixed: None,
            }
        } else if x.log {
            Values::new(x_min, x_max, true, false, 0.0)
        } else {
            let pad = ((x_max - x_min) * 0.04).max(0.5);
            Values {
                lo: if x.from_zero { 0.0 } else { x_min - pad },
                hi: x_max + pad,
                log: false,
                integer: x.integer,
                fixed: None,
            }
        };
        let x_values = Values {
            fixed: (!ticks.is_empty()).then(|| {
                ticks
                    .iter()
                    .copied()
                    .filter(|t| *t >= x_values.lo * 0.9999 && *t <= x_values.hi * 1.0001)
                    .collect()
            }),
            ..x_values
        };
        let bands = &self.x_bands;
        // Room above the data for the bands' labels.
        let headroom = if bands.is_empty() { 0.12 } else { 0.3 };
        let mut y_values = Values::new(y_min, y_max, y.log, y.from_zero, headroom);
        if y.log && !bands.is_empty() {
            y_values.hi *= (y_values.hi / y_values.lo).powf(0.3);
        }
        y_values.integer = y.integer && !y.log;
        let (_, x_step) = x_values.ticks(7);
        let (_, y_step) = y_values.ticks(6);
        let legend = series.iter().filter(|s| !s.label.is_empty()).count() > 1;
        svg(size, |root| {
            let mut chart = plot(root, 64, x_values, y_values)?;
            let x_fmt = |v: &f64| {
                if !ticks.is_empty() {
                    let nearest = ticks
                        .iter()
                        .zip(&self.x_ticks)
                        .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()));
                    nearest.map(|(_, t)| t.1.clone()).unwrap_or_default()
                } else if x.log {
                    tick_label(*v, v.abs().max(1e-12) / 10.0)
                } else {
                    tick_label(*v, x_step)
                }
            };
            let y_fmt = |v: &f64| {
                if y.log {
                    tick_label(*v, v.abs().max(1e-12) / 10.0)
                } else {
                    tick_label(*v, y_step)
                }
            };
            let (xd, yd) = (x.scale.divisor, y.scale.divisor);
            draw_bands(&mut chart, bands, xd)?;
            mesh_style(&mut chart.configure_mesh())
                .x_labels(if ticks.is_empty() { 7 } else { ticks.len() })
                .y_labels(6)
                .x_label_formatter(&x_fmt)
                .y_label_formatter(&y_fmt)
                .x_desc(x.scale.title(&x.title))
                .y_desc(y.scale.title(&y.title))
                .draw()
                .map_err(draw_err)?;
            for (value, label) in marks {
                let v = value / yd;
                let (lo, hi) = (chart.x_range().start, chart.x_range().end);
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(lo, v), (hi, v)],
                        5,
                        4,
                        ShapeStyle::from(&MUTED).stroke_width(1),
                    ))
                    .map_err(draw_err)?;
                chart
                    .plotting_area()
                    .draw(
                        &(EmptyElement::at((hi, v))
                            + Text::new(
                                label.clone(),
                                (-4, -3),
                                small_text(&MUTED, HPos::Right, VPos::Bottom),
                            )),
                    )
                    .map_err(draw_err)?;
            }
            for (value, label) in &self.x_marks {
                let v = value / xd;
                let (lo, hi) = (chart.y_range().start, chart.y_range().end);
                chart
                    .draw_series(DashedLineSeries::new(
                        vec![(v, lo), (v, hi)],
                        5,
                        4,
                        ShapeStyle::from(&INK).stroke_width(1),
                    ))
                    .map_err(draw_err)?;
                chart
                    .plotting_area()
                    .draw(
                        &(EmptyElement::at((v, hi))
                            + Text::new(
                                label.clone(),
                                (4, 3),
                                small_text(&INK, HPos::Left, VPos::Top),
                            )),
                    )
                    .map_err(draw_err)?;
            }
            for s in series {
                let color = rgb(s.color);
                if !s.band.is_empty() {
                    let outline: Vec<(f64, f64)> = s
                        .band
                        .iter()
                        .map(|&(bx, _, hi)| (bx / xd, hi / yd))
                        .chain(s.band.iter().rev().map(|&(bx, lo, _)| (bx / xd, lo / yd)))
                        .collect();
                    chart
                        .plotting_area()
                        .draw(&Polygon::new(outline, color.mix(0.18).filled()))
                        .map_err(draw_err)?;
                }
                let style = ShapeStyle::from(&color).stroke_width(2);
                let points: Vec<(f64, f64)> =
                    s.points.iter().map(|(a, b)| (a / xd, b / yd)).collect();
                let drawn = if s.dashed {
                    chart
                        .draw_series(DashedLineSeries::new(points.clone(), 6, 4, style))
                        .map_err(draw_err)?
                } else {
                    chart
                        .draw_series(LineSeries::new(points.clone(), style))
                        .map_err(draw_err)?
                };
                if !s.label.is_empty() {
                    let dashed = s.dashed;
                    drawn.label(s.label.clone()).legend(move |(px, py)| {
                        let gap = if dashed { 4 } else { 0 };
                        EmptyElement::at((px, py))
                            + PathElement::new(vec![(0, 0), (8 - gap / 2, 0)], style)
                            + PathElement::new(vec![(8 + gap / 2, 0), (18, 0)], style)
                    });
                }
                for &(ex, lo, hi) in &s.errors {
                    let (ex, lo, hi) = (ex / xd, lo / yd, hi / yd);
                    let thin = ShapeStyle::from(&color).stroke_width(1);
                    chart
                        .plotting_area()
                        .draw(&PathElement::new(vec![(ex, lo), (ex, hi)], thin))
                        .map_err(draw_err)?;
                    for v in [lo, hi] {
                        chart
                            .plotting_area()
                            .draw(
                                &(EmptyElement::at((ex, v))
                                    + PathElement::new(vec![(-4, 0), (4, 0)], thin)),
                            )
                            .map_err(draw_err)?;
                    }
                }
                if s.markers {
                    chart
                        .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
                        .map_err(draw_err)?;
                }
            }
            if legend {
                // Below the bands' labels, when there are bands.
                let top = if bands.is_empty() { 5 } else { 24 };
                let corner = legend_corner(&chart, series, (xd, yd), top);
                chart
                    .configure_series_labels()
                    .position(SeriesLabelPosition::Coordinate(corner.0, corner.1))
                    .margin(8)
                    .label_font((FONT, SMALL).into_font().color(&INK))
                    .background_style(WHITE.mix(0.9))
                    .border_style(GRID)
                    .draw()
                    .map_err(draw_err)?;
            }
            Ok(())
        })
    }
}

/// Where the legend goes (relative to the plotting area): the first of the upper left, upper
/// right, lower right and lower left corners its box covers the fewest points of the lines in,
/// `top` px below the plot's top edge at the least.
fn legend_corner(
    chart: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<Values, Values>>,
    series: &[Series],
    (xd, yd): (f64, f64),
    top: i32,
) -> (i32, i32) {
    let labelled: Vec<&Series> = series.iter().filter(|s| !s.label.is_empty()).collect();
    let longest = labelled
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0);
    // plotters' legend: 8 px margins, 30 px for the line sample, ≈ 6.6 px a character, ≈ 17 px a
    // row.
    let (w, h) = (
        46 + (longest as f64 * 6.6) as i32,
        16 + 17 * labelled.len() as i32,
    );
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (width, height) = (xs.end - xs.start, ys.end - ys.start);
    let corners = [
        (5, top),
        (width - w - 5, top),
        (width - w - 5, height - h - 5),
        (5, height - h - 5),
    ];
    // The lines in pixels, each segment sampled so a long straight one counts where it passes.
    let mut pixels = Vec::new();
    for s in series {
        let points: Vec<(i32, i32)> = s
            .points
            .iter()
            .map(|(x, y)| {
                let (px, py) = chart.backend_coord(&(x / xd, y / yd));
                (px - xs.start, py - ys.start)
            })
            .collect();
        pixels.extend(points.first().copied());
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let steps = ((x1 - x0).abs().max((y1 - y0).abs()) / 6).max(1);
            pixels.extend(
                (1..=steps).map(|k| (x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)),
            );
        }
    }
    let covered = |&(cx, cy): &(i32, i32)| {
        pixels
            .iter()
            .filter(|(px, py)| (cx..=cx + w).contains(px) && (cy..=cy + h).contains(py))
            .count()
    };
    corners
        .iter()
        .copied()
        .min_by_key(|c| covered(c))
        .unwrap_or((5, top))
}

/// Alternate spans shaded, each labelled at its top left (shortened to fit its width).
fn draw_bands(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<Values, Values>>,
    bands: &[(f64, f64, String)],
    xd: f64,
) -> Result<()> {
    let (lo, hi) = (chart.y_range().start, chart.y_range().end);
    for (k, (from, to, label)) in bands.iter().enumerate() {
        let (from, to) = (from / xd, to / xd);
        if k % 2 == 0 {
            chart
                .plotting_area()
                .draw(&Rectangle::new([(from, lo), (to, hi)], BAND.filled()))
                .map_err(draw_err)?;
        }
        let width = chart.backend_coord(&(to, hi)).0 - chart.backend_coord(&(from, hi)).0;
        // ≈ 6.6 px per character at this font size.
        let fits = ((width - 8).max(0) as f64 / 6.6) as usize;
        if fits >= 2 {
            chart
                .plotting_area()
                .draw(
                    &(EmptyElement::at((from, hi))
                        + Text::new(
                            shorten(label, fits),
                            (4, 4),
                            small_text(&MUTED, HPos::Left, VPos::Top),
                        )),
                )
                .map_err(draw_err)?;
        }
    }
    Ok(())
}
