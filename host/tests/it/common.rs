//! Helpers shared by the integration tests: run the `wasmbench` binary against a suite written into a
//! temporary folder, with a per-test compile cache, and read `results.json` back.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// How long one `wasmbench` invocation may take before the test gives up on it.
const PROCESS_LIMIT: Duration = Duration::from_secs(120);

/// A temporary workspace for one test: suite files, output folders and the compile cache.
pub struct Harness {
    dir: TempDir,
    runs: AtomicUsize,
    /// How long one invocation may take (default [`PROCESS_LIMIT`]).
    limit: Duration,
    /// The compile cache its runs use: its own, or the one interpreter-loading tests share.
    cache: PathBuf,
}

/// What one `wasmbench` invocation did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The `--out` folder this run was given (`run` only).
    pub out: Option<PathBuf>,
    /// `<out>/results.json`, when the run wrote one.
    pub results: Option<Value>,
    pub elapsed: Duration,
}

impl Run {
    /// The results, or a panic that shows what the process printed.
    pub fn results(&self) -> &Value {
        self.results
            .as_ref()
            .unwrap_or_else(|| panic!("no results.json was written\n{}", self.transcript()))
    }

    /// The bench with this id (panics with the ids present if there is none).
    pub fn bench(&self, id: &str) -> &Value {
        bench(self.results(), id)
    }

    /// Asserts the exit code, showing the output on failure.
    pub fn assert_code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(expected),
            "unexpected exit code\n{}",
            self.transcript()
        );
        self
    }

    /// stdout and stderr, for assertion messages.
    pub fn transcript(&self) -> String {
        format!(
            "--- exit code: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Harness {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("wasmbench-test-")
            .tempdir()
            .expect("creating a temporary folder");
        let cache = dir.path().join("cache");
        Harness {
            dir,
            runs: AtomicUsize::new(0),
            limit: PROCESS_LIMIT,
            cache,
        }
    }

    /// A harness whose invocations may take up to `limit` each: for suites that compile the
    /// interpreter components of JavaScript and Python plugins (tens of MB of wasm each).
    pub fn with_process_limit(limit: Duration) -> Self {
        Harness {
            limit,
            ..Harness::new()
        }
    }

    /// A harness for tests that load the JavaScript and Python examples (each an interpreter
    /// component that takes 10–40 s to compile per engine) and don't test the compile cache: their
    /// runs share one cache under the target folder, so each such component compiles once per engine
    /// for the whole test run rather than once per test. Entries are keyed by the wasm and the engine's
    /// settings and written atomically, so concurrent tests can share them.
    pub fn sharing_interpreter_compiles() -> Self {
        Harness {
            cache: Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared-compile-cache"),
            ..Harness::with_process_limit(Duration::from_secs(600))
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The compile cache every run of this harness uses (`WASMBENCH_CACHE_DIR`).
    pub fn cache_dir(&self) -> PathBuf {
        self.cache.clone()
    }

    /// Writes a suite file into the harness folder and returns its path.
    pub fn suite(&self, file_name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(file_name);
        std::fs::write(&path, text).expect("writing the suite");
        path
    }

    /// `wasmbench` with the harness's environment: its own compile cache, the plugins built into
    /// the binary and the workspace's test and example plugins ([`test_plugins`]), and the harness
    /// folder as working directory.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasmbench"));
        cmd.env("WASMBENCH_CACHE_DIR", self.cache_dir())
            .env("WASMBENCH_PLUGIN_PATH", test_plugins())
            .env("NO_COLOR", "1")
            .current_dir(self.dir.path());
        cmd
    }

    /// `wasmbench run <suite> --out <fresh folder> -q <extra...>`.
    pub fn run(&self, suite: &Path, extra: &[&str]) -> Run {
        let n = self.runs.fetch_add(1, Ordering::SeqCst);
        let out = self.dir.path().join(format!("out-{n}"));
        let mut cmd = self.command();
        cmd.arg("run").arg(suite).arg("--out").arg(&out).arg("-q");
        cmd.args(extra);
        with_results(execute_within(cmd, self.limit, |_| {}), &out)
    }

    /// Writes `text` as a suite and runs it.
    pub fn run_suite(&self, text: &str, extra: &[&str]) -> Run {
        let suite = self.suite("suite.toml", text);
        self.run(&suite, extra)
    }

    /// `wasmbench <args...>`, e.g. `list`.
    pub fn wasmbench(&self, args: &[&str]) -> Run {
        let mut cmd = self.command();
        cmd.args(args);
        execute_within(cmd, self.limit, |_| {})
    }
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

/// `run` with the output folder of a `wasmbench run … --out out` and its results.json, if written.
pub fn with_results(mut run: Run, out: &Path) -> Run {
    let results_path = out.join("results.json");
    if results_path.is_file() {
        let text = std::fs::read_to_string(&results_path).expect("reading results.json");
        run.results = Some(serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!("results.json is not valid JSON: {e}\n{text}");
        }));
    }
    run.out = Some(out.to_path_buf());
    run
}

/// Runs `cmd` to completion (killing it after [`PROCESS_LIMIT`]), capturing its output, calling
/// `watch` with the process id at every poll while it runs (e.g. to sample its memory).
pub fn execute_watching(cmd: Command, watch: impl FnMut(u32)) -> Run {
    execute_within(cmd, PROCESS_LIMIT, watch)
}

/// [`execute_watching`] with another time limit.
fn execute_within(mut cmd: Command, limit: Duration, mut watch: impl FnMut(u32)) -> Run {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting wasmbench");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = reader(Box::new(child.stderr.take().expect("piped stderr")));
    let status = loop {
        watch(child.id());
        if let Some(status) = child.try_wait().expect("waiting for wasmbench") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "wasmbench ran longer than {limit:?}; killed it\n--- stderr:\n{}",
                stderr.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        out: None,
        results: None,
        elapsed: start.elapsed(),
    }
}

/// A counter of a bench's results (panics naming the bench and its counters if absent).
pub fn counter(bench: &Value, name: &str) -> u64 {
    bench["counters"][name].as_u64().unwrap_or_else(|| {
        panic!(
            "bench {} has no counter {name}: {}",
            bench["id"], bench["counters"]
        )
    })
}

/// The bench with this id in `results`.
pub fn bench<'a>(results: &'a Value, id: &str) -> &'a Value {
    let benches = results["benches"]
        .as_array()
        .expect("results.benches is an array");
    benches
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no bench `{id}`; the results have {:?}", ids(results)))
}

/// The bench ids in run order.
pub fn ids(results: &Value) -> Vec<String> {
    results["benches"]
        .as_array()
        .map(|benches| {
            benches
                .iter()
                .map(|b| b["id"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// `bench.status` as text.
pub fn status(bench: &Value) -> &str {
    bench["status"]
        .as_str()
        .unwrap_or_else(|| panic!("bench has no status: {bench:#}"))
}

/// `bench.message`, or "" when null.
pub fn message(bench: &Value) -> &str {
    bench["message"].as_str().unwrap_or("")
}

/// A JSON array of unsigned integers.
pub fn u64s(value: &Value) -> Vec<u64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_u64().unwrap_or_else(|| panic!("not a u64: {v}")))
        .collect()
}

/// A folder of links to the plugins the workspace built that are not built into wasmbench: the
/// test plugins (hostile, misbehave, …) and the JavaScript and Python examples. First-party
/// plugins named in suites come from the binary, as they do for a user.
pub fn test_plugins() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let built = Path::new(env!("WASMBENCH_BUILT_PLUGINS"));
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("test-plugins-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creating the test plugins' folder");
        let bundled: Vec<String> = wasmbench::plugin::bundled_names()
            .map(|name| format!("{}.wasm", name.replace('-', "_")))
            .collect();
        for entry in std::fs::read_dir(built).expect("reading the built plugins") {
            let path = entry.expect("a folder entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".wasm") && !bundled.contains(&name) {
                let link = dir.join(&name);
                let _ = std::fs::remove_file(&link);
                std::os::unix::fs::symlink(&path, &link).expect("linking a test plugin");
            }
        }
        dir
    })
}

/// A memory figure of process `pid` from `/proc/PID/status`, in bytes: `"VmHWM:"` (the peak
/// resident set, a high-water mark) or `"VmRSS:"` (the current one); `None` when it can't be read.
pub fn proc_memory(pid: u32, field: &str) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib << 10)
}
