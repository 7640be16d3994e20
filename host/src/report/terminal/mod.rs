//! The summary table printed at the end of a run, and the comparison table. Every text from a
//! plugin or a results file (ids, units, counter names, messages) goes through
//! [`super::escape::terminal`].

use crate::analysis::counters::{self, hit_ratio, hit_ratio_names};
use crate::model::{LatencyStat, Metric, Status, Unit};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

mod comparison;

pub use comparison::render_comparison;

use super::escape::terminal::{line, text};
use super::format;
use crate::results::{
    BenchResult, LoadResult, LoadStats, Measurement, RunResults, ThresholdVerdict,
};

/// Renders the run as a table; `color` adds colour to statuses (the words carry the meaning too).
pub fn render(run: &RunResults, color: bool) -> String {
    let benches = render_benches(run, color);
    let loads = run.loads.iter().map(|load| load_table(load, color));
    let sections: Vec<String> = benches.into_iter().chain(loads).collect();
    sections.join("\n\n")
}

/// The benches' table with its counter and host-call tables and notes; none without benches.
fn render_benches(run: &RunResults, color: bool) -> Option<String> {
    if run.benches.is_empty() {
        return None;
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(
            ["bench".to_string(), "status".to_string()]
                .into_iter()
                .chain(bench_metrics(true).flat_map(metric_titles))
                .chain(["throughput".to_string()])
                .chain(bench_metrics(false).flat_map(metric_titles))
                .chain(["checksum".to_string()]),
        );
    for bench in &run.benches {
        table.add_row(row(bench, color));
    }
    let mut out = table.to_string();
    out.push_str(&groups_and_models(run));
    if let Some(fixture) = super::models::fixture_sentence(run) {
        out.push_str(&format!("\n\n{fixture}"));
    }
    for section in counter_tables(run) {
        out.push_str("\n\n");
        out.push_str(&section);
    }
    if let Some(notes) = execution_notes(run) {
        out.push_str("\n\n");
        out.push_str(&notes);
    }
    if let Some(section) = host_call_table(run) {
        out.push_str("\n\n");
        out.push_str(&section);
    }
    let notes: Vec<String> = run
        .benches
        .iter()
        .filter_map(|b| b.head.message.as_ref().map(|m| (b, m)))
        .map(|(b, m)| {
            format!(
                "{} [{}]: {}",
                line(&b.head.id),
                b.head.status,
                first_lines(&text(m), 6)
            )
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\n\n");
        out.push_str(&notes.join("\n"));
    }
    if let Some(noise) = &run.machine_noise {
        out.push_str(&format!(
            "\n\nmachine noise during the run: {} (a fixed workload timed before each execution)",
            format::machine_noise(noise)
        ));
    }
    if let Some(line) = cpu_wait_line(run) {
        out.push('\n');
        out.push_str(&line);
    }
    Some(out)
}

/// The groups' sentences and the models' lines that follow the table (empty without either).
fn groups_and_models(run: &RunResults) -> String {
    let mut out = String::new();
    if let Some(groups) = super::relative::plain(run) {
        let groups: Vec<String> = groups.lines().map(|l| line(l).into_owned()).collect();
        out.push_str("\n\ngroups, each bench against the group's reference:\n");
        out.push_str(&groups.join("\n"));
    }
    let models = super::models::rows(run);
    if !models.is_empty() {
        out.push_str(&format!(
            "\n\nmodels, {} against what the suite predicts:",
            super::models::MEASURED
        ));
        for row in &models {
            out.push_str(&format!(
                "\n  {}: {}",
                line(row.id),
                line(&super::models::sentence(row))
            ));
        }
    }
    out
}

/// How long the benches waited for a CPU while other processes had it, as a share of their timed
/// wall time; none where not counted.
fn cpu_wait_line(run: &RunResults) -> Option<String> {
    let counted: Vec<(u64, u64)> = (run.benches.iter())
        .filter_map(|b| b.wall_ns.as_ref()?.cpu_wait())
        .collect();
    if counted.is_empty() {
        return None;
    }
    let (waited, total) =
        (counted.iter()).fold((0, 0), |(w, t), (waited, total)| (w + waited, t + total));
    let share = waited as f64 / total.max(1) as f64;
    Some(format!(
        "waiting for a CPU (other processes had it): {} of the timed wall time; comparisons with another run take it out before calling a change",
        format::percent_one_decimal(share)
    ))
}

/// One load scenario: a row per phase and overall (corrected latency, service p99, throughput
/// against offered, failures), then its thresholds.
fn load_table(load: &LoadResult, color: bool) -> String {
    let mut out = format!(
        "load {} · {} · {}",
        line(&load.head.id),
        load.head.status,
        format::load_setup(&load.setup)
    );
    if let Some(message) = &load.head.message {
        out.push_str(&format!("\n  {}", first_lines(&text(message), 4)));
    }
    if let Some(aborted) = &load.aborted {
        out.push_str(&format!("\n  aborted: {}", line(aborted)));
    }
    let Some(overall) = &load.overall else {
        return out;
    };
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(
            ["phase", "planned", "throughput / offered"]
                .into_iter()
                .chain(LatencyStat::PERCENTILES.map(LatencyStat::name))
                .chain(["service p99", "failed", "dropped"]),
        );
    let rows = load
        .phases
        .iter()
        .map(|p| {
            let planned = match load.setup.model.as_str() {
                "closed" => "closed".to_string(),
                _ => format::planned_rate(p.rate, p.ramp_to),
            };
            (line(&p.name).into_owned(), planned, &p.stats)
        })
        .chain([("overall".to_string(), String::new(), overall)]);
    for (name, planned, stats) in rows {
        table.add_row(phase_row(name, planned, stats));
    }
    out.push('\n');
    out.push_str(&table.to_string());
    if let Some(rounds) = format::load_rounds(load) {
        out.push_str(&format!("\n  {}", line(&rounds)));
    }
    if let Some(lag) = &load.schedule_lag {
        out.push_str(&format!(
            "\n  scheduler lag (dispatch − intended): p50 {} · p99 {} · max {}",
            format::duration_ns(lag.p50 as f64),
            format::duration_ns(lag.p99 as f64),
            format::duration_ns(lag.max as f64)
        ));
    }
    for verdict in &load.thresholds {
        out.push_str(&threshold_line(verdict, color));
    }
    out
}

/// A phase's (or the whole scenario's) row: planned rate, throughput against offered, the
/// corrected percentiles, service p99, failures by kind, drops.
fn phase_row(name: String, planned: String, stats: &LoadStats) -> Vec<String> {
    let latency = LatencyStat::PERCENTILES.map(|stat| {
        stats
            .latency
            .as_ref()
            .map_or_else(|| "—".into(), |p| format::duration_ns(p.get(stat)))
    });
    let failed = match stats.failed() {
        0 => "0".to_string(),
        n => format!(
            "{n} ({}: {})",
            format::share(stats.error_rate),
            format::error_kinds(&stats.errors).join(" · ")
        ),
    };
    let throughput = format!(
        "{} / {}",
        format::requests_per_second(stats.throughput),
        format::requests_per_second(stats.offered_rate)
    );
    let service_p99 = stats
        .service
        .as_ref()
        .map_or_else(|| "—".into(), |p| format::duration_ns(p.p99 as f64));
    let dropped = match stats.dropped {
        0 => "0".to_string(),
        n => format!("{n} ({})", format::share(stats.drop_rate)),
    };
    [name, planned, throughput]
        .into_iter()
        .chain(latency)
        .chain([service_p99, failed, dropped])
        .collect()
}

/// `  pass  p99 < 5ms (overall): 3.2 ms`, the mark coloured when asked.
fn threshold_line(verdict: &ThresholdVerdict, color: bool) -> String {
    let mark = if verdict.passed { "pass" } else { "FAIL" };
    let mark = match (color, verdict.passed) {
        (false, _) => mark.to_string(),
        (true, true) => format!("\x1b[32m{mark}\x1b[0m"),
        (true, false) => format!("\x1b[31m{mark}\x1b[0m"),
    };
    format!(
        "\n  {mark}  {} ({}): {}",
        line(&verdict.threshold.text),
        line(&verdict.scope),
        format::load_value(verdict.threshold.metric, verdict.observed)
    )
}

fn row(bench: &BenchResult, color: bool) -> Vec<Cell> {
    let status_text = if bench.met_expectation {
        if bench.head.status == Status::Ok {
            "ok".to_string()
        } else {
            format!("{} (expected)", bench.head.status)
        }
    } else if bench.expected == Status::Ok {
        format!("FAILED: {}", bench.head.status)
    } else {
        format!(
            "FAILED: {} (expected {})",
            bench.head.status, bench.expected
        )
    };
    let mut status = Cell::new(status_text);
    if color {
        status = status.fg(match (bench.met_expectation, bench.head.status) {
            (true, Status::Ok) => Color::Green,
            (true, _) => Color::Yellow,
            (false, _) => Color::Red,
        });
    }
    let throughput = bench
        .units
        .as_ref()
        .and_then(|u| u.per_second.map(|ps| (ps, &u.unit)))
        .map(|(ps, unit)| format::per_second(ps, &line(unit)));
    let throughput = match (&bench.parallel, throughput) {
        (Some(p), Some(single)) => Some(
            format!(
                "{single}\n×{}: {}/s{}",
                p.instances,
                format::count(p.units_per_second),
                p.speedup
                    .map(|s| format!(" ({s:.2}× speedup)"))
                    .unwrap_or_default()
            ) + &pool_wait(p),
        ),
        (_, single) => single,
    };
    let dash = || "—".to_string();
    let metric_cells = |sampled: bool| {
        bench_metrics(sampled)
            .flat_map(|metric| metric_cells(bench, metric))
            .map(|text| Cell::new(text.unwrap_or_else(dash)))
    };
    [Cell::new(line(&bench.head.id)), status]
        .into_iter()
        .chain(metric_cells(true))
        .chain([Cell::new(throughput.unwrap_or_else(dash))])
        .chain(metric_cells(false))
        .chain([Cell::new(
            bench
                .checksum
                .as_deref()
                .map(|c| {
                    if bench.checksum_stable {
                        line(c).into_owned()
                    } else {
                        format!("{} (unstable)", line(c))
                    }
                })
                .unwrap_or_else(dash),
        )])
        .collect()
}

/// The bench metrics of one kind, in report order: the sampled ones come first, then the
/// throughput at their median, then the counted ones.
fn bench_metrics(sampled: bool) -> impl Iterator<Item = Metric> {
    Metric::bench().filter(move |m| m.sampled() == sampled)
}

/// A metric's column titles: a sampled one's median and its 95% interval, a counted one's value.
fn metric_titles(metric: Metric) -> Vec<String> {
    if metric.sampled() {
        vec![
            format!("median {}", metric.label()),
            format!("{} 95% CI", metric.label()),
        ]
    } else {
        vec![metric.label().to_string()]
    }
}

/// A bench's cells under [`metric_titles`]; `None` where it has no value.
fn metric_cells(bench: &BenchResult, metric: Metric) -> Vec<Option<String>> {
    let unit = metric.unit();
    match bench.measurement(metric) {
        None => vec![None; metric_titles(metric).len()],
        Some(Measurement::Sampled(w)) => {
            let s = &w.summary;
            let ci = format!(
                "{} – {}",
                format::quantity(unit, s.median_ci_low),
                format::quantity(unit, s.median_ci_high)
            );
            let ci = if s.noisy { format!("{ci} NOISY") } else { ci };
            vec![
                Some(format::quantity(unit, s.median)),
                Some(format!("{ci}\n{}", format::rests_on(w))),
            ]
        }
        // A peak of 0 bytes: nothing was measured (the bench failed before its counting pass).
        Some(Measurement::Counted(c)) if unit == Unit::Bytes && c.value == 0.0 => vec![None],
        Some(Measurement::Counted(c)) => {
            let value = format::quantity(unit, c.value);
            let value = match c.range {
                Some(_) => format!("~{value} (varies)"),
                None => value,
            };
            vec![Some(value + &beside(bench, metric))]
        }
    }
}

/// What the table says after a counted metric's value, from the bench's other fields: the host's
/// share beside fuel (what fuel doesn't count), a suspected leak beside peak memory.
fn beside(bench: &BenchResult, metric: Metric) -> String {
    match metric {
        Metric::Fuel => (bench.host.as_ref())
            .and_then(format::host_share_line)
            .map(|host| format!("\n{host}"))
            .unwrap_or_default(),
        Metric::Memory if bench.memory.leak_suspected => format!(
            " LEAK? +{}/iter",
            format::bytes(bench.memory.growth_per_iteration as u64)
        ),
        _ => String::new(),
    }
}

fn first_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= n {
        text.to_string()
    } else {
        format!(
            "{}\n  … ({} more lines in results.json)",
            lines[..n].join("\n"),
            lines.len() - n
        )
    }
}

/// Per group, the benches' counters side by side: each the median over the timed iterations with
/// its range when they varied; hit ratios derived from `*_hits` / `*_misses` (and `*.hits` /
/// `*.gets` for the host's backends) from the medians.
fn counter_tables(run: &RunResults) -> Vec<String> {
    let mut groups: Vec<(&str, Vec<&BenchResult>)> = Vec::new();
    for bench in run
        .benches
        .iter()
        .filter(|b| !b.counters.is_empty() || !b.counter_stats.is_empty())
    {
        let group = bench
            .head
            .group
            .as_deref()
            .unwrap_or(bench.head.id.as_str());
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, benches)) => benches.push(bench),
            None => groups.push((group, vec![bench])),
        }
    }
    groups
        .into_iter()
        .map(|(group, benches)| {
            let mut names: Vec<&str> = benches.iter().flat_map(|b| counters::names(b)).collect();
            names.sort_unstable();
            names.dedup();
            let ratios = hit_ratio_names(&names);
            // Counters down, benches across: groups have few benches and many counters.
            let mut table = Table::new();
            table
                .load_style(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(ContentArrangement::Dynamic);
            let mut header = vec!["counter".to_string()];
            header.extend(benches.iter().map(|b| line(&b.head.id).into_owned()));
            table.set_header(header);
            for (label, hits, other) in &ratios {
                let mut row = vec![format!("{} hit ratio", line(label))];
                row.extend(benches.iter().map(|b| match hit_ratio(b, hits, other) {
                    Some(r) => format!("{:.1}%", r * 100.0),
                    None => "—".into(),
                }));
                table.add_row(row);
            }
            for name in &names {
                let mut row = vec![line(name).into_owned()];
                row.extend(benches.iter().map(|b| {
                    counters::reading(b, name)
                        .map_or("—".into(), |r| super::counters::text(name, &r).cell())
                }));
                table.add_row(row);
            }
            // Older results have the last iteration's counters only.
            let what = if benches.iter().all(|b| b.counter_stats.is_empty()) {
                "last iteration"
            } else {
                "median of the timed iterations (range when they varied)"
            };
            format!("counters, group `{}`, {what}:\n{table}", line(group))
        })
        .collect()
}

/// One line per execution that stands apart from the bench's others (see `analysis::executions`).
fn execution_notes(run: &RunResults) -> Option<String> {
    let lines = super::executions::lines(run);
    (!lines.is_empty()).then(|| {
        let lines: Vec<String> = lines.iter().map(|l| line(l).into_owned()).collect();
        format!(
            "executions that stand apart from the others:\n  {}",
            lines.join("\n  ")
        )
    })
}

/// Guest vs host per bench, and where the host time went by import group (counting pass).
fn host_call_table(run: &RunResults) -> Option<String> {
    let benches: Vec<(&BenchResult, &crate::results::HostResult)> = run
        .benches
        .iter()
        .filter_map(|b| b.host.as_ref().map(|h| (b, h)))
        .filter(|(_, h)| !h.groups.is_empty())
        .collect();
    if benches.is_empty() {
        return None;
    }
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let mut header = vec!["bench", "host share of wall"];
    header.extend(format::HOST_GROUP_HEADER);
    table.set_header(header);
    for (bench, host) in benches {
        let share = host
            .share_of_wall
            .map_or("—".into(), format::percent_one_decimal);
        for (k, group) in host.groups.iter().enumerate() {
            let (id, share) = if k == 0 {
                (line(&bench.head.id).into_owned(), share.clone())
            } else {
                (String::new(), String::new())
            };
            let mut row = vec![id, share];
            row.extend(format::host_group_cells(host, group));
            table.add_row(row);
        }
    }
    Some(format!(
        "host calls per import group (counting pass, medians per iteration):\n{table}"
    ))
}

/// `, waited 1.2 ms/iter for a connection` when the parallel pass's instances queued for the
/// bench's database pool.
fn pool_wait(parallel: &crate::results::ParallelResult) -> String {
    match (parallel.pool_wait_ns, parallel.iterations) {
        (Some(wait), iterations) if wait > 0 && iterations > 0 => format!(
            "\nwaited {}/iter for a connection",
            format::duration_ns(wait as f64 / iterations as f64)
        ),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testing::{overloaded, run_with_loads};

    /// The load table shows every percentile the guide reads (p95 included), each phase's in its
    /// own row, and the failures and drops with their kinds and shares.
    #[test]
    fn load_tables_show_every_percentile_per_phase() {
        let load = overloaded();
        let out = render(&run_with_loads(vec![load.clone()]), false);
        let header = out
            .lines()
            .find(|l| l.contains("phase") && l.contains("planned"))
            .unwrap_or_else(|| panic!("no table header in\n{out}"));
        let columns: Vec<&str> = header
            .split(['│', '┆'])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let mut expected = vec!["phase", "planned", "throughput / offered"];
        expected.extend(LatencyStat::PERCENTILES.map(LatencyStat::name));
        expected.extend(["service p99", "failed", "dropped"]);
        assert_eq!(columns, expected, "{out}");

        let overload = &load.phases[2].stats;
        let row = out
            .lines()
            .find(|l| l.contains("overload"))
            .unwrap_or_else(|| panic!("no overload row in\n{out}"));
        let p95 = overload.latency.as_ref().unwrap().p95 as f64;
        assert!(row.contains(&format::duration_ns(p95)), "{row}");
        // 400 of the 11,000 sent failed (timeouts and traps); 4,000 of 15,000 offered were dropped.
        assert!(row.contains("400 (3.64%: timeout 380 · trap 20)"), "{row}");
        assert!(row.contains("4000 (26.67%)"), "{row}");
    }
}
