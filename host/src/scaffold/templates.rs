//! The template files of each language, embedded at build time. Every project carries what it needs
//! to build on a machine that has never seen wasmbench's sources: the Rust one a copy of the guest
//! SDK (`wasmbench-sdk`, with the parameter rule `wasmbench-params` it uses), the JavaScript and
//! Python ones a copy of their helper library; all of them the WIT contract.

use super::lang::Lang;

/// How a file's text becomes the project's file.
#[derive(Clone, Copy)]
pub(super) enum Text {
    /// A template: `{{key}}` holes are filled.
    Template(&'static str),
    /// Copied as it is (sources of the SDKs and the contract, which may hold `{{` of their own).
    Copy(&'static str),
    /// Copied with one exact piece of text replaced (`from` must occur exactly once; a test
    /// checks): a manifest's path to a sibling crate, which sits elsewhere in the project.
    Rewrite {
        text: &'static str,
        from: &'static str,
        to: &'static str,
    },
}

/// One file of a template: its path in the project (with `{{key}}` holes) and its text.
pub(super) struct File {
    pub(super) path: &'static str,
    pub(super) text: Text,
}

/// A language's template.
pub(super) struct Set {
    pub(super) files: &'static [File],
    /// Files only written when the project carries its own SDK (no `--sdk`).
    pub(super) vendored: &'static [File],
    /// One-time installs before the first build, as shell lines with a `# once` comment.
    pub(super) setup: &'static [&'static str],
    pub(super) build: &'static str,
    pub(super) artifact: &'static str,
}

macro_rules! template {
    ($path:literal => $source:literal) => {
        File {
            path: $path,
            text: Text::Template(include_str!($source)),
        }
    };
}

macro_rules! copy {
    ($path:literal => $source:literal) => {
        File {
            path: $path,
            text: Text::Copy(include_str!($source)),
        }
    };
}

const WIT: File = copy!("wit/plugin.wit" => "../../../plugins/wit/plugin.wit");

/// Where the SDK's manifest finds the parameter rule in this repository, and in a project.
pub(super) const PARAMS_PATH_IN_REPO: &str =
    r#"wasmbench-params = { path = "../../crates/params" }"#;
const PARAMS_PATH_IN_PROJECT: &str = r#"wasmbench-params = { path = "../wasmbench-params" }"#;

const RUST: Set = Set {
    files: &[
        template!("Cargo.toml" => "templates/rust/Cargo.toml"),
        template!("src/lib.rs" => "templates/rust/src/lib.rs"),
        template!("suite.toml" => "templates/rust/suite.toml"),
        template!("README.md" => "templates/rust/README.md"),
        template!(".gitignore" => "templates/rust/gitignore"),
        WIT,
    ],
    vendored: &[
        File {
            path: "wasmbench-sdk/Cargo.toml",
            text: Text::Rewrite {
                text: include_str!("../../../plugins/sdk/Cargo.toml"),
                from: PARAMS_PATH_IN_REPO,
                to: PARAMS_PATH_IN_PROJECT,
            },
        },
        copy!("wasmbench-sdk/build.rs" => "../../../plugins/sdk/build.rs"),
        copy!("wasmbench-sdk/checksum-vectors.txt" => "../../../plugins/sdk/checksum-vectors.txt"),
        copy!("wasmbench-sdk/src/lib.rs" => "../../../plugins/sdk/src/lib.rs"),
        copy!("wasmbench-sdk/src/lru.rs" => "../../../plugins/sdk/src/lru.rs"),
        copy!("wasmbench-sdk/src/params.rs" => "../../../plugins/sdk/src/params.rs"),
        copy!("wasmbench-sdk/src/rng.rs" => "../../../plugins/sdk/src/rng.rs"),
        copy!("wasmbench-params/Cargo.toml" => "../../../crates/params/Cargo.toml"),
        copy!("wasmbench-params/README.md" => "../../../crates/params/README.md"),
        copy!("wasmbench-params/vectors.txt" => "../../../crates/params/vectors.txt"),
        copy!("wasmbench-params/src/lib.rs" => "../../../crates/params/src/lib.rs"),
        copy!("wasmbench-params/src/tests.rs" => "../../../crates/params/src/tests.rs"),
        // The versions the SDK is built and tested with here (cargo drops the entries of this
        // repository's other plugins on the first build).
        copy!("Cargo.lock" => "../../../plugins/Cargo.lock"),
    ],
    setup: &["rustup target add wasm32-wasip2"],
    build: "cargo build --release --target wasm32-wasip2",
    artifact: "target/wasm32-wasip2/release/{{snake_name}}.wasm",
};

const JS: Set = Set {
    files: &[
        template!("{{name}}.js" => "templates/js/plugin.js"),
        copy!("wasmbench.js" => "../../../plugins/sdk-js/wasmbench.js"),
        WIT,
        template!("package.json" => "templates/js/package.json"),
        template!("suite.toml" => "templates/js/suite.toml"),
        template!("README.md" => "templates/js/README.md"),
        template!(".gitignore" => "templates/js/gitignore"),
    ],
    vendored: &[],
    setup: &["npm install"],
    build: "npm run build",
    artifact: "{{name}}.wasm",
};

const PYTHON: Set = Set {
    files: &[
        template!("app.py" => "templates/python/app.py"),
        copy!("wasmbench.py" => "../../../plugins/sdk-py/wasmbench.py"),
        copy!("workload.py" => "../../../plugins/sdk-py/workload.py"),
        WIT,
        template!("suite.toml" => "templates/python/suite.toml"),
        template!("README.md" => "templates/python/README.md"),
        template!(".gitignore" => "templates/python/gitignore"),
    ],
    vendored: &[],
    setup: &["pip install componentize-py==0.25.1"],
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
