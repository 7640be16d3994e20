//! Text formats shared by every report: durations, sizes, counts, percentages, ratios, plurals.

use std::collections::BTreeMap;

// Sizes, grouped counts and three significant digits are the model's, so that messages written
// below the reports (limits hit, caps) read the same.
use crate::analysis::compare::Comparison;
use crate::analysis::ratio::Statistic;
use crate::model::{LoadMetric, Metric, Status, Unit};
pub use crate::model::{bytes, grouped, percent, three_digits};
use crate::results::{
    HostGroupResult, HostResult, LimitsRecord, LoadResult, LoadSetup, OutputCheck, Percentiles,
    WallResult,
};

/// `1.23 ms`, `850 ns`, `2.50 s`.
pub fn duration_ns(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", three_digits(value))
}

/// `1.23 G`, `45.6 k`, `789`.
pub fn count(n: f64) -> String {
    let (value, prefix) = if n >= 1e12 {
        (n / 1e12, " T")
    } else if n >= 1e9 {
        (n / 1e9, " G")
    } else if n >= 1e6 {
        (n / 1e6, " M")
    } else if n >= 1e3 {
        (n / 1e3, " k")
    } else {
        return three_digits(n);
    };
    format!("{}{prefix}", three_digits(value))
}

/// A metric's value in its unit: `1.23 ms`, `4.19 M` fuel, `16.0 MiB`.
pub fn quantity(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Nanoseconds => duration_ns(value),
        Unit::Fuel => count(value),
        Unit::Bytes => bytes(value as u64),
        Unit::PerSecond => format!("{}/s", count(value)),
        Unit::Fraction => percent_one_decimal(value),
    }
}

/// A scenario's rounds in one line, when it ran more than one: `3 rounds, each in a fresh worker:
/// p50 1.02 ms (0.98 ms – 1.05 ms) · p99 … · throughput … · error rate …; the table is round 2,
/// the median p99`. Each metric: the median of the rounds, then their range.
pub fn load_rounds(load: &crate::results::LoadResult) -> Option<String> {
    use crate::model::Metric;
    if load.rounds.len() < 2 {
        return None;
    }
    let parts: Vec<String> = Metric::load()
        .filter_map(|metric| {
            let mut values = load.rounds_of(metric);
            if values.is_empty() {
                return None;
            }
            values.sort_by(f64::total_cmp);
            let median = crate::analysis::stats::median_of(&values);
            let shown = |v: f64| quantity(metric.unit(), v);
            let (low, high) = (values[0], values[values.len() - 1]);
            Some(format!(
                "{} {} ({} – {})",
                metric.as_str(),
                shown(median),
                shown(low),
                shown(high)
            ))
        })
        .collect();
    Some(format!(
        "{} rounds, each in a fresh worker: {}; the detail is round {}, the median p99",
        load.rounds.len(),
        parts.join(" · "),
        load.detail_round + 1
    ))
}

/// One load metric against the baseline: `+3.4% [−0.5% … +7.6%] inconclusive`, `0.0% → 1.2%
/// regressed`; a ratio from one round a side is marked as information.
pub fn load_change(metric: Option<&crate::analysis::compare::MetricChange>) -> String {
    use crate::analysis::compare::Verdict;
    let Some(m) = metric else {
        return "—".into();
    };
    let mut text = if m.metric.compared_as_difference() {
        let shown = |v: Option<f64>| v.map_or_else(|| "—".into(), share);
        format!("{} → {}", shown(m.old), shown(m.new))
    } else {
        match (m.ratio, m.ratio_ci) {
            (None, _) => return m.verdict.to_string(),
            (Some(r), Some((low, high))) => {
                format!("{} [{} … {}]", change(r), change(low), change(high))
            }
            (Some(r), None) => change(r),
        }
    };
    if !m.gating {
        text.push_str(" (information: one round a side)");
    } else if m.verdict != Verdict::Unchanged {
        text.push_str(&format!(" {}", m.verdict));
    }
    text
}

/// A fraction as a percentage with one decimal always, so a column lines up: `83.3%`, `100.0%`.
pub fn percent_one_decimal(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// A ratio of new to old as a signed change: `+5.0%`, `-12.3%`.
pub fn change(ratio: f64) -> String {
    if ratio.is_nan() {
        return "—".into();
    }
    if ratio.is_infinite() {
        return if ratio > 0.0 { "+∞" } else { "−∞" }.into();
    }
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

/// A ratio: `1.500×`, `12.3×`, `∞`.
pub fn ratio(r: f64) -> String {
    if !r.is_finite() {
        "∞".into()
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.3}×")
    }
}

/// A share that may be tiny but must not read as none: `0%`, `< 0.01%`, `2.5%`.
pub fn share(fraction: f64) -> String {
    if fraction > 0.0 && fraction < 0.0001 {
        "< 0.01%".into()
    } else {
        percent(fraction)
    }
}

/// Requests per second: `95.0 req/s`, `1.50 k req/s`.
pub fn requests_per_second(rate: f64) -> String {
    per_second(rate, "req")
}

/// A load phase's planned arrival rate: `100 req/s`, or `100 → 500 req/s` when it ramps.
pub fn planned_rate(rate: f64, ramp_to: Option<f64>) -> String {
    match ramp_to {
        Some(to) if to != rate => format!("{} → {}", count(rate), requests_per_second(to)),
        _ => requests_per_second(rate),
    }
}

/// A load threshold's observed value in the metric's unit: `183 ms`, `0.5%`, `950 req/s`; `—
/// (nothing measured)` when no request completed.
pub fn load_value(metric: LoadMetric, observed: Option<f64>) -> String {
    match observed {
        None => "— (nothing measured)".into(),
        Some(v) if metric.is_latency() => duration_ns(v),
        Some(v) => match metric {
            LoadMetric::Throughput => requests_per_second(v),
            _ => share(v),
        },
    }
}

/// Whether a load scenario held (ran its phases and met every threshold), and its status in words
/// without a mark: `ok: 3 thresholds held`, `FAILED: 1 of 3 thresholds missed (aborted)`,
/// `FAILED: trap`.
pub fn load_status(l: &LoadResult) -> (bool, String) {
    let missed = l.thresholds.iter().filter(|t| !t.passed).count();
    let thresholds = plural(l.thresholds.len(), "threshold", "thresholds");
    let aborted = if l.aborted.is_some() {
        " (aborted)"
    } else {
        ""
    };
    if l.head.status != Status::Ok {
        (false, format!("FAILED: {}{aborted}", l.head.status))
    } else if missed > 0 {
        (
            false,
            format!("FAILED: {missed} of {thresholds} missed{aborted}"),
        )
    } else if l.thresholds.is_empty() {
        (true, "ok".into())
    } else {
        (true, format!("ok: {thresholds} held"))
    }
}

/// Failed requests by kind, most first: `timeout 12`, `trap 3`.
pub fn error_kinds(errors: &BTreeMap<String, u64>) -> Vec<String> {
    let mut kinds: Vec<(&String, &u64)> = errors.iter().filter(|(_, n)| **n > 0).collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    kinds
        .iter()
        .map(|(kind, n)| format!("{kind} {}", exact_or_count(**n)))
        .collect()
}

/// A latency distribution in three numbers: `p50 12.0 µs · p99 150 µs · max 2.10 ms`.
pub fn latency_summary(p: &Percentiles) -> String {
    format!(
        "p50 {} · p99 {} · max {}",
        duration_ns(p.p50 as f64),
        duration_ns(p.p99 as f64),
        duration_ns(p.max as f64)
    )
}

/// How a load scenario ran: `open model, poisson arrivals · pool of 8 instances · queue 64 ·
/// warm-up 10 requests per instance`.
pub fn load_setup(s: &LoadSetup) -> String {
    let mut parts = Vec::new();
    if s.model == "closed" {
        let mut closed = "closed model".to_string();
        if let Some(c) = s.connections {
            closed.push_str(&format!(
                ", {}",
                plural(c as usize, "connection", "connections")
            ));
        }
        if let Some(think) = s.think_ns {
            closed.push_str(&format!(", think {}", duration_ns(think as f64)));
        }
        parts.push(closed);
    } else {
        parts.push(match &s.arrival {
            Some(arrival) => format!("{} model, {arrival} arrivals", s.model),
            None => format!("{} model", s.model),
        });
    }
    parts.push(format!(
        "pool of {}",
        plural(s.pool as usize, "instance", "instances")
    ));
    parts.push(format!("queue {}", s.queue));
    if s.warmup > 0 {
        parts.push(format!(
            "warm-up {} per instance",
            plural(s.warmup as usize, "request", "requests")
        ));
    }
    parts.join(" · ")
}

/// A run's limits: `fuel 1.00 G · memory 64.0 MiB · deadline 10.0 s`.
pub fn limits(l: &LimitsRecord) -> String {
    format!(
        "fuel {} · memory {} · deadline {}",
        count(l.fuel as f64),
        bytes(l.memory_bytes),
        duration_ns(l.deadline.as_nanos() as f64)
    )
}

/// `1 bench`, `3 benches`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Small counts exactly (`1`, `2,000`), large ones with a prefix (`4.19 M`).
pub fn exact_or_count(n: u64) -> String {
    if n < 100_000 {
        grouped(n)
    } else {
        count(n as f64)
    }
}

/// A duration interval, the unit written once when both ends share it: `20.7 – 21.2 ms`.
pub fn duration_range(low: f64, high: f64) -> String {
    let (a, b) = (duration_ns(low), duration_ns(high));
    match (a.rsplit_once(' '), b.rsplit_once(' ')) {
        (Some((x, unit_a)), Some((y, unit_b))) if unit_a == unit_b => format!("{x} – {y} {unit_a}"),
        _ => format!("{a} – {b}"),
    }
}

/// Units per second: `4.00 MiB/s` for bytes (a plugin whose units are `bytes`), `1.23 k ops/s`
/// for anything else.
pub fn per_second(value: f64, unit: &str) -> String {
    if unit == crate::model::Unit::Bytes.as_str() {
        format!("{}/s", bytes(value as u64))
    } else {
        format!("{} {unit}/s", count(value))
    }
}

/// Fuel per iteration, marked when it varies between iterations: `~30.0 M (varies)`.
pub fn fuel(per_iteration: u64, varies: bool) -> String {
    let value = count(per_iteration as f64);
    if varies {
        format!("~{value} (varies)")
    } else {
        value
    }
}

/// `2026-11-25T13:30:59Z` → `2026-11-25 13:30:59 UTC`.
pub fn pretty_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(t) => format!("{} UTC", t.replacen('T', " ", 1)),
        None => rfc3339.to_string(),
    }
}

/// Time in the host per iteration, its share of the wall time and the calls:
/// `1.20 ms per iteration (98% of wall time) in 10 host calls moving 4.00 MiB`.
pub fn host_time(h: &HostResult) -> String {
    let share = h
        .share_of_wall
        .map(|s| format!(" ({} of wall time)", percent_one_decimal(s)))
        .unwrap_or_default();
    let moved = if h.bytes_per_iteration > 0 {
        format!(" moving {}", bytes(h.bytes_per_iteration))
    } else {
        String::new()
    };
    format!(
        "{} per iteration{share} in {} host call{}{moved}",
        duration_ns(h.ns_per_iteration as f64),
        exact_or_count(h.calls_per_iteration),
        if h.calls_per_iteration == 1 { "" } else { "s" }
    )
}

/// The part of a bench's iteration spent in the host — the sandbox's price beside the plugin's own
/// work — for the group views: `0.80 ms (82% of wall): 2004 calls, 400 ns each, 330 KiB copied`,
/// and, for a database bench, how much of it the database itself took (`db.time_ns`: SQLite, or the
/// round trips to a server), so the rest reads as the capability's own cost (slept latency, if any,
/// is in the host time too).
pub fn host_part(bench: &crate::results::BenchResult) -> Option<String> {
    let h = bench.host.as_ref().filter(|h| h.calls_per_iteration > 0)?;
    let share = h
        .share_of_wall
        .map(|s| format!(" ({} of wall)", percent_one_decimal(s)))
        .unwrap_or_default();
    let each = h.ns_per_iteration as f64 / h.calls_per_iteration as f64;
    let copied = if h.bytes_per_iteration > 0 {
        format!(", {} copied", bytes(h.bytes_per_iteration))
    } else {
        String::new()
    };
    let database = match bench.db.as_ref().and_then(|db| db.server.as_ref()) {
        Some(_) => "the server",
        None => "SQLite itself",
    };
    let sqlite = bench
        .counter_stats
        .get("db.time_ns")
        .map(|c| format!("; {database} {} of it", duration_ns(c.median as f64)))
        .unwrap_or_default();
    Some(format!(
        "{}{share}: {} call{}, {} each{copied}{sqlite}",
        duration_ns(h.ns_per_iteration as f64),
        exact_or_count(h.calls_per_iteration),
        if h.calls_per_iteration == 1 { "" } else { "s" },
        duration_ns(each)
    ))
}

/// One import group's host calls per iteration as table cells: group, calls, bytes (or `—` where
/// the group's functions carry no counted payload), time, and share of the bench's host time.
pub fn host_group_cells(h: &HostResult, g: &HostGroupResult) -> [String; 5] {
    let share = if h.ns_per_iteration > 0 {
        percent(g.ns_per_iteration as f64 / h.ns_per_iteration as f64)
    } else {
        "—".into()
    };
    [
        g.group.clone(),
        exact_or_count(g.calls_per_iteration),
        if g.bytes_per_iteration > 0 {
            bytes(g.bytes_per_iteration)
        } else {
            "—".into()
        },
        duration_ns(g.ns_per_iteration as f64),
        share,
    ]
}

/// The header of [`host_group_cells`].
pub const HOST_GROUP_HEADER: [&str; 5] = [
    "import group",
    "calls/iter",
    "bytes/iter",
    "host time/iter",
    "share of host time",
];

/// Host time worth a line in a summary table: at least [`HOST_SHARE_SHOWN`] of the wall time.
pub fn host_share_line(h: &HostResult) -> Option<String> {
    let share = h.share_of_wall.filter(|s| *s >= HOST_SHARE_SHOWN)?;
    Some(format!(
        "host {} ({})",
        duration_ns(h.ns_per_iteration as f64),
        percent_one_decimal(share)
    ))
}

/// Which expected-output files a core module's runs were compared with:
/// `stdout against default.stdout.expected · stderr not checked`.
pub fn output_check(check: &OutputCheck) -> String {
    let file = |path: &Option<String>| match path {
        Some(path) => format!(
            "against {}",
            std::path::Path::new(path)
                .file_name()
                .map_or(path.clone(), |n| n.to_string_lossy().into_owned())
        ),
        None => "not checked".into(),
    };
    if check.stdout.is_none() && check.stderr.is_none() {
        return "no: neither <stem>.stdout.expected nor default.stdout.expected (nor stderr's) \
                exists, so a wrong answer would go unnoticed"
            .into();
    }
    format!(
        "stdout {} · stderr {}",
        file(&check.stdout),
        file(&check.stderr)
    )
}

/// From this share of the wall time on, summary tables show the host time next to the fuel, so a
/// plugin that is cheap in fuel but makes the host work can't look cheap.
pub const HOST_SHARE_SHOWN: f64 = 0.10;

/// The machine's noise during a run, as people read it: `±1.2% (12 probes)`.
pub fn machine_noise(noise: &crate::results::MachineNoise) -> String {
    format!(
        "±{} ({} probes)",
        percent_one_decimal(noise.spread),
        noise.probe_ns.len()
    )
}

/// What a wall-time number rests on: `3 executions × 10 iterations`, or `25 iterations in 3
/// executions` when the executions differ in size.
pub fn rests_on(wall: &WallResult) -> String {
    let sizes: Vec<usize> = wall
        .executions
        .iter()
        .map(Vec::len)
        .filter(|n| *n > 0)
        .collect();
    let total = wall.samples.len();
    match sizes.as_slice() {
        [] | [_] => plural(total, "iteration", "iterations") + " in 1 execution",
        [first, rest @ ..] if rest.iter().all(|n| n == first) && first * sizes.len() == total => {
            format!(
                "{} × {}",
                plural(sizes.len(), "execution", "executions"),
                plural(*first, "iteration", "iterations")
            )
        }
        _ => format!(
            "{} in {}",
            plural(total, "iteration", "iterations"),
            plural(sizes.len(), "execution", "executions")
        ),
    }
}

/// One sentence on what the wall-time values are, from the statistics the comparison used.
pub fn wall_values(comparison: &Comparison) -> String {
    let mut used: Vec<Statistic> = comparison
        .benches
        .iter()
        .filter_map(|b| {
            b.metrics
                .iter()
                .find(|m| m.metric == Metric::Wall)?
                .statistic
        })
        .collect();
    used.sort_by_key(|s| *s as u8);
    used.dedup();
    let mut sentences = Vec::new();
    for statistic in used {
        sentences.push(match statistic {
            Statistic::ExecutionGeomean => "Wall time against the baseline is each side's geometric mean of its executions' medians, so the ratio is the new value divided by the old and a single slow execution moves one of the means, not every sample; the summary's medians pool every iteration.",
            Statistic::PooledMedian => "Where a side has a single execution, its wall time is the median of all its iterations and the ratio their quotient.",
            Statistic::PairedRatio => "The ratio is the median of the per-pair ratios of the interleaved A/B run; the times beside it are each side's median of all iterations, so their quotient can differ slightly from the ratio.",
            // Load scenarios' rows say it themselves.
            Statistic::Exact | Statistic::RoundMean | Statistic::PairedRounds => "",
        });
    }
    sentences.retain(|s| !s.is_empty());
    sentences.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_units() {
        assert_eq!(duration_ns(850.0), "850 ns");
        assert_eq!(duration_ns(1_234_000.0), "1.23 ms");
        assert_eq!(duration_ns(2.5e9), "2.50 s");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(16 << 20), "16.0 MiB");
        assert_eq!(count(45_600.0), "45.6 k");
        assert_eq!(count(7.0), "7.00");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(12), "12");
        assert_eq!(exact_or_count(2000), "2,000");
        assert_eq!(exact_or_count(4_190_000), "4.19 M");
        assert_eq!(duration_range(20.7e6, 21.2e6), "20.7 – 21.2 ms");
        assert_eq!(duration_range(998.0e3, 1.02e6), "998 µs – 1.02 ms");
        assert_eq!(ratio(1.5), "1.500×");
        assert_eq!(ratio(12.34), "12.3×");
        assert_eq!(ratio(f64::INFINITY), "∞");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(percent(0.0125), "1.25%");
        assert_eq!(percent_one_decimal(0.8333), "83.3%");
        assert_eq!(change(1.05), "+5.0%");
        assert_eq!(change(0.9), "-10.0%");
        assert_eq!(plural(1, "bench", "benches"), "1 bench");
        assert_eq!(plural(2, "bench", "benches"), "2 benches");
        assert_eq!(per_second(4.0 * 1024.0 * 1024.0, "bytes"), "4.00 MiB/s");
        assert_eq!(per_second(1230.0, "ops"), "1.23 k ops/s");
        assert_eq!(fuel(30_000_000, true), "~30.0 M (varies)");
        assert_eq!(quantity(crate::model::Unit::Bytes, 2048.0), "2.00 KiB");
        assert_eq!(
            pretty_time("2026-11-25T13:30:59Z"),
            "2026-11-25 13:30:59 UTC"
        );
    }

    #[test]
    fn load_values_read_in_their_unit() {
        use crate::model::{LatencyStat, LoadMetric};
        assert_eq!(share(0.0), "0%");
        assert_eq!(share(0.00001), "< 0.01%");
        assert_eq!(share(0.0125), "1.25%");
        assert_eq!(planned_rate(100.0, None), "100 req/s");
        assert_eq!(planned_rate(100.0, Some(100.0)), "100 req/s");
        assert_eq!(planned_rate(200.0, Some(1500.0)), "200 → 1.50 k req/s");
        let latency = LoadMetric::Service(LatencyStat::P99);
        assert_eq!(load_value(latency, Some(183e6)), "183 ms");
        assert_eq!(load_value(LoadMetric::ErrorRate, Some(0.005)), "0.5%");
        assert_eq!(load_value(LoadMetric::Throughput, Some(950.0)), "950 req/s");
        assert_eq!(
            load_value(LoadMetric::DropRate, None),
            "— (nothing measured)"
        );
        let errors = BTreeMap::from([
            ("trap".to_string(), 3),
            ("timeout".to_string(), 12),
            ("error".to_string(), 0),
        ]);
        assert_eq!(error_kinds(&errors), ["timeout 12", "trap 3"]);
        let setup = LoadSetup {
            model: "open".into(),
            arrival: Some("uniform".into()),
            connections: None,
            think_ns: None,
            pool: 1,
            queue: 8,
            warmup: 0,
        };
        assert_eq!(
            load_setup(&setup),
            "open model, uniform arrivals · pool of 1 instance · queue 8"
        );
    }
}
