//! Turning results into things people read. One module per output format.

pub mod bmf;
pub mod export;
pub mod format;
pub mod gab;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod terminal;
