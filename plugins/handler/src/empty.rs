//! `empty`: a request that costs nothing, so a load test measures the harness's own ceiling.

use wasmbench_sdk::{Outcome, Params, Workload};

pub(crate) struct Empty;

impl Workload for Empty {
    const NAME: &'static str = "empty";
    const DESCRIPTION: &'static str = "one request per run that returns at once (the harness's own ceiling: its highest arrival rate)";
    const UNIT: &'static str = "requests";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Empty)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(0, 1))
    }
}
