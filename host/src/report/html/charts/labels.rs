//! Where a line chart's labels go: tick labels thinned so none overlap, the labels of marks in
//! rows of their own outside the plot.

use plotters::prelude::Ranged;

use super::axis::Values;

/// The margin around every chart, the left label area of line charts, and the height of one row
/// of labels above the plot.
pub(super) const MARGIN: u32 = 10;
pub(super) const LEFT: u32 = 64;
pub(super) const STRIP_ROW: i32 = 16;
/// Rows of change-point labels above the plot; more would crowd out the chart.
pub(super) const STRIP_ROWS: i32 = 2;
/// ≈ px per character of tick labels and small text (plotters can't measure text without fonts).
pub(super) const LABEL_PX: f64 = 7.0;
pub(super) const SMALL_PX: f64 = 6.6;

/// A line chart's margins: room above the plot for the x marks' labels, right of it for the
/// horizontal marks' labels.
pub(super) struct Margins {
    pub top: u32,
    pub right: u32,
}

impl Margins {
    /// The plot's x range in pixels, for a chart `width` wide.
    pub fn plot_x(&self, width: u32) -> (i32, i32) {
        (
            (MARGIN + LEFT) as i32,
            width.saturating_sub(self.right) as i32,
        )
    }
}

/// Keeps the ticks whose labels fit side by side (centred on their tick, a gap between), the
/// first and last always; `plot_x` is the plot's pixel range.
pub(super) fn thin_labels<'a>(
    axis: &Values,
    plot_x: (i32, i32),
    ticks: &[(f64, &'a str)],
) -> Vec<(f64, &'a str)> {
    let span = |t: &(f64, &str)| {
        let centre = axis.map(&t.0, plot_x) as f64;
        let half = (t.1.chars().count() as f64 * LABEL_PX + 10.0) / 2.0;
        (centre - half, centre + half)
    };
    let mut kept: Vec<(f64, &str)> = Vec::new();
    for t in ticks {
        match kept.last() {
            Some(last) if span(last).1 > span(t).0 => {}
            _ => kept.push(*t),
        }
    }
    // The newest matters most: the last tick replaces the last kept one that it would overlap.
    if let Some(last) = ticks
        .last()
        .filter(|l| kept.last().map(|k| k.0) != Some(l.0))
    {
        while kept.len() > 1 && kept.last().is_some_and(|k| span(k).1 > span(last).0) {
            kept.pop();
        }
        if kept.len() == 1 && span(&kept[0]).1 > span(last).0 {
            kept.pop();
        }
        kept.push(*last);
    }
    kept
}

/// Where labels go in the rows above the plot: the first row where a label clears the others.
#[derive(Default)]
pub(super) struct LabelStrip {
    /// The right end (px) of the last label in each row.
    ends: Vec<i32>,
}

impl LabelStrip {
    /// The row for a label starting at `x`, or `None` when every row is taken there.
    pub(super) fn place(&mut self, x: i32, label: &str) -> Option<i32> {
        let end = x + 6 + (label.chars().count() as f64 * SMALL_PX) as i32;
        for row in 0..STRIP_ROWS as usize {
            match self.ends.get_mut(row) {
                Some(e) if *e > x => continue,
                Some(e) => *e = end,
                None => self.ends.push(end),
            }
            return Some(row as i32);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 200 commit labels: only as many as fit side by side, the first and the newest among them.
    #[test]
    fn thinned_labels_never_overlap() {
        let labels: Vec<String> = (0..200).map(|i| format!("{i:010x}")).collect();
        let ticks: Vec<(f64, &str)> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (i as f64, l.as_str()))
            .collect();
        for width in [360, 1000] {
            let axis = Values {
                lo: -0.5,
                hi: 199.5,
                log: false,
                integer: true,
                fixed: None,
            };
            let plot_x = (74, width - 18);
            let kept = thin_labels(&axis, plot_x, &ticks);
            assert!(kept.len() > 2 && kept.len() < 20, "{}", kept.len());
            assert_eq!(kept.first().map(|k| k.0), Some(0.0));
            assert_eq!(kept.last().map(|k| k.0), Some(199.0));
            for pair in kept.windows(2) {
                let right = axis.map(&pair[0].0, plot_x) as f64 + 10.0 * LABEL_PX / 2.0;
                let left = axis.map(&pair[1].0, plot_x) as f64 - 10.0 * LABEL_PX / 2.0;
                assert!(right < left, "{pair:?} overlap at {width}");
            }
        }
        // Few labels: all of them.
        assert_eq!(
            thin_labels(
                &Values::new(0.0, 4.0, false, false, 0.0),
                (74, 982),
                &ticks[..5]
            )
            .len(),
            5
        );
    }
}
