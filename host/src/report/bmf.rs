//! `bmf.json`: Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/):
//! `{ bench: { measure: { value, lower_value?, upper_value? } } }`, for `bencher run --adapter json`.
//!
//! Measures are named for what they hold: wall time under Bencher's built-in `latency` (ns), and
//! throughput under `throughput` (Bencher's operations per second) only when the plugin counts
//! operations; bytes, numbers or elements per second get their own measure, e.g.
//! `bytes-per-second`, so Bencher never plots bytes/s as operations/s. A load scenario is a benchmark
//! named `<id> (load)` with its overall percentiles (`latency-p99`, …), throughput and rates.
//!
//! Bencher parses the whole file or nothing: one key it refuses and the report is lost. Its rules
//! (bencher_valid, read at bencherdev/bencher 8d75325): a measure key is a UUID, a slug (what
//! `slug::slugify` leaves unchanged, 1–64 bytes) or a name (1–64 bytes, no surrounding
//! whitespace); a benchmark name is 1–1024 bytes (or a UUID or slug, which Bencher takes as a
//! reference to an existing benchmark); a value is a number, never `null`. So every measure key is
//! a slug of at most [`MAX_MEASURE`] bytes: a unit's slug too long for it is cut and ends with 8
//! hex digits of its hash (`…-3f2a9c1d-per-second`), the same for the same unit on every run; a
//! bench id longer than [`MAX_NAME`] bytes is cut the same way (`…~<16 hex digits>`); an id that
//! reads as a UUID gets ` (bench)`; a measure whose value is not a finite number is left out.

use anyhow::Result;
use serde_json::{Map, Value, json};

use super::export::{Export, Inputs};
use crate::model::{LatencyStat, Metric, Status};
use crate::results::{BenchResult, LoadStats, Measurement};

pub struct BencherMetricFormat;

impl Export for BencherMetricFormat {
    fn file_name(&self) -> &'static str {
        "bmf.json"
    }

    fn render(&self, inputs: &Inputs<'_>) -> Result<Option<String>> {
        let mut root = Map::new();
        for bench in inputs
            .results
            .benches
            .iter()
            .filter(|b| b.head.status == Status::Ok)
        {
            let mut measures = Map::new();
            for metric in Metric::bench() {
                if let Some(value) = measure(bench, metric) {
                    measures.insert(measure_name(metric).into(), value);
                }
            }
            if let Some(units) = &bench.units
                && let Some(value) = units.per_second.and_then(|v| number(v, None))
            {
                measures.insert(throughput_name(&units.unit), value);
            }
            root.insert(benchmark_name(&bench.head.id, ""), Value::Object(measures));
        }
        for load in inputs
            .results
            .loads
            .iter()
            .filter(|l| l.head.status == Status::Ok)
        {
            if let Some(overall) = &load.overall {
                root.insert(
                    load_key(&load.head.id),
                    Value::Object(load_measures(overall)),
                );
            }
        }
        let mut text = serde_json::to_string_pretty(&Value::Object(root))?;
        text.push('\n');
        Ok(Some(text))
    }
}

/// A load scenario's benchmark name: its id, marked so it never takes a bench's name.
fn load_key(id: &str) -> String {
    benchmark_name(id, " (load)")
}

/// The most bytes of a measure key (Bencher's `MAX_LEN` for slugs and resource names).
pub const MAX_MEASURE: usize = 64;
/// The most bytes of a benchmark name (Bencher's `MAX_BENCHMARK_NAME_LEN`).
pub const MAX_NAME: usize = 1024;

/// `id` + `suffix` as a benchmark name Bencher takes as a name: cut to [`MAX_NAME`] bytes with a
/// hash of the whole id when longer, and marked when it would read as a UUID.
fn benchmark_name(id: &str, suffix: &str) -> String {
    let uuid = if looks_like_uuid(id) { " (bench)" } else { "" };
    let room = MAX_NAME - suffix.len() - uuid.len();
    if id.len() <= room {
        return format!("{id}{uuid}{suffix}");
    }
    let hash = format!("~{:016x}", crate::model::stable_hash(id.as_bytes()));
    let mut end = room - hash.len();
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{hash}{suffix}", &id[..end])
}

/// Whether the `uuid` crate (which Bencher tries first) would read `text` as a UUID: 32 hex digits,
/// plain, hyphenated, in braces or as a URN.
fn looks_like_uuid(text: &str) -> bool {
    let text = text.strip_prefix("urn:uuid:").unwrap_or(text);
    let text = text
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(text);
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    digits.len() == 32 && digits.chars().all(|c| c.is_ascii_hexdigit()) && text.len() <= 36
}

/// A JSON number for Bencher's `value` (and its bounds when finite); `None` for a value that is not
/// a finite number, which serde_json would write as `null` and Bencher would refuse.
fn number(value: f64, bounds: Option<(f64, f64)>) -> Option<Value> {
    if !value.is_finite() {
        return None;
    }
    let mut metric = json!({ "value": value });
    if let Some((low, high)) = bounds.filter(|(l, h)| l.is_finite() && h.is_finite()) {
        metric["lower_value"] = json!(low);
        metric["upper_value"] = json!(high);
    }
    Some(metric)
}

/// A load scenario's measures over all its phases: corrected latency per percentile
/// (`latency-p99`, `latency-p99-9`, ns), service p99, throughput and the error and drop rates.
fn load_measures(overall: &LoadStats) -> Map<String, Value> {
    let mut measures = Map::new();
    let mut insert = |key: String, value: f64| {
        if let Some(metric) = number(value, None) {
            measures.insert(key, metric);
        }
    };
    if let Some(latency) = &overall.latency {
        for stat in LatencyStat::PERCENTILES {
            let slug = format!("latency-{}", stat.name().replace('.', "-"));
            insert(slug, latency.get(stat));
        }
    }
    if let Some(service) = &overall.service {
        insert("service-time-p99".into(), service.get(LatencyStat::P99));
    }
    insert("requests-per-second".into(), overall.throughput);
    insert("error-rate".into(), overall.error_rate);
    insert("drop-rate".into(), overall.drop_rate);
    measures
}

/// Bencher's measure slug for a metric: its built-in `latency` for wall time (nanoseconds), else
/// the metric's own name.
fn measure_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Wall => "latency",
        Metric::Memory => "peak-memory",
        other => other.as_str(),
    }
}

/// A metric's value, with the 95% interval of the median for sampled metrics.
fn measure(bench: &BenchResult, metric: Metric) -> Option<Value> {
    match bench.measurement(metric)? {
        Measurement::Counted(c) => number(c.value, None),
        Measurement::Sampled(w) => number(
            w.summary.median,
            Some((w.summary.median_ci_low, w.summary.median_ci_high)),
        ),
    }
}

/// `throughput` for operations (Bencher's meaning), else `<unit>-per-second`: a slug of at most
/// [`MAX_MEASURE`] bytes whatever the unit.
fn throughput_name(unit: &str) -> String {
    const PER_SECOND: &str = "-per-second";
    let slug = slugify(unit);
    match slug.as_str() {
        "operations" | "operation" | "ops" | "op" => "throughput".into(),
        "" => format!("units{PER_SECOND}"),
        slug if slug.len() + PER_SECOND.len() <= MAX_MEASURE => format!("{slug}{PER_SECOND}"),
        slug => {
            // Cut (ASCII, so any byte is a boundary), then 8 hex digits of the whole unit's hash:
            // the same unit gives the same key on every run, two long units rarely one.
            let hash = crate::model::stable_hash(unit.as_bytes()) as u32;
            let cut = slug[..MAX_MEASURE - PER_SECOND.len() - 9].trim_end_matches('-');
            format!("{cut}-{hash:08x}{PER_SECOND}")
        }
    }
}

/// ASCII letters (lower-cased) and digits, every other run of characters one `-`, none at either
/// end: what Bencher's `slug::slugify` leaves as it is. Text beyond ASCII is dropped, but for the
/// micro sign.
fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if matches!(c, 'µ' | 'μ') {
            // Micro, as Bencher's slugify writes it (`µs` → `us`).
            slug.push('u');
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.ends_with('-') {
        slug.pop();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_scenarios_are_benchmarks_with_their_percentiles() {
        let (run, text) = crate::report::testing::rendered_loads(&BencherMetricFormat);
        let bmf: Value = serde_json::from_str(&text).unwrap();
        let load = &run.loads[0];
        let overall = load.overall.as_ref().unwrap();
        let measures = &bmf[load_key(&load.head.id)];
        assert_eq!(
            measures["latency-p99-9"]["value"],
            json!(overall.latency.as_ref().unwrap().p999 as f64),
            "{text}"
        );
        assert_eq!(
            measures["requests-per-second"]["value"],
            json!(overall.throughput)
        );
        assert_eq!(measures["error-rate"]["value"], json!(overall.error_rate));
        // A scenario that could not run has nothing to plot.
        assert!(bmf.get(load_key(&run.loads[1].head.id)).is_none(), "{text}");
    }

    #[test]
    fn throughput_measures_say_what_they_count() {
        assert_eq!(throughput_name("operations"), "throughput");
        assert_eq!(throughput_name("bytes"), "bytes-per-second");
        assert_eq!(throughput_name("Numbers"), "numbers-per-second");
        assert_eq!(throughput_name("<b>"), "b-per-second");
        assert_eq!(throughput_name("µs / op"), "us-op-per-second");
    }

    /// Bencher's rules for what its JSON adapter accepts, re-implemented from bencherdev/bencher
    /// at commit 8d75325c3bc59403a2186a056b472c4f49d42838:
    /// - lib/bencher_valid/src/lib.rs: `MAX_LEN = 64`; `is_valid_non_empty` (non-empty, equal to its
    ///   trim); `is_valid_len` (that, and at most `MAX_LEN` bytes);
    /// - lib/bencher_valid/src/slug.rs: `is_valid_slug(s) = is_valid_len(s) && s == slug::slugify(s)`;
    /// - lib/bencher_valid/src/resource_name.rs: `is_valid_resource_name = is_valid_len`;
    /// - lib/bencher_valid/src/benchmark_name.rs: `is_valid_benchmark_name` (non-empty, at most
    ///   `MAX_BENCHMARK_NAME_LEN = 1024` bytes);
    /// - lib/bencher_valid/src/name_id.rs: a `NameId` is tried as a UUID, then a slug, then a name;
    ///   lib/bencher_json: `MeasureNameId = NameId<MeasureUuid, MeasureSlug, ResourceName>`,
    ///   `BenchmarkNameId = NameId<BenchmarkUuid, BenchmarkSlug, BenchmarkName>`;
    /// - lib/bencher_adapter/src/adapters/json.rs: the file is `serde_json::from_str` into
    ///   `HashMap<BenchmarkNameId, HashMap<MeasureNameId, JsonNewMetric>>`, all or nothing;
    ///   `JsonNewMetric { value: OrderedFloat<f64>, lower_value, upper_value: Option<…> }`.
    mod bencher {
        use serde_json::Value;

        const MAX_LEN: usize = 64;
        const MAX_BENCHMARK_NAME_LEN: usize = 1024;

        fn is_valid_len(s: &str) -> bool {
            !s.is_empty() && s == s.trim() && s.len() <= MAX_LEN
        }

        /// `slug::slugify` for what it keeps unchanged: ASCII letters and digits lower-cased, runs
        /// of anything else one `-`, none at either end. (It transliterates other characters to
        /// ASCII, so text with any never equals its slug: a `-` stands in for them here.)
        fn slugify(s: &str) -> String {
            let mut out = String::new();
            let mut dash = true;
            for c in s.chars() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_lowercase());
                    dash = false;
                } else if !dash {
                    out.push('-');
                    dash = true;
                }
            }
            if out.ends_with('-') {
                out.pop();
            }
            out
        }

        pub fn is_valid_slug(s: &str) -> bool {
            is_valid_len(s) && s == slugify(s)
        }

        /// What we want of every measure key: a slug, so Bencher takes it as one (a name would do
        /// for the parser, but a slug is the same measure on every run).
        pub fn measure_key_ok(key: &str) -> bool {
            is_valid_slug(key)
        }

        /// What we want of every benchmark name: a name (not read as a UUID, which Bencher would
        /// look up rather than create).
        pub fn benchmark_name_ok(name: &str) -> bool {
            !name.is_empty()
                && name.len() <= MAX_BENCHMARK_NAME_LEN
                && !super::looks_like_uuid(name)
        }

        /// The adapter's parse of a whole file: every key valid, every value a number.
        pub fn accepts(bmf: &Value) -> Result<(), String> {
            for (name, measures) in bmf.as_object().ok_or("not an object")? {
                if !benchmark_name_ok(name) {
                    return Err(format!("benchmark name {name:?}"));
                }
                for (key, metric) in measures.as_object().ok_or("measures not an object")? {
                    if !measure_key_ok(key) {
                        return Err(format!("measure {key:?} ({} bytes)", key.len()));
                    }
                    if !metric["value"].is_number() {
                        return Err(format!("{name} {key}: value {}", metric["value"]));
                    }
                    for bound in ["lower_value", "upper_value"] {
                        // Absent or null is `None`.
                        let b = &metric[bound];
                        if !(b.is_null() || b.is_number()) {
                            return Err(format!("{name} {key}: {bound} {b}"));
                        }
                    }
                }
            }
            Ok(())
        }

        #[test]
        fn the_rules_refuse_what_bencher_refuses() {
            assert!(is_valid_slug("bytes-per-second"));
            for bad in ["", "Bytes", "a--b", "-a", "a-", "µs", &"a".repeat(65)] {
                assert!(!is_valid_slug(bad), "{bad:?}");
            }
            assert!(benchmark_name_ok("cpu/fib[n=15]"));
            assert!(!benchmark_name_ok(&"x".repeat(1025)));
            assert!(!benchmark_name_ok("31aba8a9-977a-47d1-9fb6-e6b94b428471"));
            let null = serde_json::json!({ "b": { "m": { "value": null } } });
            assert!(accepts(&null).is_err());
        }
    }

    /// Hostile units and ids (long, non-ASCII, controls, only punctuation, UUIDs) still make a file
    /// Bencher takes whole, with keys that are the same on every run.
    #[test]
    fn keys_and_names_meet_benchers_rules() {
        let units = [
            "operations".to_string(),
            "bytes".into(),
            "\x1b[2J\x1b]0;pwned\x07 unit µs ☃ <!-- hidden \u{202e}".into(),
            "a".repeat(129),
            "Very Long Unit Name With Spaces And Punctuation!!! (per request, p99.9)".into(),
            "---".into(),
            "名前".into(),
            "x".repeat(53),
            "x".repeat(54),
        ];
        for unit in &units {
            let key = throughput_name(unit);
            assert!(bencher::measure_key_ok(&key), "{unit:?} → {key:?}");
            assert_eq!(key, throughput_name(unit), "stable");
        }
        // Long units that share their first 44 characters get keys of their own.
        let (a, b) = ("a".repeat(100) + "1", "a".repeat(100) + "2");
        assert_ne!(throughput_name(&a), throughput_name(&b));
        assert_eq!(
            throughput_name(&"x".repeat(53)),
            format!("{}-per-second", "x".repeat(53))
        );

        let ids = [
            "cpu/fib[n=15]".to_string(),
            "é".repeat(700),
            "31aba8a9-977a-47d1-9fb6-e6b94b428471".into(),
            "{31ABA8A9977A47D19FB6E6B94B428471}".into(),
            "x".repeat(1024),
        ];
        for id in &ids {
            for suffix in ["", " (load)"] {
                let name = benchmark_name(id, suffix);
                assert!(bencher::benchmark_name_ok(&name), "{id:?} → {name:?}");
                assert!(name.ends_with(suffix));
            }
        }
        assert_eq!(benchmark_name("cpu/fib[n=15]", ""), "cpu/fib[n=15]");
        assert_eq!(benchmark_name(&"x".repeat(1024), ""), "x".repeat(1024));
        assert_ne!(
            benchmark_name(&("é".repeat(700) + "a"), ""),
            benchmark_name(&("é".repeat(700) + "b"), "")
        );

        // Every measure of a rendered file, load scenarios included.
        let (_, text) = crate::report::testing::rendered_loads(&BencherMetricFormat);
        let bmf: Value = serde_json::from_str(&text).unwrap();
        bencher::accepts(&bmf).unwrap_or_else(|e| panic!("{e}: {text}"));
        for metric in Metric::ALL {
            assert!(bencher::measure_key_ok(measure_name(metric)), "{metric:?}");
        }
    }

    #[test]
    fn values_that_are_not_numbers_are_left_out() {
        assert_eq!(number(f64::NAN, None), None);
        assert_eq!(
            number(1.0, Some((f64::NAN, 2.0))),
            Some(json!({ "value": 1.0 }))
        );
        assert_eq!(
            number(1.0, Some((0.5, 2.0))),
            Some(json!({ "value": 1.0, "lower_value": 0.5, "upper_value": 2.0 }))
        );
    }
}
