//! The page's head, header (suite, verdict, environment), table of contents and footer.

use super::context::Context;
use crate::analysis::compare::Verdict;
use crate::report::format::{self, plural};
use crate::results::RunResults;

pub struct Header {
    pub version: String,
    pub suite_name: String,
    pub suite_path: String,
    /// RFC 3339, for the `<time>` element.
    pub started_at: String,
    pub started: String,
    /// ` · took 10m 10s`, or empty when the times don't parse.
    pub took: String,
    pub verdict_class: &'static str,
    pub verdict: String,
    pub interrupted: bool,
    pub environment: Vec<(&'static str, String)>,
    /// The table of contents: failures (their count: benches and load scenarios), baseline,
    /// groups, details, load scenarios.
    pub failures: usize,
    pub baseline: bool,
    pub groups: Vec<NavGroup>,
    pub details: bool,
    pub loads: Vec<NavGroup>,
    /// A link to the trend report of the suite's history (`report --history`), relative to the page.
    pub trends: Option<String>,
}

pub struct NavGroup {
    pub index: usize,
    pub title: String,
}

pub(super) fn header(cx: &Context) -> Header {
    let run = cx.run;
    let env = &run.environment;
    let failures = run.unmet().count();
    let load_failures = run.loads.iter().filter(|l| super::load::failed(l)).count();
    let (verdict_class, verdict) = verdict(cx, failures, load_failures);
    Header {
        version: env.wasmbench_version.clone(),
        suite_name: run.suite.name.clone(),
        suite_path: run.suite.path.clone(),
        started_at: run.started_at.clone(),
        started: format::pretty_time(&run.started_at),
        took: took(&run.started_at, &run.finished_at),
        verdict_class,
        verdict,
        interrupted: run.interrupted,
        environment: environment(run),
        failures: failures + load_failures,
        baseline: cx.comparison.is_some(),
        groups: cx
            .groups
            .iter()
            .enumerate()
            .map(|(index, g)| NavGroup {
                index,
                title: g.title(),
            })
            .collect(),
        details: !run.benches.is_empty(),
        loads: run
            .loads
            .iter()
            .enumerate()
            .map(|(index, l)| NavGroup {
                index,
                title: l.head.id.clone(),
            })
            .collect(),
        trends: None,
    }
}

/// The run's verdict and its class: what went wrong, of how many; else that all was ok.
fn verdict(cx: &Context, failures: usize, load_failures: usize) -> (&'static str, String) {
    let run = cx.run;
    let parts = problems(cx, failures, load_failures);
    let benches = plural(run.benches.len(), "bench", "benches");
    let loads = plural(run.loads.len(), "load scenario", "load scenarios");
    if !parts.is_empty() {
        let of = match (run.benches.is_empty(), run.loads.is_empty()) {
            (false, false) => format!("{benches} and {loads}"),
            (true, false) => loads,
            _ => benches,
        };
        ("v-bad", format!("{} (of {of}).", parts.join(" · ")))
    } else if run.benches.is_empty() && run.loads.is_empty() {
        ("v-ok", "No benches ran.".to_string())
    } else {
        let baseline = if cx.comparison.is_some() && !run.benches.is_empty() {
            ", no regression against the baseline"
        } else {
            ""
        };
        let mut ok = Vec::new();
        if !run.benches.is_empty() {
            ok.push(format!("{benches} ended as expected{baseline}"));
        }
        if !run.loads.is_empty() {
            ok.push(format!("{loads} ran, no threshold missed"));
        }
        ("v-ok", format!("✓ All ok: {}.", ok.join("; ")))
    }
}

/// What went wrong, a part each: `✗ 2 failures`, `✗ 1 load scenario failed`, `▲ 3 regressions …`.
fn problems(cx: &Context, failures: usize, load_failures: usize) -> Vec<String> {
    let regressions = cx
        .comparison
        .map(|c| {
            c.benches
                .iter()
                .filter(|b| b.verdict == Verdict::Regressed)
                .count()
        })
        .unwrap_or(0);
    let mut parts = Vec::new();
    if failures > 0 {
        parts.push(format!("✗ {}", plural(failures, "failure", "failures")));
    }
    if load_failures > 0 {
        parts.push(format!(
            "✗ {} failed",
            plural(load_failures, "load scenario", "load scenarios")
        ));
    }
    if regressions > 0 {
        parts.push(format!(
            "▲ {} against the baseline",
            plural(regressions, "regression", "regressions")
        ));
    }
    parts
}

/// The environment's facts: versions, system, CPU, and the host, commit and machine noise when
/// known.
fn environment(run: &RunResults) -> Vec<(&'static str, String)> {
    let env = &run.environment;
    let mut environment = vec![
        ("wasmbench", env.wasmbench_version.clone()),
        ("wasmtime", env.wasmtime_version.clone()),
        ("system", format!("{} {}", env.os, env.arch)),
        (
            "cpu",
            format!("{} · {}", env.cpu, plural(env.cores, "core", "cores")),
        ),
    ];
    if let Some(host) = &env.hostname {
        environment.push(("host", host.clone()));
    }
    if let Some(commit) = &env.git_commit {
        environment.push(("commit", commit.chars().take(12).collect()));
    }
    if let Some(noise) = &run.machine_noise {
        environment.push(("machine noise", format::machine_noise(noise)));
    }
    environment
}

/// ` · took 10m 10s` from two RFC 3339 times; empty when they don't parse or run backwards.
fn took(started: &str, finished: &str) -> String {
    let (Ok(a), Ok(b)) = (
        humantime::parse_rfc3339(started),
        humantime::parse_rfc3339(finished),
    ) else {
        return String::new();
    };
    match b.duration_since(a) {
        Ok(d) if d.as_secs() == 0 => " · took under 1 s".to_string(),
        Ok(d) => format!(" · took {}", humantime::format_duration(d)),
        Err(_) => String::new(),
    }
}
