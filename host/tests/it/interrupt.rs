//! Nothing lost: SIGINT / SIGTERM write what finished (marked interrupted, exit 130); SIGKILL leaves
//! the previous results intact and a readable journal.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Harness;
use serde_json::Value;

/// Three quick benches, then slow ones: a signal lands while the slow ones run.
const SUITE: &str = "[suite]\nname = \"slow\"\n[defaults]\nsamples = 2\nwarmup = 0\nfuel_iterations = 1\nexecutions = 1\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\n\
    [[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 11 }\n\
    [[bench]]\nplugin = \"misbehave\"\nworkload = \"sleep\"\nparams = { ms = 400 }\nsamples = 20\n\
    [[bench]]\nplugin = \"misbehave\"\nworkload = \"sleep\"\nparams = { ms = 401 }\nsamples = 20\n";

fn spawn(h: &Harness, out: &std::path::Path) -> Child {
    let suite = h.suite("slow.toml", SUITE);
    let mut cmd: Command = h.command();
    cmd.arg("run")
        .arg(&suite)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("starting wasmbench")
}

/// Waits until the journal holds `n` finished benches.
fn wait_for_benches(journal: &std::path::Path, n: usize) {
    let start = Instant::now();
    loop {
        let lines = std::fs::read_to_string(journal)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines > n {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the journal never reached {n} benches"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sigint_and_sigterm_write_what_finished() {
    for name in ["INT", "TERM"] {
        let h = Harness::new();
        let out = h.path().join("out");
        let child = spawn(&h, &out);
        wait_for_benches(&out.join("journal.jsonl"), 2);
        signal(&child, name);
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(130),
            "SIG{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let results: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap())
                .unwrap();
        assert_eq!(results["interrupted"], true);
        let ids: Vec<&str> = results["benches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        assert!(ids.len() >= 2 && ids.len() < 4, "SIG{name}: {ids:?}");
        assert_eq!(&ids[..2], ["cpu/fib[n=10]", "cpu/fib[n=11]"]);
        assert!(
            results["benches"]
                .as_array()
                .unwrap()
                .iter()
                .all(|b| b["status"] == "ok"),
            "unfinished benches are left out"
        );
    }
}

#[test]
fn sigkill_leaves_previous_results_and_a_readable_journal() {
    let h = Harness::new();
    let out = h.path().join("out");
    // A complete earlier run in the same folder.
    let quick = h.suite("quick.toml", "[suite]\nname = \"slow\"\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\nsamples = 2\n");
    let mut cmd = h.command();
    assert!(
        cmd.arg("run")
            .arg(&quick)
            .arg("--out")
            .arg(&out)
            .arg("-q")
            .status()
            .unwrap()
            .success()
    );
    let before = std::fs::read_to_string(out.join("results.json")).unwrap();

    let mut child = spawn(&h, &out);
    wait_for_benches(&out.join("journal.jsonl"), 2);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("results.json")).unwrap(),
        before,
        "results.json must be untouched"
    );

    // The journal stands in for results: compare reads it (as an interrupted run).
    let cmp = h.path().join("cmp");
    let run = h.wasmbench(&[
        "compare",
        out.join("results.json").to_str().unwrap(),
        out.join("journal.jsonl").to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
    ]);
    assert!(
        matches!(run.code, Some(0) | Some(3)),
        "{}",
        run.transcript()
    );
    let comparison: Value =
        serde_json::from_str(&std::fs::read_to_string(cmp.join("comparison.json")).unwrap())
            .unwrap();
    let ids: Vec<&str> = comparison["comparison"]["benches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"cpu/fib[n=11]"), "{ids:?}");
}
