//! `wasmbench list`: plugins, their workloads and default parameters.

use std::collections::BTreeSet;

use super::CommandError;
use crate::cli::ListArgs;
use crate::plugin::PluginLocator;
use crate::report::escape::terminal::{self, Inert};
use crate::runner::{Runner, list_plugin, resolve_source};
use crate::suite::load_suite;

pub fn run(args: &ListArgs) -> Result<u8, CommandError> {
    let locator = PluginLocator::default();
    let plugins: Vec<(String, std::path::PathBuf)> = match &args.suite {
        None => locator.available(),
        Some(path) => {
            let suite = load_suite(path)?;
            let benches = suite.benches.iter().map(|b| b.plugin.clone());
            let loads = suite.loads.iter().map(|l| l.plugin.clone());
            let sources: BTreeSet<_> = benches.chain(loads).collect();
            sources
                .into_iter()
                .map(|source| {
                    let path = resolve_source(&source, &locator).ok_or_else(|| {
                        anyhow::anyhow!(
                            "{}: plugin `{}` not found",
                            path.display(),
                            source.display_name()
                        )
                    })?;
                    Ok((source.display_name(), path))
                })
                .collect::<anyhow::Result<_>>()?
        }
    };
    if plugins.is_empty() {
        say!(
            "no plugins found in {}",
            locator
                .dirs()
                .iter()
                .map(|d| terminal::path(d))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(crate::cli::exit::OK);
    }
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = Runner::new(args.engine.compile_cache())?;
        let mut listed = Vec::new();
        for (name, path) in plugins {
            let listing = list_plugin(&mut runner, name, path).await;
            if listing.workloads.is_ok() {
                listed.push(listing.path.clone());
            }
            say!(
                "{}  ({})",
                Inert::line(&listing.name),
                terminal::path(&listing.path)
            );
            for warning in &listing.warnings {
                say!("  warning: {}", Inert::text(warning));
            }
            match listing.workloads {
                Err(failure) => say!(
                    "  cannot list workloads [{}]: {}",
                    failure.status,
                    Inert::text(&failure.message)
                ),
                Ok(workloads) => {
                    for w in workloads {
                        let params: Vec<String> = w
                            .default_params
                            .iter()
                            .map(|p| format!("{}={}", Inert::line(&p.name), Inert::line(&p.value)))
                            .collect();
                        say!(
                            "  {:<14} {}",
                            Inert::line(&w.name),
                            Inert::line(&w.description)
                        );
                        say!(
                            "  {:<14} unit: {}; params: {}",
                            "",
                            Inert::line(&w.unit),
                            if params.is_empty() {
                                "none".into()
                            } else {
                                params.join(", ")
                            }
                        );
                    }
                }
            }
        }
        // With a suite (which the user is about to run): listing compiled each plugin for the
        // metered engine (the counting pass's); a run also
        // needs the timed engine's code. Compiled now, after the listing is out, into the same
        // cache: `list` then `run` compiles each plugin once per engine, not twice for the first.
        if args.suite.is_some() && !args.no_warm && args.engine.compile_cache().dir().is_some() {
            for path in listed {
                let _ = runner.warm_timed(&path);
            }
        }
        Ok(crate::cli::exit::OK)
    })
}
