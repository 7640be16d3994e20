//! `wasmbench list`: plugins, their workloads and default parameters.

use std::collections::BTreeSet;
use std::path::Path;

use super::CommandError;
use crate::cli::ListArgs;
use crate::plugin::PluginLocator;
use crate::report::escape::terminal::{self, Inert};
use crate::runner::{Runner, list_plugin, resolve_source, unknown_plugin_message};
use crate::suite::{PluginSource, load_suite};

pub fn run(args: &ListArgs) -> Result<u8, CommandError> {
    let locator = PluginLocator::standard(args.engine.compile_cache().dir())
        .map_err(|e| anyhow::anyhow!("cannot create a folder for the bundled plugins: {e}"))?;
    let plugins: Vec<(String, std::path::PathBuf)> = match &args.suite {
        None => locator.available(),
        // A plugin file (`list target/…/x.wasm`): its workloads, named like its benches would be.
        Some(path) if is_plugin_file(path) => {
            let source = PluginSource::File(path.clone());
            let found = resolve_source(&source, &locator)
                .ok_or_else(|| anyhow::anyhow!(unknown_plugin_message(&source, &locator)))?;
            vec![(source.display_name(), found)]
        }
        Some(path) => {
            let suite = load_suite(path)?;
            let benches = suite.benches.iter().map(|b| b.plugin.clone());
            let loads = suite.loads.iter().map(|l| l.plugin.clone());
            let sources: BTreeSet<_> = benches.chain(loads).collect();
            sources
                .into_iter()
                .map(|source| {
                    let found = resolve_source(&source, &locator).ok_or_else(|| {
                        anyhow::anyhow!(
                            "{}: {}",
                            path.display(),
                            unknown_plugin_message(&source, &locator)
                        )
                    })?;
                    Ok((source.display_name(), found))
                })
                .collect::<anyhow::Result<_>>()?
        }
    };
    if plugins.is_empty() {
        say!("no plugins found in {}", locator.searched());
        return Ok(crate::cli::exit::OK);
    }
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = Runner::new(args.engine.compile_cache())?;
        runner.observe_compiles(Box::new(crate::ui::CompileNotice::new()));
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
        if args.suite.as_deref().is_some_and(|p| !is_plugin_file(p))
            && !args.no_warm
            && args.engine.compile_cache().dir().is_some()
        {
            for path in listed {
                let _ = runner.warm_timed(&path);
            }
        }
        Ok(crate::cli::exit::OK)
    })
}

/// Whether `list`'s argument is a plugin rather than a suite: a `.wasm` or `.wat` file, or a file
/// that starts with the wasm magic number whatever its name.
fn is_plugin_file(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wasm") || e.eq_ignore_ascii_case("wat"))
    {
        return true;
    }
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok_and(|()| magic == *b"\0asm")
}
