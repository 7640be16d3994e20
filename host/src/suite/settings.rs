//! Measurement settings: the built-in defaults, and `[defaults]` or a bench's keys applied over
//! them, each checked against its range.

use std::ops::RangeInclusive;
use std::time::Duration;

use toml::Spanned;

use super::error::{Ctx, SuiteError};
use super::model::{DEFAULT_EXECUTIONS, Settings};
use super::raw::RawSettings;
use crate::model::{Limit, LimitOrigin, LimitOrigins, Limits};

/// What a suite gets for the settings it leaves out.
pub(super) const DEFAULT_SETTINGS: Settings = Settings {
    warmup: 2,
    samples: 10,
    fuel_iterations: 3,
    executions: DEFAULT_EXECUTIONS,
    instances: 1,
    thresholds: None,
    limits: Limits::DEFAULT,
    limit_origins: LimitOrigins::DEFAULT,
};

/// Beyond these, a limit is a typo rather than a plan.
const MAX_SAMPLES: u32 = 1_000_000;
pub(super) const MAX_DEADLINE: Duration = Limits::MAX_DEADLINE;
pub(super) const MAX_FIXTURE: u64 = 4 << 30;
const MAX_INSTANCES: u32 = 256;
const MAX_EXECUTIONS: u32 = 1000;

impl RawSettings {
    /// `self` over `base`, validated.
    pub(super) fn apply(
        &self,
        base: &Settings,
        ctx: &Ctx<'_>,
        key_prefix: &str,
    ) -> Result<Settings, SuiteError> {
        let key = |name: &str| Some(format!("{key_prefix}{name}"));
        let mut s = base.clone();
        count(
            ctx,
            &self.warmup,
            key("warmup"),
            0..=MAX_SAMPLES,
            &mut s.warmup,
        )?;
        count(
            ctx,
            &self.samples,
            key("samples"),
            1..=MAX_SAMPLES,
            &mut s.samples,
        )?;
        count(
            ctx,
            &self.fuel_iterations,
            key("fuel_iterations"),
            1..=MAX_SAMPLES,
            &mut s.fuel_iterations,
        )?;
        count(
            ctx,
            &self.executions,
            key("executions"),
            1..=MAX_EXECUTIONS,
            &mut s.executions,
        )?;
        count(
            ctx,
            &self.instances,
            key("instances"),
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
        self.apply_limits(&mut s.limits, ctx, key)?;
        // Where each key given here was written: in `[defaults]`, or the bench's own.
        let given = [
            (Limit::Fuel, self.fuel.as_ref().map(Spanned::span)),
            (Limit::Memory, self.memory.as_ref().map(Spanned::span)),
            (Limit::Deadline, self.deadline.as_ref().map(Spanned::span)),
        ];
        for (limit, span) in given {
            if let Some(span) = span {
                let written = ctx.written_key(limit.key(), span);
                s.limit_origins.set(
                    limit,
                    if key_prefix == "defaults." {
                        LimitOrigin::Defaults(written)
                    } else {
                        LimitOrigin::Own(written)
                    },
                );
            }
        }
        Ok(s)
    }

    /// The fuel, memory and deadline keys over `limits`, validated.
    fn apply_limits(
        &self,
        limits: &mut Limits,
        ctx: &Ctx<'_>,
        key: impl Fn(&str) -> Option<String>,
    ) -> Result<(), SuiteError> {
        if let Some(v) = &self.fuel {
            if !(1..=Limits::MAX_FUEL).contains(v.get_ref()) {
                return Err(ctx.error(
                    Some(v.span()),
                    key("fuel"),
                    "the fuel budget must be positive and at most 10^15 \
                     (1_000_000_000_000_000, about 11 days of wasm per iteration)",
                ));
            }
            limits.fuel = *v.get_ref();
        }
        if let Some(v) = &self.memory {
            let bytes = v.get_ref().0;
            if !(Limits::MIN_MEMORY..=Limits::MAX_MEMORY).contains(&bytes) {
                return Err(ctx.error(
                    Some(v.span()),
                    key("memory"),
                    "the memory limit must be between 64 KiB (one wasm page) and 4 GiB",
                ));
            }
            limits.memory_bytes = bytes;
        }
        if let Some(v) = &self.deadline {
            let d = v.get_ref().0;
            if !(Limits::MIN_DEADLINE..=Limits::MAX_DEADLINE).contains(&d) {
                return Err(ctx.error(
                    Some(v.span()),
                    key("deadline"),
                    "the deadline must be between 1ms and 24h",
                ));
            }
            limits.deadline = d;
        }
        Ok(())
    }
}

/// Instances that run at once: `count` of them, set by `count_key` (written in this table at
/// `count_at`, or inherited), each under a `memory` limit of `memory_bytes` (written in this
/// table at `memory_at`, or inherited).
pub(super) struct Held<'a> {
    pub count: u32,
    pub count_key: &'a str,
    pub count_at: Option<Span>,
    pub memory_bytes: u64,
    pub memory_at: Option<Span>,
}

type Span = std::ops::Range<usize>;

impl Held<'_> {
    /// Refuses instances that may hold more than [`Limits::MAX_HELD_MEMORY`] of linear memory
    /// together, checked where they run (a bench, a load scenario) with what they run with. The
    /// error is at the key of this table that makes the product: the count, else `memory`, else
    /// the table (`table`) whose inherited values make it.
    pub(super) fn check(
        &self,
        ctx: &Ctx<'_>,
        key_prefix: &str,
        table: Span,
    ) -> Result<(), SuiteError> {
        let Err(why) = Limits::check_held(self.count, self.memory_bytes, self.count_key) else {
            return Ok(());
        };
        let (span, key) = match (&self.count_at, &self.memory_at) {
            (Some(at), _) => (at.clone(), self.count_key),
            (None, Some(at)) => (at.clone(), Limit::Memory.key()),
            (None, None) => (table, self.count_key),
        };
        Err(ctx.error(Some(span), Some(format!("{key_prefix}{key}")), why))
    }
}

/// Sets `target` to `v`, if given, after checking it is within `range`; the message names the range
/// the way a user writes it.
pub(super) fn count(
    ctx: &Ctx<'_>,
    v: &Option<Spanned<u32>>,
    key: Option<String>,
    range: RangeInclusive<u32>,
    target: &mut u32,
) -> Result<(), SuiteError> {
    let Some(v) = v else { return Ok(()) };
    if !range.contains(v.get_ref()) {
        let message = if *range.start() == 0 {
            format!("must be at most {}", range.end())
        } else {
            format!("must be between {} and {}", range.start(), range.end())
        };
        return Err(ctx.error(Some(v.span()), key, message));
    }
    *target = *v.get_ref();
    Ok(())
}
