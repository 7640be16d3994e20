//! Numbers derived from measurements: summary statistics and trends.

pub mod changepoint;
pub mod checked;
pub mod compare;
pub mod counters;
pub mod distribution;
pub mod executions;
pub mod groups;
pub mod leak;
pub mod ratio;
pub mod relative;
pub mod settle;
pub mod stats;
