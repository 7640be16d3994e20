//! A profile's frames: each function's readable name made once and kept by id, and the stacks of
//! ids written as folded text.

use std::collections::HashMap;

use wasmtime::FrameInfo;

use super::names::MAX_NAME;
use crate::model::{Lines, clip, visible};

/// The frame that stands for time spent in the host (WASI, capabilities) in folded stacks.
pub const HOST_FRAME: &str = "[host]";

/// The root frame of a sample whose stack was deeper than [`MAX_FRAMES`] (its roots are lost).
pub const TRUNCATED_FRAME: &str = "[truncated]";

/// The frame of a sample that found no guest frame.
pub(super) const UNKNOWN_FRAME: &str = "[unknown]";

/// What a table entry costs beside its contents (a name, a folded stack, a stack's hash).
pub(super) const ENTRY_COST: u64 = 64;

/// Frames by function, each function's name made and kept once.
pub(super) struct FrameTable {
    /// (the module's code address, function index) → frame id.
    ids: HashMap<(usize, u32), u32>,
    /// Names by frame id.
    names: Vec<String>,
}

pub(super) const TRUNCATED_ID: u32 = 0;
pub(super) const HOST_ID: u32 = 1;
pub(super) const UNKNOWN_ID: u32 = 2;

impl FrameTable {
    pub(super) fn new() -> Self {
        FrameTable {
            ids: HashMap::new(),
            names: vec![
                TRUNCATED_FRAME.into(),
                HOST_FRAME.into(),
                UNKNOWN_FRAME.into(),
            ],
        }
    }

    /// The frame's id, and what a new entry cost.
    pub(super) fn intern(&mut self, frame: &FrameInfo) -> (u32, u64) {
        let key = (
            frame.module().image_range().start as usize,
            frame.func_index(),
        );
        if let Some(id) = self.ids.get(&key) {
            return (*id, 0);
        }
        let name = frame_name(frame.func_name(), frame.func_index());
        let cost = name.len() as u64 + ENTRY_COST;
        let id = self.names.len() as u32;
        self.names.push(name);
        self.ids.insert(key, id);
        (id, cost)
    }

    /// The length of `stack` as folded text (names, separators, the count).
    pub(super) fn text_len(&self, stack: &[u32]) -> u64 {
        let names: usize = stack
            .iter()
            .map(|id| self.names[*id as usize].len() + 1)
            .sum();
        names as u64 + 20
    }

    pub(super) fn text(&self, stack: &[u32]) -> String {
        let mut text = String::with_capacity(self.text_len(stack) as usize);
        for (i, id) in stack.iter().enumerate() {
            if i > 0 {
                text.push(';');
            }
            text.push_str(&self.names[*id as usize]);
        }
        text
    }
}

/// A frame's readable name: the name section's, demangled (Rust's without its hash), or
/// `wasm-function[N]` without one; on one line (what would act instead of show — line and
/// paragraph separators, controls, bidi overrides — written as escapes, the rule of
/// [`visible`]), without `;` (the folded format's separator), at most [`MAX_NAME`] bytes (cut by
/// [`clip`]).
pub fn frame_name(name: Option<&str>, index: u32) -> String {
    let name = match name {
        Some(name) => match rustc_demangle::try_demangle(name) {
            Ok(demangled) => format!("{demangled:#}"),
            Err(_) => name.to_string(),
        },
        None => format!("wasm-function[{index}]"),
    };
    clip(&visible(&name, Lines::Single).replace(';', ":"), MAX_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::hidden;

    #[test]
    fn frame_names_are_one_inert_line_without_the_separator() {
        // Every character below U+0100 and the special ranges, the rule of `model::hidden`.
        for c in (0u32..0x100).chain(0x2000..0x2070).chain(0xfff0..0x10000) {
            let Some(c) = char::from_u32(c) else { continue };
            let name = frame_name(Some(&format!("a{c}b")), 0);
            assert!(!name.contains(';'), "{c:?} → {name:?}");
            assert!(
                !name.chars().any(|o| hidden(o, Lines::Single)),
                "{c:?} → {name:?}"
            );
        }
        assert_eq!(
            frame_name(Some("f\u{2028}g\u{2029}h;i\n\u{202e}"), 0),
            "f\\u{2028}g\\u{2029}h:i\\n\\u{202e}"
        );
        assert_eq!(frame_name(None, 7), "wasm-function[7]");
    }

    #[test]
    fn frame_names_are_cut() {
        let name = frame_name(Some(&"x".repeat(100_000)), 0);
        assert!(name.len() < MAX_NAME + 64, "{} bytes", name.len());
        assert!(name.ends_with("more bytes cut)"));
    }
}
