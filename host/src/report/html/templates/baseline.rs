//! The baseline section: the headline, the ratio chart and the table of changes.

use anyhow::Result;
use maud::{Markup, html};

use super::bench::bench_link;
use super::figure::figure;
use crate::report::html::view::{Baseline, BaselineRow, Exact, MetricCells};

pub(super) fn baseline(b: &Baseline) -> Result<Markup> {
    let chart = b.chart.as_ref().map(figure).transpose()?;
    Ok(html! {
        section id="baseline" aria-labelledby="baseline-h" {
            "\n" h2 id="baseline-h" { "Against the baseline" } "\n"
            p class="lead" {
                code { (b.old_label) } " → " code { (b.new_label) } " (" (b.mode) "): "
                strong { (b.headline) }
                ". A wall-time regression needs the 95% interval of the ratio wholly above 1 and the ratio above 1 + "
                (b.wall_threshold) "; unchanged needs the interval within ±" (b.wall_threshold) ", and anything between is inconclusive; " (b.exact_metrics) " are compared exactly, within "
                (b.exact_thresholds) ". Benches are listed regressions first; a verdict names the metrics that decided it."
            }
            @if let Some(w) = &b.noise_warning { p class="warn" { "⚠ " (w) } }
            @if !b.wall_values.is_empty() { p class="lead" { (b.wall_values) } }
            "\n"
            @if let Some(chart) = chart { (chart) }
            div class="table-wrap" {
                table class="baseline" {
                    "\n"
                    thead { tr {
                        th scope="col" { "bench" }
                        th scope="col" { "verdict" }
                        @for c in &b.columns { th scope="col" { (c) } }
                        th scope="col" { "note" }
                    } }
                    "\n"
                    tbody { "\n" @for row in &b.rows { (baseline_row(row)) } }
                }
            }
            "\n"
            @if !b.loads.is_empty() {
                h3 { "Load scenarios" }
                p class="lead" {
                    "Each metric over every phase, this run ÷ baseline, from the scenarios' rounds (each a fresh worker); an error rate is compared by its difference. With one round a side there is no spread to judge by: the ratio is information, not a verdict (run with "
                    code { "--executions 3" } " or more)."
                }
                div class="table-wrap" {
                    table class="baseline" {
                        thead { tr {
                            th scope="col" { "load scenario" }
                            th scope="col" { "verdict" }
                            @for c in &b.load_columns { th scope="col" { (c) } }
                            th scope="col" { "rounds" }
                        } }
                        "\n"
                        tbody { "\n" @for row in &b.loads {
                            tr {
                                th scope="row" { (row.id) }
                                td class={ (row.verdict.class) " verdict-word" } { (row.verdict.text) }
                                @for (class, text) in &row.cells { td class="num" { span class=(class) { (text) } } }
                                td { (row.basis) }
                            }
                            "\n"
                        } }
                    }
                }
                "\n"
            }
        }
        "\n"
    })
}

fn baseline_row(row: &BaselineRow) -> Markup {
    html! {
        tr {
            th scope="row" {
                @match &row.link {
                    Some(link) => (bench_link(link)),
                    None => (row.id),
                }
            }
            td class={ (row.verdict.class) " verdict-word" } {
                (row.verdict.text)
                @if !row.decided_by.is_empty() { " " span class="sub" { "(" (row.decided_by) ")" } }
            }
            @for cells in &row.metrics { (metric_cells(cells)) }
            td { (row.note) }
        }
        "\n"
    }
}

fn metric_cells(cells: &MetricCells) -> Markup {
    match cells {
        MetricCells::Interval { times, ratio } => html! {
            td class="num" {
                @match times { Some(t) => (t), None => "—" }
            }
            td class="num" {
                @match ratio {
                    Some((verdict, r, interval)) => {
                        span class=(verdict.class) { (r) }
                        @if let Some(i) = interval { " " span class="sub" { (i) } }
                    },
                    None => "—",
                }
            }
        },
        MetricCells::Exact(exact) => html! {
            td class="num" {
                @match exact {
                    None => "—",
                    Some(Exact::Unchanged(text)) => span class="v-same" { (text) },
                    Some(Exact::Changed { class, ratio, old, new }) => {
                        span class=(class) { (ratio) }
                        br;
                        span class="sub" { (old) " → " (new) }
                    },
                }
            }
        },
    }
}
