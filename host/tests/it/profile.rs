//! Guest profiles: `wasmbench profile` writes, per bench, the Firefox Profiler file wasmtime's
//! `GuestProfiler` makes, folded stacks with readable (demangled) frame names, and an inert
//! flamegraph SVG; a baseline folder gives a differential flamegraph; `run --profile` puts the
//! flamegraphs into the HTML report.

use crate::common;

use std::path::Path;

use common::{Harness, Run};
use serde_json::Value;

const SUITE: &str = r#"
[suite]
name = "prof"

[defaults]
warmup = 1
samples = 3
fuel_iterations = 1
executions = 1

[fixtures]
"data.bin" = { size = "1 MiB", seed = 1 }

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 27 }

[[bench]]
plugin = "fs-read"
workload = "stream"
params = { chunk = "4 KiB" }
"#;

fn profile(h: &Harness, suite: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "profile",
        suite.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--iterations",
        "40",
    ];
    args.extend_from_slice(extra);
    h.wasmbench(&args)
}

/// The folded stacks of a file: (frames, count) per line, every line well-formed.
fn folded(path: &Path) -> Vec<(Vec<String>, u64)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|line| {
            let (stack, count) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line:?}"));
            let count: u64 = count.parse().unwrap_or_else(|_| panic!("{line:?}"));
            (stack.split(';').map(str::to_owned).collect(), count)
        })
        .collect()
}

/// Time per frame name, inclusive (a frame counted once per stack).
fn inclusive(stacks: &[(Vec<String>, u64)]) -> Vec<(String, u64)> {
    let mut totals = std::collections::BTreeMap::<String, u64>::new();
    for (frames, count) in stacks {
        let unique: std::collections::BTreeSet<&String> = frames.iter().collect();
        for frame in unique {
            *totals.entry(frame.clone()).or_default() += count;
        }
    }
    let mut totals: Vec<(String, u64)> = totals.into_iter().collect();
    totals.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    totals
}

fn assert_inert_svg(path: &Path, title: &str) -> String {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg)
        .unwrap_or_else(|e| panic!("{} is not well-formed XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            !["script", "foreignObject", "style", "a"].contains(&name),
            "<{name}> in {}",
            path.display()
        );
        for attr in node.attributes() {
            assert!(
                !attr.name().to_ascii_lowercase().starts_with("on"),
                "{} in {}",
                attr.name(),
                path.display()
            );
        }
    }
    assert!(!svg.contains("<script"), "{}", path.display());
    assert!(svg.contains(title), "title {title} in {}", path.display());
    svg
}

fn assert_firefox_profile(path: &Path) {
    let json: Value = serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    // The processed profile format (firefox-devtools/profiler docs-developer/processed-profile-format.md).
    for key in [
        "meta",
        "libs",
        "threads",
        "pages",
        "profilerOverhead",
        "counters",
    ] {
        assert!(json.get(key).is_some(), "no `{key}` in {}", path.display());
    }
    let meta = &json["meta"];
    for key in [
        "interval",
        "preprocessedProfileVersion",
        "product",
        "categories",
        "startTime",
    ] {
        assert!(meta.get(key).is_some(), "no meta.{key}");
    }
    assert!(meta["interval"].as_f64().unwrap() > 0.0);
    let thread = &json["threads"][0];
    for key in [
        "samples",
        "stackTable",
        "frameTable",
        "funcTable",
        "stringArray",
        "markers",
    ] {
        assert!(thread.get(key).is_some(), "no threads[0].{key}");
    }
    assert!(
        thread["samples"]["length"].as_u64().unwrap() > 0,
        "no samples in {}",
        path.display()
    );
    assert!(!json["libs"].as_array().unwrap().is_empty(), "no libs");
}

#[test]
fn profiles_fib_and_stream_into_firefox_folded_and_svg() {
    let h = Harness::new();
    let suite = h.suite("prof.toml", SUITE);
    let out = h.path().join("profiles");
    let run = profile(
        &h,
        &suite,
        &out,
        &["--bench", "cpu/fib", "--bench", "stream"],
    );
    run.assert_code(0);
    assert!(run.stdout.contains("40 iterations"), "{}", run.transcript());

    // cpu/fib: the hottest frames are the workload's recursion, named as in the source.
    let fib = name("cpu/fib[n=27]");
    assert_firefox_profile(&out.join(format!("{fib}.profile.json")));
    let stacks = folded(&out.join(format!("{fib}.folded")));
    assert!(!stacks.is_empty());
    let totals = inclusive(&stacks);
    let top: Vec<&str> = totals.iter().take(8).map(|(f, _)| f.as_str()).collect();
    assert!(
        top.iter().any(|f| f.contains("fib")),
        "no fib frame among the hottest: {top:?}"
    );
    // Demangled: no Rust mangling prefix nor hash suffix left.
    for (frames, _) in &stacks {
        for frame in frames {
            assert!(
                !frame.starts_with("_ZN") && !frame.starts_with("_R"),
                "{frame}"
            );
        }
    }
    assert_inert_svg(&out.join(format!("{fib}.svg")), "cpu/fib[n=27]");

    // fs-read/stream: its workload frames, and the time spent reading in the host.
    let stream = name("fs-read/stream[chunk=4 KiB]");
    assert_firefox_profile(&out.join(format!("{stream}.profile.json")));
    let stacks = folded(&out.join(format!("{stream}.folded")));
    let totals = inclusive(&stacks);
    assert!(
        totals.iter().any(|(f, _)| f.contains("stream")),
        "no stream frame: {totals:?}"
    );
    assert!(
        totals.iter().any(|(f, _)| f == "[host]"),
        "no host time: {totals:?}"
    );
    // A tick during a host call finds the allocator the host calls (through the import's
    // trampoline, `wasm-function[N]`) to lower the read's bytes; that is not where the guest spent
    // its time, so no sample is taken there. (The guest's own calls, e.g. from `cabi_post_*`, may
    // be sampled.)
    let lowering = |frames: &[String]| {
        frames
            .windows(2)
            .any(|w| w[0].starts_with("wasm-function[") && w[1] == "cabi_realloc")
    };
    assert!(
        !stacks.iter().any(|(frames, _)| lowering(frames)),
        "samples attributed to the allocator the host called: {totals:?}"
    );
    assert_inert_svg(&out.join(format!("{stream}.svg")), "fs-read/stream");
}

/// The file stem `wasmbench` gives a bench id, as the command printed it.
fn name(id: &str) -> String {
    wasmbench::report::flamegraph::profile_name(id)
}

#[test]
fn differential_flamegraph_against_a_baseline_folder() {
    let h = Harness::new();
    let suite = h.suite("prof.toml", SUITE);
    let before = h.path().join("before");
    profile(&h, &suite, &before, &["--bench", "cpu/fib"]).assert_code(0);
    let after = h.path().join("after");
    let run = profile(
        &h,
        &suite,
        &after,
        &["--bench", "cpu/fib", "--baseline", before.to_str().unwrap()],
    );
    run.assert_code(0);
    let fib = name("cpu/fib[n=27]");
    let diff = after.join(format!("{fib}.diff.svg"));
    assert!(
        diff.is_file(),
        "no {}\n{}",
        diff.display(),
        run.transcript()
    );
    let svg = assert_inert_svg(&diff, "cpu/fib[n=27]");
    assert!(svg.contains("grew"), "the subtitle explains the colours");
    // The baseline named by its folder, not by an absolute path of this machine.
    let parent = h.path().to_string_lossy().into_owned();
    assert!(!svg.contains(&parent), "absolute path in the title");
    assert!(svg.contains("vs baseline "), "the baseline is named");

    // No baseline profile for a bench: a warning, no diff, still success.
    let empty = h.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = profile(
        &h,
        &suite,
        &h.path().join("again"),
        &["--bench", "cpu/fib", "--baseline", empty.to_str().unwrap()],
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains("no baseline profile"),
        "{}",
        run.transcript()
    );
}

#[test]
fn run_profile_embeds_the_flamegraph_in_the_report() {
    let h = Harness::new();
    let suite = h.suite("prof.toml", SUITE);
    let run = h.run(
        &suite,
        &["--filter", "cpu/fib", "--profile", "--iterations", "30"],
    );
    run.assert_code(0);
    let out = run.out.clone().unwrap();
    let fib = name("cpu/fib[n=27]");
    assert!(out.join("profiles").join(format!("{fib}.svg")).is_file());
    for report in [std::fs::read_to_string(out.join("report.html")).unwrap(), {
        // `wasmbench report` finds the profiles next to results.json too.
        let results = out.join("results.json");
        let again = out.join("again.html");
        h.wasmbench(&[
            "report",
            results.to_str().unwrap(),
            "--output",
            again.to_str().unwrap(),
        ])
        .assert_code(0);
        std::fs::read_to_string(again).unwrap()
    }] {
        assert!(
            report.contains(r#"class="wide profile""#),
            "no profile figure"
        );
        assert!(report.contains(".profile.json"));
        // The page's own script only: the flamegraph's was stripped.
        assert_eq!(report.matches("<script").count(), 1);
        assert!(!report.contains("onload="), "an event handler was embedded");
        assert!(report.contains("id=\"profile-0-"), "ids prefixed per bench");
    }
}

#[test]
fn unknown_bench_is_an_input_error() {
    let h = Harness::new();
    let suite = h.suite("prof.toml", SUITE);
    let run = profile(
        &h,
        &suite,
        &h.path().join("x"),
        &["--bench", "nothing-like-it"],
    );
    run.assert_code(2);
    assert!(
        run.stderr.contains("cpu/fib"),
        "lists the benches: {}",
        run.transcript()
    );
}

/// A bench that runs into its deadline while profiled says where the deadline was set, as a run
/// does.
#[test]
fn a_limit_hit_while_profiling_names_its_key() {
    let h = Harness::new();
    let text = "[defaults]\ndeadline = \"200ms\"\n\n[[bench]]\nplugin = \"misbehave\"\nworkload = \"spin\"\n";
    let suite = h.suite("prof.toml", text);
    let run = profile(
        &h,
        &suite,
        &h.path().join("x"),
        &["--bench", "misbehave/spin"],
    );
    run.assert_code(1);
    let wanted = format!(
        "run passed the 200ms deadline (`deadline = \"200ms\"` in [defaults] at {}:2; raise it \
         there, or set one on this bench at {}:4, e.g. deadline = \"400ms\")",
        suite.display(),
        suite.display()
    );
    assert!(
        run.stderr.contains(&wanted),
        "{wanted}\n{}",
        run.transcript()
    );
}

/// `tests/fixtures/contract-ok.wat` whose `run` recurses `depth` deep through a function named
/// `name`, then spins at the bottom in a function whose name (set by `@name`) holds a line
/// separator, a paragraph separator and an escape sequence.
fn deep_guest(name: &str, depth: u32) -> String {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract-ok.wat");
    let wat = std::fs::read_to_string(fixture).unwrap();
    let run = "    (func (;4;) (type 0) (param i32) (result i32)\n      i32.const 512";
    let recursing = format!(
        "    (func (;4;) (type 0) (param i32) (result i32)\n      i32.const {depth}\n      \
         call ${name}\n      drop\n      i32.const 512"
    );
    let dtor = "    (func (;5;) (type 3) (param i32))\n";
    let deep = format!(
        r#"{dtor}    (func ${name} (param $n i32) (result i32)
      local.get $n
      i32.eqz
      if (result i32)
        call $spin
      else
        local.get $n
        i32.const 1
        i32.sub
        call ${name}
        i32.const 1
        i32.add
      end
    )
    (func $spin (@name "spin\u{{2028}}line\u{{2029}}para\u{{1b}}[2J") (result i32)
      (local $i i32)
      loop $again
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        i32.const 5000000
        i32.lt_u
        br_if $again
      end
      local.get $i
    )
"#
    );
    assert!(wat.contains(run) && wat.contains(dtor));
    wat.replacen(run, &recursing, 1).replacen(dtor, &deep, 1)
}

/// A guest with deep recursion through a function with a 100 KB name cannot make the profiler
/// hold much: names are cut, a sample keeps its innermost frames (under `[truncated]`), and when
/// the profile's budget is reached sampling stops and what was gathered is written, marked
/// truncated; no frame name carries a line break of any kind.
#[test]
fn a_deep_guest_with_huge_names_is_profiled_within_bounds() {
    let h = Harness::new();
    let name = "deep_".repeat(20_000);
    std::fs::write(h.path().join("deep.wat"), deep_guest(&name, 3000)).unwrap();
    let suite = h.suite(
        "deep.toml",
        "[[bench]]\nid = \"deep\"\nwasm = \"deep.wat\"\nworkload = \"w\"\n",
    );
    let out = h.path().join("profiles");
    let mut cmd = h.command();
    cmd.args([
        "profile",
        suite.to_str().unwrap(),
        "--bench",
        "deep",
        "--out",
    ])
    .arg(&out);
    let mut peak = 0u64;
    let run = common::execute_watching(cmd, |pid| {
        if let Some(bytes) = common::proc_memory(pid, "VmHWM:") {
            peak = peak.max(bytes);
        }
    });
    run.assert_code(0);
    assert!(
        peak < 400 << 20,
        "the profiler peaked at {} MiB",
        peak >> 20
    );
    assert!(
        run.stderr
            .contains("profile truncated: the profile reached its budget"),
        "{}",
        run.transcript()
    );
    for extension in ["profile.json", "folded", "svg"] {
        assert!(
            out.join(format!("deep.{extension}")).is_file(),
            "no deep.{extension}"
        );
    }
    assert_inert_svg(
        &out.join("deep.svg"),
        "deep (truncated: the profile reached its budget",
    );
    let text = std::fs::read_to_string(out.join("deep.folded")).unwrap();
    assert!(
        !text.contains(['\u{2028}', '\u{2029}', '\u{1b}', '\r']),
        "a separator or control character in the folded stacks"
    );
    let stacks = folded(&out.join("deep.folded"));
    let deep = stacks
        .iter()
        .find(|(frames, _)| frames[0] == "[truncated]")
        .expect("no truncated sample");
    assert_eq!(
        deep.0.len(),
        1 + 1024,
        "the innermost 1024 frames under [truncated]"
    );
    for (frames, _) in &stacks {
        for frame in frames {
            assert!(
                frame.len() < 4096 + 64,
                "a frame name of {} bytes",
                frame.len()
            );
        }
    }
    assert!(
        stacks
            .iter()
            .any(|(frames, _)| frames.last().unwrap() == "spin\\u{2028}line\\u{2029}para\\x1b[2J"),
        "the spinning frame, its separators shown as escapes"
    );
    assert!(text.contains("more bytes cut"));
}
