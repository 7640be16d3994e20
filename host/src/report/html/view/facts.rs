//! A facts list's lines: a term and its description in pieces (text, code, warnings, group links).

/// A line of the facts list: a term and its description.
pub struct Fact {
    pub term: &'static str,
    pub pieces: Vec<Piece>,
}

/// A piece of a fact's description.
pub enum Piece {
    Text(String),
    Code(String),
    Warn(&'static str),
    /// A link to a group's section: (group index, group name).
    Group(usize, String),
}
