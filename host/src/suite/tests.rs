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

/// Each limit remembers where it was set, as written: the bench's key, `[defaults]`, or nothing;
/// a load scenario's the same way.
#[test]
fn limits_remember_where_they_were_set() {
    use crate::model::{LimitOrigin, WrittenKey};
    let suite = parse(
        r#"
[defaults]
fuel = 5_000_000

[[bench]]
plugin = "cpu"
workload = "fib"
memory = "64 MiB"

[[load]]
plugin = "cpu"
workload = "fib"
deadline = "250ms"
[[load.phase]]
duration = "1s"
rate = 5
"#,
    )
    .unwrap();
    let written = |text: &str, line: usize| WrittenKey {
        text: text.into(),
        at: format!("suites/t.toml:{line}"),
    };
    let bench = &suite.benches[0].settings.limit_origins;
    assert_eq!(
        bench.memory,
        LimitOrigin::Own(written(r#"memory = "64 MiB""#, 8))
    );
    assert_eq!(
        bench.fuel,
        LimitOrigin::Defaults(written("fuel = 5_000_000", 3))
    );
    assert_eq!(bench.deadline, LimitOrigin::Default);
    let load = &suite.loads[0].limit_origins;
    assert_eq!(
        load.deadline,
        LimitOrigin::Own(written(r#"deadline = "250ms""#, 13))
    );
    assert_eq!(load.fuel, bench.fuel);
    assert_eq!(load.memory, LimitOrigin::Default);
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

/// A load scenario over `handler/empty`: `keys` go into the `[[load]]` table, `phase` is the body
/// of its one `[[load.phase]]`.
fn load_suite(keys: &str, phase: &str) -> String {
    format!(
        "[[load]]\nplugin = \"handler\"\nworkload = \"empty\"\n{keys}\n\n[[load.phase]]\n{phase}\n"
    )
}

#[test]
fn a_suite_of_load_scenarios_alone_is_valid() {
    let suite = parse(&load_suite(
        "id = \"only-load\"\npool = 2\nqueue = 0\nthresholds = [\"p95 < 200ms\"]",
        "name = \"steady\"\nduration = \"2s\"\nrate = 50\nramp_to = 75\nthresholds = [\"throughput > 10/s\"]",
    ))
    .unwrap();
    assert!(suite.benches.is_empty());
    assert_eq!(suite.loads.len(), 1);
    let load = &suite.loads[0];
    assert_eq!(load.id.as_deref(), Some("only-load"));
    assert_eq!((load.pool, load.queue), (2, 0));
    assert!(matches!(load.shape, super::LoadShape::Open { .. }));
    assert_eq!(load.thresholds.len(), 1);
    let phase = &load.phases[0];
    assert_eq!(phase.name, "steady");
    assert_eq!(phase.duration, Duration::from_secs(2));
    assert_eq!((phase.rate, phase.ramp_to), (50.0, Some(75.0)));
    assert_eq!(phase.thresholds.len(), 1);
    assert_eq!(load.location, "suites/t.toml:1:1");

    let closed = parse(&load_suite(
        "model = \"closed\"\nconnections = 4\nthink = \"10ms\"",
        "duration = \"1s\"",
    ))
    .unwrap();
    assert_eq!(closed.loads[0].phases[0].name, "phase 1");
    assert!(matches!(
        closed.loads[0].shape,
        super::LoadShape::Closed { connections: 4, think } if think == Duration::from_millis(10)
    ));
}

/// The error of a load suite: its key, line, and message (with the rendered text for messages).
fn load_error(keys: &str, phase: &str) -> (Option<String>, Option<usize>, String) {
    let err = parse(&load_suite(keys, phase)).unwrap_err();
    (err.key.clone(), err.position.map(|p| p.0), err.to_string())
}

#[test]
fn bad_load_scenarios_name_the_key_and_line() {
    // Line 4 is the first key line after `plugin` and `workload`; the phase's keys start at line 7.
    let (key, line, text) = load_error("model = \"opne\"", "duration = \"1s\"\nrate = 5");
    assert_eq!(key.as_deref(), Some("load[0].model"), "{text}");
    assert_eq!(line, Some(4), "{text}");
    assert!(text.contains("unknown model `opne`"), "{text}");
    assert!(text.contains("did you mean `open`?"), "{text}");

    let (key, line, text) = load_error("", "duration = \"1s\"");
    assert_eq!(key.as_deref(), Some("load[0].phase[0].rate"), "{text}");
    assert_eq!(line, Some(6), "{text}");
    assert!(text.contains("needs `rate`"), "{text}");

    let (key, line, text) = load_error("connections = 4", "duration = \"1s\"\nrate = 5");
    assert_eq!(key.as_deref(), Some("load[0].connections"), "{text}");
    assert_eq!(line, Some(4), "{text}");
    assert!(text.contains("model = \"closed\""), "{text}");

    let (key, line, text) = load_error(
        "thresholds = [\"error_rate < 1%\", \"p96 < 1s\"]",
        "duration = \"1s\"\nrate = 5",
    );
    assert_eq!(key.as_deref(), Some("load[0].thresholds[1]"), "{text}");
    assert_eq!(line, Some(4), "{text}");
    assert!(text.contains("unknown metric `p96`"), "{text}");

    let (key, line, text) = load_error(
        "",
        "duration = \"1s\"\nrate = 5\nthresholds = [\"p99 < soon\"]",
    );
    assert_eq!(
        key.as_deref(),
        Some("load[0].phase[0].thresholds[0]"),
        "{text}"
    );
    assert_eq!(line, Some(9), "{text}");
    assert!(text.contains("not a duration"), "{text}");

    let (key, line, text) = load_error("", "duration = \"0s\"\nrate = 5");
    assert_eq!(key.as_deref(), Some("load[0].phase[0].duration"), "{text}");
    assert_eq!(line, Some(7), "{text}");
    assert!(text.contains("longer than 0"), "{text}");

    // The closed model's phases take no rate; the open model needs some arrivals.
    let (key, line, text) = load_error("model = \"closed\"", "duration = \"1s\"\nrate = 5");
    assert_eq!(key.as_deref(), Some("load[0].phase[0].rate"), "{text}");
    assert_eq!(line, Some(8), "{text}");
    let (key, _, text) = load_error("", "duration = \"1s\"\nrate = 0");
    assert_eq!(key.as_deref(), Some("load[0].phase[0].rate"), "{text}");
    let (key, line, text) = load_error("pool = 0", "duration = \"1s\"\nrate = 5");
    assert_eq!(key.as_deref(), Some("load[0].pool"), "{text}");
    assert_eq!(line, Some(4), "{text}");
    let (key, _, text) = load_error("arival = \"poisson\"", "duration = \"1s\"\nrate = 5");
    assert!(text.contains("did you mean `arrival`?"), "{key:?} {text}");

    // No phase at all, and two phases with one name.
    let err = parse("[[load]]\nplugin = \"handler\"\nworkload = \"empty\"\n").unwrap_err();
    assert_eq!(err.key.as_deref(), Some("load[0].phase"), "{err}");
    let err = parse(&format!(
        "{}\n[[load.phase]]\nname = \"hold\"\nduration = \"1s\"\nrate = 5\n",
        load_suite("", "name = \"hold\"\nduration = \"1s\"\nrate = 5")
    ))
    .unwrap_err();
    assert_eq!(err.key.as_deref(), Some("load[0].phase[1].name"), "{err}");
}

/// `memory` is per instance and a bench's `instances` (a scenario's `pool`) multiply it: the
/// product is checked where instances run, with what they run with. A scenario has no
/// `instances` (the `[defaults]` one is not its), and a `[defaults]` product every bench overrides
/// holds nothing.
#[test]
fn memory_held_together_is_checked_where_instances_run() {
    let suite = parse(
        "[defaults]\ninstances = 16\nmemory = \"1 GiB\"\n\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nmemory = \"256 MiB\"\n\n\
         [[load]]\nplugin = \"handler\"\nworkload = \"empty\"\npool = 8\n\
         [[load.phase]]\nduration = \"1s\"\nrate = 5\n",
    )
    .unwrap();
    assert_eq!(suite.benches[0].settings.instances, 16);
    assert_eq!(suite.loads[0].pool, 8);

    // Inherited from `[defaults]` whole: named at the bench that would run them.
    let err = parse(
        "[defaults]\ninstances = 16\nmemory = \"1 GiB\"\n\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
    )
    .unwrap_err();
    assert_eq!(err.key.as_deref(), Some("bench[0].instances"), "{err}");
    assert_eq!(err.position.map(|p| p.0), Some(5), "{err}");
    assert!(
        err.to_string()
            .contains("`instances = 16` × `memory = \"1 GiB\"` (a limit per instance) = 16 GiB"),
        "{err}"
    );

    // The bench's own `memory` makes the product: named there.
    let err = parse(
        "[defaults]\ninstances = 16\n\n\
         [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nmemory = \"1 GiB\"\n",
    )
    .unwrap_err();
    assert_eq!(err.key.as_deref(), Some("bench[0].memory"), "{err}");
    assert_eq!(err.position.map(|p| p.0), Some(7), "{err}");

    // A pool over a `[defaults]` memory: named at the pool.
    let err = parse(&format!(
        "[defaults]\nmemory = \"1 GiB\"\n\n{}",
        load_suite("pool = 9", "duration = \"1s\"\nrate = 5")
    ))
    .unwrap_err();
    assert_eq!(err.key.as_deref(), Some("load[0].pool"), "{err}");
    assert_eq!(err.position.map(|p| p.0), Some(7), "{err}");
}

/// `[groups.NAME] reference` names a bench of the group; anything else is an error at its key.
#[test]
fn a_groups_reference_names_one_of_its_benches() {
    let text = |reference: &str, group: &str| {
        format!(
            r#"
[[bench]]
plugin = "db"
workload = "page-offset"
group = "pagination"

[[bench]]
plugin = "db"
workload = "page-keyset"
group = "pagination"

[groups.{group}]
reference = "{reference}"
"#
        )
    };
    for ok in ["page-keyset", "db/page-keyset", "db/page-keyset[depth=1]"] {
        let suite = parse(&text(ok, "pagination")).unwrap();
        assert_eq!(suite.groups["pagination"].reference.as_deref(), Some(ok));
    }
    let e = parse(&text("keyset", "pagination"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("suites/t.toml:13:13")
            && e.contains("groups.pagination.reference")
            && e.contains("db/page-offset, db/page-keyset"),
        "{e}"
    );
    let e = parse(&text("page-keyst", "pagination"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("(did you mean `page-keyset`?)"), "{e}");
    let e = parse(&text("page-keyset", "paginaton"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("groups.paginaton") && e.contains("did you mean `pagination`"),
        "{e}"
    );
}
