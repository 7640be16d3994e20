//! A bench's collapsible section in the bench details.

use anyhow::Result;
use maud::{Markup, PreEscaped, html};

use super::bench::{BenchId, swatch};
use super::figure::figure;
use super::groups::counter_value;
use super::meter::ratio_cell;
use crate::report::format;
use crate::report::html::view::{CounterTable, Detail, Fact, Piece};

pub(super) fn detail(d: &Detail) -> Result<Markup> {
    let figures = d.figures.iter().map(figure).collect::<Result<Vec<_>>>()?;
    Ok(html! {
        details class="bench" id={ "bench-" (d.bench.index) } open[d.open] {
            summary {
                (swatch(&d.bench.color))
                span class={ "status " (d.status.class) } { (d.status.text) }
                " " code { (BenchId(&d.bench.id)) } (d.median)
            }
            "\n"
            @if let Some(m) = &d.message { pre class="message" { (m) } "\n" }
            dl class="facts" { @for f in &d.facts { (fact(f)) } }
            "\n"
            @if !figures.is_empty() {
                div class="charts small" { "\n" @for f in figures { (f) } }
                "\n"
            }
            @if let Some(t) = &d.counters { (counters(t)) }
            @if !d.host_groups.is_empty() { (host_groups(&d.host_groups)) }
            @if !d.plans.is_empty() { (plans(&d.plans)) }
            @if let Some(svg) = &d.profile { (profile(svg, &d.bench.id)) }
        }
        "\n"
    })
}

pub(super) fn fact(f: &Fact) -> Markup {
    html! {
        div {
            dt { (f.term) }
            dd {
                @for piece in &f.pieces {
                    @match piece {
                        Piece::Text(text) => (text),
                        Piece::Code(text) => code { (text) },
                        Piece::Warn(text) => span class="warn" { (text) },
                        Piece::Group(g, name) => a href={ "#group-" (g) } { (name) },
                    }
                }
            }
        }
    }
}

/// The bench's flamegraph from its profiling pass.
fn profile(svg: &str, id: &str) -> Markup {
    let name = crate::report::flamegraph::profile_name(id);
    html! {
        figure class="wide profile" {
            "\n"
            // The flamegraph, made inert by `report::flamegraph::inert` (no script, handler,
            // link or style; ids prefixed): the page's one raw insertion besides charts.
            (PreEscaped(svg))
            "\n"
            figcaption {
                "Guest profile (a separate profiling pass, not the timed one): a frame's width is the time spent in it and its callees, "
                code { "[host]" } " is time in host calls; hover a frame for its time. "
                code { "profiles/" (name) ".profile.json" } " opens in profiler.firefox.com."
            }
        }
        "\n"
    }
}

/// Where the host time went: calls, bytes and time per import group.
fn host_groups(rows: &[[String; 5]]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="host-calls" {
                caption { "Host calls per import group (counting pass, medians per iteration)" }
                "\n"
                thead { tr { @for h in format::HOST_GROUP_HEADER { th scope="col" { (h) } } } }
                "\n"
                tbody {
                    "\n"
                    @for row in rows {
                        tr {
                            th scope="row" { code { (row[0]) } }
                            @for cell in &row[1..] { td class="num" { (cell) } }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// How SQLite ran each distinct statement: the evidence behind a database lesson.
fn plans(plans: &[(String, String)]) -> Markup {
    html! {
        div class="table-wrap" {
            table class="plans" {
                caption { "Query plans (" code { "EXPLAIN QUERY PLAN" } ", counting pass)" }
                "\n"
                thead { tr { th scope="col" { "statement" } th scope="col" { "plan" } } }
                "\n"
                tbody {
                    "\n"
                    @for (sql, plan) in plans {
                        tr {
                            td { code { (sql) } }
                            td { pre { (plan) } }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}

/// One bench's counters: a single column.
fn counters(t: &CounterTable) -> Markup {
    html! {
        div class="table-wrap" {
            table class="counters" {
                caption { "Counters: " (t.what) }
                "\n"
                tbody {
                    "\n"
                    @for (label, cells) in &t.ratios {
                        tr class="ratio" {
                            th scope="row" { (label) " hit ratio" }
                            td class="num" { (ratio_cell(cells[0])) }
                        }
                        "\n"
                    }
                    @for (name, cells) in &t.counters {
                        tr {
                            th scope="row" { code { (name) } }
                            td class="num" { (counter_value(cells[0].as_ref())) }
                        }
                        "\n"
                    }
                }
            }
        }
        "\n"
    }
}
