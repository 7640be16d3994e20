//! The executions section: per bench, a strip with one dot per execution's median on an axis shared
//! by every bench (the change from the bench's median of medians), the executions that stand apart
//! drawn hollow and red and named in words beside it. Each dot's tooltip is an SVG `<title>` with a
//! class, told apart from the document's one `<title>`.

use maud::{Markup, html};

use super::bench::bench_link;
use crate::report::html::view::executions::{ExecutionRow, ExecutionsView, STRIP_WIDTH};

/// Height of a bench's strip and of the axis, in SVG units.
const STRIP_HEIGHT: f64 = 22.0;
const AXIS_HEIGHT: f64 = 18.0;
const APART_COLOR: &str = "#c62828";
const DOT_COLOR: &str = "#37474f";

pub(super) fn executions(v: &ExecutionsView) -> Markup {
    html! {
        section id="executions" aria-labelledby="executions-h" {
            "\n" h2 id="executions-h" { "Executions" } "\n"
            p class="lead" {
                "Each execution is a fresh worker process. A dot is one execution's median wall time, placed by how far it is from the median of its bench's execution medians (0%). "
                "An execution stands apart (hollow, red, numbered and named below its strip) when its distance from that median is an outlier among the executions' (modified z-score above 3.5), more than three times the spread within an execution (MAD) and at least 5%; "
                "it takes " (crate::analysis::executions::MIN_EXECUTIONS) " executions to judge ("
                (v.judged) " of these benches have them)."
            }
            "\n"
            div class="table-wrap" {
                table class="executions" {
                    "\n"
                    thead { tr {
                        th scope="col" { "bench" }
                        th scope="col" { (axis(v)) }
                    } }
                    "\n"
                    tbody {
                        "\n"
                        @for row in &v.rows {
                            tr {
                                th scope="row" { (bench_link(&row.bench)) }
                                td { (strip(v, row)) }
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

/// The strips' shared axis: change from the median of execution medians.
fn axis(v: &ExecutionsView) -> Markup {
    let w = STRIP_WIDTH;
    html! {
        figure class="strip-axis" {
            svg width=(w) height=(AXIS_HEIGHT) viewBox={ "0 0 " (w) " " (AXIS_HEIGHT) }
                xmlns="http://www.w3.org/2000/svg" role="img"
                aria-labelledby="executions-axis-t executions-axis-d" {
                title id="executions-axis-t" { "Axis of the executions' strips" }
                desc id="executions-axis-d" {
                    "Change from the bench's median of execution medians, from "
                    (v.ticks.first().map_or("", |t| t.1.as_str())) " to "
                    (v.ticks.last().map_or("", |t| t.1.as_str()))
                }
                line x1="0" x2=(w) y1="17" y2="17" stroke="#90a4ae" {}
                @for (x, label) in &v.ticks {
                    line x1=(x) x2=(x) y1="13" y2="17" stroke="#90a4ae" {}
                    text x=(x) y="10" text-anchor="middle" font-size="10" fill="#3b4148" { (label) }
                }
            }
            figcaption { "each execution's median, as a change from its bench's median of medians" }
        }
    }
}

/// One bench's strip: a dot per execution, those that stand apart hollow, red and numbered.
fn strip(v: &ExecutionsView, row: &ExecutionRow) -> Markup {
    let w = STRIP_WIDTH;
    let id = format!("executions-{}", row.bench.index);
    html! {
        figure class="strip" {
            svg width=(w) height=(STRIP_HEIGHT) viewBox={ "0 0 " (w) " " (STRIP_HEIGHT) }
                xmlns="http://www.w3.org/2000/svg" role="img"
                aria-labelledby={ (id) "-t " (id) "-d" } {
                title id={ (id) "-t" } { "Executions of " (row.bench.id) }
                desc id={ (id) "-d" } { (row.medians) }
                line x1=(v.zero) x2=(v.zero) y1="2" y2=(STRIP_HEIGHT - 2.0) stroke="#cfd8dc" {}
                @for dot in &row.dots {
                    @if dot.apart {
                        circle cx=(dot.x) cy=(STRIP_HEIGHT / 2.0) r="5" fill="none" stroke=(APART_COLOR) stroke-width="2" {
                            title class="execution" { (dot.title) " — stands apart" }
                        }
                        @let (lx, anchor) = if dot.x > STRIP_WIDTH - 24.0 { (dot.x - 7.0, "end") } else { (dot.x + 7.0, "start") };
                        text x=(lx) y=(STRIP_HEIGHT / 2.0 + 4.0) text-anchor=(anchor) font-size="11" fill=(APART_COLOR) { (dot.number) }
                    } @else {
                        circle cx=(dot.x) cy=(STRIP_HEIGHT / 2.0) r="4" fill=(DOT_COLOR) fill-opacity="0.6" {
                            title class="execution" { (dot.title) }
                        }
                    }
                }
            }
            figcaption {
                (row.medians)
                @for note in &row.notes {
                    br;
                    span class="warn" { "⚠ " (note) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::executions::{samples_around as around, test_bench};
    use crate::report::html::view::Page;

    /// The page places the section before the details: a strip per bench with a dot per execution,
    /// the one that stands apart drawn apart and named in words.
    #[test]
    fn the_page_shows_a_dot_per_execution_and_names_the_one_apart() {
        let mut run = crate::report::testing::run_with_loads(Vec::new());
        run.benches = vec![
            test_bench("cpu/fib", &[&around(0.85), &around(1.12), &around(0.85)]),
            test_bench("steady", &[&around(1.0), &around(1.0), &around(1.0)]),
        ];
        let html = super::super::page(&Page::new(&run, None)).unwrap();
        let start = html
            .find("<section id=\"executions\"")
            .expect("the section");
        let end = start + html[start..].find("</section>").unwrap();
        let section = &html[start..end];
        assert!(end < html.find("<section id=\"details\"").unwrap());
        assert_eq!(section.matches("<circle").count(), 6, "{section}");
        assert_eq!(section.matches("fill=\"none\"").count(), 1, "{section}");
        assert!(section.contains("execution 2: 1.12 ms, +31.8% from the bench"));
        assert!(section.contains(
            "⚠ execution 2 of 3 ran 32% slower than the others (median 1.12 ms vs 850 µs)"
        ));
        assert!(section.contains("(2 of these benches have them)"));

        // One execution per bench: nothing to show.
        run.benches = vec![test_bench("once", &[&around(1.0)])];
        let html = super::super::page(&Page::new(&run, None)).unwrap();
        assert!(!html.contains("id=\"executions\""));
    }
}
