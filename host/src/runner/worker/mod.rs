//! Worker processes: the timed pass runs in a child process of the harness (the same binary, as
//! `wasmbench __worker`), on the uninstrumented engine. The supervisor sends one [`Job`] (an
//! execution of one bench, or of both sides of an A/B bench) on the child's stdin and reads
//! [`Event`]s, one JSON line each, from its stdout. Each call into the guest is announced by a
//! [`Event::Begin`] line before it starts; a worker that stays silent past the call's deadline is
//! killed, so a runaway guest needs no instrumentation to be stopped.

mod child;
mod protocol;
mod supervisor;

pub use crate::runner::process::SUBCOMMAND;
pub use child::serve;
pub use protocol::{Event, Job, Sample, SideJob};
pub(super) use supervisor::{Execution, SideRecord, execute};
