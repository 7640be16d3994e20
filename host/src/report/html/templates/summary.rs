//! The summary table and the failures section.

use maud::{Markup, html};

use super::bench::bench_link;
use crate::report::format::plural;
use crate::report::html::view::{Failure, MetricCell, Page, SummaryRow, metric_titles};

/// The column titles: the bench, then its metrics (the sampled ones, the throughput at their
/// median, the counted ones; see [`metric_titles`]).
fn headers() -> Vec<String> {
    let (sampled, counted) = metric_titles();
    ["bench", "group", "status"]
        .map(String::from)
        .into_iter()
        .chain(sampled)
        .chain(["throughput".to_string()])
        .chain(counted)
        .collect()
}

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
                                @for h in headers() { th scope="col" { button type="button" { (h) } } }
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
            @for cell in &row.sampled { (metric_cell(cell.as_ref())) }
            @match &row.throughput {
                Some(t) => td class="num" data-v=(t.per_second) {
                    (t.text)
                    @if let Some(p) = &t.parallel { br; span class="sub" { (p) } }
                },
                None => (no_number()),
            }
            @for cell in &row.counted { (metric_cell(cell.as_ref())) }
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

/// A metric's value: the number with its tag, the lines under it, and its warning.
fn metric_cell(cell: Option<&MetricCell>) -> Markup {
    let Some(cell) = cell else {
        return no_number();
    };
    html! {
        td class="num" data-v=(cell.sort) {
            (cell.text)
            @if cell.noisy {
                " " span class="tag" title="the median's 95% interval is wider than 10% of it" { "≈ noisy" }
            }
            @for (title, line) in &cell.lines { br; span class="sub" title=(title) { (line) } }
            @if let Some(warn) = &cell.warn { br; span class="warn" { (warn) } }
        }
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
