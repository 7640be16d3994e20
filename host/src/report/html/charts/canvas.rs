//! What every chart is drawn on: a white SVG canvas of its size, and the plot area with the
//! margins all charts share.

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;

pub(super) type Root<'b> = DrawingArea<SVGBackend<'b>, Shift>;
pub(super) type Plot<'a, 'b, X, Y> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>;

/// Draws on a white canvas of `size` and returns the SVG.
pub(super) fn svg(size: (u32, u32), draw: impl FnOnce(&Root) -> Result<()>) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(buf)
}

/// The plot area every chart has: the same margins, `left` px for the y labels, 46 for the x axis.
pub(super) fn plot<'a, 'b, X: Ranged, Y: Ranged>(
    root: &'a Root<'b>,
    left: u32,
    x: X,
    y: Y,
) -> Result<Plot<'a, 'b, X, Y>> {
    plot_beside(root, left, 18, x, y)
}

/// [`plot`] with `right` px right of the plot area, e.g. for notes that must not cover data.
pub(super) fn plot_beside<'a, 'b, X: Ranged, Y: Ranged>(
    root: &'a Root<'b>,
    left: u32,
    right: u32,
    x: X,
    y: Y,
) -> Result<Plot<'a, 'b, X, Y>> {
    ChartBuilder::on(root)
        .margin(10)
        .margin_right(right)
        .set_label_area_size(LabelAreaPosition::Left, left)
        .set_label_area_size(LabelAreaPosition::Bottom, 46)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)
}

pub(super) fn draw_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing a chart: {e:?}")
}
