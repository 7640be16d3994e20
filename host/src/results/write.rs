//! Writing results so a crash never leaves a half-written file, and reading them back with checks.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::input::Kind;

use super::{ResultHead, RunResults, SCHEMA_VERSION};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // Temporary files are created private (0600); results are ordinary files others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

pub fn write_json_atomically<T: serde::Serialize>(path: &Path, value: &T) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    write_atomically(path, &bytes)
}

/// Reads a results file (a regular file of at most 1 GiB: [`Kind::Results`]), rejecting other
/// schema versions with a clear message. Free text in it is clipped ([`RunResults::clip_text`]).
pub fn read_results(path: &Path) -> Result<RunResults> {
    read_results_declared(path).map(|(results, _)| results)
}

/// [`read_results`], with the schema version the file declared (the results are upgraded to
/// [`SCHEMA_VERSION`]; a journal declares the version in its header).
pub fn read_results_declared(path: &Path) -> Result<(RunResults, u32)> {
    let text = crate::input::read_text(path, Kind::Results)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {}", path.display(), e.reason))?;
    let (mut results, declared) = parse_results(path, &text)?;
    results.clip_text();
    Ok((results, declared))
}

fn parse_results(path: &Path, text: &str) -> Result<(RunResults, u32)> {
    // A journal (journal.jsonl) stands in for results.json when a run didn't finish.
    if super::is_journal(text) {
        return super::journal::parse_journal(path, text).map(|r| (r, SCHEMA_VERSION));
    }
    let mut value: serde_json::Value = serde_json::from_str(text)
        .with_context(|| format!("{}: not valid JSON", path.display()))?;
    let declared = match value.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => SCHEMA_VERSION,
        Some(1) => {
            upgrade_from_v1(&mut value);
            1
        }
        Some(v) => bail!(
            "{}: results schema version {v}, this wasmbench reads versions 1 and {SCHEMA_VERSION}",
            path.display()
        ),
        None => bail!(
            "{}: not a wasmbench results file (no `schema_version`)",
            path.display()
        ),
    };
    let results: RunResults = serde_path_to_error::deserialize(&value).map_err(|e| {
        let (key, reason) = error_key(&value, &e);
        anyhow::anyhow!("{}: key `{key}`: {reason}", path.display())
    })?;
    results
        .check_numbers()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok((results, declared))
}

/// Where in `value` a reading error is, and why. serde can't follow a path into a flattened struct
/// (each result's [`ResultHead`]): an error at a result itself is looked for again in its head.
fn error_key(
    value: &serde_json::Value,
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> (String, String) {
    use serde_path_to_error::Segment;
    let whole = (error.path().to_string(), error.inner().to_string());
    let segments: Vec<&Segment> = error.path().iter().collect();
    let [Segment::Map { key: list }, Segment::Seq { index }] = segments[..] else {
        return whole;
    };
    let Some(result) = value.get(list).and_then(|l| l.get(index)) else {
        return whole;
    };
    match serde_path_to_error::deserialize::<_, ResultHead>(result) {
        Err(inner) => (
            format!("{}.{}", error.path(), inner.path()),
            inner.inner().to_string(),
        ),
        Ok(_) => whole,
    }
}

/// Version 1 had one execution per bench: its samples become that execution.
pub(super) fn upgrade_from_v1(value: &mut serde_json::Value) {
    if let Some(benches) = value.get_mut("benches").and_then(|b| b.as_array_mut()) {
        for bench in benches {
            upgrade_bench_from_v1(bench);
        }
    }
    value["schema_version"] = serde_json::Value::from(SCHEMA_VERSION);
}

pub(super) fn upgrade_bench_from_v1(bench: &mut serde_json::Value) {
    if let Some(wall) = bench.get_mut("wall_ns").filter(|w| w.is_object())
        && wall.get("executions").is_none()
    {
        let samples = wall.get("samples").cloned().unwrap_or_default();
        wall["executions"] = serde_json::Value::Array(vec![samples]);
    }
}
