//! Text meant to act instead of show: every name, description, unit, parameter, counter name, error
//! and line of stderr carries terminal escape sequences (clear screen, colour, window title, a
//! hyperlink), BEL, a C1 CSI, a carriage return, a line break, a Markdown heading, a table pipe, a
//! backtick, an HTML comment opener and bidi overrides. The host must show all of it inert in every
//! output (`host/tests/it/containment/inert_text.rs`).

use std::io::Write;

use wasmbench_sdk::{Outcome, Params, Workload};

/// `$label` followed by the hostile text.
macro_rules! hostile {
    ($label:literal) => {
        concat!(
            $label,
            "\x1b[2J\x1b[31m\x1b]0;pwned\x07\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\",
            "\x07\u{9b}31m\r\n# heading | cell `code` <!-- hidden \u{202e}desrever\u{2066}x\u{2069}"
        )
    };
}

/// Writes the hostile text to stderr (the host keeps its tail for failure messages).
fn chatter() {
    let _ = writeln!(std::io::stderr(), "{}", hostile!("stderr"));
}

/// Succeeds, with a hostile name, description, unit, parameter and counter name.
pub(crate) struct TextOk;

impl Workload for TextOk {
    const NAME: &'static str = hostile!("text-ok");
    const DESCRIPTION: &'static str = hostile!("description");
    const UNIT: &'static str = hostile!("unit");
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[(hostile!("param"), hostile!("value"))];

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(TextOk)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        chatter();
        Ok(Outcome::new(1, 1).counter(hostile!("counter"), 1))
    }
}

/// Fails with a hostile error string.
pub(crate) struct TextError;

impl Workload for TextError {
    const NAME: &'static str = hostile!("text-error");
    const DESCRIPTION: &'static str = hostile!("description");

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(TextError)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        chatter();
        Err(hostile!("error").into())
    }
}

/// Panics (a trap) after writing hostile stderr, with a hostile panic message.
pub(crate) struct TextPanic;

impl Workload for TextPanic {
    const NAME: &'static str = hostile!("text-panic");
    const DESCRIPTION: &'static str = hostile!("description");

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(TextPanic)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        chatter();
        panic!("{}", hostile!("panic"));
    }
}
