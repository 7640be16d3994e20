//! `wasmbench new`: a project in each language builds with the command it prints and runs with the
//! suite it writes, giving the checksum its template computes (the same in all three).
//!
//! The JavaScript and Python projects need their toolchains; see `languages` for when they skip.

use std::path::Path;
use std::process::Command;

use crate::common::Harness;
use crate::languages::{Toolchain, repo, succeed, toolchain_or_skip};

/// FNV-1a 64 of `size` bytes `i % 251`: what every template's `hash` workload returns.
fn expected_checksum(size: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for i in 0..size {
        hash ^= (i % 251) as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// `wasmbench new NAME --lang LANG --dir DIR`, then the build command it printed, then the suite.
fn new_builds_and_runs(lang: &str, prepare: impl FnOnce(&Path, &mut Command)) {
    let h = Harness::with_process_limit(std::time::Duration::from_secs(600));
    let dir = h.path().join("made");
    let created = h.wasmbench(&[
        "new",
        "my-plugin",
        "--lang",
        lang,
        "--dir",
        dir.to_str().unwrap(),
    ]);
    created.assert_code(0);
    let build = created
        .stdout
        .lines()
        .skip_while(|line| line.trim() != "next:")
        .nth(2)
        .unwrap_or_else(|| panic!("no build command printed\n{}", created.transcript()))
        .trim()
        .to_string();
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(&build).current_dir(&dir);
    // What the harness's own build was given must not steer the plugin's.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
    ] {
        cmd.env_remove(var);
    }
    prepare(&dir, &mut cmd);
    succeed(cmd, &format!("`{build}` in the new {lang} project"));

    let run = h.run(&dir.join("suite.toml"), &[]);
    run.assert_code(0);
    let bench = run.bench("my-plugin/hash");
    assert_eq!(bench["status"], "ok", "{bench}");
    assert_eq!(
        bench["checksum"],
        expected_checksum(16 * 1024).as_str(),
        "{bench}"
    );
    // The project names its plugin for `wasmbench list` too.
    let listed = h.wasmbench(&["list", dir.join("suite.toml").to_str().unwrap()]);
    listed.assert_code(0);
    assert!(listed.stdout.contains("hash"), "{}", listed.transcript());
}

#[test]
fn a_new_rust_plugin_builds_and_runs_as_generated() {
    new_builds_and_runs("rust", |_, _| {});
}

#[test]
fn a_new_javascript_plugin_builds_and_runs_as_generated() {
    if !toolchain_or_skip(
        Toolchain::Js,
        "a_new_javascript_plugin_builds_and_runs_as_generated",
    ) {
        return;
    }
    new_builds_and_runs("js", |dir, _| {
        // `npm install` once per project in real use; here the examples' install stands in for it.
        std::os::unix::fs::symlink(
            repo().join("plugins/js/node_modules"),
            dir.join("node_modules"),
        )
        .unwrap();
    });
}

#[test]
fn a_new_python_plugin_builds_and_runs_as_generated() {
    if !toolchain_or_skip(
        Toolchain::Python,
        "a_new_python_plugin_builds_and_runs_as_generated",
    ) {
        return;
    }
    new_builds_and_runs("python", |_, cmd| {
        cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    });
}

#[test]
fn new_refuses_a_bad_name_and_a_folder_with_files() {
    let h = Harness::new();
    let bad = h.wasmbench(&["new", "My_Plugin"]);
    bad.assert_code(2);
    assert!(
        bad.stderr.contains("lowercase letters"),
        "{}",
        bad.transcript()
    );

    let dir = h.path().join("taken");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "mine").unwrap();
    let refused = h.wasmbench(&[
        "new",
        "ok",
        "--lang",
        "python",
        "--dir",
        dir.to_str().unwrap(),
    ]);
    refused.assert_code(2);
    assert!(
        refused.stderr.contains("is not empty"),
        "{}",
        refused.transcript()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "mine"
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
}
