//! Malformed results files are refused by `wasmbench::results::read_results` (and so by `wasmbench
//! compare`) with a message that names the file.

use crate::common;

use std::path::Path;

use common::Harness;
/// A real results.json from a short run, as text.
fn real_results(h: &Harness) -> String {
    let run = h.run_suite(
        "[defaults]\nwarmup = 0\nsamples = 1\nfuel_iterations = 1\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\n",
        &[],
    );
    run.assert_code(0);
    std::fs::read_to_string(run.out.unwrap().join("results.json")).unwrap()
}

/// `read_results` on `text` written to `name`: the error message (panics if it was accepted).
fn refused(dir: &Path, name: &str, text: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let error = match wasmbench::results::read_results(&path) {
        Ok(_) => panic!("{name} was accepted as results"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        error.contains(&path.display().to_string()),
        "{name}: the error does not name the file: {error}"
    );
    error
}

#[test]
fn malformed_results_are_refused_with_the_file_named() {
    let h = Harness::new();
    let good = real_results(&h);
    let dir = h.path();
    let path = dir.join("good.json");
    std::fs::write(&path, &good).unwrap();
    let read = wasmbench::results::read_results(&path).expect("a real results file loads");
    assert_eq!(read.benches.len(), 1);

    let truncated = refused(dir, "truncated.json", &good.as_bytes()[..good.len() / 2]);
    assert!(
        truncated.contains("not valid JSON") && truncated.contains("line"),
        "{truncated}"
    );

    let empty = refused(dir, "empty.json", b"");
    assert!(empty.contains("not valid JSON"), "{empty}");

    let newer = good.replacen("\"schema_version\": 2", "\"schema_version\": 3", 1);
    let error = refused(dir, "newer.json", newer.as_bytes());
    assert!(
        error.contains("results schema version 3") && error.contains("reads versions 1 and 2"),
        "{error}"
    );

    let stringly = good.replacen("\"schema_version\": 2", "\"schema_version\": \"2\"", 1);
    let error = refused(dir, "stringly.json", stringly.as_bytes());
    assert!(error.contains("schema_version"), "{error}");

    for (name, text) in [
        (
            "package.json",
            &b"{\"name\": \"left-pad\", \"version\": \"1.3.0\"}"[..],
        ),
        ("array.json", b"[1, 2, 3]"),
        ("string.json", b"\"results\""),
        ("null.json", b"null"),
    ] {
        let error = refused(dir, name, text);
        assert!(
            error.contains("not a wasmbench results file"),
            "{name}: {error}"
        );
    }

    // The right version, the wrong contents: the key path is named.
    let missing = good.replacen("\"benches\"", "\"benchez\"", 1);
    let error = refused(dir, "missing.json", missing.as_bytes());
    assert!(error.contains("benches"), "{error}");
    let bad_status = good.replacen("\"status\": \"ok\"", "\"status\": \"fine\"", 1);
    let error = refused(dir, "bad-status.json", bad_status.as_bytes());
    assert!(
        error.contains("benches[0].status") && error.contains("fine"),
        "{error}"
    );

    // Deep nesting: refused by the parser's depth limit, not by overflowing the stack.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = refused(dir, "deep.json", deep.as_bytes());
    assert!(error.contains("not valid JSON"), "{error}");

    let error = refused(dir, "binary.json", b"\xff\xfe\x00{\x00");
    assert!(error.contains("cannot read"), "{error}");

    for missing in [dir.join("no-such.json"), dir.to_path_buf()] {
        let error = format!(
            "{:#}",
            wasmbench::results::read_results(&missing).expect_err("not a file")
        );
        assert!(
            error.contains(&missing.display().to_string()) && error.contains("cannot read"),
            "{error}"
        );
    }
}

/// The same files through the command line (`wasmbench compare OLD NEW`): exit 2, the file named.
#[test]
fn compare_refuses_malformed_results_files() {
    let h = Harness::new();
    let good = real_results(&h);
    let dir = h.path();
    std::fs::write(dir.join("good.json"), &good).unwrap();
    let bad: [(&str, Vec<u8>, &str); 5] = [
        (
            "truncated.json",
            good.as_bytes()[..good.len() / 2].to_vec(),
            "not valid JSON",
        ),
        (
            "newer.json",
            good.replacen("\"schema_version\": 2", "\"schema_version\": 3", 1)
                .into_bytes(),
            "schema version 3",
        ),
        (
            "package.json",
            b"{\"name\": \"left-pad\"}".to_vec(),
            "not a wasmbench results file",
        ),
        ("binary.json", b"\xff\xfe\x00".to_vec(), "cannot read"),
        ("missing.json", Vec::new(), "cannot read"),
    ];
    for (name, bytes, reason) in &bad {
        if *name != "missing.json" {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        for args in [["good.json", name], [name, "good.json"]] {
            let run = h.wasmbench(&["compare", args[0], args[1], "--out", "cmp"]);
            run.assert_code(2);
            assert!(
                run.stderr.contains(name) && run.stderr.contains(reason),
                "{args:?}\n{}",
                run.transcript()
            );
        }
    }
}

/// A results file whose bench message is 200 MB (a plugin's or an editor's doing): read and reported
/// with the message cut to a few KiB, so the report stays small and the command stays quick.
#[test]
fn a_huge_message_is_clipped_when_results_are_read() {
    let h = Harness::new();
    let good = real_results(&h);
    let mut value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let huge = 200_000_000;
    value["benches"][0]["message"] = serde_json::Value::String("m".repeat(huge));
    let path = h.path().join("huge.json");
    std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    drop(value);

    let read = wasmbench::results::read_results(&path).expect("read");
    let message = read.benches[0].head.message.as_deref().unwrap();
    assert!(message.len() < 20 << 10, "{}", message.len());
    assert!(
        message.ends_with("more bytes cut)"),
        "{}",
        &message[message.len() - 40..]
    );
    drop(read);

    let report = h.path().join("report.html");
    let run = h.wasmbench(&[
        "report",
        path.to_str().unwrap(),
        "--output",
        report.to_str().unwrap(),
    ]);
    run.assert_code(0);
    let size = std::fs::metadata(&report).unwrap().len();
    assert!(size < 5 << 20, "the report is {size} bytes");
    assert!(
        run.stdout.len() + run.stderr.len() < 1 << 20,
        "{} bytes printed",
        run.stdout.len() + run.stderr.len()
    );
}
