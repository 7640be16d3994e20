//! The hostile-plugin corpus: plugins that attack the harness on purpose (`plugins/hostile`,
//! `plugins/misbehave`, `plugins/fetch` and the components in `tests/fixtures/`). Every attack must
//! end its own bench with the status below, and a good bench before and after it in the same run
//! must still produce its normal result.
//!
//! | attack | status |
//! |---|---|
//! | endless loop / endless `setup` | `out-of-fuel`, or `timeout` at the deadline |
//! | memory bombs, huge allocations, hoarding host storage, huge HTTP bodies, resources held in the host's tables (`host_memory`) | `memory-limit` |
//! | stack overflow, `unreachable`, divide by zero, out-of-bounds, abort, panics | `trap` |
//! | file system, network, process escapes | `error` with the OS's reason (denied) |
//! | enormous results (error text, counters, aliased strings) | `error` (clipped / refused) |
//! | SQL escapes (ATTACH, VACUUM INTO, PRAGMA, schema changes, load_extension) (`database`) | `error` (refused) |
//! | runaway queries / values and sorts past the database's heap cap | `timeout` / `memory-limit` |
//! | files that are not wasm at all | plan error, exit 2, naming the file, quoting none of it |
//! | wasm that does not load (broken binaries, wrong contract) | `error` naming the file and the reason |
//! | escape sequences, control characters and markup in names, units, counters, errors, stderr | shown inert in every output (`inert_text`) |
//! | work counts beyond u64 (units summed over iterations and instances) | `error` naming the units |
//!
//! `limits` has the declared limits (fuel, memory, deadline) and expected failures of ordinary
//! plugins; the other modules are the corpus, by kind of attack.

mod broken_plugins;
mod compile_cache;
mod database;
mod database_postgres;
mod escapes;
mod host_memory;
mod host_resources;
mod inert_text;
mod limits;
mod overcount;
mod runaway;

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

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

/// The built component of plugin `name`.
fn built_plugin(name: &str) -> PathBuf {
    wasmbench::plugin::PluginLocator::new(vec![PathBuf::from(env!("WASMBENCH_BUILT_PLUGINS"))])
        .find(name)
        .unwrap_or_else(|| panic!("plugin `{name}` is not built"))
}

/// Runs `cmd` (a `wasmbench run ... --out out`) to completion like the harness does, and samples
/// the process's peak resident memory (Linux: `VmHWM`, a high-water mark) while it runs.
/// Runs the corpus quietly while watching the harness's peak memory (VmHWM); the good benches
/// must have run.
fn run_corpus_measured(h: &Harness, header: &str, benches: &str) -> (Run, Option<u64>) {
    let suite = h.suite("suite.toml", &corpus(header, benches));
    let out = h.path().join("out-measured");
    let mut cmd = h.command();
    cmd.arg("run").arg(&suite).arg("--out").arg(&out).arg("-q");
    let (run, peak) = execute_measured(cmd, &out);
    assert_good_benches_ran(&run);
    (run, peak)
}

/// The harness's peak memory, when it could be read, stayed under `limit` bytes.
fn assert_peak_below(peak: Option<u64>, limit: u64) {
    if let Some(peak) = peak {
        assert!(
            peak < limit,
            "the harness peaked at {} MiB of memory",
            peak >> 20
        );
    }
}

fn execute_measured(cmd: Command, out: &Path) -> (Run, Option<u64>) {
    let mut peak = None;
    let run = common::execute_watching(cmd, |pid| {
        if let Some(bytes) = common::proc_memory(pid, "VmHWM:") {
            peak = Some(peak.unwrap_or(0).max(bytes));
        }
    });
    (common::with_results(run, out), peak)
}
