//! A whole run's results: the suite, the machine, the shard, and every bench's and scenario's
//! result.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{BenchResult, LoadResult, MachineNoise};
use crate::model::{MAX_MESSAGE, clip};

/// Bump on any change a reader could notice. Version 2 added executions (`wall_ns.executions`,
/// `timing`); version 1 files are upgraded on reading, other versions are refused. Fields added
/// since with `#[serde(default)]` (`host`, `output_check`, `shard`, `counter_stats`) are read as
/// absent from older files of the same version, and ignored by older readers (no field is denied),
/// so they did not change it.
pub const SCHEMA_VERSION: u32 = 2;

/// A whole run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunResults {
    pub schema_version: u32,
    pub suite: SuiteInfo,
    pub environment: Environment,
    /// RFC 3339 UTC timestamps.
    pub started_at: String,
    pub finished_at: String,
    /// True when the run was stopped before every bench ran.
    #[serde(default)]
    pub interrupted: bool,
    /// The part of the suite this run was (`run --shard K/N`); none for a whole run and a merged
    /// one (absent in older results).
    #[serde(default)]
    pub shard: Option<ShardInfo>,
    pub benches: Vec<BenchResult>,
    /// Load scenarios (`[[load]]`; absent in older results).
    #[serde(default)]
    pub loads: Vec<LoadResult>,
    /// How noisy the machine was while the benches' executions ran (absent in older results; null
    /// with fewer than three probes).
    #[serde(default)]
    pub machine_noise: Option<MachineNoise>,
    /// The HTTP fixture server's own round trip, timed before the benches (null without an
    /// `[http]` table, and absent in older results).
    #[serde(default)]
    pub http_fixture: Option<crate::model::HttpFixtureTimes>,
}

impl RunResults {
    /// Tests' run: no benches, only `loads`, in a fixed suite and environment.
    #[cfg(test)]
    pub(crate) fn of_loads(loads: Vec<LoadResult>) -> RunResults {
        let mut run: RunResults = serde_json::from_value(serde_json::json!({
            "schema_version": SCHEMA_VERSION,
            "suite": { "name": "load", "path": "suites/load.toml" },
            "environment": {
                "wasmbench_version": "0.1.0", "wasmtime_version": "30.0.0", "os": "linux",
                "arch": "x86_64", "cpu": "Test CPU", "cores": 8, "hostname": null,
                "git_commit": null
            },
            "started_at": "2026-11-30T12:00:00Z",
            "finished_at": "2026-11-30T12:01:00Z",
            "benches": []
        }))
        .expect("a valid results skeleton");
        run.loads = loads;
        run
    }

    /// Cuts free text read from a file (messages, names, the environment's descriptions) to
    /// [`MAX_MESSAGE`] bytes each, so a report of any results file stays small. Ids, plugin and
    /// workload names and parameters are what benches are matched by, and are kept whole.
    pub fn clip_text(&mut self) {
        let cut = |text: &mut String| {
            if text.len() > MAX_MESSAGE {
                *text = clip(text, MAX_MESSAGE);
            }
        };
        cut(&mut self.suite.name);
        cut(&mut self.suite.path);
        let env = &mut self.environment;
        for text in [
            &mut env.wasmbench_version,
            &mut env.wasmtime_version,
            &mut env.os,
            &mut env.arch,
            &mut env.cpu,
        ] {
            cut(text);
        }
        for text in [&mut env.hostname, &mut env.git_commit]
            .into_iter()
            .flatten()
        {
            cut(text);
        }
        for bench in &mut self.benches {
            for text in [&mut bench.head.message, &mut bench.head.group]
                .into_iter()
                .flatten()
            {
                cut(text);
            }
            cut(&mut bench.head.wasm.path);
        }
    }

    /// Benches whose status differs from what the suite expected.
    pub fn unmet(&self) -> impl Iterator<Item = &BenchResult> {
        self.benches.iter().filter(|b| !b.met_expectation)
    }
}

/// Which shard of the suite a run was: shard `index` of `count`, and how many benches the whole
/// suite had after `--filter`, before sharding, so a merge can tell when benches are missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    pub index: u32,
    pub count: u32,
    pub benches_in_suite: usize,
}

/// The most shards a suite may be split into: `run --shard K/N` and a results file's `shard` alike.
pub const MAX_SHARDS: u32 = 1000;

/// Why shard `index` of `count` can't exist: the number that is wrong and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadShard {
    /// `"count"` or `"index"`.
    pub field: &'static str,
    pub reason: String,
}

/// The one rule for a shard, on the command line (`--shard K/N`) and in a results file:
/// 1 ≤ `index` ≤ `count` ≤ [`MAX_SHARDS`].
pub fn check_shard(index: u32, count: u32) -> Result<(), BadShard> {
    if count == 0 || count > MAX_SHARDS {
        return Err(BadShard {
            field: "count",
            reason: format!("the number of shards must be 1 to {MAX_SHARDS}, not {count}"),
        });
    }
    if index == 0 || index > count {
        return Err(BadShard {
            field: "index",
            reason: format!(
                "shard {index} of {count} does not exist; shards are numbered 1 to {count}"
            ),
        });
    }
    Ok(())
}

impl RunResults {
    /// Checks the numbers read from a file that could size something against the caps the command
    /// line has, before anything is sized by them: the shard (1 ≤ index ≤ count ≤
    /// [`MAX_SHARDS`], as `--shard K/N`), and its `benches_in_suite` (at least the benches the
    /// shard holds). The error names the key, e.g. ``key `shard.count`: …``.
    pub fn check_numbers(&self) -> Result<(), String> {
        let Some(shard) = &self.shard else {
            return Ok(());
        };
        check_shard(shard.index, shard.count)
            .map_err(|bad| format!("key `shard.{}`: {}", bad.field, bad.reason))?;
        if shard.benches_in_suite < self.benches.len() {
            return Err(format!(
                "key `shard.benches_in_suite`: {} benches before sharding, but the shard holds {}",
                shard.benches_in_suite,
                self.benches.len()
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteInfo {
    pub name: String,
    pub path: String,
    /// `[groups.NAME]` settings of the suite, by group (absent in older results).
    #[serde(default)]
    pub groups: BTreeMap<String, GroupInfo>,
}

/// A group's settings (`[groups.NAME]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInfo {
    /// The bench (or scenario) the others are stated against: an id, a workload or
    /// `plugin/workload`; the fastest when absent.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Where the numbers were measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Environment {
    pub wasmbench_version: String,
    pub wasmtime_version: String,
    pub os: String,
    pub arch: String,
    pub cpu: String,
    pub cores: usize,
    pub hostname: Option<String>,
    pub git_commit: Option<String>,
}
