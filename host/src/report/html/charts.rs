//! Charts, drawn with plotters' SVG backend into strings.
//!
//! Built without plotters' `ttf` feature: the SVG backend writes `<text>` elements and the browser
//! lays the text out with its own fonts, so nothing here needs a system font. Every chart gets an
//! accessible name (`role="img"` and a `<title>`) and scales to its container through its viewBox.
//!
//! Values are passed raw (nanoseconds, bytes, counts); a [`Scale`] picks one unit per axis and the
//! axis title names it, so tick labels stay short.

use std::fmt::Write as _;
use std::ops::Range;

use anyhow::{Result, anyhow};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::analysis::stats::quantile_sorted;
use crate::report::format::three_digits;

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

/// One unit for a whole axis: values are divided by `divisor`; `suffix` goes in the axis title.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub divisor: f64,
    pub suffix: String,
}

impl Scale {
    pub fn plain(suffix: &str) -> Self {
        Scale {
            divisor: 1.0,
            suffix: suffix.to_string(),
        }
    }

    /// ns, µs, ms or s, whichever keeps `max_ns` between 1 and 1000.
    pub fn duration(max_ns: f64) -> Self {
        let (divisor, suffix) = if max_ns < 1e3 {
            (1.0, "ns")
        } else if max_ns < 1e6 {
            (1e3, "µs")
        } else if max_ns < 1e9 {
            (1e6, "ms")
        } else {
            (1e9, "s")
        };
        Scale {
            divisor,
            suffix: suffix.into(),
        }
    }

    /// B, KiB, MiB or GiB.
    pub fn bytes(max: f64) -> Self {
        let mut divisor = 1.0;
        let mut unit = 0;
        const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
        while max / divisor >= 1024.0 && unit < UNITS.len() - 1 {
            divisor *= 1024.0;
            unit += 1;
        }
        Scale {
            divisor,
            suffix: UNITS[unit].into(),
        }
    }

    /// SI prefix for counts, then `unit` ("" for plain numbers): "millions", "k ops".
    pub fn count(max: f64, unit: &str) -> Self {
        let (divisor, prefix, word) = if max >= 1e9 {
            (1e9, "G", "billions")
        } else if max >= 1e6 {
            (1e6, "M", "millions")
        } else if max >= 1e3 {
            (1e3, "k", "thousands")
        } else {
            (1.0, "", "")
        };
        let suffix = match (unit.is_empty(), prefix.is_empty()) {
            (true, _) => word.to_string(),
            (false, true) => unit.to_string(),
            (false, false) => format!("{prefix} {unit}"),
        };
        Scale { divisor, suffix }
    }

    /// Units per second: bytes/s as KiB/s, MiB/s; anything else as "k ops/s".
    pub fn throughput(max: f64, unit: &str) -> Self {
        let mut scale = if unit == "bytes" {
            Scale::bytes(max)
        } else {
            Scale::count(max, unit)
        };
        scale.suffix.push_str("/s");
        scale
    }

    /// "wall time per iteration (ms)".
    pub fn title(&self, what: &str) -> String {
        if self.suffix.is_empty() {
            what.to_string()
        } else {
            format!("{what} ({})", self.suffix)
        }
    }
}

/// A value axis: linear or base-10 logarithmic, with "nice" ticks (1, 2, 5 × 10ⁿ).
#[derive(Debug, Clone)]
struct Values {
    lo: f64,
    hi: f64,
    log: bool,
    /// Only whole-number ticks (counts such as instances or iterations).
    integer: bool,
    /// Ticks chosen by the caller, when given.
    fixed: Option<Vec<f64>>,
}

impl Values {
    /// Spans `min..max` (already in axis units). Linear axes start at 0 when `from_zero`.
    fn new(min: f64, max: f64, log: bool, from_zero: bool, headroom: f64) -> Self {
        if log {
            // The nearest 1, 2, 5 × 10ⁿ outside the data.
            let nice = |v: f64, up: bool| {
                let v = v.max(f64::MIN_POSITIVE);
                let decade = 10f64.powf(v.log10().floor());
                let steps = [1.0, 2.0, 5.0, 10.0];
                if up {
                    steps.iter().map(|s| s * decade).find(|c| *c >= v * 0.9999)
                } else {
                    steps
                        .iter()
                        .rev()
                        .map(|s| s * decade)
                        .find(|c| *c <= v * 1.0001)
                }
                .unwrap_or(decade)
            };
            let lo = nice(min, false);
            let mut hi = nice(max, true);
            if hi <= lo {
                hi = lo * 10.0;
            }
            return Values {
                lo,
                hi,
                log,
                integer: false,
                fixed: None,
            };
        }
        let lo = if from_zero { min.min(0.0) } else { min };
        let span = (max - lo).max(max.abs() * 1e-3).max(1e-9);
        let lo = if from_zero {
            lo
        } else {
            (lo - span * 0.08).max(if min >= 0.0 { 0.0 } else { f64::MIN })
        };
        Values {
            lo,
            hi: max + span * headroom,
            log: false,
            integer: false,
            fixed: None,
        }
    }

    fn fraction(&self, v: f64) -> f64 {
        if self.log {
            let (lo, hi) = (self.lo.log10(), self.hi.log10());
            (v.max(self.lo * 1e-3).log10() - lo) / (hi - lo)
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }

    /// Tick positions and the step they were made with (for the label precision).
    fn ticks(&self, max_points: usize) -> (Vec<f64>, f64) {
        let max_points = max_points.max(2);
        if let Some(fixed) = &self.fixed {
            return (fixed.clone(), fixed.first().copied().unwrap_or(1.0));
        }
        if self.log {
            let mut ticks = Vec::new();
            let decades = (self.hi / self.lo).log10().ceil() as i32;
            let steps: &[f64] = if decades <= 2 {
                &[1.0, 2.0, 5.0]
            } else {
                &[1.0]
            };
            let mut decade = 10f64.powf(self.lo.log10().floor());
            while decade <= self.hi * 1.0001 {
                for s in steps {
                    let t = decade * s;
                    if t >= self.lo * 0.9999 && t <= self.hi * 1.0001 {
                        ticks.push(t);
                    }
                }
                decade *= 10.0;
            }
            let step = ticks.first().copied().unwrap_or(1.0);
            return (ticks, step);
        }
        let mut raw = (self.hi - self.lo) / max_points as f64;
        if self.integer {
            raw = raw.max(1.0);
        }
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .filter(|s| !self.integer || s.fract() == 0.0)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let mut ticks = Vec::new();
        let mut t = (self.lo / step).ceil() * step;
        while t <= self.hi + step * 1e-9 {
            ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
            t += step;
        }
        (ticks, step)
    }
}

impl Ranged for Values {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        limit.0 + ((limit.1 - limit.0) as f64 * self.fraction(*value)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        self.ticks(hint.max_num_points()).0
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// A category axis of `n` rows, row 0 at the top; fractional values place things within a row.
#[derive(Debug, Clone)]
struct Rows(usize);

impl Ranged for Rows {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // plotters hands the y axis its limits bottom first.
        let fraction = (self.0 as f64 - 0.5 - value) / self.0 as f64;
        limit.0 + ((limit.1 - limit.0) as f64 * fraction).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.0).map(|i| i as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        -0.5..self.0 as f64 - 0.5
    }
}

/// Tick label: enough decimals for the tick step, no more.
fn tick_label(value: f64, step: f64) -> String {
    // The fewest decimals that write the step exactly (0.25 needs 2, 0.5 needs 1, 5 needs 0).
    let decimals = (0..6)
        .find(|d| {
            let scaled = step * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Small annotation text in `color`, anchored at (`h`, `v`) of its position.
fn small_text(color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, SMALL).into_font().color(color).pos(Pos::new(h, v))
}

/// Width of the row-label area for these labels (plotters can't measure text without fonts).
fn label_area(labels: &[String]) -> u32 {
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    (longest as u32 * 15 / 2 + 14).clamp(60, 320)
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

/// Replaces plotters' `<svg …>` opening tag with one that has an accessible name.
pub fn labelled(svg: String, id: &str, title: &str, description: &str) -> String {
    let Some(end) = svg.find('>') else {
        return svg;
    };
    let open = &svg[..end];
    let attr = |name: &str| -> String {
        let key = format!(" {name}=\"");
        open.find(&key)
            .and_then(|start| {
                let rest = &open[start + key.len()..];
                rest.find('"').map(|stop| rest[..stop].to_string())
            })
            .unwrap_or_default()
    };
    let mut out = String::with_capacity(svg.len() + 256);
    let _ = write!(
        out,
        "<svg class=\"chart\" width=\"{}\" height=\"{}\" viewBox=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        attr("width"),
        attr("height"),
        attr("viewBox"),
        super::page::escape(title),
        super::page::escape(description),
    );
    out.push_str(&compact(svg[end + 1..].trim_start()));
    out
}

/// Drops what plotters writes that changes nothing: default opacities, the font family (the page's
/// CSS sets it) and 16-digit font sizes. A third less SVG for the same picture.
fn compact(body: &str) -> String {
    let mut body = body
        .replace(" opacity=\"1\"", "")
        .replace(" font-family=\"sans-serif\"", "")
        .replace(" stroke=\"none\" stroke-width=\"1\"", " stroke=\"none\"");
    for size in [LABEL, SMALL] {
        body = body.replace(
            &format!(" font-size=\"{}\"", size / 1.24),
            &format!(" font-size=\"{:.1}\"", size / 1.24),
        );
    }
    body
}

/// A row of a distribution chart: the samples of one bench.
pub struct BoxRow<'a> {
    pub label: &'a str,
    pub color: Rgb,
    /// Raw samples (e.g. nanoseconds); empty when the bench has none.
    pub samples: &'a [f64],
    /// Shown instead of a box when there are no samples, e.g. "no samples: memory-limit".
    pub missing: String,
    /// The text printed right of the box, e.g. the median.
    pub note: String,
}

/// Horizontal box plots, one row per bench, with every sample drawn as a dot over its box. The box
/// spans the quartiles, the thick line is the median and the whiskers reach the furthest sample
/// within 1.5 IQR; dots beyond the whiskers are outliers. A log axis when the medians span > 20×.
pub fn box_rows(rows: &[BoxRow], axis: &str, scale: &Scale) -> Result<String> {
    let labels: Vec<String> = rows.iter().map(|r| shorten(r.label, 40)).collect();
    // Quartiles and whiskers per row, in axis units.
    let stats: Vec<Option<[f64; 5]>> = rows
        .iter()
        .map(|r| {
            if r.samples.is_empty() {
                return None;
            }
            let mut s: Vec<f64> = r.samples.iter().map(|v| v / scale.divisor).collect();
            s.sort_by(f64::total_cmp);
            let (q1, med, q3) = (
                quantile_sorted(&s, 0.25),
                quantile_sorted(&s, 0.5),
                quantile_sorted(&s, 0.75),
            );
            let iqr = q3 - q1;
            let low = s
                .iter()
                .copied()
                .find(|v| *v >= q1 - 1.5 * iqr)
                .unwrap_or(q1);
            let high = s
                .iter()
                .rev()
                .copied()
                .find(|v| *v <= q3 + 1.5 * iqr)
                .unwrap_or(q3);
            Some([low, q1, med, q3, high])
        })
        .collect();
    let present = || stats.iter().flatten();
    let medians: Vec<f64> = present().map(|s| s[2]).collect();
    // The axis spans the whiskers: a far outlier is counted in the note, not allowed to squash
    // every box into a line.
    let min = present().map(|s| s[0]).fold(f64::INFINITY, f64::min);
    let max = present().map(|s| s[4]).fold(0.0, f64::max);
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
                values.hi = values.hi.max(values.lo + (stat[4] - values.lo) / share);
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
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDE, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(18)
            .set_label_area_size(LabelAreaPosition::Left, label_area(&labels))
            .set_label_area_size(LabelAreaPosition::Bottom, 46)
            .build_cartesian_2d(values.clone(), Rows(rows.len()))
            .map_err(draw_err)?;
        let x_fmt = |v: &f64| {
            if log {
                tick_label(*v, v.abs().max(1e-12) / 10.0)
            } else {
                tick_label(*v, step)
            }
        };
        let y_fmt = |v: &f64| labels.get(v.round() as usize).cloned().unwrap_or_default();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(8)
            .y_labels(rows.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(title)
            .label_style((FONT, LABEL).into_font().color(&INK))
            .axis_desc_style((FONT, LABEL).into_font().color(&INK))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()
            .map_err(draw_err)?;

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
            let Some([low, q1, med, q3, high]) = stats[i] else {
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
            // Samples in run order, spread vertically so equal values stay visible.
            for (k, v) in row.samples.iter().enumerate() {
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
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// A row of a bar chart.
pub struct BarRow<'a> {
    pub label: &'a str,
    pub color: Rgb,
    /// Raw value; `None` draws no bar (the note says why).
    pub value: Option<f64>,
    /// Raw (min, max) drawn as a whisker over the bar, e.g. when fuel varies between iterations.
    pub range: Option<(f64, f64)>,
    /// Printed right of the bar.
    pub note: String,
}

/// Horizontal bars from zero, one row per bench, each with its value printed at its end.
pub fn bar_rows(rows: &[BarRow], axis: &str, scale: &Scale, width: u32) -> Result<String> {
    let labels: Vec<String> = rows.iter().map(|r| shorten(r.label, 40)).collect();
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
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(18)
            .set_label_area_size(LabelAreaPosition::Left, label_area(&labels))
            .set_label_area_size(LabelAreaPosition::Bottom, 46)
            .build_cartesian_2d(values, Rows(rows.len()))
            .map_err(draw_err)?;
        let x_fmt = |v: &f64| tick_label(*v, step);
        let y_fmt = |v: &f64| labels.get(v.round() as usize).cloned().unwrap_or_default();
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_labels(8)
            .y_labels(rows.len())
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(scale.title(axis))
            .label_style((FONT, LABEL).into_font().color(&INK))
            .axis_desc_style((FONT, LABEL).into_font().color(&INK))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()
            .map_err(draw_err)?;
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
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

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
    pub dashed: bool,
    pub markers: bool,
}

/// A line chart; a legend when more than one series has a label. `marks` are horizontal reference
/// lines (raw y, label), e.g. a median.
pub fn lines(
    series: &[Series],
    x: &Axis,
    y: &Axis,
    marks: &[(f64, String)],
    size: (u32, u32),
) -> Result<String> {
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
            })
            .chain(marks.iter().map(|m| m.0))
            .map(|v| v / y.scale.divisor)
    };
    let (x_min, x_max) = min_max(xs());
    let (y_min, y_max) = min_max(ys());
    let x_values = if x.log {
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
    let mut y_values = Values::new(y_min, y_max, y.log, y.from_zero, 0.12);
    y_values.integer = y.integer && !y.log;
    let (_, x_step) = x_values.ticks(7);
    let (_, y_step) = y_values.ticks(6);
    let legend = series.iter().filter(|s| !s.label.is_empty()).count() > 1;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(18)
            .set_label_area_size(LabelAreaPosition::Left, 64)
            .set_label_area_size(LabelAreaPosition::Bottom, 46)
            .build_cartesian_2d(x_values, y_values)
            .map_err(draw_err)?;
        let x_fmt = |v: &f64| {
            if x.log {
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
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(6)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(x.scale.title(&x.title))
            .y_desc(y.scale.title(&y.title))
            .label_style((FONT, LABEL).into_font().color(&INK))
            .axis_desc_style((FONT, LABEL).into_font().color(&INK))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()
            .map_err(draw_err)?;
        let (xd, yd) = (x.scale.divisor, y.scale.divisor);
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
        for s in series {
            let color = rgb(s.color);
            let style = ShapeStyle::from(&color).stroke_width(2);
            let points: Vec<(f64, f64)> = s.points.iter().map(|(a, b)| (a / xd, b / yd)).collect();
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
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .margin(8)
                .label_font((FONT, SMALL).into_font().color(&INK))
                .background_style(WHITE.mix(0.9))
                .border_style(GRID)
                .draw()
                .map_err(draw_err)?;
        }
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

fn min_max(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) }
}

/// A histogram of raw samples: how many fall in each of ~√n equal bins, with the median marked.
pub fn histogram(samples: &[f64], color: Rgb, axis: &str, scale: &Scale) -> Result<String> {
    let mut s: Vec<f64> = samples.iter().map(|v| v / scale.divisor).collect();
    s.sort_by(f64::total_cmp);
    let (min, max) = (s[0], s[s.len() - 1]);
    let bins = ((s.len() as f64).sqrt().ceil() as usize).clamp(3, 20);
    let width = if max > min {
        (max - min) / bins as f64
    } else {
        (min.abs() * 0.01).max(1e-9)
    };
    let mut counts = vec![0usize; bins];
    for v in &s {
        let i = (((v - min) / width) as usize).min(bins - 1);
        counts[i] += 1;
    }
    let top = *counts.iter().max().unwrap_or(&1) as f64;
    let median = quantile_sorted(&s, 0.5);
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
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (SMALL_W, SMALL_H)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(18)
            .set_label_area_size(LabelAreaPosition::Left, 50)
            .set_label_area_size(LabelAreaPosition::Bottom, 46)
            .build_cartesian_2d(x_values, y_values)
            .map_err(draw_err)?;
        let x_fmt = |v: &f64| tick_label(*v, x_step);
        let y_fmt = |v: &f64| {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(5)
            .y_labels((top as usize + 1).min(6))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc(scale.title(axis))
            .y_desc("samples")
            .label_style((FONT, LABEL).into_font().color(&INK))
            .axis_desc_style((FONT, LABEL).into_font().color(&INK))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()
            .map_err(draw_err)?;
        let fill = rgb(color);
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
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// A row of the baseline chart: a ratio (current / baseline) with its interval.
pub struct RatioRow<'a> {
    pub label: &'a str,
    pub ratio: f64,
    pub interval: (f64, f64),
    pub color: Rgb,
    pub note: String,
}

/// Ratios with their confidence intervals on a log axis, 1 marked: right of it is slower. The band
/// from 1/`band` to `band` (e.g. 1.05) is shaded: changes inside it are within the threshold.
pub fn ratio_rows(rows: &[RatioRow], band: f64) -> Result<String> {
    let labels: Vec<String> = rows.iter().map(|r| shorten(r.label, 40)).collect();
    let (lo, hi) = min_max(
        rows.iter()
            .flat_map(|r| [r.ratio, r.interval.0, r.interval.1])
            .filter(|v| v.is_finite() && *v > 0.0),
    );
    // Symmetric around 1 on a log axis: a doubling and a halving are as far from 1.
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
    let values = Values {
        lo: 1.0 / reach,
        // Room on the right for the notes.
        hi: reach * 2.5,
        log: true,
        integer: false,
        fixed: Some(ticks),
    };
    let height = 80 + 30 * rows.len() as u32;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (WIDE, height)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(18)
            .set_label_area_size(LabelAreaPosition::Left, label_area(&labels))
            .set_label_area_size(LabelAreaPosition::Bottom, 46)
            .build_cartesian_2d(values, Rows(rows.len()))
            .map_err(draw_err)?;
        let y_fmt = |v: &f64| labels.get(v.round() as usize).cloned().unwrap_or_default();
        let x_fmt = |v: &f64| {
            if *v < 1.0 {
                format!("{}×", tick_label(*v, 0.01))
            } else {
                format!("{}×", tick_label(*v, 0.05))
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows.len())
            .x_labels(12)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .x_desc("median wall time, this run ÷ baseline (log scale): right of 1× is slower")
            .label_style((FONT, LABEL).into_font().color(&INK))
            .axis_desc_style((FONT, LABEL).into_font().color(&INK))
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(MUTED)
            .draw()
            .map_err(draw_err)?;
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
            let y = i as f64;
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
        }
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_pick_one_unit_per_axis() {
        assert_eq!(Scale::duration(20e6).suffix, "ms");
        assert_eq!(Scale::duration(999.0).suffix, "ns");
        assert_eq!(Scale::bytes(5.0 * 1024.0 * 1024.0).suffix, "MiB");
        assert_eq!(Scale::count(38e6, "").title("fuel"), "fuel (millions)");
        assert_eq!(Scale::throughput(2e8, "bytes").suffix, "MiB/s");
        assert_eq!(Scale::throughput(3e5, "ops").suffix, "k ops/s");
    }

    #[test]
    fn nice_ticks() {
        let v = Values::new(0.0, 23.0, false, true, 0.0);
        let (ticks, step) = v.ticks(6);
        assert_eq!(step, 5.0);
        assert_eq!(ticks, vec![0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(tick_label(2.5, 0.5), "2.5");
        assert_eq!(tick_label(20.0, 5.0), "20");
        assert_eq!(tick_label(0.75, 0.25), "0.75");
        assert_eq!(tick_label(7.5, 2.5), "7.5");
        assert_eq!(tick_label(10.0, 2.5), "10");
        let log = Values::new(0.3, 250.0, true, false, 0.0);
        assert_eq!((log.lo, log.hi), (0.2, 500.0));
        assert_eq!(log.ticks(8).0, vec![1.0, 10.0, 100.0]);
        let log = Values::new(4.0, 64.0, true, false, 0.0);
        assert_eq!(log.ticks(8).0, vec![2.0, 5.0, 10.0, 20.0, 50.0, 100.0]);
    }

    #[test]
    fn labels_shorten_in_the_middle() {
        assert_eq!(shorten("abcdefghij", 7), "abc…hij");
        assert_eq!(shorten("short", 7), "short");
    }

    #[test]
    fn charts_are_labelled_svg() {
        let samples = [1.0e6, 1.2e6, 1.1e6];
        let svg = box_rows(
            &[BoxRow {
                label: "a",
                color: (0, 0, 0),
                samples: &samples,
                missing: String::new(),
                note: "1.10 ms".into(),
            }],
            "wall time",
            &Scale::duration(1.2e6),
        )
        .unwrap();
        let svg = labelled(svg, "c1", "Title <x>", "desc");
        assert!(svg.starts_with("<svg class=\"chart\""), "{svg}");
        assert!(svg.contains("<title id=\"c1-t\">Title &lt;x&gt;</title>"));
        assert!(svg.contains("wall time (ms)"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
