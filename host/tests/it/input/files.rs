//! Files that are not what the harness reads: devices, FIFOs, folders and oversized files given as a
//! suite, results, baseline, plugin or expected output, and system files given as a plugin. Each is
//! refused at once (exit 2) with the file and the reason named; nothing is read without bound, nothing
//! waits on a FIFO, and a system file's contents are quoted nowhere.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::common::{Harness, Run};

/// Refusals are immediate: far below the harness's 120 s limit per process.
const PROMPTLY: Duration = Duration::from_secs(20);

const FIB: &str = "[defaults]\nwarmup = 0\nsamples = 1\nfuel_iterations = 1\nexecutions = 1\n\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 10 }\n";

/// A FIFO at `path`, with no writer: opening it for reading the usual way would block forever.
fn fifo(path: &Path) -> PathBuf {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `name` is a valid C string; mkfifo only creates a file system entry.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
    path.to_path_buf()
}

/// A sparse file of `len` bytes: as large as a test needs without writing the bytes.
fn sparse(path: &Path, len: u64) -> PathBuf {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
    path.to_path_buf()
}

/// Asserts `run` was refused promptly with exit 2, no results, and every needle in its stderr.
fn assert_refused(what: &str, run: &Run, needles: &[&str]) {
    assert_eq!(run.code, Some(2), "{what}\n{}", run.transcript());
    assert!(
        run.elapsed < PROMPTLY,
        "{what}: took {:?}\n{}",
        run.elapsed,
        run.transcript()
    );
    if let Some(out) = &run.out {
        assert!(
            !out.join("results.json").exists(),
            "{what}: results were written"
        );
    }
    for needle in needles {
        assert!(
            run.stderr.contains(needle),
            "{what}: stderr does not mention {needle:?}\n{}",
            run.transcript()
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.transcript());
}

#[test]
fn a_suite_must_be_a_regular_file_of_at_most_4_mib() {
    let h = Harness::new();
    let zero = Path::new("/dev/zero");
    let run = h.run(zero, &[]);
    assert_refused(
        "/dev/zero",
        &run,
        &["/dev/zero", "is a character device, not a regular file"],
    );

    let pipe = fifo(&h.path().join("suite.fifo"));
    let run = h.run(&pipe, &[]);
    assert_refused(
        "a FIFO",
        &run,
        &["suite.fifo", "is a FIFO, not a regular file"],
    );

    let folder = h.path().join("suite.toml.d");
    std::fs::create_dir(&folder).unwrap();
    let run = h.run(&folder, &[]);
    assert_refused(
        "a folder",
        &run,
        &["suite.toml.d", "is a directory, not a regular file"],
    );

    let big = sparse(&h.path().join("big.toml"), 5 << 20);
    let run = h.run(&big, &[]);
    assert_refused(
        "a 5 MiB suite",
        &run,
        &["big.toml", "is 5.00 MiB, over the 4 MiB cap for a suite"],
    );

    // `list` reads suites the same way.
    let run = h.wasmbench(&["list", "/dev/zero"]);
    assert_refused("list /dev/zero", &run, &["/dev/zero", "character device"]);
}

#[test]
fn results_and_baselines_must_be_regular_files_of_at_most_1_gib() {
    let h = Harness::new();
    let run = h.run_suite(FIB, &[]);
    run.assert_code(0);
    let good = run.out.as_ref().unwrap().join("results.json");
    let good = good.to_str().unwrap();
    let pipe = fifo(&h.path().join("results.fifo"));
    let pipe = pipe.to_str().unwrap();
    let big = sparse(&h.path().join("big.json"), 2 << 30);
    let big = big.to_str().unwrap();
    let suite = h.suite("fib.toml", FIB);
    let suite = suite.to_str().unwrap();
    let fifo_reason = "is a FIFO, not a regular file";
    let cases: [(&str, Vec<&str>, &str); 7] = [
        ("report of a FIFO", vec!["report", pipe], fifo_reason),
        (
            "compare with a FIFO",
            vec!["compare", good, pipe],
            fifo_reason,
        ),
        (
            "a FIFO as baseline",
            vec!["run", suite, "-q", "--baseline", pipe],
            fifo_reason,
        ),
        (
            "report of /dev/urandom",
            vec!["report", "/dev/urandom"],
            "is a character device",
        ),
        (
            "report of a folder",
            vec!["report", h.path().to_str().unwrap()],
            "is a directory",
        ),
        (
            "report of a 1 GiB file",
            vec!["report", big],
            "is 2.00 GiB, over the 1 GiB cap for a results file",
        ),
        (
            "a 1 GiB baseline",
            vec!["run", suite, "-q", "--baseline", big],
            "is 2.00 GiB, over the 1 GiB cap for a results file",
        ),
    ];
    for (what, args, reason) in cases {
        let run = h.wasmbench(&args);
        assert_refused(what, &run, &[reason]);
    }
}

/// `wasm = <a system file>`, by absolute and by `../` path: refused as not wasm (exit 2), the file
/// named and its contents quoted nowhere (stdout, stderr, results, report).
#[test]
fn a_system_file_as_plugin_is_refused_without_quoting_it() {
    let h = Harness::new();
    let passwd = Path::new("/etc/passwd");
    assert!(
        std::fs::read_to_string(passwd).unwrap().contains("root:"),
        "the test needs /etc/passwd with a root entry"
    );
    let depth = h.path().components().count();
    let relative = format!("{}etc/passwd", "../".repeat(depth));
    for path in ["/etc/passwd", relative.as_str()] {
        let run = h.run_suite(
            &format!("[[bench]]\nwasm = \"{path}\"\nworkload = \"run\"\n"),
            &[],
        );
        assert_refused(
            path,
            &run,
            &[
                "suite.toml:1:1",
                "key `bench[0].wasm`",
                path,
                "is not a WebAssembly binary or text file",
            ],
        );
        assert!(
            !run.stdout.contains("root:") && !run.stderr.contains("root:"),
            "{path}: the file is quoted\n{}",
            run.transcript()
        );
        let out = run.out.as_ref().unwrap();
        assert!(
            !out.join("report.html").exists() && !out.join("journal.jsonl").exists(),
            "{path}: a report or journal was written"
        );
    }
}

/// A plugin file (named by `wasm`, or a module in a `wasm` folder, or a core module's expected
/// output) that is a FIFO, a device or over the 256 MiB cap: the suite is refused naming the bench,
/// the file and the reason.
#[test]
fn plugins_and_expected_output_must_be_regular_files_within_their_caps() {
    let h = Harness::new();
    let hello = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sightglass/modules/hello.wat");
    let pipe = fifo(&h.path().join("plugin.wasm"));
    let big = sparse(&h.path().join("big.wasm"), (256 << 20) + 1);
    let folder = h.path().join("modules");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&hello, folder.join("a.wat")).unwrap();
    fifo(&folder.join("b.wasm"));
    let expecting = h.path().join("expecting");
    std::fs::create_dir(&expecting).unwrap();
    std::fs::copy(&hello, expecting.join("hello.wat")).unwrap();
    fifo(&expecting.join("hello.stdout.expected"));
    let fifo_reason = "is a FIFO, not a regular file";
    let cases = [
        (pipe.clone(), "plugin.wasm", fifo_reason),
        (
            PathBuf::from("/dev/zero"),
            "/dev/zero",
            "is a character device",
        ),
        (
            big,
            "big.wasm",
            "is 256 MiB + 1 B, over the 256 MiB cap for a wasm plugin",
        ),
        // The folder's second module (the second bench it makes).
        (folder.clone(), "modules/b.wasm", fifo_reason),
        (
            expecting.join("hello.wat"),
            "hello.stdout.expected",
            fifo_reason,
        ),
    ];
    for (path, file, reason) in cases {
        let run = h.run_suite(&format!("[[bench]]\nwasm = \"{}\"\n", path.display()), &[]);
        assert_refused(
            &path.display().to_string(),
            &run,
            &["suite.toml:1:1", ".wasm`: ", file, reason],
        );
    }
}
