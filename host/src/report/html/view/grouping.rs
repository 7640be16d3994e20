//! A group of alternatives: the benches that share a group name, or those that have none.

/// A group of alternatives (or, with no name, the benches that have no group).
pub(super) struct Group {
    pub(super) name: Option<String>,
    pub(super) members: Vec<usize>,
}

impl Group {
    pub(super) fn title(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => "benches without a group".into(),
        }
    }
}
