//! A group's section in the comparisons: its legend, charts and counters.

use anyhow::Result;
use maud::{Markup, html};

use super::bench::{bench_link, swatch};
use super::figure::figure;
use super::meter::ratio_cell;
use crate::report::html::view::{
    CounterTable, CounterValue, GroupSection, LoadGroupTable, RelativeSet,
};

pub(super) fn group(g: &GroupSection) -> Result<Markup> {
    let figures = g.figures.iter().map(figure).collect::<Result<Vec<_>>>()?;
    Ok(html! {
        section class="group" id={ "group-" (g.index) } aria-labelledby={ "group-" (g.index) "-h" } {
            "\n"
            h3 id={ "group-" (g.index) "-h" } {
                @match &g.name {
                    Some(name) => { "Group " code { (name) } },
                    None => "Benches without a group",
                }
                " " span class="count" { (g.count) }
            }
            "\n"
            ul class="legend" aria-label="Colours" {
                @for item in &g.legend {
                    li {
                        (bench_link(&item.bench))
                        @if let Some(s) = &item.status {
                            " " span class={ "status " (s.class) } { (s.text) }
                        }
                    }
                }
            }
            "\n"
            div class="charts" { "\n" @for f in figures { (f) } }
            "\n"
            @for set in &g.relative { (relative(set)?) }
            @if let Some(t) = &g.counters { (counters(t)) }
        }
        "\n"
    })
}

/// A set of comparable benches against its reference: sentence per bench, values, ratio chart.
fn relative(set: &RelativeSet) -> Result<Markup> {
    let chart = set.figure.as_ref().map(figure).transpose()?;
    Ok(html! {
        div class="relative" {
            "\n"
            h4 { "Relative: " (set.heading) }
            "\n"
            div class="table-wrap" {
                table class="relative" {
                    "\n"
                    thead { tr {
                        th scope="col" { "bench" }
                        th scope="col" { "wall time" br; span class="sub" { "(" (set.statistic) ")" } }
                        th scope="col" { "÷ reference [95% CI]" }
                        th scope="col" { "in words" }
                        @for metric in &set.beside {
                            th scope="col" { (metric) " ÷ reference" }
                        }
                        th scope="col" { "in the host per iteration" br; span class="sub" { "(host calls: the sandbox's work and any wait in them)" } }
                    } }
                    "\n"
                    tbody {
                        "\n"
                        @for row in &set.rows {
                            tr class=[row.reference.then_some("reference")] {
                                th scope="row" { (bench_link(&row.bench)) }
                                td class="num" { (row.wall) }
                                td class="num" {
                                    (row.ratio)
                                    @if !row.interval.is_empty() { " " span class="sub" { (row.interval) } }
                                }
                                td { (row.words) }
                                @for cell in &row.beside {
                                    td class="num" { (cell) }
                                }
                                td { (row.host) }
                            }
                            "\n"
                        }
                    }
                }
            }
            "\n"
            @if let Some(chart) = chart { div class="charts" { (chart) } }
        }
        "\n"
    })
}

/// Groups of load scenarios, each against its reference: corrected p50 and p99 ratios.
pub(super) fn load_groups(tables: &[LoadGroupTable]) -> Markup {
    html! {
        @for t in tables {
            section class="load-group" aria-label={ "Load group " (t.group) } {
                "\n"
                h3 { "Load group " code { (t.group) } ": " (t.heading) }
                p class="lead" { "Corrected latency over the whole scenario, each ÷ the reference's. One run of each scenario: no interval." }
                div class="table-wrap" {
                    table class="relative" {
                        thead { tr {
                            th scope="col" { "scenario" }
                            @for metric in &t.metrics {
                                th scope="col" { (metric) " ÷ reference" }
                            }
                        } }
                        tbody {
                            @for (k, (index, id, cells)) in t.rows.iter().enumerate() {
                                tr class=[(k == 0).then_some("reference")] {
                                    th scope="row" { a href={ "#load-" (index) } { (id) } }
                                    @for cell in cells {
                                        td class="num" { (cell) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            "\n"
        }
    }
}

/// A group's counters: one column per bench.
fn counters(t: &CounterTable) -> Markup {
    html! {
        details class="counters" open {
            summary { "Counters: " (t.what) ", with hit ratios" }
            div class="table-wrap" {
                table class="counters" {
                    "\n"
                    thead { tr {
                        th scope="col" { "counter" }
                        @for b in &t.columns { th scope="col" { (swatch(&b.color)) (b.id) } }
                    } }
                    "\n"
                    tbody {
                        "\n"
                        @for (label, cells) in &t.ratios {
                            tr class="ratio" {
                                th scope="row" { (label) " hit ratio" }
                                @for r in cells { td class="num" { (ratio_cell(*r)) } }
                            }
                            "\n"
                        }
                        @for (name, cells) in &t.counters {
                            tr {
                                th scope="row" { code { (name) } }
                                @for v in cells { td class="num" { (counter_value(v.as_ref())) } }
                            }
                            "\n"
                        }
                    }
                }
            }
        }
        "\n"
    }
}

/// A counter's value in human units with the exact value on hover, or exact; a dash when absent.
pub(super) fn counter_value(value: Option<&CounterValue>) -> Markup {
    match value {
        None => html! { "—" },
        Some(CounterValue {
            exact,
            human: Some(human),
        }) => html! { span title=(exact) { (human) } },
        Some(CounterValue { exact, human: None }) => html! { (exact) },
    }
}
