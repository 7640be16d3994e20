//! The page: header and verdict, summary table, failures, baseline, one section per group of
//! alternatives with its comparative charts, and one collapsible section per bench.

use crate::analysis::counters::{hit_ratio, hit_ratio_names};
use crate::model::{Metric, Status};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::str::FromStr;

use anyhow::Result;
use sha2::{Digest, Sha256};

use super::charts::{self, Axis, BarRow, BoxRow, RatioRow, Rgb, Scale, Series};
use crate::analysis::compare::{BenchChange, Comparison, MetricChange, Mode, Verdict};
use crate::report::format;
use crate::results::{BenchResult, RunResults};

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// Colours for the alternatives of a group (Tableau 10, reordered so neighbours contrast).
const PALETTE: [Rgb; 10] = [
    (0x4e, 0x79, 0xa7),
    (0xf2, 0x8e, 0x2b),
    (0x59, 0xa1, 0x4f),
    (0xb0, 0x7a, 0xa1),
    (0x76, 0xb7, 0xb2),
    (0xe1, 0x57, 0x59),
    (0x9c, 0x75, 0x5f),
    (0xed, 0xc9, 0x48),
    (0xff, 0x9d, 0xa7),
    (0xba, 0xb0, 0xac),
];

/// Benches above this count start with their detail sections closed.
const OPEN_DETAILS_UP_TO: usize = 12;

/// HTML-escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// A group of alternatives (or, with no name, the benches that have no group).
struct Group {
    name: Option<String>,
    members: Vec<usize>,
}

impl Group {
    fn title(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => "benches without a group".into(),
        }
    }
}

pub struct Page<'a> {
    run: &'a RunResults,
    comparison: Option<&'a Comparison>,
    colors: Vec<Rgb>,
    groups: Vec<Group>,
    /// Group index of each bench.
    group_of: Vec<usize>,
    changes: BTreeMap<&'a str, &'a BenchChange>,
    next_id: Cell<usize>,
}

impl<'a> Page<'a> {
    pub fn new(run: &'a RunResults, comparison: Option<&'a Comparison>) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut ungrouped = Vec::new();
        for (i, bench) in run.benches.iter().enumerate() {
            match &bench.group {
                None => ungrouped.push(i),
                Some(name) => match groups.iter_mut().find(|g| g.name.as_ref() == Some(name)) {
                    Some(group) => group.members.push(i),
                    None => groups.push(Group {
                        name: Some(name.clone()),
                        members: vec![i],
                    }),
                },
            }
        }
        if !ungrouped.is_empty() {
            groups.push(Group {
                name: None,
                members: ungrouped,
            });
        }
        let mut group_of = vec![0; run.benches.len()];
        for (g, group) in groups.iter().enumerate() {
            for &i in &group.members {
                group_of[i] = g;
            }
        }
        let colors = assign_colors(run, &groups);
        let changes = comparison
            .map(|c| c.benches.iter().map(|b| (b.id.as_str(), b)).collect())
            .unwrap_or_default();
        Page {
            run,
            comparison,
            colors,
            groups,
            group_of,
            changes,
            next_id: Cell::new(0),
        }
    }

    fn chart_id(&self) -> String {
        let n = self.next_id.get() + 1;
        self.next_id.set(n);
        format!("c{n}")
    }

    pub fn render(&self) -> Result<String> {
        let mut out = String::with_capacity(32 * 1024 + self.run.benches.len() * 24 * 1024);
        self.head(&mut out);
        out.push_str("<body>\n");
        self.header(&mut out);
        self.nav(&mut out);
        out.push_str("<main>\n");
        self.summary(&mut out);
        self.failures(&mut out);
        if let Some(comparison) = self.comparison {
            self.baseline(&mut out, comparison)?;
        }
        if !self.groups.is_empty() {
            out.push_str("<section id=\"comparisons\" aria-labelledby=\"comparisons-h\">\n<h2 id=\"comparisons-h\">Comparisons</h2>\n<p class=\"lead\">Each group's alternatives side by side: wall time per iteration (box: quartiles; thick line: median; whiskers: furthest sample within 1.5 IQR; dots: every sample), fuel per iteration, peak linear memory, and scaling where a parameter or the instance count varies.</p>\n");
            for g in 0..self.groups.len() {
                self.group(&mut out, g)?;
            }
            out.push_str("</section>\n");
        }
        if !self.run.benches.is_empty() {
            out.push_str("<section id=\"details\" aria-labelledby=\"details-h\">\n<h2 id=\"details-h\">Bench details</h2>\n<p class=\"lead\">Per bench: samples in run order (drift, warm-up), their distribution, linear memory after each iteration (a leak climbs), and the counters of the last iteration. <button type=\"button\" class=\"toggle-details\" data-open=\"true\" hidden>Expand all</button> <button type=\"button\" class=\"toggle-details\" data-open=\"false\" hidden>Collapse all</button></p>\n");
            for i in 0..self.run.benches.len() {
                self.detail(&mut out, i)?;
            }
            out.push_str("</section>\n");
        }
        out.push_str("</main>\n");
        let _ = writeln!(
            out,
            "<footer><p>Generated by wasmbench {} from <code>{}</code>. This page is self-contained: it loads nothing from the network.</p></footer>",
            escape(&self.run.environment.wasmbench_version),
            escape(&self.run.suite.path)
        );
        // The nonce repeats the hash: validators that don't check hashes accept the script too.
        let _ = writeln!(
            out,
            "<script nonce=\"{}\">{SCRIPT}</script>\n</body>\n</html>",
            script_hash()
        );
        Ok(out)
    }

    fn head(&self, out: &mut String) {
        let script_hash = script_hash();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-{script_hash}' 'sha256-{script_hash}'; img-src data:\">\n<meta name=\"generator\" content=\"wasmbench {}\">\n<title>wasmbench · {} · {}</title>\n<style>\n{STYLE}</style>\n</head>\n",
            escape(&self.run.environment.wasmbench_version),
            escape(&self.run.suite.name),
            escape(&pretty_time(&self.run.started_at)),
        );
    }

    fn header(&self, out: &mut String) {
        let run = self.run;
        let env = &run.environment;
        let failures = run.unmet().count();
        let regressions = self
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
        if regressions > 0 {
            parts.push(format!(
                "▲ {} against the baseline",
                plural(regressions, "regression", "regressions")
            ));
        }
        let (class, verdict) = if parts.is_empty() {
            (
                "v-ok",
                if run.benches.is_empty() {
                    "No benches ran.".to_string()
                } else {
                    format!(
                        "✓ All ok: {} ended as expected{}.",
                        plural(run.benches.len(), "bench", "benches"),
                        if self.comparison.is_some() {
                            ", no regression against the baseline"
                        } else {
                            ""
                        }
                    )
                },
            )
        } else {
            (
                "v-bad",
                format!(
                    "{} (of {}).",
                    parts.join(" · "),
                    plural(run.benches.len(), "bench", "benches")
                ),
            )
        };
        let took = match (
            humantime::parse_rfc3339(&run.started_at),
            humantime::parse_rfc3339(&run.finished_at),
        ) {
            (Ok(a), Ok(b)) => b
                .duration_since(a)
                .ok()
                .map(|d| {
                    if d.as_secs() == 0 {
                        " · took under 1 s".to_string()
                    } else {
                        format!(" · took {}", humantime::format_duration(d))
                    }
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "<header class=\"page-header\">\n<p class=\"kicker\">wasmbench report</p>\n<h1>Suite <code>{}</code></h1>\n<p class=\"when\"><code>{}</code> · started <time datetime=\"{}\">{}</time>{}</p>",
            escape(&run.suite.name),
            escape(&run.suite.path),
            escape(&run.started_at),
            escape(&pretty_time(&run.started_at)),
            escape(&took),
        );
        let _ = writeln!(
            out,
            "<p class=\"verdict {class}\" role=\"status\">{}</p>",
            escape(&verdict)
        );
        if run.interrupted {
            out.push_str(
                "<p class=\"verdict v-bad\">The run was interrupted: not every bench ran.</p>\n",
            );
        }
        let mut env_items = vec![
            ("wasmbench", env.wasmbench_version.clone()),
            ("wasmtime", env.wasmtime_version.clone()),
            ("system", format!("{} {}", env.os, env.arch)),
            (
                "cpu",
                format!("{} · {}", env.cpu, plural(env.cores, "core", "cores")),
            ),
        ];
        if let Some(host) = &env.hostname {
            env_items.push(("host", host.clone()));
        }
        if let Some(commit) = &env.git_commit {
            env_items.push(("commit", commit.chars().take(12).collect()));
        }
        out.push_str("<dl class=\"env\" aria-label=\"Environment\">");
        for (k, v) in env_items {
            let _ = write!(out, "<div><dt>{k}</dt><dd>{}</dd></div>", escape(&v));
        }
        out.push_str("</dl>\n</header>\n");
    }

    fn nav(&self, out: &mut String) {
        out.push_str(
            "<nav aria-label=\"Contents\"><ol>\n<li><a href=\"#summary\">Summary</a></li>\n",
        );
        let failures = self.run.unmet().count();
        if failures > 0 {
            let _ = writeln!(
                out,
                "<li><a href=\"#failures\">Failures ({failures})</a></li>"
            );
        }
        if self.comparison.is_some() {
            out.push_str("<li><a href=\"#baseline\">Baseline</a></li>\n");
        }
        if !self.groups.is_empty() {
            out.push_str("<li><a href=\"#comparisons\">Comparisons</a><ol>");
            for (g, group) in self.groups.iter().enumerate() {
                let _ = write!(
                    out,
                    "<li><a href=\"#group-{g}\">{}</a></li>",
                    escape(&group.title())
                );
            }
            out.push_str("</ol></li>\n");
        }
        if !self.run.benches.is_empty() {
            out.push_str("<li><a href=\"#details\">Bench details</a></li>\n");
        }
        out.push_str("</ol></nav>\n");
    }

    fn swatch(&self, i: usize) -> String {
        format!(
            "<span class=\"swatch\" style=\"background:{}\"></span>",
            hex(self.colors[i])
        )
    }

    fn summary(&self, out: &mut String) {
        out.push_str("<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n");
        if self.run.benches.is_empty() {
            out.push_str("<p>The run has no benches.</p>\n</section>\n");
            return;
        }
        out.push_str("<p class=\"lead\">Every bench of the run. Wall time is the median of the timed iterations with its 95% confidence interval; throughput is at the median. Click a column title to sort.</p>\n");
        out.push_str("<div class=\"table-wrap\"><table class=\"summary sortable\" id=\"summary-table\">\n<thead><tr>");
        let mut headers = vec![
            "bench",
            "group",
            "status",
            "median wall time",
            "throughput",
            "fuel / iteration",
            "peak memory",
        ];
        if self.comparison.is_some() {
            headers.push("vs baseline");
        }
        for h in headers {
            let _ = write!(
                out,
                "<th scope=\"col\"><button type=\"button\">{h}</button></th>"
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (i, bench) in self.run.benches.iter().enumerate() {
            let (class, text, order) = status_of(bench);
            let _ = write!(
                out,
                "<tr{}><th scope=\"row\">{}<a href=\"#bench-{i}\">{}</a></th>",
                if bench.met_expectation {
                    ""
                } else {
                    " class=\"row-failed\""
                },
                self.swatch(i),
                escape(&bench.id)
            );
            let _ = write!(
                out,
                "<td>{}</td>",
                bench
                    .group
                    .as_deref()
                    .map(|g| format!("<a href=\"#group-{}\">{}</a>", self.group_of[i], escape(g)))
                    .unwrap_or_else(|| "—".into())
            );
            let _ = write!(
                out,
                "<td class=\"status {class}\" data-v=\"{order}\">{}</td>",
                escape(&text)
            );
            match &bench.wall_ns {
                Some(w) => {
                    let s = &w.summary;
                    let noisy = if s.noisy {
                        " <span class=\"tag\" title=\"the median's 95% interval is wider than 10% of it\">≈ noisy</span>"
                    } else {
                        ""
                    };
                    let _ = write!(
                        out,
                        "<td class=\"num\" data-v=\"{}\">{}{noisy}<br><span class=\"sub\" title=\"95% confidence interval of the median\">CI {}</span></td>",
                        s.median,
                        format::duration_ns(s.median),
                        duration_range(s.median_ci_low, s.median_ci_high),
                    );
                }
                None => out.push_str("<td class=\"num\" data-v=\"\">—</td>"),
            }
            match bench
                .units
                .as_ref()
                .and_then(|u| u.per_second.map(|ps| (ps, &u.unit)))
            {
                Some((ps, unit)) => {
                    let parallel = bench
                        .parallel
                        .as_ref()
                        .map(|p| {
                            format!(
                                "<br><span class=\"sub\">×{}: {}{}</span>",
                                p.instances,
                                escape(&per_second(p.units_per_second, unit)),
                                p.speedup
                                    .map(|s| format!(" ({s:.2}× speedup)"))
                                    .unwrap_or_default()
                            )
                        })
                        .unwrap_or_default();
                    let _ = write!(
                        out,
                        "<td class=\"num\" data-v=\"{ps}\">{}{parallel}</td>",
                        escape(&per_second(ps, unit))
                    );
                }
                None => out.push_str("<td class=\"num\" data-v=\"\">—</td>"),
            }
            match &bench.fuel {
                Some(f) => {
                    let _ = write!(
                        out,
                        "<td class=\"num\" data-v=\"{}\">{}</td>",
                        f.per_iteration,
                        escape(&fuel_text(f.per_iteration, f.varies))
                    );
                }
                None => out.push_str("<td class=\"num\" data-v=\"\">—</td>"),
            }
            if bench.memory.peak_bytes > 0 {
                let leak = if bench.memory.leak_suspected {
                    format!(
                        "<br><span class=\"warn\">⚠ leak? +{}/iter</span>",
                        format::bytes(bench.memory.growth_per_iteration.max(0.0) as u64)
                    )
                } else {
                    String::new()
                };
                let _ = write!(
                    out,
                    "<td class=\"num\" data-v=\"{}\">{}{leak}</td>",
                    bench.memory.peak_bytes,
                    format::bytes(bench.memory.peak_bytes)
                );
            } else {
                out.push_str("<td class=\"num\" data-v=\"\">—</td>");
            }
            if self.comparison.is_some() {
                match self.changes.get(bench.id.as_str()) {
                    Some(change) => {
                        let ratio = metric(change, Metric::Wall).and_then(|m| m.ratio);
                        let mut lines = Vec::new();
                        for m in &change.metrics {
                            let Some(r) = m.ratio else { continue };
                            if m.metric != Metric::Wall && m.verdict == Verdict::Unchanged {
                                continue;
                            }
                            lines.push(format!(
                                "<span class=\"{}\">{} {}</span>{}{}",
                                verdict_class(m.verdict),
                                m.metric.as_str(),
                                ratio_text(r),
                                m.ratio_ci
                                    .map(|(a, b)| format!(
                                        " [{} – {}]",
                                        ratio_text(a),
                                        ratio_text(b)
                                    ))
                                    .unwrap_or_default(),
                                if m.gating {
                                    ""
                                } else {
                                    " (not gating: a single execution)"
                                }
                            ));
                        }
                        let detail = if lines.is_empty() {
                            String::new()
                        } else {
                            format!("<br><span class=\"sub\">{}</span>", lines.join("<br>"))
                        };
                        let _ = write!(
                            out,
                            "<td class=\"change\" data-v=\"{}\"><span class=\"{} verdict-word\">{}</span>{detail}</td>",
                            ratio.map(|r| r.to_string()).unwrap_or_default(),
                            verdict_class(change.verdict),
                            verdict_text(change.verdict)
                        );
                    }
                    None => out.push_str("<td data-v=\"\">—</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n</section>\n");
    }

    fn failures(&self, out: &mut String) {
        let failed: Vec<(usize, &BenchResult)> = self
            .run
            .benches
            .iter()
            .enumerate()
            .filter(|(_, b)| !b.met_expectation)
            .collect();
        if failed.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "<section id=\"failures\" aria-labelledby=\"failures-h\">\n<h2 id=\"failures-h\">Failures ({})</h2>\n<p class=\"lead\">Benches that did not end with the status the suite expected.</p>",
            failed.len()
        );
        for (i, bench) in failed {
            let (class, text, _) = status_of(bench);
            let _ = writeln!(
                out,
                "<article class=\"failure\"><h3><a href=\"#bench-{i}\">{}</a> <span class=\"status {class}\">{}</span></h3>{}</article>",
                escape(&bench.id),
                escape(&text),
                match &bench.message {
                    Some(m) => format!("<pre>{}</pre>", escape(m)),
                    None => "<p>No message.</p>".into(),
                }
            );
        }
        out.push_str("</section>\n");
    }

    fn baseline(&self, out: &mut String, comparison: &Comparison) -> Result<()> {
        let mode = match comparison.mode {
            Mode::Baseline => "a stored baseline and this run",
            Mode::Paired => "an interleaved A/B run, compared pair by pair",
        };
        let t = &comparison.thresholds;
        let _ = writeln!(
            out,
            "<section id=\"baseline\" aria-labelledby=\"baseline-h\">\n<h2 id=\"baseline-h\">Against the baseline</h2>\n<p class=\"lead\"><code>{}</code> → <code>{}</code> ({mode}): <strong>{}</strong>. A wall-time regression needs the 95% interval of the ratio of medians wholly above 1 and the ratio above 1 + {}; fuel and peak memory are compared exactly, within {} and {}. Benches are listed regressions first.</p>",
            escape(&comparison.old_label),
            escape(&comparison.new_label),
            escape(&comparison.headline()),
            percent(t.get(Metric::Wall)),
            percent(t.get(Metric::Fuel)),
            percent(t.get(Metric::Memory)),
        );
        let ordered = comparison.by_concern();
        let index_of: BTreeMap<&str, usize> = self
            .run
            .benches
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), i))
            .collect();
        let rows: Vec<RatioRow> = ordered
            .iter()
            .filter_map(|change| {
                let wall = metric(change, Metric::Wall)?;
                let ratio = wall.ratio?;
                let interval = wall.ratio_ci.unwrap_or((ratio, ratio));
                let color = index_of
                    .get(change.id.as_str())
                    .map(|&i| self.colors[i])
                    .unwrap_or(PALETTE[9]);
                Some(RatioRow {
                    label: &change.id,
                    ratio,
                    interval,
                    color,
                    note: format!("{} {}", ratio_text(ratio), verdict_text(wall.verdict)),
                })
            })
            .collect();
        if !rows.is_empty() {
            let svg = charts::ratio_rows(&rows, 1.0 + t.get(Metric::Wall))?;
            self.figure(
                out,
                svg,
                "Wall time against the baseline",
                "Ratio of median wall time, this run over the baseline, with its 95% confidence interval, per bench, regressions first.",
                "Median wall time, this run ÷ baseline, with its 95% interval (log scale). Shaded: within the threshold. Right of 1× is slower.",
                "wide",
            );
        }
        out.push_str("<div class=\"table-wrap\"><table class=\"baseline\">\n<thead><tr><th scope=\"col\">bench</th><th scope=\"col\">verdict</th><th scope=\"col\">median wall time: baseline → this run</th><th scope=\"col\">ratio [95% CI]</th><th scope=\"col\">fuel</th><th scope=\"col\">peak memory</th><th scope=\"col\">note</th></tr></thead>\n<tbody>\n");
        for change in ordered {
            let link = match index_of.get(change.id.as_str()) {
                Some(i) => format!(
                    "{}<a href=\"#bench-{i}\">{}</a>",
                    self.swatch(*i),
                    escape(&change.id)
                ),
                None => escape(&change.id),
            };
            let wall = metric(change, Metric::Wall);
            let times = wall
                .and_then(|m| Some((m.old?, m.new?)))
                .map(|(a, b)| format!("{} → {}", format::duration_ns(a), format::duration_ns(b)))
                .unwrap_or_else(|| "—".into());
            let ratio = wall
                .and_then(|m| m.ratio.map(|r| (r, m.ratio_ci, m.verdict)))
                .map(|(r, ci, v)| {
                    format!(
                        "<span class=\"{}\">{}</span>{}",
                        verdict_class(v),
                        ratio_text(r),
                        ci.map(|(a, b)| format!(
                            " <span class=\"sub\">[{} – {}]</span>",
                            ratio_text(a),
                            ratio_text(b)
                        ))
                        .unwrap_or_default()
                    )
                })
                .unwrap_or_else(|| "—".into());
            let exact = |m: Metric, fmt: &dyn Fn(f64) -> String| {
                metric(change, m)
                    .and_then(|c| Some((c.old?, c.new?, c.ratio?, c.verdict)))
                    .map(|(a, b, r, v)| {
                        if v == Verdict::Unchanged {
                            format!("<span class=\"v-same\">= {}</span>", escape(&fmt(b)))
                        } else {
                            format!(
                                "<span class=\"{}\">{}</span><br><span class=\"sub\">{} → {}</span>",
                                verdict_class(v),
                                ratio_text(r),
                                escape(&fmt(a)),
                                escape(&fmt(b))
                            )
                        }
                    })
                    .unwrap_or_else(|| "—".into())
            };
            let fuel = exact(Metric::Fuel, &|v| format::count(v));
            let memory = exact(Metric::Memory, &|v| format::bytes(v as u64));
            let mut note = change.note.clone().unwrap_or_default();
            if let (Some(a), Some(b)) = (change.old_status, change.new_status)
                && a != b
                && note.is_empty()
            {
                note = format!("{a} → {b}");
            }
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{link}</th><td class=\"{} verdict-word\">{}</td><td class=\"num\">{times}</td><td class=\"num\">{ratio}</td><td class=\"num\">{fuel}</td><td class=\"num\">{memory}</td><td>{}</td></tr>",
                verdict_class(change.verdict),
                verdict_text(change.verdict),
                escape(&note)
            );
        }
        out.push_str("</tbody></table></div>\n</section>\n");
        Ok(())
    }

    /// Wraps a chart in a figure with an accessible name and a caption.
    fn figure(
        &self,
        out: &mut String,
        svg: String,
        title: &str,
        description: &str,
        caption: &str,
        class: &str,
    ) {
        let id = self.chart_id();
        let _ = writeln!(
            out,
            "<figure class=\"{class}\">{}<figcaption>{}</figcaption></figure>",
            charts::labelled(svg, &id, title, description),
            escape(caption)
        );
    }

    fn group(&self, out: &mut String, g: usize) -> Result<()> {
        let group = &self.groups[g];
        let benches: Vec<(usize, &BenchResult)> = group
            .members
            .iter()
            .map(|&i| (i, &self.run.benches[i]))
            .collect();
        let title = group.title();
        let _ = writeln!(
            out,
            "<section class=\"group\" id=\"group-{g}\" aria-labelledby=\"group-{g}-h\">\n<h3 id=\"group-{g}-h\">{} <span class=\"count\">{}</span></h3>",
            match &group.name {
                Some(name) => format!("Group <code>{}</code>", escape(name)),
                None => "Benches without a group".into(),
            },
            plural(benches.len(), "bench", "benches"),
        );
        out.push_str("<ul class=\"legend\" aria-label=\"Colours\">");
        for (i, bench) in &benches {
            let (class, text, _) = status_of(bench);
            let _ = write!(
                out,
                "<li>{}<a href=\"#bench-{i}\">{}</a>{}</li>",
                self.swatch(*i),
                escape(&bench.id),
                if bench.status == Status::Ok && bench.met_expectation {
                    String::new()
                } else {
                    format!(" <span class=\"status {class}\">{}</span>", escape(&text))
                }
            );
        }
        out.push_str("</ul>\n<div class=\"charts\">\n");

        // Wall time distribution.
        let samples: Vec<Vec<f64>> = benches
            .iter()
            .map(|(_, b)| {
                b.wall_ns
                    .as_ref()
                    .map(|w| w.samples.iter().map(|&s| s as f64).collect())
                    .unwrap_or_default()
            })
            .collect();
        let max_ns = samples.iter().flatten().copied().fold(0.0, f64::max);
        let rows: Vec<BoxRow> = benches
            .iter()
            .zip(&samples)
            .map(|((i, b), s)| BoxRow {
                label: &b.id,
                color: self.colors[*i],
                samples: s,
                missing: format!("no samples — {}", status_of(b).1),
                note: b
                    .wall_ns
                    .as_ref()
                    .map(|w| format!("median {}", format::duration_ns(w.summary.median)))
                    .unwrap_or_default(),
            })
            .collect();
        let svg = charts::box_rows(&rows, "wall time per iteration", &Scale::duration(max_ns))?;
        self.figure(
            out,
            svg,
            &format!("Wall time per iteration, {title}"),
            &format!(
                "Box plots of wall time per iteration for each bench of {title}; medians: {}.",
                benches
                    .iter()
                    .map(|(_, b)| format!(
                        "{} {}",
                        b.id,
                        b.wall_ns
                            .as_ref()
                            .map(|w| format::duration_ns(w.summary.median))
                            .unwrap_or_else(|| "no samples".into())
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "Wall time per iteration: box = quartiles, thick line = median, whiskers = furthest sample within 1.5 IQR, dots = every sample.",
            "wide",
        );

        // Fuel per iteration.
        let max_fuel = benches
            .iter()
            .filter_map(|(_, b)| b.fuel.as_ref())
            .flat_map(|f| f.samples.iter().copied().chain([f.per_iteration]))
            .max()
            .unwrap_or(0) as f64;
        let rows: Vec<BarRow> = benches
            .iter()
            .map(|(i, b)| BarRow {
                label: &b.id,
                color: self.colors[*i],
                value: b.fuel.as_ref().map(|f| f.per_iteration as f64),
                range: b.fuel.as_ref().filter(|f| f.varies).and_then(|f| {
                    Some((
                        *f.samples.iter().min()? as f64,
                        *f.samples.iter().max()? as f64,
                    ))
                }),
                note: b
                    .fuel
                    .as_ref()
                    .map(|f| fuel_text(f.per_iteration, f.varies))
                    .unwrap_or_else(|| format!("not measured — {}", status_of(b).1)),
            })
            .collect();
        let svg = charts::bar_rows(
            &rows,
            "fuel per iteration",
            &Scale::count(max_fuel, ""),
            charts::HALF,
        )?;
        self.figure(
            out,
            svg,
            &format!("Fuel per iteration, {title}"),
            &format!("Bar chart of fuel (roughly, wasm instructions) per iteration for each bench of {title}."),
            "Fuel per iteration (≈ wasm instructions executed). A whisker spans the iterations' range when fuel varies.",
            "half",
        );

        // Peak memory.
        let max_mem = benches
            .iter()
            .map(|(_, b)| b.memory.peak_bytes)
            .max()
            .unwrap_or(0) as f64;
        let rows: Vec<BarRow> = benches
            .iter()
            .map(|(i, b)| {
                let peak = b.memory.peak_bytes;
                BarRow {
                    label: &b.id,
                    color: self.colors[*i],
                    value: (peak > 0).then_some(peak as f64),
                    range: None,
                    note: if peak == 0 {
                        "not measured".into()
                    } else {
                        format!(
                            "{} of {}{}",
                            format::bytes(peak),
                            format::bytes(b.limits.memory_bytes),
                            if b.memory.leak_suspected {
                                " ⚠ leak?"
                            } else {
                                ""
                            }
                        )
                    },
                }
            })
            .collect();
        let svg = charts::bar_rows(
            &rows,
            "peak linear memory",
            &Scale::bytes(max_mem),
            charts::HALF,
        )?;
        self.figure(
            out,
            svg,
            &format!("Peak linear memory, {title}"),
            &format!(
                "Bar chart of the peak linear memory of each bench of {title}, against its limit."
            ),
            "Peak linear memory, with the bench's memory limit; ⚠ marks a suspected leak.",
            "half",
        );

        self.scaling(out, &benches, &title)?;
        out.push_str("</div>\n");
        self.group_counters(out, &benches);
        out.push_str("</section>\n");
        Ok(())
    }

    /// Scaling charts: throughput against instances for benches with a parallel pass, and median
    /// wall time against any numeric parameter that varies among otherwise equal benches.
    fn scaling(
        &self,
        out: &mut String,
        benches: &[(usize, &BenchResult)],
        title: &str,
    ) -> Result<()> {
        // Instances.
        let parallel: Vec<(usize, &BenchResult, f64, &str)> = benches
            .iter()
            .filter_map(|(i, b)| {
                b.parallel.as_ref()?;
                let units = b.units.as_ref()?;
                Some((*i, *b, units.per_second?, units.unit.as_str()))
            })
            .collect();
        if let Some(&(_, _, _, unit)) = parallel.first() {
            let parallel: Vec<_> = parallel.into_iter().filter(|p| p.3 == unit).collect();
            let mut series = Vec::new();
            let mut max = 0.0f64;
            let mut max_n = 1u32;
            for &(i, b, single, _) in &parallel {
                let p = b.parallel.as_ref().expect("filtered on parallel");
                let n = p.instances as f64;
                max = max.max(single * n).max(p.units_per_second);
                max_n = max_n.max(p.instances);
                series.push(Series {
                    label: format!("{} measured", b.id),
                    color: self.colors[i],
                    points: vec![(1.0, single), (n, p.units_per_second)],
                    errors: Vec::new(),
                    dashed: false,
                    markers: true,
                });
                series.push(Series {
                    label: format!("{} ideal (linear)", b.id),
                    color: self.colors[i],
                    points: vec![(1.0, single), (n, single * n)],
                    errors: Vec::new(),
                    dashed: true,
                    markers: false,
                });
            }
            let svg = charts::lines(
                &series,
                &Axis {
                    title: "instances running at once".into(),
                    scale: Scale::plain(""),
                    log: false,
                    from_zero: false,
                    integer: true,
                },
                &Axis {
                    title: "aggregate throughput".into(),
                    scale: Scale::throughput(max, unit),
                    log: false,
                    from_zero: true,
                    integer: false,
                },
                &[],
                (charts::WIDE, 320),
            )?;
            self.figure(
                out,
                svg,
                &format!("Throughput against instances, {title}"),
                &format!(
                    "Line chart of aggregate throughput at 1 and at N instances, against ideal linear scaling: {}.",
                    parallel
                        .iter()
                        .map(|(_, b, single, unit)| {
                            let p = b.parallel.as_ref().expect("filtered on parallel");
                            format!(
                                "{}: {} alone, {} with {} instances",
                                b.id,
                                per_second(*single, unit),
                                per_second(p.units_per_second, unit),
                                p.instances
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                &format!(
                    "Single-instance vs aggregate throughput (1 → {max_n} instances); dashed: ideal linear scaling."
                ),
                "wide",
            );
        }

        // Numeric parameters.
        for (key, kind, series_members) in varying_params(benches) {
            let mut series = Vec::new();
            let mut max_x = 0.0f64;
            let mut min_x = f64::INFINITY;
            let mut max_y = 0.0f64;
            for members in &series_members {
                let (first, first_bench) = members[0];
                let mut points = Vec::new();
                let mut errors = Vec::new();
                for &(_, b) in members {
                    let (Some(x), Some(w)) = (param_value(b, &key).map(|v| v.0), &b.wall_ns) else {
                        continue;
                    };
                    max_x = max_x.max(x);
                    min_x = min_x.min(x);
                    max_y = max_y.max(w.summary.median_ci_high);
                    points.push((x, w.summary.median));
                    errors.push((x, w.summary.median_ci_low, w.summary.median_ci_high));
                }
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                series.push(Series {
                    label: format!("{}/{}", first_bench.plugin, first_bench.workload),
                    color: self.colors[first],
                    points,
                    errors,
                    dashed: false,
                    markers: true,
                });
            }
            let x_scale = match kind {
                ParamKind::Bytes => Scale::bytes(max_x),
                ParamKind::Duration => Scale::duration(max_x),
                ParamKind::Number => Scale::plain(""),
            };
            let svg = charts::lines(
                &series,
                &Axis {
                    title: key.clone(),
                    scale: x_scale,
                    log: min_x > 0.0 && max_x / min_x >= 8.0,
                    from_zero: false,
                    integer: kind == ParamKind::Number
                        && series_members
                            .iter()
                            .flatten()
                            .all(|(_, b)| param_value(b, &key).is_some_and(|v| v.0.fract() == 0.0)),
                },
                &Axis {
                    title: "median wall time".into(),
                    scale: Scale::duration(max_y),
                    log: false,
                    from_zero: true,
                    integer: false,
                },
                &[],
                (charts::WIDE, 320),
            )?;
            self.figure(
                out,
                svg,
                &format!("Median wall time against {key}, {title}"),
                &format!("Line chart of median wall time, with its 95% interval, against the parameter {key}."),
                &format!("Median wall time against `{key}`, with 95% confidence intervals."),
                "wide",
            );
        }
        Ok(())
    }

    fn group_counters(&self, out: &mut String, benches: &[(usize, &BenchResult)]) {
        let with: Vec<&(usize, &BenchResult)> = benches
            .iter()
            .filter(|(_, b)| !b.counters.is_empty())
            .collect();
        if with.is_empty() {
            return;
        }
        let mut names: Vec<&str> = Vec::new();
        for (_, b) in &with {
            for name in b.counters.keys() {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names.sort_unstable();
        out.push_str("<details class=\"counters\" open><summary>Counters of the last iteration, with hit ratios</summary><div class=\"table-wrap\"><table class=\"counters\">\n<thead><tr><th scope=\"col\">counter</th>");
        for (i, b) in &with {
            let _ = write!(
                out,
                "<th scope=\"col\">{}{}</th>",
                self.swatch(*i),
                escape(&b.id)
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (label, hits, other) in hit_ratio_names(&names) {
            let _ = write!(
                out,
                "<tr class=\"ratio\"><th scope=\"row\">{} hit ratio</th>",
                escape(&label)
            );
            for (_, b) in &with {
                let _ = write!(
                    out,
                    "<td class=\"num\">{}</td>",
                    ratio_cell(hit_ratio(b, &hits, &other))
                );
            }
            out.push_str("</tr>\n");
        }
        for name in &names {
            let _ = write!(
                out,
                "<tr><th scope=\"row\"><code>{}</code></th>",
                escape(name)
            );
            for (_, b) in &with {
                let _ = write!(
                    out,
                    "<td class=\"num\">{}</td>",
                    b.counters
                        .get(*name)
                        .map(|v| counter_value(name, *v))
                        .unwrap_or_else(|| "—".into())
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div></details>\n");
    }

    fn detail(&self, out: &mut String, i: usize) -> Result<()> {
        let b = &self.run.benches[i];
        let (class, text, _) = status_of(b);
        let open = if self.run.benches.len() <= OPEN_DETAILS_UP_TO {
            " open"
        } else {
            ""
        };
        let median = b
            .wall_ns
            .as_ref()
            .map(|w| format!(" · median {}", format::duration_ns(w.summary.median)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<details class=\"bench\" id=\"bench-{i}\"{open}><summary>{}<span class=\"status {class}\">{}</span> <code>{}</code>{median}</summary>",
            self.swatch(i),
            escape(&text),
            escape(&b.id),
        );
        if let Some(m) = &b.message {
            let _ = writeln!(out, "<pre class=\"message\">{}</pre>", escape(m));
        }
        self.facts(out, i);
        let color = self.colors[i];
        let has_samples = b.wall_ns.as_ref().is_some_and(|w| !w.samples.is_empty());
        if has_samples || !b.memory.per_iteration.is_empty() {
            out.push_str("<div class=\"charts small\">\n");
        }
        if let Some(w) = b.wall_ns.as_ref().filter(|w| !w.samples.is_empty()) {
            let raw: Vec<f64> = w.samples.iter().map(|&s| s as f64).collect();
            let max = raw.iter().copied().fold(0.0, f64::max);
            let scale = Scale::duration(max);
            let series = [Series {
                label: String::new(),
                color,
                points: raw
                    .iter()
                    .enumerate()
                    .map(|(k, v)| ((k + 1) as f64, *v))
                    .collect(),
                errors: Vec::new(),
                dashed: false,
                markers: true,
            }];
            let svg = charts::lines(
                &series,
                &Axis {
                    title: "timed iteration (run order)".into(),
                    scale: Scale::plain(""),
                    log: false,
                    from_zero: false,
                    integer: true,
                },
                &Axis {
                    title: "wall time".into(),
                    scale: scale.clone(),
                    log: false,
                    from_zero: false,
                    integer: false,
                },
                &[(w.summary.median, "median".into())],
                (charts::SMALL_W, charts::SMALL_H),
            )?;
            self.figure(
                out,
                svg,
                &format!("Wall time in run order, {}", b.id),
                &format!(
                    "Line chart of the {} timed iterations of {} in run order; median {}.",
                    raw.len(),
                    b.id,
                    format::duration_ns(w.summary.median)
                ),
                "Samples in run order: a slope is drift, a high start is warm-up.",
                "small",
            );
            let svg = charts::histogram(&raw, color, "wall time per iteration", &scale)?;
            self.figure(
                out,
                svg,
                &format!("Distribution of wall time, {}", b.id),
                &format!(
                    "Histogram of the wall time of {}: from {} to {}, median {}.",
                    b.id,
                    format::duration_ns(w.summary.min),
                    format::duration_ns(w.summary.max),
                    format::duration_ns(w.summary.median)
                ),
                "Distribution of the samples.",
                "small",
            );
        }
        if !b.memory.per_iteration.is_empty() {
            let points: Vec<(f64, f64)> = b
                .memory
                .per_iteration
                .iter()
                .enumerate()
                .map(|(k, v)| ((k + 1) as f64, *v as f64))
                .collect();
            let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
            let svg = charts::lines(
                &[Series {
                    label: String::new(),
                    color,
                    points,
                    errors: Vec::new(),
                    dashed: false,
                    markers: true,
                }],
                &Axis {
                    title: "timed iteration".into(),
                    scale: Scale::plain(""),
                    log: false,
                    from_zero: false,
                    integer: true,
                },
                &Axis {
                    title: "linear memory".into(),
                    scale: Scale::bytes(max),
                    log: false,
                    from_zero: true,
                    integer: false,
                },
                &[],
                (charts::SMALL_W, charts::SMALL_H),
            )?;
            let trend = format!(
                "{}{}/iteration",
                if b.memory.growth_per_iteration >= 0.0 {
                    "+"
                } else {
                    "−"
                },
                format::bytes(b.memory.growth_per_iteration.abs() as u64)
            );
            self.figure(
                out,
                svg,
                &format!("Linear memory after each iteration, {}", b.id),
                &format!(
                    "Line chart of linear memory after each timed iteration of {}: trend {trend}{}.",
                    b.id,
                    if b.memory.leak_suspected {
                        ", leak suspected"
                    } else {
                        ""
                    }
                ),
                &format!(
                    "Linear memory after each iteration (trend {trend}){}.",
                    if b.memory.leak_suspected {
                        " — ⚠ keeps growing: leak suspected"
                    } else {
                        ""
                    }
                ),
                "small",
            );
        }
        if has_samples || !b.memory.per_iteration.is_empty() {
            out.push_str("</div>\n");
        }
        if !b.counters.is_empty() {
            let names: Vec<&str> = b.counters.keys().map(String::as_str).collect();
            out.push_str("<div class=\"table-wrap\"><table class=\"counters\"><caption>Counters of the last iteration</caption>\n<tbody>\n");
            for (label, hits, other) in hit_ratio_names(&names) {
                let _ = writeln!(
                    out,
                    "<tr class=\"ratio\"><th scope=\"row\">{} hit ratio</th><td class=\"num\">{}</td></tr>",
                    escape(&label),
                    ratio_cell(hit_ratio(b, &hits, &other))
                );
            }
            for (name, value) in &b.counters {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\"><code>{}</code></th><td class=\"num\">{}</td></tr>",
                    escape(name),
                    counter_value(name, *value)
                );
            }
            out.push_str("</tbody></table></div>\n");
        }
        out.push_str("</details>\n");
        Ok(())
    }

    fn facts(&self, out: &mut String, i: usize) {
        let b = &self.run.benches[i];
        let mut facts: Vec<(&str, String)> = vec![(
            "plugin / workload",
            format!(
                "<code>{}</code> / <code>{}</code>",
                escape(&b.plugin),
                escape(&b.workload)
            ),
        )];
        if let Some(g) = &b.group {
            facts.push((
                "group",
                format!("<a href=\"#group-{}\">{}</a>", self.group_of[i], escape(g)),
            ));
        }
        if !b.params.is_empty() {
            facts.push((
                "params",
                b.params
                    .iter()
                    .map(|(k, v)| format!("<code>{}={}</code>", escape(k), escape(v)))
                    .collect::<Vec<_>>()
                    .join(" "),
            ));
        }
        facts.push((
            "limits",
            format!(
                "fuel {} · memory {} · deadline {}",
                format::count(b.limits.fuel as f64),
                format::bytes(b.limits.memory_bytes),
                format::duration_ns(b.limits.deadline.as_nanos() as f64)
            ),
        ));
        if let Some(w) = &b.wall_ns {
            let s = &w.summary;
            facts.push((
                "wall time",
                format!(
                    "median {} (95% CI {}) · mean {} ± {} · min {} · p95 {} · max {} · {} samples after {} warm-up{}",
                    format::duration_ns(s.median),
                    duration_range(s.median_ci_low, s.median_ci_high),
                    format::duration_ns(s.mean),
                    format::duration_ns(s.stddev),
                    format::duration_ns(s.min),
                    format::duration_ns(s.p95),
                    format::duration_ns(s.max),
                    s.count,
                    b.warmup,
                    {
                        let o = &s.outliers;
                        let n = o.low_mild + o.low_severe + o.high_mild + o.high_severe;
                        if n > 0 {
                            format!(" · {n} outlier{}", if n == 1 { "" } else { "s" })
                        } else {
                            String::new()
                        }
                    }
                ),
            ));
        }
        if let Some(u) = &b.units {
            facts.push((
                "work",
                format!(
                    "{} {} per iteration{}",
                    exact_or_count(u.per_iteration),
                    escape(&u.unit),
                    u.per_second
                        .map(|ps| format!(" · {}", escape(&per_second(ps, &u.unit))))
                        .unwrap_or_default()
                ),
            ));
        }
        if let Some(p) = &b.parallel {
            facts.push((
                "parallel",
                format!(
                    "{} instances · {} iterations in {} · {}{}",
                    p.instances,
                    p.iterations,
                    format::duration_ns(p.elapsed_ns as f64),
                    escape(&per_second(
                        p.units_per_second,
                        b.units.as_ref().map_or("units", |u| u.unit.as_str())
                    )),
                    p.speedup
                        .map(|s| format!(" · {s:.2}× speedup"))
                        .unwrap_or_default()
                ),
            ));
        }
        if let Some(f) = &b.fuel {
            facts.push((
                "fuel",
                format!(
                    "{} per iteration{} · setup {}{}",
                    format::count(f.per_iteration as f64),
                    if f.varies { " (varies)" } else { "" },
                    format::count(f.setup as f64),
                    f.metering_slowdown
                        .map(|s| format!(" · metering slowed it {s:.2}×"))
                        .unwrap_or_default()
                ),
            ));
        }
        if b.memory.peak_bytes > 0 {
            facts.push((
                "memory",
                format!(
                    "peak {} · trend {}/iteration{}",
                    format::bytes(b.memory.peak_bytes),
                    format::bytes(b.memory.growth_per_iteration.max(0.0) as u64),
                    if b.memory.leak_suspected {
                        " · <span class=\"warn\">⚠ leak suspected</span>"
                    } else {
                        ""
                    }
                ),
            ));
        }
        let phases = [
            ("compile", b.phases.compile_ns),
            ("instantiate", b.phases.instantiate_ns),
            ("setup", b.phases.setup_ns),
        ]
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k} {}", format::duration_ns(v as f64))))
        .collect::<Vec<_>>();
        if !phases.is_empty() {
            facts.push((
                "phases",
                format!(
                    "{}{}",
                    phases.join(" · "),
                    if b.phases.compile_cached {
                        " (compiled component loaded from the cache)"
                    } else {
                        ""
                    }
                ),
            ));
        }
        if let Some(c) = &b.checksum {
            facts.push((
                "checksum",
                format!(
                    "<code>{}</code>{}",
                    escape(c),
                    if b.checksum_stable {
                        ""
                    } else {
                        " <span class=\"warn\">⚠ unstable across iterations</span>"
                    }
                ),
            ));
        }
        facts.push((
            "wasm",
            format!(
                "<code>{}</code> · sha256 <code>{}</code>",
                escape(&b.wasm.path),
                escape(&b.wasm.sha256.chars().take(16).collect::<String>())
            ),
        ));
        out.push_str("<dl class=\"facts\">");
        for (k, v) in facts {
            let _ = write!(out, "<div><dt>{k}</dt><dd>{v}</dd></div>");
        }
        out.push_str("</dl>\n");
    }
}

/// One colour per bench, distinct within its group; a workload keeps its colour across groups when
/// it can (blocking and stream look the same in `fs-read` and `fs-read-64mib`).
fn assign_colors(run: &RunResults, groups: &[Group]) -> Vec<Rgb> {
    let mut colors = vec![PALETTE[0]; run.benches.len()];
    let mut by_workload: BTreeMap<String, usize> = BTreeMap::new();
    for group in groups {
        let mut used = BTreeSet::new();
        for &i in &group.members {
            let b = &run.benches[i];
            let key = format!("{}/{}", b.plugin, b.workload);
            let choice = match by_workload.get(&key) {
                Some(&c) if !used.contains(&c) => c,
                _ => (0..PALETTE.len())
                    .find(|c| !used.contains(c))
                    .unwrap_or(used.len() % PALETTE.len()),
            };
            by_workload.entry(key).or_insert(choice);
            used.insert(choice);
            colors[i] = PALETTE[choice];
        }
    }
    colors
}

/// (class, text, sort order) of a bench's status: the word carries the meaning, colour only helps.
fn status_of(b: &BenchResult) -> (&'static str, String, u8) {
    if b.met_expectation {
        if b.status == Status::Ok {
            ("st-ok", "✓ ok".into(), 2)
        } else {
            ("st-expected", format!("✓ {} (expected)", b.status), 1)
        }
    } else if b.expected == Status::Ok {
        ("st-failed", format!("✗ FAILED: {}", b.status), 0)
    } else {
        (
            "st-failed",
            format!("✗ FAILED: {} (expected {})", b.status, b.expected),
            0,
        )
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Regressed | Verdict::Failed => "v-bad",
        Verdict::Improved => "v-good",
        Verdict::Missing | Verdict::New | Verdict::InsufficientData => "v-note",
        Verdict::Unchanged => "v-same",
    }
}

fn verdict_text(v: Verdict) -> &'static str {
    match v {
        Verdict::Regressed => "▲ regressed",
        Verdict::Failed => "✗ failed",
        Verdict::Missing => "− missing",
        Verdict::New => "+ new",
        Verdict::Improved => "▼ improved",
        Verdict::InsufficientData => "? insufficient data",
        Verdict::Unchanged => "= unchanged",
    }
}

fn metric(change: &BenchChange, m: Metric) -> Option<&MetricChange> {
    change.metrics.iter().find(|c| c.metric == m)
}

fn ratio_text(r: f64) -> String {
    if !r.is_finite() {
        "∞".into()
    } else if r >= 10.0 {
        format!("{r:.1}×")
    } else {
        format!("{r:.3}×")
    }
}

fn percent(fraction: f64) -> String {
    let text = format!("{:.2}", fraction * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2026-11-25T13:30:59Z` → `2026-11-25 13:30:59 UTC`.
fn pretty_time(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z') {
        Some(t) => format!("{} UTC", t.replacen('T', " ", 1)),
        None => rfc3339.to_string(),
    }
}

fn per_second(value: f64, unit: &str) -> String {
    if unit == "bytes" {
        format!("{}/s", format::bytes(value as u64))
    } else {
        format!("{} {unit}/s", format::count(value))
    }
}

fn fuel_text(per_iteration: u64, varies: bool) -> String {
    let value = format::count(per_iteration as f64);
    if varies {
        format!("~{value} (varies)")
    } else {
        value
    }
}

/// Counter values: durations and byte counts in human units (exact value on hover), the rest exact.
fn counter_value(name: &str, value: u64) -> String {
    let human = if name.ends_with("_ns") {
        Some(format::duration_ns(value as f64))
    } else if name.contains("bytes") {
        Some(format::bytes(value))
    } else {
        None
    };
    match human {
        Some(h) => format!("<span title=\"{}\">{}</span>", grouped(value), escape(&h)),
        None => grouped(value),
    }
}

/// Small counts exactly (`1`, `2,000`), large ones with a prefix (`4.19 M`).
fn exact_or_count(n: u64) -> String {
    if n < 100_000 {
        grouped(n)
    } else {
        format::count(n as f64)
    }
}

/// A duration interval, the unit written once when both ends share it: `20.7 – 21.2 ms`.
fn duration_range(low: f64, high: f64) -> String {
    let (a, b) = (format::duration_ns(low), format::duration_ns(high));
    match (a.rsplit_once(' '), b.rsplit_once(' ')) {
        (Some((x, unit_a)), Some((y, unit_b))) if unit_a == unit_b => format!("{x} – {y} {unit_a}"),
        _ => format!("{a} – {b}"),
    }
}

/// `1234567` → `1,234,567`.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ratio_cell(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) => format!(
            "<span class=\"meter\" aria-hidden=\"true\"><span style=\"width:{:.1}%\"></span></span> {:.1}%",
            r * 100.0,
            r * 100.0
        ),
        None => "—".into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ParamKind {
    Number,
    Bytes,
    Duration,
}

/// A parameter as a number: plain numbers, sizes (`64 KiB`, in bytes) and durations (`20ms`, in ns).
fn param_value(b: &BenchResult, key: &str) -> Option<(f64, ParamKind)> {
    let text = b.params.get(key)?.trim();
    if let Ok(v) = text.parse::<f64>() {
        return v.is_finite().then_some((v, ParamKind::Number));
    }
    if let Ok(size) = bytesize::ByteSize::from_str(text) {
        return Some((size.as_u64() as f64, ParamKind::Bytes));
    }
    humantime::parse_duration(text)
        .ok()
        .map(|d| (d.as_nanos() as f64, ParamKind::Duration))
}

type Members<'b> = Vec<(usize, &'b BenchResult)>;

/// Numeric parameters that vary among benches that are otherwise the same (same plugin, workload and
/// other params): per parameter, its kind and the series of benches (each with ≥ 2 distinct values).
fn varying_params<'b>(
    benches: &[(usize, &'b BenchResult)],
) -> Vec<(String, ParamKind, Vec<Members<'b>>)> {
    let measured: Vec<(usize, &BenchResult)> = benches
        .iter()
        .filter(|(_, b)| b.wall_ns.is_some())
        .copied()
        .collect();
    let keys: BTreeSet<&str> = measured
        .iter()
        .flat_map(|(_, b)| b.params.keys().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    for key in keys {
        let mut series: BTreeMap<String, Members> = BTreeMap::new();
        let mut kinds = BTreeSet::new();
        for &(i, b) in &measured {
            let Some((_, kind)) = param_value(b, key) else {
                continue;
            };
            kinds.insert(kind as u8);
            let rest: Vec<String> = b
                .params
                .iter()
                .filter(|(k, _)| k.as_str() != key)
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            series
                .entry(format!("{}/{}[{}]", b.plugin, b.workload, rest.join(",")))
                .or_default()
                .push((i, b));
        }
        if kinds.len() != 1 {
            continue;
        }
        let kept: Vec<Members> = series
            .into_values()
            .filter(|members| {
                let values: BTreeSet<u64> = members
                    .iter()
                    .filter_map(|(_, b)| param_value(b, key).map(|v| v.0.to_bits()))
                    .collect();
                values.len() >= 2
            })
            .collect();
        if let Some(first) = kept.first() {
            let kind = param_value(first[0].1, key)
                .map(|v| v.1)
                .unwrap_or(ParamKind::Number);
            out.push((key.to_string(), kind, kept));
        }
    }
    out
}

/// The inline script's SHA-256 in base64, as the Content-Security-Policy wants it.
fn script_hash() -> String {
    base64(&Sha256::digest(SCRIPT.as_bytes()))
}

/// Standard base64 (for the script's CSP hash).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * k)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(12), "12");
        assert_eq!(duration_range(20.7e6, 21.2e6), "20.7 – 21.2 ms");
        assert_eq!(duration_range(998.0e3, 1.02e6), "998 µs – 1.02 ms");
        assert_eq!(ratio_text(1.5), "1.500×");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(
            pretty_time("2026-11-25T13:30:59Z"),
            "2026-11-25 13:30:59 UTC"
        );
    }
}
