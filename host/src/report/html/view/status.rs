//! A bench's status in words, with its CSS class and sort order: the word carries the meaning.

use crate::model::Status;
use crate::results::BenchResult;

/// A bench's status in words, with its CSS class and sort order (failures first).
pub struct StatusText {
    pub class: &'static str,
    pub text: String,
    pub order: u8,
}

/// A bench's status in words: the word carries the meaning, colour only helps.
pub(super) fn status_of(b: &BenchResult) -> StatusText {
    let (class, text, order) = if b.met_expectation {
        if b.head.status == Status::Ok {
            ("st-ok", "✓ ok".into(), 2)
        } else {
            ("st-expected", format!("✓ {} (expected)", b.head.status), 1)
        }
    } else if b.expected == Status::Ok {
        ("st-failed", format!("✗ FAILED: {}", b.head.status), 0)
    } else {
        (
            "st-failed",
            format!("✗ FAILED: {} (expected {})", b.head.status, b.expected),
            0,
        )
    };
    StatusText { class, text, order }
}
