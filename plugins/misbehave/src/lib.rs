//! Workloads that misbehave on purpose, so tests can prove the harness contains them: endless loops,
//! traps, panics, failing setup, unbounded memory growth, blocking host calls, absurd work counts;
//! and `noop`, whose cost is the harness's own per-iteration overhead.

use wasmbench_sdk::{Outcome, Params, Workload};

/// Does nothing: measures the harness's per-iteration overhead.
struct Noop;

impl Workload for Noop {
    const NAME: &'static str = "noop";
    const DESCRIPTION: &'static str = "return at once (measures per-iteration harness overhead)";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Noop)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(0, 1))
    }
}

/// Loops forever without a host call.
struct Spin;

impl Workload for Spin {
    const NAME: &'static str = "spin";
    const DESCRIPTION: &'static str = "loop forever in guest code";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Spin)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut x = 0u64;
        loop {
            x = std::hint::black_box(x.wrapping_add(1));
        }
    }
}

/// Returns at once for the first `after` iterations of an instance, then loops forever: passes
/// the short counting pass and hangs in the timed pass, where only the worker supervisor can stop it.
struct SpinLater {
    after: u64,
    done: u64,
}

impl Workload for SpinLater {
    const NAME: &'static str = "spin-later";
    const DESCRIPTION: &'static str =
        "return at once `after` times, then loop forever in guest code";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("after", "1")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(SpinLater {
            after: params.u64("after")?,
            done: 0,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        if self.done < self.after {
            self.done += 1;
            return Ok(Outcome::new(0, 1));
        }
        let mut x = 0u64;
        loop {
            x = std::hint::black_box(x.wrapping_add(1));
        }
    }
}

/// Executes `unreachable` after some nested calls, so the backtrace has frames.
struct Trap;

#[inline(never)]
fn trap_inner(depth: u32) -> u64 {
    if depth == 0 {
        core::arch::wasm32::unreachable()
    }
    std::hint::black_box(trap_inner(depth - 1)) + 1
}

impl Workload for Trap {
    const NAME: &'static str = "trap";
    const DESCRIPTION: &'static str = "execute `unreachable` in run";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Trap)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(trap_inner(std::hint::black_box(3)), 1))
    }
}

/// Panics in `run` (a Rust panic aborts the guest: a trap with the message on stderr).
struct Panic;

impl Workload for Panic {
    const NAME: &'static str = "panic";
    const DESCRIPTION: &'static str = "panic in run";

    fn setup(_: &Params) -> Result<Self, String> {
        Ok(Panic)
    }

    fn run(&mut self) -> Result<Outcome, String> {
        panic!("misbehave/panic panicked on purpose")
    }
}

/// Fails in `setup` with an error message.
struct SetupError;

impl Workload for SetupError {
    const NAME: &'static str = "setup-error";
    const DESCRIPTION: &'static str = "return an error from setup";

    fn setup(_: &Params) -> Result<Self, String> {
        Err("misbehave/setup-error refuses to set up".into())
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(0, 1))
    }
}

/// Allocates `bytes` every iteration and keeps it: memory grows without bound.
struct Grow {
    bytes: usize,
    kept: Vec<Vec<u8>>,
}

impl Workload for Grow {
    const NAME: &'static str = "grow";
    const DESCRIPTION: &'static str = "allocate and keep `bytes` per iteration (a memory bomb)";
    const UNIT: &'static str = "bytes";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("bytes", "1 MiB")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Grow {
            bytes: params.bytes("bytes")? as usize,
            kept: Vec::new(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        // Touch every page so the allocation is real.
        self.kept.push(vec![1; self.bytes]);
        Ok(Outcome::new(self.kept.len() as u64, self.bytes as u64))
    }
}

/// Sleeps in a host call (WASI clocks): epoch interruption can't stop a guest parked in the host.
struct Sleep {
    millis: u64,
}

impl Workload for Sleep {
    const NAME: &'static str = "sleep";
    const DESCRIPTION: &'static str = "sleep `ms` milliseconds in a host call per iteration";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("ms", "10")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Sleep {
            millis: params.u64("ms")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        std::thread::sleep(std::time::Duration::from_millis(self.millis));
        Ok(Outcome::new(self.millis, 1))
    }
}

/// Does nothing but claim `units` units of work per iteration: a broken count (e.g. `u64::MAX / 2`)
/// whose sums over iterations and instances don't fit in a u64.
struct Overcount {
    units: u64,
}

impl Workload for Overcount {
    const NAME: &'static str = "overcount";
    const DESCRIPTION: &'static str =
        "return at once, reporting `units` units of work per iteration";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("units", "1")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Overcount {
            units: params.u64("units")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(0, self.units))
    }
}

wasmbench_sdk::register!(
    Noop, Spin, SpinLater, Trap, Panic, SetupError, Grow, Sleep, Overcount
);
