//! The vocabulary every other module shares: how a bench ends, the limits it runs under, what is
//! measured (metrics) and how much change is tolerated (thresholds), and the simulated services'
//! settings. A leaf: it uses nothing else in the crate, so anything may use it.

mod config;
mod file_stem;
mod hash;
mod limits;
mod load_threshold;
mod metric;
mod quantity;
mod status;
mod text;
mod thresholds;
mod wall_model;

pub use config::{
    BackendsConfig, ColumnGen, DbConfig, FixtureSpec, HttpFixtureConfig, HttpFixtureTimes,
    LatencyMode, SeedTable, check_postgres_url, is_postgres_url, is_redis_url, redact_url,
};
pub use file_stem::bench_file_stem;
pub use hash::stable_hash;
pub use limits::{
    Limit, LimitHit, LimitOrigin, LimitOrigins, LimitOwner, Limits, WrittenKey, duration_ns,
};
pub use load_threshold::{Inequality, LatencyStat, LoadMetric, LoadThreshold};
pub use metric::{Direction, Metric, Subject, Unit};
pub use quantity::{bytes, grouped, grouped_toml, percent, size, size_over, three_digits};
pub use status::Status;
pub use text::{Lines, MAX_MESSAGE, MAX_PLUGIN_TEXT, clip, hidden, visible, write_visible};
pub use thresholds::{Thresholds, parse_fraction};
pub use wall_model::WallModel;
