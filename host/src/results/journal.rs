//! The run journal: `journal.jsonl` in the output folder, one line per finished bench or load
//! scenario, appended and flushed as each ends. A run that is killed outright (SIGKILL, power loss) leaves it readable;
//! `wasmbench report` / `compare` accept it in place of results.json (marked interrupted).
//!
//! Line 1 is a header (`{"journal": 1, "schema_version", "suite", "environment", "started_at",
//! "shard"}`; `shard` absent in older journals),
//! every further line `{"bench": <bench result>}` or `{"load": <scenario result>}` (journals of
//! older versions hold benches only). A torn last line is ignored when reading.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::input::Kind;

use super::{
    BenchResult, Environment, LoadResult, RunResults, SCHEMA_VERSION, ShardInfo, SuiteInfo,
};

/// Journal format version.
const JOURNAL_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Header {
    journal: u32,
    schema_version: u32,
    suite: SuiteInfo,
    environment: Environment,
    started_at: String,
    #[serde(default)]
    shard: Option<ShardInfo>,
}

/// One finished unit.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Line {
    Bench(Box<BenchResult>),
    Load(Box<LoadResult>),
}

/// An open journal, appended to as benches finish.
pub struct Journal {
    file: File,
    path: PathBuf,
}

impl Journal {
    /// Starts a journal at `path` (replacing an older one).
    pub fn create(
        path: &Path,
        suite: &SuiteInfo,
        environment: &Environment,
        started_at: &str,
        shard: Option<ShardInfo>,
    ) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let file = File::create(path)
            .with_context(|| format!("creating the journal {}", path.display()))?;
        let mut journal = Journal {
            file,
            path: path.to_path_buf(),
        };
        journal.write_line(&Header {
            journal: JOURNAL_VERSION,
            schema_version: SCHEMA_VERSION,
            suite: suite.clone(),
            environment: environment.clone(),
            started_at: started_at.to_string(),
            shard,
        })?;
        Ok(journal)
    }

    /// Appends a finished bench and flushes it to the OS.
    pub fn append(&mut self, bench: &BenchResult) -> Result<()> {
        self.write_line(&Line::Bench(Box::new(bench.clone())))
    }

    /// Appends a finished load scenario and flushes it to the OS.
    pub fn append_load(&mut self, load: &LoadResult) -> Result<()> {
        self.write_line(&Line::Load(Box::new(load.clone())))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write_line<T: Serialize>(&mut self, value: &T) -> Result<()> {
        let mut line = serde_json::to_vec(value)?;
        line.push(b'\n');
        // One write per line, so a crash tears at most the last line.
        self.file
            .write_all(&line)
            .with_context(|| format!("appending to {}", self.path.display()))?;
        self.file.flush()?;
        Ok(())
    }
}

/// Whether `text` (a file's start) looks like a journal.
pub fn is_journal(text: &str) -> bool {
    text.trim_start().starts_with("{\"journal\":")
}

/// Rebuilds run results from a journal: every complete bench and scenario line, `interrupted` set (a journal
/// becomes results.json only when a run completes). Read like results.json ([`Kind::Results`]).
pub fn read_journal(path: &Path) -> Result<RunResults> {
    let text = crate::input::read_text(path, Kind::Results)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {}", path.display(), e.reason))?;
    let mut results = parse_journal(path, &text)?;
    results.clip_text();
    Ok(results)
}

/// [`read_journal`] of `text`, read from `path`.
pub(super) fn parse_journal(path: &Path, text: &str) -> Result<RunResults> {
    let mut lines = text.lines();
    let header_line = lines.next().context("empty journal")?;
    let header: Header = serde_json::from_str(header_line)
        .with_context(|| format!("{}:1: not a wasmbench journal header", path.display()))?;
    if header.journal != JOURNAL_VERSION || header.schema_version != SCHEMA_VERSION {
        bail!(
            "{}: journal version {} with results schema {}, this wasmbench reads journal {JOURNAL_VERSION} with schema {SCHEMA_VERSION}",
            path.display(),
            header.journal,
            header.schema_version
        );
    }
    let all: Vec<&str> = lines.collect();
    let (mut benches, mut loads) = (Vec::new(), Vec::new());
    for (index, line) in all.iter().enumerate() {
        match serde_json::from_str::<Line>(line) {
            Ok(Line::Bench(bench)) => benches.push(*bench),
            Ok(Line::Load(load)) => loads.push(*load),
            // A torn last line is what a kill mid-write leaves; anything else is corruption.
            Err(_) if index + 1 == all.len() => {}
            Err(e) => bail!("{}:{}: {e}", path.display(), index + 2),
        }
    }
    let results = RunResults {
        schema_version: SCHEMA_VERSION,
        suite: header.suite,
        environment: header.environment,
        finished_at: header.started_at.clone(),
        started_at: header.started_at,
        interrupted: true,
        shard: header.shard,
        benches,
        loads,
        machine_noise: None,
        http_fixture: None,
    };
    results
        .check_numbers()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(results)
}
