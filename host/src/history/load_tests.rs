//! Load scenarios in the history: their series, and error rate gated by its difference.

use super::tests::{all, run};
use super::*;
use crate::analysis::changepoint::Settings;
use crate::model::Metric;
use crate::results::RunResults;

/// A load scenario (open model, pool 4, two phases, one param) as results.json holds it, with
/// `rounds` of (p50 ms, p99 ms, throughput, error rate); status `ok` unless told.
fn load(id: &str, status: &str, rounds: &[(f64, f64, f64, f64)]) -> crate::results::LoadResult {
    let stats = serde_json::json!({
        "offered": 0, "dropped": 0, "ok": 0, "errors": {}, "offered_rate": 0.0,
        "throughput": 0.0, "error_rate": 0.0, "drop_rate": 0.0, "latency": null,
        "service": null, "spectrum": []
    });
    let rounds: Vec<serde_json::Value> = rounds
        .iter()
        .map(|&(p50, p99, throughput, error_rate)| {
            serde_json::json!({
                "p50_ns": (p50 * 1e6) as u64, "p99_ns": (p99 * 1e6) as u64,
                "throughput": throughput, "error_rate": error_rate
            })
        })
        .collect();
    serde_json::from_value(serde_json::json!({
        "id": id, "plugin": "handler", "workload": "request",
        "params": { "body": "64 KiB" },
        "wasm": { "path": "handler.wasm", "sha256": "0" },
        "limits": { "fuel": 1_000_000_000u64, "memory_bytes": 67_108_864u64, "deadline": 10_000_000_000u64 },
        "setup": { "model": "open", "arrival": "poisson", "connections": null, "think_ns": null,
                   "pool": 4, "queue": 64, "warmup": 10 },
        "status": status,
        "phases": [
            { "name": "warm", "start_ns": 0, "duration_ns": 2_500_000_000u64, "rate": 200.0,
              "ramp_to": null, "stats": stats },
            { "name": "ramp", "start_ns": 2_500_000_000u64, "duration_ns": 3_000_000_000u64,
              "rate": 200.0, "ramp_to": 400.0, "stats": stats },
        ],
        "overall": null, "timeline": [], "timeline_step_ns": 0, "schedule_lag": null,
        "thresholds": [], "aborted": null, "rounds": rounds, "detail_round": 0
    }))
    .expect("a valid load result")
}

fn record(results: &RunResults) -> RunRecord {
    RunRecord::from_results(
        results,
        &Provenance {
            commit: "c1".into(),
            ..Provenance::default()
        },
    )
    .unwrap()
}

#[test]
fn load_scenarios_that_ran_become_series_of_their_rounds_medians() {
    let five = load(
        "handler/echo",
        "ok",
        &[
            (1.0, 9.0, 1000.0, 0.0),
            (1.2, 8.0, 990.0, 0.01),
            (1.1, 12.0, 1010.0, 0.0),
            (0.9, 10.0, 1005.0, 0.0),
            (1.3, 11.0, 995.0, 0.02),
        ],
    );
    let two = load(
        "handler/two",
        "ok",
        &[(2.0, 20.0, 500.0, 0.0), (3.0, 30.0, 400.0, 0.0)],
    );
    // No request completed in any round: no latency, but throughput and error rate.
    let mut unmeasured = load("handler/unmeasured", "ok", &[]);
    unmeasured.rounds = vec![
        crate::results::LoadRound {
            p50_ns: None,
            p99_ns: None,
            throughput: 0.0,
            error_rate: 1.0,
        };
        3
    ];
    let trapped = load("misbehave/trap", "trap", &[(1.0, 1.0, 1.0, 0.0)]);
    let recorded = record(&RunResults::of_loads(vec![five, two, unmeasured, trapped]));
    let of = |bench: &str, metric: Metric| {
        recorded
            .values
            .iter()
            .find(|(k, _)| k.bench == bench && k.metric == metric)
            .map(|(k, v)| (k.clone(), *v))
    };
    // Every load metric of the scenarios that ran; nothing of the one that didn't.
    assert_eq!(recorded.values.len(), 4 + 4 + 2, "{:#?}", recorded.values);
    assert!(
        recorded
            .values
            .iter()
            .all(|(k, _)| k.bench != "misbehave/trap")
    );
    assert!(of("handler/unmeasured", Metric::LatencyP50).is_none());
    assert_eq!(
        of("handler/unmeasured", Metric::ErrorRate).unwrap().1.value,
        1.0
    );

    // Five rounds: the median, its bootstrap interval within the rounds' range, sampled.
    let (key, p99) = of("handler/echo", Metric::LatencyP99).unwrap();
    assert_eq!(p99.value, 10e6);
    assert!(8e6 <= p99.low && p99.low <= p99.value && p99.value <= p99.high && p99.high <= 12e6);
    assert!(p99.low < p99.high && !p99.exact, "{p99:?}");
    assert_eq!(
        of("handler/echo", Metric::LatencyP50).unwrap().1.value,
        1.1e6
    );
    assert_eq!(
        of("handler/echo", Metric::Throughput).unwrap().1.value,
        1000.0
    );
    assert_eq!(of("handler/echo", Metric::ErrorRate).unwrap().1.value, 0.0);
    // The key: the scenario's id; its limits with its setup, plan and params.
    assert_eq!(key.suite, "load");
    assert_eq!(
        key.limits,
        "fuel=1000000000 memory=67108864 deadline=10s model=open arrival=poisson pool=4 queue=64 \
         phases=2.5s@200,3s@200..400 body=64KiB"
    );

    // Two rounds: their median and their range.
    let p50 = of("handler/two", Metric::LatencyP50).unwrap().1;
    assert_eq!((p50.value, p50.low, p50.high), (2.5e6, 2e6, 3e6));

    // A bigger pool is another series.
    let mut bigger = load("handler/echo", "ok", &[(1.0, 9.0, 1000.0, 0.0)]);
    bigger.setup.pool = 8;
    let other = record(&RunResults::of_loads(vec![bigger]));
    assert_ne!(other.values[0].0.limits, key.limits);
    assert!(other.values[0].0.limits.contains("pool=8"));
}

/// `count` commits of one load metric: `before` until commit `step_at`, then `after`, each times
/// a small deterministic wobble of `noise` (a share: relative to the value, or added to it for
/// an error rate).
fn load_history(metric: Metric, before: f64, after: f64, noise: f64) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(&dir.path().join("h.db"), true).unwrap();
    let wobble = [0.0, 1.0, -0.8, 0.6, -1.0, 0.3, 0.9, -0.5];
    for i in 0..26 {
        let base = if i >= 20 { after } else { before };
        let w = noise * wobble[i % wobble.len()];
        let value = if metric.compared_as_difference() {
            (base + w.abs()).max(0.0)
        } else {
            base * (1.0 + w)
        };
        store
            .add(&run(
                &format!("c{i}"),
                i as i64 * 1000,
                &[("handler/request", "ci", metric, value)],
            ))
            .unwrap();
    }
    analyze(&store, &all(), &Settings::default()).unwrap()
}

fn default_gate() -> Gate {
    Gate {
        thresholds: crate::model::Thresholds::default(),
        recent: 10,
        since_ms: None,
    }
}

/// An error rate from 0 to 5% is a shift of 5 percentage points, beyond the 1-point threshold:
/// it fails, though its relative change (from 0) means nothing. Half a point does not.
#[test]
fn an_error_rate_step_from_zero_fails_by_its_difference() {
    let analysis = load_history(Metric::ErrorRate, 0.0, 0.05, 0.0);
    let trend = &analysis.trends[0];
    let change = trend
        .failing(&default_gate())
        .expect("the step fails the gate");
    assert_eq!(change.commit, "c20");
    assert!(change.regression);
    assert_eq!((change.at.before, change.at.after), (0.0, 0.05));
    assert!((change.at.change - 0.05).abs() < 1e-12, "{change:?}");
    // With a little noise on top, still found and resolved.
    let noisy = load_history(Metric::ErrorRate, 0.0, 0.05, 0.002);
    assert_eq!(
        noisy.trends[0]
            .failing(&default_gate())
            .map(|c| c.commit.as_str()),
        Some("c20")
    );
    // Half a percentage point: a change point, under the threshold.
    let small = load_history(Metric::ErrorRate, 0.0, 0.005, 0.0);
    assert_eq!(small.trends[0].changes.len(), 1);
    assert!(small.failures(&default_gate()).next().is_none());
    // `--threshold error-rate=0.4%` (a difference) makes it fail; `--min-change 1%` drops it.
    let strict = Gate {
        thresholds: crate::model::Thresholds::default()
            .with_overrides("error-rate=0.4%")
            .unwrap(),
        ..default_gate()
    };
    assert!(small.trends[0].failing(&strict).is_some());
    let floor = Settings {
        min_change: 0.01,
        ..Settings::default()
    };
    let series = &small.trends[0];
    let floored = super::trend(series.series.clone(), series.points.clone(), &floor);
    assert!(floored.changes.is_empty(), "{:?}", floored.changes);
    // Going back to 0 is an improvement.
    let better = load_history(Metric::ErrorRate, 0.05, 0.0, 0.0);
    assert!(!better.trends[0].changes[0].regression);
    assert!(better.failures(&default_gate()).next().is_none());
}

/// Throughput is higher-is-better: a 10% drop fails, a 10% rise is an improvement.
#[test]
fn a_throughput_drop_fails_and_a_rise_does_not() {
    let drop = load_history(Metric::Throughput, 1000.0, 900.0, 0.004);
    let change = drop.trends[0]
        .failing(&default_gate())
        .expect("the drop fails the gate");
    assert_eq!(change.commit, "c20");
    assert!(change.regression && change.at.change < -0.08, "{change:?}");

    let rise = load_history(Metric::Throughput, 1000.0, 1100.0, 0.004);
    let trend = &rise.trends[0];
    assert_eq!(trend.changes.len(), 1, "the rise is found");
    assert!(!trend.changes[0].regression);
    assert!(trend.failing(&default_gate()).is_none());
    assert!(trend.inconclusive(&default_gate()).is_none());

    // p99 is lower-is-better: 20% slower fails.
    let p99 = load_history(Metric::LatencyP99, 10e6, 12e6, 0.004);
    assert!(p99.trends[0].failing(&default_gate()).is_some());
}
