//! `run --shard K/N` splits a suite's benches between separate processes by a hash of their ids,
//! and `merge` joins the shards' results back into one file, refusing inputs that don't belong
//! together.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{Harness, Run, ids};
use crate::schema::{errors, validator};

/// Benches that differ in one digit of a parameter (what a poor hash splits badly), a plugin with
/// no parameters, and a bench whose plugin doesn't load (its id must not depend on loading).
const SUITE: &str = r#"
[suite]
name = "sharded"

[defaults]
warmup = 0
samples = 2
fuel_iterations = 1
executions = 1

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 5 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 6 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 7 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 8 }

[[bench]]
plugin = "cpu"
workload = "sieve"
params = { limit = 1000 }

[[bench]]
plugin = "misbehave"
workload = "noop"

[[bench]]
wasm = "broken.wasm"
workload = "anything"
expect = "error"
"#;

/// A harness with the suite and its broken plugin written.
fn harness() -> (Harness, PathBuf) {
    let h = Harness::new();
    // A wasm header, then garbage: the bench fails when compiled, after planning gave it its id.
    std::fs::write(h.path().join("broken.wasm"), b"\0asm\x0d\0\x01\0not wasm").unwrap();
    let suite = h.suite("sharded.toml", SUITE);
    (h, suite)
}

/// Runs shard `spec` of `suite` and returns the run and its results.json's path.
fn shard(h: &Harness, suite: &Path, spec: &str) -> (Run, PathBuf) {
    let run = h.run(suite, &["--shard", spec]);
    run.assert_code(0);
    let path = run.out.as_ref().unwrap().join("results.json");
    (run, path)
}

fn merge(h: &Harness, inputs: &[&Path], extra: &[&str]) -> Run {
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
    args.extend(extra);
    h.wasmbench(&args)
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Writes `value`, changed by `change`, as `name` in the harness folder.
fn variant(h: &Harness, value: &Value, name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut value = value.clone();
    change(&mut value);
    let path = h.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&value).unwrap()).unwrap();
    path
}

fn id_set(results: &Value) -> BTreeSet<String> {
    ids(results).into_iter().collect()
}

fn assert_valid(results: &Value) {
    let problems = errors(&validator(), results);
    assert!(
        problems.is_empty(),
        "results do not match the schema:\n{}\n\n{results:#}",
        problems.join("\n")
    );
}

#[test]
fn shards_split_the_suite_disjointly_and_merge_back_whole() {
    let (h, suite) = harness();
    let whole = h.run(&suite, &[]);
    whole.assert_code(0);
    let all = id_set(whole.results());
    assert_eq!(all.len(), 7, "{all:?}");
    assert_eq!(whole.results()["shard"], Value::Null);

    let (one, one_path) = shard(&h, &suite, "1/2");
    let (two, two_path) = shard(&h, &suite, "2/2");
    let (a, b) = (id_set(one.results()), id_set(two.results()));
    assert!(a.is_disjoint(&b), "shards share benches: {a:?} {b:?}");
    assert_eq!(&a | &b, all, "the shards together are not the suite");
    for (run, index) in [(&one, 1), (&two, 2)] {
        assert_eq!(
            run.results()["shard"],
            json!({ "index": index, "count": 2, "benches_in_suite": 7 })
        );
        assert_valid(run.results());
    }

    let out = h.path().join("merged/results.json");
    let merged = merge(&h, &[&two_path, &one_path], &["-o", out.to_str().unwrap()]);
    merged.assert_code(0);
    let report = out.with_file_name("report.html");
    assert!(
        merged.stdout.contains(&out.display().to_string())
            && merged.stdout.contains(&report.display().to_string()),
        "merge should print both paths\n{}",
        merged.transcript()
    );
    assert!(
        report.is_file(),
        "no report.html next to the merged results"
    );
    let results = read(&out);
    assert_valid(&results);
    let merged_ids = ids(&results);
    let mut sorted = merged_ids.clone();
    sorted.sort();
    assert_eq!(merged_ids, sorted, "merged benches are sorted by id");
    assert_eq!(id_set(&results), all);
    assert_eq!(results["shard"], Value::Null);
    assert_eq!(results["interrupted"], false);
    let earliest = [one.results(), two.results()]
        .map(|r| r["started_at"].as_str().unwrap().to_string())
        .into_iter()
        .min()
        .unwrap();
    assert_eq!(results["started_at"], earliest.as_str());

    // The order of the inputs doesn't change the merged benches.
    let again = h.path().join("again/results.json");
    merge(
        &h,
        &[&one_path, &two_path],
        &["-o", again.to_str().unwrap()],
    )
    .assert_code(0);
    assert_eq!(read(&again)["benches"], results["benches"]);
}

#[test]
fn an_empty_shard_writes_valid_empty_results_and_exits_0() {
    let h = Harness::new();
    let suite = h.suite(
        "one.toml",
        "[defaults]\nwarmup = 0\nsamples = 2\nfuel_iterations = 1\nexecutions = 1\n\
         [[bench]]\nplugin = \"misbehave\"\nworkload = \"noop\"\n",
    );
    // One bench, three shards: two of them are empty.
    let runs: Vec<(Run, PathBuf)> = ["1/3", "2/3", "3/3"]
        .iter()
        .map(|spec| shard(&h, &suite, spec))
        .collect();
    let sizes: Vec<usize> = runs.iter().map(|(r, _)| ids(r.results()).len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 1, "{sizes:?}");
    for (run, _) in &runs {
        assert_valid(run.results());
        assert_eq!(run.results()["shard"]["benches_in_suite"], 1);
    }
    let out = h.path().join("merged.json");
    let paths: Vec<&Path> = runs.iter().map(|(_, p)| p.as_path()).collect();
    merge(&h, &paths, &["-o", out.to_str().unwrap()]).assert_code(0);
    assert_eq!(ids(&read(&out)), ["misbehave/noop"]);
}

#[test]
fn bad_shard_specs_are_usage_errors() {
    let h = Harness::new();
    let suite = h.suite(
        "one.toml",
        "[[bench]]\nplugin = \"misbehave\"\nworkload = \"noop\"\n",
    );
    for (spec, says) in [
        ("0/3", "shard 0 of 3 does not exist"),
        ("4/3", "shard 4 of 3 does not exist"),
        ("a/b", "expected K/N"),
        ("1/1001", "must be 1 to 1000"),
    ] {
        let suite = suite.to_str().unwrap();
        for args in [
            vec!["run", suite, "--shard", spec],
            vec!["ab", suite, "--base", ".", "--shard", spec],
        ] {
            let run = h.wasmbench(&args);
            run.assert_code(2);
            assert!(
                run.stderr.contains("--shard") && run.stderr.contains(says),
                "{args:?}: expected `{says}`\n{}",
                run.transcript()
            );
        }
    }
}

#[test]
fn merge_refuses_inputs_that_do_not_belong_together() {
    let (h, suite) = harness();
    let (_, one_path) = shard(&h, &suite, "1/2");
    let (_, two_path) = shard(&h, &suite, "2/2");
    let (one, two) = (read(&one_path), read(&two_path));
    let out = h.path().join("merged.json");
    let out_arg = ["-o", out.to_str().unwrap()];
    let refused = |inputs: &[&Path], extra: &[&str], says: &[&str]| {
        let mut args: Vec<&str> = out_arg.to_vec();
        args.extend(extra);
        let run = merge(&h, inputs, &args);
        run.assert_code(2);
        for text in says {
            assert!(
                run.stderr.contains(text),
                "expected `{text}` in the refusal\n{}",
                run.transcript()
            );
        }
        assert!(!out.exists(), "a refused merge wrote {}", out.display());
    };
    let name = |p: &Path| p.display().to_string();

    // The same bench in two files (plain runs: no shard to tell them apart).
    let first_id = ids(&one)[0].clone();
    let plain_a = variant(&h, &one, "plain-a.json", |r| r["shard"] = Value::Null);
    let plain_b = variant(&h, &one, "plain-b.json", |r| r["shard"] = Value::Null);
    refused(
        &[&plain_a, &plain_b],
        &[],
        &[
            &format!("bench `{first_id}`"),
            &name(&plain_a),
            &name(&plain_b),
        ],
    );

    // Another suite.
    let other_suite = variant(&h, &two, "other-suite.json", |r| {
        r["suite"]["name"] = json!("elsewhere")
    });
    refused(
        &[&one_path, &other_suite],
        &[],
        &[
            "different suites",
            "`sharded`",
            "`elsewhere`",
            &name(&other_suite),
        ],
    );

    // A shard missing; with --partial, merged and marked interrupted.
    refused(&[&one_path], &[], &["shard 2 of 2 missing", "--partial"]);
    let partial = merge(&h, &[&one_path], &[&out_arg[..], &["--partial"]].concat());
    partial.assert_code(0);
    assert!(
        partial.stderr.contains("shard 2 of 2 missing"),
        "{}",
        partial.transcript()
    );
    let merged = read(&out);
    assert_eq!(merged["interrupted"], true);
    assert_eq!(ids(&merged).len(), ids(&one).len());
    assert_valid(&merged);
    std::fs::remove_file(&out).unwrap();

    // Shards of splits into different numbers.
    let of_three = variant(&h, &two, "of-three.json", |r| {
        r["shard"]["count"] = json!(3)
    });
    refused(
        &[&one_path, &of_three],
        &[],
        &[
            "shard 1/2",
            "shard 2/3",
            "different numbers of shards",
            &name(&of_three),
        ],
    );

    // The same shard twice.
    let twin = variant(&h, &one, "twin.json", |r| r["shard"]["index"] = json!(1));
    refused(
        &[&one_path, &twin, &two_path],
        &[],
        &["both shard 1/2", &name(&twin)],
    );

    // A shard that lost a bench: the count doesn't add up to the run's.
    let short = variant(&h, &two, "short.json", |r| {
        r["benches"].as_array_mut().unwrap().pop();
    });
    refused(
        &[&one_path, &short],
        &[],
        &["hold 6 benches", "selected 7 before sharding"],
    );

    // Another wasmtime, and a results file of schema version 1 (upgraded on reading, still refused).
    let wasmtime = variant(&h, &two, "wasmtime.json", |r| {
        r["environment"]["wasmtime_version"] = json!("1.0.0")
    });
    refused(
        &[&one_path, &wasmtime],
        &[],
        &["different wasmtime versions", "1.0.0"],
    );
    let v1 = variant(&h, &two, "v1.json", |r| r["schema_version"] = json!(1));
    refused(
        &[&one_path, &v1],
        &[],
        &["different results schema versions (2 and 1)"],
    );

    // A shard and a whole run.
    refused(
        &[&one_path, &plain_b],
        &[],
        &["is not a shard", &name(&plain_b)],
    );

    // Another CPU is a warning, not a refusal.
    let cpu = variant(&h, &two, "cpu.json", |r| {
        r["environment"]["cpu"] = json!("Other CPU")
    });
    let run = merge(&h, &[&one_path, &cpu], &out_arg);
    run.assert_code(0);
    assert!(
        run.stderr.contains("different CPUs") && run.stderr.contains(&name(&cpu)),
        "{}",
        run.transcript()
    );
}

/// A results file of no benches, as shard `shard` (a JSON object) of a run.
fn empty_shard(h: &Harness, name: &str, shard: Value) -> PathBuf {
    let results = json!({
        "schema_version": 2,
        "suite": { "name": "crafted", "path": "crafted.toml" },
        "environment": {
            "wasmbench_version": "0.1.0", "wasmtime_version": "48.0.8", "os": "linux",
            "arch": "x86_64", "cpu": "cpu", "cores": 2, "hostname": null, "git_commit": null
        },
        "started_at": "2026-11-30T00:00:00Z",
        "finished_at": "2026-11-30T00:00:01Z",
        "interrupted": false,
        "shard": shard,
        "benches": []
    });
    variant(h, &results, name, |_| {})
}

/// Runs `wasmbench args`, watching its resident memory: returns the run and its peak (VmHWM).
/// A process that grows past 1 GiB is killed there, so the test fails without exhausting the
/// machine.
fn watched(h: &Harness, args: &[&str]) -> (Run, u64) {
    const KILL_AT: u64 = 1 << 30;
    let mut cmd = h.command();
    cmd.args(args);
    let mut peak = 0u64;
    let run = crate::common::execute_watching(cmd, |pid| {
        let memory = |field: &str| crate::common::proc_memory(pid, field).unwrap_or(0);
        peak = peak.max(memory("VmHWM:"));
        if memory("VmRSS:") > KILL_AT {
            // SAFETY: `pid` is the child this test started and has not yet reaped.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
        }
    });
    (run, peak)
}

#[test]
fn crafted_shard_numbers_are_refused_before_they_size_anything() {
    let h = Harness::new();
    const COUNT: u64 = 4_000_000_000;
    let huge = |index: u64| json!({ "index": index, "count": COUNT, "benches_in_suite": u64::MAX });
    let a = empty_shard(&h, "a.json", huge(1));
    let b = empty_shard(&h, "b.json", huge(2));
    let out = h.path().join("merged.json");
    let (run, peak) = watched(
        &h,
        &[
            "merge",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("a.json")
            && run.stderr.contains("shard.count")
            && run.stderr.contains("must be 1 to 1000, not 4000000000"),
        "{}",
        run.transcript()
    );
    assert!(
        peak < 256 << 20,
        "merge peaked at {} MiB of memory",
        peak >> 20
    );
    assert!(run.elapsed.as_secs() < 20, "merge took {:?}", run.elapsed);
    assert!(!out.exists());

    // Every command that reads results applies the same rule, to every shard number.
    for (shard, field, says) in [
        (huge(1), "shard.count", "must be 1 to 1000"),
        (
            json!({ "index": 0, "count": 4, "benches_in_suite": 8 }),
            "shard.index",
            "shard 0 of 4 does not exist",
        ),
        (
            json!({ "index": 5, "count": 4, "benches_in_suite": 8 }),
            "shard.index",
            "shard 5 of 4 does not exist",
        ),
    ] {
        let file = empty_shard(&h, "crafted.json", shard);
        let file = file.to_str().unwrap();
        for args in [
            vec!["merge", file, "-o", "m.json"],
            vec!["report", file, "-o", "r.html"],
            vec!["compare", file, file],
            vec!["history", "add", file, "--commit", "c", "--history", "h.db"],
        ] {
            let (run, peak) = watched(&h, &args);
            run.assert_code(2);
            assert!(
                run.stderr.contains("crafted.json")
                    && run.stderr.contains(field)
                    && run.stderr.contains(says),
                "{args:?}: expected `{field}` and `{says}`\n{}",
                run.transcript()
            );
            assert!(peak < 256 << 20, "{args:?} peaked at {} MiB", peak >> 20);
        }
    }
}
