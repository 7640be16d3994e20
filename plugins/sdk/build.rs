//! Reads the contract version from the `package` line of `plugins/wit/plugin.wit`
//! (`WASMBENCH_CONTRACT_VERSION`), so the WIT file is its only source.

use std::path::Path;

fn main() {
    let wit = Path::new("../wit/plugin.wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    let text = std::fs::read_to_string(wit)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", wit.display()));
    let version = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("package "))
        .and_then(|rest| rest.trim().strip_suffix(';'))
        .and_then(|package| package.split_once('@'))
        .map(|(_, version)| version.trim())
        .unwrap_or_else(|| {
            panic!(
                "{} has no `package name:space@version;` line",
                wit.display()
            )
        });
    println!("cargo:rustc-env=WASMBENCH_CONTRACT_VERSION={version}");
}
