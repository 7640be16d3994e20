//! The look every chart shares: the font, text sizes and colours, the charts' sizes, the grid's
//! style and small annotation text.

use plotters::chart::MeshStyle;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The font family plotters writes into `<text>`; the browser resolves it.
pub(super) const FONT: &str = "sans-serif";
/// plotters writes font sizes divided by 1.24: 15 comes out as ~12 px.
pub(super) const LABEL: f64 = 15.0;
pub(super) const SMALL: f64 = 13.5;
pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub(super) const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);

/// An sRGB colour.
pub type Rgb = (u8, u8, u8);

pub(super) fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Chart sizes in SVG user units (CSS pixels at full width).
pub const WIDE: u32 = 1000;
pub const HALF: u32 = 540;
pub const SMALL_W: u32 = 360;
pub const SMALL_H: u32 = 240;

/// The grid and axis look every chart shares.
pub(super) fn mesh_style<'m, 'a, 'b, 'c, X: Ranged, Y: Ranged>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'c>>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, SVGBackend<'c>> {
    mesh.label_style((FONT, LABEL).into_font().color(&INK))
        .axis_desc_style((FONT, LABEL).into_font().color(&INK))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
}

/// Small annotation text in `color`, anchored at (`h`, `v`) of its position.
pub(super) fn small_text(color: &RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, SMALL).into_font().color(color).pos(Pos::new(h, v))
}
