//! Numbers derived from measurements: summary statistics and trends.

pub mod stats;
