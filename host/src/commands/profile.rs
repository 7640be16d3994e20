//! `wasmbench profile`: plan the suite → profile the selected benches in a separate pass → write,
//! per bench, its Firefox Profiler file, folded stacks and flamegraph (and a differential
//! flamegraph against a baseline folder). `run --profile` uses the same [`profile_all`].

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::CommandError;
use super::measure::plan;
use crate::cli::{ProfileArgs, exit};
use crate::report::escape::terminal::{Inert, path as shown};
use crate::report::flamegraph::{self, profile_path};
use crate::report::format::duration_ns;
use crate::results::write_atomically;
use crate::runner::profile::{BenchProfile, ProfileOptions};
use crate::runner::{BenchPlan, Runner};
use crate::suite::load_suite;

pub fn run(args: &ProfileArgs) -> Result<u8, CommandError> {
    let suite = load_suite(&args.suite)?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("reports")
            .join(&suite.name)
            .join(flamegraph::PROFILES_DIR)
    });
    let options = args.sampling.options();
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let mut runner = Runner::new(args.engine.compile_cache())?;
        runner.observe_compiles(Box::new(crate::ui::CompileNotice::new()));
        let selection = plan(&mut runner, &suite, &args.bench, None, &[]).await?;
        let failed = profile_all(
            &mut runner,
            &selection.plans,
            &options,
            &out_dir,
            args.baseline.as_deref(),
        )
        .await?;
        Ok(if failed == 0 {
            exit::OK
        } else {
            exit::BENCH_FAILED
        })
    })
}

/// Profiles each of `plans` in turn and writes its files into `out_dir`; a bench that fails is
/// reported and skipped. Returns how many failed.
pub(super) async fn profile_all(
    runner: &mut Runner,
    plans: &[BenchPlan],
    options: &ProfileOptions,
    out_dir: &Path,
    baseline: Option<&Path>,
) -> anyhow::Result<usize> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let mut failed = 0;
    for plan in plans {
        let id = Inert::line(&plan.id);
        eprintln!("profiling {id} (every {:?})…", options.interval);
        let profile = match runner.profile(plan, options).await {
            Ok(profile) => profile,
            Err(failure) => {
                eprintln!(
                    "error: {id}: profiling failed ({}): {}",
                    failure.status,
                    Inert::text(&failure.message)
                );
                failed += 1;
                continue;
            }
        };
        match write_profile(plan, &profile, out_dir, baseline) {
            Ok(written) => {
                say!(
                    "{id}: {} iterations, median {} per iteration while profiled, {} samples",
                    profile.iteration_ns.len(),
                    duration_ns(median(&profile.iteration_ns)),
                    profile.samples
                );
                if profile.deep_samples > 0 {
                    eprintln!(
                        "note: {id}: {} samples were deeper than {} frames: their innermost \
                         frames are kept, under {}",
                        profile.deep_samples,
                        crate::runner::profile::MAX_FRAMES,
                        crate::runner::profile::TRUNCATED_FRAME
                    );
                }
                if let Some(why) = &profile.truncated {
                    eprintln!(
                        "warning: {id}: profile truncated: {}; what was gathered is written",
                        Inert::text(why)
                    );
                }
                for path in written {
                    say!("  {}", shown(&path));
                }
            }
            Err(error) => {
                eprintln!("error: {id}: {}", Inert::text(&format!("{error:#}")));
                failed += 1;
            }
        }
    }
    Ok(failed)
}

/// Writes a bench's profile files; returns their paths.
fn write_profile(
    plan: &BenchPlan,
    profile: &BenchProfile,
    out_dir: &Path,
    baseline: Option<&Path>,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut write = |extension: &str, bytes: &[u8]| -> anyhow::Result<()> {
        let path = profile_path(out_dir, &plan.id, extension);
        write_atomically(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
        Ok(())
    };
    write("profile.json", &profile.firefox_json)?;
    let folded = profile.folded_text();
    write("folded", folded.as_bytes())?;
    let title = match &profile.truncated {
        Some(why) => format!("{} (truncated: {why})", plan.id),
        None => plan.id.clone(),
    };
    match flamegraph::flamegraph(&title, &folded) {
        Ok(svg) => write("svg", svg.as_bytes())?,
        Err(error) => eprintln!(
            "warning: {}: no flamegraph: {error:#}",
            Inert::line(&plan.id)
        ),
    }
    if let Some(dir) = baseline {
        let path = profile_path(dir, &plan.id, "folded");
        if path.is_file() {
            let bytes = crate::input::read(&path, crate::input::Kind::Report)?;
            let before = String::from_utf8_lossy(&bytes);
            let title = format!(
                "{} vs baseline {}",
                plan.id,
                flamegraph::baseline_label(dir)
            );
            let svg = flamegraph::differential(&title, &before, &folded)
                .with_context(|| format!("comparing with {}", path.display()))?;
            write("diff.svg", svg.as_bytes())?;
        } else {
            eprintln!(
                "warning: {}: no baseline profile {}: no differential flamegraph",
                Inert::line(&plan.id),
                shown(&path)
            );
        }
    }
    Ok(written)
}

/// The median of `values` (the lower middle one of an even count), 0 for none.
fn median(values: &[u64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2] as f64,
        n => (sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0,
    }
}
