//! A workload with a known, adjustable amount of work, for measuring how well regression checks
//! detect a change (`scripts/detection-quality.sh`).
//!
//! Building with `WASMBENCH_CALIBRATE_EXTRA_PERCENT=P` makes `spin` do P% more loop iterations
//! than the plain build: the same plugin, deliberately slower by a known amount.

use wasmbench_sdk::{Outcome, Params, Workload};

/// Extra work, in percent, baked in at build time (0 for the workspace's own build).
const EXTRA_PERCENT: u64 =
    wasmbench_sdk::build_percent(option_env!("WASMBENCH_CALIBRATE_EXTRA_PERCENT"));

/// `iterations` (plus the build's extra percent) rounds of a multiply-xorshift mix.
struct Spin {
    rounds: u64,
}

impl Workload for Spin {
    const NAME: &'static str = "spin";
    const DESCRIPTION: &'static str =
        "a tight arithmetic loop of `iterations` rounds (+ the build's extra percent)";
    const UNIT: &'static str = "rounds";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("iterations", "1000000")];

    fn setup(params: &Params) -> Result<Self, String> {
        let base = params.u64("iterations")?;
        Ok(Spin {
            rounds: base + base * EXTRA_PERCENT / 100,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut x = std::hint::black_box(0x9e37_79b9_7f4a_7c15u64);
        for _ in 0..std::hint::black_box(self.rounds) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        }
        // The result is kept (so the loop can't be optimised away) but not in the checksum: variants
        // with extra rounds still "compute the same thing" as far as a group is concerned.
        std::hint::black_box(x);
        Ok(Outcome::new(0, self.rounds))
    }
}

wasmbench_sdk::register!(Spin);
