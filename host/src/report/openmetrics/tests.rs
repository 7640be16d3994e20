use super::*;

#[test]
fn counters_are_exported_as_their_median_and_range() {
    let metrics = RunMetrics::new("s", "0.1.0", "48.0.8");
    let mut bench = crate::analysis::executions::test_bench("db/a", &[&[1000]]);
    bench.counters = [("db.time_ns".into(), 9_000_000)].into();
    bench.counter_stats = [(
        "db.time_ns".into(),
        crate::results::CounterStat {
            median: 2_000_000,
            min: 1_700_000,
            max: 9_000_000,
            iterations: 30,
            median_of: 30,
        },
    )]
    .into();
    metrics.bench_finished(&bench);
    let text = metrics.encode();
    let line = |stat: &str| {
        text.lines()
            .find(|l| {
                l.starts_with("wasmbench_counter{") && l.contains(&format!("stat=\"{stat}\""))
            })
            .unwrap_or_else(|| panic!("no {stat} in {text}"))
            .rsplit(' ')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(line("median"), "2000000");
    assert_eq!(line("min"), "1700000");
    assert_eq!(line("max"), "9000000");
    assert!(text.contains("wasmbench_last_iteration{"), "{text}");
}

#[test]
fn samples_come_in_label_order_with_histograms_kept_whole() {
    let metrics = RunMetrics::new("s", "0.1.0", "48.0.8");
    for bench in ["zeta", "alpha", "mid}dle\"x"] {
        metrics.sample(bench, 2_000, 64);
    }
    let text = metrics.encode();
    assert_eq!(text, metrics.encode());
    let memory: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("wasmbench_linear_memory_bytes{"))
        .collect();
    assert!(
        memory[0].contains("alpha") && memory[2].contains("zeta"),
        "{memory:?}"
    );
    let histogram: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("wasmbench_iteration_duration_seconds"))
        .collect();
    // Each bench's sum, count and buckets together, buckets in `le` order ending in +Inf.
    let per_bench = histogram.len() / 3;
    let bench_of =
        |line: &str| line[line.find("bench=").unwrap()..line.rfind('}').unwrap()].to_string();
    let mut benches = Vec::new();
    for chunk in histogram.chunks(per_bench) {
        let bench = bench_of(chunk[0]);
        assert!(chunk.iter().all(|l| bench_of(l) == bench), "{chunk:?}");
        assert!(chunk.last().unwrap().contains("le=\"+Inf\""), "{chunk:?}");
        benches.push(bench);
    }
    assert_eq!(benches.len(), 3);
    assert!(benches.windows(2).all(|w| w[0] < w[1]), "{benches:?}");
    assert!(text.ends_with("# EOF\n"));
}
