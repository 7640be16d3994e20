//! A plugin whose workload list is ambiguous: it lists workload `twice` two times (two types with
//! the same name, returning different checksums) beside one ordinary workload, `once`. The host
//! fails the benches that name `twice` and runs `once`.

use wasmbench_sdk::{Outcome, Params, Workload};

/// The first workload named `twice`.
struct First;

impl Workload for First {
    const NAME: &'static str = "twice";
    const DESCRIPTION: &'static str = "listed first under this name (checksum 1)";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(First)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(1, 1))
    }
}

/// The second workload named `twice`.
struct Second;

impl Workload for Second {
    const NAME: &'static str = "twice";
    const DESCRIPTION: &'static str = "listed second under the same name (checksum 2)";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Second)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(2, 1))
    }
}

/// An ordinary workload beside them.
struct Once;

impl Workload for Once {
    const NAME: &'static str = "once";
    const DESCRIPTION: &'static str = "listed once (checksum 3)";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Once)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(3, 1))
    }
}

wasmbench_sdk::register!(First, Second, Once);
