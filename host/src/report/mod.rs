//! Turning results into things people read. One module per output format.

pub mod format;
pub mod terminal;
