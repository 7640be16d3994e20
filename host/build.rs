//! Builds every guest crate in `../plugins` for wasm32-wasip2, so plain `cargo build` / `cargo test`
//! from a fresh clone has the plugin components, and tells the host where they are
//! (`WASMBENCH_BUILT_PLUGINS`). The nested cargo gets its own target dir to avoid the outer build lock.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let plugins = manifest_dir.join("../plugins");
    println!("cargo:rerun-if-changed={}", plugins.display());
    println!("cargo:rerun-if-env-changed=WASMBENCH_SKIP_PLUGIN_BUILD");

    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out: share one guest build across profiles.
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("set by cargo"));
    let target_root = out_dir
        .ancestors()
        .nth(4)
        .expect("OUT_DIR is inside the target dir");
    let guest_target = target_root.join("wasm-plugins");
    let artifacts = guest_target.join(TARGET).join("release");
    println!(
        "cargo:rustc-env=WASMBENCH_BUILT_PLUGINS={}",
        artifacts.display()
    );
    println!(
        "cargo:rustc-env=WASMBENCH_WASMTIME_VERSION={}",
        locked_version(&manifest_dir, "wasmtime")
    );

    if env::var_os("WASMBENCH_SKIP_PLUGIN_BUILD").is_some() {
        println!("cargo:warning=WASMBENCH_SKIP_PLUGIN_BUILD is set: plugins were not rebuilt");
        return;
    }
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ensure_target_installed();

    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "--release", "--workspace", "--target", TARGET])
        .arg("--manifest-path")
        .arg(plugins.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&guest_target);
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
            "building the wasm plugins failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Installs the wasm32-wasip2 standard library through rustup when it is missing.
fn ensure_target_installed() {
    if target_libdir_exists() {
        return;
    }
    let has_rustup = Command::new("rustup")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_rustup {
        panic!(
            "the Rust target `{TARGET}` is not installed and rustup is not available; \
             install the {TARGET} standard library for your toolchain to build the plugins"
        );
    }
    println!("cargo:warning=installing the Rust target `{TARGET}` (rustup target add {TARGET})");
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .unwrap_or_else(|e| panic!("could not run rustup: {e}"));
    if !status.success() || !target_libdir_exists() {
        panic!("`rustup target add {TARGET}` failed ({status}); run it by hand and build again");
    }
}

fn target_libdir_exists() -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .args(["--print", "target-libdir", "--target", TARGET])
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
