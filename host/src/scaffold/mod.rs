//! `wasmbench new`: a plugin project in Rust, JavaScript or Python, rendered from templates built
//! into the binary, with a copy of its language's SDK and of the WIT contract, so a contributor
//! starts from something that builds and runs on any machine, in any CI.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

mod lang;
mod templates;

pub use lang::Lang;
use templates::Text;

/// What `new` asks for.
#[derive(Debug, Clone)]
pub struct Request {
    pub name: String,
    pub lang: Lang,
    /// Rust only: depend on the `wasmbench-sdk` crate in this folder (a wasmbench checkout's
    /// `plugins/sdk`, for work on the SDK itself) instead of a copy in the project.
    pub sdk: Option<PathBuf>,
}

/// A rendered project: its files (relative paths) and how to build and run it.
#[derive(Debug, Clone)]
pub struct Project {
    pub files: Vec<(PathBuf, String)>,
    /// One-time installs before the first build (shell commands, run in the project folder).
    pub setup: Vec<String>,
    /// The shell command that builds the component, run in the project folder.
    pub build: String,
    /// The component the build writes, relative to the project folder.
    pub artifact: PathBuf,
}

/// The workload every template defines, so the three languages can be checked against each other:
/// `hash` over `size` bytes (`i % 251`), FNV-1a, one unit per byte.
pub const WORKLOAD: &str = "hash";

/// A plugin name: lowercase ASCII letters, digits and `-`, starting with a letter (it becomes the
/// crate, package and file name, and the suite's bench id).
pub fn check_name(name: &str) -> Result<()> {
    let valid = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        bail!(
            "plugin name `{name}` must be lowercase letters, digits and `-`, start with a letter \
             and not end with `-` (at most 64 characters), e.g. `my-cache`"
        );
    }
    Ok(())
}

/// The project for `request`.
pub fn render(request: &Request) -> Result<Project> {
    check_name(&request.name)?;
    let snake = request.name.replace('-', "_");
    if request.sdk.is_some() && request.lang != Lang::Rust {
        bail!(
            "--sdk is for Rust plugins; the {} helper library is always copied into the project",
            request.lang.name()
        );
    }
    let sdk_dependency = match request.lang {
        Lang::Rust => sdk_dependency(request.sdk.as_deref())?,
        _ => String::new(),
    };
    let action = action();
    let vars = [
        ("name", request.name.as_str()),
        ("snake_name", snake.as_str()),
        ("sdk_dependency", sdk_dependency.as_str()),
        ("contract", env!("WASMBENCH_CONTRACT")),
        ("contract_version", contract_version()),
        ("workload", WORKLOAD),
        ("action", action.as_str()),
    ];
    let set = templates::for_lang(request.lang);
    let vendored: &[templates::File] = if request.sdk.is_some() {
        &[]
    } else {
        set.vendored
    };
    let files = set
        .files
        .iter()
        .chain(vendored)
        .map(|file| {
            let path = PathBuf::from(fill(file.path, &vars));
            let text = match file.text {
                Text::Template(text) => fill(text, &vars),
                Text::Copy(text) => text.to_string(),
                Text::Rewrite { text, from, to } => text.replacen(from, to, 1),
            };
            (path, text)
        })
        .collect();
    Ok(Project {
        files,
        setup: set.setup.iter().map(|line| line.to_string()).collect(),
        build: fill(set.build, &vars),
        artifact: PathBuf::from(fill(set.artifact, &vars)),
    })
}

/// Writes `project` into `dir`, which must not exist or be empty: nothing is overwritten.
pub fn write(project: &Project, dir: &Path) -> Result<()> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .with_context(|| format!("{} exists and is not a readable folder", dir.display()))?;
        if entries.next().is_some() {
            bail!(
                "{} is not empty; choose a new folder with --dir",
                dir.display()
            );
        }
    }
    for (path, text) in &project.files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The `wasmbench-sdk = { ... }` dependency: the project's own copy, or the SDK folder given.
fn sdk_dependency(given: Option<&Path>) -> Result<String> {
    let Some(sdk) = given else {
        return Ok(format!("path = {}", toml_string(VENDORED_SDK)));
    };
    if !sdk.join("Cargo.toml").is_file() {
        bail!(
            "--sdk {}: no Cargo.toml there; pass the `plugins/sdk` folder of a wasmbench checkout, \
             or leave --sdk out to copy the SDK into the project",
            sdk.display()
        );
    }
    let sdk = sdk
        .canonicalize()
        .with_context(|| format!("resolving {}", sdk.display()))?;
    let path = sdk.to_str().context("the SDK's path is not UTF-8")?;
    Ok(format!("path = {}", toml_string(path)))
}

/// The folder of the SDK's copy in a Rust project.
const VENDORED_SDK: &str = "wasmbench-sdk";

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The GitHub Action of this wasmbench version, e.g. `wasmbench/wasmbench@v0.1.0`: the
/// repository (host/Cargo.toml's `repository`) at the tag of the version.
pub fn action() -> String {
    let repository = env!("CARGO_PKG_REPOSITORY");
    let slug = repository
        .strip_prefix("https://github.com/")
        .unwrap_or(repository);
    format!("{slug}@v{}", env!("CARGO_PKG_VERSION"))
}

/// The contract's version, e.g. `0.1.1` of `wasmbench:plugin@0.1.1`.
fn contract_version() -> &'static str {
    let contract = env!("WASMBENCH_CONTRACT");
    contract
        .rsplit_once('@')
        .map_or(contract, |(_, version)| version)
}

/// `{{key}}` → value for every pair; a template names only keys in `vars` (a test checks).
fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    vars.iter()
        .fold(template.to_string(), |text, (key, value)| {
            text.replace(&format!("{{{{{key}}}}}"), value)
        })
}

#[cfg(test)]
mod tests;
