//! `[groups.NAME]`: settings of a group of alternatives. Today one: `reference`, the bench (or load
//! scenario) the group's others are stated against in the reports, instead of the fastest.

use std::collections::BTreeMap;

use toml::Spanned;

use super::error::{Ctx, SuiteError, suggest};
use super::model::{BenchDef, GroupSettings, LoadDef};
use super::raw::RawGroup;

/// Checks each `[groups.NAME]` against the benches and scenarios: the group must have members and
/// its reference must name one of them — by explicit id, workload, `plugin/workload`, or an id the
/// planner derives (`plugin/workload[k=v]`).
pub(super) fn resolve_groups(
    raw: BTreeMap<Spanned<String>, RawGroup>,
    benches: &[BenchDef],
    loads: &[LoadDef],
    ctx: &Ctx<'_>,
) -> Result<BTreeMap<String, GroupSettings>, SuiteError> {
    let mut out = BTreeMap::new();
    for (name, group) in raw {
        let members = members(name.get_ref(), benches, loads);
        if members.is_empty() {
            return Err(no_members(&name, benches, loads, ctx));
        }
        let reference = (group.reference)
            .map(|spec| reference(spec, &name, &members, ctx))
            .transpose()?;
        out.insert(name.into_inner(), GroupSettings { reference });
    }
    Ok(out)
}

/// A bench or load scenario of a group, as a reference may name it.
struct Member<'a> {
    /// Its explicit `id`, if it has one.
    id: Option<&'a str>,
    plugin: String,
    workload: &'a str,
}

/// The benches, then the load scenarios, in group `name`.
fn members<'a>(name: &str, benches: &'a [BenchDef], loads: &'a [LoadDef]) -> Vec<Member<'a>> {
    let benches = benches
        .iter()
        .filter(|b| b.group.as_deref() == Some(name))
        .map(|b| Member {
            id: b.id.as_deref(),
            plugin: b.plugin.display_name(),
            workload: b.workload.as_deref().unwrap_or("_start"),
        });
    let loads = loads
        .iter()
        .filter(|l| l.group.as_deref() == Some(name))
        .map(|l| Member {
            id: l.id.as_deref(),
            plugin: l.plugin.display_name(),
            workload: l.workload.as_str(),
        });
    benches.chain(loads).collect()
}

/// The error for a group nothing is in, with the group names the suite does use.
fn no_members(
    name: &Spanned<String>,
    benches: &[BenchDef],
    loads: &[LoadDef],
    ctx: &Ctx<'_>,
) -> SuiteError {
    let mut known: Vec<&str> = benches
        .iter()
        .filter_map(|b| b.group.as_deref())
        .chain(loads.iter().filter_map(|l| l.group.as_deref()))
        .collect();
    known.sort_unstable();
    known.dedup();
    let hint = match suggest(name.get_ref(), known.iter().copied()) {
        Some(close) => format!("; did you mean `{close}`?"),
        None if known.is_empty() => "; no bench sets `group = \"…\"`".into(),
        None => format!(" (groups: {})", known.join(", ")),
    };
    ctx.error(
        Some(name.span()),
        Some(format!("groups.{}", name.get_ref())),
        format!(
            "no bench or load scenario is in group `{}`{hint}",
            name.get_ref()
        ),
    )
}

/// The group's `reference`, once it names one of its `members`.
fn reference(
    spec: Spanned<String>,
    name: &Spanned<String>,
    members: &[Member<'_>],
    ctx: &Ctx<'_>,
) -> Result<String, SuiteError> {
    let s = spec.get_ref().as_str();
    let names_one = members.iter().any(|m| {
        let whole = format!("{}/{}", m.plugin, m.workload);
        m.id == Some(s)
            || s == m.workload
            || s == whole
            || (m.id.is_none() && s.starts_with(&format!("{whole}[")))
    });
    if names_one {
        return Ok(spec.into_inner());
    }
    let choices: Vec<String> = members
        .iter()
        .map(|m| {
            m.id.map_or_else(|| format!("{}/{}", m.plugin, m.workload), str::to_string)
        })
        .collect();
    let workloads = members.iter().map(|m| m.workload);
    let close = suggest(s, choices.iter().map(String::as_str).chain(workloads))
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    Err(ctx.error(
        Some(spec.span()),
        Some(format!("groups.{}.reference", name.get_ref())),
        format!(
            "`{s}` is not a bench or scenario of group `{}`{close}; name one by its id, workload or plugin/workload: {}",
            name.get_ref(),
            choices.join(", ")
        ),
    ))
}
