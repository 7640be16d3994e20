//! The history at scale: C commits × B benches × 3 metrics (wall sampled with noise, fuel and peak
//! memory exact) recorded through the real store into a temporary SQLite file — all but the newest
//! 100 commits imported in bulk (`Store::add_all`), the newest 100 added one run at a time and
//! timed, as CI adds them; then what `history check` and `history report` do: `analyze` over the default
//! selection (the newest 200 points of every series) and the trend report, for every series and
//! for a `--filter` of 10 benches. Prints each time, the database's and the reports' sizes.
//!
//! One timed pass (no criterion: it is a one-shot measurement of a large state).
//! `cargo bench -p wasmbench --bench history_scale` runs 1,000 × 50 by default (seconds);
//! the figure is `WASMBENCH_SCALE_COMMITS=10000 WASMBENCH_SCALE_BENCHES=500`.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use wasmbench::analysis::changepoint::Settings;
use wasmbench::history::{
    DEFAULT_LAST, Gate, RunRecord, Selection, SeriesKey, SqliteStore, Store, Value, analyze,
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

fn size(path: &Path) -> String {
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let commits = env("WASMBENCH_SCALE_COMMITS", 1_000);
    let benches = env("WASMBENCH_SCALE_BENCHES", 50);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("history.db");
    println!(
        "history_scale: {commits} commits × {benches} benches × 3 metrics = {} points, {}",
        commits * benches * 3,
        path.display()
    );

    // add: the history up to its newest `tail` commits imported in bulk (`add_all`, 250 runs a
    // transaction), then the newest `tail` commits one `add` each, as CI adds them, timed.
    let mut store = SqliteStore::open(&path, true).expect("a new history");
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let tail = 100.min(commits);
    let started = Instant::now();
    let mut batch = Vec::new();
    for c in 0..commits - tail {
        batch.push(record(c, commits, benches, &mut rng));
        if batch.len() == 250 || c + 1 == commits - tail {
            store.add_all(&batch).expect("add_all");
            batch.clear();
        }
        if (c + 1) % (commits / 10).max(1) == 0 {
            eprintln!(
                "  {} commits imported, {} so far, {}",
                c + 1,
                secs(started.elapsed()),
                size(&path)
            );
        }
    }
    let import = started.elapsed();
    let mut adding = Duration::ZERO;
    let mut slowest = Duration::ZERO;
    for c in commits - tail..commits {
        let run = record(c, commits, benches, &mut rng);
        let t = Instant::now();
        store.add(&run).expect("add");
        let took = t.elapsed();
        adding += took;
        slowest = slowest.max(took);
    }
    let per = |d: Duration, n: usize| format!("{:.1} ms", d.as_secs_f64() * 1e3 / n.max(1) as f64);
    println!(
        "import: {} for {} runs in bulk ({} a run)",
        secs(import),
        commits - tail,
        per(import, commits - tail),
    );
    println!(
        "add: the newest {tail} runs one at a time, as CI adds them: {} a run (slowest {})",
        per(adding, tail),
        per(slowest, 1),
    );
    println!("database: {}", size(&path));
    drop(store);

    // check: open, analyze the default selection, apply the gate.
    let t = Instant::now();
    let store = SqliteStore::open(&path, false).expect("the history");
    let selection = Selection {
        last: DEFAULT_LAST as usize,
        ..Selection::default()
    };
    let analysis = analyze(&store, &selection, &Settings::default()).expect("analyze");
    let analyze_time = t.elapsed();
    let gate = Gate {
        thresholds: Thresholds::default(),
        recent: 10,
        since_ms: None,
    };
    let failures = analysis.failures(&gate).count();
    let changes: usize = analysis.trends.iter().map(|t| t.changes.len()).sum();
    println!(
        "check (open + analyze, newest 200 points of {} series, + gate): {} · {changes} change points, {failures} failing",
        analysis.trends.len(),
        secs(t.elapsed()),
    );
    println!("  of which analyze: {}", secs(analyze_time));

    // report, every series.
    let t = Instant::now();
    let html = trends::render(&analysis, &path.display().to_string()).expect("render");
    println!(
        "report (render, every series): {} · {:.1} MB",
        secs(t.elapsed()),
        html.len() as f64 / 1e6
    );

    // report --filter of 10 benches: analyze and render.
    let t = Instant::now();
    let filtered = Selection {
        bench: (0..10)
            .map(|i| bench_id(i * benches.max(10) / 10))
            .collect(),
        ..selection.clone()
    };
    let analysis = analyze(&store, &filtered, &Settings::default()).expect("analyze");
    let html = trends::render(&analysis, &path.display().to_string()).expect("render");
    println!(
        "report --filter (10 benches, {} series; analyze + render): {} · {:.2} MB",
        analysis.trends.len(),
        secs(t.elapsed()),
        html.len() as f64 / 1e6
    );
}
