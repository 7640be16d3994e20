//! wasmbench: a harness that runs WebAssembly plugin workloads under fixed fuel, memory and time
//! limits, measures them, and reports.
//!
//! Data flows down this list; nothing below `runner` knows about the command line.

pub mod cli;
pub mod commands;
pub mod ui;

pub mod analysis;
pub mod capability;
pub mod engine;
pub mod plugin;
pub mod report;
pub mod results;
pub mod runner;
pub mod suite;
