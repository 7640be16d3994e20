//! A chart with what the page shows around it: its id, accessible name and caption.

use super::super::charts::Chart;

/// A chart with its accessible name and caption.
pub struct Figure {
    /// Unique in the page: the chart's title and description are labelled by it.
    pub id: String,
    pub title: String,
    pub description: String,
    pub caption: String,
    /// `wide`, `half` or `small`: how much room the figure takes.
    pub class: &'static str,
    pub chart: Chart,
}
