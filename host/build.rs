//! Builds the guest crates, so plain `cargo build` / `cargo test` from a fresh clone has them, and
//! tells the host where they are:
//! - every crate in `../plugins` for wasm32-wasip2: the plugin components (`WASMBENCH_BUILT_PLUGINS`);
//! - every crate in `../plugins-p1` for wasm32-wasip1: core modules in the sightglass convention,
//!   used by the tests (`WASMBENCH_BUILT_P1_MODULES`);
//! - the JavaScript and Python example plugins (`../plugins/js`, `../plugins/python`), next to the
//!   Rust ones, when their toolchains are present (else a warning says how to get them).
//!
//! The first-party plugins the suites name with `plugin =` ([`BUNDLED`]) are embedded in the binary
//! (`$OUT_DIR/bundled_plugins.rs`, read by `src/plugin/bundled.rs`), so an installed wasmbench needs
//! no build tree; no path of this build is compiled into the binary.
//!
//! It also reads the contract's name and version from the `package` line of the WIT file
//! (`WASMBENCH_CONTRACT`, e.g. `wasmbench:plugin@0.1.1`), so the WIT file is their only source.
//!
//! The nested cargo gets its own target dir to avoid the outer build lock.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A guest workspace and the target it is built for.
struct Guest {
    /// Folder of the workspace, relative to the host crate.
    dir: &'static str,
    target: &'static str,
    /// The environment variable that tells the host where the artifacts are.
    env: &'static str,
    what: &'static str,
}

const GUESTS: [Guest; 2] = [
    Guest {
        dir: "../plugins",
        target: "wasm32-wasip2",
        env: "WASMBENCH_BUILT_PLUGINS",
        what: "wasm plugins",
    },
    Guest {
        dir: "../plugins-p1",
        target: "wasm32-wasip1",
        env: "WASMBENCH_BUILT_P1_MODULES",
        what: "wasm32-wasip1 test modules",
    },
];

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-env-changed=WASMBENCH_SKIP_PLUGIN_BUILD");

    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out: share one guest build across profiles.
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let target_root = out_dir
        .ancestors()
        .nth(4)
        .expect("OUT_DIR is inside the target dir");
    let guest_target = target_root.join("wasm-plugins");
    // The guest SDK reads parameters with the shared rule in `crates/params`.
    println!(
        "cargo:rerun-if-changed={}",
        manifest_dir.join("../crates/params").display()
    );
    for guest in &GUESTS {
        println!(
            "cargo:rerun-if-changed={}",
            manifest_dir.join(guest.dir).display()
        );
        println!(
            "cargo:rustc-env={}={}",
            guest.env,
            guest_target.join(guest.target).join("release").display()
        );
    }
    println!(
        "cargo:rustc-env=WASMBENCH_WASMTIME_VERSION={}",
        locked_version(&manifest_dir, "wasmtime")
    );
    println!(
        "cargo:rustc-env=WASMBENCH_CONTRACT={}",
        wit_package(&manifest_dir.join("../plugins/wit/plugin.wit"))
    );

    if env::var_os("WASMBENCH_SKIP_PLUGIN_BUILD").is_some() {
        println!("cargo:warning=WASMBENCH_SKIP_PLUGIN_BUILD is set: plugins were not rebuilt");
        let plugins_out = guest_target.join(GUESTS[0].target).join("release");
        write_bundle(&manifest_dir, &plugins_out, &out_dir);
        return;
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for guest in &GUESTS {
        ensure_target_installed(guest.target);
        build(&cargo, &manifest_dir.join(guest.dir), guest, &guest_target);
    }
    let plugins_out = guest_target.join(GUESTS[0].target).join("release");
    for example in &OTHER_LANGUAGES {
        build_other_language(&manifest_dir, example, &plugins_out);
    }
    write_bundle(&manifest_dir, &plugins_out, &out_dir);
}

/// The plugins built into the binary: the Rust workload plugins of `../plugins` that suites name
/// with `plugin =`. Left out: the SDK (a library), the test plugins (`hostile`, `misbehave`,
/// `hostile-listing`: for the containment tests, not for users) and the JavaScript / Python
/// examples (10–20 MB each, an interpreter apiece; they are built from a checkout).
const BUNDLED: [&str; 8] = [
    "cache",
    "calibrate",
    "cpu",
    "db",
    "fetch",
    "fs-read",
    "handler",
    "memory",
];

/// Writes `$OUT_DIR/bundled_plugins.rs`: every [`BUNDLED`] component as bytes, an id of the whole
/// bundle (its FNV-1a 64, naming the folder the bytes are written to), and the example plugins of
/// the other languages by name, so a missing one is explained rather than unknown.
fn write_bundle(manifest_dir: &Path, plugins_out: &Path, out_dir: &Path) {
    let mut entries = String::new();
    let mut bundle_hash = FNV_OFFSET;
    for name in BUNDLED {
        let file_name = format!("{}.wasm", name.replace('-', "_"));
        let path = plugins_out.join(&file_name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "the plugin `{name}` to embed is missing at {} ({e}); \
                 build the plugins (unset WASMBENCH_SKIP_PLUGIN_BUILD) and build again",
                path.display()
            )
        });
        bundle_hash = fnv1a(fnv1a(bundle_hash, name.as_bytes()), &bytes);
        entries.push_str(&format!(
            "    Bundled {{ name: {name:?}, file_name: {file_name:?}, wasm: include_bytes!({:?}) }},\n",
            path.display().to_string()
        ));
    }
    let mut examples = String::new();
    for (dir, prefix, language) in [("js", "js-", "JavaScript"), ("python", "py-", "Python")] {
        let root = manifest_dir.join("../plugins").join(dir);
        let Ok(read) = std::fs::read_dir(&root) else {
            continue;
        };
        let mut names: Vec<String> = read
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !matches!(n.as_str(), "node_modules" | "test" | "__pycache__"))
            .collect();
        names.sort();
        for name in names {
            examples.push_str(&format!(
                "    Example {{ name: \"{prefix}{name}\", language: {language:?}, folder: \"plugins/{dir}\" }},\n"
            ));
        }
    }
    let code = format!(
        "// Generated by host/build.rs.\n\
         pub(super) const BUNDLED: &[Bundled] = &[\n{entries}];\n\
         pub(super) const BUNDLE_ID: &str = \"{bundle_hash:016x}\";\n\
         pub(super) const EXAMPLES: &[Example] = &[\n{examples}];\n"
    );
    std::fs::write(out_dir.join("bundled_plugins.rs"), code)
        .unwrap_or_else(|e| panic!("cannot write bundled_plugins.rs: {e}"));
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut hash: u64, bytes: &[u8]) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Example plugins in a language other than Rust, built by a script of their own.
struct OtherLanguage {
    what: &'static str,
    /// The interpreter that runs `script`.
    program: &'static str,
    /// Relative to the host crate; called as `program script OUT_DIR`, it writes the components
    /// into OUT_DIR and exits with 2 when the language's toolchain is missing.
    script: &'static str,
}

const OTHER_LANGUAGES: [OtherLanguage; 2] = [
    OtherLanguage {
        what: "JavaScript example plugins (js-*)",
        program: "node",
        script: "../plugins/js/build.mjs",
    },
    OtherLanguage {
        what: "Python example plugins (py-*)",
        program: "python3",
        script: "../plugins/python/build.py",
    },
];

/// Runs an example set's build script; a missing toolchain is a warning (the tests that need the
/// examples say so too, and fail in CI), a failing build is an error.
fn build_other_language(manifest_dir: &Path, example: &OtherLanguage, out: &Path) {
    let script = manifest_dir.join(example.script);
    let output = match Command::new(example.program).arg(&script).arg(out).output() {
        Ok(output) => output,
        Err(e) => {
            println!(
                "cargo:warning={} not built: `{}` is not available ({e})",
                example.what, example.program
            );
            return;
        }
    };
    match output.status.code() {
        Some(0) => {}
        Some(2) => {
            let why = String::from_utf8_lossy(&output.stderr);
            println!(
                "cargo:warning={} not built: {}",
                example.what,
                why.trim().lines().last().unwrap_or("toolchain missing")
            );
        }
        _ => panic!(
            "building the {} failed ({}):\n{}{}",
            example.what,
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// `cargo build --release` of a guest workspace for its target.
fn build(cargo: &str, workspace: &Path, guest: &Guest, guest_target: &Path) {
    let mut cmd = Command::new(cargo);
    cmd.args([
        "build",
        "--release",
        "--workspace",
        "--target",
        guest.target,
    ])
    .arg("--manifest-path")
    .arg(workspace.join("Cargo.toml"))
    .arg("--target-dir")
    .arg(guest_target);
    // Flags meant for the host build must not leak into the guest build.
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("could not run `{cargo}`: {e}"));
    if !output.status.success() {
        panic!(
            "building the {} failed ({}):\n{}",
            guest.what,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Installs the standard library of `target` through rustup when it is missing.
fn ensure_target_installed(target: &str) {
    if target_libdir_exists(target) {
        return;
    }
    let has_rustup = Command::new("rustup")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_rustup {
        panic!(
            "the Rust target `{target}` is not installed and rustup is not available; \
             install the {target} standard library for your toolchain to build the plugins"
        );
    }
    println!("cargo:warning=installing the Rust target `{target}` (rustup target add {target})");
    let status = Command::new("rustup")
        .args(["target", "add", target])
        .status()
        .unwrap_or_else(|e| panic!("could not run rustup: {e}"));
    if !status.success() || !target_libdir_exists(target) {
        panic!("`rustup target add {target}` failed ({status}); run it by hand and build again");
    }
}

fn target_libdir_exists(target: &str) -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .args(["--print", "target-libdir", "--target", target])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .is_some_and(|dir| Path::new(&dir).is_dir())
}

/// The version of `package` in the workspace's Cargo.lock, for the results' environment record.
fn locked_version(manifest_dir: &Path, package: &str) -> String {
    let lock = manifest_dir.join("../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let needle = format!("name = \"{package}\"\nversion = \"");
    text.split_once(&needle)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map_or_else(|| "unknown".to_string(), |(version, _)| version.to_string())
}

/// The package of a WIT file, from its `package name:space@version;` line, e.g.
/// `wasmbench:plugin@0.1.0`.
fn wit_package(wit: &Path) -> String {
    println!("cargo:rerun-if-changed={}", wit.display());
    let text = std::fs::read_to_string(wit)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", wit.display()));
    text.lines()
        .find_map(|line| line.trim().strip_prefix("package "))
        .and_then(|rest| rest.trim().strip_suffix(';'))
        .map(str::trim)
        .filter(|package| package.contains(':') && package.contains('@'))
        .unwrap_or_else(|| {
            panic!(
                "{} has no `package name:space@version;` line",
                wit.display()
            )
        })
        .to_string()
}
