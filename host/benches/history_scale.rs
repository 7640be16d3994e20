//! The history at scale: C commits × B benches × 3 metrics (wall sampled with noise, fuel and peak
//! memory exact) recorded through the real stores — a temporary SQLite file and, when
//! `WASMBENCH_TEST_POSTGRES` names a server, a temporary PostgreSQL database beside it, the same
//! runs into both: all but the newest 100 commits imported in bulk (`Store::add_all`), the newest
//! 100 added one run at a time and timed, as CI adds them, then 8 runs added at once by 8
//! connections (8 CI jobs finishing together); then what `history check` and `history report` do:
//! `analyze` over the default selection (the newest 200 points of every series) and the trend
//! report, for every series and for a `--filter` of 10 benches. Prints each time, the database's
//! and the reports' sizes, and the two stores side by side.
//!
//! One timed pass (no criterion: it is a one-shot measurement of a large state).
//! `cargo bench -p wasmbench --bench history_scale` runs 1,000 × 50 by default (seconds);
//! the figure is `WASMBENCH_SCALE_COMMITS=10000 WASMBENCH_SCALE_BENCHES=500`.

use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use wasmbench::analysis::changepoint::Settings;
use wasmbench::history::{
    DEFAULT_LAST, Gate, Location, RunRecord, Selection, SeriesKey, Store, Value, analyze,
    format_time,
};
use wasmbench::model::{Metric, Thresholds};
use wasmbench::report::html::trends;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.replace('_', "")
                .parse()
                .unwrap_or_else(|_| panic!("{name}={v}: a number"))
        })
        .unwrap_or(default)
}

fn bench_id(b: usize) -> String {
    format!("group{:02}/bench{b:04}[n={}]", b / 25, 1000 + b)
}

const HOST: &str = "wasmbench 0.1.0 · wasmtime 48.0.8";
const TESTBED: &str = "linux-x86_64 AMD EPYC ×2";

/// Commit `c`'s run: every bench's wall (1.5% noise around its level; a 10% slowdown from 90% of
/// the history on for every 50th bench), fuel and memory (exact; every 100th bench's fuel changes
/// once, at 80%).
fn record(c: usize, commits: usize, benches: usize, rng: &mut ChaCha8Rng) -> RunRecord {
    let at_ms = 1_700_000_000_000 + c as i64 * 3_600_000;
    let mut values = Vec::with_capacity(benches * 3);
    for b in 0..benches {
        let key = |metric| SeriesKey {
            suite: "scale".into(),
            bench: bench_id(b),
            testbed: TESTBED.into(),
            host: HOST.into(),
            limits: "fuel=5000000000 memory=67108864 deadline=10s".into(),
            metric,
        };
        let level = 1e6 * (1.0 + b as f64 / 10.0);
        let slower = if b % 50 == 7 && c >= commits * 9 / 10 {
            1.10
        } else {
            1.0
        };
        let noise: f64 = (0..4).map(|_| rng.random::<f64>()).sum::<f64>() / 4.0 - 0.5;
        let wall = level * slower * (1.0 + 0.05 * noise);
        values.push((
            key(Metric::Wall),
            Value {
                value: wall,
                low: wall * 0.98,
                high: wall * 1.02,
                exact: false,
            },
        ));
        let fuel = 1e7
            * (1 + b) as f64
            * if b % 100 == 3 && c >= commits * 8 / 10 {
                1.02
            } else {
                1.0
            };
        for (metric, v) in [
            (Metric::Fuel, fuel),
            (Metric::Memory, (1 + b % 64) as f64 * 65536.0),
        ] {
            values.push((
                key(metric),
                Value {
                    value: v,
                    low: v,
                    high: v,
                    exact: true,
                },
            ));
        }
    }
    RunRecord {
        commit: format!("{:040x}", 0xc0ffee_u64 * 1_000_003 + c as u64),
        branch: Some("main".into()),
        at_ms,
        suite: "scale".into(),
        testbed: TESTBED.into(),
        host: HOST.into(),
        started_at: format_time(at_ms),
        values,
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn per(d: Duration, n: usize) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3 / n.max(1) as f64)
}

/// A PostgreSQL database of the bench's own on the server `WASMBENCH_TEST_POSTGRES` names,
/// dropped afterwards.
struct Scratch {
    admin: String,
    name: String,
    url: String,
}

impl Scratch {
    fn create() -> Option<Scratch> {
        let admin = std::env::var("WASMBENCH_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("wasmbench_scale_{}", std::process::id());
        let mut client = postgres::Client::connect(&admin, postgres::NoTls)
            .unwrap_or_else(|e| panic!("WASMBENCH_TEST_POSTGRES: {e}"));
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("creating the bench's database");
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        Some(Scratch { admin, name, url })
    }

    fn size(&self) -> u64 {
        let mut client = postgres::Client::connect(&self.url, postgres::NoTls).unwrap();
        let row = client
            .query_one("SELECT pg_database_size(current_database())", &[])
            .unwrap();
        row.get::<_, i64>(0) as u64
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// One store measured: where it is, what it took.
struct Target {
    name: &'static str,
    location: Location,
    store: Box<dyn Store>,
    import: Duration,
    adding: Duration,
    slowest: Duration,
    at_once: Duration,
    check: Duration,
    report: Duration,
    filtered: Duration,
    size: u64,
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let commits = env("WASMBENCH_SCALE_COMMITS", 1_000);
    let benches = env("WASMBENCH_SCALE_BENCHES", 50);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("history.db");
    let scratch = Scratch::create();
    println!(
        "history_scale: {commits} commits × {benches} benches × 3 metrics = {} points, {}{}",
        commits * benches * 3,
        path.display(),
        if scratch.is_some() {
            " and a PostgreSQL database"
        } else {
            " (WASMBENCH_TEST_POSTGRES unset: SQLite only)"
        }
    );
    let mut locations = vec![("SQLite", Location::File(path.clone()))];
    if let Some(scratch) = &scratch {
        locations.push(("PostgreSQL", Location::parse(&scratch.url).unwrap()));
    }
    let mut targets: Vec<Target> = locations
        .into_iter()
        .map(|(name, location)| Target {
            name,
            store: location.open(true).expect("a new history"),
            location,
            import: Duration::ZERO,
            adding: Duration::ZERO,
            slowest: Duration::ZERO,
            at_once: Duration::ZERO,
            check: Duration::ZERO,
            report: Duration::ZERO,
            filtered: Duration::ZERO,
            size: 0,
        })
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let tail = 100.min(commits);
    record_all(&mut targets, commits, benches, tail, &mut rng);
    let at_once = 8;
    for target in &mut targets {
        target.size = match (&target.location, &scratch) {
            (Location::Postgres(_), Some(scratch)) => scratch.size(),
            _ => std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
        };
        target.at_once = add_at_once(target, commits, benches, at_once);
    }
    for target in &mut targets {
        check_and_report(target, benches);
    }
    summary(&targets, commits, tail, at_once);
}

/// The history imported in bulk up to its newest `tail` commits (`add_all`, 250 runs a
/// transaction), then the newest `tail` commits one `add` each, as CI adds them, timed; each run
/// into every target.
fn record_all(
    targets: &mut [Target],
    commits: usize,
    benches: usize,
    tail: usize,
    rng: &mut ChaCha8Rng,
) {
    let started = Instant::now();
    let mut batch = Vec::new();
    for c in 0..commits - tail {
        batch.push(record(c, commits, benches, rng));
        if batch.len() == 250 || c + 1 == commits - tail {
            for target in targets.iter_mut() {
                let t = Instant::now();
                target.store.add_all(&batch).expect("add_all");
                target.import += t.elapsed();
            }
            batch.clear();
        }
        if (c + 1) % (commits / 10).max(1) == 0 {
            let each: Vec<String> = targets
                .iter()
                .map(|t| format!("{} {}", t.name, secs(t.import)))
                .collect();
            eprintln!(
                "  {} commits imported, {} so far ({})",
                c + 1,
                secs(started.elapsed()),
                each.join(", ")
            );
        }
    }
    for c in commits - tail..commits {
        let run = record(c, commits, benches, rng);
        for target in targets.iter_mut() {
            let t = Instant::now();
            target.store.add(&run).expect("add");
            let took = t.elapsed();
            target.adding += took;
            target.slowest = target.slowest.max(took);
        }
    }
}

/// `count` runs added at once, each through a connection of its own (as `count` CI jobs that
/// finish together); every one must be stored.
fn add_at_once(target: &Target, commits: usize, benches: usize, count: usize) -> Duration {
    let (runs, series) = target.store.counts().expect("counts");
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let records: Vec<RunRecord> = (commits..commits + count)
        .map(|c| record(c, commits, benches, &mut rng))
        .collect();
    let t = Instant::now();
    std::thread::scope(|scope| {
        for run in &records {
            let location = target.location.clone();
            scope.spawn(move || {
                let mut store = location.open(true).expect("the history");
                store.add(run).expect("a concurrent add");
            });
        }
    });
    let took = t.elapsed();
    assert_eq!(
        target.store.counts().expect("counts"),
        (runs + count as u64, series),
        "{}: every concurrent run stored, no series twice",
        target.name
    );
    took
}

/// What `history check` does (open, analyze the default selection, the gate) and `history
/// report` (render every series; analyze and render a `--filter` of 10 benches).
fn check_and_report(target: &mut Target, benches: usize) {
    let shown = target.location.to_string();
    let t = Instant::now();
    let store = target.location.open(false).expect("the history");
    let selection = Selection {
        last: DEFAULT_LAST as usize,
        ..Selection::default()
    };
    let analysis = analyze(store.as_ref(), &selection, &Settings::default()).expect("analyze");
    let gate = Gate {
        thresholds: Thresholds::default(),
        recent: 10,
        since_ms: None,
    };
    let failures = analysis.failures(&gate).count();
    target.check = t.elapsed();
    let changes: usize = analysis.trends.iter().map(|t| t.changes.len()).sum();
    println!(
        "{}: check (open + analyze, newest 200 points of {} series, + gate): {} · {changes} change points, {failures} failing",
        target.name,
        analysis.trends.len(),
        secs(target.check),
    );
    let t = Instant::now();
    let html = trends::render(&analysis, &shown).expect("render");
    target.report = t.elapsed();
    println!(
        "{}: report (render, every series): {} · {:.1} MB",
        target.name,
        secs(target.report),
        html.len() as f64 / 1e6
    );
    let t = Instant::now();
    let filtered = Selection {
        bench: (0..10)
            .map(|i| bench_id(i * benches.max(10) / 10))
            .collect(),
        ..selection.clone()
    };
    let analysis = analyze(store.as_ref(), &filtered, &Settings::default()).expect("analyze");
    let html = trends::render(&analysis, &shown).expect("render");
    target.filtered = t.elapsed();
    println!(
        "{}: report --filter (10 benches, {} series; analyze + render): {} · {:.2} MB",
        target.name,
        analysis.trends.len(),
        secs(target.filtered),
        html.len() as f64 / 1e6
    );
}

/// The stores side by side, a Markdown table.
fn summary(targets: &[Target], commits: usize, tail: usize, at_once: usize) {
    println!();
    println!(
        "| store | bulk import ({} runs) | `add`, one run (mean · slowest of {tail}) | {at_once} `add`s at once | database | `check` | `report`, every series | `report --filter` |",
        commits - tail
    );
    println!("|---|---|---|---|---|---|---|---|");
    for t in targets {
        println!(
            "| {} | {} ({} a run) | {} · {} | {} | {:.0} MB | {} | {} | {} |",
            t.name,
            secs(t.import),
            per(t.import, commits - tail),
            per(t.adding, tail),
            per(t.slowest, 1),
            secs(t.at_once),
            t.size as f64 / 1e6,
            secs(t.check),
            secs(t.report),
            secs(t.filtered),
        );
    }
}
