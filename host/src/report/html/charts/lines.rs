//! Line charts: scaling against a parameter or the instance count, samples and memory in run order,
//! metrics over commits, a load scenario's latency spectrum and its timeline.

use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::axis::{Values, min_max, tick_label};
use super::canvas::{Root, draw_err, svg};
use super::labels::{
    LEFT, LabelStrip, MARGIN, Margins, SMALL_PX, STRIP_ROW, STRIP_ROWS, thin_labels,
};
use super::rows::shorten;
use super::scale::Scale;
use super::style::{FONT, GRID, INK, MUTED, Rgb, SMALL, mesh_style, rgb, small_text};

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
    /// Drawn as steps (the value holds until the next point, the change halfway between), for
    /// exact values where a slope would show values nobody measured.
    pub step: bool,
}

impl Series {
    /// The path the line takes through its points (raw values).
    pub fn path(&self) -> Vec<(f64, f64)> {
        if !self.step {
            return self.points.clone();
        }
        let mut path = Vec::with_capacity(self.points.len() * 3);
        for (k, &(x, y)) in self.points.iter().enumerate() {
            if let Some(&(px, py)) = k.checked_sub(1).and_then(|p| self.points.get(p)) {
                let mid = (px + x) / 2.0;
                path.extend([(mid, py), (mid, y)]);
            }
            path.push((x, y));
        }
        path
    }
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
    /// on a transformed axis, commits). Thinned so that no two labels overlap.
    pub x_ticks: Vec<(f64, String)>,
    /// Spans of x (raw from, to, label), shaded alternately and labelled at the top, e.g. the
    /// phases of a load scenario. The labels get a strip of their own above the data.
    pub x_bands: Vec<(f64, f64, String)>,
    /// The SVG's size.
    pub size: (u32, u32),
}

impl LineChart {
    /// Room above for the x marks' labels and right for the horizontal marks' labels.
    pub(super) fn margins(&self) -> Margins {
        let longest = self
            .marks
            .iter()
            .map(|m| m.1.chars().count())
            .max()
            .unwrap_or(0);
        Margins {
            top: if self.x_marks.is_empty() {
                MARGIN
            } else {
                MARGIN + STRIP_ROW as u32 * STRIP_ROWS as u32
            },
            right: if longest == 0 {
                18
            } else {
                (longest as f64 * SMALL_PX) as u32 + 12
            },
        }
    }

    pub fn draw(&self) -> Result<String> {
        let (series, x, y, marks, size) = (&self.series, &self.x, &self.y, &self.marks, self.size);
        let margins = self.margins();
        let (x_values, x_ticks) = self.x_values(margins.plot_x(size.0));
        let ticks: Vec<f64> = x_ticks.iter().map(|t| t.0).collect();
        let bands = &self.x_bands;
        let y_values = self.y_values();
        let (_, x_step) = x_values.ticks(7);
        let (_, y_step) = y_values.ticks(6);
        let legend = series.iter().filter(|s| !s.label.is_empty()).count() > 1;
        svg(size, |root| {
            let mut chart = ChartBuilder::on(root)
                .margin(MARGIN)
                .margin_top(margins.top)
                .margin_right(margins.right)
                .set_label_area_size(LabelAreaPosition::Left, LEFT)
                .set_label_area_size(LabelAreaPosition::Bottom, 46)
                .build_cartesian_2d(x_values, y_values)
                .map_err(draw_err)?;
            let x_fmt = |v: &f64| {
                if !x_ticks.is_empty() {
                    let nearest = x_ticks
                        .iter()
                        .min_by(|a, b| (a.0 - v).abs().total_cmp(&(b.0 - v).abs()));
                    nearest.map(|t| t.1.to_string()).unwrap_or_default()
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
            draw_y_marks(&mut chart, root, marks, yd)?;
            draw_x_marks(&mut chart, root, &self.x_marks, xd)?;
            for s in series {
                draw_line(&mut chart, s, (xd, yd))?;
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

    /// The x axis's span and its labelled ticks (thinned to fit the plot's `plot_x` span), in the axis's unit.
    fn x_values(&self, plot_x: (i32, i32)) -> (Values, Vec<(f64, &str)>) {
        let x = &self.x;
        let xs = (self.series.iter()).flat_map(|s| s.points.iter().map(|p| p.0 / x.scale.divisor));
        let (x_min, x_max) = min_max(xs);
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
        let x_ticks: Vec<(f64, &str)> = self
            .x_ticks
            .iter()
            .map(|(v, label)| (v / x.scale.divisor, label.as_str()))
            .filter(|(t, _)| *t >= x_values.lo * 0.9999 && *t <= x_values.hi * 1.0001)
            .collect();
        let x_ticks = thin_labels(&x_values, plot_x, &x_ticks);
        let ticks: Vec<f64> = x_ticks.iter().map(|t| t.0).collect();
        let x_values = Values {
            fixed: (!ticks.is_empty()).then_some(ticks),
            ..x_values
        };
        (x_values, x_ticks)
    }

    /// The y axis's span over every point, interval and mark, with room above for the bands'
    /// labels.
    fn y_values(&self) -> Values {
        let y = &self.y;
        let ys = (self.series.iter())
            .flat_map(|s| {
                s.points
                    .iter()
                    .map(|p| p.1)
                    .chain(s.errors.iter().flat_map(|e| [e.1, e.2]))
                    .chain(s.band.iter().flat_map(|e| [e.1, e.2]))
            })
            .chain(self.marks.iter().map(|m| m.0))
            .map(|v| v / y.scale.divisor);
        let (y_min, y_max) = min_max(ys);
        let bands = &self.x_bands;
        let headroom = if bands.is_empty() { 0.12 } else { 0.3 };
        let mut y_values = Values::new(y_min, y_max, y.log, y.from_zero, headroom);
        if y.log && !bands.is_empty() {
            y_values.hi *= (y_values.hi / y_values.lo).powf(0.3);
        }
        y_values.integer = y.integer && !y.log;
        y_values
    }
}

/// The plot a line chart draws on.
type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Values, Values>>;

/// Horizontal dashed lines at given values, each labelled in the right margin level with it.
fn draw_y_marks(
    chart: &mut Plot<'_, '_>,
    root: &Root,
    marks: &[(f64, String)],
    yd: f64,
) -> Result<()> {
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
        // In the right margin, level with its line: never over a point.
        let (px, py) = chart.backend_coord(&(hi, v));
        root.draw(&Text::new(
            label.clone(),
            (px + 4, py),
            small_text(&MUTED, HPos::Left, VPos::Center),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// Vertical dashed lines at given x values, labelled above the plot in rows of their own.
fn draw_x_marks(
    chart: &mut Plot<'_, '_>,
    root: &Root,
    marks: &[(f64, String)],
    xd: f64,
) -> Result<()> {
    let mut strip = LabelStrip::default();
    for (value, label) in marks {
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
        // Above the plot, in rows of their own: never over a point.
        let (px, py) = chart.backend_coord(&(v, hi));
        if let Some(row) = strip.place(px, label) {
            root.draw(&Text::new(
                label.clone(),
                (px + 3, py - 4 - STRIP_ROW * row),
                small_text(&INK, HPos::Left, VPos::Bottom),
            ))
            .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// One series: its shaded band, its line (in the legend when labelled), its error bars and its
/// markers.
fn draw_line<'a>(chart: &mut Plot<'a, 'a>, s: &Series, (xd, yd): (f64, f64)) -> Result<()> {
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
    let points: Vec<(f64, f64)> = s.points.iter().map(|(a, b)| (a / xd, b / yd)).collect();
    let path: Vec<(f64, f64)> = s.path().iter().map(|(a, b)| (a / xd, b / yd)).collect();
    let drawn = if s.dashed {
        chart
            .draw_series(DashedLineSeries::new(path, 6, 4, style))
            .map_err(draw_err)?
    } else {
        chart
            .draw_series(LineSeries::new(path, style))
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
                .draw(&(EmptyElement::at((ex, v)) + PathElement::new(vec![(-4, 0), (4, 0)], thin)))
                .map_err(draw_err)?;
        }
    }
    if s.markers {
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .map_err(draw_err)?;
    }
    Ok(())
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
            .path()
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

#[cfg(test)]
mod tests {
    use super::super::texts;
    use super::*;

    /// Centres of plotters' `<circle>`s.
    pub(crate) fn circles(svg: &str) -> Vec<(f64, f64)> {
        svg.split("<circle ")
            .skip(1)
            .filter_map(|c| {
                let attr = |name: &str| -> Option<f64> {
                    let start = c.find(&format!("{name}=\""))? + name.len() + 2;
                    c[start..].split('"').next()?.parse().ok()
                };
                Some((attr("cx")?, attr("cy")?))
            })
            .collect()
    }

    fn series(points: Vec<(f64, f64)>) -> Series {
        Series {
            label: String::new(),
            color: (0, 0, 0),
            points,
            errors: Vec::new(),
            band: Vec::new(),
            dashed: false,
            markers: true,
            step: false,
        }
    }

    fn chart(points: Vec<(f64, f64)>) -> LineChart {
        let axis = |title: &str| Axis {
            title: title.into(),
            scale: Scale::plain(""),
            log: false,
            from_zero: false,
            integer: false,
        };
        LineChart {
            series: vec![series(points)],
            x: axis("x"),
            y: axis("y"),
            marks: Vec::new(),
            x_marks: Vec::new(),
            x_span: None,
            x_ticks: Vec::new(),
            x_bands: Vec::new(),
            size: (1000, 300),
        }
    }

    /// The labels of reference lines sit outside the plot: change points' above it, a median's
    /// right of it, so neither covers a point, however the points lie.
    #[test]
    fn mark_labels_sit_outside_the_data() {
        let points: Vec<(f64, f64)> = (0..40)
            .map(|i| (i as f64, 100.0 + (i % 7) as f64))
            .collect();
        let mut c = chart(points);
        c.marks = vec![(103.0, "median".into())];
        c.x_marks = vec![(9.5, "c10 +5.0%".into()), (10.5, "c11 −4.8%".into())];
        let svg = c.draw().unwrap();
        let dots = circles(&svg);
        assert_eq!(dots.len(), 40);
        let top = dots.iter().map(|d| d.1).fold(f64::INFINITY, f64::min);
        let right = dots.iter().map(|d| d.0).fold(0.0, f64::max);
        let texts = texts(&svg);
        let at = |label: &str| texts.iter().find(|t| t.2 == label).unwrap().clone();
        let median = at("median");
        assert!(median.0 > right + 3.0, "{median:?} vs {right}");
        for label in ["c10 +5.0%", "c11 −4.8%"] {
            // Anchored at the bottom, so the text ends at y.
            assert!(at(label).1 < top - 3.0, "{label}: {:?} vs {top}", at(label));
        }
        // Two close change points: their labels don't share a row.
        assert_ne!(at("c10 +5.0%").1, at("c11 −4.8%").1);
    }

    #[test]
    fn step_paths_change_halfway() {
        let mut s = series(vec![(0.0, 1.0), (1.0, 1.0), (2.0, 3.0)]);
        assert_eq!(s.path(), s.points);
        s.step = true;
        assert_eq!(
            s.path(),
            vec![
                (0.0, 1.0),
                (0.5, 1.0),
                (0.5, 1.0),
                (1.0, 1.0),
                (1.5, 1.0),
                (1.5, 3.0),
                (2.0, 3.0)
            ]
        );
    }
}
