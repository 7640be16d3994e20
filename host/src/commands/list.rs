//! `wasmbench list`: plugins, their workloads and default parameters.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::CommandError;
use crate::cli::ListArgs;
use crate::plugin::PluginLocator;
use crate::plugin::bindings::WorkloadInfo;
use crate::report::escape::terminal::{self, Inert};
use crate::runner::{PluginListing, Runner, list_plugin, resolve_source, unknown_plugin_message};
use crate::suite::{PluginSource, load_suite};

pub fn run(args: &ListArgs) -> Result<u8, CommandError> {
    let locator = PluginLocator::standard(args.engine.compile_cache().dir())
        .map_err(|e| anyhow::anyhow!("cannot create a folder for the bundled plugins: {e}"))?;
    let plugins = plugins_to_list(args.suite.as_deref(), &locator)?;
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
            print_listing(&listing);
        }
        // With a suite, which the user is about to run.
        if args.suite.as_deref().is_some_and(|p| !is_plugin_file(p)) {
            warm_for_run(&mut runner, args, listed);
        }
        Ok(crate::cli::exit::OK)
    })
}

/// The plugins to list, by name and file: all found, the plugin file given, or the suite's.
fn plugins_to_list(
    arg: Option<&Path>,
    locator: &PluginLocator,
) -> anyhow::Result<Vec<(String, PathBuf)>> {
    match arg {
        None => Ok(locator.available()),
        // A plugin file (`list target/…/x.wasm`): its workloads, named like its benches would be.
        Some(path) if is_plugin_file(path) => {
            let source = PluginSource::File(path.to_path_buf());
            let found = resolve_source(&source, locator)
                .ok_or_else(|| anyhow::anyhow!(unknown_plugin_message(&source, locator)))?;
            Ok(vec![(source.display_name(), found)])
        }
        Some(path) => suite_plugins(path, locator),
    }
}

/// The plugins the suite at `path` uses (benches and load scenarios), each once, found.
fn suite_plugins(path: &Path, locator: &PluginLocator) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let suite = load_suite(path)?;
    let benches = suite.benches.iter().map(|b| b.plugin.clone());
    let loads = suite.loads.iter().map(|l| l.plugin.clone());
    let sources: BTreeSet<_> = benches.chain(loads).collect();
    sources
        .into_iter()
        .map(|source| {
            let found = resolve_source(&source, locator).ok_or_else(|| {
                anyhow::anyhow!(
                    "{}: {}",
                    path.display(),
                    unknown_plugin_message(&source, locator)
                )
            })?;
            Ok((source.display_name(), found))
        })
        .collect()
}

/// One plugin on stdout: its name and file, its warnings, then its workloads (or why it has none).
fn print_listing(listing: &PluginListing) {
    say!(
        "{}  ({})",
        Inert::line(&listing.name),
        terminal::path(&listing.path)
    );
    for warning in &listing.warnings {
        say!("  warning: {}", Inert::text(warning));
    }
    match &listing.workloads {
        Err(failure) => say!(
            "  cannot list workloads [{}]: {}",
            failure.status,
            Inert::text(&failure.message)
        ),
        Ok(workloads) => workloads.iter().for_each(print_workload),
    }
}

/// One workload on stdout: its name and description, then its unit and default parameters.
fn print_workload(w: &WorkloadInfo) {
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

/// Compiles the listed plugins for the timed engine too, so a `run` of the suite finds them ready.
fn warm_for_run(runner: &mut Runner, args: &ListArgs, listed: Vec<PathBuf>) {
    // Listing compiled each plugin for the metered engine (the counting pass's); a run also needs
    // the timed engine's code. Compiled now, after the listing is out, into the same cache: `list`
    // then `run` compiles each plugin once per engine, not twice for the first.
    if args.no_warm || args.engine.compile_cache().dir().is_none() {
        return;
    }
    for path in listed {
        let _ = runner.warm_timed(&path);
    }
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
