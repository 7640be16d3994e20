//! A bench's measurements in words, for its facts list: wall time, work, fuel, memory, phases.

use super::{Fact, Piece};
use crate::report::format::{self, duration_ns};
use crate::results::BenchResult;

fn fact(term: &'static str, text: String) -> Fact {
    Fact {
        term,
        pieces: vec![Piece::Text(text)],
    }
}

pub(super) fn facts(b: &BenchResult) -> Vec<Fact> {
    let mut facts = Vec::new();
    if let Some(w) = &b.wall_ns {
        let s = &w.summary;
        let o = &s.outliers;
        let outliers = o.low_mild + o.low_severe + o.high_mild + o.high_severe;
        let outliers = if outliers > 0 {
            format!(
                " · {outliers} outlier{}",
                if outliers == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        facts.push(fact(
            "wall time",
            format!(
                "median {} (95% CI {}) · mean {} ± {} · min {} · p95 {} · max {} · {} samples after {} warm-up{outliers}",
                duration_ns(s.median),
                format::duration_range(s.median_ci_low, s.median_ci_high),
                duration_ns(s.mean),
                duration_ns(s.stddev),
                duration_ns(s.min),
                duration_ns(s.p95),
                duration_ns(s.max),
                s.count,
                b.warmup,
            ),
        ));
    }
    if let Some(u) = &b.units {
        let per_second = u
            .per_second
            .map(|ps| format!(" · {}", format::per_second(ps, &u.unit)))
            .unwrap_or_default();
        facts.push(fact(
            "work",
            format!(
                "{} {} per iteration{per_second}",
                format::exact_or_count(u.per_iteration),
                u.unit
            ),
        ));
    }
    if let Some(h) = &b.host {
        facts.push(fact("host time", format::host_time(h)));
    }
    if let Some(check) = &b.output_check {
        facts.push(fact("output checked", format::output_check(check)));
    }
    if let Some(p) = &b.parallel {
        let unit = b.units.as_ref().map_or("units", |u| u.unit.as_str());
        facts.push(fact(
            "parallel",
            format!(
                "{} instances · {} iterations in {} · {}{}",
                p.instances,
                p.iterations,
                duration_ns(p.elapsed_ns as f64),
                format::per_second(p.units_per_second, unit),
                p.speedup
                    .map(|s| format!(" · {s:.2}× speedup"))
                    .unwrap_or_default()
            ),
        ));
    }
    if let Some(f) = &b.fuel {
        facts.push(fact(
            "fuel",
            format!(
                "{} per iteration{} · setup {}{}",
                format::count(f.per_iteration as f64),
                if f.varies { " (varies)" } else { "" },
                format::count(f.setup as f64),
                f.metering_slowdown
                    .map(|s| format!(" · metering slowed it {s:.2}×"))
                    .unwrap_or_default()
            ),
        ));
    }
    if b.memory.peak_bytes > 0 {
        let mut pieces = vec![Piece::Text(format!(
            "peak {} · trend {}/iteration",
            format::bytes(b.memory.peak_bytes),
            format::bytes(b.memory.growth_per_iteration.max(0.0) as u64),
        ))];
        if b.memory.leak_suspected {
            pieces.push(Piece::Text(" · ".into()));
            pieces.push(Piece::Warn("⚠ leak suspected"));
        }
        facts.push(Fact {
            term: "memory",
            pieces,
        });
    }
    let phases = [
        ("compile", b.phases.compile_ns),
        ("instantiate", b.phases.instantiate_ns),
        ("setup", b.phases.setup_ns),
    ]
    .iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k} {}", duration_ns(v as f64))))
    .collect::<Vec<_>>();
    if !phases.is_empty() {
        let cached = if b.phases.compile_cached {
            " (compiled component loaded from the cache)"
        } else {
            ""
        };
        facts.push(fact("phases", format!("{}{cached}", phases.join(" · "))));
    }
    if let Some(c) = &b.checksum {
        let mut pieces = vec![Piece::Code(c.clone())];
        if !b.checksum_stable {
            pieces.push(Piece::Text(" ".into()));
            pieces.push(Piece::Warn("⚠ unstable across iterations"));
        }
        facts.push(Fact {
            term: "checksum",
            pieces,
        });
    }
    facts.push(Fact {
        term: "wasm",
        pieces: vec![
            Piece::Code(b.wasm.path.clone()),
            Piece::Text(" · sha256 ".into()),
            Piece::Code(b.wasm.sha256.chars().take(16).collect()),
        ],
    });
    facts
}
