//! Resolving `[[load]]` tables into [`LoadDef`]s: the model, phases, pool and queue, thresholds,
//! each checked against its range with the key that is wrong.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use toml::Spanned;

use super::error::{Ctx, SuiteError, line_column, suggest};
use super::model::{Arrival, LoadDef, LoadPhase, LoadShape, PluginSource, Settings};
use super::raw::{RawLoad, RawPhase, RawSettings};
use super::settings::{Held, MAX_DEADLINE, count};
use super::source::plugin_source;
use crate::model::LoadThreshold;

/// Beyond these, a scenario is a typo rather than a plan.
const MAX_POOL: u32 = 256;
const MAX_QUEUE: u32 = 1_000_000;
const MAX_CONNECTIONS: u32 = 10_000;
const MAX_RATE: f64 = 1_000_000.0;
const DEFAULT_QUEUE: u32 = 1000;
const DEFAULT_WARMUP: u32 = 10;

/// One `[[load]]` over the suite's defaults (which give its limits).
pub(super) fn load_def(
    index: usize,
    raw: Spanned<RawLoad>,
    defaults: &Settings,
    ctx: &Ctx<'_>,
) -> Result<LoadDef, SuiteError> {
    let span = raw.span();
    let mut raw = raw.into_inner();
    let prefix = format!("load[{index}].");
    // The limits and the fuel pass come from the same keys as a bench's.
    let settings = RawSettings {
        fuel_iterations: raw.fuel_iterations.clone(),
        fuel: raw.fuel.clone(),
        memory: raw.memory.clone(),
        deadline: raw.deadline.clone(),
        ..RawSettings::default()
    }
    .apply(defaults, ctx, &prefix)?;
    let (plugin, workload) = plugin_and_workload(index, &mut raw, &span, &prefix, ctx)?;
    let (pool, queue, warmup) = pool_queue_warmup(&raw, &settings, &span, &prefix, ctx)?;
    let shape = shape(&raw, &prefix, ctx)?;
    let closed = matches!(shape, LoadShape::Closed { .. });
    let phases = phases(std::mem::take(&mut raw.phase), closed, &span, &prefix, ctx)?;
    let (line, column) = line_column(ctx.text, span.start);
    Ok(LoadDef {
        id: raw.id.map(Spanned::into_inner),
        plugin,
        workload,
        params: raw
            .params
            .into_iter()
            .map(|(k, v)| (k, v.into_inner().0))
            .collect::<BTreeMap<_, _>>(),
        group: raw.group,
        shape,
        phases,
        pool,
        queue,
        warmup,
        fuel_iterations: settings.fuel_iterations,
        limits: settings.limits,
        limit_origins: settings.limit_origins,
        thresholds: thresholds(raw.thresholds, &format!("{prefix}thresholds"), ctx)?,
        abort_on_fail: raw.abort_on_fail.unwrap_or(false),
        location: format!("{}:{line}:{column}", ctx.file.display()),
    })
}

/// The scenario's plugin (one file, not a folder) and the workload each request calls.
fn plugin_and_workload(
    index: usize,
    raw: &mut RawLoad,
    span: &Range<usize>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<(PluginSource, String), SuiteError> {
    let plugin = plugin_source(raw.plugin.take(), raw.wasm.take(), span, prefix, ctx)?;
    if matches!(&plugin, PluginSource::File(path) if path.is_dir()) {
        return Err(ctx.error(
            Some(span.clone()),
            Some(format!("{prefix}wasm")),
            "a load scenario runs one plugin: name a file, not a folder",
        ));
    }
    let workload = raw
        .workload
        .take()
        .map(Spanned::into_inner)
        .ok_or_else(|| {
            ctx.error(
            Some(span.clone()),
            Some(format!("load[{index}]")),
            "missing field `workload` (each request is one `run` call of a component's workload)",
        )
        })?;
    Ok((plugin, workload))
}

/// `pool`, `queue` and `warmup` in their ranges, the pool's instances within the memory held.
fn pool_queue_warmup(
    raw: &RawLoad,
    settings: &Settings,
    span: &Range<usize>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<(u32, u32, u32), SuiteError> {
    let key = |name: &str| Some(format!("{prefix}{name}"));
    let (mut pool, mut queue, mut warmup) = (1, DEFAULT_QUEUE, DEFAULT_WARMUP);
    count(ctx, &raw.pool, key("pool"), 1..=MAX_POOL, &mut pool)?;
    Held {
        count: pool,
        count_key: "pool",
        count_at: raw.pool.as_ref().map(Spanned::span),
        memory_bytes: settings.limits.memory_bytes,
        memory_at: raw.memory.as_ref().map(Spanned::span),
    }
    .check(ctx, prefix, span.clone())?;
    count(ctx, &raw.queue, key("queue"), 0..=MAX_QUEUE, &mut queue)?;
    count(ctx, &raw.warmup, key("warmup"), 0..=1_000_000, &mut warmup)?;
    Ok((pool, queue, warmup))
}

/// `[[load.phase]]`: at least one, names that differ, at most 24h in all.
fn phases(
    raw: Vec<Spanned<RawPhase>>,
    closed: bool,
    span: &Range<usize>,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<Vec<LoadPhase>, SuiteError> {
    if raw.is_empty() {
        return Err(ctx.error(
            Some(span.clone()),
            Some(format!("{prefix}phase")),
            "a load scenario needs at least one [[load.phase]] (name, duration, rate, ramp_to)",
        ));
    }
    let mut phases: Vec<LoadPhase> = Vec::with_capacity(raw.len());
    for (i, phase) in raw.into_iter().enumerate() {
        let phase = load_phase(i, phase, closed, &format!("{prefix}phase[{i}]."), ctx)?;
        if phases.iter().any(|p| p.name == phase.name) {
            return Err(ctx.error(
                None,
                Some(format!("{prefix}phase[{i}].name")),
                format!(
                    "two phases are named `{}`; phase names must differ",
                    phase.name
                ),
            ));
        }
        phases.push(phase);
    }
    let total: Duration = phases.iter().map(|p| p.duration).sum();
    if total > MAX_DEADLINE {
        return Err(ctx.error(
            Some(span.clone()),
            Some(format!("{prefix}phase")),
            "the phases add up to more than 24h",
        ));
    }
    Ok(phases)
}

/// `model`, `arrival`, `seed`, `connections`, `think`: the keys of one model only.
fn shape(raw: &RawLoad, prefix: &str, ctx: &Ctx<'_>) -> Result<LoadShape, SuiteError> {
    let key = |name: &str| Some(format!("{prefix}{name}"));
    let model = raw.model.as_ref().map_or("open", |m| m.get_ref().as_str());
    match model {
        "open" => {
            if let Some(c) = &raw.connections {
                return Err(ctx.error(
                    Some(c.span()),
                    key("connections"),
                    "`connections` belongs to `model = \"closed\"`; the open model's arrivals \
                     follow the phases' `rate`",
                ));
            }
            if let Some(t) = &raw.think {
                return Err(ctx.error(
                    Some(t.span()),
                    key("think"),
                    "`think` belongs to `model = \"closed\"`",
                ));
            }
            let arrival = match raw.arrival.as_ref().map(|a| a.get_ref().as_str()) {
                None | Some("uniform") => Arrival::Uniform,
                Some("poisson") => Arrival::Poisson {
                    seed: raw.seed.unwrap_or(1),
                },
                Some(other) => {
                    let span = raw.arrival.as_ref().map(Spanned::span);
                    return Err(ctx.error(
                        span,
                        key("arrival"),
                        format!("unknown arrival `{other}` (one of: uniform, poisson)"),
                    ));
                }
            };
            Ok(LoadShape::Open { arrival })
        }
        "closed" => {
            if let Some(a) = &raw.arrival {
                return Err(ctx.error(
                    Some(a.span()),
                    key("arrival"),
                    "`arrival` belongs to `model = \"open\"`; closed-model requests follow \
                     completions",
                ));
            }
            let mut connections = 1;
            count(
                ctx,
                &raw.connections,
                key("connections"),
                1..=MAX_CONNECTIONS,
                &mut connections,
            )?;
            let think = raw.think.as_ref().map_or(Duration::ZERO, |t| t.get_ref().0);
            if think > MAX_DEADLINE {
                return Err(ctx.error(
                    raw.think.as_ref().map(Spanned::span),
                    key("think"),
                    "must be at most 24h",
                ));
            }
            Ok(LoadShape::Closed { connections, think })
        }
        other => {
            let hint = suggest(other, ["open", "closed"])
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            Err(ctx.error(
                raw.model.as_ref().map(Spanned::span),
                key("model"),
                format!("unknown model `{other}` (one of: open, closed){hint}"),
            ))
        }
    }
}

fn load_phase(
    index: usize,
    raw: Spanned<RawPhase>,
    closed: bool,
    prefix: &str,
    ctx: &Ctx<'_>,
) -> Result<LoadPhase, SuiteError> {
    let span = raw.span();
    let raw = raw.into_inner();
    let key = |name: &str| Some(format!("{prefix}{name}"));
    let duration = raw.duration.get_ref().0;
    if duration.is_zero() || duration > MAX_DEADLINE {
        return Err(ctx.error(
            Some(raw.duration.span()),
            key("duration"),
            "must be longer than 0 and at most 24h",
        ));
    }
    let rate_in = |value: &Option<Spanned<super::raw::Number>>, name: &str| {
        let Some(v) = value else { return Ok(None) };
        let rate = v.get_ref().0;
        if closed {
            return Err(ctx.error(
                Some(v.span()),
                key(name),
                format!(
                    "`{name}` belongs to the open model; a closed scenario's phases have only \
                     a name, a duration and thresholds"
                ),
            ));
        }
        if !(rate.is_finite() && (0.0..=MAX_RATE).contains(&rate)) {
            return Err(ctx.error(
                Some(v.span()),
                key(name),
                format!("must be between 0 and {MAX_RATE} requests per second"),
            ));
        }
        Ok(Some(rate))
    };
    let rate = rate_in(&raw.rate, "rate")?;
    let ramp_to = rate_in(&raw.ramp_to, "ramp_to")?;
    if !closed {
        match rate {
            None => {
                return Err(ctx.error(
                    Some(span),
                    key("rate"),
                    "an open-model phase needs `rate` (arrivals per second; `ramp_to` moves it \
                     linearly by the phase's end)",
                ));
            }
            Some(r) if r == 0.0 && ramp_to.unwrap_or(0.0) == 0.0 => {
                return Err(ctx.error(
                    raw.rate.as_ref().map(Spanned::span),
                    key("rate"),
                    "a phase at rate 0 that ramps to 0 sends nothing; give it a rate",
                ));
            }
            _ => {}
        }
    }
    let name = match raw.name {
        Some(name) if name.get_ref().trim().is_empty() => {
            return Err(ctx.error(Some(name.span()), key("name"), "must not be empty"));
        }
        Some(name) => name.into_inner(),
        None => format!("phase {}", index + 1),
    };
    Ok(LoadPhase {
        name,
        duration,
        rate: rate.unwrap_or(0.0),
        ramp_to,
        thresholds: thresholds(raw.thresholds, &format!("{prefix}thresholds"), ctx)?,
    })
}

/// `thresholds = ["p95 < 200ms", ...]`, each parsed, the wrong one named by its index.
fn thresholds(
    raw: Option<Vec<Spanned<String>>>,
    key: &str,
    ctx: &Ctx<'_>,
) -> Result<Vec<LoadThreshold>, SuiteError> {
    raw.unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            text.get_ref()
                .parse()
                .map_err(|e: String| ctx.error(Some(text.span()), Some(format!("{key}[{i}]")), e))
        })
        .collect()
}
