//! The template files of each language, embedded at build time. The JavaScript and Python
//! templates carry a copy of their helper library and of the WIT contract, as those toolchains
//! read them from the project folder.

use super::Lang;

/// One file of a template: its path in the project and its text, both with `{{key}}` holes.
pub(super) struct File {
    pub(super) path: &'static str,
    pub(super) text: &'static str,
}

/// A language's template.
pub(super) struct Set {
    pub(super) files: &'static [File],
    pub(super) build: &'static str,
    pub(super) artifact: &'static str,
}

macro_rules! file {
    ($path:literal => $source:literal) => {
        File {
            path: $path,
            text: include_str!($source),
        }
    };
}

const WIT: File = file!("wit/plugin.wit" => "../../../plugins/wit/plugin.wit");

const RUST: Set = Set {
    files: &[
        file!("Cargo.toml" => "templates/rust/Cargo.toml"),
        file!("src/lib.rs" => "templates/rust/src/lib.rs"),
        file!("suite.toml" => "templates/rust/suite.toml"),
        file!("README.md" => "templates/rust/README.md"),
        file!(".gitignore" => "templates/rust/gitignore"),
    ],
    build: "cargo build --release --target wasm32-wasip2",
    artifact: "target/wasm32-wasip2/release/{{snake_name}}.wasm",
};

const JS: Set = Set {
    files: &[
        file!("{{name}}.js" => "templates/js/plugin.js"),
        file!("wasmbench.js" => "../../../plugins/sdk-js/wasmbench.js"),
        WIT,
        file!("package.json" => "templates/js/package.json"),
        file!("suite.toml" => "templates/js/suite.toml"),
        file!("README.md" => "templates/js/README.md"),
        file!(".gitignore" => "templates/js/gitignore"),
    ],
    build: "npm run build",
    artifact: "{{name}}.wasm",
};

const PYTHON: Set = Set {
    files: &[
        file!("app.py" => "templates/python/app.py"),
        file!("wasmbench.py" => "../../../plugins/sdk-py/wasmbench.py"),
        file!("workload.py" => "../../../plugins/sdk-py/workload.py"),
        WIT,
        file!("suite.toml" => "templates/python/suite.toml"),
        file!("README.md" => "templates/python/README.md"),
        file!(".gitignore" => "templates/python/gitignore"),
    ],
    build: "componentize-py -d wit -w plugin componentize app -o {{name}}.wasm",
    artifact: "{{name}}.wasm",
};

pub(super) fn for_lang(lang: Lang) -> &'static Set {
    match lang {
        Lang::Rust => &RUST,
        Lang::Js => &JS,
        Lang::Python => &PYTHON,
    }
}
