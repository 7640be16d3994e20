//! Runaway guest code: endless loops (in `run` and in `setup`), memory bombs and huge allocations,
//! stack overflows, traps and panics each end their own bench with the matching status.

use std::time::Duration;

use super::{DEFAULTS, assert_bench, hostile, run_corpus};
use crate::common::{Harness, message};

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
        // A guest parked in a host call (WASI sleep) can't be stopped by epoch interruption; the
        // host's own timeout must end it.
        "\n[[bench]]\nid = \"run-sleep\"\nplugin = \"misbehave\"\nworkload = \"sleep\"\nparams = { ms = 60000 }\ndeadline = \"300ms\"\n"
            .to_string(),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    assert_bench(
        &run,
        "spin-fuel",
        "out-of-fuel",
        &["run used more than the fuel budget of 10,000,000"],
    );
    assert_bench(
        &run,
        "spin-deadline",
        "timeout",
        &["run passed the 300ms deadline"],
    );
    // The limits a bench ran under are recorded with it, and an undeclared failure did not meet
    // the bench's expectation.
    let spin = run.bench("spin-fuel");
    assert_eq!(spin["limits"]["fuel"], 10_000_000u64);
    assert_eq!(spin["expected"], "ok");
    assert_eq!(spin["met_expectation"], false);
    let spin = run.bench("spin-deadline");
    assert_eq!(spin["limits"]["deadline"], 300_000_000u64);
    assert_eq!(spin["limits"]["fuel"], 1_000_000_000_000_000u64);
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
    assert_bench(
        &run,
        "run-sleep",
        "timeout",
        &["run passed the 300ms deadline", "host call"],
    );
    // Four deadlines of 300 ms (and two 60 s sleeps) must not hold the run up.
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
        // 8 MiB more every iteration: over the limit in the counting pass's fourth.
        format!(
            "\n[[bench]]\nid = \"grow-steps\"\nplugin = \"misbehave\"\nworkload = \"grow\"\nparams = {{ bytes = \"8 MiB\" }}\nfuel_iterations = 3\n{limit}\n"
        ),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    for id in [
        "bomb-grow",
        "bomb-vec",
        "huge-grow",
        "huge-vec",
        "grow-steps",
    ] {
        assert_bench(
            &run,
            id,
            "memory-limit",
            &["memory limit exceeded", "over the 32 MiB limit"],
        );
        assert_eq!(run.bench(id)["limits"]["memory_bytes"], LIMIT);
        let peak = run.bench(id)["memory"]["peak_bytes"].as_u64().unwrap();
        assert!(peak <= LIMIT, "{id}: peak {peak} is over the limit");
        // Every bomb but the one growing in steps ends inside its first iteration.
        assert!(
            id == "grow-steps" || run.bench(id)["checksum"].is_null(),
            "{id} finished an iteration"
        );
    }
    // Growing in steps, the guest really got close to the limit before it was stopped.
    let peak = run.bench("grow-steps")["memory"]["peak_bytes"]
        .as_u64()
        .unwrap();
    assert!(
        peak >= LIMIT / 2,
        "the guest grew to only {peak} bytes before being stopped"
    );
    // 60000 pages at once: the request is refused whole, not granted up to the limit.
    assert!(
        message(run.bench("huge-grow")).contains("to 3.66 GiB, over the 32 MiB limit"),
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
        &[
            "run trapped",
            "call stack exhausted",
            "hostile.wasm!hostile::",
            "::deep::",
        ],
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
        "\n[[bench]]\nid = \"misbehave-trap\"\nplugin = \"misbehave\"\nworkload = \"trap\"\n"
            .to_string(),
    ]
    .concat();
    let run = run_corpus(&h, DEFAULTS, &benches);
    run.assert_code(1);
    assert_bench(&run, "unreachable", "trap", &["run trapped", "unreachable"]);
    // The message carries the wasm backtrace, and a bench that never finished an iteration has no
    // measurements.
    assert_bench(
        &run,
        "misbehave-trap",
        "trap",
        &["unreachable", "trap_inner"],
    );
    let trap = run.bench("misbehave-trap");
    assert!(
        trap["fuel"].is_null() && trap["wall_ns"].is_null(),
        "{trap:#}"
    );
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
