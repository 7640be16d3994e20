//! A link to a bench's detail section, with its colour swatch.

/// A link to a bench's detail section, with its colour swatch.
pub struct BenchLink {
    pub index: usize,
    pub id: String,
    pub color: String,
}
