//! The hostile-plugin corpus: plugins that attack the harness on purpose (`plugins/hostile`,
//! `plugins/misbehave`, `plugins/fetch` and the components in `tests/fixtures/`). Every attack must
//! end its own bench with the status below, and a good bench before and after it in the same run
//! must still produce its normal result.
//!
//! | attack | status |
//! |---|---|
//! | endless loop / endless `setup` | `out-of-fuel`, or `timeout` at the deadline |
//! | memory bombs, huge allocations, hoarding host storage, huge HTTP bodies | `memory-limit` |
//! | stack overflow, `unreachable`, divide by zero, out-of-bounds, abort, panics | `trap` |
//! | file system, network, process escapes | `error` with the OS's reason (denied) |
//! | enormous results (error text, counters, aliased strings) | `error` (clipped / refused) |
//! | files that are not plugins | `error` naming the file and the reason |

use crate::common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Harness, Run, ids, message, status};

/// fib(15) = 610: the good benches' checksum.
const FIB_15: &str = "0000000000000262";

/// Short runs: one warm-up, one counted and two timed iterations per bench.
const DEFAULTS: &str = "[defaults]\nwarmup = 1\nsamples = 2\nfuel_iterations = 1\n";

/// A suite of `benches` between two good benches (`good-before`, `good-after`), after `header`
/// (`[defaults]`, `[fixtures]`, `[http]`...).
fn corpus(header: &str, benches: &str) -> String {
    let good = |id: &str| {
        format!(
            "\n[[bench]]\nid = \"{id}\"\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = {{ n = 15 }}\n"
        )
    };
    format!(
        "{header}{}{benches}{}",
        good("good-before"),
        good("good-after")
    )
}

/// Runs `benches` between the good benches and checks the good ones, and that every bench has a
/// result in suite order.
fn run_corpus(h: &Harness, header: &str, benches: &str) -> Run {
    let run = h.run_suite(&corpus(header, benches), &[]);
    assert_good_benches_ran(&run);
    run
}

fn assert_good_benches_ran(run: &Run) {
    let ids = ids(run.results());
    assert_eq!(
        ids.first().map(String::as_str),
        Some("good-before"),
        "{ids:?}"
    );
    assert_eq!(
        ids.last().map(String::as_str),
        Some("good-after"),
        "{ids:?}"
    );
    for id in ["good-before", "good-after"] {
        let good = run.bench(id);
        assert_eq!(status(good), "ok", "{id}: {}", message(good));
        assert_eq!(good["checksum"], FIB_15, "{good:#}");
        // 2 samples in each of the default 3 executions.
        assert_eq!(good["wall_ns"]["samples"].as_array().map(Vec::len), Some(6));
    }
}

/// Asserts bench `id` ended with `expected` and its message contains every one of `needles`.
fn assert_bench(run: &Run, id: &str, expected: &str, needles: &[&str]) {
    let bench = run.bench(id);
    let text = message(bench);
    assert_eq!(status(bench), expected, "{id}: {text}");
    for needle in needles {
        assert!(
            text.contains(needle),
            "{id}: the message does not mention {needle:?}:\n{text}"
        );
    }
}

/// A `[[bench]]` of the hostile plugin.
fn hostile(id: &str, workload: &str, params: &str, extra: &str) -> String {
    let params = if params.is_empty() {
        String::new()
    } else {
        format!("params = {{ {params} }}\n")
    };
    format!(
        "\n[[bench]]\nid = \"{id}\"\nplugin = \"hostile\"\nworkload = \"{workload}\"\n{params}{extra}\n"
    )
}

#[test]
fn endless_loops_end_at_the_fuel_budget_or_the_deadline() {
    let h = Harness::new();
    let benches = [
        "\n[[bench]]\nid = \"spin-fuel\"\nplugin = \"misbehave\"\nworkload = \"spin\"\nfuel = 10_000_000\n"
            .to_string(),
        "\n[[bench]]\nid = \"spin-deadline\"\nplugin = \"misbehave\"\nworkload = \"spin\"\nfuel = 1_000_000_000_000_000\ndeadline = \"300ms\"\n"
            .to_string(),
        hostile("setup-spin-fuel", "slow-setup", "", "fuel = 10_000_000"),
        hostile(
            "setup-spin-deadline",
            "slow-setup",
            "",
            "fuel = 1_000_000_000_000_000\ndeadline = \"300ms\"",
        ),
        hostile(
            "setup-sleep",
            "slow-setup",
            "mode = \"sleep\", ms = 60000",
            "deadline = \"300ms\"",
        ),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    assert_bench(
        &run,
        "spin-fuel",
        "out-of-fuel",
        &["run used more than the fuel budget of 10000000"],
    );
    assert_bench(
        &run,
        "spin-deadline",
        "timeout",
        &["run passed the 300ms deadline"],
    );
    assert_bench(
        &run,
        "setup-spin-fuel",
        "out-of-fuel",
        &["setup used more than the fuel budget"],
    );
    assert_bench(
        &run,
        "setup-spin-deadline",
        "timeout",
        &["setup passed the 300ms deadline"],
    );
    assert_bench(
        &run,
        "setup-sleep",
        "timeout",
        &["setup passed the 300ms deadline while waiting in a host call"],
    );
    // Three deadlines of 300 ms (and a 60 s sleep) must not hold the run up.
    assert!(
        run.elapsed < Duration::from_secs(20),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn memory_bombs_and_huge_allocations_hit_the_memory_limit() {
    const LIMIT: u64 = 32 << 20;
    let h = Harness::new();
    let limit = "memory = \"32 MiB\"";
    let benches = [
        hostile("bomb-grow", "memory-bomb", "mode = \"grow\"", limit),
        hostile("bomb-vec", "memory-bomb", "mode = \"vec\"", limit),
        hostile(
            "huge-grow",
            "huge-alloc",
            "mode = \"grow\", pages = 60000",
            limit,
        ),
        hostile(
            "huge-vec",
            "huge-alloc",
            "mode = \"vec\", bytes = \"1 GiB\"",
            limit,
        ),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    for id in ["bomb-grow", "bomb-vec", "huge-grow", "huge-vec"] {
        assert_bench(
            &run,
            id,
            "memory-limit",
            &["memory limit exceeded", "33554432-byte limit"],
        );
        let peak = run.bench(id)["memory"]["peak_bytes"].as_u64().unwrap();
        assert!(peak <= LIMIT, "{id}: peak {peak} is over the limit");
        assert!(
            run.bench(id)["checksum"].is_null(),
            "{id} finished an iteration"
        );
    }
    // 60000 pages at once: the request is refused whole, not granted up to the limit.
    assert!(
        message(run.bench("huge-grow")).contains("3933274112 bytes"),
        "{}",
        message(run.bench("huge-grow"))
    );
}

#[test]
fn stack_overflow_traps_with_a_clear_message() {
    let h = Harness::new();
    let benches = [
        hostile("native", "stack-overflow", "mode = \"native\"", ""),
        hostile("shadow", "stack-overflow", "mode = \"shadow\"", ""),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    // Recursion on the wasm stack: wasmtime's guard ends it ("call stack exhausted" is wasmtime's
    // wording for a stack overflow), with the recursing frame in the backtrace.
    assert_bench(
        &run,
        "native",
        "trap",
        &["run trapped", "call stack exhausted", "hostile::deep"],
    );
    // Recursion with big frames overflows Rust's shadow stack in linear memory first; it sits
    // below the data, so the overflow runs off the bottom of memory and traps too.
    assert_bench(
        &run,
        "shadow",
        "trap",
        &["out of bounds memory access", "deep_shadow"],
    );
    // The backtrace of a deep recursion is cut short, not thousands of frames.
    for id in ["native", "shadow"] {
        let lines = message(run.bench(id)).lines().count();
        assert!(lines < 40, "{id}: {lines} lines of message");
    }
}

#[test]
fn traps_and_panics_end_with_status_trap() {
    let h = Harness::new();
    let benches = [
        hostile("unreachable", "trap", "kind = \"unreachable\"", ""),
        hostile("div-zero", "trap", "kind = \"div-zero\"", ""),
        hostile("checked-div", "trap", "kind = \"checked-div\"", ""),
        hostile("out-of-bounds", "trap", "kind = \"out-of-bounds\"", ""),
        hostile("abort", "trap", "kind = \"abort\"", ""),
        hostile("panic-run", "panic", "phase = \"run\"", ""),
        hostile("panic-setup", "panic", "phase = \"setup\"", ""),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    assert_bench(&run, "unreachable", "trap", &["run trapped", "unreachable"]);
    assert_bench(
        &run,
        "div-zero",
        "trap",
        &["run trapped", "integer divide by zero"],
    );
    assert_bench(
        &run,
        "checked-div",
        "trap",
        &["run trapped", "attempt to divide by zero"],
    );
    assert_bench(
        &run,
        "out-of-bounds",
        "trap",
        &["out of bounds memory access", "0xfffffff0"],
    );
    assert_bench(&run, "abort", "trap", &["run trapped", "abort"]);
    assert_bench(
        &run,
        "panic-run",
        "trap",
        &["run trapped", "hostile/panic panicked in run on purpose"],
    );
    assert_bench(
        &run,
        "panic-setup",
        "trap",
        &[
            "setup trapped",
            "hostile/panic panicked in setup on purpose",
        ],
    );
}

/// Every file operation outside the read-only fixture folder, or writing inside it, is denied: the
/// bench ends with `error` and the OS's reason, and nothing on the host changes.
#[test]
fn filesystem_escapes_are_denied() {
    let h = Harness::new();
    // A unique name in the host's real /tmp: the guest tries to create it there.
    let marker = format!("wasmbench-hostile-{}", std::process::id());
    let host_marker = Path::new("/tmp").join(&marker);
    let _ = std::fs::remove_file(&host_marker);
    let header =
        format!("{DEFAULTS}\n[fixtures]\n\"data.bin\" = {{ size = \"1 KiB\", seed = 3 }}\n");
    let fs = |id: &str, op: &str, path: &str, to: &str| {
        hostile(
            id,
            "fs",
            &format!("op = \"{op}\", path = \"{path}\", to = \"{to}\""),
            "",
        )
    };
    let benches = [
        fs("inside", "read", "/fixtures/data.bin", ""),
        fs("etc-passwd", "read", "/etc/passwd", ""),
        fs("dot-dot", "read", "/fixtures/../etc/passwd", ""),
        fs(
            "dot-dot-deep",
            "read",
            "/fixtures/../../../../../../etc/passwd",
            "",
        ),
        fs("relative", "read", "../../etc/passwd", ""),
        fs("abs-tmp-list", "list", "/tmp", ""),
        fs("abs-tmp-create", "create", &format!("/tmp/{marker}"), ""),
        fs("root-list", "list", "/", ""),
        fs("proc-self", "read", "/proc/self/environ", ""),
        fs("write", "write", "/fixtures/data.bin", ""),
        fs("create", "create", "/fixtures/new.bin", ""),
        fs("truncate", "truncate", "/fixtures/data.bin", ""),
        fs("mkdir", "mkdir", "/fixtures/sub", ""),
        fs("remove", "remove", "/fixtures/data.bin", ""),
        fs(
            "rename",
            "rename",
            "/fixtures/data.bin",
            "/fixtures/moved.bin",
        ),
        fs("symlink-out", "symlink", "/fixtures/link", "/etc/passwd"),
        fs("inside-after", "read", "/fixtures/data.bin", ""),
    ]
    .concat();
    let run = run_corpus(&h, &header, &benches);
    run.assert_code(1);

    for id in ["inside", "inside-after"] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "ok", "{id}: {}", message(bench));
        assert_eq!(bench["counters"]["bytes"], 1024, "{bench:#}");
    }
    // The fixture was not changed by the write attempts in between.
    assert_eq!(
        run.bench("inside")["checksum"],
        run.bench("inside-after")["checksum"]
    );

    // No preopen covers these paths: they don't exist for the plugin.
    for id in [
        "etc-passwd",
        "relative",
        "abs-tmp-list",
        "abs-tmp-create",
        "root-list",
        "proc-self",
    ] {
        assert_bench(&run, id, "error", &["denied", "No such file or directory"]);
    }
    // `..` out of the preopened folder is refused by the sandbox, not resolved on the host.
    for id in ["dot-dot", "dot-dot-deep"] {
        assert_bench(&run, id, "error", &["denied", "Operation not permitted"]);
    }
    // The fixture folder is mounted read-only.
    for id in [
        "write",
        "create",
        "truncate",
        "mkdir",
        "remove",
        "rename",
        "symlink-out",
    ] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "error", "{id}: {}", message(bench));
        assert!(
            message(bench).contains("denied"),
            "{id}: {}",
            message(bench)
        );
        assert!(bench["checksum"].is_null(), "{id} succeeded: {bench:#}");
    }
    assert!(
        !host_marker.exists(),
        "the plugin created {} on the host",
        host_marker.display()
    );
}

/// Outgoing HTTP reaches only the fixture server; raw sockets and name lookups are not lent at all.
/// (Every destination here is on the loopback interface, so a broken sandbox would still not send
/// anything off this machine.)
#[test]
fn network_escapes_are_denied() {
    let h = Harness::new();
    let header = format!("[http]\nlatency = \"0ms\"\n\n{DEFAULTS}");
    let get = |id: &str, url: &str| {
        format!(
            "\n[[bench]]\nid = \"{id}\"\nplugin = \"fetch\"\nworkload = \"get\"\nparams = {{ url = \"{url}\" }}\n"
        )
    };
    let net = |id: &str, op: &str, addr: &str| {
        hostile(id, "net", &format!("op = \"{op}\", addr = \"{addr}\""), "")
    };
    let benches = [
        "\n[[bench]]\nid = \"fixture\"\nplugin = \"fetch\"\nworkload = \"get\"\n".to_string(),
        get("other-port", "http://127.0.0.1:9/item/0"),
        get("other-host", "http://127.0.0.2:9/item/0"),
        get("other-name", "http://localhost:9/item/0"),
        get("userinfo", "http://user:pass@127.0.0.1:9/item/0"),
        get("https", "https://127.0.0.1:443/"),
        net("tcp-connect", "tcp-connect", "127.0.0.1:80"),
        net("tcp-fixture", "tcp-connect", "fixture"),
        net("tcp-listen", "tcp-listen", "127.0.0.1:0"),
        net("udp-bind", "udp-bind", "127.0.0.1:0"),
        net("udp-send", "udp-send", "127.0.0.1:9"),
        net("dns", "dns", "localhost:80"),
    ]
    .concat();
    let run = run_corpus(&h, &header, &benches);
    run.assert_code(1);
    let fixture = run.bench("fixture");
    assert_eq!(status(fixture), "ok", "{}", message(fixture));
    assert_eq!(fixture["counters"]["status"], 200);
    for id in [
        "other-port",
        "other-host",
        "other-name",
        "userinfo",
        "https",
    ] {
        assert_bench(&run, id, "error", &["HttpRequestDenied"]);
    }
    // Raw TCP to the fixture server is refused too: only its HTTP interface is lent.
    for id in [
        "tcp-connect",
        "tcp-fixture",
        "tcp-listen",
        "udp-bind",
        "udp-send",
    ] {
        assert_bench(&run, id, "error", &["denied", "Permission denied"]);
    }
    assert_bench(
        &run,
        "dns",
        "error",
        &["denied", "failed to lookup address information"],
    );
}

/// The plugin sees no environment, arguments or stdin; `exit` and threads end only its own bench.
#[test]
fn the_process_is_out_of_reach() {
    let h = Harness::new();
    let benches = [
        hostile("env", "env", "", ""),
        hostile("exit-0", "exit", "code = 0", ""),
        hostile("exit-3", "exit", "code = 3", ""),
        hostile("thread", "thread", "", ""),
    ]
    .concat();
    let suite = h.suite("suite.toml", &corpus(DEFAULTS, &benches));
    let mut cmd = h.command();
    cmd.env("WASMBENCH_HOSTILE_SECRET", "hunter2");
    let out = h.path().join("out-env");
    cmd.arg("run").arg(&suite).arg("--out").arg(&out).arg("-q");
    let (run, _) = execute_measured(cmd, &out);
    assert_good_benches_ran(&run);
    run.assert_code(1);
    let env = run.bench("env");
    assert_eq!(status(env), "ok", "{}", message(env));
    for counter in ["env_vars", "args", "stdin_bytes"] {
        assert_eq!(env["counters"][counter], 0, "{counter}: {env:#}");
    }
    // `exit` inside a plugin ends the call, not the harness (which went on to good-after).
    assert_bench(&run, "exit-0", "error", &["run failed", "exit status 0"]);
    assert_bench(&run, "exit-3", "error", &["run failed", "exit status"]);
    assert_bench(
        &run,
        "thread",
        "error",
        &["spawning a thread denied", "Not supported"],
    );
}

/// Enormous or never-ending results through the WIT interface: the bench fails or records what it
/// saw; the results file and the report stay small.
#[test]
fn enormous_results_are_refused_or_clipped() {
    let h = Harness::new();
    let benches = [
        hostile(
            "huge-error-run",
            "huge-error",
            "bytes = \"50 MiB\", phase = \"run\"",
            "",
        ),
        hostile(
            "huge-error-setup",
            "huge-error",
            "bytes = \"50 MiB\", phase = \"setup\"",
            "",
        ),
        hostile("counters-100k", "many-counters", "n = 100000", ""),
        hostile("counters-1000", "many-counters", "n = 1000", ""),
        hostile(
            "long-name",
            "many-counters",
            "n = 1, name_len = 1048576",
            "",
        ),
        hostile(
            "aliased",
            "aliased-counters",
            "n = 4096, len = \"64 KiB\"",
            "",
        ),
        hostile("unstable", "unstable-checksum", "", ""),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);

    for id in ["huge-error-run", "huge-error-setup"] {
        assert_bench(&run, id, "error", &["EEEE", "more bytes cut"]);
        let len = message(run.bench(id)).len();
        assert!(len < 8 << 10, "{id}: a message of {len} bytes was kept");
    }
    assert_bench(
        &run,
        "counters-100k",
        "error",
        &["100000 counters", "at most 1024"],
    );
    let fine = run.bench("counters-1000");
    assert_eq!(status(fine), "ok", "{}", message(fine));
    assert_eq!(fine["counters"].as_object().map(|c| c.len()), Some(1000));
    assert_bench(
        &run,
        "long-name",
        "error",
        &["counter name of 1048576 bytes"],
    );
    // 4096 names that all point at one 64 KiB buffer: 256 MiB for the host to copy from 64 KiB of
    // guest memory. wasmtime's per-call copy budget ("hostcall fuel", 128 MiB) stops it.
    assert_bench(
        &run,
        "aliased",
        "error",
        &["too much data is being copied between the host and the guest"],
    );
    // A checksum that changes every iteration is recorded as unstable; the bench itself is fine.
    let unstable = run.bench("unstable");
    assert_eq!(status(unstable), "ok", "{}", message(unstable));
    assert_eq!(unstable["checksum_stable"], false, "{unstable:#}");
    assert_eq!(run.bench("good-after")["checksum_stable"], true);

    let results = run.out.as_ref().unwrap().join("results.json");
    let size = std::fs::metadata(&results).unwrap().len();
    assert!(size < 1 << 20, "results.json is {size} bytes");
    assert!(
        run.stdout.len() < 1 << 20,
        "the report is {} bytes",
        run.stdout.len()
    );
}

/// Host-side resources a plugin can make the host spend: storage in the simulated backends, bodies
/// from the HTTP fixture server, captured output. The plugin's memory limit bounds each; the
/// harness's own peak memory stays far below what the attacks ask for (2 GiB and 3 GiB).
#[test]
fn host_side_resources_are_bounded() {
    let h = Harness::new();
    let header = format!("[http]\nlatency = \"0ms\"\n\n{DEFAULTS}");
    let benches = [
        // 128 puts of 16 MiB under fresh keys: 2 GiB held by the host for a 64 MiB plugin.
        hostile(
            "hoard",
            "backend-hoard",
            "bytes = \"16 MiB\", puts = 128",
            "memory = \"64 MiB\"",
        ),
        // 48 requests for 64 MiB bodies at once: 3 GiB if the server built every body up front.
        "\n[[bench]]\nid = \"http-bodies\"\nplugin = \"fetch\"\nworkload = \"parallel\"\nparams = { n = 48, size = \"64 MiB\", latency_ms = 0 }\nmemory = \"64 MiB\"\n".to_string(),
        // Output far beyond what the host keeps of it.
        hostile("chatty-stdout", "chatty", "bytes = \"1 MiB\", stream = \"stdout\"", ""),
        hostile("chatty-stderr", "chatty", "bytes = \"1 MiB\", stream = \"stderr\"", ""),
    ]
    .concat();
    let suite = h.suite("suite.toml", &corpus(&header, &benches));
    let out = h.path().join("out-host");
    let mut cmd = h.command();
    cmd.arg("run").arg(&suite).arg("--out").arg(&out).arg("-q");
    let (run, peak) = execute_measured(cmd, &out);
    assert_good_benches_ran(&run);
    run.assert_code(1);
    assert_bench(
        &run,
        "hoard",
        "memory-limit",
        &["simulated backends", "67108864-byte limit"],
    );
    assert_bench(
        &run,
        "http-bodies",
        "memory-limit",
        &["memory limit exceeded"],
    );
    for id in ["chatty-stdout", "chatty-stderr"] {
        // The host discards stdout and keeps only the last 64 KiB of stderr, so chatty plugins
        // keep running; the output neither reaches the harness's terminal nor grows its memory.
        let bench = run.bench(id);
        assert_eq!(status(bench), "ok", "{id}: {}", message(bench));
        assert!(
            !run.stdout.contains("....."),
            "plugin output reached stdout"
        );
        assert!(
            !run.stderr.contains("....."),
            "plugin output reached stderr"
        );
    }
    if let Some(peak) = peak {
        assert!(
            peak < 1 << 30,
            "the harness peaked at {} MiB of memory",
            peak >> 20
        );
    }
}

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

/// The built component of plugin `name`.
fn built_plugin(name: &str) -> PathBuf {
    wasmbench::plugin::PluginLocator::new(vec![PathBuf::from(env!("WASMBENCH_BUILT_PLUGINS"))])
        .find(name)
        .unwrap_or_else(|| panic!("plugin `{name}` is not built"))
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

/// Runs `cmd` (a `wasmbench run ... --out out`) to completion like the harness does, and samples
/// the process's peak resident memory (Linux: `VmHWM`) while it runs.
fn execute_measured(mut cmd: Command, out: &Path) -> (Run, Option<u64>) {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting wasmbench");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().unwrap()));
    let stderr = reader(Box::new(child.stderr.take().unwrap()));
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = None;
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_path)
            .ok()
            .and_then(|s| peak_kib(&s))
        {
            peak = Some(peak.unwrap_or(0).max(kib << 10));
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("wasmbench ran longer than 120 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let results = std::fs::read_to_string(out.join("results.json"))
        .ok()
        .map(|text| serde_json::from_str(&text).expect("results.json is valid JSON"));
    let run = Run {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        out: Some(out.to_path_buf()),
        results,
        elapsed: start.elapsed(),
    };
    (run, peak)
}

/// `VmHWM` (peak resident set) in KiB from `/proc/PID/status`.
fn peak_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A symlink in the fixture folder that points out of it can't be followed. Suites can't create
/// symlinks (fixture names are plain file names), so this drives a real fixture preopen through
/// the library: the host's sandbox (`HostState`) and the hostile plugin's `fs` workload.
#[test]
fn symlinks_in_the_fixture_folder_cannot_lead_out() {
    use std::os::unix::fs::symlink;

    use wasmbench::capability::{HostState, Lending};
    use wasmbench::engine::instrumented_config;
    use wasmbench::plugin::bindings::{Param, PluginPre};
    use wasmbench::runner::host_linker;
    use wasmtime::component::Component;
    use wasmtime::{Engine, Store};

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let fixtures = tempfile::tempdir().unwrap();
    let dir = fixtures.path();
    std::fs::write(dir.join("data.txt"), "data").unwrap();
    let outside_name = outside.path().file_name().unwrap().to_str().unwrap();
    symlink(outside.path().join("secret.txt"), dir.join("absolute")).unwrap();
    symlink(
        format!("../{outside_name}/secret.txt"),
        dir.join("relative"),
    )
    .unwrap();
    symlink(outside.path(), dir.join("dir")).unwrap();
    symlink("/etc/passwd", dir.join("passwd")).unwrap();
    symlink("data.txt", dir.join("inside")).unwrap();
    // Sanity: on the host, every link resolves.
    assert_eq!(
        std::fs::read_to_string(dir.join("relative")).unwrap(),
        "secret"
    );

    let engine = Engine::new(&instrumented_config(false, false)).unwrap();
    let component = Component::from_file(&engine, built_plugin("hostile")).unwrap();
    let pre = PluginPre::new(
        host_linker(&engine)
            .unwrap()
            .instantiate_pre(&component)
            .unwrap(),
    )
    .unwrap();
    let lending = Lending {
        fixtures: Some(dir.to_path_buf()),
        ..Lending::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // One fresh sandbox per attempt; `Ok(bytes read)` or the plugin's error.
    let attempt = |op: &str, path: &str, to: &str| -> Result<u64, String> {
        runtime.block_on(async {
            let mut store = Store::new(&engine, HostState::new(&lending, 64 << 20).unwrap());
            store.limiter(|s| &mut s.limiter);
            let plugin = pre.instantiate_async(&mut store).await.unwrap();
            let params: Vec<Param> = [("op", op), ("path", path), ("to", to)]
                .iter()
                .map(|&(name, value)| Param {
                    name: name.into(),
                    value: value.into(),
                })
                .collect();
            let bench = plugin.wasmbench_plugin_workload().bench();
            let resource = bench
                .call_setup(&mut store, "fs", &params)
                .await
                .unwrap()
                .unwrap();
            let outcome = bench.call_run(&mut store, resource).await.unwrap();
            outcome.map(|o| o.units)
        })
    };

    assert_eq!(attempt("read", "/fixtures/data.txt", ""), Ok(4));
    assert_eq!(
        attempt("read", "/fixtures/inside", ""),
        Ok(4),
        "a link that stays inside is followed"
    );
    for link in ["absolute", "relative", "dir/secret.txt", "passwd"] {
        let path = format!("/fixtures/{link}");
        let error = attempt("read", &path, "").expect_err(&path);
        assert!(
            error.contains("denied") && error.contains("Operation not permitted"),
            "{path}: {error}"
        );
    }
    let error = attempt("list", "/fixtures/dir", "").expect_err("listing through a link");
    assert!(error.contains("Operation not permitted"), "{error}");
    // Replacing the inside link with one that points out is a write to a read-only folder.
    let error = attempt("symlink", "/fixtures/new-link", "/etc/passwd").expect_err("symlink");
    assert!(error.contains("denied"), "{error}");
    assert!(!dir.join("new-link").exists());
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
