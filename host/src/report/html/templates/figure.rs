//! A chart in a figure: plotters' drawing in an `<svg>` with its accessible name, and a caption.

use anyhow::Result;
use maud::{Markup, html};

use super::super::charts;
use super::super::view::Figure;

/// A chart in a figure, with its accessible name and caption.
pub(in crate::report::html) fn figure(f: &Figure) -> Result<Markup> {
    let drawn = f.chart.draw()?;
    let svg = charts::split(&drawn);
    let id = &f.id;
    Ok(html! {
        figure class=(f.class) {
            svg class="chart" width=(svg.width) height=(svg.height) viewBox=(svg.view_box)
                xmlns="http://www.w3.org/2000/svg" role="img"
                aria-labelledby={ (id) "-t " (id) "-d" } {
                title id={ (id) "-t" } { (f.title) }
                desc id={ (id) "-d" } { (f.description) }
                // plotters' drawing, as plotters wrote it (less what changes nothing).
                (svg.body)
            }
            figcaption { (f.caption) }
        }
        "\n"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_labelled_svg_in_a_figure() {
        let figure = Figure {
            id: "c1".into(),
            title: "Title <x>".into(),
            description: "desc".into(),
            caption: "caption".into(),
            class: "wide",
            chart: charts::Chart::Histogram(charts::HistogramChart {
                histogram: crate::analysis::distribution::Histogram::of(&[1.0, 1.2, 1.1]).unwrap(),
                color: (0, 0, 0),
                axis: "wall time",
                scale: charts::Scale::duration(1.2e6),
            }),
        };
        let html = super::figure(&figure).unwrap().into_string();
        assert!(
            html.starts_with("<figure class=\"wide\"><svg class=\"chart\" width=\"360\""),
            "{html}"
        );
        assert!(html.contains("aria-labelledby=\"c1-t c1-d\""));
        assert!(
            html.contains(
                "><title id=\"c1-t\">Title &lt;x&gt;</title><desc id=\"c1-d\">desc</desc>"
            )
        );
        assert!(html.contains("wall time (ms)"));
        assert!(html.contains("</svg><figcaption>caption</figcaption></figure>"));
        assert_eq!(html.matches("</svg>").count(), 1);
    }
}
