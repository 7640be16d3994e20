//! The languages a plugin project can be made in.

/// A language a plugin can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Rust with the guest SDK (`wasmbench-sdk`), built by cargo for wasm32-wasip2.
    Rust,
    /// JavaScript with the JS helper library, built by componentize-js.
    Js,
    /// Python with the Python helper library, built by componentize-py.
    Python,
}

impl Lang {
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Js => "js",
            Lang::Python => "python",
        }
    }
}
