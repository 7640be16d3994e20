//! The summary table and the failures section.

use maud::{Markup, html};

use super::bench_link;
use crate::report::format::plural;
use crate::report::html::view::{Failure, Page, SummaryRow};

const HEADERS: [&str; 7] = [
    "bench",
    "group",
    "status",
    "median wall time",
    "throughput",
    "fuel / iteration",
    "peak memory",
];

pub(super) fn summary(page: &Page) -> Markup {
    html! {
        section id="summary" aria-labelledby="summary-h" {
            "\n" h2 id="summary-h" { "Summary" } "\n"
            @match &page.summary {
                None => {
                    p {
                        "The run has no benches."
                        @if !page.loads.is_empty() {
                            " It has " a href="#loads" { (plural(page.loads.len(), "load scenario", "load scenarios")) } "."
                        }
                    }
                    "\n"
                }
                Some(rows) => {
                    p class="lead" {
                        "Every bench of the run. Wall time is the median of the timed iterations of every execution (a fresh process each) with its 95% confidence interval, and what it rests on; throughput is at the median. Click a column title to sort."
                    }
                    "\n"
                    div class="table-wrap" {
                        table class="summary sortable" id="summary-table" {
                            "\n"
                            thead { tr {
                                @for h in HEADERS { th scope="col" { button type="button" { (h) } } }
                                @if page.compared { th scope="col" { button type="button" { "vs baseline" } } }
                            } }
                            "\n"
                            tbody { "\n" @for row in rows { (summary_row(row)) } }
                        }
                    }
                    "\n"
                }
            }
        }
        "\n"
    }
}

/// A dash for a number the bench doesn't have; the empty sort value puts it last.
fn no_number() -> Markup {
    html! { td class="num" data-v="" { "—" } }
}

fn summary_row(row: &SummaryRow) -> Markup {
    html! {
        tr class=[row.failed.then_some("row-failed")] {
            th scope="row" { (bench_link(&row.bench)) }
            td {
                @match &row.group {
                    Some((g, name)) => a href={ "#group-" (g) } { (name) },
                    None => "—",
                }
            }
            td class={ "status " (row.status.class) } data-v=(row.status.order) { (row.status.text) }
            @match &row.wall {
                Some(w) => td class="num" data-v=(w.median) {
                    (w.text)
                    @if w.noisy {
                        " " span class="tag" title="the median's 95% interval is wider than 10% of it" { "≈ noisy" }
                    }
                    br;
                    span class="sub" title="95% confidence interval of the median" { "CI " (w.interval) }
                    br;
                    span class="sub" title="what the median rests on" { (w.rests_on) }
                },
                None => (no_number()),
            }
            @match &row.throughput {
                Some(t) => td class="num" data-v=(t.per_second) {
                    (t.text)
                    @if let Some(p) = &t.parallel { br; span class="sub" { (p) } }
                },
                None => (no_number()),
            }
            @match &row.fuel {
                Some((value, text)) => td class="num" data-v=(value) { (text) },
                None => (no_number()),
            }
            @match &row.memory {
                Some(m) => td class="num" data-v=(m.peak) {
                    (m.text)
                    @if let Some(leak) = &m.leak { br; span class="warn" { (leak) } }
                },
                None => (no_number()),
            }
            @match &row.change {
                None => {},
                Some(None) => td data-v="" { "—" },
                Some(Some(c)) => td class="change" data-v=(c.sort) {
                    span class={ (c.verdict.class) " verdict-word" } { (c.verdict.text) }
                    @if !c.decided_by.is_empty() { " " span class="sub" { "(" (c.decided_by) ")" } }
                    @if !c.lines.is_empty() {
                        br;
                        span class="sub" {
                            @for (k, line) in c.lines.iter().enumerate() {
                                @if k > 0 { br; }
                                span class=(line.class) { (line.ratio) } (line.rest)
                            }
                        }
                    }
                },
            }
        }
        "\n"
    }
}

pub(super) fn failures(failures: &[Failure]) -> Markup {
    if failures.is_empty() {
        return html! {};
    }
    html! {
        section id="failures" aria-labelledby="failures-h" {
            "\n" h2 id="failures-h" { "Failures (" (failures.len()) ")" } "\n"
            p class="lead" { "Benches that did not end with the status the suite expected, and load scenarios that did not run their phases or missed a threshold." } "\n"
            @for f in failures {
                article class="failure" {
                    h3 {
                        a href={ "#" (f.anchor) } { (f.id) } " "
                        span class={ "status " (f.status.class) } { (f.status.text) }
                    }
                    @match &f.message {
                        Some(m) => pre { (m) },
                        None => p { "No message." },
                    }
                }
                "\n"
            }
        }
        "\n"
    }
}
