//! Shared by `run --baseline`, `compare` and `ab`: find and check baselines, compare, print, write
//! the comparison reports, and turn verdicts into the exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::analysis::compare::{Comparison, Pairs, Verdict, WallGating, compare_with};
use crate::analysis::settle::{MAX_AUTO_EXECUTIONS, Settle};
use crate::cli::{CompareArgs, exit};
use crate::model::Thresholds;
use crate::report::escape::terminal::path as shown;
use crate::report::export::Inputs;
use crate::report::terminal;
use crate::report::write_all;
use crate::results::{RunResults, read_results_declared, write_json_atomically};
use crate::ui::use_color;

/// `NAME` → `<dir>/NAME.json`; anything that looks like a path is used as is.
pub fn baseline_path(spec: &str, dir: &Path) -> PathBuf {
    if spec.ends_with(".json") || spec.contains('/') || spec.contains(std::path::MAIN_SEPARATOR) {
        PathBuf::from(spec)
    } else {
        dir.join(format!("{spec}.json"))
    }
}

/// Loads a baseline for suite `suite`, refusing one saved for another suite.
pub fn load_baseline(path: &Path, suite: &str) -> Result<RunResults> {
    // Something there that is not a regular file is refused by the reader, with what it is.
    if !path.exists() {
        bail!(
            "baseline {} does not exist (save one with `wasmbench run SUITE --save-baseline NAME`)",
            path.display()
        );
    }
    let baseline = read_checked(path)?;
    if baseline.suite.name != suite {
        bail!(
            "{}: this baseline is for suite `{}`, not `{suite}`; compare runs of the same suite",
            path.display(),
            baseline.suite.name
        );
    }
    Ok(baseline)
}

/// Reads a results file for analysis: wall time made consistent with its samples (no samples: no
/// data; a stale summary: computed again), with a warning on stderr per bench that needed it.
pub fn read_checked(path: &Path) -> Result<RunResults> {
    read_checked_declared(path).map(|(results, _)| results)
}

/// [`read_checked`], with the schema version the file declared before it was upgraded on reading.
pub fn read_checked_declared(path: &Path) -> Result<(RunResults, u32)> {
    let (mut results, declared) = read_results_declared(path)?;
    for note in crate::analysis::checked::consistent(&mut results) {
        let note: String = note
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        eprintln!("warning: {}: {note}", path.display());
    }
    Ok((results, declared))
}

/// Stores `results` as a baseline file.
pub fn save_baseline(results: &RunResults, path: &Path) -> Result<()> {
    write_json_atomically(path, results)
        .with_context(|| format!("saving baseline {}", path.display()))
}

/// Parsed `--threshold` and `--fail-on`.
pub struct Policy {
    pub thresholds: Option<Thresholds>,
    pub fail_on: Vec<Verdict>,
    pub all: bool,
    pub wall_gating: WallGating,
}

impl Policy {
    pub fn from_args(args: &CompareArgs) -> Result<Self> {
        let thresholds = match &args.threshold {
            None => None,
            Some(spec) => Some(
                Thresholds::default()
                    .with_overrides(spec)
                    .map_err(anyhow::Error::msg)?,
            ),
        };
        let fail_on = args
            .fail_on
            .iter()
            .map(|v| v.trim().parse::<Verdict>().map_err(anyhow::Error::msg))
            .collect::<Result<Vec<_>>>()?;
        let wall_gating = match args.wall_gating.trim() {
            "auto" => WallGating::Auto,
            "always" => WallGating::Always,
            other => bail!("--wall-gating `{other}`: expected `auto` or `always`"),
        };
        Ok(Policy {
            thresholds,
            fail_on,
            all: args.all,
            wall_gating,
        })
    }
}

/// Compares, prints the table, writes the reports into `out_dir` (and the CI step summary when
/// `$GITHUB_STEP_SUMMARY` is set); returns the comparison and the exit code it calls for.
pub fn conclude(
    old: &RunResults,
    new: &RunResults,
    pairs: Option<&Pairs>,
    policy: &Policy,
    out_dir: &Path,
) -> Result<(Comparison, Option<u8>)> {
    let comparison = compare_with(
        old,
        new,
        policy.thresholds.as_ref(),
        pairs,
        policy.wall_gating,
    );
    say!(
        "\n{}",
        terminal::render_comparison(&comparison, use_color(std::io::stdout().is_terminal()))
    );
    let inputs = Inputs {
        results: new,
        comparison: Some(&comparison),
        all: policy.all,
        dir: None,
    };
    let written = write_all(out_dir, &inputs)?;
    if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY")
        && let Some(markdown) = written
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = crate::input::read_text(markdown, crate::input::Kind::Report)?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&summary)?;
        writeln!(file, "{text}")?;
    }
    for path in &written {
        say!("wrote {}", shown(path));
    }
    let code = comparison.any(&policy.fail_on).then_some(exit::REGRESSION);
    Ok((comparison, code))
}

/// The one exit-code policy of `run`, `ab` and `compare`: Ctrl-C first; then the verdicts' code
/// when a comparison fails the job (`--fail-on`); then the run's own (`run` result): a bench that
/// didn't end as expected or a scenario that couldn't run, then a load threshold that failed.
/// `compare` has no run of its own.
pub fn exit_code(run: Option<&RunResults>, verdicts: Option<u8>, interrupted: bool) -> u8 {
    if interrupted {
        return exit::INTERRUPTED;
    }
    if let Some(code) = verdicts {
        return code;
    }
    let Some(run) = run else {
        return exit::OK;
    };
    let scenario_failed = run
        .loads
        .iter()
        .any(|l| l.head.status != crate::model::Status::Ok);
    if run.unmet().next().is_some() || scenario_failed {
        exit::BENCH_FAILED
    } else if run.loads.iter().any(|l| !l.thresholds_passed()) {
        exit::THRESHOLD
    } else {
        exit::OK
    }
}

/// What settles each bench under `--executions auto` (`None` otherwise): the baseline's wall time
/// and each bench's wall threshold (`--threshold`, else the suite's, else the default).
pub fn settle(
    measure: &crate::cli::MeasureArgs,
    work: &[crate::runner::Work],
    baseline: Option<&RunResults>,
    policy: &Policy,
) -> Option<Settle> {
    if measure.executions != Some(crate::cli::Executions::Auto) {
        return None;
    }
    let thresholds = work
        .iter()
        .filter_map(|unit| match unit {
            crate::runner::Work::Bench(plans) => plans.last(),
            crate::runner::Work::Scenario { .. } => None,
        })
        .map(|plan| {
            let t = policy
                .thresholds
                .or(plan.def.settings.thresholds)
                .unwrap_or_default();
            (plan.id.clone(), t.get(crate::model::Metric::Wall))
        })
        .collect();
    let baseline = baseline
        .map(|b| {
            b.benches
                .iter()
                .filter_map(|bench| Some((bench.head.id.clone(), bench.wall_ns.clone()?)))
                .collect()
        })
        .unwrap_or_default();
    Some(Settle {
        baseline,
        thresholds,
        max_executions: MAX_AUTO_EXECUTIONS,
        budget: measure.time_budget,
    })
}

/// How `--executions auto` went: how many executions the benches took, and which ones the budget
/// or the limit stopped before their answer was known (what to do about them).
pub fn auto_summary(
    settle: &Settle,
    benches: &[crate::results::BenchResult],
    ab: Option<(&[crate::results::BenchResult], &Pairs)>,
) -> String {
    let measured: Vec<(&crate::results::BenchResult, &crate::results::WallResult)> = benches
        .iter()
        .filter_map(|b| Some((b, b.wall_ns.as_ref()?)))
        .collect();
    if measured.is_empty() {
        return "executions auto: no bench was timed".into();
    }
    let counts: Vec<usize> = measured.iter().map(|(_, w)| w.executions.len()).collect();
    let (low, high) = (
        counts.iter().min().copied().unwrap_or(0),
        counts.iter().max().copied().unwrap_or(0),
    );
    let open: Vec<String> = measured
        .iter()
        .filter(|(b, w)| {
            let base = ab.and_then(|(base, _)| {
                let side = base
                    .iter()
                    .find(|x| x.head.id == b.head.id)?
                    .wall_ns
                    .as_ref()?;
                Some(side.executions.as_slice())
            });
            let pairs = ab
                .and_then(|(_, pairs)| pairs.get(&b.head.id))
                .map_or(&[][..], Vec::as_slice);
            !settle.settled(&b.head.id, &w.executions, base, pairs)
        })
        .map(|(b, w)| {
            format!(
                "{} ({} executions)",
                crate::report::escape::terminal::Inert::line(&b.head.id),
                w.executions.len()
            )
        })
        .collect();
    let range = if low == high {
        format!("{low}")
    } else {
        format!("{low}–{high}")
    };
    let mut text = format!(
        "executions auto: {} of {} timed benches answered, with {range} executions each",
        measured.len() - open.len(),
        measured.len()
    );
    if !open.is_empty() {
        text.push_str(&format!(
            "; still open when the budget or the limit of {} executions was reached: {}. Raise --time-budget, or compare with `wasmbench ab`, which settles with fewer",
            settle.max_executions,
            open.join(", ")
        ));
    }
    text
}
