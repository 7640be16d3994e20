//! Plugins in JavaScript and Python: the helper libraries' own tests (the shared parameter and
//! checksum vectors), the in-tree examples agreeing with the Rust plugins in one group, errors
//! thrown through the helpers arriving as `error` rather than `trap`, and `wasmbench new` projects
//! that build and run as generated in all three languages.
//!
//! A test skips, with a message, when its toolchain is missing (node with `plugins/js/node_modules`
//! from `npm ci --prefix plugins/js`; `componentize-py`) — unless the toolchains are required:
//! `WASMBENCH_REQUIRE_LANGUAGES=1` (which `.ci/run` exports) or `CI` is set. Then the test fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{Harness, counter};

#[derive(Debug, Clone, Copy)]
pub enum Toolchain {
    /// node, and componentize-js installed in `plugins/js/node_modules`.
    Js,
    /// python3 and componentize-py.
    Python,
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("WASMBENCH_REQUIRE_LANGUAGES") || set("CI")
}

fn js_bin() -> PathBuf {
    repo().join("plugins/js/node_modules/.bin")
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `toolchain` is here; panics when it is missing and required.
pub fn toolchain_or_skip(toolchain: Toolchain, test: &str) -> bool {
    let (present, install) = match toolchain {
        Toolchain::Js => (
            works("node", &["--version"]) && js_bin().join("componentize-js").exists(),
            "node 18+ and `npm ci --prefix plugins/js`",
        ),
        Toolchain::Python => (
            works("python3", &["--version"]) && works("componentize-py", &["--version"]),
            "`pip install componentize-py==0.25.1`",
        ),
    };
    if present {
        return true;
    }
    if required() {
        panic!(
            "the {toolchain:?} toolchain is required here (WASMBENCH_REQUIRE_LANGUAGES or CI is set): {install}"
        );
    }
    eprintln!("SKIPPED {test}: no {toolchain:?} toolchain ({install})");
    false
}

/// Runs `cmd`, panicking with its output unless it succeeds.
pub fn succeed(mut cmd: Command, what: &str) -> Output {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({})\n--- stdout:\n{}\n--- stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn the_js_helper_library_passes_its_tests() {
    if !toolchain_or_skip(Toolchain::Js, "the_js_helper_library_passes_its_tests") {
        return;
    }
    let mut node = Command::new("node");
    node.args(["--test", "test/"])
        .current_dir(repo().join("plugins/sdk-js"));
    let output = succeed(node, "node --test (plugins/sdk-js)");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(report.contains("# fail 0"), "{report}");
    assert!(!report.contains("# pass 0"), "no test ran:\n{report}");
}

#[test]
fn the_python_helper_library_and_examples_pass_their_tests() {
    if !toolchain_or_skip(
        Toolchain::Python,
        "the_python_helper_library_passes_its_tests",
    ) {
        return;
    }
    // The SDK's own tests, then the examples' (run natively against an in-memory host).
    for folder in ["plugins/sdk-py", "plugins/python"] {
        let mut python = Command::new("python3");
        python
            .args(["-B", "-m", "unittest", "discover", "-v", "-s"])
            .arg(repo().join(folder))
            .env("PYTHONDONTWRITEBYTECODE", "1");
        let output = succeed(python, &format!("python3 -m unittest ({folder})"));
        let report = String::from_utf8_lossy(&output.stderr);
        assert!(report.contains("\nOK"), "{folder}: {report}");
        assert!(!report.contains("Ran 0 tests"), "{folder}: {report}");
    }
}

/// The same workload in Rust, JavaScript and Python in one group: the group fails a bench whose
/// checksum differs, so `ok` everywhere means they agree. In the same run (each interpreter
/// component is compiled once per engine, the slow part), a parameter the helper library rejects
/// ends its bench as `error` with the Rust SDK's message, not as a trap.
#[test]
fn the_examples_agree_with_the_rust_plugins_and_errors_are_errors() {
    let test = "the_examples_agree_with_the_rust_plugins_and_errors_are_errors";
    let js = toolchain_or_skip(Toolchain::Js, test);
    let python = toolchain_or_skip(Toolchain::Python, test);
    if !js && !python {
        return;
    }
    let mut suite = String::from(
        "[defaults]\nwarmup = 1\nsamples = 3\nfuel_iterations = 1\nexecutions = 1\n\
         [http]\nlatency = \"5ms\"\n\
         [backends]\nlatency_mode = \"accounted\"\nstore = \"2ms\"\n",
    );
    let mut bench = |plugin: &str, workload: &str, params: &str, group: &str| {
        suite.push_str(&format!(
            "[[bench]]\nplugin = \"{plugin}\"\nworkload = \"{workload}\"\nparams = {{ {params} }}\ngroup = \"{group}\"\n"
        ));
    };
    let mut agreeing = vec!["cpu/fib[n=20]", "cache/aside", "fetch/limited[k=2,n=6]"];
    let mut rejecting = Vec::new();
    bench("cpu", "fib", "n = 20", "fib");
    bench("cache", "aside", "", "aside");
    bench("fetch", "limited", "n = 6, k = 2", "limited");
    if js {
        bench("js-cpu", "fib", "n = 20", "fib");
        bench("js-cache", "aside", "", "aside");
        bench("js-fetch", "limited", "n = 6, k = 2", "limited");
        agreeing.extend([
            "js-cpu/fib[n=20]",
            "js-cache/aside",
            "js-fetch/limited[k=2,n=6]",
        ]);
        rejecting.push("js-cpu");
    }
    if python {
        bench("py-cpu", "fib", "n = 20", "fib");
        bench("py-cache", "aside", "", "aside");
        agreeing.extend(["py-cpu/fib[n=20]", "py-cache/aside"]);
        rejecting.push("py-cpu");
    }
    for plugin in &rejecting {
        suite.push_str(&format!(
            "[[bench]]\nplugin = \"{plugin}\"\nworkload = \"fib\"\nparams = {{ n = \"twenty\" }}\nexpect = \"error\"\n"
        ));
    }
    let h = Harness::sharing_interpreter_compiles();
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    for id in agreeing {
        let bench = run.bench(id);
        assert_eq!(bench["status"], "ok", "{id}: {bench}");
    }
    for plugin in ["js-cache", "py-cache"] {
        if !run.results()["benches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == format!("{plugin}/aside"))
        {
            continue;
        }
        let (rust, port) = (
            run.bench("cache/aside"),
            run.bench(&format!("{plugin}/aside")),
        );
        for name in [
            "l1_hits",
            "l1_misses",
            "evictions",
            "store_reads",
            "store_writes",
        ] {
            assert_eq!(
                counter(rust, name),
                counter(port, name),
                "{plugin}: counter {name}"
            );
        }
    }
    for plugin in rejecting {
        let bench = run.bench(&format!("{plugin}/fib[n=twenty]"));
        assert_eq!(bench["status"], "error", "{plugin}: {bench}");
        let message = bench["message"].as_str().unwrap();
        assert!(
            message.contains("parameter `n` must be an unsigned integer, got `twenty`"),
            "{plugin}: {message}"
        );
    }
}
