//! Files that are not (working) plugins: broken files, components that don't fit the contract or
//! attack the planner while it loads them, and core modules with nothing to run. Each fails only its
//! own bench (or, for a core module with nothing to run, is an input error before anything runs).

use std::path::Path;
use std::time::Duration;

use super::{DEFAULTS, assert_bench, built_plugin, corpus, run_corpus};
use crate::common::{Harness, message, status};

/// Broken wasm (a binary header, then something wrong; text that parses but is no plugin): each fails
/// its own bench with `error` and a message naming the file and the reason; the good benches around
/// them run. Files that are not wasm at all are refused before anything runs (`not_wasm_at_all_...`).
#[test]
fn broken_components_fail_only_their_own_bench() {
    let h = Harness::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let hostile_wasm = built_plugin("hostile");
    let bytes = std::fs::read(&hostile_wasm).unwrap();
    let write = |name: &str, data: &[u8]| {
        std::fs::write(h.path().join(name), data).unwrap();
    };
    write("truncated.wasm", &bytes[..bytes.len() / 2]);
    // Random bytes after a valid component header: gets past the magic number.
    let mut headed = b"\0asm\x0d\0\x01\0".to_vec();
    headed.extend(pseudo_random_bytes(4096));
    write("random-after-header.wasm", &headed);
    let wasm = |id: &str, path: &Path| {
        format!(
            "\n[[bench]]\nid = \"{id}\"\nwasm = \"{}\"\nworkload = \"run\"\n",
            path.display()
        )
    };
    let local = |name: &str| h.path().join(name);
    let benches = [
        // No id: it is derived from the file name and the workload.
        format!(
            "\n[[bench]]\nwasm = \"{}\"\nworkload = \"anything\"\n",
            local("truncated.wasm").display()
        ),
        wasm("truncated", &local("truncated.wasm")),
        wasm("random-after-header", &local("random-after-header.wasm")),
        wasm("no-exports", &fixtures.join("empty-component.wat")),
        wasm("unknown-import", &fixtures.join("unknown-import.wat")),
        wasm("wrong-shape", &fixtures.join("wrong-shape.wat")),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    let invalid = "is not a valid component";
    assert_bench(
        &run,
        "truncated/anything",
        "error",
        &["truncated.wasm", invalid],
    );
    assert_bench(&run, "truncated", "error", &["truncated.wasm", invalid]);
    assert_bench(
        &run,
        "random-after-header",
        "error",
        &["random-after-header.wasm", invalid],
    );
    assert_bench(
        &run,
        "no-exports",
        "error",
        &[
            "empty-component.wat",
            "does not implement the wasmbench plugin contract",
            "wasmbench:plugin@0.1.1",
        ],
    );
    assert_bench(
        &run,
        "unknown-import",
        "error",
        &["unknown-import.wat", "does not fit the host", "foo:bar/baz"],
    );
    assert_bench(
        &run,
        "wrong-shape",
        "error",
        &[
            "wrong-shape.wat",
            "does not implement the wasmbench plugin contract",
        ],
    );
    for id in ["truncated", "no-exports", "unknown-import"] {
        let bench = run.bench(id);
        assert!(
            bench["checksum"].is_null() && bench["wall_ns"].is_null(),
            "{bench:#}"
        );
    }
}

/// Files that are neither a wasm binary nor WebAssembly text (empty, text, random bytes) and text that
/// does not parse are not plugins: the suite is refused (exit 2) naming the bench, the file and the
/// reason, before anything runs; the file's contents are quoted nowhere.
#[test]
fn not_wasm_at_all_is_an_input_error() {
    let h = Harness::new();
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "empty.wasm",
            Vec::new(),
            "is not a WebAssembly binary or text file",
        ),
        (
            "not-wasm.wasm",
            b"secret-words not wasm at all\n".to_vec(),
            "is not a WebAssembly binary or text file",
        ),
        (
            "random.wasm",
            pseudo_random_bytes(64 << 10),
            "is not a WebAssembly binary or text file",
        ),
        (
            // UTF-16 with a byte-order mark, as some editors save text.
            "utf16.wat",
            [0xff, 0xfe]
                .into_iter()
                .chain("(module)".encode_utf16().flat_map(u16::to_le_bytes))
                .collect(),
            "is not a WebAssembly binary or text file",
        ),
        (
            "bad.wat",
            b";; fine so far\n(module\n  (func secret-words))\n".to_vec(),
            "is not valid WebAssembly text: line 3, column",
        ),
    ];
    for (name, bytes, reason) in cases {
        let path = h.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = h.run_suite(
            &corpus(
                DEFAULTS,
                &format!(
                    "\n[[bench]]\nwasm = \"{}\"\nworkload = \"run\"\n",
                    path.display()
                ),
            ),
            &[],
        );
        run.assert_code(2);
        assert!(run.results.is_none(), "{}", run.transcript());
        for needle in ["suite.toml:", "key `bench[1].wasm`", name, reason] {
            assert!(
                run.stderr.contains(needle),
                "{name}: {needle:?}\n{}",
                run.transcript()
            );
        }
        assert!(
            !run.stderr.contains("secret-words") && !run.stdout.contains("secret-words"),
            "{name}: the file is quoted\n{}",
            run.transcript()
        );
    }
}

/// A core module is a plugin of another kind (the sightglass convention: its entry is `_start` or
/// the exported function the suite names). One that exports nothing to run is refused before
/// anything runs, like an unknown workload of a component: exit 2, naming the bench and the module.
#[test]
fn core_modules_with_nothing_to_run_are_input_errors() {
    let h = Harness::new();
    std::fs::write(h.path().join("core-module.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (name, path) in [
        ("core-module", h.path().join("core-module.wasm")),
        ("core-module", fixtures.join("core-module.wat")),
    ] {
        let run = h.run_suite(
            &corpus(
                DEFAULTS,
                &format!(
                    "\n[[bench]]\nwasm = \"{}\"\nworkload = \"steal\"\n",
                    path.display()
                ),
            ),
            &[],
        );
        run.assert_code(2);
        assert!(run.results.is_none(), "{}", run.transcript());
        for needle in [
            "suite.toml:",
            "unknown workload `steal`",
            &format!("core module `{name}`"),
        ] {
            assert!(
                run.stderr.contains(needle),
                "{needle:?}\n{}",
                run.transcript()
            );
        }
    }
}

/// `len` bytes of a fixed xorshift sequence.
fn pseudo_random_bytes(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A `[[bench]]` of a component fixture in `tests/fixtures/` (workload `w`).
fn fixture_bench(id: &str, file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(file);
    format!(
        "\n[[bench]]\nid = \"{id}\"\nwasm = \"{}\"\nworkload = \"w\"\n",
        path.display()
    )
}

/// Components written by hand (WebAssembly text) that implement the contract but attack the host
/// while it loads them and asks for their workloads: the planner runs them under fixed limits
/// (10^10 fuel, 256 MiB, 10 s), and a failure there ends only their own bench.
#[test]
fn components_that_attack_the_planner_fail_only_their_own_bench() {
    let h = Harness::new();
    let benches = [
        fixture_bench("contract-ok", "contract-ok.wat"),
        fixture_bench("huge-memory", "huge-memory.wat"),
        fixture_bench("workloads-trap", "workloads-trap.wat"),
        fixture_bench("workloads-huge", "workloads-huge.wat"),
        fixture_bench("workloads-out-of-bounds", "workloads-out-of-bounds.wat"),
        fixture_bench("workloads-bad-utf8", "workloads-bad-utf8.wat"),
        fixture_bench("setup-forged-handle", "setup-forged-handle.wat"),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    // The control: a plugin in plain WebAssembly text runs like any other.
    let ok = run.bench("contract-ok");
    assert_eq!(status(ok), "ok", "{}", message(ok));
    assert_eq!(ok["checksum"], "0000000000000007");
    assert_bench(
        &run,
        "huge-memory",
        "memory-limit",
        &["instantiation", "memory limit exceeded", "3.66 GiB"],
    );
    assert_bench(
        &run,
        "workloads-trap",
        "trap",
        &["workloads() trapped", "unreachable"],
    );
    // 1 Mi names aliasing one 60 KiB buffer: 60 GiB to copy, stopped at wasmtime's 128 MiB.
    assert_bench(
        &run,
        "workloads-huge",
        "error",
        &["workloads() failed", "too much data is being copied"],
    );
    assert_bench(
        &run,
        "workloads-out-of-bounds",
        "error",
        &["workloads() failed", "out of bounds"],
    );
    assert_bench(
        &run,
        "workloads-bad-utf8",
        "error",
        &["workloads() failed", "invalid utf-8"],
    );
    assert_bench(
        &run,
        "setup-forged-handle",
        "error",
        &["setup failed", "unknown handle index 12345"],
    );
}

/// Components that never finish loading: a start function that loops forever, and a `workloads()`
/// that never returns. The planner's fuel budget (or its deadline) stops each.
#[test]
fn components_that_never_finish_loading_are_stopped() {
    let h = Harness::new();
    let benches = [
        fixture_bench("start-spin", "start-spin.wat"),
        fixture_bench("workloads-spin", "workloads-spin.wat"),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    for (id, call) in [
        ("start-spin", "instantiation"),
        ("workloads-spin", "workloads()"),
    ] {
        let bench = run.bench(id);
        let text = message(bench);
        assert!(
            ["out-of-fuel", "timeout"].contains(&status(bench)),
            "{id}: {} {text}",
            status(bench)
        );
        assert!(text.starts_with(call), "{id}: {text}");
    }
    // Each is stopped by the planner's limits (10^10 fuel, else 10 s), not left to run.
    assert!(
        run.elapsed < Duration::from_secs(60),
        "took {:?}",
        run.elapsed
    );
}

/// A plugin that lists one workload name twice (`hostile-listing`: `twice` two times, `once` once):
/// the benches that name the ambiguous workload fail with `error` and say why, its other workload
/// runs, and `wasmbench list` warns.
#[test]
fn a_workload_listed_twice_fails_only_the_benches_that_use_it() {
    let h = Harness::new();
    let listing = |id: &str, workload: &str| {
        format!(
            "\n[[bench]]\nid = \"{id}\"\nplugin = \"hostile-listing\"\nworkload = \"{workload}\"\n"
        )
    };
    let benches = [listing("twice", "twice"), listing("once", "once")].concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    assert_bench(
        &run,
        "twice",
        "error",
        &[
            "plugin `hostile-listing` lists workload `twice` 2 times",
            "ambiguous",
        ],
    );
    let once = run.bench("once");
    assert_eq!(status(once), "ok", "{once:#}");
    assert_eq!(once["checksum"], "0000000000000003", "{once:#}");

    let suite = h.suite("listing.toml", &benches);
    let list = h.wasmbench(&["list", suite.to_str().unwrap()]);
    list.assert_code(0);
    assert!(
        list.stdout.contains(
            "warning: plugin `hostile-listing` lists workload `twice` 2 times; which one runs is ambiguous"
        ),
        "{}",
        list.transcript()
    );
}

/// A plugin compiled for wasm32-wasip1 is a core module named after the contract: it is told to
/// build for wasm32-wasip2, not that `[resource-drop]bench` is an unknown import. The other benches
/// still run.
#[test]
fn a_plugin_built_as_a_core_module_is_told_to_build_for_wasip2() {
    let h = Harness::new();
    let wasip1 = h.path().join("wasip1-plugin.wat");
    std::fs::write(
        &wasip1,
        r#"(module
  (import "[export]wasmbench:plugin/workload@0.1.1" "[resource-drop]bench" (func (param i32)))
  (memory (export "memory") 1)
  (func (export "wasmbench:plugin/workload@0.1.1#[static]bench.setup")
    (param i32 i32 i32 i32) (result i32) i32.const 0)
  (func (export "_start")))
"#,
    )
    .unwrap();
    let run = h.run_suite(
        &corpus(
            DEFAULTS,
            &format!(
                "\n[[bench]]\nid = \"wasip1\"\nwasm = \"{}\"\n",
                wasip1.display()
            ),
        ),
        &[],
    );
    run.assert_code(1);
    let results = run.results();
    let bench = crate::common::bench(results, "wasip1");
    assert_eq!(status(bench), "error");
    let text = message(bench);
    for needle in [
        "built as a core module",
        "wasm32-wasip2",
        "must be components",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    assert!(!text.contains("unknown import"), "{text}");
    for good in ["good-before", "good-after"] {
        assert_eq!(status(crate::common::bench(results, good)), "ok");
    }
}
