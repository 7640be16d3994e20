//! Untrusted input: malformed suites and results files are refused with a message that names the
//! file (and the line and key), never with a panic; files that are not regular files or are too
//! large are refused before they are read (`files`); property tests fuzz both readers.

mod bad_results;
mod bad_suites;
mod files;
mod fuzz;
mod fuzz_results;
mod fuzz_suites;
mod no_data;
