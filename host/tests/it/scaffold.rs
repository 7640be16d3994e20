//! `wasmbench new`: a project in each language builds with the command it prints and runs with the
//! suite it writes, giving the checksum its template computes (the same in all three).
//!
//! The JavaScript and Python projects need their toolchains; see `languages` for when they skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::Harness;
use crate::languages::{Toolchain, toolchain_or_skip};

/// FNV-1a 64 of `size` bytes `i % 251`: what every template's `hash` workload returns.
fn expected_checksum(size: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for i in 0..size {
        hash ^= (i % 251) as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A user's machine as the tests can make it: `wasmbench` installed alone in a `bin` folder (a copy
/// of the binary under test, as `cargo install` copies it: no build tree beside it, no plugin
/// path), a home folder outside the repository, and the user's shell.
struct UserMachine {
    harness: Harness,
    bin: PathBuf,
    home: PathBuf,
}

impl UserMachine {
    fn new() -> Self {
        let harness = Harness::with_process_limit(Duration::from_secs(600));
        let bin = harness.path().join("bin");
        let home = harness.path().join("work");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_wasmbench"), bin.join("wasmbench")).unwrap();
        UserMachine { harness, bin, home }
    }

    /// `script` run by `sh -e` in `dir`, with the installed wasmbench first on the PATH.
    fn shell(&self, dir: &Path, script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-ec").arg(script).current_dir(dir);
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![self.bin.clone()];
        dirs.extend(std::env::split_paths(&path));
        cmd.env("PATH", std::env::join_paths(dirs).unwrap())
            .env("WASMBENCH_CACHE_DIR", self.harness.cache_dir())
            .env("NO_COLOR", "1")
            // Installs come from the package managers' caches where they can (CI filled them).
            .env("npm_config_prefer_offline", "true")
            .env("npm_config_audit", "false")
            .env("npm_config_fund", "false")
            .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
            .env("PIP_ROOT_USER_ACTION", "ignore")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("WASMBENCH_PLUGIN_PATH");
        // What the harness's own build was given must not steer the plugin's.
        for var in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// Runs `script` and returns its exit code and transcript.
    fn sh(&self, dir: &Path, script: &str) -> (Option<i32>, String) {
        let output = self
            .shell(dir, script)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot start sh: {e}"));
        let transcript = format!(
            "$ {script}\n--- exit: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code(), transcript)
    }

    fn sh_ok(&self, dir: &Path, script: &str) -> String {
        let (code, transcript) = self.sh(dir, script);
        assert_eq!(code, Some(0), "{transcript}");
        transcript
    }
}

/// The shell lines of a README's ```sh blocks, in order.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        if in_sh && !trimmed.is_empty() {
            lines.push(trimmed.to_string());
        }
    }
    lines
}

/// The journey of a plugin author, as each language's project tells it: `wasmbench new`, the
/// `next:` steps it prints (installs included), every command of the project's README, a baseline,
/// then the workload made slower (`slower` edits its source file) and `run --baseline` exits 3.
fn new_project_journey(lang: &str, source: &str, slower: (&str, &str)) {
    let user = UserMachine::new();
    let created = user.sh_ok(
        &user.home,
        &format!("wasmbench new my-plugin --lang {lang}"),
    );
    let project = user.home.join("my-plugin");
    let next: Vec<&str> = created
        .lines()
        .skip_while(|line| line.trim() != "next:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .map(str::trim)
        .collect();
    assert!(
        next.first().is_some_and(|l| l.starts_with("cd ")) && next.len() >= 3,
        "no next: steps printed\n{created}"
    );
    let first_run = user.sh_ok(&user.home, &next.join("\n"));
    // An interpreter component takes seconds to compile: the run says so while it works, even
    // piped (as in CI), rather than sitting silent.
    if lang != "rust" {
        for said in ["compiling my-plugin.wasm (", "compiled my-plugin.wasm ("] {
            assert!(first_run.contains(said), "no `{said}`\n{first_run}");
        }
    }

    let first = std::fs::read_to_string(project.join("reports/my-plugin/results.json"))
        .expect("the next: steps ran the suite");
    let results: serde_json::Value = serde_json::from_str(&first).unwrap();
    let bench = crate::common::bench(&results, "my-plugin/hash");
    assert_eq!(bench["status"], "ok", "{bench}");
    assert_eq!(
        bench["checksum"],
        expected_checksum(16 * 1024).as_str(),
        "{bench}"
    );

    // Every command of its README, as written. The comparison with the baseline just saved may
    // see noise in wall time (exit 3) on a busy machine; it must not fail otherwise.
    let readme = std::fs::read_to_string(project.join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    assert!(
        commands.iter().any(|c| c.starts_with("wasmbench list ")),
        "{readme}"
    );
    for command in &commands {
        let (code, transcript) = user.sh(&project, command);
        let noise_allowed = command.contains("--baseline ");
        assert!(
            code == Some(0) || (noise_allowed && code == Some(3)),
            "README command failed\n{transcript}"
        );
        if command.starts_with("wasmbench list ") {
            assert!(transcript.contains("hash"), "{transcript}");
        }
    }
    assert!(project.join("reports/baselines/main.json").is_file());
    // The baseline is committed, the rest of reports/ is not.
    if user.sh(&project, "git --version").0 == Some(0) {
        let ignored = user.sh_ok(
            &project,
            "git init -q . && git check-ignore reports/*/*.json | sed 's/^/ignored: /' || true",
        );
        assert!(
            !ignored.contains("ignored: reports/baselines/main.json"),
            "{ignored}"
        );
        assert!(
            ignored.contains("ignored: reports/my-plugin/results.json"),
            "{ignored}"
        );
    }

    // Four times the work per iteration: fuel (exact) and wall time grow; the gate says so.
    let path = project.join(source);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.matches(slower.0).count(),
        1,
        "{source} changed: {text}"
    );
    std::fs::write(&path, text.replace(slower.0, slower.1)).unwrap();
    let build = next[next.len() - 2];
    user.sh_ok(&project, build);
    let (code, transcript) = user.sh(&project, "wasmbench run suite.toml --baseline main");
    assert_eq!(
        code,
        Some(3),
        "a 4x slower workload must fail the gate\n{transcript}"
    );
    assert!(transcript.contains("regress"), "{transcript}");
}

#[test]
fn a_new_rust_plugin_goes_from_new_to_a_gated_baseline_outside_the_repository() {
    new_project_journey(
        "rust",
        "src/lib.rs",
        (
            "let checksum = fnv1a(0, &self.data);",
            "let mut checksum = 0;\n        for _ in 0..4 {\n            checksum = std::hint::black_box(fnv1a(0, std::hint::black_box(&self.data)));\n        }",
        ),
    );
}

#[test]
fn a_new_javascript_plugin_goes_from_new_to_a_gated_baseline_outside_the_repository() {
    if !toolchain_or_skip(
        Toolchain::Js,
        "a_new_javascript_plugin_goes_from_new_to_a_gated_baseline_outside_the_repository",
    ) {
        return;
    }
    new_project_journey(
        "js",
        "my-plugin.js",
        (
            "return { run: () => ({ checksum: fnv1a(0n, data), units: size }) };",
            "return { run: () => { let c; for (let k = 0; k < 4; k++) c = fnv1a(0n, data); return { checksum: c, units: size }; } };",
        ),
    );
}

#[test]
fn a_new_python_plugin_goes_from_new_to_a_gated_baseline_outside_the_repository() {
    if !toolchain_or_skip(
        Toolchain::Python,
        "a_new_python_plugin_goes_from_new_to_a_gated_baseline_outside_the_repository",
    ) {
        return;
    }
    new_project_journey(
        "python",
        "app.py",
        (
            "return wasmbench.Outcome(wasmbench.fnv1a(0, self.data), len(self.data))",
            "for _ in range(3):\n            wasmbench.fnv1a(0, self.data)\n        return wasmbench.Outcome(wasmbench.fnv1a(0, self.data), len(self.data))",
        ),
    );
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
