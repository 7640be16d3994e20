//! The report's view model: everything the page shows, computed in one pass from the results (and
//! the comparison with a baseline) as plain data: text already formatted, colours assigned, charts'
//! inputs and statistics ready. The templates in `templates` only lay it out.

mod baseline;
mod colors;
mod context;
mod counters;
mod details;
pub mod executions;
mod facts;
mod figure;
mod grouping;
mod groups;
mod header;
mod link;
mod load;
mod load_charts;
mod measured;
mod models;
mod page;
mod relative;
mod scaling;
mod status;
mod summary;
mod verdict;

pub use baseline::{Baseline, BaselineRow, Exact, MetricCells};
pub use counters::{CounterTable, CounterValue};
pub use details::Detail;
pub use facts::{Fact, Piece};
pub use figure::Figure;
pub use groups::GroupSection;
pub use header::Header;
pub use link::BenchLink;
pub use load::{LATENCY_STATS, LoadRow, LoadSection, ThresholdRow};
pub use models::ModelRowView;
pub use page::Page;
pub use relative::{LoadGroupTable, RelativeSet};
pub use summary::{Failure, MetricCell, SummaryRow, metric_titles};
