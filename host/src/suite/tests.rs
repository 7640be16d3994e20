//! Unit tests of suite loading: merging, errors with their places, folders of modules.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{PluginSource, Suite, SuiteError, parse_suite};
use crate::model::{Limits, Status};

fn parse(text: &str) -> Result<Suite, SuiteError> {
    parse_suite(Path::new("suites/t.toml"), text)
}

#[test]
fn defaults_merge_into_benches() {
    let suite = parse(
        r#"
[defaults]
samples = 5
memory = "16 MiB"
deadline = "2s"

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 20 }
samples = 7
"#,
    )
    .unwrap();
    let b = &suite.benches[0];
    assert_eq!(b.settings.samples, 7);
    assert_eq!(b.settings.limits.memory_bytes, 16 << 20);
    assert_eq!(b.settings.limits.deadline, Duration::from_secs(2));
    assert_eq!(b.params["n"], "20");
    assert_eq!(b.location, "suites/t.toml:7:1");
}

#[test]
fn unknown_key_names_line_key_and_suggestion() {
    let err = parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsampels = 3\n").unwrap_err();
    let text = err.to_string();
    assert_eq!(err.position.map(|p| p.0), Some(4), "{text}");
    assert!(text.contains("sampels"), "{text}");
    assert!(text.contains("did you mean `samples`?"), "{text}");
}

#[test]
fn wrong_type_names_key_and_line() {
    let err =
        parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = \"ten\"\n").unwrap_err();
    assert_eq!(err.position.map(|p| p.0), Some(4), "{err}");
    assert_eq!(err.key.as_deref(), Some("bench[0].samples"), "{err}");
}

#[test]
fn zero_samples_and_bad_sizes_are_rejected() {
    let err = parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = 0\n").unwrap_err();
    assert!(err.to_string().contains("between 1 and"), "{err}");
    let err =
        parse("[defaults]\nmemory = \"lots\"\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n")
            .unwrap_err();
    assert_eq!(err.position.map(|p| p.0), Some(2), "{err}");
    assert!(err.to_string().contains("invalid size"), "{err}");
}

#[test]
fn syntax_error_has_position() {
    let err = parse("[[bench]\nplugin = \"cpu\"\n").unwrap_err();
    assert_eq!(err.position.map(|p| p.0), Some(1), "{err}");
}

#[test]
fn workload_is_required_for_named_plugins_only() {
    let err = parse("[[bench]]\nplugin = \"cpu\"\n").unwrap_err();
    assert_eq!(err.position.map(|p| p.0), Some(1), "{err}");
    assert!(
        err.to_string().contains("missing field `workload`"),
        "{err}"
    );
    let suite = parse("[[bench]]\nwasm = \"m.wasm\"\n").unwrap();
    assert_eq!(suite.benches[0].workload, None);
    assert_eq!(
        suite.benches[0].plugin,
        PluginSource::File(PathBuf::from("suites/m.wasm"))
    );
}

#[test]
fn a_folder_becomes_one_bench_per_module() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("corpus");
    std::fs::create_dir(&folder).unwrap();
    for file in [
        "b.wasm",
        "a.wat",
        "notes.txt",
        ".hidden.wasm",
        "a.stdout.expected",
    ] {
        std::fs::write(folder.join(file), "").unwrap();
    }
    std::fs::create_dir(folder.join("sub.wasm")).unwrap();
    let suite = parse_suite(
        &dir.path().join("s.toml"),
        "[[bench]]\nwasm = \"corpus\"\nsamples = 3\nexpect = \"wrong-output\"\n",
    )
    .unwrap();
    let benches: Vec<_> = suite
        .benches
        .iter()
        .map(|b| (b.id.clone().unwrap(), b.plugin.clone()))
        .collect();
    assert_eq!(
        benches,
        [
            (
                "corpus/a".to_string(),
                PluginSource::File(folder.join("a.wat"))
            ),
            (
                "corpus/b".to_string(),
                PluginSource::File(folder.join("b.wasm"))
            ),
        ]
    );
    assert!(suite.benches.iter().all(|b| b.settings.samples == 3
        && b.expect == Status::WrongOutput
        && b.location.ends_with("s.toml:1:1")));
}

#[test]
fn unknown_expectation_suggests() {
    let err = parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nexpect = \"memory-limt\"\n")
        .unwrap_err();
    assert!(
        err.to_string().contains("did you mean `memory-limit`"),
        "{err}"
    );
}

#[test]
fn limits_are_accepted_up_to_their_caps_and_refused_beyond() {
    let bench = |line: &str| {
        parse(&format!(
            "[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n{line}\n"
        ))
    };
    let limits = |line: &str| bench(line).unwrap().benches[0].settings.limits;
    assert_eq!(
        limits("fuel = 1_000_000_000_000_000").fuel,
        Limits::MAX_FUEL
    );
    assert_eq!(
        limits("memory = \"4 GiB\"").memory_bytes,
        Limits::MAX_MEMORY
    );
    assert_eq!(limits("deadline = \"24h\"").deadline, Limits::MAX_DEADLINE);
    for line in [
        "fuel = 1_000_000_000_000_001",
        "fuel = 18446744073709551615",
        "memory = 4294967297",
        "deadline = \"24h 1s\"",
    ] {
        let error = bench(line).unwrap_err();
        assert_eq!(error.position.map(|p| p.0), Some(4), "{line}: {error}");
    }
}
