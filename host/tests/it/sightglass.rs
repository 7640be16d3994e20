//! Core modules in the sightglass convention as a second plugin kind: a WASI preview 1 command whose
//! `_start` is one iteration, measured between its `bench.start` and `bench.end` calls, with its
//! folder pre-opened as the working directory and its output checked against `.expected` files.
//!
//! Fixtures: `tests/sightglass/modules/` (good modules, run as one folder), `tests/sightglass/bad/`
//! (each breaks one rule), and the Rust module `plugins-p1/word-count` (built for wasm32-wasip1 by
//! build.rs) with its input and expected output in `tests/sightglass/word-count/`.

use crate::common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{Harness, ids, message, status, u64s};

/// Small counts keep each test to a few seconds.
const DEFAULTS: &str = "[defaults]\nwarmup = 1\nsamples = 5\nfuel_iterations = 3\n";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sightglass")
}

/// A `[[bench]]` of `wasm = <path>` plus extra lines.
fn wasm_bench(path: &Path, extra: &str) -> String {
    format!(
        "\n[[bench]]\nwasm = \"{}\"\n{extra}\n",
        path.display().to_string().replace('\\', "/")
    )
}

/// The Rust module copied into `<harness>/<folder>/` with its input and expected output, as a
/// sightglass benchmark folder is laid out.
fn word_count_folder(h: &Harness, folder: &str) -> PathBuf {
    let dir = h.path().join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    let built = Path::new(env!("WASMBENCH_BUILT_P1_MODULES")).join("word-count.wasm");
    std::fs::copy(&built, dir.join("word-count.wasm"))
        .unwrap_or_else(|e| panic!("{} is not built: {e}", built.display()));
    for entry in std::fs::read_dir(fixtures().join("word-count")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn fuel(bench: &Value) -> &Value {
    assert!(bench["fuel"].is_object(), "no fuel: {bench:#}");
    &bench["fuel"]
}

fn schema_errors(results: &Value) -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/results.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the results schema compiles");
    validator
        .iter_errors(results)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The "done": a suite entry naming a folder runs every module in it, checks its output and
/// reports it next to a component plugin, in one run and one results file.
#[test]
fn a_folder_of_modules_runs_next_to_a_component_plugin() {
    let h = Harness::new();
    let suite = format!(
        "{DEFAULTS}{}\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = {{ n = 10 }}\n",
        wasm_bench(&fixtures().join("modules"), "")
    );
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    let results = run.results();
    assert_eq!(
        ids(results),
        [
            "modules/hello",
            "modules/marker-fuel",
            "modules/read-input",
            "cpu/fib[n=10]"
        ]
    );
    for id in ["modules/hello", "modules/marker-fuel", "modules/read-input"] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "ok", "{id}: {}", message(bench));
        assert_eq!(bench["workload"], "_start");
        assert_eq!(bench["units"]["unit"], "runs");
        assert_eq!(bench["units"]["per_iteration"], 1);
        assert_eq!(bench["checksum_stable"], true, "{id}");
        // 5 samples in each of the default 3 executions.
        assert_eq!(u64s(&bench["wall_ns"]["samples"]).len(), 15, "{id}");
        assert_eq!(fuel(bench)["varies"], false, "{id}: {bench:#}");
        assert_eq!(u64s(&fuel(bench)["samples"]).len(), 3, "{id}");
        assert!(bench["phases"]["compile_ns"].is_u64(), "{id}");
        assert!(bench["phases"]["instantiate_ns"].is_u64(), "{id}");
        assert!(bench["phases"]["setup_ns"].is_null(), "{id}: no setup");
        assert!(bench["memory"]["peak_bytes"].as_u64().unwrap() >= 64 << 10);
        assert!(bench["wasm"]["path"].as_str().unwrap().ends_with(".wat"));
    }
    // The checksum is a hash of stdout: the same text gives the same checksum in another run.
    let cpu = run.bench("cpu/fib[n=10]");
    assert_eq!(status(cpu), "ok");
    assert_eq!(cpu["checksum"], "0000000000000037", "fib(10) = 55");
    assert!(
        schema_errors(results).is_empty(),
        "{:?}",
        schema_errors(results)
    );
    // Reported side by side in the table.
    for id in ["modules/hello", "modules/read-input", "cpu/fib[n=10]"] {
        assert!(run.stdout.contains(id), "{}", run.transcript());
    }
}

/// Heavy work outside the markers (two million loop turns) and a hundred turns between them: the
/// fuel per iteration is that of the hundred, the same in every iteration and every run; the whole
/// run still has to fit the budget.
#[test]
fn fuel_is_counted_only_between_the_markers() {
    let h = Harness::new();
    let module = fixtures().join("modules/marker-fuel.wat");
    let suite = format!(
        "{DEFAULTS}{}{}",
        wasm_bench(&module, ""),
        wasm_bench(
            &module,
            "id = \"small-budget\"\nfuel = 1_000_000\nexpect = \"out-of-fuel\""
        )
    );
    let first = h.run_suite(&suite, &[]);
    first.assert_code(0);
    let second = h.run_suite(&suite, &[]);
    second.assert_code(0);
    let fuel_of = |run: &common::Run| {
        let bench = run.bench("marker-fuel");
        assert_eq!(status(bench), "ok", "{}", message(bench));
        assert_eq!(fuel(bench)["varies"], false, "{bench:#}");
        let samples = u64s(&fuel(bench)["samples"]);
        assert!(samples.iter().all(|&f| f == samples[0]), "{samples:?}");
        fuel(bench)["per_iteration"].as_u64().unwrap()
    };
    let per_iteration = fuel_of(&first);
    assert_eq!(per_iteration, fuel_of(&second), "fuel is exact across runs");
    // A hundred turns of a ~14-instruction loop; the million-turn loops outside would be ~10^7.
    assert!(
        (100..5_000).contains(&per_iteration),
        "fuel per iteration {per_iteration}"
    );
    // The same module under a budget smaller than its outside work: the budget covers the whole run.
    let small = first.bench("small-budget");
    assert_eq!(status(small), "out-of-fuel", "{}", message(small));
    assert!(
        message(small).contains("fuel budget of 1,000,000") && message(small).contains("whole run"),
        "{}",
        message(small)
    );
}

/// Output that differs from `.stdout.expected` / `.stderr.expected` fails with `wrong-output` and
/// says where.
#[test]
fn wrong_output_fails_with_a_short_diff() {
    let h = Harness::new();
    // The Rust module with a stderr expectation it doesn't meet.
    let folder = word_count_folder(&h, "wrong-stderr");
    std::fs::write(
        folder.join("word-count.stderr.expected"),
        "word-count: ok\n",
    )
    .unwrap();
    let suite = format!(
        "{DEFAULTS}{}{}",
        wasm_bench(
            &fixtures().join("bad/wrong-output.wat"),
            "expect = \"wrong-output\""
        ),
        wasm_bench(&folder.join("word-count.wasm"), "expect = \"wrong-output\"")
    );
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    let wrong = run.bench("wrong-output");
    assert_eq!(status(wrong), "wrong-output");
    assert_eq!(
        message(wrong),
        "stdout differs from wrong-output.stdout.expected: first difference at line 3: \
         expected \"line three\", got \"line 3\" (3 lines expected, 3 lines got)"
    );
    let stderr = run.bench("word-count");
    assert_eq!(status(stderr), "wrong-output");
    assert!(
        message(stderr).starts_with(
            "stderr differs from word-count.stderr.expected: first difference at line 1: \
             expected \"word-count: ok\", got \"word-count: done\""
        ),
        "{}",
        message(stderr)
    );
    assert!(
        schema_errors(run.results()).is_empty(),
        "{:?}",
        schema_errors(run.results())
    );
    // Without `expect`, it is a failure of the run.
    let run = h.run_suite(
        &format!(
            "{DEFAULTS}{}",
            wasm_bench(&fixtures().join("bad/wrong-output.wat"), "")
        ),
        &[],
    );
    run.assert_code(1);
    assert!(
        run.stdout.contains("wrong-output") && run.stdout.contains("line three"),
        "{}",
        run.transcript()
    );
}

/// `bench.start` twice, never, `bench.end` before `bench.start`, or no `bench.end`: each fails its
/// bench with `error` and says which rule it broke.
#[test]
fn broken_marker_protocols_fail_with_clear_messages() {
    let h = Harness::new();
    let cases = [
        ("start-twice", "called bench.start a second time"),
        ("never-start", "finished without calling bench.start"),
        ("end-before-start", "called bench.end before bench.start"),
        (
            "never-end",
            "called bench.start but finished without calling bench.end",
        ),
    ];
    let suite: String = cases
        .iter()
        .map(|(name, _)| {
            wasm_bench(
                &fixtures().join(format!("bad/{name}.wat")),
                "expect = \"error\"",
            )
        })
        .collect();
    let run = h.run_suite(&format!("{DEFAULTS}{suite}"), &[]);
    run.assert_code(0);
    for (name, needle) in cases {
        let bench = run.bench(name);
        assert_eq!(status(bench), "error", "{name}");
        assert!(
            message(bench).starts_with(&format!("`_start` {needle}")),
            "{name}: {}",
            message(bench)
        );
        assert!(
            bench["fuel"].is_null() && bench["wall_ns"].is_null(),
            "{name}"
        );
    }
}

/// The Rust module reads `input.txt` by relative path: its folder is its working directory.
/// Without the file it exits with code 2 and says why.
#[test]
fn a_rust_module_reads_its_input_by_relative_path() {
    let h = Harness::new();
    let folder = word_count_folder(&h, "word-count");
    let missing = word_count_folder(&h, "no-input");
    std::fs::remove_file(missing.join("input.txt")).unwrap();
    // Also reachable as a single file relative to the suite, and through `list`. Both files are
    // `word-count`: the second needs an id of its own.
    let suite = format!(
        "{DEFAULTS}\n[[bench]]\nwasm = \"word-count/word-count.wasm\"\n{}",
        wasm_bench(
            &missing.join("word-count.wasm"),
            "id = \"no-input\"\nexpect = \"error\""
        )
    );
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    let bench = run.bench("word-count");
    assert_eq!(status(bench), "ok", "{}", message(bench));
    assert_eq!(bench["plugin"], "word-count");
    assert_eq!(fuel(bench)["varies"], false);
    let expected_stdout = std::fs::read(folder.join("word-count.stdout.expected")).unwrap();
    assert_eq!(
        bench["checksum"],
        format!("{:016x}", fnv1a(&expected_stdout)),
        "the checksum hashes stdout"
    );
    let no_input = run.bench("no-input");
    assert_eq!(status(no_input), "error");
    assert!(
        message(no_input).starts_with("`_start` exited with code 2")
            && message(no_input).contains("cannot read input.txt"),
        "{}",
        message(no_input)
    );

    let suite_path = h.path().join("suite.toml");
    let list = h.wasmbench(&["list", suite_path.to_str().unwrap()]);
    list.assert_code(0);
    assert!(
        list.stdout.contains("word-count") && list.stdout.contains("_start"),
        "{}",
        list.transcript()
    );
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The memory limit, the deadline and exit codes apply to the whole run, outside the markers too.
#[test]
fn limits_and_exit_codes_cover_the_whole_run() {
    let h = Harness::new();
    let bad = fixtures().join("bad");
    let suite = format!(
        "{DEFAULTS}{}{}{}{}",
        wasm_bench(
            &bad.join("grow-memory.wat"),
            "memory = \"1 MiB\"\nexpect = \"memory-limit\""
        ),
        wasm_bench(
            &bad.join("grow-memory.wat"),
            "id = \"roomy\"\nmemory = \"128 MiB\""
        ),
        wasm_bench(
            &bad.join("spin-forever.wat"),
            "deadline = \"100ms\"\nexpect = \"timeout\""
        ),
        wasm_bench(&bad.join("exit-code.wat"), "expect = \"error\""),
    );
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    let grow = run.bench("grow-memory");
    assert!(
        message(grow).contains("memory limit exceeded"),
        "{}",
        message(grow)
    );
    let roomy = run.bench("roomy");
    assert_eq!(status(roomy), "ok", "{}", message(roomy));
    assert!(roomy["memory"]["peak_bytes"].as_u64().unwrap() > 64 << 20);
    let spin = run.bench("spin-forever");
    assert!(
        message(spin).contains("100ms deadline") && message(spin).contains("whole run"),
        "{}",
        message(spin)
    );
    let exit = run.bench("exit-code");
    assert_eq!(
        message(exit),
        "`_start` exited with code 3\nmodule stderr: failing on purpose"
    );
}

/// `workload` may be left out for a core module only; a folder entry can't carry one `id`; a
/// folder without modules and a parallel pass of a core module are input errors.
#[test]
fn suite_mistakes_about_modules_are_input_errors() {
    let h = Harness::new();
    let component = Path::new(env!("WASMBENCH_BUILT_PLUGINS")).join("cpu.wasm");
    let cases = [
        (
            wasm_bench(&component, ""),
            vec![
                "key `bench[0]`",
                "missing field `workload`",
                "is a component",
            ],
        ),
        (
            wasm_bench(&fixtures().join("modules/hello.wat"), "workload = \"main\""),
            vec![
                "key `bench[0].workload`",
                "unknown workload `main` for core module `hello`",
                "_start",
            ],
        ),
        (
            wasm_bench(&fixtures().join("modules"), "id = \"all\""),
            vec!["key `bench[0].id`", "one bench per module"],
        ),
        (
            wasm_bench(&fixtures().join("word-count"), ""),
            vec!["key `bench[0].wasm`", "without any .wasm or .wat module"],
        ),
        (
            wasm_bench(&fixtures().join("modules/hello.wat"), "instances = 2"),
            vec!["key `bench[0].instances`", "parallel pass", "instances = 1"],
        ),
    ];
    for (bench, needles) in cases {
        let run = h.run_suite(&format!("{DEFAULTS}{bench}"), &[]);
        run.assert_code(2);
        for needle in needles {
            assert!(
                run.stderr.contains(needle),
                "{needle}\n{}",
                run.transcript()
            );
        }
    }
}

/// Baselines and the interleaved A/B work on modules as on components: fuel is exact, so an A/A
/// comparison finds it unchanged.
#[test]
fn modules_compare_against_baselines_and_in_ab() {
    let h = Harness::new();
    let folder = word_count_folder(&h, "word-count");
    let suite = h.suite(
        "sg.toml",
        &format!(
            "[suite]\nname = \"sg\"\n{DEFAULTS}{}",
            wasm_bench(&folder, "")
        ),
    );
    h.run(&suite, &["--save-baseline", "sg"]).assert_code(0);
    let again = h.run(&suite, &["--baseline", "sg", "--threshold", "wall=1000%"]);
    again.assert_code(0);

    let out = h.path().join("ab");
    let base = word_count_folder(&h, "base");
    let ab = h.wasmbench(&[
        "ab",
        suite.to_str().unwrap(),
        "--base",
        base.to_str().unwrap(),
        "-q",
        "--out",
        out.to_str().unwrap(),
        "--threshold",
        "wall=1000%",
    ]);
    ab.assert_code(0);
    let comparison: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("comparison.json")).unwrap())
            .unwrap();
    let benches = comparison["comparison"]["benches"].as_array().unwrap();
    assert_eq!(benches.len(), 1, "{comparison:#}");
    let fuel = benches[0]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["metric"] == "fuel")
        .unwrap_or_else(|| panic!("no fuel metric: {comparison:#}"));
    assert_eq!(fuel["verdict"], "unchanged", "{comparison:#}");
    assert_eq!(fuel["ratio"], 1.0);
}

/// `suites/sightglass.toml` runs as shipped: its folder of modules next to a component.
#[test]
fn the_shipped_sightglass_suite_runs() {
    let h = Harness::new();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../suites/sightglass.toml");
    let run = h.run(&suite, &[]);
    run.assert_code(0);
    assert_eq!(
        ids(run.results()),
        [
            "modules/hello",
            "modules/marker-fuel",
            "modules/read-input",
            "cpu/fib[n=20]"
        ]
    );
}

/// Expected output as sightglass finds and compares it: `<stem>.<stream>.expected`, else the
/// folder's `default.<stream>.expected`, line by line; results.json says which file each stream was
/// checked against, and a module with no expected output at all is named in a warning.
#[test]
fn expected_output_falls_back_to_the_folder_default_and_compares_lines() {
    let h = Harness::new();
    let suite = format!(
        "{DEFAULTS}{}{}",
        wasm_bench(&fixtures().join("parity"), ""),
        wasm_bench(&fixtures().join("gc"), "")
    );
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    assert_eq!(ids(run.results()), ["parity/crlf", "parity/zero", "gc/gc"]);
    for id in ["parity/crlf", "parity/zero", "gc/gc"] {
        let bench = run.bench(id);
        assert_eq!(status(bench), "ok", "{id}: {}", message(bench));
    }
    let checked = |id: &str, stream: &str| {
        run.bench(id)["output_check"][stream].as_str().map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
    };
    // "0\n" against a default file holding "0": equal lines, as sightglass sees them.
    assert_eq!(
        checked("parity/zero", "stdout").as_deref(),
        Some("default.stdout.expected")
    );
    // Its own file wins over the default; "a\r\nb\r\n" against "a\nb".
    assert_eq!(
        checked("parity/crlf", "stdout").as_deref(),
        Some("crlf.stdout.expected")
    );
    assert_eq!(checked("parity/crlf", "stderr"), None);
    // Nothing to compare with: not checked, and said so.
    assert_eq!(
        run.bench("gc/gc")["output_check"],
        serde_json::json!({"stdout": null, "stderr": null})
    );
    assert!(
        run.stderr.contains("warning: gc/gc: no expected output"),
        "{}",
        run.transcript()
    );
    assert!(
        !run.stderr.contains("warning: parity/"),
        "{}",
        run.transcript()
    );
    let out = run.out.as_ref().expect("run has an output folder");
    let report = std::fs::read_to_string(out.join("report.html")).expect("the report");
    assert!(
        report.contains("against default.stdout.expected"),
        "the report says which file"
    );
    assert!(
        schema_errors(run.results()).is_empty(),
        "{:?}",
        schema_errors(run.results())
    );
}

/// A folder holding `X.wasm` and `X.wat` runs `X` once, from the binary, and says the text was
/// left out (it used to abort the suite with a duplicate id).
#[test]
fn a_module_in_two_encodings_runs_once_from_the_binary() {
    let h = Harness::new();
    let dir = h.path().join("pair");
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(fixtures().join("parity/zero.wat")).unwrap();
    std::fs::write(dir.join("zero.wat"), &text).unwrap();
    std::fs::write(dir.join("zero.wasm"), wat::parse_str(&text).unwrap()).unwrap();
    std::fs::write(dir.join("default.stdout.expected"), "0\n").unwrap();
    let run = h.run_suite(&format!("{DEFAULTS}{}", wasm_bench(&dir, "")), &[]);
    run.assert_code(0);
    assert_eq!(ids(run.results()), ["pair/zero"]);
    assert!(
        run.bench("pair/zero")["wasm"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("zero.wasm")),
        "{:#}",
        run.bench("pair/zero")["wasm"]
    );
    assert!(
        run.stderr
            .contains("zero.wat left out: zero.wasm has the same stem"),
        "{}",
        run.transcript()
    );
}

/// A module that fails to load keeps the id it would have had, so a baseline comparison reports
/// it `failed` rather than `missing` plus `new`.
#[test]
fn a_module_that_fails_to_load_keeps_its_bench_id() {
    let h = Harness::new();
    let module = fixtures().join("bad/unknown-import.wat");
    let run = h.run_suite(&format!("{DEFAULTS}{}", wasm_bench(&module, "")), &[]);
    run.assert_code(1);
    assert_eq!(ids(run.results()), ["unknown-import"]);
    let bench = run.bench("unknown-import");
    assert_eq!(status(bench), "error");
    assert!(
        message(bench).contains("does not fit the host"),
        "{}",
        message(bench)
    );
}

/// A component in the sightglass convention (importing `bench` start/end) is refused with a
/// message that says the convention is for core modules, not a link error that reads like a bug.
#[test]
fn a_sightglass_convention_component_is_refused_clearly() {
    let h = Harness::new();
    let component =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sightglass-component.wat");
    let run = h.run_suite(&format!("{DEFAULTS}{}", wasm_bench(&component, "")), &[]);
    run.assert_code(1);
    let bench = &run.results()["benches"][0];
    assert_eq!(status(bench), "error");
    let text = message(bench);
    assert!(
        text.contains("sightglass convention") && text.contains("core modules only"),
        "{text}"
    );
}

/// A module is named like any plugin file: a cargo build's `target/wasm32-wasip1/release/
/// word_count.wasm` is `word-count` (not `release/word_count`), and sightglass's generic
/// `benchmarks/<name>/benchmark.wasm` is `<name>`, given alone or as a folder.
#[test]
fn a_module_is_named_by_its_file_or_its_sightglass_folder() {
    let h = Harness::new();
    // The Rust module and its files, under the names cargo and sightglass give them.
    let renamed = |folder: &str, stem: &str| {
        let dir = word_count_folder(&h, folder);
        for (from, to) in [
            ("word-count.wasm", format!("{stem}.wasm")),
            (
                "word-count.stdout.expected",
                format!("{stem}.stdout.expected"),
            ),
            (
                "word-count.stderr.expected",
                format!("{stem}.stderr.expected"),
            ),
        ] {
            std::fs::rename(dir.join(from), dir.join(to)).unwrap();
        }
        dir
    };
    let cargo = renamed("target/wasm32-wasip1/release", "word_count");
    let sightglass = renamed("benchmarks/wc", "benchmark");
    let folder = renamed("corpus/lines", "benchmark");
    let suite = format!(
        "{DEFAULTS}{}{}{}",
        wasm_bench(&cargo.join("word_count.wasm"), ""),
        wasm_bench(&sightglass.join("benchmark.wasm"), ""),
        wasm_bench(&folder, ""),
    );
    let run = h.run_suite(&suite, &[]);
    run.assert_code(0);
    assert_eq!(ids(run.results()), ["word-count", "wc", "lines"]);
    for id in ["word-count", "wc", "lines"] {
        assert_eq!(
            status(run.bench(id)),
            "ok",
            "{id}: {}",
            message(run.bench(id))
        );
    }
}
