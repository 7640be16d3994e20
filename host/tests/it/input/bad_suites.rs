//! Malformed suites get exit code 2 and a message that names the file and, where there is one, the
//! line, column and key, with a suggestion for a misspelt name; nothing runs. Baselines of another
//! suite are covered in `regression`.

use crate::common;

use common::Harness;

/// One bad suite: its text, the line the error must point at (any one of `lines`; none: the file as
/// a whole), and texts the message must contain (the key, the reason, a suggestion).
struct Case {
    name: &'static str,
    text: &'static str,
    lines: &'static [usize],
    needles: &'static [&'static str],
}

const FIB: &str = "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n";

/// Runs every case as `bad.toml` and checks each is rejected as described; reports all failures.
fn check(cases: &[Case]) {
    let h = Harness::new();
    let mut failures = Vec::new();
    for case in cases {
        let suite = h.suite("bad.toml", case.text);
        let run = h.run(&suite, &[]);
        let mut problems = Vec::new();
        if run.code != Some(2) {
            problems.push(format!("exit code {:?}, not 2", run.code));
        }
        if run.results.is_some() {
            problems.push("results.json was written".to_string());
        }
        let places: Vec<String> = if case.lines.is_empty() {
            vec!["bad.toml".to_string()]
        } else {
            case.lines
                .iter()
                .map(|line| format!("bad.toml:{line}:"))
                .collect()
        };
        if !places.iter().any(|place| run.stderr.contains(place)) {
            problems.push(format!("the error does not name {}", places.join(" or ")));
        }
        for needle in case.needles {
            if !run.stderr.contains(needle) {
                problems.push(format!("the error does not mention {needle:?}"));
            }
        }
        if run.stderr.contains("panicked") {
            problems.push("the harness panicked".to_string());
        }
        if run.stderr.contains("serde_spanned") {
            problems.push("the key leaks serde internals".to_string());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "[{}] {}\n--- suite:\n{}\n--- stderr:\n{}",
                case.name,
                problems.join("; "),
                case.text,
                run.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn toml_syntax_errors_name_their_line() {
    check(&[
        Case {
            name: "unclosed table header",
            text: "[defaults]\nsamples = 2\n\n[[bench]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[4],
            needles: &["invalid TOML"],
        },
        Case {
            name: "unterminated string",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\n",
            lines: &[3],
            needles: &["invalid TOML"],
        },
        Case {
            name: "duplicate key",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = 1\nsamples = 2\n",
            lines: &[5],
            needles: &["invalid TOML", "duplicate key"],
        },
        Case {
            name: "value without a key",
            text: "[[bench]]\nplugin = \"cpu\"\n= \"fib\"\n",
            lines: &[3],
            needles: &["invalid TOML"],
        },
        Case {
            name: "integer too large for TOML",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nfuel = 99999999999999999999\n",
            lines: &[4],
            needles: &["bench[0].fuel"],
        },
        Case {
            name: "empty file",
            text: "",
            lines: &[],
            needles: &["no benches"],
        },
        Case {
            name: "no benches",
            text: "[defaults]\nsamples = 1\n",
            lines: &[],
            needles: &["key `bench`", "no benches"],
        },
    ]);
}

#[test]
fn unknown_keys_anywhere_are_rejected_with_a_suggestion() {
    check(&[
        Case {
            name: "top-level table",
            text: "[default]\nsamples = 1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[1],
            needles: &["`default`", "did you mean `defaults`"],
        },
        Case {
            name: "defaults",
            text: "[defaults]\nwarmup = 1\nfuel_iteration = 2\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[3],
            needles: &["`fuel_iteration`", "did you mean `fuel_iterations`"],
        },
        Case {
            name: "suite header",
            text: "[suite]\nnmae = \"x\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `suite.nmae`", "did you mean `name`"],
        },
        Case {
            name: "fixture",
            text: "[fixtures]\n\"a.bin\" = { sise = \"1 KiB\" }\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["`sise`", "did you mean `size`"],
        },
        Case {
            name: "http",
            text: "[http]\nlatencey = \"1ms\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `http.latencey`", "did you mean `latency`"],
        },
        Case {
            name: "backends",
            text: "[backends]\nstor = \"1ms\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `backends.stor`", "did you mean `store`"],
        },
        Case {
            name: "bench",
            text: "[[bench]]\nplugin = \"cpu\"\nworklaod = \"fib\"\n",
            lines: &[3],
            needles: &["key `bench[0].worklaod`", "did you mean `workload`"],
        },
        Case {
            name: "a required key missing",
            text: "[[bench]]\nplugin = \"cpu\"\n",
            lines: &[1],
            needles: &["bench[0]", "missing field `workload`"],
        },
    ]);
}

#[test]
fn wrong_types_and_invalid_values_name_the_key() {
    check(&[
        Case {
            name: "string count",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = \"ten\"\n",
            lines: &[4],
            needles: &["key `bench[0].samples`", "\"ten\"", "u32"],
        },
        Case {
            name: "unparsable size in the second bench",
            text: "[defaults]\nsamples = 2\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"sieve\"\nmemory = \"lots\"\n",
            lines: &[11],
            needles: &["key `bench[1].memory`", "invalid size `lots`"],
        },
        Case {
            name: "unknown expectation",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nexpect = \"memory-limt\"\n",
            lines: &[4],
            needles: &["bench[0].expect", "did you mean `memory-limit`"],
        },
        Case {
            name: "bool size",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nmemory = true\n",
            lines: &[4],
            needles: &["key `bench[0].memory`", "expected a size"],
        },
        Case {
            name: "integer duration",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\ndeadline = 10\n",
            lines: &[4],
            needles: &["key `bench[0].deadline`", "expected a string"],
        },
        Case {
            name: "params as a string",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = \"n=3\"\n",
            lines: &[4],
            needles: &["key `bench[0].params`", "expected a map"],
        },
        Case {
            name: "array parameter",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = [1, 2] }\n",
            lines: &[4],
            needles: &["key `bench[0].params.n`", "string, number or boolean"],
        },
        Case {
            name: "integer expectation",
            text: "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nexpect = 3\n",
            lines: &[4],
            needles: &["key `bench[0].expect`"],
        },
        Case {
            name: "bench as a table",
            text: "[bench]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[1],
            needles: &["key `bench`", "expected a sequence"],
        },
        Case {
            name: "bench as a number",
            text: "bench = 5\n",
            lines: &[1],
            needles: &["key `bench`"],
        },
        Case {
            name: "latency mode",
            text: "[backends]\nlatency_mode = \"asleep\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["backends.latency_mode", "accounted", "slept"],
        },
    ]);
}

#[test]
fn negative_and_zero_sizes_and_counts_are_rejected() {
    let bench = |line: &'static str| -> &'static str {
        Box::leak(format!("{FIB}{line}\n").into_boxed_str())
    };
    check(&[
        Case {
            name: "negative samples",
            text: bench("samples = -1"),
            lines: &[4],
            needles: &["key `bench[0].samples`", "`-1`"],
        },
        Case {
            name: "negative warmup",
            text: "[defaults]\nwarmup = -1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `defaults.warmup`", "`-1`"],
        },
        Case {
            name: "zero fuel",
            text: bench("fuel = 0"),
            lines: &[4],
            needles: &["key `bench[0].fuel`", "must be positive"],
        },
        Case {
            name: "negative fuel",
            text: bench("fuel = -5"),
            lines: &[4],
            needles: &["key `bench[0].fuel`", "`-5`"],
        },
        Case {
            name: "zero fuel iterations",
            text: bench("fuel_iterations = 0"),
            lines: &[4],
            needles: &["key `bench[0].fuel_iterations`", "between 1 and"],
        },
        Case {
            name: "zero instances",
            text: bench("instances = 0"),
            lines: &[4],
            needles: &["key `bench[0].instances`", "between 1 and 256"],
        },
        Case {
            name: "zero memory",
            text: bench("memory = 0"),
            lines: &[4],
            needles: &["key `bench[0].memory`", "between 64 KiB"],
        },
        Case {
            name: "negative memory",
            text: bench("memory = \"-1 MiB\""),
            lines: &[4],
            needles: &["key `bench[0].memory`", "invalid size `-1 MiB`"],
        },
        Case {
            name: "zero deadline",
            text: bench("deadline = \"0s\""),
            lines: &[4],
            needles: &["key `bench[0].deadline`", "between 1ms and 24h"],
        },
        Case {
            name: "negative deadline",
            text: bench("deadline = \"-1s\""),
            lines: &[4],
            needles: &["key `bench[0].deadline`", "invalid duration `-1s`"],
        },
        Case {
            name: "negative fixture size",
            text: "[fixtures]\n\"a.bin\" = { size = -1 }\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["size", "expected a size"],
        },
        Case {
            name: "negative error rate",
            text: "[http]\nerror_rate = -0.5\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `http.error_rate`", "between 0 and 1"],
        },
    ]);
}

#[test]
fn absurd_limits_are_rejected() {
    let bench = |line: &'static str| -> &'static str {
        Box::leak(format!("{FIB}{line}\n").into_boxed_str())
    };
    check(&[
        Case {
            name: "the most fuel a u64 holds",
            text: "[defaults]\nfuel = 18446744073709551615\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `defaults.fuel`", "at most 10^15"],
        },
        Case {
            name: "one fuel over the cap",
            text: bench("fuel = 1_000_000_000_000_001"),
            lines: &[4],
            needles: &["key `bench[0].fuel`", "at most 10^15"],
        },
        Case {
            name: "millions of warm-up iterations",
            text: bench("warmup = 1_000_001"),
            lines: &[4],
            needles: &["key `bench[0].warmup`", "at most 1000000"],
        },
        Case {
            name: "thousands of executions",
            text: bench("executions = 1001"),
            lines: &[4],
            needles: &["key `bench[0].executions`", "between 1 and 1000"],
        },
        Case {
            name: "a terabyte of memory",
            text: bench("memory = \"1 TiB\""),
            lines: &[4],
            needles: &["key `bench[0].memory`", "4 GiB"],
        },
        Case {
            name: "a century of deadline",
            text: bench("deadline = \"100 years\""),
            lines: &[4],
            needles: &["key `bench[0].deadline`", "24h"],
        },
        Case {
            name: "a nanosecond of deadline",
            text: bench("deadline = \"1ns\""),
            lines: &[4],
            needles: &["key `bench[0].deadline`", "1ms"],
        },
        Case {
            name: "millions of samples",
            text: bench("samples = 2_000_000"),
            lines: &[4],
            needles: &["key `bench[0].samples`", "between 1 and 1000000"],
        },
        Case {
            name: "instances that hold more memory together than a bench may",
            text: "[defaults]\nmemory = \"1 GiB\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\ninstances = 16\n",
            lines: &[7],
            needles: &[
                "key `bench[0].instances`",
                "`instances = 16` × `memory = \"1 GiB\"` (a limit per instance) = 16 GiB, over the 8 GiB",
            ],
        },
        Case {
            name: "a load pool that holds more memory together than a scenario may",
            text: "[[load]]\nplugin = \"handler\"\nworkload = \"empty\"\nmemory = \"4 GiB\"\npool = 256\n[[load.phase]]\nduration = \"1s\"\nrate = 5\n",
            lines: &[5],
            needles: &[
                "key `load[0].pool`",
                "`pool = 256` × `memory = \"4 GiB\"` (a limit per instance) = 1 TiB, over the 8 GiB",
            ],
        },
        Case {
            name: "a hundred thousand instances",
            text: bench("instances = 100000"),
            lines: &[4],
            needles: &["key `bench[0].instances`", "between 1 and 256"],
        },
        Case {
            name: "a terabyte fixture",
            text: "[fixtures]\n\"a.bin\" = { size = \"1 TiB\" }\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["a.bin", "at most 4 GiB"],
        },
        Case {
            name: "an error rate above 1",
            text: "[http]\nerror_rate = 2\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `http.error_rate`", "between 0 and 1"],
        },
        Case {
            name: "an error rate that is not a number",
            text: "[http]\nerror_rate = nan\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["key `http.error_rate`", "between 0 and 1"],
        },
        Case {
            name: "a fixture name that climbs out",
            text: "[fixtures]\n\"../escape.bin\" = { size = 1 }\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["plain file name"],
        },
        Case {
            name: "a hidden fixture name",
            text: "[fixtures]\n\".hidden\" = { size = 1 }\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &["plain file name"],
        },
    ]);
}

#[test]
fn plugin_sources_and_ids_must_make_sense() {
    check(&[
        Case {
            name: "both plugin and wasm",
            text: "[[bench]]\nplugin = \"cpu\"\nwasm = \"x.wasm\"\nworkload = \"fib\"\n",
            lines: &[3],
            needles: &["key `bench[0].wasm`", "not both"],
        },
        Case {
            name: "neither plugin nor wasm",
            text: "[[bench]]\nworkload = \"fib\"\n",
            lines: &[1],
            needles: &["key `bench[0]`", "needs `plugin"],
        },
        Case {
            name: "missing wasm file",
            text: "[[bench]]\nwasm = \"nope.wasm\"\nworkload = \"fib\"\n",
            lines: &[1],
            needles: &["key `bench[0].wasm`", "no such wasm file", "nope.wasm"],
        },
        Case {
            name: "wasm is a folder",
            text: "[[bench]]\nwasm = \".\"\nworkload = \"fib\"\n",
            lines: &[1],
            needles: &["key `bench[0].wasm`", "no such wasm file"],
        },
        Case {
            name: "fixture body over the server's cap",
            text: "[http]\nsize = \"1 GiB\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
            lines: &[2],
            needles: &[
                "key `http.size`",
                "a fixture body may be at most 64 MiB, not 1 GiB",
            ],
        },
        Case {
            name: "unknown plugin",
            text: "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"cpuu\"\nworkload = \"fib\"\n",
            // The bench's header line or the offending key's line.
            lines: &[4, 5],
            needles: &[
                "key `bench[0].plugin`",
                "`cpuu`",
                "did you mean `cpu`",
                "WASMBENCH_PLUGIN_PATH",
                "wasm = \"path/to/plugin.wasm\"",
            ],
        },
        Case {
            name: "unknown workload",
            text: "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"misbehave\"\nworkload = \"noop\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fibb\"\n",
            lines: &[8, 10],
            needles: &[
                "key `bench[1].workload`",
                "`fibb`",
                "fib, sieve, sort",
                "did you mean `fib`",
            ],
        },
        Case {
            name: "unknown parameter",
            text: "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { m = 3 }\n",
            lines: &[4, 7],
            needles: &[
                "key `bench[0].params.m`",
                "unknown parameter `m`",
                "known: n",
            ],
        },
        Case {
            // Setting a parameter to its default gives the same id as leaving it out.
            name: "duplicate derived ids",
            text: "[defaults]\nsamples = 1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 25 }\n",
            lines: &[8],
            needles: &[
                "key `bench[1].id`",
                "duplicate bench id `cpu/fib`",
                "bad.toml:4:",
            ],
        },
        Case {
            name: "duplicate explicit ids",
            text: "[[bench]]\nid = \"x\"\nplugin = \"cpu\"\nworkload = \"fib\"\n\n[[bench]]\nid = \"x\"\nplugin = \"cpu\"\nworkload = \"sieve\"\n",
            lines: &[6],
            needles: &[
                "key `bench[1].id`",
                "duplicate bench id `x`",
                "bad.toml:1:1",
            ],
        },
        Case {
            name: "unknown workload of a hostile plugin",
            text: "[[bench]]\nplugin = \"hostile\"\nworkload = \"fork-bomb\"\n",
            lines: &[1],
            needles: &["key `bench[0].workload`", "unknown workload `fork-bomb`"],
        },
    ]);
}

#[test]
fn unreadable_suites_are_named() {
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
    // A folder where the suite should be (chmod 000 would not stop root).
    let folder = h.path().join("folder.toml");
    std::fs::create_dir(&folder).unwrap();
    let run = h.run(&folder, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("folder.toml") && run.stderr.contains("cannot read the suite"),
        "{}",
        run.transcript()
    );
    // Not UTF-8 (a UTF-16 byte-order mark, then binary).
    let binary = h.path().join("binary.toml");
    std::fs::write(
        &binary,
        b"\xff\xfe[\0[\0b\0e\0n\0c\0h\0]\0]\0\n\0\x00\x01\x02",
    )
    .unwrap();
    let run = h.run(&binary, &[]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("binary.toml") && run.stderr.contains("UTF-8"),
        "{}",
        run.transcript()
    );
    assert!(run.results.is_none());
}
