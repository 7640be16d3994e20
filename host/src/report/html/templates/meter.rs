//! A hit ratio as a small meter beside its percentage.

use maud::{Markup, html};

/// A hit ratio as a small meter and a percentage, or a dash without data.
pub(super) fn ratio_cell(ratio: Option<f64>) -> Markup {
    match ratio {
        Some(r) => html! {
            span class="meter" aria-hidden="true" {
                span style={ "width:" (crate::report::format::percent_one_decimal(r)) } {}
            }
            " " (crate::report::format::percent_one_decimal(r))
        },
        None => html! { "—" },
    }
}
