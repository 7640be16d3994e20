//! Resolving a read suite into a [`Suite`]: defaults inherited by every bench, fixture names and
//! sizes, the plugin of each bench, `[http]` and `[backends]`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::str::FromStr;
use std::time::Duration;

use toml::Spanned;

use super::db::{SuiteDb, bench_db, suite_db};
use super::error::{Ctx, SuiteError, line_column, suggest};
use super::folder::{Folder, folder_benches};
use super::model::{BenchDef, PluginSource, Settings, Suite};
use super::raw::{
    BackendSetting, RawBackends, RawBench, RawFixture, RawHttp, RawSettings, RawSuite,
};
use super::settings::{DEFAULT_SETTINGS, Held, MAX_DEADLINE, MAX_FIXTURE};
use super::source::plugin_source;
use crate::model::{BackendsConfig, FixtureSpec, HttpFixtureConfig, Status, WallModel};

impl RawSuite {
    pub(super) fn resolve(self, ctx: &Ctx<'_>) -> Result<Suite, SuiteError> {
        let defaults = self.defaults.apply(&DEFAULT_SETTINGS, ctx, "defaults.")?;
        let fixtures = fixtures(self.fixtures, ctx)?;
        if self.bench.is_empty() && self.load.is_empty() {
            return Err(ctx.error(
                None,
                Some("bench".into()),
                "the suite has no benches; add at least one [[bench]] (or [[load]]) table",
            ));
        }
        let db = suite_db(self.db, ctx)?;
        let mut benches = Vec::with_capacity(self.bench.len());
        let mut notes = Vec::new();
        for (index, raw) in self.bench.into_iter().enumerate() {
            let (defs, bench_notes) = bench(index, raw, &defaults, db.as_ref(), ctx)?;
            benches.extend(defs);
            notes.extend(bench_notes);
        }
        let loads = self
            .load
            .into_iter()
            .enumerate()
            .map(|(index, raw)| super::scenario::load_def(index, raw, &defaults, ctx))
            .collect::<Result<Vec<_>, _>>()?;
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
        let http = self.http.map(|raw| http(raw, ctx)).transpose()?;
        let backends = self.backends.map_or_else(BackendsConfig::default, backends);
        check_latencies(http, &backends, ctx)?;
        let groups = super::groups::resolve_groups(self.groups, &benches, &loads, ctx)?;
        Ok(Suite {
            name,
            description: self.suite.and_then(|h| h.description),
            path: ctx.file.to_path_buf(),
            fixtures,
            http,
            backends,
            benches,
            loads,
            groups,
            notes,
        })
    }
}

/// `[fixtures]`: plain file names, each at most 4 GiB.
fn fixtures(
    raw: BTreeMap<Spanned<String>, RawFixture>,
    ctx: &Ctx<'_>,
) -> Result<BTreeMap<String, FixtureSpec>, SuiteError> {
    let mut fixtures = BTreeMap::new();
    for (name, fixture) in raw {
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
    Ok(fixtures)
}

/// One `[[bench]]` over the suite's defaults: one bench, or one per module for a folder.
fn bench(
    index: usize,
    raw: Spanned<RawBench>,
    defaults: &Settings,
    db: Option<&SuiteDb>,
    ctx: &Ctx<'_>,
) -> Result<(Vec<BenchDef>, Vec<String>), SuiteError> {
    let span = raw.span();
    let mut raw = raw.into_inner();
    let prefix = format!("bench[{index}].");
    let own = RawSettings::from(&raw);
    let settings = own.apply(defaults, ctx, &prefix)?;
    Held {
        count: settings.instances,
        count_key: "instances",
        count_at: own.instances.as_ref().map(Spanned::span),
        memory_bytes: settings.limits.memory_bytes,
        memory_at: own.memory.as_ref().map(Spanned::span),
    }
    .check(ctx, &prefix, span.clone())?;
    let db = bench_db(db, raw.db.take(), &prefix, ctx)?;
    let plugin = plugin_source(raw.plugin, raw.wasm, &span, &prefix, ctx)?;
    let expect = match raw.expect {
        None => Status::Ok,
        Some(text) => expectation(&text, &prefix, ctx)?,
    };
    let model = wall_model(raw.model, &prefix, ctx)?;
    let workload = raw.workload.map(Spanned::into_inner);
    if matches!(plugin, PluginSource::Named(_)) && workload.is_none() {
        return Err(ctx.error(
            Some(span),
            Some(format!("bench[{index}]")),
            "missing field `workload` (a plugin is a component; only a core module given \
             by `wasm = \"...\"` may leave it out and run `_start`)",
        ));
    }
    let Folder {
        benches: sources,
        notes,
    } = sources(plugin, raw.id, &span, &prefix, ctx)?;
    let (line, column) = line_column(ctx.text, span.start);
    let params: BTreeMap<String, String> = raw
        .params
        .into_iter()
        .map(|(k, v)| (k, v.into_inner().0))
        .collect();
    let defs = sources
        .into_iter()
        .map(|(id, plugin)| BenchDef {
            id,
            plugin,
            workload: workload.clone(),
            params: params.clone(),
            group: raw.group.clone(),
            settings: settings.clone(),
            db: db.clone(),
            expect,
            model: model.clone(),
            location: format!("{}:{line}:{column}", ctx.file.display()),
        })
        .collect();
    Ok((defs, notes))
}

/// `model = "..."`: the wall-time model a bench is expected to follow, if it states one.
fn wall_model(
    text: Option<Spanned<String>>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<Option<WallModel>, SuiteError> {
    text.map(|text| {
        WallModel::parse(text.get_ref())
            .map_err(|e| ctx.error(Some(text.span()), Some(format!("{prefix}model")), e))
    })
    .transpose()
}

/// The benches one `[[bench]]` makes: itself, or one per module of a folder (with its notes).
fn sources(
    plugin: PluginSource,
    id: Option<Spanned<String>>,
    span: &Range<usize>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<Folder, SuiteError> {
    let dir = match &plugin {
        PluginSource::File(dir) if dir.is_dir() => dir,
        _ => {
            return Ok(Folder {
                benches: vec![(id.map(Spanned::into_inner), plugin)],
                notes: Vec::new(),
            });
        }
    };
    if let Some(id) = &id {
        return Err(ctx.error(
            Some(id.span()),
            Some(format!("{prefix}id")),
            "a folder makes one bench per module, each named \
             `<folder>/<module>`; `id` can't name them all",
        ));
    }
    folder_benches(dir)
        .map_err(|message| ctx.error(Some(span.clone()), Some(format!("{prefix}wasm")), message))
}

/// `expect = "..."`: a status name, with "did you mean" for a typo.
fn expectation(text: &Spanned<String>, prefix: &str, ctx: &Ctx<'_>) -> Result<Status, SuiteError> {
    Status::from_str(text.get_ref()).map_err(|_| {
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
    })
}

/// `[http]` over the fixture server's defaults.
fn http(raw: RawHttp, ctx: &Ctx<'_>) -> Result<HttpFixtureConfig, SuiteError> {
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
    if let Some(size) = &raw.size
        && let Err(why) = HttpFixtureConfig::check_size(size.get_ref().0)
    {
        return Err(ctx.error(Some(size.span()), Some("http.size".into()), why));
    }
    Ok(HttpFixtureConfig {
        latency: raw.latency.map_or(defaults.latency, |w| w.0),
        jitter: raw.jitter.map_or(defaults.jitter, |w| w.0),
        size: raw.size.map_or(defaults.size, |s| s.into_inner().0),
        error_rate: raw
            .error_rate
            .map_or(defaults.error_rate, |r| r.into_inner()),
        seed: raw.seed.unwrap_or(defaults.seed),
    })
}

/// `[backends]`: latencies left out are zero.
fn backends(raw: RawBackends) -> BackendsConfig {
    let latency = |s: &Option<BackendSetting>| match s {
        Some(BackendSetting::Latency(latency)) => *latency,
        _ => Duration::ZERO,
    };
    let redis = |s: &Option<BackendSetting>| match s {
        Some(BackendSetting::Redis(url)) => Some(url.clone()),
        _ => None,
    };
    BackendsConfig {
        mode: raw.latency_mode.unwrap_or_default(),
        store_latency: latency(&raw.store),
        remote_cache_latency: latency(&raw.remote_cache),
        store_redis: redis(&raw.store),
        remote_cache_redis: redis(&raw.remote_cache),
    }
}

/// Latencies longer than a deadline could ever allow are typos, not plans.
fn check_latencies(
    http: Option<HttpFixtureConfig>,
    backends: &BackendsConfig,
    ctx: &Ctx<'_>,
) -> Result<(), SuiteError> {
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
    Ok(())
}
