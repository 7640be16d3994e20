//! The summary table printed at the end of a run.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::format;
use crate::results::{BenchResult, RunResults, Status};

/// Renders the run as a table; `color` adds colour to statuses (the words carry the meaning too).
pub fn render(run: &RunResults, color: bool) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header([
            "bench",
            "status",
            "median",
            "± stddev",
            "throughput",
            "fuel/iter",
            "peak memory",
            "checksum",
        ]);
    for bench in &run.benches {
        table.add_row(row(bench, color));
    }
    let mut out = table.to_string();
    let notes: Vec<String> = run
        .benches
        .iter()
        .filter_map(|b| b.message.as_ref().map(|m| (b, m)))
        .map(|(b, m)| format!("{} [{}]: {}", b.id, b.status, first_lines(m, 6)))
        .collect();
    if !notes.is_empty() {
        out.push_str("\n\n");
        out.push_str(&notes.join("\n"));
    }
    out
}

fn row(bench: &BenchResult, color: bool) -> Vec<Cell> {
    let status_text = if bench.met_expectation {
        if bench.status == Status::Ok {
            "ok".to_string()
        } else {
            format!("{} (expected)", bench.status)
        }
    } else if bench.expected == Status::Ok {
        format!("FAILED: {}", bench.status)
    } else {
        format!("FAILED: {} (expected {})", bench.status, bench.expected)
    };
    let mut status = Cell::new(status_text);
    if color {
        status = status.fg(match (bench.met_expectation, bench.status) {
            (true, Status::Ok) => Color::Green,
            (true, _) => Color::Yellow,
            (false, _) => Color::Red,
        });
    }
    let wall = bench.wall_ns.as_ref().map(|w| w.summary);
    let fuel = bench.fuel.as_ref().map(|f| {
        let value = format::count(f.per_iteration as f64);
        if f.varies {
            format!("~{value} (varies)")
        } else {
            value
        }
    });
    let throughput = bench
        .units
        .as_ref()
        .and_then(|u| u.per_second.map(|ps| (ps, &u.unit)))
        .map(|(ps, unit)| match unit.as_str() {
            "bytes" => format!("{}/s", format::bytes(ps as u64)),
            unit => format!("{} {unit}/s", format::count(ps)),
        });
    let throughput = match (&bench.parallel, throughput) {
        (Some(p), Some(single)) => Some(format!(
            "{single}\n×{}: {}/s{}",
            p.instances,
            format::count(p.units_per_second),
            p.speedup
                .map(|s| format!(" ({s:.2}× speedup)"))
                .unwrap_or_default()
        )),
        (_, single) => single,
    };
    let memory = match bench.memory.peak_bytes {
        0 => None,
        peak if bench.memory.leak_suspected => Some(format!(
            "{} LEAK? +{}/iter",
            format::bytes(peak),
            format::bytes(bench.memory.growth_per_iteration as u64)
        )),
        peak => Some(format::bytes(peak)),
    };
    let dash = || "—".to_string();
    vec![
        Cell::new(&bench.id),
        status,
        Cell::new(
            wall.map(|w| format::duration_ns(w.median))
                .unwrap_or_else(dash),
        ),
        Cell::new(
            wall.map(|w| format::duration_ns(w.stddev))
                .unwrap_or_else(dash),
        ),
        Cell::new(throughput.unwrap_or_else(dash)),
        Cell::new(fuel.unwrap_or_else(dash)),
        Cell::new(memory.unwrap_or_else(dash)),
        Cell::new(
            bench
                .checksum
                .as_deref()
                .map(|c| {
                    if bench.checksum_stable {
                        c.to_string()
                    } else {
                        format!("{c} (unstable)")
                    }
                })
                .unwrap_or_else(dash),
        ),
    ]
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
