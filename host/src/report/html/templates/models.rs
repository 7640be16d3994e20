//! The models section: each bench whose suite predicts its wall time (`model = "..."`), the
//! measured median beside the prediction and how far apart they are.

use maud::{Markup, html};

use super::bench::bench_link;
use crate::report::html::view::ModelRowView;

pub(super) fn models(rows: &[ModelRowView], fixture_note: Option<&str>) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    html! {
        section id="models" aria-labelledby="models-h" {
            "\n" h2 id="models-h" { "Models" } "\n"
            p class="lead" {
                "What each lesson predicts, as the suite's " code { "model" } " computes it from the bench's parameters, beside "
                (crate::report::models::MEASURED) " (the summary's median). The deviation is measured ÷ predicted − 1: what the harness, the host and the machine add to the lesson's ideal."
            }
            "\n"
            div class="table-wrap" {
                table class="models" {
                    "\n"
                    thead { tr {
                        th scope="col" { "bench" }
                        th scope="col" class="num" { "measured" }
                        th scope="col" class="num" { "predicted" }
                        th scope="col" { "model" }
                        th scope="col" class="num" { "deviation" }
                    } }
                    "\n"
                    tbody {
                        @for row in rows {
                            tr {
                                th scope="row" { (bench_link(&row.bench)) }
                                td class="num" { (row.measured) }
                                td class="num" { (row.predicted) }
                                td { code { (row.expression) } }
                                td class="num" { (row.deviation) }
                            }
                            "\n"
                        }
                    }
                }
            }
            @if let Some(note) = fixture_note {
                "\n" p class="note" { (note) "." }
            }
        }
        "\n"
    }
}
