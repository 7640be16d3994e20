//! How long the HTML report takes for a run of 100 benches (20 groups of 5 alternatives, 20 samples
//! each, counters, a few parallel passes, parameter sweeps and failures), and how big it is; plus the
//! same run against a baseline.
//!
//! Run with `cargo bench -p wasmbench --bench report`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

use wasmbench::analysis::compare::compare;
use wasmbench::analysis::stats::wall_result;
use wasmbench::model::{Limits, Status};
use wasmbench::report::html;
use wasmbench::results::{
    BenchResult, Environment, FuelResult, HostGroupResult, HostResult, MemoryResult,
    ParallelResult, Phases, ResultHead, RunResults, SCHEMA_VERSION, SuiteInfo, UnitsResult,
    WasmInfo,
};

/// A deterministic pseudo-random sequence (no dependency on a generator crate's stream).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn bench(g: usize, k: usize, rng: &mut Lcg, slower: f64) -> BenchResult {
    let workloads = ["blocking", "stream", "aside", "write-through", "two-level"];
    let workload = workloads[k];
    let base = 1e6 * (1.0 + g as f64) * (1.0 + k as f64 * 0.3) * slower;
    let samples: Vec<u64> = (0..20)
        .map(|_| (base * (0.95 + 0.1 * rng.next())) as u64)
        .collect();
    let failed = g % 9 == 4 && k == 4;
    // Three executions of the samples, as a default run has.
    let wall = (!failed)
        .then(|| wall_result(samples.chunks(7).map(<[u64]>::to_vec).collect()))
        .flatten();
    let leaky = g % 7 == 3 && k == 0;
    let per_iteration: Vec<u64> = (0..20u64)
        .map(|i| (1 << 20) + if leaky { i * 300_000 } else { 0 })
        .collect();
    let mut params = BTreeMap::new();
    params.insert("file".to_string(), "data.bin".to_string());
    // Every fourth group sweeps a parameter: one workload at five chunk sizes.
    let (workload, chunk) = if g % 4 == 1 {
        ("stream", 4096u64 << (2 * k))
    } else {
        (workload, 65536)
    };
    params.insert("chunk".to_string(), format!("{} KiB", chunk / 1024));
    let mut counters = BTreeMap::new();
    counters.insert("l1_hits".to_string(), 1000 + (rng.next() * 500.0) as u64);
    counters.insert("l1_misses".to_string(), 300 + (rng.next() * 200.0) as u64);
    counters.insert("store.gets".to_string(), 1371);
    counters.insert("store.latency_ns".to_string(), 3_134_000_000);
    counters.insert("store.bytes_read".to_string(), 175_488);
    let median = wall.as_ref().map(|w| w.summary.median);
    BenchResult {
        head: ResultHead {
            id: format!("group{g}/{workload}[chunk={} KiB]#{k}", chunk / 1024),
            plugin: "fs-read".into(),
            workload: workload.into(),
            group: Some(format!("group-{g}")),
            params,
            wasm: WasmInfo {
                path: "/plugins/fs-read.wasm".into(),
                sha256: "9109345349c30fa5".repeat(4),
            },
            limits: Limits {
                fuel: 10_000_000_000,
                memory_bytes: 128 << 20,
                deadline: Duration::from_secs(10),
            }
            .into(),
            status: if failed { Status::Trap } else { Status::Ok },
            message: failed
                .then(|| "run trapped: wasm trap: wasm `unreachable` instruction executed".into()),
        },
        warmup: 2,
        expected: Status::Ok,
        met_expectation: !failed,
        phases: Phases {
            compile_ns: Some(380_000),
            compile_cached: true,
            instantiate_ns: Some(130_000),
            setup_ns: Some(60_000),
        },
        fuel: (!failed).then(|| FuelResult {
            per_iteration: 30_000_000 + k as u64 * 1_000_000,
            samples: vec![30_000_000 + k as u64 * 1_000_000; 3],
            varies: false,
            setup: 5_000,
            metering_slowdown: Some(1.4),
        }),
        wall_ns: wall,
        memory: MemoryResult {
            peak_bytes: *per_iteration.last().unwrap(),
            growth_per_iteration: if leaky { 300_000.0 } else { 0.0 },
            leak_suspected: leaky,
            per_iteration,
        },
        checksum: (!failed).then(|| format!("{:016x}", g * 7919)),
        checksum_stable: true,
        units: median.map(|m| UnitsResult {
            unit: "bytes".into(),
            per_iteration: 4 << 20,
            per_second: Some((4 << 20) as f64 / (m / 1e9)),
        }),
        counters,
        counter_stats: BTreeMap::new(),
        parallel: (g % 5 == 2 && k == 1 && !failed).then_some(ParallelResult {
            instances: 2,
            iterations: 40,
            elapsed_ns: 60_000_000,
            units_per_second: 300.0e6,
            speedup: Some(1.6),
            pool_waits: None,
            pool_wait_ns: None,
        }),
        host: median.map(|m| HostResult {
            calls_per_iteration: 64,
            ns_per_iteration: (m * 0.2) as u64,
            share_of_wall: Some(0.2),
            bytes_per_iteration: 4 << 20,
            groups: vec![HostGroupResult {
                group: "streams".into(),
                calls_per_iteration: 64,
                bytes_per_iteration: 4 << 20,
                ns_per_iteration: (m * 0.2) as u64,
            }],
        }),
        db: None,
        output_check: None,
        thresholds: None,
        model: None,
        timing: None,
    }
}

fn run(slower: f64, seed: u64) -> RunResults {
    let mut rng = Lcg(seed);
    RunResults {
        schema_version: SCHEMA_VERSION,
        suite: SuiteInfo {
            name: "synthetic".into(),
            path: "suites/synthetic.toml".into(),
            groups: Default::default(),
        },
        environment: Environment::capture(),
        started_at: "2026-11-25T13:30:59Z".into(),
        finished_at: "2026-11-25T13:41:09Z".into(),
        interrupted: false,
        shard: None,
        benches: (0..20)
            .flat_map(|g| (0..5).map(move |k| (g, k)))
            .map(|(g, k)| bench(g, k, &mut rng, slower))
            .collect(),
        loads: Vec::new(),
        machine_noise: None,
        http_fixture: None,
    }
}

fn report(c: &mut Criterion) {
    let results = run(1.0, 1);
    let baseline = run(0.9, 2);
    let comparison = compare(&baseline, &results, None, None);

    // One timed render first, for the figures printed with the criterion numbers.
    let start = Instant::now();
    let page = html::render(&results, None).expect("rendering");
    let alone = start.elapsed();
    let start = Instant::now();
    let with_baseline = html::render(&results, Some(&comparison)).expect("rendering");
    let compared = start.elapsed();
    println!(
        "100 benches: report {} bytes in {alone:.1?}; with a baseline {} bytes in {compared:.1?}",
        page.len(),
        with_baseline.len()
    );

    let mut group = c.benchmark_group("html_report");
    group.sample_size(20);
    group.bench_function("100 benches", |b| {
        b.iter(|| html::render(black_box(&results), None).expect("rendering"))
    });
    group.bench_function("100 benches with a baseline", |b| {
        b.iter(|| {
            html::render(black_box(&results), Some(black_box(&comparison))).expect("rendering")
        })
    });
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
