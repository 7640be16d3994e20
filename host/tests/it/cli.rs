//! The command line: `list` (every plugin, or a suite's), `--filter` and `cache`. Malformed suites and their
//! messages are in `input::bad_suites`.

use crate::common;

use common::{Harness, ids, status};

#[test]
fn list_shows_workloads_and_default_params() {
    let h = Harness::sharing_interpreter_compiles();
    let run = h.wasmbench(&["list"]);
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // The cpu plugin's section: its header line up to the next plugin's.
    let start = lines
        .iter()
        .position(|l| l.starts_with("cpu "))
        .unwrap_or_else(|| panic!("no cpu plugin listed\n{}", run.transcript()));
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.starts_with(' '))
        .map_or(lines.len(), |i| start + 1 + i);
    let section = lines[start..end].join("\n");
    assert!(
        section.lines().any(|l| l.trim_start().starts_with("fib ")),
        "no fib workload in\n{section}"
    );
    assert!(section.contains("n=25"), "no `n` parameter in\n{section}");
    assert!(
        run.stdout.contains("fs-read") && run.stdout.contains("misbehave"),
        "{}",
        run.stdout
    );
}

#[test]
fn list_with_a_suite_shows_only_its_plugins() {
    let h = Harness::new();
    let suite = h.suite(
        "only-cpu.toml",
        "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
    );
    let run = h.wasmbench(&["list", suite.to_str().unwrap()]);
    run.assert_code(0);
    assert!(run.stdout.contains("fib"), "{}", run.transcript());
    assert!(run.stdout.contains("sieve"), "{}", run.transcript());
    assert!(!run.stdout.contains("misbehave"), "{}", run.transcript());
    assert!(!run.stdout.contains("fs-read"), "{}", run.transcript());
}

/// `list` compiles what it lists for both engines, so the `run` after it loads the timed pass's
/// code from the compile cache; with `--no-warm` the run compiles it.
#[test]
fn run_after_list_reuses_the_compiled_plugin() {
    for (flags, cached) in [(&[][..], true), (&["--no-warm"][..], false)] {
        let h = Harness::new();
        let suite = h.suite(
            "fib.toml",
            "[defaults]\nwarmup = 0\nsamples = 1\nfuel_iterations = 1\nexecutions = 1\n\
             [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 5 }\n",
        );
        let mut args = vec!["list", suite.to_str().unwrap()];
        args.extend(flags);
        h.wasmbench(&args).assert_code(0);
        let run = h.run(&suite, &[]);
        run.assert_code(0);
        let phases = &run.bench("cpu/fib[n=5]")["phases"];
        assert_eq!(phases["compile_cached"], cached, "{flags:?}: {phases}");
    }
}

const FILTER_SUITE: &str = r#"
[defaults]
warmup = 0
samples = 1
fuel_iterations = 1

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 10 }

[[bench]]
plugin = "cpu"
workload = "sieve"
params = { limit = 1000 }

[[bench]]
plugin = "misbehave"
workload = "noop"
"#;

#[test]
fn filter_runs_only_matching_benches() {
    let h = Harness::new();
    let suite = h.suite("filter.toml", FILTER_SUITE);

    let run = h.run(&suite, &["--filter", "fib"]);
    run.assert_code(0);
    assert_eq!(ids(run.results()), ["cpu/fib[n=10]"]);
    assert_eq!(status(run.bench("cpu/fib[n=10]")), "ok");

    // Repeated filters: any match; suite order is kept.
    let run = h.run(&suite, &["-f", "noop", "-f", "sieve"]);
    run.assert_code(0);
    assert_eq!(
        ids(run.results()),
        ["cpu/sieve[limit=1000]", "misbehave/noop"]
    );

    let run = h.run(&suite, &[]);
    run.assert_code(0);
    assert_eq!(ids(run.results()).len(), 3);
}

#[test]
fn filter_matching_nothing_is_an_input_error() {
    let h = Harness::new();
    let suite = h.suite("filter.toml", FILTER_SUITE);
    let run = h.run(&suite, &["--filter", "no-such-bench"]);
    run.assert_code(2);
    assert!(run.results.is_none(), "{}", run.transcript());
    assert!(
        run.stderr.contains("no-such-bench") && run.stderr.contains("cpu/fib[n=10]"),
        "the error should name the filter and the benches there are\n{}",
        run.transcript()
    );
}

/// The compile cache is bounded: past `WASMBENCH_CACHE_MAX` the least recently used entries go
/// while a run still succeeds, and `cache info` / `cache prune` show and trim it.
#[test]
fn the_compile_cache_is_bounded_and_prunable() {
    let h = Harness::new();
    let suite = h.suite(
        "suite.toml",
        "[defaults]\nwarmup = 0\nsamples = 2\nexecutions = 1\nfuel_iterations = 1\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\n\
         [[bench]]\nplugin = \"memory\"\nworkload = \"bounded\"\n",
    );
    let entries = || {
        std::fs::read_dir(h.cache_dir())
            .map(|d| {
                d.filter(|e| {
                    e.as_ref()
                        .unwrap()
                        .path()
                        .extension()
                        .is_some_and(|x| x == "cwasm")
                })
                .count()
            })
            .unwrap_or(0)
    };
    h.run(&suite, &[]).assert_code(0);
    // Two plugins, each for the counting and the timed engine.
    let full = entries();
    assert!(full >= 4, "{full} cache entries");

    let info = h.wasmbench(&["cache", "info"]);
    info.assert_code(0);
    assert!(
        info.stdout.contains(&format!("entries: {full} (")),
        "{}",
        info.stdout
    );

    // A cap smaller than one entry: each compile keeps only what it just wrote, and runs still work.
    h.wasmbench(&["cache", "prune", "--all"]).assert_code(0);
    let mut capped = h.command();
    capped
        .env("WASMBENCH_CACHE_MAX", "1")
        .args(["run", suite.to_str().unwrap(), "-q", "--out"])
        .arg(h.path().join("capped"));
    let finished = capped
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(finished.success());
    assert_eq!(entries(), 1);

    let pruned = h.wasmbench(&["cache", "prune", "--all"]);
    pruned.assert_code(0);
    assert!(
        pruned.stdout.contains("removed 1 entry"),
        "{}",
        pruned.stdout
    );
    assert_eq!(entries(), 0);

    let bad = h.wasmbench(&["cache", "prune", "--max-size", "lots"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("not a size"), "{}", bad.stderr);
}

/// `run --plugin-output` keeps what plugins write (the end of it, from the counting pass);
/// without it, stdout is discarded and no folder appears.
#[test]
fn plugin_output_is_kept_on_request() {
    let h = Harness::new();
    let suite = h.suite(
        "suite.toml",
        "[defaults]\nwarmup = 1\nsamples = 2\nexecutions = 1\nfuel_iterations = 2\n\
         [[bench]]\nid = \"say/out\"\nplugin = \"hostile\"\nworkload = \"chatty\"\n\
         params = { bytes = \"100\", stream = \"stdout\" }\n\
         [[bench]]\nid = \"say/err\"\nplugin = \"hostile\"\nworkload = \"chatty\"\n\
         params = { bytes = \"1 MiB\", stream = \"stderr\" }\n",
    );
    let run = h.run(&suite, &["--plugin-output"]);
    run.assert_code(0);
    let dir = run.out.as_ref().unwrap().join("plugin-output");
    // One warm-up and two counted iterations of 100 bytes each.
    let stdout = std::fs::read(dir.join("say.out.stdout")).unwrap();
    assert_eq!(stdout.len(), 300);
    assert!(stdout.ends_with(b".\n"));
    assert!(
        std::fs::read(dir.join("say.out.stderr"))
            .unwrap()
            .is_empty()
    );
    // The end of 3 MiB of stderr: 64 KiB.
    let stderr = std::fs::read(dir.join("say.err.stderr")).unwrap();
    assert_eq!(stderr.len(), 64 << 10);

    let plain = h.run(&suite, &[]);
    plain.assert_code(0);
    assert!(!plain.out.as_ref().unwrap().join("plugin-output").exists());
}

/// One cap for the fixture server's bodies, whoever asks: `wasmbench fixture --size` (here), a
/// suite's `[http] size` (input::bad_suites) and a request's `size` (the server answers 400).
#[test]
fn the_fixture_servers_body_cap_holds_for_the_command_line_and_requests() {
    let h = Harness::new();
    let over = h.wasmbench(&["fixture", "--size", "100 GiB"]);
    over.assert_code(2);
    assert!(
        over.stderr
            .contains("a fixture body may be at most 64 MiB, not 100 GiB"),
        "{}",
        over.transcript()
    );

    let server = wasmbench::capability::FixtureServer::start(wasmbench::model::HttpFixtureConfig {
        latency: std::time::Duration::ZERO,
        ..Default::default()
    })
    .unwrap();
    let url = server.base_url().trim_start_matches("http://").to_string();
    let ask = |query: &str| {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&url).unwrap();
        write!(
            stream,
            "GET /item/1?{query} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).unwrap();
        String::from_utf8_lossy(&head).into_owned()
    };
    assert!(ask("size=1024").ends_with("200"), "{}", ask("size=1024"));
    assert!(ask("size=107374182400").ends_with("400"));
}
