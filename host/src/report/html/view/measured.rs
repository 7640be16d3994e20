//! A bench's measurements in words, for its facts list: each metric of `Metric::bench()`, work,
//! host time, phases.

use super::facts::{Fact, Piece};
use crate::model::{Metric, Unit};
use crate::report::format::{self, duration_ns};
use crate::results::{BenchResult, Measurement};

fn fact(term: &'static str, text: String) -> Fact {
    Fact {
        term,
        pieces: vec![Piece::Text(text)],
    }
}

pub(super) fn facts(b: &BenchResult) -> Vec<Fact> {
    let mut facts: Vec<Fact> = Metric::bench().filter_map(|m| metric_fact(b, m)).collect();
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
            Piece::Code(b.head.wasm.path.clone()),
            Piece::Text(" · sha256 ".into()),
            Piece::Code(b.head.wasm.sha256.chars().take(16).collect()),
        ],
    });
    facts
}

/// A metric's fact, termed by its label: a sampled one's median with its interval and the
/// samples' spread, a counted one's value; `None` where the bench has no value (a peak of 0
/// bytes: nothing was measured).
fn metric_fact(b: &BenchResult, metric: Metric) -> Option<Fact> {
    let unit = metric.unit();
    let q = |v: f64| format::quantity(unit, v);
    let text = match b.measurement(metric)? {
        Measurement::Sampled(w) => {
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
            format!(
                "median {} (95% CI {}) · mean {} ± {} · min {} · p95 {} · max {} · {} samples after {} warm-up{outliers}",
                q(s.median),
                interval(unit, s.median_ci_low, s.median_ci_high),
                q(s.mean),
                q(s.stddev),
                q(s.min),
                q(s.p95),
                q(s.max),
                s.count,
                b.warmup,
            )
        }
        Measurement::Counted(c) if unit == Unit::Bytes && c.value == 0.0 => return None,
        Measurement::Counted(c) => format!(
            "{}{}",
            q(c.value),
            if c.range.is_some() { " (varies)" } else { "" }
        ),
    };
    let mut pieces = vec![Piece::Text(text + &beside(b, metric))];
    if metric == Metric::Memory && b.memory.leak_suspected {
        pieces.push(Piece::Text(" · ".into()));
        pieces.push(Piece::Warn("⚠ leak suspected"));
    }
    Some(Fact {
        term: metric.label(),
        pieces,
    })
}

/// What a metric's fact says after its value, from the bench's other fields: fuel's setup and
/// how much metering slowed the iterations, peak memory's trend.
fn beside(b: &BenchResult, metric: Metric) -> String {
    match metric {
        Metric::Fuel => b.fuel.as_ref().map_or_else(String::new, |f| {
            format!(
                " per iteration · setup {}{}",
                format::count(f.setup as f64),
                f.metering_slowdown
                    .map(|s| format!(" · metering slowed it {s:.2}×"))
                    .unwrap_or_default()
            )
        }),
        Metric::Memory => format!(
            " · trend {}/iteration",
            format::bytes(b.memory.growth_per_iteration.max(0.0) as u64)
        ),
        _ => String::new(),
    }
}

/// `1.20 – 1.30 ms`: a time range says its unit once.
pub(super) fn interval(unit: Unit, low: f64, high: f64) -> String {
    match unit {
        Unit::Nanoseconds => format::duration_range(low, high),
        _ => format!(
            "{} – {}",
            format::quantity(unit, low),
            format::quantity(unit, high)
        ),
    }
}
