//! Reading a suite file: TOML → raw serde types (unknown keys rejected) → validated [`Suite`].
//! Every error names the file and, where it can, the line, column and key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::model::{BenchDef, DEFAULT_EXECUTIONS, PluginSource, Settings, Suite};
use crate::model::{BackendsConfig, FixtureSpec, HttpFixtureConfig, LatencyMode, Limits, Status};

/// A suite that can't be used, with where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteError {
    pub file: PathBuf,
    /// 1-based line and column, when the error has a place in the file.
    pub position: Option<(usize, usize)>,
    /// Dotted path of the offending key, e.g. `bench[2].samples`.
    pub key: Option<String>,
    pub message: String,
    /// The offending line of the file, for context.
    pub source_line: Option<String>,
}

impl fmt::Display for SuiteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let (Some((line, _)), Some(text)) = (self.position, &self.source_line) {
            write!(f, "\n  {line:>4} | {text}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SuiteError {}

/// Loads and validates the suite at `path`.
pub fn load_suite(path: &Path) -> Result<Suite, SuiteError> {
    let text = std::fs::read_to_string(path).map_err(|e| SuiteError {
        file: path.to_path_buf(),
        position: None,
        key: None,
        message: format!("cannot read the suite: {e}"),
        source_line: None,
    })?;
    parse_suite(path, &text)
}

/// Parses suite `text` as if read from `path` (relative `wasm` paths resolve against its folder).
pub fn parse_suite(path: &Path, text: &str) -> Result<Suite, SuiteError> {
    let ctx = Ctx { file: path, text };
    let raw: RawSuite = deserialize(&ctx)?;
    raw.resolve(&ctx)
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn error(
        &self,
        span: Option<std::ops::Range<usize>>,
        key: Option<String>,
        message: impl Into<String>,
    ) -> SuiteError {
        let position = span.map(|s| line_column(self.text, s.start));
        SuiteError {
            file: self.file.to_path_buf(),
            position,
            key,
            message: message.into(),
            source_line: position
                .and_then(|(line, _)| self.text.lines().nth(line - 1))
                .map(|l| l.trim_end().to_string()),
        }
    }
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn deserialize(ctx: &Ctx<'_>) -> Result<RawSuite, SuiteError> {
    let deserializer = toml::de::Deserializer::parse(ctx.text)
        .map_err(|e| ctx.error(e.span(), None, format!("invalid TOML: {}", e.message())))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        // `Spanned` wraps values in a private field; drop it from the user-facing key path.
        let key = e
            .path()
            .to_string()
            .split('.')
            .filter(|segment| !segment.starts_with("$__serde_spanned"))
            .collect::<Vec<_>>()
            .join(".");
        let key = (!key.is_empty() && key != ".").then_some(key);
        let inner = e.into_inner();
        let message = with_suggestion(inner.message());
        ctx.error(inner.span(), key, message)
    })
}

/// Adds "did you mean" to serde's "unknown field `x`, expected one of `a`, `b`" messages.
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    match suggest(unknown, candidates.iter().copied()) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

// ---- raw serde types: the file as written ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    suite: Option<RawHeader>,
    #[serde(default)]
    defaults: RawSettings,
    #[serde(default)]
    fixtures: BTreeMap<Spanned<String>, RawFixture>,
    http: Option<RawHttp>,
    backends: Option<RawBackends>,
    #[serde(default)]
    bench: Vec<Spanned<RawBench>>,
}

/// `[http]`: start the HTTP fixture server with these defaults.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    latency: Option<Wall>,
    jitter: Option<Wall>,
    size: Option<Size>,
    error_rate: Option<Spanned<f64>>,
    seed: Option<u64>,
}

/// `[backends]`: latency per call of the simulated store and remote cache.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBackends {
    latency_mode: Option<LatencyMode>,
    store: Option<Wall>,
    remote_cache: Option<Wall>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    warmup: Option<Spanned<u32>>,
    samples: Option<Spanned<u32>>,
    fuel_iterations: Option<Spanned<u32>>,
    executions: Option<Spanned<u32>>,
    instances: Option<Spanned<u32>>,
    thresholds: Option<Spanned<String>>,
    fuel: Option<Spanned<u64>>,
    memory: Option<Spanned<Size>>,
    deadline: Option<Spanned<Wall>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixture {
    size: Spanned<Size>,
    #[serde(default)]
    seed: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBench {
    id: Option<Spanned<String>>,
    plugin: Option<Spanned<String>>,
    wasm: Option<Spanned<String>>,
    /// Required for components; a core module runs `_start` when it is left out.
    workload: Option<Spanned<String>>,
    #[serde(default)]
    params: BTreeMap<String, Spanned<ParamValue>>,
    group: Option<String>,
    expect: Option<Spanned<String>>,
    // The settings keys again: serde can't combine `flatten` with `deny_unknown_fields`.
    warmup: Option<Spanned<u32>>,
    samples: Option<Spanned<u32>>,
    fuel_iterations: Option<Spanned<u32>>,
    executions: Option<Spanned<u32>>,
    instances: Option<Spanned<u32>>,
    thresholds: Option<Spanned<String>>,
    fuel: Option<Spanned<u64>>,
    memory: Option<Spanned<Size>>,
    deadline: Option<Spanned<Wall>>,
}

impl RawBench {
    fn settings(&self) -> RawSettings {
        RawSettings {
            warmup: self.warmup.clone(),
            samples: self.samples.clone(),
            fuel_iterations: self.fuel_iterations.clone(),
            executions: self.executions.clone(),
            instances: self.instances.clone(),
            thresholds: self.thresholds.clone(),
            fuel: self.fuel.clone(),
            memory: self.memory.clone(),
            deadline: self.deadline.clone(),
        }
    }
}

/// A size: a byte count or text such as `"16 MiB"`.
#[derive(Clone, Copy)]
struct Size(u64);

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        match Raw::deserialize(d).map_err(|_| {
            serde::de::Error::custom("expected a size such as \"16 MiB\" or a byte count")
        })? {
            Raw::Bytes(n) => Ok(Size(n)),
            Raw::Text(text) => bytesize::ByteSize::from_str(&text)
                .map(|b| Size(b.as_u64()))
                .map_err(|e| {
                    serde::de::Error::custom(format!(
                        "invalid size `{text}`: {e} (write e.g. \"16 MiB\")"
                    ))
                }),
        }
    }
}

/// A duration written as text, e.g. `"10s"` or `"250ms"`.
#[derive(Clone, Copy)]
struct Wall(Duration);

impl<'de> Deserialize<'de> for Wall {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_duration(&text).map(Wall).map_err(|e| {
            serde::de::Error::custom(format!(
                "invalid duration `{text}`: {e} (write e.g. \"10s\")"
            ))
        })
    }
}

/// A parameter value: TOML scalars, passed to the plugin as text.
#[derive(Clone)]
struct ParamValue(String);

impl<'de> Deserialize<'de> for ParamValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Bool(bool),
            Text(String),
        }
        Ok(ParamValue(
            match Raw::deserialize(d).map_err(|_| {
                serde::de::Error::custom("a parameter must be a string, number or boolean")
            })? {
                Raw::Int(n) => n.to_string(),
                Raw::Float(x) => x.to_string(),
                Raw::Bool(b) => b.to_string(),
                Raw::Text(s) => s,
            },
        ))
    }
}

// ---- validation ----

const DEFAULT_SETTINGS: Settings = Settings {
    warmup: 2,
    samples: 10,
    fuel_iterations: 3,
    executions: DEFAULT_EXECUTIONS,
    instances: 1,
    thresholds: None,
    limits: Limits::DEFAULT,
};

/// Beyond these, a limit is a typo rather than a plan.
const MAX_SAMPLES: u32 = 1_000_000;
const MAX_MEMORY: u64 = 4 << 30; // wasm32 can't address more
const MAX_DEADLINE: Duration = Duration::from_secs(24 * 3600);
const MAX_FIXTURE: u64 = 4 << 30;
const MAX_INSTANCES: u32 = 256;
const MAX_EXECUTIONS: u32 = 1000;

impl RawSettings {
    /// `self` over `base`, validated.
    fn apply(
        &self,
        base: &Settings,
        ctx: &Ctx<'_>,
        key_prefix: &str,
    ) -> Result<Settings, SuiteError> {
        let key = |name: &str| Some(format!("{key_prefix}{name}"));
        let mut s = base.clone();
        // Counts within a range; the message names the range the way a user writes it.
        let count = |v: &Option<Spanned<u32>>,
                     name: &str,
                     range: std::ops::RangeInclusive<u32>,
                     target: &mut u32| {
            let Some(v) = v else { return Ok(()) };
            if !range.contains(v.get_ref()) {
                let message = if *range.start() == 0 {
                    format!("must be at most {}", range.end())
                } else {
                    format!("must be between {} and {}", range.start(), range.end())
                };
                return Err(ctx.error(Some(v.span()), key(name), message));
            }
            *target = *v.get_ref();
            Ok(())
        };
        count(&self.warmup, "warmup", 0..=MAX_SAMPLES, &mut s.warmup)?;
        count(&self.samples, "samples", 1..=MAX_SAMPLES, &mut s.samples)?;
        count(
            &self.fuel_iterations,
            "fuel_iterations",
            1..=MAX_SAMPLES,
            &mut s.fuel_iterations,
        )?;
        count(
            &self.executions,
            "executions",
            1..=MAX_EXECUTIONS,
            &mut s.executions,
        )?;
        count(
            &self.instances,
            "instances",
            1..=MAX_INSTANCES,
            &mut s.instances,
        )?;
        if let Some(v) = &self.thresholds {
            let base = s.thresholds.unwrap_or_default();
            s.thresholds = Some(
                base.with_overrides(v.get_ref())
                    .map_err(|e| ctx.error(Some(v.span()), key("thresholds"), e))?,
            );
        }
        if let Some(v) = &self.fuel {
            if *v.get_ref() == 0 {
                return Err(ctx.error(
                    Some(v.span()),
                    key("fuel"),
                    "the fuel budget must be positive",
                ));
            }
            s.limits.fuel = *v.get_ref();
        }
        if let Some(v) = &self.memory {
            let bytes = v.get_ref().0;
            if !(64 << 10..=MAX_MEMORY).contains(&bytes) {
                return Err(ctx.error(
                    Some(v.span()),
                    key("memory"),
                    "the memory limit must be between 64 KiB (one wasm page) and 4 GiB",
                ));
            }
            s.limits.memory_bytes = bytes;
        }
        if let Some(v) = &self.deadline {
            let d = v.get_ref().0;
            if d < Duration::from_millis(1) || d > MAX_DEADLINE {
                return Err(ctx.error(
                    Some(v.span()),
                    key("deadline"),
                    "the deadline must be between 1ms and 24h",
                ));
            }
            s.limits.deadline = d;
        }
        Ok(s)
    }
}

impl RawSuite {
    fn resolve(self, ctx: &Ctx<'_>) -> Result<Suite, SuiteError> {
        let defaults = self.defaults.apply(&DEFAULT_SETTINGS, ctx, "defaults.")?;
        let mut fixtures = BTreeMap::new();
        for (name, fixture) in self.fixtures {
            let valid = !name.get_ref().is_empty()
                && name
                    .get_ref()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                && !name.get_ref().starts_with('.');
            if !valid {
                return Err(ctx.error(
                    Some(name.span()),
                    Some(format!("fixtures.{}", name.get_ref())),
                    "a fixture name must be a plain file name (letters, digits, `.`, `_`, `-`; not starting with `.`)",
                ));
            }
            let size = fixture.size.get_ref().0;
            if size > MAX_FIXTURE {
                return Err(ctx.error(
                    Some(fixture.size.span()),
                    Some(format!("fixtures.{}.size", name.get_ref())),
                    "a fixture can be at most 4 GiB",
                ));
            }
            fixtures.insert(
                name.into_inner(),
                FixtureSpec {
                    size,
                    seed: fixture.seed,
                },
            );
        }
        if self.bench.is_empty() {
            return Err(ctx.error(
                None,
                Some("bench".into()),
                "the suite has no benches; add at least one [[bench]] table",
            ));
        }
        let base_dir = ctx.file.parent().unwrap_or(Path::new("."));
        let mut benches = Vec::with_capacity(self.bench.len());
        for (index, raw) in self.bench.into_iter().enumerate() {
            let span = raw.span();
            let raw = raw.into_inner();
            let prefix = format!("bench[{index}].");
            let settings = raw.settings().apply(&defaults, ctx, &prefix)?;
            let plugin = match (raw.plugin, raw.wasm) {
                (Some(name), None) => PluginSource::Named(name.into_inner()),
                (None, Some(path)) => PluginSource::File(base_dir.join(path.get_ref())),
                (Some(_), Some(wasm)) => {
                    return Err(ctx.error(
                        Some(wasm.span()),
                        Some(format!("{prefix}wasm")),
                        "set either `plugin` or `wasm`, not both",
                    ));
                }
                (None, None) => {
                    return Err(ctx.error(
                        Some(span),
                        Some(format!("bench[{index}]")),
                        "a bench needs `plugin = \"name\"` or `wasm = \"path\"`",
                    ));
                }
            };
            let expect = match raw.expect {
                None => Status::Ok,
                Some(text) => Status::from_str(text.get_ref()).map_err(|_| {
                    let names = Status::ALL.iter().map(|s| s.as_str());
                    let hint = suggest(text.get_ref(), names.clone())
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    ctx.error(
                        Some(text.span()),
                        Some(format!("{prefix}expect")),
                        format!(
                            "unknown status `{}` (one of: {}){hint}",
                            text.get_ref(),
                            names.collect::<Vec<_>>().join(", ")
                        ),
                    )
                })?,
            };
            let workload = raw.workload.map(Spanned::into_inner);
            if matches!(plugin, PluginSource::Named(_)) && workload.is_none() {
                return Err(ctx.error(
                    Some(span),
                    Some(format!("bench[{index}]")),
                    "missing field `workload` (a plugin is a component; only a core module given \
                     by `wasm = \"...\"` may leave it out and run `_start`)",
                ));
            }
            let sources = match &plugin {
                PluginSource::File(dir) if dir.is_dir() => {
                    if let Some(id) = &raw.id {
                        return Err(ctx.error(
                            Some(id.span()),
                            Some(format!("{prefix}id")),
                            "a folder makes one bench per module, each named \
                             `<folder>/<file stem>`; `id` can't name them all",
                        ));
                    }
                    folder_benches(dir).map_err(|message| {
                        ctx.error(Some(span.clone()), Some(format!("{prefix}wasm")), message)
                    })?
                }
                _ => vec![(raw.id.map(Spanned::into_inner), plugin)],
            };
            let (line, column) = line_column(ctx.text, span.start);
            let params: BTreeMap<String, String> = raw
                .params
                .into_iter()
                .map(|(k, v)| (k, v.into_inner().0))
                .collect();
            for (id, plugin) in sources {
                benches.push(BenchDef {
                    id,
                    plugin,
                    workload: workload.clone(),
                    params: params.clone(),
                    group: raw.group.clone(),
                    settings: settings.clone(),
                    expect,
                    location: format!("{}:{line}:{column}", ctx.file.display()),
                });
            }
        }
        let name = self
            .suite
            .as_ref()
            .and_then(|h| h.name.clone())
            .or_else(|| {
                ctx.file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "suite".into());
        let http = match self.http {
            None => None,
            Some(raw) => {
                let defaults = HttpFixtureConfig::default();
                if let Some(rate) = &raw.error_rate
                    && !(0.0..=1.0).contains(rate.get_ref())
                {
                    return Err(ctx.error(
                        Some(rate.span()),
                        Some("http.error_rate".into()),
                        "must be between 0 and 1",
                    ));
                }
                Some(HttpFixtureConfig {
                    latency: raw.latency.map_or(defaults.latency, |w| w.0),
                    jitter: raw.jitter.map_or(defaults.jitter, |w| w.0),
                    size: raw.size.map_or(defaults.size, |s| s.0),
                    error_rate: raw
                        .error_rate
                        .map_or(defaults.error_rate, |r| r.into_inner()),
                    seed: raw.seed.unwrap_or(defaults.seed),
                })
            }
        };
        let backends = self
            .backends
            .map_or_else(BackendsConfig::default, |raw| BackendsConfig {
                mode: raw.latency_mode.unwrap_or_default(),
                store_latency: raw.store.map_or(Duration::ZERO, |w| w.0),
                remote_cache_latency: raw.remote_cache.map_or(Duration::ZERO, |w| w.0),
            });
        // Latencies longer than a deadline could ever allow are typos, not plans.
        let latencies = [
            ("http.latency", http.map(|h| h.latency)),
            ("http.jitter", http.map(|h| h.jitter)),
            ("backends.store", Some(backends.store_latency)),
            ("backends.remote_cache", Some(backends.remote_cache_latency)),
        ];
        for (key, latency) in latencies {
            if latency.is_some_and(|l| l > MAX_DEADLINE) {
                return Err(ctx.error(None, Some(key.into()), "a latency must be at most 24h"));
            }
        }
        Ok(Suite {
            name,
            description: self.suite.and_then(|h| h.description),
            path: ctx.file.to_path_buf(),
            fixtures,
            http,
            backends,
            benches,
        })
    }
}

/// `wasm = "folder"`: one bench per `*.wasm` / `*.wat` file in it (not in sub-folders), in file
/// name order, each with id `<folder name>/<file stem>`.
fn folder_benches(dir: &Path) -> Result<Vec<(Option<String>, PluginSource)>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the folder {}: {e}", dir.display()))?;
    let mut modules: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let visible = path
                .file_name()
                .is_some_and(|name| !name.to_string_lossy().starts_with('.'));
            let wasm = path
                .extension()
                .is_some_and(|ext| ext == "wasm" || ext == "wat");
            visible && wasm && path.is_file()
        })
        .collect();
    if modules.is_empty() {
        return Err(format!(
            "no such wasm file: {} is a folder without any .wasm or .wat module",
            dir.display()
        ));
    }
    modules.sort();
    Ok(modules
        .into_iter()
        .map(|path| {
            let id = crate::plugin::module_bench_id(&path);
            (Some(id), PluginSource::File(path))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Suite, SuiteError> {
        parse_suite(Path::new("suites/t.toml"), text)
    }

    #[test]
    fn defaults_merge_into_benches() {
        let suite = parse(
            r#"
[defaults]
samples = 5
memory = "16 MiB"
deadline = "2s"

[[bench]]
plugin = "cpu"
workload = "fib"
params = { n = 20 }
samples = 7
"#,
        )
        .unwrap();
        let b = &suite.benches[0];
        assert_eq!(b.settings.samples, 7);
        assert_eq!(b.settings.limits.memory_bytes, 16 << 20);
        assert_eq!(b.settings.limits.deadline, Duration::from_secs(2));
        assert_eq!(b.params["n"], "20");
        assert_eq!(b.location, "suites/t.toml:7:1");
    }

    #[test]
    fn unknown_key_names_line_key_and_suggestion() {
        let err =
            parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsampels = 3\n").unwrap_err();
        let text = err.to_string();
        assert_eq!(err.position.map(|p| p.0), Some(4), "{text}");
        assert!(text.contains("sampels"), "{text}");
        assert!(text.contains("did you mean `samples`?"), "{text}");
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let err = parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = \"ten\"\n")
            .unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(4), "{err}");
        assert_eq!(err.key.as_deref(), Some("bench[0].samples"), "{err}");
    }

    #[test]
    fn zero_samples_and_bad_sizes_are_rejected() {
        let err =
            parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nsamples = 0\n").unwrap_err();
        assert!(err.to_string().contains("between 1 and"), "{err}");
        let err = parse(
            "[defaults]\nmemory = \"lots\"\n[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\n",
        )
        .unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(2), "{err}");
        assert!(err.to_string().contains("invalid size"), "{err}");
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse("[[bench]\nplugin = \"cpu\"\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(1), "{err}");
    }

    #[test]
    fn workload_is_required_for_named_plugins_only() {
        let err = parse("[[bench]]\nplugin = \"cpu\"\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(1), "{err}");
        assert!(
            err.to_string().contains("missing field `workload`"),
            "{err}"
        );
        let suite = parse("[[bench]]\nwasm = \"m.wasm\"\n").unwrap();
        assert_eq!(suite.benches[0].workload, None);
        assert_eq!(
            suite.benches[0].plugin,
            PluginSource::File(PathBuf::from("suites/m.wasm"))
        );
    }

    #[test]
    fn a_folder_becomes_one_bench_per_module() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("corpus");
        std::fs::create_dir(&folder).unwrap();
        for file in [
            "b.wasm",
            "a.wat",
            "notes.txt",
            ".hidden.wasm",
            "a.stdout.expected",
        ] {
            std::fs::write(folder.join(file), "").unwrap();
        }
        std::fs::create_dir(folder.join("sub.wasm")).unwrap();
        let suite = parse_suite(
            &dir.path().join("s.toml"),
            "[[bench]]\nwasm = \"corpus\"\nsamples = 3\nexpect = \"wrong-output\"\n",
        )
        .unwrap();
        let benches: Vec<_> = suite
            .benches
            .iter()
            .map(|b| (b.id.clone().unwrap(), b.plugin.clone()))
            .collect();
        assert_eq!(
            benches,
            [
                (
                    "corpus/a".to_string(),
                    PluginSource::File(folder.join("a.wat"))
                ),
                (
                    "corpus/b".to_string(),
                    PluginSource::File(folder.join("b.wasm"))
                ),
            ]
        );
        assert!(suite.benches.iter().all(|b| b.settings.samples == 3
            && b.expect == Status::WrongOutput
            && b.location.ends_with("s.toml:1:1")));
    }

    #[test]
    fn unknown_expectation_suggests() {
        let err =
            parse("[[bench]]\nplugin = \"cpu\"\nworkload = \"fib\"\nexpect = \"memory-limt\"\n")
                .unwrap_err();
        assert!(
            err.to_string().contains("did you mean `memory-limit`"),
            "{err}"
        );
    }
}
