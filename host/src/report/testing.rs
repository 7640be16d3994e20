//! Synthetic results for the reports' tests: a run with load scenarios (one that overloads its
//! pool and misses a threshold, one that could not start, one with hostile names).

use std::collections::BTreeMap;

use crate::model::Status;
use crate::results::{
    LimitsRecord, LoadResult, LoadSetup, LoadStats, Percentiles, PhaseResult, ResultHead,
    RunResults, SpectrumPoint, ThresholdVerdict, TimelinePoint, WasmInfo,
};

/// A run with no benches, only `loads` (for the reports' tests).
pub fn run_with_loads(loads: Vec<LoadResult>) -> RunResults {
    RunResults::of_loads(loads)
}

const MS: f64 = 1e6;

/// Latency at percentile `p` (0–100): `base` at the median, growing by `tail` per nine.
fn at(p: f64, base: f64, tail: f64) -> u64 {
    let nines = -(1.0 - p / 100.0).max(1e-6).log10();
    (base * (0.6 + 0.4 * nines) + tail * nines * nines) as u64
}

fn stats(
    seconds: f64,
    offered: u64,
    ok: u64,
    dropped: u64,
    errors: &[(&str, u64)],
    base: f64,
    wait: f64,
) -> LoadStats {
    let errors: BTreeMap<String, u64> = errors.iter().map(|(k, n)| (k.to_string(), *n)).collect();
    let failed: u64 = errors.values().sum();
    let spectrum: Vec<SpectrumPoint> = (0..=16)
        .map(|i| 100.0 * (1.0 - 10f64.powf(-(i as f64) * 0.25)))
        .chain([100.0])
        .map(|p| {
            let p_max = if p >= 100.0 { 99.999 } else { p };
            SpectrumPoint {
                percentile: p,
                latency_ns: at(p_max, base, base * 0.5) + at(p_max, wait, wait * 2.0),
                service_ns: at(p_max, base, base * 0.5),
            }
        })
        .collect();
    let percentiles = |f: &dyn Fn(f64) -> u64| Percentiles {
        count: ok + failed,
        p50: f(50.0),
        p90: f(90.0),
        p95: f(95.0),
        p99: f(99.0),
        p999: f(99.9),
        max: f(99.999),
        mean: f(60.0) as f64,
    };
    LoadStats {
        offered,
        dropped,
        ok,
        errors,
        offered_rate: offered as f64 / seconds,
        throughput: ok as f64 / seconds,
        error_rate: failed as f64 / (offered - dropped).max(1) as f64,
        drop_rate: dropped as f64 / offered.max(1) as f64,
        latency: Some(percentiles(&|p| {
            at(p, base, base * 0.5) + at(p, wait, wait * 2.0)
        })),
        service: Some(percentiles(&|p| at(p, base, base * 0.5))),
        spectrum,
    }
}

fn threshold(text: &str, scope: &str, observed: Option<f64>) -> ThresholdVerdict {
    let threshold: crate::model::LoadThreshold = text.parse().expect("a valid threshold");
    let passed = observed.is_some_and(|v| threshold.holds(v));
    ThresholdVerdict {
        threshold,
        scope: scope.into(),
        observed,
        passed,
    }
}

// long: one fixture, a scenario's result written out as a literal; split, its phases and totals
// would no longer be seen to agree.
/// An open-model scenario in three phases, the last past the pool's capacity: queueing, drops,
/// timeouts, a missed latency threshold.
pub fn overloaded() -> LoadResult {
    let s = 1_000_000_000u64;
    let phases = vec![
        PhaseResult {
            name: "warm".into(),
            start_ns: 0,
            duration_ns: 10 * s,
            rate: 200.0,
            ramp_to: None,
            stats: stats(10.0, 2000, 2000, 0, &[], 1.2 * MS, 0.1 * MS),
        },
        PhaseResult {
            name: "ramp".into(),
            start_ns: 10 * s,
            duration_ns: 20 * s,
            rate: 200.0,
            ramp_to: Some(1000.0),
            stats: stats(20.0, 12000, 11990, 0, &[("trap", 10)], 1.3 * MS, 2.0 * MS),
        },
        PhaseResult {
            name: "overload".into(),
            start_ns: 30 * s,
            duration_ns: 10 * s,
            rate: 1500.0,
            ramp_to: None,
            stats: stats(
                10.0,
                15000,
                10600,
                4000,
                &[("timeout", 380), ("trap", 20)],
                1.5 * MS,
                180.0 * MS,
            ),
        },
    ];
    let overall = stats(
        40.0,
        29000,
        24590,
        4000,
        &[("timeout", 380), ("trap", 30)],
        1.3 * MS,
        40.0 * MS,
    );
    let step = 500_000_000u64;
    let timeline = (0..82u64)
        .map(|i| {
            let t = (i * step) as f64 / 1e9;
            let rate = if t < 10.0 {
                200.0
            } else if t < 30.0 {
                200.0 + 40.0 * (t - 10.0)
            } else if t < 40.0 {
                1500.0
            } else {
                0.0
            };
            let capacity = 1100.0;
            let done = rate.min(capacity) + if t >= 40.0 { 300.0 } else { 0.0 };
            let wait = if t >= 30.0 {
                (t - 29.0) * 25.0 * MS
            } else {
                0.0
            };
            let half = |v: f64| (v * 0.5) as u64;
            TimelinePoint {
                at_ns: i * step,
                offered: half(rate),
                ok: half(done * 0.97),
                failed: if t >= 30.0 { half(done * 0.03) } else { 0 },
                dropped: if (31.0..40.0).contains(&t) {
                    half(rate - capacity)
                } else {
                    0
                },
                in_flight: if t >= 30.0 { 64 } else { 2 },
                p50_ns: (1.3 * MS + wait * 0.6) as u64,
                p99_ns: (4.0 * MS + wait * 1.4) as u64,
                max_ns: (6.0 * MS + wait * 2.0) as u64,
            }
        })
        .collect();
    LoadResult {
        head: ResultHead {
            id: "handler/echo".into(),
            plugin: "handler".into(),
            workload: "echo".into(),
            group: None,
            params: BTreeMap::from([("size".to_string(), "1 KiB".to_string())]),
            wasm: WasmInfo {
                path: "plugins/handler.wasm".into(),
                sha256: "0".repeat(64),
            },
            limits: LimitsRecord {
                fuel: 1_000_000_000,
                memory_bytes: 64 << 20,
                deadline: std::time::Duration::from_secs(10),
            },
            status: Status::Ok,
            message: None,
        },
        setup: LoadSetup {
            model: "open".into(),
            arrival: Some("poisson".into()),
            connections: None,
            think_ns: None,
            pool: 4,
            queue: 64,
            warmup: 10,
        },
        fuel_per_request: Some(1_250_000),
        peak_memory: Some(2 << 20),
        thresholds: vec![
            threshold(
                "p95 < 100ms",
                "overall",
                Some(overall.latency.unwrap().p95 as f64),
            ),
            threshold("error_rate < 5%", "overall", Some(overall.error_rate)),
            threshold(
                "throughput > 500/s",
                "ramp",
                Some(phases[1].stats.throughput),
            ),
            threshold("service.p99 <= 10ms", "overload", None),
        ],
        phases,
        overall: Some(overall),
        timeline,
        timeline_step_ns: step,
        schedule_lag: Some(Percentiles {
            count: 29000,
            p50: 12_000,
            p90: 40_000,
            p95: 60_000,
            p99: 150_000,
            p999: 900_000,
            max: 2_100_000,
            mean: 20_000.0,
        }),
        aborted: None,
        rounds: Vec::new(),
        detail_round: 0,
    }
}

/// A closed-model scenario whose instances could not start: nothing measured.
pub fn could_not_start() -> LoadResult {
    let mut l = overloaded();
    l.head.id = "misbehave/trap".into();
    l.setup = LoadSetup {
        model: "closed".into(),
        arrival: None,
        connections: Some(16),
        think_ns: Some(10_000_000),
        pool: 16,
        queue: 0,
        warmup: 0,
    };
    l.head.status = Status::Trap;
    l.head.message = Some("wasm trap: unreachable\n  at misbehave::run".into());
    l.phases.clear();
    l.overall = None;
    l.timeline.clear();
    l.thresholds.clear();
    l.schedule_lag = None;
    l.fuel_per_request = None;
    l.peak_memory = None;
    l
}

/// Names that are markup.
pub fn hostile() -> LoadResult {
    let mut l = overloaded();
    l.head.id = "<script>alert(1)</script>".into();
    l.phases[0].name = "<b>warm</b> & | `x`".into();
    l.thresholds[2].scope = "<i>ramp</i>".into();
    l.aborted = Some("p95 < 200ms failed at <40s>".into());
    l.head.message = Some("</pre><img src=x>".into());
    l
}

/// A run with two load scenarios, one that overloads its pool and one that could not start, and
/// what `export` writes for it without a baseline.
pub fn rendered_loads(export: &dyn crate::report::export::Export) -> (RunResults, String) {
    let run = run_with_loads(vec![overloaded(), could_not_start()]);
    let inputs = crate::report::export::Inputs {
        results: &run,
        comparison: None,
        all: false,
        dir: None,
    };
    let text = export
        .render(&inputs)
        .expect("rendering succeeds")
        .expect("a run with load scenarios writes the file");
    (run, text)
}

/// A run whose benches measure [`crate::model::Metric::Toy`], the sampled metric of test builds
/// (a bench measures it when it has a `toy` parameter): two benches of one group, in two
/// executions each, one with fuel.
pub fn toy_run() -> RunResults {
    use crate::analysis::executions::{samples_around, test_bench};
    let mut run = run_with_loads(Vec::new());
    run.suite.name = "toy".into();
    run.benches = [("cpu/fib[toy=1]", 1.0), ("cpu/fib-fast[toy=1]", 0.5)]
        .into_iter()
        .map(|(id, ms)| {
            let mut bench = test_bench(id, &[&samples_around(ms), &samples_around(ms * 1.01)]);
            bench.head.params.insert("toy".into(), "1".into());
            bench.head.group = Some("fib".into());
            bench
        })
        .collect();
    run
}

#[cfg(test)]
mod tests {
    use super::toy_run;
    use crate::analysis::compare::compare;
    use crate::model::Metric;
    use crate::report::export::{Export, Inputs};
    use crate::report::{bmf, gab, html, markdown, openmetrics, terminal};

    /// A sampled metric added to `Metric` (its definition row and its `measurement` arm, nothing
    /// else) shows in every view of a bench: the views list `Metric::bench()`, none names wall
    /// time, fuel and memory by hand. ARCHITECTURE.md's "What a change touches" relies on it (and
    /// on [`a_new_metric_shows_in_every_group_view`] for the group views).
    #[test]
    fn a_new_metric_shows_in_every_bench_view() {
        let run = toy_run();
        let (name, label) = (Metric::Toy.as_str(), Metric::Toy.label());
        assert!(run.benches[0].measurement(Metric::Toy).is_some());

        let table = terminal::render(&run, false);
        for title in [format!("median {label}"), format!("{label} 95% CI")] {
            assert!(table.contains(&title), "no `{title}` in\n{table}");
        }

        let page = html::render(&run, None).expect("the page renders");
        for text in [
            format!("<button type=\"button\">median {label}</button>"),
            format!("<dt>{label}</dt>"),
            format!("Distribution of {label}, cpu/fib[toy=1]"),
        ] {
            assert!(page.contains(&text), "no `{text}` in the page");
        }

        let comparison = compare(&run, &run, None, None);
        let inputs = Inputs {
            results: &run,
            comparison: Some(&comparison),
            all: true,
            dir: None,
        };
        let render = |export: &dyn Export| {
            export
                .render(&inputs)
                .expect("rendering succeeds")
                .expect("a run with benches writes the file")
        };
        let md = render(&markdown::Markdown);
        assert!(md.contains(&format!("{label} (new / old)")), "{md}");
        let bmf = render(&bmf::BencherMetricFormat);
        assert!(bmf.contains(&format!("\"{name}\"")), "{bmf}");
        let gab = render(&gab::GithubActionBenchmark);
        assert!(gab.contains(&format!("cpu/fib[toy=1] ({name})")), "{gab}");

        let metrics = openmetrics::render(&run);
        assert!(
            metrics.contains(&format!(
                "wasmbench_{name}_seconds_count{{suite=\"toy\",bench=\"cpu/fib[toy=1]\"}} 20"
            )),
            "{metrics}"
        );
    }

    /// The same metric in every view of a group (the toy run's two benches are one group): a
    /// ratio per metric of `Metric::bench()` — wall time's as the sentence, then each other
    /// metric's, a sampled one's with its interval — in the terminal's and Markdown's sentences
    /// and the HTML table, and a chart per metric in the group's HTML section. A group view that
    /// names wall time, fuel and memory by hand leaves the toy metric's ratio out and fails here.
    #[test]
    fn a_new_metric_shows_in_every_group_view() {
        use crate::analysis::relative::{Ratio, group_summaries};
        use crate::report::relative::ratio_cell;

        let run = toy_run();
        let label = Metric::Toy.label();
        let summaries = group_summaries(&run);
        let [summary] = &summaries[..] else {
            panic!("one set of comparable benches: {summaries:?}");
        };
        let [other] = &summary.others[..] else {
            panic!("one alternative beside the reference: {summary:?}");
        };
        let toy = other.get(Metric::Toy).expect("a toy ratio");
        assert!(matches!(toy, Ratio::Sampled(_)), "{toy:?}");
        // `toy time 2.000× [1.940× – 2.061×]`: the ratio with its interval, after the exact ones.
        let cell = ratio_cell(toy);
        let last = format!(", {label} {cell}");

        // The terminal's and Markdown's group sections.
        let table = terminal::render(&run, false);
        let (_, terminal_groups) = table
            .split_once("groups, each bench against the group's reference:")
            .expect("the terminal has a group section");
        assert!(
            terminal_groups.contains(&last),
            "no `{last}` in\n{terminal_groups}"
        );
        let md = markdown::Markdown
            .render(&Inputs {
                results: &run,
                comparison: None,
                all: true,
                dir: None,
            })
            .expect("rendering succeeds")
            .expect("a run with benches writes the file");
        let (_, md_groups) = md
            .split_once("### Groups: each alternative against the group's reference")
            .expect("the Markdown has a group section");
        assert!(md_groups.contains(&last), "no `{last}` in\n{md_groups}");

        // The HTML group section: a column per metric beside wall time, the reference's 1× and
        // the alternative's toy ratio in it, and a chart per metric.
        let page = html::render(&run, None).expect("the page renders");
        let (_, relative) = page
            .split_once("<div class=\"relative\">")
            .expect("the page has a group's relative table");
        let relative = relative.split("</table>").next().unwrap_or_default();
        let header = format!("<th scope=\"col\">{label} ÷ reference</th>");
        assert!(relative.contains(&header), "no `{header}` in\n{relative}");
        let rows: Vec<&str> = relative.split("<tr").skip(2).collect();
        let [reference, alternative] = rows[..] else {
            panic!("the reference's row and the alternative's:\n{relative}");
        };
        // Wall time, its ratio, then one cell per other metric.
        let cells = 2 + Metric::bench().filter(|m| *m != Metric::Wall).count();
        for row in [reference, alternative] {
            let count = row.matches("<td class=\"num\">").count();
            assert_eq!(count, cells, "a cell per metric in\n{row}");
        }
        // The reference's own: 1× in every ratio column (all but its wall time).
        let one = format!(
            "<td class=\"num\">{}</td>",
            crate::report::format::ratio(1.0)
        );
        assert_eq!(reference.matches(&one).count(), cells - 1, "{reference}");
        let td = format!("<td class=\"num\">{cell}</td>");
        assert!(alternative.contains(&td), "no `{td}` in\n{alternative}");
        let chart = format!("Box plots of {label} per iteration for each bench of");
        assert!(page.contains(&chart), "no `{chart}` in the page");
    }
}
