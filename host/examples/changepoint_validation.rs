//! How well `history check` finds a shift, measured on synthetic series built from real A/A noise.
//!
//! The noise is `host/tests/fixtures/aa-noise.json` (`scripts/aa-noise-extract.py` makes it from a
//! folder of separate runs of the same suites with the same binary): per bench, the per-run wall
//! medians in run order. Each bench's noise becomes relative residuals r = median / median of the
//! bench − 1, and a series is drawn from them with a seeded RNG, by a circular block bootstrap
//! (blocks of 5 consecutive runs: neighbouring runs drift together, which i.i.d. resampling would
//! hide; `--iid` draws single runs instead, for comparison).
//!
//! - **Power**: a step of 2%, 5% or 10% (slower) is injected at commit 100 of a 120-commit series,
//!   and the check runs after each commit from the step on, as CI would (newest ≤200 points):
//!   detected = a change point within ±2 commits of the step, slower; delay = commits after the
//!   step commit until the first detection. "gate" = `history check` with the default wall
//!   threshold (5%) fails, naming a commit within ±2 of the step.
//! - **False alarms**: on 300 commits of pure noise, the commits at which `history check` newly
//!   fails (it passed at the commit before) — the real gate: the latest change point is a slowdown
//!   of at least the threshold that started within the newest 10 commits — per 100 commits, with
//!   threshold 0 (every significant slowdown) and the default 5%.
//!
//! Run: `cargo run --release -p wasmbench --example changepoint_validation [-- FIXTURE]
//! [--reps N] [--iid] [--grid] [--threads N] [--dump FILE]`. `--grid` also tries significance
//! 0.05 and min_size 6; `--dump FILE` writes a few series (and wasmbench's change points on them)
//! for `scripts/otava-crosscheck.py`.

use std::path::PathBuf;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;

use wasmbench::analysis::changepoint::{self, Settings};
use wasmbench::analysis::stats::median_of as median;
use wasmbench::history::{Gate, Point, Series, SeriesKey, Value, trend};
use wasmbench::model::{Metric, Thresholds};

/// Commit (0-based) of the injected step, and the commits checked from it on.
const STEP_AT: usize = 100;
const AFTER: usize = 20;
const STEPS: [f64; 3] = [0.02, 0.05, 0.10];
/// A change point this close to the step is the step.
const TOLERANCE: usize = 2;
/// Commits of pure noise per false-alarm series.
const NOISE_LEN: usize = 300;
/// `history check` defaults: the newest 200 points, changes within the newest 10 commits fail.
const LAST: usize = 200;
const RECENT: usize = 10;
const BLOCK: usize = 5;

#[derive(Deserialize)]
struct Fixture {
    benches: Vec<BenchNoise>,
}

#[derive(Deserialize, Clone)]
struct BenchNoise {
    suite: String,
    bench: String,
    wall_median_ns: Vec<f64>,
    fuel_exact: bool,
    memory_exact: bool,
}

struct Noise {
    name: String,
    median: f64,
    cv: f64,
    residuals: Vec<f64>,
}

impl Noise {
    fn new(bench: &BenchNoise) -> Noise {
        let walls = &bench.wall_median_ns;
        let median = median(walls);
        let mean = walls.iter().sum::<f64>() / walls.len() as f64;
        let var = walls.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / walls.len() as f64;
        Noise {
            name: format!("{}: {}", bench.suite, bench.bench),
            median,
            cv: var.sqrt() / mean,
            residuals: walls.iter().map(|w| w / median - 1.0).collect(),
        }
    }

    /// `len` values around the bench's median with its own noise.
    fn draw(&self, len: usize, iid: bool, rng: &mut ChaCha8Rng) -> Vec<f64> {
        let n = self.residuals.len();
        let block = if iid { 1 } else { BLOCK };
        let mut out = Vec::with_capacity(len + block);
        while out.len() < len {
            let start = rng.random_range(0..n);
            out.extend((0..block).map(|j| self.median * (1.0 + self.residuals[(start + j) % n])));
        }
        out.truncate(len);
        out
    }
}

fn quantile(sorted: &[usize], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    // Nearest rank.
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1] as f64)
}

/// A wall series as the store would hand it to `analyze`.
fn as_points(values: &[f64]) -> Vec<Point> {
    values
        .iter()
        .enumerate()
        .map(|(i, &v)| Point {
            run: i as i64 + 1,
            commit: format!("c{i}"),
            branch: None,
            at_ms: i as i64 * 60_000,
            value: Value {
                value: v,
                low: v,
                high: v,
                exact: false,
            },
        })
        .collect()
}

fn series() -> Series {
    Series {
        id: 1,
        key: SeriesKey {
            suite: "aa".into(),
            bench: "noise".into(),
            testbed: "here".into(),
            host: "wasmbench".into(),
            limits: String::new(),
            metric: Metric::Wall,
        },
    }
}

fn gate(wall: f64) -> Gate {
    let mut thresholds = Thresholds::default();
    thresholds.set(Metric::Wall, wall);
    Gate {
        thresholds,
        recent: RECENT,
        since_ms: None,
    }
}

/// One series' outcome for one step size.
#[derive(Default, Clone, Copy)]
struct Power {
    /// Delay (commits after the step commit) of the first change point at the step; of the first
    /// failing gate at 5%.
    raw: Option<usize>,
    gate: Option<usize>,
}

fn power(values: &[f64], settings: &Settings) -> Power {
    let points = as_points(values);
    let gate5 = gate(Metric::Wall.default_threshold());
    let near = |index: usize| index.abs_diff(STEP_AT) <= TOLERANCE;
    let mut out = Power::default();
    for k in 1..=AFTER {
        let n = STEP_AT + k;
        let start = n.saturating_sub(LAST);
        let t = trend(series(), points[start..n].to_vec(), settings);
        if out.raw.is_none()
            && t.changes
                .iter()
                .any(|c| near(start + c.at.index) && c.at.change > 0.0)
        {
            out.raw = Some(k - 1);
        }
        if out.gate.is_none() && t.failing(&gate5).is_some_and(|c| near(start + c.at.index)) {
            out.gate = Some(k - 1);
        }
        if out.raw.is_some() && out.gate.is_some() {
            break;
        }
    }
    out
}

/// New failures of the check at threshold 0 and 5%, and commits failing, over a noise series.
#[derive(Default, Clone, Copy)]
struct Alarms {
    commits: usize,
    new_raw: usize,
    new_gate: usize,
    failing_raw: usize,
    failing_gate: usize,
}

fn alarms(values: &[f64], settings: &Settings) -> Alarms {
    let points = as_points(values);
    let (gate0, gate5) = (gate(0.0), gate(Metric::Wall.default_threshold()));
    let mut out = Alarms::default();
    let (mut was_raw, mut was_gate) = (false, false);
    for n in 1..=values.len() {
        let start = n.saturating_sub(LAST);
        let t = trend(series(), points[start..n].to_vec(), settings);
        let (raw, gate) = (t.failing(&gate0).is_some(), t.failing(&gate5).is_some());
        out.commits += 1;
        out.new_raw += usize::from(raw && !was_raw);
        out.new_gate += usize::from(gate && !was_gate);
        out.failing_raw += usize::from(raw);
        out.failing_gate += usize::from(gate);
        (was_raw, was_gate) = (raw, gate);
    }
    out
}

fn seed(parts: &[u64]) -> ChaCha8Rng {
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    for &p in parts {
        s = (s ^ p).wrapping_mul(0x100_0000_01b3).rotate_left(29);
    }
    ChaCha8Rng::seed_from_u64(s)
}

/// Everything measured for one bench under one setting.
struct BenchOutcome {
    power: Vec<Vec<Power>>,
    alarms: Alarms,
}

fn measure(
    noise: &Noise,
    index: usize,
    reps: usize,
    iid: bool,
    settings: &Settings,
) -> BenchOutcome {
    let power = STEPS
        .iter()
        .enumerate()
        .map(|(s, &step)| {
            (0..reps)
                .map(|rep| {
                    let mut rng = seed(&[index as u64, s as u64, rep as u64]);
                    let mut values = noise.draw(STEP_AT + AFTER, iid, &mut rng);
                    for v in &mut values[STEP_AT..] {
                        *v *= 1.0 + step;
                    }
                    power(&values, settings)
                })
                .collect()
        })
        .collect();
    // Fewer noise series than step series: each is 300 checks.
    let mut total = Alarms::default();
    for rep in 0..reps.div_ceil(4) {
        let mut rng = seed(&[index as u64, 99, rep as u64]);
        let a = alarms(&noise.draw(NOISE_LEN, iid, &mut rng), settings);
        total.commits += a.commits;
        total.new_raw += a.new_raw;
        total.new_gate += a.new_gate;
        total.failing_raw += a.failing_raw;
        total.failing_gate += a.failing_gate;
    }
    BenchOutcome {
        power,
        alarms: total,
    }
}

fn measure_all(
    noises: &[Noise],
    reps: usize,
    iid: bool,
    settings: &Settings,
    threads: usize,
) -> Vec<BenchOutcome> {
    let mut slots: Vec<Option<BenchOutcome>> = (0..noises.len()).map(|_| None).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= noises.len() {
                        break;
                    }
                    let outcome = measure(&noises[i], i, reps, iid, settings);
                    done.lock().unwrap()[i] = Some(outcome);
                }
            });
        }
    });
    slots.into_iter().map(Option::unwrap).collect()
}

struct Summary {
    rate: f64,
    median: Option<f64>,
    p90: Option<f64>,
    gate_rate: f64,
    gate_median: Option<f64>,
}

fn summarize(outcomes: &[&BenchOutcome], step: usize) -> Summary {
    let all: Vec<Power> = outcomes
        .iter()
        .flat_map(|o| o.power[step].iter().copied())
        .collect();
    let mut raw: Vec<usize> = all.iter().filter_map(|p| p.raw).collect();
    let mut gate: Vec<usize> = all.iter().filter_map(|p| p.gate).collect();
    raw.sort_unstable();
    gate.sort_unstable();
    Summary {
        rate: raw.len() as f64 / all.len() as f64,
        median: quantile(&raw, 0.5),
        p90: quantile(&raw, 0.9),
        gate_rate: gate.len() as f64 / all.len() as f64,
        gate_median: quantile(&gate, 0.5),
    }
}

fn alarms_of(outcomes: &[&BenchOutcome]) -> Alarms {
    let mut total = Alarms::default();
    for o in outcomes {
        total.commits += o.alarms.commits;
        total.new_raw += o.alarms.new_raw;
        total.new_gate += o.alarms.new_gate;
        total.failing_raw += o.alarms.failing_raw;
        total.failing_gate += o.alarms.failing_gate;
    }
    total
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

fn opt(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.0}"))
}

fn per100(count: usize, commits: usize) -> String {
    format!("{:.2}", 100.0 * count as f64 / commits as f64)
}

struct Args {
    fixture: PathBuf,
    reps: usize,
    iid: bool,
    grid: bool,
    threads: usize,
    dump: Option<PathBuf>,
}

fn args() -> Args {
    let mut out = Args {
        fixture: PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/aa-noise.json"
        )),
        reps: 40,
        iid: false,
        grid: false,
        threads: 1,
        dump: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match arg.as_str() {
            "--reps" => out.reps = value("--reps").parse().expect("--reps N"),
            "--threads" => out.threads = value("--threads").parse().expect("--threads N"),
            "--dump" => out.dump = Some(value("--dump").into()),
            "--iid" => out.iid = true,
            "--grid" => out.grid = true,
            other if other.starts_with("--") => panic!("unknown option {other}"),
            path => out.fixture = path.into(),
        }
    }
    out
}

fn main() {
    let args = args();
    let text = std::fs::read_to_string(&args.fixture)
        .unwrap_or_else(|e| panic!("{}: {e}", args.fixture.display()));
    let fixture: Fixture = serde_json::from_str(&text).expect("an aa-noise.json fixture");
    let noises: Vec<Noise> = fixture.benches.iter().map(Noise::new).collect();
    let mut cvs: Vec<f64> = noises.iter().map(|n| n.cv).collect();
    cvs.sort_by(f64::total_cmp);
    let split = cvs[(cvs.len() - 1) / 2];
    let quiet: Vec<bool> = noises.iter().map(|n| n.cv <= split).collect();

    println!(
        "Noise: {} ({} benches, {} runs each); sampling: {}; {} series per bench and step, {} noise series of {NOISE_LEN} commits per bench.\n",
        args.fixture.display(),
        noises.len(),
        fixture
            .benches
            .first()
            .map_or(0, |b| b.wall_median_ns.len()),
        if args.iid {
            "i.i.d. resampling of runs"
        } else {
            "circular block bootstrap, blocks of 5 consecutive runs"
        },
        args.reps,
        args.reps.div_ceil(4)
    );
    println!("| bench | wall CV | group | fuel exact | memory exact |\n|---|---|---|---|---|");
    for ((noise, bench), &q) in noises.iter().zip(&fixture.benches).zip(&quiet) {
        println!(
            "| {} | {:.1}% | {} | {} | {} |",
            noise.name,
            100.0 * noise.cv,
            if q { "quiet" } else { "noisy" },
            if bench.fuel_exact {
                "yes"
            } else {
                "no (varies)"
            },
            if bench.memory_exact { "yes" } else { "no" }
        );
    }
    println!("\nSplit at the median CV, {:.1}%.\n", 100.0 * split);

    if let Some(path) = &args.dump {
        dump(path, &noises);
    }

    let mut grid = vec![(
        "defaults (significance 0.01, min_size 4)",
        Settings::default(),
    )];
    if args.grid {
        grid.push((
            "significance 0.05",
            Settings {
                significance: 0.05,
                ..Settings::default()
            },
        ));
        grid.push((
            "min_size 6",
            Settings {
                min_size: 6,
                ..Settings::default()
            },
        ));
        grid.push((
            "significance 0.05, min_size 6",
            Settings {
                significance: 0.05,
                min_size: 6,
                ..Settings::default()
            },
        ));
    }
    for (label, settings) in &grid {
        let started = std::time::Instant::now();
        let outcomes = measure_all(&noises, args.reps, args.iid, settings, args.threads);
        println!("### {label}\n");
        println!(
            "| benches | step | detected (±{TOLERANCE}, ≤{AFTER} commits) | median delay | p90 delay | check fails at 5% | its median delay |"
        );
        println!("|---|---|---|---|---|---|---|");
        for group in [true, false] {
            let members: Vec<&BenchOutcome> = outcomes
                .iter()
                .zip(&quiet)
                .filter(|(_, q)| **q == group)
                .map(|(o, _)| o)
                .collect();
            for (s, step) in STEPS.iter().enumerate() {
                let sum = summarize(&members, s);
                println!(
                    "| {} | +{:.0}% | {} | {} | {} | {} | {} |",
                    if group { "quiet" } else { "noisy" },
                    100.0 * step,
                    pct(sum.rate),
                    opt(sum.median),
                    opt(sum.p90),
                    pct(sum.gate_rate),
                    opt(sum.gate_median)
                );
            }
        }
        println!(
            "\n| benches | commits checked | new failures /100 commits, threshold 0 | at 5% | commits failing, threshold 0 | at 5% |"
        );
        println!("|---|---|---|---|---|---|");
        for group in [Some(true), Some(false), None] {
            let members: Vec<&BenchOutcome> = outcomes
                .iter()
                .zip(&quiet)
                .filter(|(_, q)| group.is_none_or(|g| **q == g))
                .map(|(o, _)| o)
                .collect();
            let a = alarms_of(&members);
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                match group {
                    Some(true) => "quiet",
                    Some(false) => "noisy",
                    None => "all",
                },
                a.commits,
                per100(a.new_raw, a.commits),
                per100(a.new_gate, a.commits),
                pct(a.failing_raw as f64 / a.commits as f64),
                pct(a.failing_gate as f64 / a.commits as f64),
            );
        }
        println!("\n({:.0} s)\n", started.elapsed().as_secs_f64());
    }
}

/// A few series for the Otava cross-check: real noise with a 5% and a 10% step at commit 60 of
/// 120, and pure noise; with the change points `detect` finds on the whole series.
fn dump(path: &std::path::Path, noises: &[Noise]) {
    let wanted = [
        "guide: fetch/sequential",
        "guide: fetch/limited",
        "guide: memory/bounded",
    ];
    let mut out = Vec::new();
    for (i, noise) in noises.iter().enumerate() {
        if !wanted.contains(&noise.name.as_str()) {
            continue;
        }
        for (s, step) in [0.0, 0.05, 0.10].into_iter().enumerate() {
            if step == 0.0 && noise.name != wanted[0] {
                continue;
            }
            let mut rng = seed(&[i as u64, 7, s as u64]);
            let mut values = noise.draw(120, false, &mut rng);
            for v in &mut values[60..] {
                *v *= 1.0 + step;
            }
            let points = changepoint::detect(&values, false, &Settings::default());
            out.push(serde_json::json!({
                "name": format!("{} {}", noise.name, if step == 0.0 { "pure noise".to_string() } else { format!("+{:.0}% at 60", 100.0 * step) }),
                "cv": noise.cv,
                "step": step,
                "step_at": if step == 0.0 { None } else { Some(60) },
                "values": values,
                "wasmbench": points.iter().map(|p| serde_json::json!({
                    "index": p.index, "change": p.change, "p_value": p.p_value,
                })).collect::<Vec<_>>(),
            }));
        }
    }
    std::fs::write(path, serde_json::to_string_pretty(&out).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    eprintln!("wrote {} series to {}", out.len(), path.display());
}
