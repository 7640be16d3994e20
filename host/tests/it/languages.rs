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
    if js {
        // fetch() drops a `Connection` header: the example says so rather than reuse silently.
        suite.push_str(
            "[[bench]]\nplugin = \"js-fetch\"\nworkload = \"sequential\"\n\
             params = { n = 3, connection = \"close\" }\nexpect = \"error\"\n",
        );
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
    if js {
        let close = run.bench("js-fetch/sequential[connection=close,n=3]");
        let message = close["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("fetch() drops the `Connection` header"),
            "{close}"
        );
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

/// The JavaScript plugin of [`capability_misuse_names_the_call`]: each workload's setup calls the
/// host wrongly, through the raw bindings, through the helper's checked calls, or throws an object
/// with nothing to show.
const MISUSE_JS: &str = r#"import * as rawHost from "wasmbench:plugin/host@0.1.1";
import * as rawDb from "wasmbench:plugin/db@0.1.1";
import { checkedDb, checkedHost, register } from "../sdk-js/wasmbench.js";

const host = checkedHost(rawHost);
const db = checkedDb(rawDb);
const failing = (name, setup) => ({ name, setup });

export const workload = register(
  failing("raw-get", () => rawHost.get("store", 1)),
  failing("checked-get", () => host.get("Store", "k")),
  failing("checked-put", () => host.put("store", "k", "text")),
  failing("checked-query", () => db.query("SELECT ?", [5])),
  failing("empty-object", () => { throw {}; }),
);
"#;

/// The Python plugin of [`capability_misuse_names_the_call`].
const MISUSE_PY: &str = r#"import wasmbench
from wasmbench import Backend, host


class Failing(wasmbench.Workload):
    def run(self):
        return wasmbench.Outcome(0, 1)


class WrongKey(Failing):
    name = "wrong-key"

    def __init__(self, params):
        host.get(Backend.STORE, 1)


class WrongBackend(Failing):
    name = "wrong-backend"

    def __init__(self, params):
        host.get("store", "k")


class WrongValue(Failing):
    name = "wrong-value"

    def __init__(self, params):
        host.put(Backend.STORE, "k", "text")


class WrongQuery(Failing):
    name = "wrong-query"

    def __init__(self, params):
        wasmbench.db().query("SELECT ?", [5])


Workload = wasmbench.register(WrongKey, WrongBackend, WrongValue, WrongQuery)
"#;

/// Builds [`MISUSE_JS`] with the helper library into `dir/misuse-js.wasm`.
fn build_js_misuse(dir: &Path) -> PathBuf {
    let plugins = dir.join("js");
    std::fs::create_dir_all(plugins.join("sdk-js")).unwrap();
    std::fs::create_dir_all(plugins.join("misuse")).unwrap();
    std::fs::copy(
        repo().join("plugins/sdk-js/wasmbench.js"),
        plugins.join("sdk-js/wasmbench.js"),
    )
    .unwrap();
    std::fs::write(plugins.join("misuse/misuse.js"), MISUSE_JS).unwrap();
    let out = dir.join("misuse-js.wasm");
    // componentize-js maps the current folder into its build: the one holding the plugin and SDK.
    let script = format!(
        "const {{ componentize }} = await import({componentize:?});\n\
         const {{ component }} = await componentize({{ sourcePath: 'misuse/misuse.js', \
         sourceName: 'misuse.js', witPath: {wit:?}, worldName: 'plugin', \
         disableFeatures: ['fetch-event'] }});\n\
         (await import('node:fs')).writeFileSync({out:?}, component);\n",
        componentize = repo()
            .join("plugins/js/node_modules/@bytecodealliance/componentize-js/src/componentize.js")
            .display()
            .to_string(),
        wit = repo().join("plugins/wit").display().to_string(),
        out = out.display().to_string(),
    );
    let mut node = Command::new("node");
    node.args(["--input-type=module", "-e", &script])
        .current_dir(&plugins);
    succeed(node, "componentize-js (misuse.js)");
    out
}

/// Builds [`MISUSE_PY`] with the helper library into `dir/misuse-py.wasm`.
fn build_py_misuse(dir: &Path) -> PathBuf {
    let src = dir.join("py");
    std::fs::create_dir_all(&src).unwrap();
    for file in ["wasmbench.py", "workload.py"] {
        std::fs::copy(repo().join("plugins/sdk-py").join(file), src.join(file)).unwrap();
    }
    std::fs::write(src.join("app.py"), MISUSE_PY).unwrap();
    let out = dir.join("misuse-py.wasm");
    let mut build = Command::new("componentize-py");
    build
        .arg("-d")
        .arg(repo().join("plugins/wit"))
        .args(["-w", "plugin", "componentize", "app", "-p"])
        .arg(&src)
        .arg("-o")
        .arg(&out)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(dir);
    succeed(build, "componentize-py (misuse app.py)");
    out
}

/// A capability called wrongly from JavaScript or Python ends the bench with `error` and a message
/// that names the call, what it expects and what it got (where it used to say `setup failed: {}`,
/// or trap): through the helpers' checked calls, and for a raw JavaScript import from the
/// bindings' own error. A thrown object with nothing to show never reads `{}`.
#[test]
fn capability_misuse_names_the_call() {
    let test = "capability_misuse_names_the_call";
    let js = toolchain_or_skip(Toolchain::Js, test);
    let python = toolchain_or_skip(Toolchain::Python, test);
    if !js && !python {
        return;
    }
    let h = Harness::sharing_interpreter_compiles();
    let mut suite = String::from(
        "[defaults]\nwarmup = 0\nsamples = 1\nfuel_iterations = 1\nexecutions = 1\n\
         [db]\nschema = \"CREATE TABLE t (x INTEGER);\"\n",
    );
    let mut expected: Vec<(String, String)> = Vec::new();
    let mut bench = |wasm: &Path, workload: &str, message: &str| {
        suite.push_str(&format!(
            "[[bench]]\nwasm = {:?}\nworkload = \"{workload}\"\nexpect = \"error\"\n",
            wasm.display().to_string()
        ));
        let plugin = wasm.file_stem().unwrap().to_string_lossy().into_owned();
        expected.push((format!("{plugin}/{workload}"), message.to_string()));
    };
    if js {
        let wasm = build_js_misuse(h.path());
        bench(
            &wasm,
            "raw-get",
            "setup failed: host.get: expected a string, received [number] (at misuse/misuse.js:10)",
        );
        bench(
            &wasm,
            "checked-get",
            "setup failed: host.get(backend, key): expected (Backend, string), got (string \"Store\", \
             string \"k\"); a Backend is \"store\" or \"remote-cache\"",
        );
        bench(
            &wasm,
            "checked-put",
            "setup failed: host.put(backend, key, value): expected (Backend, string, Uint8Array), got \
             (string \"store\", string \"k\", string \"text\"); bytes are a Uint8Array",
        );
        bench(
            &wasm,
            "checked-query",
            "setup failed: db.query(sql, params): expected (string, Array<Value>), got (string \
             \"SELECT ?\", Array [5]); params[0]: 5 is not a { tag, val }",
        );
        bench(
            &wasm,
            "empty-object",
            "setup failed: a thrown Object with no message",
        );
    }
    if python {
        let wasm = build_py_misuse(h.path());
        bench(
            &wasm,
            "wrong-key",
            "setup failed: host.get(backend, key): expected (Backend, str), got (Backend \
             <Backend.STORE: 0>, int 1) (at app.py:14 in __init__)",
        );
        bench(
            &wasm,
            "wrong-backend",
            "setup failed: host.get(backend, key): expected (Backend, str), got (str 'store', str \
             'k'); a Backend is wasmbench.Backend.STORE or wasmbench.Backend.REMOTE_CACHE",
        );
        bench(
            &wasm,
            "wrong-value",
            "setup failed: host.put(backend, key, value): expected (Backend, str, bytes), got \
             (Backend <Backend.STORE: 0>, str 'k', str 'text'); bytes are bytes (text: text.encode())",
        );
        bench(
            &wasm,
            "wrong-query",
            "setup failed: db.query(sql, params): expected (str, list of db Value), got (str \
             'SELECT ?', list [5]); params[0]: 5 is not a db Value",
        );
    }
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    for (id, message) in expected {
        let bench = run.bench(&id);
        assert_eq!(bench["status"], "error", "{id}: {bench}");
        let text = bench["message"].as_str().unwrap_or("");
        assert!(
            text.starts_with(&message),
            "{id}: {message:?}\nis not the start of\n{text}"
        );
    }
}
