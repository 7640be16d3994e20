//! wasmbench's integration tests: one test binary (`cargo test --test it`), one module per concern.
//! Most tests run the `wasmbench` binary (`env!("CARGO_BIN_EXE_wasmbench")`) through
//! [`common::Harness`], each in its own temporary folder with its own compile cache; nothing here
//! changes the test process's environment or working directory, so the tests run in parallel threads.

mod browser;
mod common;

mod auto_executions;
mod catalog;
mod ci_recipe;
mod cli;
mod connections;
mod containment;
mod database;
mod database_postgres;
mod docs;
mod history;
mod history_postgres;
mod host_calls;
mod input;
mod install;
mod interrupt;
mod languages;
mod load;
mod load_verdicts;
mod measurement;
mod metrics;
mod models;
mod postgres_server;
mod profile;
mod redis;
mod regression;
mod relative;
mod report_html;
mod scaffold;
mod schema;
mod shards;
mod sightglass;
