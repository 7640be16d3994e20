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
        let members: Vec<(Option<&str>, String, &str)> = benches
            .iter()
            .filter(|b| b.group.as_deref() == Some(name.get_ref()))
            .map(|b| {
                (
                    b.id.as_deref(),
                    b.plugin.display_name(),
                    b.workload.as_deref().unwrap_or("_start"),
                )
            })
            .chain(
                loads
                    .iter()
                    .filter(|l| l.group.as_deref() == Some(name.get_ref()))
                    .map(|l| {
                        (
                            l.id.as_deref(),
                            l.plugin.display_name(),
                            l.workload.as_str(),
                        )
                    }),
            )
            .collect();
        if members.is_empty() {
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
            return Err(ctx.error(
                Some(name.span()),
                Some(format!("groups.{}", name.get_ref())),
                format!(
                    "no bench or load scenario is in group `{}`{hint}",
                    name.get_ref()
                ),
            ));
        }
        let reference = match group.reference {
            None => None,
            Some(spec) => {
                let names_one = members.iter().any(|(id, plugin, workload)| {
                    let whole = format!("{plugin}/{workload}");
                    let s = spec.get_ref().as_str();
                    *id == Some(s)
                        || s == *workload
                        || s == whole
                        || (id.is_none() && s.starts_with(&format!("{whole}[")))
                });
                if !names_one {
                    let choices: Vec<String> = members
                        .iter()
                        .map(|(id, plugin, workload)| {
                            id.map_or_else(|| format!("{plugin}/{workload}"), str::to_string)
                        })
                        .collect();
                    let workloads: Vec<&str> = members.iter().map(|m| m.2).collect();
                    let close = suggest(
                        spec.get_ref(),
                        choices.iter().map(String::as_str).chain(workloads),
                    )
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                    return Err(ctx.error(
                        Some(spec.span()),
                        Some(format!("groups.{}.reference", name.get_ref())),
                        format!(
                            "`{}` is not a bench or scenario of group `{}`{close}; name one by its id, workload or plugin/workload: {}",
                            spec.get_ref(),
                            name.get_ref(),
                            choices.join(", ")
                        ),
                    ));
                }
                Some(spec.into_inner())
            }
        };
        out.insert(name.into_inner(), GroupSettings { reference });
    }
    Ok(out)
}
