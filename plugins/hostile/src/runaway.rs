//! Runaway guest code: endless `setup`, memory bombs and huge allocations, stack overflows, traps and
//! panics.

use wasmbench_sdk::{Outcome, Params, Workload};

/// Never returns from `setup`: spins in guest code (`mode = "spin"`, stopped by fuel or the epoch
/// deadline) or sleeps in a host call (`mode = "sleep"`, stopped by the host-side timeout).
pub(crate) struct SlowSetup;

impl Workload for SlowSetup {
    const NAME: &'static str = "slow-setup";
    const DESCRIPTION: &'static str =
        "never finish setup (spin in guest code, or sleep `ms` in a host call)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("mode", "spin"), ("ms", "60000")];

    fn setup(params: &Params) -> Result<Self, String> {
        match params.str("mode")? {
            "spin" => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_millis(params.u64("ms")?));
                Ok(SlowSetup)
            }
            other => Err(format!("unknown mode `{other}` (spin, sleep)")),
        }
    }

    fn run(&mut self) -> Result<Outcome, String> {
        Ok(Outcome::new(0, 1))
    }
}

/// Grows memory without end inside one iteration: `memory.grow` by `pages` at a time
/// (`mode = "grow"`), or a `Vec` of 1 MiB buffers that is pushed to forever (`mode = "vec"`).
pub(crate) struct MemoryBomb {
    mode: String,
    pages: usize,
}

impl Workload for MemoryBomb {
    const NAME: &'static str = "memory-bomb";
    const DESCRIPTION: &'static str = "grow linear memory in a loop until something stops it";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("mode", "grow"), ("pages", "16")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(MemoryBomb {
            mode: params.str("mode")?.to_string(),
            pages: params.usize("pages")?,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let mut grown = 0u64;
        match self.mode.as_str() {
            "grow" => loop {
                if core::arch::wasm32::memory_grow(0, self.pages) == usize::MAX {
                    return Err(format!(
                        "memory.grow failed (returned -1) after {grown} pages: the guest was not stopped"
                    ));
                }
                grown += self.pages as u64;
            },
            "vec" => {
                let mut kept: Vec<Vec<u8>> = Vec::new();
                loop {
                    kept.push(vec![1; 1 << 20]);
                    std::hint::black_box(&kept);
                }
            }
            other => Err(format!("unknown mode `{other}` (grow, vec)")),
        }
    }
}

/// One huge allocation: `memory.grow` by `pages` at once (`mode = "grow"`; 60000 pages ≈ 3.7 GiB),
/// or a `Vec` of `bytes` (`mode = "vec"`).
pub(crate) struct HugeAlloc {
    mode: String,
    pages: usize,
    bytes: usize,
}

impl Workload for HugeAlloc {
    const NAME: &'static str = "huge-alloc";
    const DESCRIPTION: &'static str =
        "allocate one enormous block (memory.grow by `pages`, or a Vec of `bytes`)";
    const PARAMS: &'static [(&'static str, &'static str)] =
        &[("mode", "grow"), ("pages", "60000"), ("bytes", "1 GiB")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(HugeAlloc {
            mode: params.str("mode")?.to_string(),
            pages: params.usize("pages")?,
            bytes: params.bytes("bytes")? as usize,
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        match self.mode.as_str() {
            "grow" => {
                let old = core::arch::wasm32::memory_grow(0, self.pages);
                if old == usize::MAX {
                    return Err(format!(
                        "memory.grow by {} pages failed (returned -1): the guest was not stopped",
                        self.pages
                    ));
                }
                Ok(Outcome::new(old as u64, self.pages as u64))
            }
            "vec" => {
                let block = vec![1u8; self.bytes];
                Ok(Outcome::new(
                    std::hint::black_box(&block)
                        .iter()
                        .step_by(4096)
                        .map(|&b| u64::from(b))
                        .sum(),
                    1,
                ))
            }
            other => Err(format!("unknown mode `{other}` (grow, vec)")),
        }
    }
}

/// Recurses without end: on the wasm call stack (`mode = "native"`), or with a 1 KiB buffer per
/// frame on Rust's shadow stack in linear memory (`mode = "shadow"`).
pub(crate) struct StackOverflow {
    mode: String,
}

#[inline(never)]
pub(crate) fn deep(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    std::hint::black_box(deep(std::hint::black_box(n - 1))).wrapping_add(1)
}

#[inline(never)]
pub(crate) fn deep_shadow(n: u64) -> u64 {
    let mut frame = [0u8; 1024];
    frame[(n % 1024) as usize] = n as u8;
    std::hint::black_box(&mut frame);
    if n == 0 {
        return u64::from(frame[0]);
    }
    std::hint::black_box(deep_shadow(std::hint::black_box(n - 1))).wrapping_add(u64::from(frame[1]))
}

impl Workload for StackOverflow {
    const NAME: &'static str = "stack-overflow";
    const DESCRIPTION: &'static str =
        "recurse without end (on the wasm stack, or on the shadow stack in memory)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("mode", "native")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(StackOverflow {
            mode: params.str("mode")?.to_string(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let depth = std::hint::black_box(u64::MAX);
        match self.mode.as_str() {
            "native" => Ok(Outcome::new(deep(depth), 1)),
            "shadow" => Ok(Outcome::new(deep_shadow(depth), 1)),
            other => Err(format!("unknown mode `{other}` (native, shadow)")),
        }
    }
}

/// Traps in guest code: `unreachable`, a raw integer divide by zero (the wasm instruction
/// traps), a Rust checked division (panics), an out-of-bounds load, `abort()`.
pub(crate) struct Trap {
    kind: String,
}

impl Workload for Trap {
    const NAME: &'static str = "trap";
    const DESCRIPTION: &'static str =
        "trap: unreachable, div-zero, checked-div, out-of-bounds, abort";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("kind", "unreachable")];

    fn setup(params: &Params) -> Result<Self, String> {
        Ok(Trap {
            kind: params.str("kind")?.to_string(),
        })
    }

    fn run(&mut self) -> Result<Outcome, String> {
        let zero = std::hint::black_box(0u32);
        let value = match self.kind.as_str() {
            "unreachable" => core::arch::wasm32::unreachable(),
            // Dividing by a `NonZero` compiles to a bare `i32.div_u` without Rust's zero check, so
            // the wasm instruction itself traps. (Lying to `new_unchecked` is the attack.)
            "div-zero" => {
                let divisor = unsafe { core::num::NonZeroU32::new_unchecked(zero) };
                u64::from(std::hint::black_box(7u32) / std::hint::black_box(divisor))
            }
            "checked-div" => u64::from(std::hint::black_box(7u32) / zero),
            "out-of-bounds" => {
                let address = std::hint::black_box(0xffff_fff0usize) as *const u64;
                unsafe { address.read_volatile() }
            }
            "abort" => std::process::abort(),
            other => return Err(format!("unknown kind `{other}`")),
        };
        Ok(Outcome::new(value, 1))
    }
}

/// Panics in `setup` or in `run` (`phase`).
pub(crate) struct Panic;

impl Workload for Panic {
    const NAME: &'static str = "panic";
    const DESCRIPTION: &'static str = "panic in `phase` (setup or run)";
    const PARAMS: &'static [(&'static str, &'static str)] = &[("phase", "run")];

    fn setup(params: &Params) -> Result<Self, String> {
        match params.str("phase")? {
            "setup" => panic!("hostile/panic panicked in setup on purpose"),
            "run" => Ok(Panic),
            other => Err(format!("unknown phase `{other}` (setup, run)")),
        }
    }

    fn run(&mut self) -> Result<Outcome, String> {
        panic!("hostile/panic panicked in run on purpose")
    }
}
