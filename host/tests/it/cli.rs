//! The command line: malformed suites are rejected with exit code 2 and an error that names the
//! file, the line and the key; `list`; `--filter`.

use crate::common;

use common::{Harness, Run, ids, line_of, lines_of, status};

/// Writes `text` as `bad.toml`, runs it, and checks it was rejected as bad input before anything ran.
fn rejected(h: &Harness, text: &str) -> Run {
    let suite = h.suite("bad.toml", text);
    let run = h.run(&suite, &[]);
    run.assert_code(2);
    assert!(
        run.results.is_none(),
        "a rejected suite wrote results.json\n{}",
        run.transcript()
    );
    assert!(
        run.stderr.contains("bad.toml"),
        "the error does not name the file\n{}",
        run.transcript()
    );
    run
}

/// Asserts `stderr` points at `bad.toml` line `line` (as `bad.toml:LINE:COLUMN`).
fn assert_names_line(run: &Run, lines: &[usize]) {
    assert!(
        lines
            .iter()
            .any(|line| run.stderr.contains(&format!("bad.toml:{line}:"))),
        "the error does not name line {lines:?}\n{}",
        run.transcript()
    );
}

fn assert_mentions(run: &Run, texts: &[&str]) {
    for text in texts {
        assert!(
            run.stderr.contains(text),
            "the error does not mention {text:?}\n{}",
            run.transcript()
        );
    }
}

#[test]
fn unknown_key_is_named_with_its_line_and_a_suggestion() {
    let h = Harness::new();
    let text = "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsampels = 3\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[line_of(text, "sampels = 3")]);
    assert_mentions(&run, &["`sampels`", "did you mean `samples`"]);
}

#[test]
fn unknown_key_in_defaults_is_named() {
    let h = Harness::new();
    let text = "[defaults]\nwarmup = 1\nfuel_iteration = 2\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[3]);
    assert_mentions(
        &run,
        &["`fuel_iteration`", "did you mean `fuel_iterations`"],
    );
}

#[test]
fn wrong_type_names_the_dotted_key_and_its_line() {
    let h = Harness::new();
    let text = "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = \"ten\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[4]);
    assert_mentions(&run, &["key `bench[0].samples`", "\"ten\""]);
    assert!(
        !run.stderr.contains("serde_spanned"),
        "the key leaks serde internals\n{}",
        run.transcript()
    );
}

#[test]
fn wrong_type_names_its_line() {
    // The part of the check above that the host gets right today.
    let h = Harness::new();
    let text = "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = \"ten\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[4]);
    assert_mentions(&run, &["bench[0]", "samples", "\"ten\"", "u32"]);
}

#[test]
fn invalid_value_names_the_dotted_key_and_its_line() {
    let h = Harness::new();
    let text = "[defaults]\nsamples = 2\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"sieve\"\nmemory = \"lots\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[11]);
    assert_mentions(&run, &["bench[1]", "memory", "invalid size"]);
}

#[test]
fn toml_syntax_error_names_the_line() {
    let h = Harness::new();
    let text = "[defaults]\nsamples = 2\n\n[[bench]\nplugin = \"cpu\"\nworkload = \"fib\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[4]);
    assert_mentions(&run, &["invalid TOML"]);
}

#[test]
fn unknown_plugin_is_named_with_a_suggestion() {
    let h = Harness::new();
    let text = "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"cpuu\"\nworkload = \"fib\"\n";
    let run = rejected(&h, text);
    // The bench's header line or the offending key's line.
    assert_names_line(&run, &[4, 5]);
    assert_mentions(
        &run,
        &["key `bench[0].plugin`", "`cpuu`", "did you mean `cpu`"],
    );
}

#[test]
fn unknown_workload_is_named_with_a_suggestion() {
    let h = Harness::new();
    let text = "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"misbehave\"\nworkload = \"noop\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fibb\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[8, 10]);
    assert_mentions(
        &run,
        &[
            "key `bench[1].workload`",
            "`fibb`",
            "fib, sieve, sort",
            "did you mean `fib`",
        ],
    );
}

#[test]
fn unknown_param_is_named() {
    let h = Harness::new();
    let text = "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { m = 3 }\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[4, 7]);
    assert_mentions(
        &run,
        &[
            "key `bench[0].params.m`",
            "unknown parameter `m`",
            "known: n",
        ],
    );
}

#[test]
fn duplicate_bench_ids_are_rejected() {
    let h = Harness::new();
    // Setting a parameter to its default gives the same id as leaving it out.
    let text = "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 25 }\n";
    let run = rejected(&h, text);
    let headers = lines_of(text, "[[bench]]");
    assert_names_line(&run, &[headers[1]]);
    assert_mentions(
        &run,
        &[
            "key `bench[1].id`",
            "duplicate bench id `cpu/fib`",
            &format!("bad.toml:{}:", headers[0]),
        ],
    );
}

#[test]
fn unknown_expectation_is_named_with_a_suggestion() {
    let h = Harness::new();
    let text = "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nexpect = \"memory-limt\"\n";
    let run = rejected(&h, text);
    assert_names_line(&run, &[4]);
    assert_mentions(&run, &["bench[0].expect", "did you mean `memory-limit`"]);
}

#[test]
fn missing_suite_file_is_named() {
    let h = Harness::new();
    let missing = h.path().join("no-such-suite.toml");
    let run = h.run(&missing, &[]);
    run.assert_code(2);
    assert!(run.results.is_none());
    assert!(
        run.stderr.contains("no-such-suite.toml"),
        "{}",
        run.transcript()
    );
}

#[test]
fn list_shows_workloads_and_default_params() {
    let h = Harness::new();
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
