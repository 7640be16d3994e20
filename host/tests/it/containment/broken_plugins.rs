//! Files that are not (working) plugins: broken files, components that don't fit the contract or
//! attack the planner while it loads them, and core modules with nothing to run. Each fails only its
//! own bench (or, for a core module with nothing to run, is an input error before anything runs).

use std::path::Path;
use std::time::Duration;

use super::{DEFAULTS, assert_bench, built_plugin, corpus, run_corpus};
use crate::common::{Harness, message, status};

/// Files that are not plugins: each fails its own bench with `error` and a message naming the file
/// and the reason; the good benches around them run.
#[test]
fn broken_components_fail_only_their_own_bench() {
    let h = Harness::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let hostile_wasm = built_plugin("hostile");
    let bytes = std::fs::read(&hostile_wasm).unwrap();
    let write = |name: &str, data: &[u8]| {
        std::fs::write(h.path().join(name), data).unwrap();
    };
    write("empty.wasm", b"");
    write("not-wasm.wasm", b"not wasm at all");
    write("truncated.wasm", &bytes[..bytes.len() / 2]);
    write("random.wasm", &pseudo_random_bytes(64 << 10));
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
            local("not-wasm.wasm").display()
        ),
        wasm("empty-file", &local("empty.wasm")),
        wasm("truncated", &local("truncated.wasm")),
        wasm("random", &local("random.wasm")),
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
        "not-wasm/anything",
        "error",
        &["not-wasm.wasm", invalid],
    );
    assert_bench(&run, "empty-file", "error", &["empty.wasm", invalid]);
    assert_bench(&run, "truncated", "error", &["truncated.wasm", invalid]);
    assert_bench(&run, "random", "error", &["random.wasm", invalid]);
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
            "wasmbench:plugin@0.1.0",
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
        &["instantiation", "memory limit exceeded", "3932160000 bytes"],
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
