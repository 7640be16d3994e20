//! Host-side resources a plugin can make the host spend (results, error text, counters, backend
//! storage, HTTP bodies, captured output) are bounded: refused, clipped or charged to its memory limit.

use super::{DEFAULTS, assert_bench, assert_peak_below, hostile, run_corpus, run_corpus_measured};
use crate::common::{Harness, message, status};

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
    let (run, peak) = run_corpus_measured(&h, &header, &benches);
    run.assert_code(1);
    assert_bench(
        &run,
        "hoard",
        "memory-limit",
        &["simulated backends", "over the 64 MiB limit"],
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
    assert_peak_below(peak, 1 << 30);
}
