//! The load scenarios' section: per scenario its status, setup, phases' table, thresholds and
//! charts.

use anyhow::Result;
use maud::{Markup, html};

use super::bench::{BenchId, swatch};
use super::details::fact;
use super::figure::figure;
use crate::report::html::view::{LATENCY_STATS, LoadRow, LoadSection, ThresholdRow};

pub(super) fn loads(loads: &[LoadSection]) -> Result<Markup> {
    if loads.is_empty() {
        return Ok(html! {});
    }
    let sections = loads.iter().map(load).collect::<Result<Vec<_>>>()?;
    Ok(html! {
        section id="loads" aria-labelledby="loads-h" {
            "\n" h2 id="loads-h" { "Load scenarios" } "\n"
            p class="lead" {
                "Requests arriving on a schedule at a pool of instances, phase by phase. Latency is measured from each request's "
                em { "intended" } " start, so time spent queueing behind a slow request counts (corrected for coordinated omission); below it, in grey, the service time from when an instance took the request. Throughput counts requests completed without error, against the rate the schedule offered."
            }
            "\n"
            @for s in sections { (s) }
        }
        "\n"
    })
}

fn load(l: &LoadSection) -> Result<Markup> {
    let figures = l.figures.iter().map(figure).collect::<Result<Vec<_>>>()?;
    let id = format!("load-{}", l.index);
    Ok(html! {
        article class="load" id=(id) aria-labelledby={ (id) "-h" } {
            "\n"
            h3 id={ (id) "-h" } {
                code { (BenchId(&l.id)) } " "
                span class={ "status " (l.status.class) } { (l.status.text) }
            }
            "\n"
            @if let Some(m) = &l.message { pre class="message" { (m) } "\n" }
            @if let Some(a) = &l.aborted {
                p class="warn" { "Aborted early (abort_on_fail): " (a) } "\n"
            }
            dl class="facts" { @for f in &l.facts { (fact(f)) } }
            "\n"
            @if !l.rows.is_empty() { (phases(&l.rows)) }
            @if !l.thresholds.is_empty() { (thresholds(&l.thresholds)) }
            @if !figures.is_empty() {
                div class="charts" { "\n" @for f in figures { (f) } }
                "\n"
            }
        }
        "\n"
    })
}

fn phases(rows: &[LoadRow]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="load-phases" {
                caption { "Phases" }
                "\n"
                thead {
                    tr {
                        th scope="col" rowspan="2" { "phase" }
                        th scope="col" rowspan="2" class="num" { "planned" }
                        th scope="col" rowspan="2" class="num" { "offered" }
                        th scope="col" rowspan="2" class="num" { "throughput" }
                        th scope="col" rowspan="2" class="num" { "ok" }
                        th scope="col" rowspan="2" class="num" { "failed" }
                        th scope="col" rowspan="2" class="num" { "dropped" }
                        th scope="col" rowspan="2" class="num" { "error rate" }
                        th scope="colgroup" colspan=(LATENCY_STATS.len()) class="latency-group" {
                            "latency from intended start" br;
                            span class="sub" { "below: service time, from actual start" }
                        }
                    }
                    tr {
                        @for stat in LATENCY_STATS { th scope="col" class="num" { (stat.name()) } }
                    }
                }
                "\n"
                tbody { "\n" @for row in rows { (phase_row(row)) } }
            }
        }
        "\n"
    }
}

fn phase_row(r: &LoadRow) -> Markup {
    html! {
        tr class=[r.overall.then_some("overall")] {
            th scope="row" {
                @if let Some(c) = &r.color { (swatch(c)) }
                (r.name)
                @if !r.span.is_empty() { br; span class="sub" { (r.span) } }
            }
            td class="num" { (r.planned) }
            td class="num" { (r.offered) br; span class="sub" { (r.offered_rate) } }
            td class="num" {
                (r.throughput)
                @if !r.achieved.is_empty() {
                    br;
                    span class=(if r.short { "sub warn" } else { "sub" }) { (r.achieved) }
                }
            }
            td class="num" { (r.ok) }
            @if r.has_failed {
                td class="num" title=(r.kinds.join(" · ")) {
                    span class="warn" { (r.failed) }
                    @for kind in &r.kinds { br; span class="sub" { (kind) } }
                }
            } @else {
                td class="num" { (r.failed) }
            }
            td class="num" {
                @if r.has_dropped { span class="warn" { (r.dropped) } } @else { (r.dropped) }
                br; span class="sub" { (r.drop_rate) }
            }
            td class="num" {
                @if r.has_failed { span class="warn" { (r.error_rate) } } @else { (r.error_rate) }
            }
            @for (corrected, service) in &r.latency {
                td class="num" { (corrected) br; span class="sub" { (service) } }
            }
        }
        "\n"
    }
}

fn thresholds(rows: &[ThresholdRow]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="load-thresholds" {
                caption { "Thresholds" }
                "\n"
                thead { tr {
                    th scope="col" { "verdict" }
                    th scope="col" { "scope" }
                    th scope="col" { "threshold" }
                    th scope="col" class="num" { "observed" }
                } }
                "\n"
                tbody {
                    "\n"
                    @for t in rows {
                        tr class=[(!t.passed).then_some("row-failed")] {
                            @if t.passed {
                                td class="v-good verdict-word" { "✓ pass" }
                            } @else {
                                td class="v-bad verdict-word" { "✗ FAIL" }
                            }
                            td { (t.scope) }
                            td { code { (t.threshold) } }
                            td class="num" { (t.observed) }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::report::html::render;
    use crate::report::testing::{could_not_start, hostile, overloaded, run_with_loads};

    /// The values of `name="..."` attributes.
    fn attributes<'h>(html: &'h str, name: &str) -> Vec<&'h str> {
        let key = format!(" {name}=\"");
        html.split(key.as_str())
            .skip(1)
            .map(|rest| &rest[..rest.find('"').unwrap()])
            .collect()
    }

    #[test]
    fn a_run_of_load_scenarios_only_renders_them() {
        let run = run_with_loads(vec![overloaded(), could_not_start()]);
        let html = render(&run, None).unwrap();
        // The sections of benches cope with none; the page says where to look.
        assert!(
            html.contains(
                "The run has no benches. It has <a href=\"#loads\">2 load scenarios</a>."
            )
        );
        assert!(!html.contains("id=\"details\"") && !html.contains("id=\"comparisons\""));
        assert!(
            html.contains("✗ 2 load scenarios failed (of 2 load scenarios)."),
            "{html}"
        );
        assert!(html.contains("<h2 id=\"loads-h\">Load scenarios</h2>"));
        assert!(html.contains("<a href=\"#load-1\">misbehave/trap</a>"));
        // Both failed, so both are in the failures, with why.
        assert!(html.contains("<h2 id=\"failures-h\">Failures (2)</h2>"));
        assert!(html.contains("threshold p95 &lt; 100ms (overall) missed: observed 183 ms"));
        assert!(html.contains("wasm trap: unreachable"));
        // A row per phase, then overall; the thresholds' verdicts.
        for phase in ["warm", "ramp", "overload"] {
            assert!(
                html.contains(&format!("</span>{phase}<br><span class=\"sub\">")),
                "{phase}"
            );
        }
        assert!(html.contains("<tr class=\"overall\"><th scope=\"row\">overall<br>"));
        assert_eq!(html.matches("✗ FAIL</td>").count(), 2);
        assert_eq!(html.matches("✓ pass</td>").count(), 2);
        assert!(html.contains("<code>throughput &gt; 500/s</code>"));
        assert!(html.contains("title=\"timeout 380 · trap 20\"><span class=\"warn\">400</span><br><span class=\"sub\">timeout 380</span><br><span class=\"sub\">trap 20</span></td>"));
        // Three charts: the spectrum with its percentile ticks, latency and rates over time with the
        // phases' bands.
        assert_eq!(html.matches("<svg ").count(), 3);
        for tick in ["99.9%", "99.99%"] {
            assert!(html.contains(&format!("\n{tick}\n</text>")), "{tick}");
        }
        assert!(html.contains("\noverload\n</text>"));
        assert!(html.contains("\noverall, service time\n</text>"));
        // Every id once; every link and label points at one.
        let ids = attributes(&html, "id");
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "duplicate ids");
        for href in attributes(&html, "href") {
            assert!(unique.contains(&href[1..]), "link to missing {href}");
        }
        for labels in attributes(&html, "aria-labelledby") {
            for id in labels.split_whitespace() {
                assert!(unique.contains(id), "aria-labelledby {id} has no target");
            }
        }
    }

    #[test]
    fn a_scenario_that_held_is_ok() {
        let mut held = overloaded();
        held.thresholds.retain(|t| t.passed);
        let html = render(&run_with_loads(vec![held]), None).unwrap();
        assert!(html.contains(">✓ All ok: 1 load scenario ran, no threshold missed.</p>"));
        assert!(html.contains("<span class=\"status st-ok\">✓ ok: 2 thresholds held</span>"));
        assert!(!html.contains("id=\"failures\"") && !html.contains("✗ FAIL"));
    }

    #[test]
    fn text_from_results_is_escaped_in_tables_and_charts() {
        let html = render(&run_with_loads(vec![hostile()]), None).unwrap();
        for raw in [
            "<script>alert",
            "<b>warm",
            "<i>ramp",
            "<img src=x>",
            "</pre><img",
            "<40s>",
        ] {
            assert!(!html.contains(raw), "{raw} is not escaped");
        }
        // The id wraps after its `/`: escaped in each piece.
        assert!(html.contains(
            "<code><bdi><span class=\"nb\">&lt;script&gt;alert(1)&lt;/</span><wbr><span class=\"nb\">script&gt;</span></bdi></code>"
        ));
        // In the spectrum's legend, as plotters escapes text.
        assert!(html.contains("&lt;b&gt;warm&lt;/b&gt; &amp; | `x`"));
        assert!(
            html.contains("Aborted early (abort_on_fail): p95 &lt; 200ms failed at &lt;40s&gt;")
        );
        assert_eq!(html.matches("<script").count(), 1);
    }
}
