//! `wasmbench merge A.json B.json … -o results.json`: the results of a suite's shards (`run --shard
//! K/N`, one per CI job), or of runs of one suite that selected different benches, joined into one
//! results file and its HTML report. Inputs that don't belong together are refused (exit 2) with
//! the files named.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::CommandError;
use super::verdicts::read_checked_declared;
use crate::cli::{MergeArgs, exit};
use crate::report::escape::terminal::{Inert, path as shown};
use crate::report::html;
use crate::results::{RunResults, ShardInfo, write_json_atomically};

pub fn run(args: &MergeArgs) -> Result<u8, CommandError> {
    let inputs = args
        .inputs
        .iter()
        .map(|path| {
            let (results, declared) = read_checked_declared(path)?;
            Ok(Input {
                path: path.clone(),
                results,
                declared,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let merged = merge(inputs, args.partial)?;
    for warning in &merged.warnings {
        eprintln!("warning: {}", Inert::text(warning));
    }
    let results = merged.results;
    write_json_atomically(&args.output, &results)
        .with_context(|| format!("writing {}", args.output.display()))?;
    let report = args.output.with_file_name(html::FILE_NAME);
    html::write(&report, &results, None)
        .with_context(|| format!("writing the report for {}", args.output.display()))?;
    say!(
        "merged {} benches from {} files",
        results.benches.len(),
        args.inputs.len()
    );
    say!("results: {}", shown(&args.output));
    say!("report: {}", shown(&report));
    Ok(exit::OK)
}

/// One file to merge: its results (upgraded to the current schema) and the schema version it
/// declared.
struct Input {
    path: PathBuf,
    results: RunResults,
    declared: u32,
}

/// The merged results, and what the user should know about them.
struct Merged {
    results: RunResults,
    warnings: Vec<String>,
}

fn merge(inputs: Vec<Input>, partial: bool) -> Result<Merged> {
    let Some(first) = inputs.first() else {
        bail!("nothing to merge: name the results files");
    };
    let mut warnings = Vec::new();
    for other in &inputs[1..] {
        warnings.extend(check_same_run_kind(first, other)?);
    }
    let gap = check_shards(&inputs, partial)?;
    if let Some(gap) = &gap {
        warnings.push(gap.note.clone());
    }

    let mut owner: BTreeMap<&str, &Path> = BTreeMap::new();
    for input in &inputs {
        for bench in &input.results.benches {
            if let Some(other) = owner.insert(bench.head.id.as_str(), input.path.as_path()) {
                bail!(
                    "bench `{}` is in both {} and {}: each bench must come from one file (the \
                     shards of one run never share one)",
                    bench.head.id,
                    other.display(),
                    input.path.display()
                );
            }
        }
    }

    let started_at = moment(&inputs, |r| &r.started_at, std::cmp::Ordering::Less);
    let finished_at = moment(&inputs, |r| &r.finished_at, std::cmp::Ordering::Greater);
    let incomplete = gap.is_some_and(|gap| gap.benches_missing);
    let interrupted = incomplete || inputs.iter().any(|i| i.results.interrupted);
    let mut inputs = inputs.into_iter();
    let mut results = inputs.next().expect("checked above").results;
    results.started_at = started_at;
    results.finished_at = finished_at;
    results.interrupted = interrupted;
    results.shard = None;
    for input in inputs {
        results.benches.extend(input.results.benches);
        // Only shard 1 runs load scenarios; runs of different benches may each have some.
        results.loads.extend(input.results.loads);
    }
    // Shards run in any order on any runner; sorted by id, a merge is the same file every time.
    results.benches.sort_by(|a, b| a.head.id.cmp(&b.head.id));
    results.loads.sort_by(|a, b| a.head.id.cmp(&b.head.id));
    Ok(Merged { results, warnings })
}

/// Refuses `other` unless it is a run of `first`'s suite by the same wasmbench, wasmtime and
/// architecture with the same declared schema version; a different CPU or commit is a warning.
fn check_same_run_kind(first: &Input, other: &Input) -> Result<Vec<String>> {
    let (a, b) = (first.path.display(), other.path.display());
    let (one, two) = (&first.results, &other.results);
    if one.suite != two.suite {
        bail!(
            "{a} and {b} are runs of different suites: `{}` ({}) and `{}` ({}); merge the results \
             of one suite",
            one.suite.name,
            one.suite.path,
            two.suite.name,
            two.suite.path
        );
    }
    if first.declared != other.declared {
        bail!(
            "{a} and {b} have different results schema versions ({} and {}): merge results of one \
             wasmbench",
            first.declared,
            other.declared
        );
    }
    let (e1, e2) = (&one.environment, &two.environment);
    for (what, x, y) in [
        (
            "wasmbench versions",
            &e1.wasmbench_version,
            &e2.wasmbench_version,
        ),
        (
            "wasmtime versions",
            &e1.wasmtime_version,
            &e2.wasmtime_version,
        ),
        ("architectures", &e1.arch, &e2.arch),
    ] {
        if x != y {
            bail!(
                "{a} and {b} were measured with different {what} ({x} and {y}): merge runs of one build on one architecture"
            );
        }
    }
    let mut warnings = Vec::new();
    if e1.cpu != e2.cpu {
        warnings.push(format!(
            "{a} and {b} ran on different CPUs ({} and {}): their wall times are not comparable \
             with each other; the merged environment is {a}'s",
            e1.cpu, e2.cpu
        ));
    }
    if e1.git_commit != e2.git_commit {
        let commit = |c: &Option<String>| c.clone().unwrap_or_else(|| "none".into());
        warnings.push(format!(
            "{a} and {b} ran at different commits ({} and {}); the merged environment is {a}'s",
            commit(&e1.git_commit),
            commit(&e2.git_commit)
        ));
    }
    Ok(warnings)
}

/// What `--partial` let through: shards or benches missing from the merge.
struct Gap {
    note: String,
    /// Fewer benches than the run selected: the merged results are marked interrupted.
    benches_missing: bool,
}

/// With shard inputs: all of one split (the same N, the same benches before sharding), each shard
/// once, none missing and every bench there — or, with `partial`, what is missing, said. Inputs
/// that are not shards are merged as they are.
fn check_shards(inputs: &[Input], partial: bool) -> Result<Option<Gap>> {
    let Some(first) = inputs.iter().find(|i| i.results.shard.is_some()) else {
        return Ok(None);
    };
    let info = first.results.shard.expect("a shard");
    let seen = shards_of_one_split(inputs, first, info)?;
    let absent: Vec<String> = (1..=info.count)
        .filter(|index| !seen.contains_key(index))
        .map(|index| index.to_string())
        .collect();
    let held: usize = inputs.iter().map(|i| i.results.benches.len()).sum();
    let expected = info.benches_in_suite;
    if absent.is_empty() && held == expected {
        return Ok(None);
    }
    let problem = if absent.is_empty() {
        benches_missing(inputs, held, expected)
    } else {
        let present: Vec<String> = seen.keys().map(u32::to_string).collect();
        format!(
            "shard {} of {} missing (the inputs are shards {})",
            absent.join(", "),
            info.count,
            present.join(", ")
        )
    };
    if held > expected {
        bail!("{problem}; the shards hold {held} benches, more than the run selected ({expected})");
    }
    if !partial {
        bail!("{problem}: pass every shard's results, or --partial to merge what is there");
    }
    Ok(Some(Gap {
        note: format!("{problem}: merged {held} of the run's {expected} benches (--partial)"),
        benches_missing: held < expected,
    }))
}

/// The file of each shard, refusing inputs not all of `first`'s split or a shard passed twice.
fn shards_of_one_split<'a>(
    inputs: &'a [Input],
    first: &Input,
    info: ShardInfo,
) -> Result<BTreeMap<u32, &'a Path>> {
    if let Some(plain) = inputs.iter().find(|i| i.results.shard.is_none()) {
        bail!(
            "{} is shard {}/{} of a run, {} is not a shard: merge the shards of one run, or \
             whole runs",
            first.path.display(),
            info.index,
            info.count,
            plain.path.display()
        );
    }
    let mut seen: BTreeMap<u32, &Path> = BTreeMap::new();
    for input in inputs {
        let other = input.results.shard.expect("every input is a shard");
        check_same_split(first, info, input, other)?;
        if let Some(twin) = seen.insert(other.index, &input.path) {
            bail!(
                "{} and {} are both shard {}/{}: pass each shard's results once",
                twin.display(),
                input.path.display(),
                other.index,
                other.count
            );
        }
    }
    Ok(seen)
}

/// Refuses shard `other` (of `input`) unless it comes from the same split as `first`'s `info`.
fn check_same_split(first: &Input, info: ShardInfo, input: &Input, other: ShardInfo) -> Result<()> {
    if other.count != info.count {
        bail!(
            "{} is shard {}/{} and {} is shard {}/{}: shards of splits into different numbers \
             of shards can't be merged; run every shard with the same --shard K/N",
            first.path.display(),
            info.index,
            info.count,
            input.path.display(),
            other.index,
            other.count
        );
    }
    if other.benches_in_suite != info.benches_in_suite {
        bail!(
            "{} and {} are shards of runs that selected different benches ({} and {} before \
             sharding): run every shard with the same suite and --filter",
            first.path.display(),
            input.path.display(),
            info.benches_in_suite,
            other.benches_in_suite
        );
    }
    Ok(())
}

/// Says that every shard is there but not every bench, and which shards Ctrl-C stopped.
fn benches_missing(inputs: &[Input], held: usize, expected: usize) -> String {
    let interrupted: Vec<String> = inputs
        .iter()
        .filter(|i| i.results.interrupted)
        .map(|i| i.path.display().to_string())
        .collect();
    let stopped = if interrupted.is_empty() {
        String::new()
    } else {
        format!("; interrupted: {}", interrupted.join(", "))
    };
    format!(
        "the shards hold {held} benches, but the run selected {expected} before sharding \
         (benches_in_suite){stopped}"
    )
}

/// The earliest (`Less`) or latest (`Greater`) of the inputs' timestamps; RFC 3339 text as written,
/// compared as times (a timestamp that doesn't parse is compared as text after those that do).
fn moment(
    inputs: &[Input],
    field: impl Fn(&RunResults) -> &String,
    pick: std::cmp::Ordering,
) -> String {
    let key = |text: &String| (humantime::parse_rfc3339_weak(text).ok(), text.clone());
    inputs
        .iter()
        .map(|i| field(&i.results))
        .reduce(|best, next| {
            let order = match (key(next), key(best)) {
                ((Some(x), _), (Some(y), _)) => x.cmp(&y),
                ((_, x), (_, y)) => x.cmp(&y),
            };
            if order == pick { next } else { best }
        })
        .cloned()
        .unwrap_or_default()
}
