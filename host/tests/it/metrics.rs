//! OpenMetrics out of wasmbench, checked by a real consumer: Prometheus's `promtool check metrics`
//! parses and lints the export of a finished run and a scrape of `--metrics-addr` taken while a
//! run goes.
//!
//! The tests skip, with a message, when `promtool` is missing — unless it is required:
//! `WASMBENCH_REQUIRE_PROMTOOL=1` (which `.ci/run` exports) or `CI` is set.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{self, Harness, with_results};

fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("WASMBENCH_REQUIRE_PROMTOOL") || set("CI")
}

/// Whether `promtool` runs; panics when it is required and doesn't.
fn promtool_or_skip(test: &str) -> bool {
    let works = Command::new("promtool")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    match works {
        true => true,
        false if required() => panic!(
            "promtool is required here (WASMBENCH_REQUIRE_PROMTOOL or CI is set): install \
             Debian's `prometheus` package (.ci/run does)"
        ),
        false => {
            eprintln!("SKIPPED {test}: no promtool (install Debian's `prometheus` package)");
            false
        }
    }
}

/// `promtool check metrics` on `text`: its verdict and what it said.
fn promtool_check(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting promtool");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

const SUITE: &str = "[defaults]\nwarmup = 1\nsamples = 5\nexecutions = 1\nfuel_iterations = 1\n\
    [[bench]]\nid = \"fib\"\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 20 }\n\
    [[bench]]\nid = \"trap\"\nplugin = \"misbehave\"\nworkload = \"trap\"\nexpect = \"trap\"\n\
    [[load]]\nid = \"empty\"\nplugin = \"handler\"\nworkload = \"empty\"\nwarmup = 1\n\
    thresholds = [\"p99 < 1s\"]\n[[load.phase]]\nname = \"steady\"\nduration = \"1s\"\nrate = 50\n";

#[test]
fn the_export_of_a_run_passes_promtool() {
    if !promtool_or_skip("the_export_of_a_run_passes_promtool") {
        return;
    }
    let h = Harness::new();
    let run = h.run_suite(SUITE, &[]);
    run.assert_code(0);
    let results = run.out.as_ref().unwrap().join("results.json");
    let out = h.path().join("run.prom");
    let export = h.wasmbench(&[
        "export",
        "openmetrics",
        results.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    export.assert_code(0);
    let text = std::fs::read_to_string(&out).unwrap();
    let (ok, said) = promtool_check(&text);
    assert!(ok, "promtool rejected the export:\n{said}\n---\n{text}");
    assert!(text.ends_with("# EOF\n"));
    for line in [
        "wasmbench_iteration_duration_seconds_count{suite=\"suite\",bench=\"fib\"} 5",
        "wasmbench_bench_status{suite=\"suite\",bench=\"fib\",status=\"ok\"} 1",
        "wasmbench_bench_status{suite=\"suite\",bench=\"trap\",status=\"trap\"} 1",
        "wasmbench_bench_failures{suite=\"suite\",bench=\"trap\",status=\"trap\"} 1",
        "wasmbench_benches_planned{suite=\"suite\"} 2",
        "wasmbench_benches_finished{suite=\"suite\"} 2",
        "wasmbench_load_status{suite=\"suite\",scenario=\"empty\",status=\"ok\"} 1",
        "wasmbench_load_requests{suite=\"suite\",scenario=\"empty\",phase=\"steady\",outcome=\"offered\"} 50",
        "wasmbench_load_requests{suite=\"suite\",scenario=\"empty\",phase=\"overall\",outcome=\"ok\"} 50",
        "wasmbench_load_threshold_passed{suite=\"suite\",scenario=\"empty\",threshold=\"p99 < 1s\",scope=\"overall\"} 1",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in:\n{text}"
        );
    }
    assert!(text.contains("wasmbench_fuel_per_iteration{suite=\"suite\",bench=\"fib\"}"));
    assert!(text.contains(
        "wasmbench_load_latency_seconds{suite=\"suite\",scenario=\"empty\",phase=\"steady\",stat=\"p99.9\"}"
    ));
    // Without -o it goes to stdout, the same text.
    let stdout = h.wasmbench(&["export", "openmetrics", results.to_str().unwrap()]);
    stdout.assert_code(0);
    assert_eq!(stdout.stdout, text);
}

/// An HTTP GET of `path` on `port`: the status line and the body.
fn get(port: u16, path: &str) -> Option<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    Some((head.lines().next()?.to_string(), body.to_string()))
}

#[test]
fn metrics_are_served_while_a_run_goes() {
    let promtool = promtool_or_skip("metrics_are_served_while_a_run_goes");
    let h = Harness::new();
    // A free port (the run binds it right after).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let suite = h.suite(
        "suite.toml",
        "[defaults]\nwarmup = 1\nsamples = 40\nexecutions = 2\nfuel_iterations = 1\n\
         [[bench]]\nid = \"fib\"\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 27 }\n\
         [[load]]\nid = \"empty\"\nplugin = \"handler\"\nworkload = \"empty\"\nwarmup = 1\n\
         [[load.phase]]\nduration = \"2s\"\nrate = 100\n",
    );
    let out = h.path().join("out");
    let mut cmd = h.command();
    cmd.arg("run")
        .arg(&suite)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .args(["--metrics-linger", "0"])
        .arg("--metrics-addr")
        .arg(format!("127.0.0.1:{port}"));
    // The last scrape that had samples in it, taken while the run went, and the first that had
    // the load scenario's requests (the endpoint keeps serving after the benches).
    let mut scraped: Option<String> = None;
    let mut scraped_load: Option<String> = None;
    let load_requests = "wasmbench_load_requests{suite=\"suite\",scenario=\"empty\",phase=\"overall\",outcome=\"ok\"}";
    let run = common::execute_watching(cmd, |_| {
        if let Some((status, body)) = get(port, "/metrics")
            && status.contains("200")
            && body.contains("wasmbench_samples{suite=\"suite\",bench=\"fib\"}")
        {
            if scraped_load.is_none() && body.contains(load_requests) {
                scraped_load = Some(body.clone());
            }
            scraped = Some(body);
        }
    });
    let run = with_results(run, &out);
    run.assert_code(0);
    assert!(
        run.stderr
            .contains(&format!("metrics: http://127.0.0.1:{port}/metrics"))
    );
    let body = scraped.expect("no scrape during the run had samples");
    assert!(
        body.contains("wasmbench_iteration_duration_seconds_bucket{"),
        "{body}"
    );
    assert!(body.ends_with("# EOF\n"));
    if promtool {
        let (ok, said) = promtool_check(&body);
        assert!(ok, "promtool rejected the scrape:\n{said}\n---\n{body}");
    }
    let load = scraped_load.expect("no scrape during the run had the load scenario's requests");
    assert!(load.contains("wasmbench_load_in_flight{"), "{load}");
    assert!(Path::new(&out).join("results.json").exists());
}

/// After the run (stdout not a terminal: the default linger), the endpoint serves the final
/// values again once results are written, so a scraper's last scrape sees every bench finished;
/// Ctrl-C ends the linger at once, and the run keeps its exit code.
#[test]
fn the_final_values_are_served_after_the_run() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", LONG_SUITE);
    let port = free_port();
    let out = h.path().join("out");
    let said = h.path().join("stderr.txt");
    let mut child = h
        .command()
        .arg("run")
        .arg(&suite)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .arg("--metrics-addr")
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&said).unwrap())
        .spawn()
        .unwrap();
    let give_up = std::time::Instant::now() + Duration::from_secs(120);
    let stderr = || std::fs::read_to_string(&said).unwrap_or_default();
    while !stderr().contains("serving the final values") {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended without lingering: {status}\n{}", stderr());
        }
        assert!(std::time::Instant::now() < give_up, "{}", stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        stderr().contains(&format!(
            "metrics: serving the final values at http://127.0.0.1:{port}/metrics for 15s more"
        )) && stderr().contains("Ctrl-C stops now"),
        "{}",
        stderr()
    );
    // Results are written before the linger.
    assert!(out.join("results.json").is_file());
    let (status, body) = get(port, "/metrics").expect("a scrape after the run");
    assert!(status.contains("200"), "{status}");
    for family in ["wasmbench_benches_planned", "wasmbench_benches_finished"] {
        assert!(
            body.contains(&format!("{family}{{suite=\"suite\"}} 2\n")),
            "{family}:\n{body}"
        );
    }
    // SAFETY: signalling the child this test started, by its pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let signalled = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(5),
            "Ctrl-C did not end the linger"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{}", stderr());
    assert!(get(port, "/metrics").is_none(), "still served after Ctrl-C");
}

/// A port already taken stops the run before it starts, naming the flag.
#[test]
fn a_metrics_port_in_use_is_refused_up_front() {
    let h = Harness::new();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let run = h.run_suite(SUITE, &["--metrics-addr", &addr]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("--metrics-addr"),
        "{}",
        run.transcript()
    );
}

/// A suite that runs for a couple of seconds: long enough for a flood of connections to land
/// while its benches run.
const LONG_SUITE: &str = "[defaults]\nwarmup = 1\nsamples = 5\nexecutions = 3\nfuel_iterations = 1\n\
    [[bench]]\nid = \"spin\"\nplugin = \"calibrate\"\nworkload = \"spin\"\n\
    params = { iterations = 30000000 }\n\
    [[bench]]\nid = \"fib\"\nplugin = \"cpu\"\nworkload = \"fib\"\nparams = { n = 20 }\n";

/// A free port on the loopback (the run binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The test process's soft limit on open files.
fn open_files_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    if ok { limit.rlim_cur } else { 1024 }
}

/// Connects to `port` again and again from a thread, sending `head` on each connection and
/// keeping it open, until `count` connections are held or `stop` is set; returns how many were
/// opened. The connections close when the thread ends.
fn flood(
    port: u16,
    count: usize,
    head: Vec<u8>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::thread::JoinHandle<usize> {
    use std::sync::atomic::Ordering;
    std::thread::spawn(move || {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut held = Vec::new();
        let mut opened = 0;
        while !stop.load(Ordering::Relaxed) {
            if held.len() < count {
                match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                    Ok(mut stream) => {
                        opened += 1;
                        let _ = stream.set_write_timeout(Some(Duration::from_millis(500)));
                        // A closed connection fails the write: what was sent is what counts.
                        let _ = stream.write_all(&head);
                        held.push(stream);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            } else {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        opened
    })
}

/// Runs `cmd` while [`flood`] connects to `port`; returns the run (with its results) and the
/// harness's peak resident memory (VmHWM, bytes) and how many connections the flood opened.
fn run_flooded(
    cmd: Command,
    out: &Path,
    port: u16,
    count: usize,
    head: &[u8],
) -> (common::Run, u64, usize) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flooding = flood(port, count, head.to_vec(), stop.clone());
    let mut peak = 0u64;
    let run = common::execute_watching(cmd, |pid| {
        if let Some(bytes) = common::proc_memory(pid, "VmHWM:") {
            peak = peak.max(bytes);
        }
    });
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let opened = flooding.join().unwrap();
    (with_results(run, out), peak, opened)
}

/// `wasmbench run SUITE --out OUT -q --metrics-addr 127.0.0.1:PORT`, and OUT.
fn metrics_run(h: &Harness, suite: &Path, port: u16) -> (Command, std::path::PathBuf) {
    let out = h.path().join("out");
    let mut cmd = h.command();
    cmd.arg("run")
        .arg(suite)
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .args(["--metrics-linger", "0"])
        .arg("--metrics-addr")
        .arg(format!("127.0.0.1:{port}"));
    (cmd, out)
}

/// Limits the process `cmd` starts to `files` open files (`ulimit -n`).
fn limit_open_files(cmd: &mut Command, files: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe; it only lowers the child's own limit.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: files,
                rlim_max: files,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Idle connections to the endpoint cannot take the run's file descriptors: the harness, limited
/// to 256 open files, serves at most a few connections at once and closes the rest, so its
/// workers start and results.json is written with every bench's result.
#[test]
fn idle_connections_cannot_starve_the_run_of_file_descriptors() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", LONG_SUITE);
    let port = free_port();
    let (mut cmd, out) = metrics_run(&h, &suite, port);
    limit_open_files(&mut cmd, 256);
    // Well past the harness's 256, within what this test process may hold beside other tests.
    let count = 2000.min(open_files_limit() as usize / 2);
    let (run, _, opened) = run_flooded(cmd, &out, port, count, b"");
    run.assert_code(0);
    assert!(opened > 300, "only {opened} connections were opened");
    let results = run.results();
    assert_eq!(common::ids(results), ["spin", "fib"]);
    for id in ["spin", "fib"] {
        let bench = run.bench(id);
        assert_eq!(
            common::status(bench),
            "ok",
            "{id}: {}",
            common::message(bench)
        );
    }
    assert!(
        run.stderr.contains("note: the metrics endpoint closed"),
        "{}",
        run.transcript()
    );
}

/// A harness with too few file descriptors to start its workers (32 open files, the endpoint's
/// connections taking what is left) still finishes the run: every bench fails with the reason,
/// and results.json says so.
#[test]
fn benches_whose_workers_cannot_start_are_failures_in_the_results() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", LONG_SUITE);
    let port = free_port();
    let (mut cmd, out) = metrics_run(&h, &suite, port);
    limit_open_files(&mut cmd, 32);
    let (run, _, _) = run_flooded(cmd, &out, port, 64, b"");
    run.assert_code(1);
    for id in ["spin", "fib"] {
        let bench = run.bench(id);
        assert_eq!(common::status(bench), "error", "{id}");
        let message = common::message(bench);
        assert!(
            message.contains("starting a worker process") && message.contains("open files"),
            "{id}: {message}"
        );
    }
}

/// Connections that send a long request head and never finish it cannot make the endpoint hold
/// memory: a head is capped, and only a few connections are served at once.
#[test]
fn unfinished_request_heads_cannot_make_the_harness_hold_memory() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", LONG_SUITE);
    let port = free_port();
    let (cmd, out) = metrics_run(&h, &suite, port);
    let mut head = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Padding: ".to_vec();
    head.resize(256 << 10, b'a');
    let count = 2000.min(open_files_limit() as usize / 2);
    let (run, peak, opened) = run_flooded(cmd, &out, port, count, &head);
    run.assert_code(0);
    assert!(opened > 300, "only {opened} connections were opened");
    for id in ["spin", "fib"] {
        assert_eq!(common::status(run.bench(id)), "ok", "{id}");
    }
    // A run of these benches peaks near 40 MiB; a quarter MiB buffered per connection would be
    // hundreds of MiB.
    assert!(
        peak < 160 << 20,
        "the harness peaked at {} MiB with {opened} unfinished request heads",
        peak >> 20
    );
}

/// `ab` closes the metrics endpoint before it writes results, as `run` does: with more
/// connections held than the endpoint serves, its closing note (stderr) comes before the results
/// and the verdicts are written (stdout, the same file here, so in the order they were said).
#[test]
fn ab_closes_the_metrics_endpoint_before_writing_results() {
    let h = Harness::new();
    let suite = h.suite("suite.toml", LONG_SUITE);
    let port = free_port();
    let out = h.path().join("ab");
    let said = h.path().join("said.txt");
    let file = std::fs::File::create(&said).unwrap();
    let mut cmd = h.command();
    cmd.arg("ab")
        .arg(&suite)
        .arg("--base")
        .arg(env!("WASMBENCH_BUILT_PLUGINS"))
        .arg("-q")
        .arg("--out")
        .arg(&out)
        .args(["--metrics-linger", "0"])
        .arg("--metrics-addr")
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file);
    let mut child = cmd.spawn().unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let (mut held, give_up) = (
        Vec::new(),
        std::time::Instant::now() + Duration::from_secs(120),
    );
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > give_up {
            let _ = child.kill();
            panic!("ab did not finish in 2 minutes");
        }
        if held.len() < 40 {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
                Ok(stream) => held.push(stream),
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        } else {
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let said = std::fs::read_to_string(&said).unwrap();
    assert!(matches!(status.code(), Some(0 | 3)), "{status}\n{said}");
    assert!(
        held.len() > 16,
        "only {} connections were opened\n{said}",
        held.len()
    );
    let closed = said
        .find("note: the metrics endpoint closed")
        .unwrap_or_else(|| panic!("no closing note\n{said}"));
    let results = said
        .find("results: ")
        .unwrap_or_else(|| panic!("no results line\n{said}"));
    assert!(
        closed < results,
        "the endpoint closed after the results were written\n{said}"
    );
    assert!(out.join("results.json").is_file() && out.join("base/results.json").is_file());
}
