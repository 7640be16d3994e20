//! Property tests (fuzzing) of suite parsing (`wasmbench::suite::parse_suite`), a reader of
//! untrusted files. Inputs are arbitrary text, real suites with random edits (deleted, inserted,
//! replaced and duplicated pieces from a dictionary of TOML tokens), and suites assembled from random
//! keys and values. Properties: no panic; every error names the file, and its line, column and
//! source line (when given) are where the text says; whatever is accepted is within the documented
//! limits. `input::fuzz` has the editing machinery and the case count (`PROPTEST_CASES`).

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use proptest::prelude::*;

use wasmbench::suite::{Suite, SuiteError, parse_suite};

use super::fuzz::{apply, edits, runner};
const SUITE_PATH: &str = "suites/fuzzed.toml";

/// A suite that uses every table and most keys.
const RICH_SUITE: &str = r#"
[suite]
name = "rich"
description = "every table"

[defaults]
warmup = 1
samples = 5
fuel_iterations = 2
fuel = 5_000_000_000
memory = "64 MiB"
deadline = "10s"
instances = 1

[fixtures]
"data.bin" = { size = "4 MiB", seed = 1 }
"small.bin" = { size = 1024 }

[http]
latency = "20ms"
jitter = "1ms"
size = "1 KiB"
error_rate = 0.1
seed = 7

[backends]
latency_mode = "slept"
store = "2ms"
remote_cache = "200us"

[[bench]]
plugin = "fs-read"
workload = "stream"
params = { file = "data.bin", chunk = "64 KiB" }
group = "fs-read"
memory = "16 MiB"
expect = "memory-limit"

[[bench]]
id = "custom"
wasm = "plugins/x.wasm"
workload = "fib"
params = { n = 20, fast = true, ratio = 0.5 }
samples = 3
"#;

fn seed_suites() -> &'static [&'static str] {
    static SEEDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../suites");
        let mut seeds = vec![RICH_SUITE];
        for name in ["quick.toml", "guide.toml"] {
            if let Ok(text) = std::fs::read_to_string(root.join(name)) {
                seeds.push(Box::leak(text.into_boxed_str()));
            }
        }
        seeds
    })
}

const TOML_TOKENS: &[&str] = &[
    "[[bench]]\n",
    "[defaults]\n",
    "[fixtures]\n",
    "[http]\n",
    "[backends]\n",
    "[suite]\n",
    "[bench]\n",
    "[[defaults]]\n",
    "=",
    " = ",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "{",
    "}",
    "[",
    "]",
    ",",
    ".",
    "\n",
    "\r\n",
    "\t",
    "#",
    "\\",
    "\\u0000",
    "\\uD800",
    "samples",
    "warmup",
    "fuel_iterations",
    "instances",
    "fuel",
    "memory",
    "deadline",
    "plugin",
    "wasm",
    "workload",
    "params",
    "group",
    "expect",
    "id",
    "size",
    "seed",
    "latency",
    "jitter",
    "error_rate",
    "latency_mode",
    "store",
    "remote_cache",
    "name",
    "description",
    "0",
    "1",
    "-1",
    "+1",
    "4294967296",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "1e400",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "true",
    "false",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "\"16 MiB\"",
    "\"-1 MiB\"",
    "\"99999999999 TiB\"",
    "\"1e30 B\"",
    "\"0 B\"",
    "\"NaN MiB\"",
    "\"10s\"",
    "\"0s\"",
    "\"1ns\"",
    "\"-1s\"",
    "\"99999999999999999999h\"",
    "\"\"",
    "\"memory-limit\"",
    "\"out-of-fuel\"",
    "\"ok\"",
    "\"slept\"",
    "\"accounted\"",
    "\"../x\"",
    "\".hidden\"",
    "\"a/b\"",
    "é",
    "\u{1F600}",
    "\u{FEFF}",
    "\u{0}",
    "a.b.c",
    "\"a.bin\"",
    "[]",
    "{}",
    "[1, [2]]",
    "{ a = { b = 1 } }",
];

/// Checks `parse_suite`'s answer for `text`.
fn check_suite(text: &str) -> Result<(), TestCaseError> {
    let path = Path::new(SUITE_PATH);
    match parse_suite(path, text) {
        Ok(suite) => check_accepted(&suite, path),
        Err(error) => check_error(&error, path, text),
    }
}

fn check_error(error: &SuiteError, path: &Path, text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(&error.file, path);
    let shown = error.to_string();
    prop_assert!(
        shown.starts_with(SUITE_PATH),
        "does not name the file: {}",
        shown
    );
    prop_assert!(!error.message.is_empty());
    if let Some((line, column)) = error.position {
        let lines = text.split('\n').count();
        prop_assert!(
            line >= 1 && line <= lines,
            "line {} of {}: {}",
            line,
            lines,
            shown
        );
        prop_assert!(column >= 1, "{}", shown);
        prop_assert!(
            shown.starts_with(&format!("{SUITE_PATH}:{line}:{column}: ")),
            "{}",
            shown
        );
        if let Some(source) = &error.source_line {
            prop_assert_eq!(
                Some(source.as_str()),
                text.lines().nth(line - 1).map(str::trim_end),
                "{}",
                shown
            );
        }
    }
    if let Some(key) = &error.key {
        prop_assert!(shown.contains(&format!("key `{key}`")), "{}", shown);
        prop_assert!(!key.contains("serde_spanned"), "{}", shown);
    }
    Ok(())
}

fn check_accepted(suite: &Suite, path: &Path) -> Result<(), TestCaseError> {
    prop_assert!(!suite.benches.is_empty());
    prop_assert_eq!(&suite.path, path);
    for bench in &suite.benches {
        let s = &bench.settings;
        prop_assert!((1..=1_000_000).contains(&s.samples));
        prop_assert!((1..=1_000_000).contains(&s.fuel_iterations));
        prop_assert!((1..=256).contains(&s.instances));
        prop_assert!(s.limits.fuel > 0);
        prop_assert!((64 << 10..=4 << 30).contains(&s.limits.memory_bytes));
        prop_assert!(
            (Duration::from_millis(1)..=Duration::from_secs(24 * 3600))
                .contains(&s.limits.deadline)
        );
        prop_assert!(bench.location.starts_with(SUITE_PATH), "{}", bench.location);
    }
    for (name, fixture) in &suite.fixtures {
        prop_assert!(!name.is_empty() && !name.starts_with('.') && !name.contains('/'));
        prop_assert!(fixture.size <= 4 << 30);
    }
    if let Some(http) = &suite.http {
        prop_assert!((0.0..=1.0).contains(&http.error_rate));
    }
    Ok(())
}

#[test]
fn arbitrary_text_never_panics_the_suite_parser() {
    let text = prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..512)
            .prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
        proptest::collection::vec(proptest::sample::select(TOML_TOKENS), 0..40)
            .prop_map(|tokens| tokens.concat()),
    ];
    runner(512).run(&text, |text| check_suite(&text)).unwrap();
}

#[test]
fn edited_suites_never_panic_the_suite_parser() {
    let seeds = seed_suites();
    let input = (0..seeds.len(), edits(TOML_TOKENS));
    runner(1024)
        .run(&input, |(seed, edits)| {
            let text = edits
                .iter()
                .fold(seeds[seed].to_string(), |t, e| apply(&t, e));
            check_suite(&text)
        })
        .unwrap();
}

/// `key = value` lines (each key once) from the suite's keys, near misses, and values of every
/// type.
fn suite_lines(max: usize, bench: bool) -> impl Strategy<Value = Vec<String>> {
    const SETTINGS: &[&str] = &[
        "warmup",
        "samples",
        "fuel_iterations",
        "instances",
        "fuel",
        "memory",
        "deadline",
    ];
    const BENCH: &[&str] = &["params", "group", "expect", "id"];
    const UNKNOWN: &[&str] = &[
        "sampels",
        "memroy",
        "wasm",
        "thresholds",
        "expect",
        "params",
    ];
    let key = prop_oneof![
        8 => proptest::sample::select(SETTINGS),
        if bench { 4 } else { 0 } => proptest::sample::select(BENCH),
        1 => proptest::sample::select(UNKNOWN),
    ];
    let value = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (0u64..2_000_000).prop_map(|n| n.to_string()),
        (1u64..100).prop_map(|n| n.to_string()),
        proptest::sample::select(
            &[
                "\"16 MiB\"",
                "\"1s\"",
                "\"250ms\"",
                "\"64 KiB\"",
                "\"4 GiB\""
            ][..]
        )
        .prop_map(str::to_string),
        any::<f64>().prop_map(|x| format!("{x:?}")),
        any::<bool>().prop_map(|b| b.to_string()),
        (
            any::<u32>(),
            proptest::sample::select(&["B", "KiB", "MiB", "GiB", "TiB", "kb", "parsecs"][..])
        )
            .prop_map(|(n, unit)| format!("\"{n} {unit}\"")),
        (
            any::<u32>(),
            proptest::sample::select(&["ns", "us", "ms", "s", "m", "h", "days", "years"][..])
        )
            .prop_map(|(n, unit)| format!("\"{n}{unit}\"")),
        proptest::sample::select(
            &[
                "\"cpu\"",
                "\"fib\"",
                "\"ok\"",
                "\"trap\"",
                "\"oops\"",
                "{ n = 1 }",
                "{ n = [1] }",
                "{ n = { m = 1 } }",
                "[1, 2]",
                "\"\"",
            ][..]
        )
        .prop_map(str::to_string),
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
    ];
    // Half the time a value of the key's own type, often near its limits.
    let pair = key.prop_flat_map(move |key| {
        let typed: BoxedStrategy<String> = match key {
            "warmup" | "samples" | "fuel_iterations" | "instances" => {
                prop_oneof![0u64..300, 999_990u64..1_000_010]
                    .prop_map(|n| n.to_string())
                    .boxed()
            }
            "fuel" => prop_oneof![0u64..3, any::<u64>().prop_map(|n| n >> 1)]
                .prop_map(|n| n.to_string())
                .boxed(),
            "memory" => (
                0u64..5000,
                proptest::sample::select(&["B", "KiB", "MiB", "GiB"][..]),
            )
                .prop_map(|(n, unit)| format!("\"{n} {unit}\""))
                .boxed(),
            "deadline" => (
                0u64..5000,
                proptest::sample::select(&["ns", "ms", "s", "h"][..]),
            )
                .prop_map(|(n, unit)| format!("\"{n}{unit}\""))
                .boxed(),
            "expect" => proptest::sample::select(
                &[
                    "ok",
                    "out-of-fuel",
                    "memory-limit",
                    "timeout",
                    "trap",
                    "error",
                    "oops",
                ][..],
            )
            .prop_map(|s| format!("\"{s}\""))
            .boxed(),
            _ => (0u32..5).prop_map(|n| format!("\"x{n}\"")).boxed(),
        };
        (Just(key), prop_oneof![typed, value.clone()])
    });
    proptest::collection::vec(pair, 0..max).prop_map(|pairs| {
        let mut seen = std::collections::BTreeSet::new();
        pairs
            .into_iter()
            .filter(|(k, _)| seen.insert(*k))
            .map(|(k, v)| format!("{k} = {v}"))
            .collect()
    })
}

#[test]
fn assembled_suites_are_accepted_only_within_limits() {
    let bench = (proptest::bool::weighted(0.9), suite_lines(4, true));
    let suite = (
        suite_lines(4, false),
        proptest::collection::vec(bench, 1..4),
    )
        .prop_map(|(defaults, benches)| {
            let mut text = format!("[defaults]\n{}\n", defaults.join("\n"));
            for (named, lines) in benches {
                text.push_str("\n[[bench]]\n");
                if named {
                    text.push_str("plugin = \"cpu\"\nworkload = \"fib\"\n");
                }
                text.push_str(&lines.join("\n"));
                text.push('\n');
            }
            text
        });
    runner(1024).run(&suite, |text| check_suite(&text)).unwrap();
}
