//! `compare` and `report` on results with 10^6 wall-time samples per bench: the verdict (one
//! execution a side, so the bounded bootstrap runs; and three a side, the Welch interval), the
//! summary of 10^6 samples, and the HTML report with its charts. Their cost is bounded by
//! `analysis::stats::RESAMPLED_POINTS` and `analysis::distribution::CHART_POINTS`, not by the samples.
//!
//! Run with `cargo bench -p wasmbench --bench large_results`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

use wasmbench::analysis::compare::compare;
use wasmbench::analysis::stats::wall_result;
use wasmbench::model::{Limits, Status};
use wasmbench::report::html;
use wasmbench::results::{
    BenchResult, Environment, MemoryResult, Phases, ResultHead, RunResults, SCHEMA_VERSION,
    SuiteInfo, WasmInfo,
};

const SAMPLES: u64 = 1_000_000;

/// 10^6 samples around `level` ns (±5%, deterministic), in `executions` executions.
fn executions(level: u64, executions: u64) -> Vec<Vec<u64>> {
    let samples: Vec<u64> = (0..SAMPLES)
        .map(|i| level + (i * 7919) % (level / 20))
        .collect();
    samples
        .chunks((SAMPLES / executions) as usize)
        .map(<[u64]>::to_vec)
        .collect()
}

fn run(level: u64, n_executions: u64) -> RunResults {
    let wall = wall_result(executions(level, n_executions));
    let bench = BenchResult {
        head: ResultHead {
            id: "cpu/fib".into(),
            plugin: "cpu".into(),
            workload: "fib".into(),
            group: None,
            params: BTreeMap::new(),
            wasm: WasmInfo {
                path: "/plugins/cpu.wasm".into(),
                sha256: "0".repeat(64),
            },
            limits: Limits {
                fuel: 10_000_000_000,
                memory_bytes: 128 << 20,
                deadline: Duration::from_secs(10),
            }
            .into(),
            status: Status::Ok,
            message: None,
        },
        warmup: 0,
        expected: Status::Ok,
        met_expectation: true,
        phases: Phases::default(),
        fuel: None,
        wall_ns: wall,
        memory: MemoryResult {
            peak_bytes: 1 << 20,
            per_iteration: vec![1 << 20; SAMPLES as usize],
            growth_per_iteration: 0.0,
            leak_suspected: false,
        },
        checksum: None,
        checksum_stable: true,
        units: None,
        counters: BTreeMap::new(),
        counter_stats: BTreeMap::new(),
        parallel: None,
        host: None,
        db: None,
        output_check: None,
        thresholds: None,
        model: None,
        timing: None,
    };
    RunResults {
        schema_version: SCHEMA_VERSION,
        suite: SuiteInfo {
            name: "large".into(),
            path: "suites/large.toml".into(),
            groups: Default::default(),
        },
        environment: Environment::capture(),
        started_at: "2026-11-25T13:30:59Z".into(),
        finished_at: "2026-11-25T13:41:09Z".into(),
        interrupted: false,
        shard: None,
        benches: vec![bench],
        loads: Vec::new(),
        machine_noise: None,
        http_fixture: None,
    }
}

fn large_results(c: &mut Criterion) {
    let start = Instant::now();
    let (old1, new1) = (run(10_000, 1), run(11_000, 1));
    let summarized = start.elapsed() / 2;
    let (old3, new3) = (run(10_000, 3), run(11_000, 3));
    let start = Instant::now();
    let comparison = compare(&old1, &new1, None, None);
    let compared = start.elapsed();
    let start = Instant::now();
    let page = html::render(&new1, Some(&comparison)).expect("rendering");
    let reported = start.elapsed();
    println!(
        "10^6 samples: summary {summarized:.1?}; compare (one execution a side) {compared:.1?}; \
         HTML report {} bytes in {reported:.1?}",
        page.len()
    );

    let mut group = c.benchmark_group("large_results");
    group.sample_size(10);
    group.bench_function("summary of 10^6 samples", |b| {
        b.iter(|| wall_result(black_box(executions(10_000, 3))))
    });
    group.bench_function("compare 10^6 samples, 1 execution a side", |b| {
        b.iter(|| compare(black_box(&old1), black_box(&new1), None, None))
    });
    group.bench_function("compare 10^6 samples, 3 executions a side", |b| {
        b.iter(|| compare(black_box(&old3), black_box(&new3), None, None))
    });
    group.bench_function("HTML report of 10^6 samples with a baseline", |b| {
        b.iter(|| html::render(black_box(&new1), Some(black_box(&comparison))).expect("rendering"))
    });
    group.finish();
}

criterion_group!(benches, large_results);
criterion_main!(benches);
